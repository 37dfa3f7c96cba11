"""Hugging Face Hub repositories read from the Hub API's JSON."""

from __future__ import annotations

import json

import pytest

from articles.extractors import NotAnArticle, RelatedLinkData, extract, fetch_url_for

MODEL_URL = "https://huggingface.co/acme/tiny-model"


def payload(**values: object) -> bytes:
    base = {"id": "acme/tiny-model", "author": "acme", "createdAt": "2024-05-01T08:00:00.000Z"}
    return json.dumps({**base, **values}).encode()


def test_repository_id_is_the_title_and_tags_give_papers_and_datasets() -> None:
    body = payload(
        tags=["arxiv:2405.05966", "dataset:acme/corpus", "license:mit", "arxiv:not-an-id"],
        cardData={"datasets": ["acme/corpus", "wikipedia"], "license": "mit"},
        downloads=12,
    )
    extracted = extract(MODEL_URL, body)
    assert (extracted.kind, extracted.title, extracted.author) == ("web", "acme/tiny-model", "acme")
    assert extracted.publication == "Hugging Face"
    assert extracted.published_at is not None and extracted.published_at.year == 2024
    assert extracted.metadata["license"] == "mit"
    assert extracted.metadata["downloads"] == 12
    assert extracted.related_links == [
        RelatedLinkData("Paper", "https://arxiv.org/abs/2405.05966", "metadata"),
        RelatedLinkData("数据集", "https://huggingface.co/datasets/acme/corpus", "metadata"),
        RelatedLinkData("数据集", "https://huggingface.co/datasets/wikipedia", "metadata"),
    ]


def test_a_payload_without_an_author_names_the_owner_from_the_id() -> None:
    body = json.dumps({"modelId": "acme/tiny-model"}).encode()
    extracted = extract(MODEL_URL, body)
    assert extracted.author == "acme"
    assert extracted.published_at is None


def test_an_unknown_repository_is_not_found() -> None:
    with pytest.raises(NotAnArticle) as raised:
        extract(MODEL_URL, b'{"error":"Repository not found"}')
    assert raised.value.code == "not_found"


def test_hub_pages_are_fetched_from_the_api(settings) -> None:
    settings.HF_API_URL = "http://hub.test/api/"
    assert fetch_url_for(MODEL_URL) == "http://hub.test/api/models/acme/tiny-model"
    assert fetch_url_for("https://huggingface.co/datasets/acme/corpus") == (
        "http://hub.test/api/datasets/acme/corpus"
    )
    assert fetch_url_for("https://huggingface.co/spaces/acme/demo") == (
        "http://hub.test/api/spaces/acme/demo"
    )
    for page in ("https://huggingface.co/papers/2405.05966", "https://huggingface.co/blog/x"):
        assert fetch_url_for(page) == page
