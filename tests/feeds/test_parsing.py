"""The feed reader on hostile, broken and oversized documents."""

from __future__ import annotations

import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from feeds.parsing import FeedParseError, discover_feeds, parse_feed


def rss(items: str, *, prolog: str = '<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    return f'{prolog}<rss version="2.0"><channel><title>T</title>{items}</channel></rss>'.encode()


def test_billion_laughs_is_neither_expanded_nor_fatal() -> None:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [{entities}]><rss version="2.0"><channel>'
        "<title>&lol9;</title><item><title>kept &lol9;</title><link>https://a.example/1</link>"
        "</item></channel></rss>"
    ).encode()
    tracemalloc.start()
    started = time.monotonic()
    parsed = parse_feed(body, url="https://a.example/feed")
    elapsed = time.monotonic() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # Fully expanded, &lol9; is a billion "lol"s (3 GB); here it stays a few bytes.
    assert len(parsed.title) < 100
    assert [item.link for item in parsed.items] == ["https://a.example/1"]
    assert len(parsed.items[0].title) < 100
    assert peak < 50 * 1024 * 1024
    assert elapsed < 10


def test_a_web_page_is_refused_with_a_clear_error() -> None:
    page = b"<!DOCTYPE html><html><head><title>Blog</title></head><body>hi</body></html>"
    with pytest.raises(FeedParseError) as caught:
        parse_feed(page, url="https://blog.example/", content_type="text/html")
    assert "is a web page, not a feed" in caught.value.message
    assert caught.value.code == "not_a_feed"


def test_text_that_is_no_feed_at_all_is_refused() -> None:
    with pytest.raises(FeedParseError, match="not an RSS, Atom or JSON feed"):
        parse_feed(b"hello, world", url="https://x.example/feed")


def test_json_that_is_not_a_json_feed_is_refused() -> None:
    with pytest.raises(FeedParseError, match="not a JSON Feed"):
        parse_feed(b'{"version": "nope", "items": []}', url="https://x.example/feed.json")


def test_twenty_thousand_items_keep_the_newest_and_count_the_rest() -> None:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    # Oldest first in the document, so "first N" and "newest N" differ.
    items = "".join(
        f"<item><title>n{n}</title><link>https://x.example/{n}</link>"
        f"<pubDate>{format_datetime(start + timedelta(minutes=n))}</pubDate></item>"
        for n in range(20_000)
    )
    parsed = parse_feed(rss(items), url="https://x.example/feed", limit=200)
    assert parsed.total == 20_000
    assert parsed.skipped == 19_800
    assert len(parsed.items) == 200
    assert {item.title for item in parsed.items} == {f"n{n}" for n in range(19_800, 20_000)}


def test_undated_items_keep_document_order_when_cut() -> None:
    items = "".join(
        f"<item><title>n{n}</title><link>https://x.example/{n}</link></item>" for n in range(30)
    )
    parsed = parse_feed(rss(items), url="https://x.example/feed", limit=5)
    assert [item.title for item in parsed.items] == ["n0", "n1", "n2", "n3", "n4"]
    assert parsed.skipped == 25
    assert all(item.published_at is None for item in parsed.items)


def test_gbk_declared_only_in_the_prolog() -> None:
    body = rss(
        "<item><title>大模型周报</title><link>https://x.example/1</link></item>",
        prolog='<?xml version="1.0" encoding="gb2312"?>',
    )
    parsed = parse_feed(body.decode().encode("gbk"), url="https://x.example/feed")
    assert parsed.items[0].title == "大模型周报"


def test_cdata_entities_and_relative_links() -> None:
    body = rss(
        "<item><title><![CDATA[A &amp; B <b>bold</b>]]></title><link>/p/1</link>"
        "<description>&lt;p&gt;Caf&amp;eacute; &amp;amp; tea&lt;/p&gt;</description></item>"
    )
    item = parse_feed(body, url="https://x.example/blog/feed").items[0]
    assert item.title == "A & B bold"
    assert item.link == "https://x.example/p/1"
    assert item.summary == "Café & tea"


def test_xml_base_resolves_atom_links() -> None:
    body = (
        b'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://base.example/dir/">'
        b"<title>A</title><entry><title>e</title><id>tag:1</id>"
        b'<link rel="alternate" href="post/1"/></entry></feed>'
    )
    item = parse_feed(body, url="https://elsewhere.example/feed").items[0]
    assert item.link == "https://base.example/dir/post/1"


def test_ill_formed_feed_keeps_what_parses_and_says_so() -> None:
    body = rss(
        "<item><title>one</title><link>https://x.example/1</link></item>"
        "<item><title>two \x10</title><link>https://x.example/2</link></item>"
    )
    parsed = parse_feed(body, url="https://x.example/feed")
    assert [item.link for item in parsed.items] == ["https://x.example/1", "https://x.example/2"]
    assert "not well-formed" in parsed.warning


def test_discovery_finds_alternate_feed_links() -> None:
    page = b"""<html><head>
      <link rel="stylesheet" href="/s.css">
      <link rel="alternate" type="application/rss+xml" title="RSS" href="/feed.xml">
      <link rel="alternate" type="application/atom+xml" href="https://x.example/atom">
      <link rel="alternate" type="text/html" hreflang="en" href="/en/">
    </head></html>"""
    assert discover_feeds(page, url="https://x.example/blog/") == [
        "https://x.example/feed.xml",
        "https://x.example/atom",
    ]


def test_github_releases_api_answer() -> None:
    body = (
        b'[{"id": 7, "html_url": "https://github.com/o/r/releases/tag/v1", "name": "v1",'
        b' "tag_name": "v1", "body": "Notes", "draft": false,'
        b' "published_at": "2024-05-01T10:00:00Z",'
        b' "author": {"login": "me"}}, {"id": 8, "draft": true, "html_url": "x"}]'
    )
    parsed = parse_feed(body, url="https://api.github.com/repos/o/r/releases?per_page=30")
    assert parsed.title == "Releases of o/r"
    assert [(i.link, i.title, i.author) for i in parsed.items] == [
        ("https://github.com/o/r/releases/tag/v1", "v1", "me")
    ]
    assert parsed.items[0].published_at == datetime(2024, 5, 1, 10, tzinfo=UTC)
