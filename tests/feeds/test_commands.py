"""add_feed, poll_feeds, import_opml and export_opml as an operator runs them."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from feeds.models import Feed, InboxItem
from feeds.opml import parse_opml
from tests.factories import DigestFactory, SourceFactory
from tests.feeds.conftest import FeedRoute

pytestmark = pytest.mark.django_db

FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Lab blog</title>'
    b"<item><title>One</title><link>https://lab.example/1</link></item></channel></rss>"
)


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_add_feed_discovers_the_feed_a_page_links_to(local_server) -> None:
    feed_url = local_server.add("/feed.xml", handler=FeedRoute(FEED))
    link = b'<link rel="alternate" type="application/rss+xml" href="/feed.xml">'
    page = b"<html><head>" + link + b"</head></html>"
    page_url = local_server.add("/blog/", 200, {"Content-Type": "text/html"}, page)
    DigestFactory.create(slug="ai-brief")

    printed = json.loads(run("add_feed", page_url, "--digest", "ai-brief"))

    feed = Feed.objects.get()
    assert printed["id"] == feed.pk
    assert printed["url"] == feed_url == feed.url
    assert printed["title"] == "Lab blog"
    assert printed["created"] is True
    assert feed.digest is not None and feed.digest.slug == "ai-brief"
    assert feed.source.name == "Lab blog"


def test_add_feed_with_a_page_that_names_no_feed_says_so(local_server) -> None:
    url = local_server.add("/p", 200, {"Content-Type": "text/html"}, b"<html><body>x</body></html>")
    with pytest.raises(CommandError, match="names no feed"):
        run("add_feed", url)
    assert Feed.objects.count() == 0


def test_add_feed_recognises_github_and_arxiv_urls() -> None:
    source = SourceFactory.create(slug="openai")
    github = json.loads(run("add_feed", "https://github.com/openai/whisper", "--source", "openai"))
    arxiv = json.loads(run("add_feed", "https://arxiv.org/list/cs.CL/new"))
    assert (github["kind"], github["query"], github["source"]) == (
        "github",
        "openai/whisper",
        source.slug,
    )
    assert (arxiv["kind"], arxiv["query"]) == ("arxiv", "cs.CL")


def test_add_feed_with_an_unknown_digest_fails_clearly() -> None:
    with pytest.raises(CommandError, match="No digest with the slug 'nope'"):
        run("add_feed", "https://github.com/a/b", "--digest", "nope")


def test_poll_feeds_sync_prints_one_json_line_per_feed(local_server) -> None:
    digest = DigestFactory.create()
    good = Feed.objects.create(
        source=SourceFactory.create(slug="lab"),
        url=local_server.add("/f", handler=FeedRoute(FEED)),
        digest=digest,
    )
    bad = Feed.objects.create(
        source=SourceFactory.create(), url=local_server.add("/gone", 410, {}, b"")
    )

    with pytest.raises(SystemExit):
        run("poll_feeds", "--sync")
    out = StringIO()
    call_command("poll_feeds", "--sync", "--source", "lab", stdout=out)

    line = json.loads(out.getvalue())
    assert line == {
        "id": good.pk,
        "url": good.url,
        "status": "not_modified",
        "new_items": 0,
        "skipped": 0,
        "error": "",
    }
    assert InboxItem.objects.count() == 1
    bad.refresh_from_db()
    assert bad.consecutive_errors == 1


def test_poll_feeds_one_feed_first_poll(local_server) -> None:
    feed = Feed.objects.create(
        source=SourceFactory.create(), url=local_server.add("/f", handler=FeedRoute(FEED))
    )
    line = json.loads(run("poll_feeds", "--feed", str(feed.pk), "--sync"))
    assert (line["id"], line["status"], line["new_items"], line["error"]) == (feed.pk, "new", 1, "")


def test_opml_round_trip(tmp_path: Path) -> None:
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="1.0"><head><title>x</title></head><body>'
        '<outline text="AI"><outline text="Lab" type="rss" xmlUrl="https://lab.example/feed.xml" htmlUrl="https://lab.example/"/>'
        '<outline text="Whisper" xmlUrl="https://github.com/openai/whisper/releases.atom"/></outline>'
        '<outline text="Solo" xmlUrl="https://solo.example/rss"/>'
        "</body></opml>",
        encoding="utf-8",
    )
    assert json.loads(run("import_opml", str(opml))) == {"added": 3, "existing": 0, "errors": []}
    assert json.loads(run("import_opml", str(opml))) == {"added": 0, "existing": 3, "errors": []}
    github = Feed.objects.get(kind="github")
    assert github.query == "openai/whisper"

    exported = run("export_opml").encode()
    urls = {outline.url for outline in parse_opml(exported)}
    assert urls == {
        "https://lab.example/feed.xml",
        "https://github.com/openai/whisper/releases.atom",
        "https://solo.example/rss",
    }


def test_import_of_a_file_that_is_not_opml_fails_clearly(tmp_path: Path) -> None:
    bad = tmp_path / "x.opml"
    bad.write_text("<html><body>no</body></html>")
    with pytest.raises(CommandError, match="not OPML"):
        run("import_opml", str(bad))
    entities = tmp_path / "e.opml"
    entities.write_text('<!DOCTYPE opml [<!ENTITY a "aaaa">]><opml><body/></opml>')
    with pytest.raises(CommandError, match="entities"):
        run("import_opml", str(entities))
