"""What the pipeline fetches for an URL, and which extractor reads which body."""

from __future__ import annotations

import json

import pytest

from articles.extractors import NotAnArticle, extract, fetch_url_for
from articles.extractors.dispatch import body_format


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://arxiv.org/abs/2405.05966", "https://export.arxiv.org/api/query?id_list=2405.05966"),
        ("https://arxiv.org/pdf/2405.05966v2.pdf", "https://export.arxiv.org/api/query?id_list=2405.05966"),
        ("https://arxiv.org/abs/cs/0112017v1", "https://export.arxiv.org/api/query?id_list=cs/0112017"),
        ("https://github.com/acme/tiny", "https://api.github.com/repos/acme/tiny"),
        ("https://github.com/acme/tiny.git", "https://api.github.com/repos/acme/tiny"),
        ("https://github.com/acme/tiny/blob/main/README.md#usage", "https://api.github.com/repos/acme/tiny"),
        ("https://mp.weixin.qq.com/s/AbCdEf", "https://mp.weixin.qq.com/s/AbCdEf"),
        ("https://www.wired.com/2016/08/airplane-tires/", "https://www.wired.com/2016/08/airplane-tires/"),
        ("https://github.com/about", "https://github.com/about"),
    ],
)  # fmt: skip
def test_fetch_url_for(url, expected) -> None:
    assert fetch_url_for(url) == expected


def test_fetch_url_for_follows_settings(settings) -> None:
    settings.ARXIV_API_URL = "http://arxiv.test/api/query"
    settings.GITHUB_API_URL = "http://github.test/api/"
    assert (
        fetch_url_for("https://arxiv.org/abs/2405.05966")
        == "http://arxiv.test/api/query?id_list=2405.05966"
    )
    assert fetch_url_for("https://github.com/a/b") == "http://github.test/api/repos/a/b"


@pytest.mark.parametrize(
    ("body", "content_type", "form"),
    [
        (b'  {"full_name": "a/b"}', "", "json"),
        (b"[]", "application/json; charset=utf-8", "json"),
        (b'<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">', "", "atom"),
        (b"<feed xmlns='http://www.w3.org/2005/Atom'>", "application/atom+xml", "atom"),
        (b'<?xml version="1.0"?><!DOCTYPE html><html>', "", "html"),
        (b"%PDF-1.7", "", "pdf"),
        (b" \n ", "text/html", "empty"),
    ],
)
def test_body_format(body, content_type, form) -> None:
    assert body_format(body, content_type) == form


def test_github_json_is_read_whatever_the_url() -> None:
    body = json.dumps({"full_name": "a/b", "owner": {"login": "a"}}).encode()
    assert extract("https://api.github.com/repos/a/b", body).title == "a/b"


@pytest.mark.parametrize(("body", "code"), [(b"", "empty"), (b"%PDF-1.4 ...", "unparsable")])
def test_bodies_that_are_not_pages(body, code) -> None:
    with pytest.raises(NotAnArticle) as raised:
        extract("https://arxiv.org/pdf/2405.05966", body)
    assert raised.value.code == code


def test_a_blog_feed_is_not_read_as_arxiv() -> None:
    body = (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Blog</title></feed>'
    )
    with pytest.raises(NotAnArticle) as raised:
        extract("https://blog.example.org/feed.atom", body)
    assert raised.value.code == "unparsable"


def test_other_json_is_not_read_as_github() -> None:
    with pytest.raises(NotAnArticle) as raised:
        extract("https://example.org/api/item/1", b'{"id": 1, "name": "x"}')
    assert raised.value.code == "unparsable"
