"""Polling feeds from a local server: conditional GET, errors, redirects, arrival."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from feeds.models import Feed, FeedRule, InboxItem
from feeds.services import due_feed_ids, feed_poll, feed_reset_errors, inbox_triage
from sources.models import Source
from tests.factories import DigestFactory, SourceFactory
from tests.feeds.conftest import FeedRoute
from tests.support.httpserver import chunked, drip

pytestmark = pytest.mark.django_db


def items(count: int, *, start: int = 0, title: str = "Item") -> str:
    now = timezone.now()
    return "".join(
        f"<item><title>{title} {n}</title><link>https://news.example.com/{n}</link>"
        f"<description>About {n}</description>"
        f"<pubDate>{format_datetime(now - timedelta(minutes=n))}</pubDate></item>"
        for n in range(start, start + count)
    )


def rss(count: int = 0, *, start: int = 0, title: str = "Item", extra: str = "") -> bytes:
    body = extra + items(count, start=start, title=title)
    channel = f"<channel><title>News</title>{body}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'.encode()


def make_feed(url: str, **extra) -> Feed:
    source = extra.pop("source", None) or SourceFactory.create(kind=Source.Kind.WEBSITE)
    return Feed.objects.create(source=source, url=url, **extra)


def writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def test_first_poll_takes_the_newest_twenty_into_the_inbox(local_server) -> None:
    digest = DigestFactory.create()
    route = FeedRoute(rss(30))
    feed = make_feed(local_server.add("/feed", handler=route), digest=digest)

    result = feed_poll(feed_id=feed.pk)

    assert (result.status, result.new_items) == ("new", 20)
    assert Article.objects.count() == 20
    assert set(Article.objects.values_list("canonical_url", flat=True)) == {
        f"https://news.example.com/{n}" for n in range(20)
    }
    article = Article.objects.get(canonical_url="https://news.example.com/0")
    assert (article.title, article.excerpt, article.source) == ("Item 0", "About 0", feed.source)
    assert article.published_at is not None
    assert InboxItem.objects.filter(digest=digest, state="new").count() == 20
    feed.refresh_from_db()
    assert (feed.status, feed.etag, feed.title, feed.consecutive_errors) == (
        "ok",
        route.etag,
        "News",
        0,
    )
    assert feed.next_poll_at > timezone.now() + timedelta(minutes=59)


def test_unchanged_feed_answers_304_and_writes_nothing(local_server) -> None:
    route = FeedRoute(rss(5))
    feed = make_feed(local_server.add("/feed", handler=route), digest=DigestFactory.create())
    feed_poll(feed_id=feed.pk)

    with CaptureQueriesContext(connection) as queries:
        result = feed_poll(feed_id=feed.pk)

    assert result.status == "not_modified"
    assert route.statuses == [200, 304]
    assert writes(queries.captured_queries) == []
    assert len(queries.captured_queries) == 1  # reading the feed


def test_server_that_ignores_conditional_get_still_writes_nothing(local_server) -> None:
    body = rss(5)
    url = local_server.add("/feed", 200, {"Content-Type": "application/rss+xml"}, body)
    feed = make_feed(url)
    feed_poll(feed_id=feed.pk)

    with CaptureQueriesContext(connection) as queries:
        result = feed_poll(feed_id=feed.pk)

    assert result.status == "not_modified"
    assert writes(queries.captured_queries) == []


def test_new_items_arrive_and_known_ones_do_not_repeat(local_server) -> None:
    digest = DigestFactory.create()
    route = FeedRoute(rss(3))
    feed = make_feed(local_server.add("/feed", handler=route), digest=digest)
    feed_poll(feed_id=feed.pk)
    route.body = rss(3, extra=items(2, start=100))  # two new items on top

    result = feed_poll(feed_id=feed.pk)

    assert (result.status, result.new_items) == ("new", 2)
    assert InboxItem.objects.filter(digest=digest).count() == 5


def test_dismissed_item_never_comes_back_even_from_another_feed(local_server) -> None:
    digest = DigestFactory.create()
    one = make_feed(local_server.add("/one", handler=FeedRoute(rss(2))), digest=digest)
    feed_poll(feed_id=one.pk)
    item = InboxItem.objects.get(article__canonical_url="https://news.example.com/0")
    inbox_triage(ids=[item.pk], state="dismissed")

    other = make_feed(
        local_server.add("/other", handler=FeedRoute(rss(2, title="Again"))), digest=digest
    )
    feed_poll(feed_id=other.pk)

    item.refresh_from_db()
    assert item.state == "dismissed"
    assert InboxItem.objects.filter(digest=digest).count() == 2


def test_rules_include_and_exclude_on_arrival(local_server) -> None:
    digest = DigestFactory.create()
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>c</title>'
        b"<item><title>\xe5\xa4\xa7\xe6\xa8\xa1\xe5\x9e\x8b news</title><link>https://n.example/1</link></item>"
        b"<item><title>LLM \xe6\x8b\x9b\xe8\x81\x98</title><link>https://n.example/2</link></item>"
        b"<item><title>Sports</title><link>https://n.example/3</link></item>"
        b"<item><title>x</title><description>an agent story</description><link>https://n.example/4</link></item>"
        b"</channel></rss>"
    )
    feed = make_feed(local_server.add("/feed", handler=FeedRoute(body)), digest=digest)
    FeedRule.objects.create(feed=feed, action="include", pattern="LLM|大模型|Agent")
    FeedRule.objects.create(digest=digest, action="exclude", pattern="招聘")

    result = feed_poll(feed_id=feed.pk)

    assert result.new_items == 2
    assert set(InboxItem.objects.values_list("article__canonical_url", flat=True)) == {
        "https://n.example/1",
        "https://n.example/4",
    }
    assert not Article.objects.filter(canonical_url="https://n.example/3").exists()


def test_feed_data_is_enough_skips_the_page_fetch(local_server, monkeypatch) -> None:
    queued: list[int] = []
    monkeypatch.setattr("feeds.services.enqueue_fetch", queued.append)
    quick = make_feed(local_server.add("/q", handler=FeedRoute(rss(1))), feed_data_is_enough=True)
    slow = make_feed(local_server.add("/s", handler=FeedRoute(rss(1, start=50))))

    with TestCase.captureOnCommitCallbacks(execute=True):
        feed_poll(feed_id=quick.pk)
        feed_poll(feed_id=slow.pk)

    fed = Article.objects.get(canonical_url="https://news.example.com/0")
    fetched = Article.objects.get(canonical_url="https://news.example.com/50")
    assert fed.fetch_state == "done"
    assert fetched.fetch_state == "pending"
    assert queued == [fetched.pk]


def test_undated_items_get_the_time_first_seen(local_server) -> None:
    body = (
        b'<rss version="2.0"><channel><title>c</title>'
        b"<item><title>a</title><link>https://n.example/a</link></item></channel></rss>"
    )
    feed = make_feed(
        local_server.add("/feed", handler=FeedRoute(body)), digest=DigestFactory.create()
    )
    before = timezone.now()
    feed_poll(feed_id=feed.pk)
    item = InboxItem.objects.get()
    assert item.arrived_at >= before
    assert item.article.published_at is None  # the page fetch may still find one


def test_errors_double_the_interval_up_to_a_day(local_server) -> None:
    url = local_server.add("/feed", 500, {"Content-Type": "text/plain"}, b"oops")
    feed = make_feed(url, interval_minutes=60)
    delays = []
    for _ in range(7):
        start = timezone.now()
        result = feed_poll(feed_id=feed.pk)
        feed.refresh_from_db()
        delays.append(round((feed.next_poll_at - start).total_seconds() / 3600))
    assert result.status == "error"
    assert "HTTP 500" in result.error
    assert delays == [2, 4, 8, 16, 24, 24, 24]
    assert (feed.consecutive_errors, feed.status, feed.active) == (7, "error", True)

    feed_reset_errors(feed=feed)
    feed.refresh_from_db()
    assert (feed.consecutive_errors, feed.last_error) == (0, "")


@pytest.mark.parametrize("status", [404, 410])
def test_a_feed_that_is_gone_is_paused_with_the_reason(local_server, settings, status) -> None:
    settings.FEED_PAUSE_AFTER_GONE = 3
    feed = make_feed(local_server.add("/feed", status, {"Content-Type": "text/plain"}, b"no"))
    for _ in range(3):
        feed_poll(feed_id=feed.pk)
        feed.refresh_from_db()
    assert feed.active is False
    assert feed.status == "paused"
    assert f"HTTP {status}" in feed.paused_reason
    assert feed.pk not in due_feed_ids(now=timezone.now() + timedelta(days=30))


def test_a_gone_answer_then_a_good_one_does_not_pause(local_server, settings) -> None:
    settings.FEED_PAUSE_AFTER_GONE = 2
    answers = iter([404, 200])

    def flaky(handler, request):
        from tests.support.httpserver import send_static

        code = next(answers)
        send_static(
            handler, code, {"Content-Type": "application/rss+xml"}, rss(1) if code == 200 else b""
        )

    feed = make_feed(local_server.add("/feed", handler=flaky))
    assert feed_poll(feed_id=feed.pk).status == "error"
    assert feed_poll(feed_id=feed.pk).status == "new"
    feed.refresh_from_db()
    assert (feed.active, feed.consecutive_errors) == (True, 0)


@pytest.mark.parametrize(
    ("status", "moves"), [(301, True), (308, True), (302, False), (307, False)]
)
def test_permanent_redirect_updates_the_url(local_server, status, moves) -> None:
    new_url = local_server.add("/new", handler=FeedRoute(rss(1)))
    old_url = local_server.add("/old", status, {"Location": "/new"})
    feed = make_feed(old_url)
    assert feed_poll(feed_id=feed.pk).status == "new"
    feed.refresh_from_db()
    assert feed.url == (new_url if moves else old_url)


def test_sixty_megabyte_feed_is_refused_by_size(local_server, settings) -> None:
    settings.FEED_MAX_BYTES = 5 * 1024 * 1024
    big = rss(1).replace(b"</channel>", b"<!--" + b"x" * (60 * 1024 * 1024) + b"--></channel>")
    feed = make_feed(
        local_server.add(
            "/big", handler=chunked(big, headers={"Content-Type": "application/rss+xml"})
        )
    )
    result = feed_poll(feed_id=feed.pk)
    assert result.status == "error"
    assert "larger than the 5120 KB limit" in result.error
    assert Article.objects.count() == 0


def test_a_feed_that_never_ends_is_cut_off_by_time(local_server, settings) -> None:
    settings.FETCH_TOTAL_TIMEOUT = 1
    endless = drip(
        b"<item><title>x</title></item>",
        interval=0.02,
        headers={"Content-Type": "application/rss+xml"},
    )
    feed = make_feed(local_server.add("/endless", handler=endless))
    result = feed_poll(feed_id=feed.pk)
    assert result.status == "error"
    assert "took too long" in result.error


def test_a_web_page_gives_a_readable_error(local_server) -> None:
    page = b"<!doctype html><html><head><title>x</title></head><body>Blog</body></html>"
    feed = make_feed(local_server.add("/page", 200, {"Content-Type": "text/html"}, page))
    result = feed_poll(feed_id=feed.pk)
    assert result.status == "error"
    assert "is a web page, not a feed" in result.error
    feed.refresh_from_db()
    assert feed.last_error_code == "not_a_feed"


def test_a_private_address_feed_is_refused_like_any_fetch() -> None:
    feed = make_feed("http://10.0.0.7/feed.xml")
    result = feed_poll(feed_id=feed.pk)
    assert result.status == "error"
    assert "private address" in result.error


def test_item_link_to_a_private_address_is_refused_when_fetched(local_server) -> None:
    from articles.ingest import article_fetch

    body = (
        b'<rss version="2.0"><channel><title>c</title>'
        b"<item><title>inside</title><link>http://192.168.1.10/admin</link></item></channel></rss>"
    )
    feed = make_feed(local_server.add("/feed", handler=FeedRoute(body)))
    feed_poll(feed_id=feed.pk)
    article = Article.objects.get()
    assert article.title == "inside"
    article_fetch(article.pk, final_attempt=True)
    article.refresh_from_db()
    assert (article.fetch_state, article.fetch_error_code) == ("failed", "blocked")


def test_wechat_bridge_items_map_to_the_canonical_article_link(local_server) -> None:
    source = SourceFactory.create(kind=Source.Kind.WECHAT)
    body = (
        '<rss version="2.0"><channel><title>机器之心</title><item><title>t</title>'
        "<link>https://bridge.example/item/9</link>"
        "<description>&lt;a href=&quot;https://mp.weixin.qq.com/s?__biz=MzA3MzI4MjgzMw==&amp;amp;mid=1"
        "&amp;amp;idx=1&amp;amp;sn=abc&amp;amp;chksm=zz&amp;amp;scene=21&quot;&gt;原文&lt;/a&gt;</description>"
        "</item></channel></rss>"
    ).encode()
    feed = make_feed(local_server.add("/feed", handler=FeedRoute(body)), source=source)
    feed_poll(feed_id=feed.pk)
    article = Article.objects.get()
    assert article.kind == "wechat"
    assert (
        article.canonical_url
        == "https://mp.weixin.qq.com/s?__biz=MzA3MzI4MjgzMw==&mid=1&idx=1&sn=abc"
    )


def test_saved_wechat_bridge_feed_gives_wechat_articles(local_server, feeds_dir: Path) -> None:
    body = (feeds_dir / "wechat" / "jiqizhixin-wechat-feeds.xml").read_bytes()
    source = SourceFactory.create(kind=Source.Kind.WECHAT)
    feed = make_feed(local_server.add("/feed", handler=FeedRoute(body)), source=source)
    assert feed_poll(feed_id=feed.pk).new_items == 20
    assert set(Article.objects.values_list("kind", flat=True)) == {"wechat"}
    assert Article.objects.filter(
        canonical_url="https://mp.weixin.qq.com/s/zqsGVffV6RlfTqqiYuqjqA"
    ).exists()


def test_saved_arxiv_and_github_feeds_give_those_kinds(local_server, feeds_dir: Path) -> None:
    arxiv = make_feed(
        local_server.add(
            "/a",
            handler=FeedRoute((feeds_dir / "arxiv/arxiv-rss-stat-2024-03-26.xml").read_bytes()),
        )
    )
    github = make_feed(
        local_server.add(
            "/g", handler=FeedRoute((feeds_dir / "github/boostorg-decimal-tags.atom").read_bytes())
        )
    )
    feed_poll(feed_id=arxiv.pk)
    feed_poll(feed_id=github.pk)
    assert Article.objects.filter(kind="arxiv").count() == 20
    assert Article.objects.filter(kind="github").count() == 10
    assert Article.objects.filter(canonical_url="https://arxiv.org/abs/2403.15527").exists()


def test_arxiv_query_through_the_export_api(local_server, settings, feeds_dir: Path) -> None:
    body = (feeds_dir / "arxiv/arxiv-api-search-all-einstein-2018.atom").read_bytes()
    settings.ARXIV_API_URL = local_server.add(
        "/api/query", handler=FeedRoute(body, "application/atom+xml")
    )
    feed = Feed.objects.create(
        source=SourceFactory.create(kind="arxiv"), kind="arxiv", query="cs.CL"
    )

    result = feed_poll(feed_id=feed.pk)

    assert result.new_items == 10
    request = local_server.requests[-1]
    assert "search_query=cat%3Acs.CL" in request.target
    assert "sortBy=submittedDate" in request.target
    assert Article.objects.filter(
        canonical_url="https://arxiv.org/abs/1801.05533", kind="arxiv"
    ).exists()
    feed.refresh_from_db()
    # Daily, after the evening announcement in New York.
    local = feed.next_poll_at.astimezone(__import__("zoneinfo").ZoneInfo("America/New_York"))
    assert (local.hour, local.minute) == (20, 30)
    assert feed.next_poll_at - timezone.now() <= timedelta(days=1)


def test_github_releases_through_the_rest_api(local_server, settings) -> None:
    answer = (
        b'[{"id": 1, "html_url": "https://github.com/openai/whisper/releases/tag/v2", "name": "v2",'
        b' "body": "Faster", "published_at": "2024-05-01T10:00:00Z", "draft": false}]'
    )
    local_server.add(
        "/repos/openai/whisper/releases", 200, {"Content-Type": "application/json"}, answer
    )
    settings.GITHUB_API_URL = local_server.url("")
    feed = Feed.objects.create(
        source=SourceFactory.create(kind="github"), kind="github", query="openai/whisper"
    )

    assert feed_poll(feed_id=feed.pk).new_items == 1

    request = local_server.requests[-1]
    assert request.headers["accept"] == "application/vnd.github+json"
    article = Article.objects.get()
    assert (article.kind, article.title) == ("github", "v2")
