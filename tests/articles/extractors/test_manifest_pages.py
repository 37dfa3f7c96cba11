"""Every saved page in ../shared/fixtures/pages/MANIFEST.tsv against its hand-read ground truth."""

from __future__ import annotations

import json

import pytest

from articles.extractors import NotAnArticle, extract
from articles.extractors.evaluation import score


def _extract(pages_dir, row):
    assert row is not None, "MANIFEST.tsv is missing from the shared pages folder"
    return extract(row.url, (pages_dir / row.file).read_bytes())


def test_page_matches_ground_truth(pages_dir, row) -> None:
    if row is not None and row.is_error:
        with pytest.raises(NotAnArticle) as raised:
            _extract(pages_dir, row)
        assert raised.value.code == row.expected_error, raised.value.message
        return
    extracted = _extract(pages_dir, row)
    assert extracted.kind == row.expected_kind
    actual = {
        "title": extracted.title,
        "description": extracted.description[:140],
        "lede": extracted.summary[:140],
        "image_url": extracted.image_url,
        "author_or_publication": f"{extracted.author} ({extracted.publication})",
        "published": extracted.published_at,
    }
    wrong = {
        name: {"expected": getattr(row, name), "got": actual[name]}
        for name, right in score(row, extracted).items()
        if not right
    }
    assert not wrong


def test_page_output_is_well_formed(pages_dir, article_row) -> None:
    extracted = _extract(pages_dir, article_row)
    json.dumps(extracted.to_dict())
    assert extracted.published_at is None or extracted.published_at.tzinfo is not None
    links = [link.url for link in extracted.related_links]
    for url in [extracted.image_url, extracted.canonical_url, *links]:
        assert url == "" or url.startswith(("http://", "https://"))
    assert len(links) == len(set(links))
    assert len(extracted.body_text) <= 20_000
    assert extracted.summary == " ".join(extracted.summary.split())
