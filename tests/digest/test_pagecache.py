"""The page cache: what it serves, to whom, when it forgets, and what it never keeps."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import time

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import OperationalError, connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers

from articles.models import Article, Tag
from articles.signals import article_fetched
from digest import pagecache
from digest.models import ContentChange, Issue
from digest.services import issue_publish, issue_unpublish
from tests.digest.test_archive_builders import make_issue
from tests.factories import ArticleFactory
from tests.ops.conftest import free_port

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

MIDDLEWARE = "digest.pagecache.PageCacheMiddleware"
WHITENOISE = "whitenoise.middleware.WhiteNoiseMiddleware"
CSP = "default-src 'self'"
calls: dict[str, int] = {}
_counter = itertools.count()


def counted(name: str, *, status: int = 200, public: bool = True, **options):
    """A dummy view that counts its renders and answers a fresh body each time."""

    def view(request):
        calls[name] = calls.get(name, 0) + 1
        response = HttpResponse(f"<p>{name} {next(_counter)}</p>", status=status)
        response["Content-Security-Policy"] = CSP
        if public:
            patch_cache_control(response, public=True, no_cache=True)
        if options.get("cookie"):
            response.set_cookie("seen", "1")
        if options.get("private"):
            patch_cache_control(response, private=True, no_store=True)
        if options.get("vary"):
            patch_vary_headers(response, [options["vary"]])
        if options.get("bump"):
            pagecache.content_changed()  # an edit lands while this response is rendered
        return response

    return view


@pagecache.cacheable
def marked(request):
    calls["marked"] = calls.get("marked", 0) + 1
    return HttpResponse("marked")


def opted_out(request):
    calls["opted-out"] = calls.get("opted-out", 0) + 1
    response = counted("unused")(request)
    response.pagecache = False
    return response


urlpatterns = [
    path("page/", counted("page")),
    path("missing/", counted("missing", status=404)),
    path("plain/", counted("plain", public=False)),
    path("cookie/", counted("cookie", cookie=True)),
    path("private/", counted("private", private=True)),
    path("language/", counted("language", vary="Accept-Language")),
    path("racy/", counted("racy", bump=True)),
    path("api/thing/", counted("api", vary="Accept")),
    path("marked/", marked),
    path("opted-out/", opted_out),
]


@pytest.fixture(autouse=True)
def _page_cache(settings):
    """The middleware in place whatever the settings say, an empty cache, fresh counters."""
    middleware = [name for name in settings.MIDDLEWARE if name != MIDDLEWARE]
    middleware.insert(middleware.index(WHITENOISE) + 1, MIDDLEWARE)
    settings.MIDDLEWARE = middleware
    calls.clear()
    cache.clear()
    yield
    cache.clear()


def get(client, url: str, **headers):
    return client.get(url, headers=headers)


# --- hits and misses --------------------------------------------------------------------


def test_it_renders_once_and_then_serves_the_same_bytes_and_headers(client) -> None:
    first = get(client, "/page/")
    second = get(client, "/page/")

    assert calls["page"] == 1
    assert second.content == first.content
    for name in ("Content-Type", "Content-Security-Policy", "Cache-Control", "ETag"):
        assert second[name] == first[name], name
    assert second["Last-Modified"] == first["Last-Modified"]
    assert int(second["Content-Length"]) == len(first.content)


def test_it_answers_head_from_the_cache_without_a_body(client) -> None:
    first = get(client, "/page/")

    head = client.head("/page/")

    assert calls["page"] == 1
    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Length"] == str(len(first.content))


def test_a_warm_hit_runs_no_query_and_asks_the_shared_cache_nothing(client, monkeypatch) -> None:
    get(client, "/page/")
    asked = []
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: asked.append(args))

    with CaptureQueriesContext(connection) as queries:
        hit = get(client, "/page/")

    assert (hit.status_code, calls["page"]) == (200, 1)
    assert queries.captured_queries == [] and asked == []


def test_once_the_check_interval_passes_a_hit_reads_the_version_again(client, settings) -> None:
    settings.PAGECACHE_VERSION_CHECK_MS = 0
    pagecache.content_changed()  # a database that has seen a change, as any in use has
    get(client, "/page/")

    with CaptureQueriesContext(connection) as queries:
        get(client, "/page/")

    assert calls["page"] == 1
    assert len(queries.captured_queries) == 1
    assert "digest_contentchange" in queries.captured_queries[0]["sql"]


def test_another_process_change_is_served_once_the_check_interval_passes(client, settings) -> None:
    settings.PAGECACHE_VERSION_CHECK_MS = 300
    first = get(client, "/page/").content
    # Another web process records a change: a row this process did not write.
    ContentChange.objects.create()

    within = get(client, "/page/").content
    time.sleep(0.35)
    after = get(client, "/page/").content

    assert within == first
    assert after != first and calls["page"] == 2


def test_the_process_that_records_a_change_serves_it_at_once(client, settings) -> None:
    settings.PAGECACHE_VERSION_CHECK_MS = 60_000
    first = get(client, "/page/").content

    pagecache.content_changed()

    assert get(client, "/page/").content != first


def test_a_copy_in_the_shared_cache_is_served_by_a_process_that_never_rendered_it(
    client,
) -> None:
    first = get(client, "/page/").content
    pagecache.local_copies.clear()  # as a second web process starts with none

    again = get(client, "/page/")

    assert again.content == first and calls["page"] == 1


def test_local_copies_stay_within_their_byte_budget(settings) -> None:
    settings.PAGECACHE_LOCAL_BYTES = 4000
    copies = pagecache.LocalCopies()
    far = time.time() + 60
    for n in range(10):
        body = bytes(900)
        copies.put(f"k{n}", pagecache.StoredResponse("v", body, (), '"e"', 0, far))

    assert copies.size <= 4000
    assert copies.get("k0", "v") is None and copies.get("k9", "v") is not None
    assert copies.get("k9", "other version") is None


def test_an_expired_copy_is_not_served(settings) -> None:
    copies = pagecache.LocalCopies()
    copies.put("k", pagecache.StoredResponse("v", b"x", (), '"e"', 0, time.time() - 1))

    assert copies.get("k", "v") is None


def test_query_string_and_host_are_part_of_the_key(client) -> None:
    get(client, "/page/")
    get(client, "/page/?page=2")
    get(client, "/page/", HOST="localhost")
    get(client, "/page/?page=2")

    assert calls["page"] == 3


def test_api_responses_are_keyed_on_accept(client) -> None:
    json = get(client, "/api/thing/", ACCEPT="application/json")
    html = get(client, "/api/thing/", ACCEPT="text/html")
    again = get(client, "/api/thing/", ACCEPT="application/json")

    assert calls["api"] == 2
    assert again.content == json.content != html.content


def test_the_decorator_marks_a_view_without_cache_control(client) -> None:
    get(client, "/marked/")
    get(client, "/marked/")

    assert calls["marked"] == 1


# --- conditional requests ---------------------------------------------------------------


def test_it_answers_if_none_match_with_304_from_the_cache(client) -> None:
    first = get(client, "/page/")

    again = get(client, "/page/", IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == first["Cache-Control"]
    assert calls["page"] == 1


def test_it_answers_if_modified_since_with_304_from_the_cache(client) -> None:
    first = get(client, "/page/")

    again = get(client, "/page/", IF_MODIFIED_SINCE=first["Last-Modified"])
    stale = get(client, "/page/", IF_NONE_MATCH='"something-else"')

    assert again.status_code == 304
    assert stale.status_code == 200
    assert calls["page"] == 1


# --- invalidation -----------------------------------------------------------------------


def test_any_content_save_or_delete_makes_every_page_stale(client) -> None:
    get(client, "/page/")

    tag = Tag.objects.create(name="新标签", slug="xin")
    get(client, "/page/")
    get(client, "/page/")
    tag.delete()
    get(client, "/page/")

    assert calls["page"] == 3


def test_a_render_that_raced_an_edit_is_never_served(client) -> None:
    get(client, "/racy/")
    get(client, "/racy/")

    assert calls["racy"] == 2


def test_an_edit_is_recorded_once_at_save_and_once_at_commit_however_often_connected(
    django_capture_on_commit_callbacks,
) -> None:
    pagecache.connect_signals()
    pagecache.connect_signals()
    before = ContentChange.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        Tag.objects.create(name="一次", slug="yici")
        saved = ContentChange.objects.count() - before

    assert (saved, ContentChange.objects.count() - before) == (1, 2)


def test_the_version_changes_with_each_change_and_old_rows_are_pruned() -> None:
    changes = 2 * pagecache.KEEP_CHANGES + 1
    versions = {pagecache.content_state().version}
    for _ in range(changes):
        pagecache.content_changed()
        versions.add(pagecache.content_state().version)

    assert len(versions) == changes + 1
    assert ContentChange.objects.count() < 2 * pagecache.KEEP_CHANGES


def test_fetching_an_article_no_published_issue_shows_keeps_the_cache(client) -> None:
    issue = make_issue()
    shown = issue.entries.first().article
    hidden = ArticleFactory.create()
    tag = Tag.objects.create(name="隐藏", slug="yincang")
    get(client, "/page/")

    hidden.title = "后台抓取"
    hidden.save()
    hidden.tags.add(tag)
    article_fetched.send(sender=Article, article=hidden)
    get(client, "/page/")
    shown.title = "读者看得到"
    shown.save()
    get(client, "/page/")

    assert calls["page"] == 2  # the first render, and the one after the shown article changed


def test_an_entry_expires_before_a_scheduled_issue_falls_due(settings) -> None:
    settings.PAGECACHE_TIMEOUT = 3600
    issue = make_issue(publish=False)
    issue_publish(issue=issue, at=timezone.now() + dt.timedelta(minutes=10))

    assert 590 <= pagecache.entry_timeout() <= 600


def test_an_issue_past_due_but_not_yet_published_keeps_entries_a_second(settings) -> None:
    settings.PAGECACHE_TIMEOUT = 3600
    issue = make_issue(publish=False)
    issue_publish(issue=issue, at=timezone.now() + dt.timedelta(minutes=10))
    Issue.objects.filter(pk=issue.pk).update(published_at=timezone.now() - dt.timedelta(seconds=5))
    pagecache.forget()

    assert pagecache.entry_timeout() == 1
    due = pagecache.content_state().next_due
    assert due is not None and due < timezone.now()


# --- who is never served from the cache, and what is never stored ----------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Cookie": f"{django_settings.SESSION_COOKIE_NAME}=abc"},
        {"Authorization": "Token abc"},
    ],
    ids=["session cookie", "authorization"],
)
def test_clients_with_a_session_or_credentials_bypass_the_cache(client, headers) -> None:
    get(client, "/page/")

    response = client.get("/page/", headers=headers)
    client.get("/page/", headers=headers)

    assert response.status_code == 200
    assert calls["page"] == 3


def test_other_cookies_do_not_bypass_the_cache(client) -> None:
    get(client, "/page/")

    client.get("/page/", headers={"Cookie": "csrftoken=abc; theme=dark"})

    assert calls["page"] == 1


@pytest.mark.parametrize(
    "url, name",
    [
        ("/missing/", "missing"),
        ("/plain/", "plain"),
        ("/cookie/", "cookie"),
        ("/private/", "private"),
        ("/language/", "language"),
        ("/opted-out/", "opted-out"),
    ],
)
def test_it_never_stores(client, url: str, name: str) -> None:
    get(client, url)
    get(client, url)

    assert calls[name] == 2


def test_post_is_never_answered_from_the_cache(client) -> None:
    get(client, "/page/")

    client.post("/page/")

    assert calls["page"] == 2


def test_it_renders_when_the_database_cannot_give_the_version(client, monkeypatch) -> None:
    def down(*args, **kwargs):
        raise OperationalError("database down")

    monkeypatch.setattr(pagecache, "content_state", down)

    assert get(client, "/page/").status_code == 200
    assert get(client, "/page/").status_code == 200
    assert calls["page"] == 2


def test_it_sits_right_after_whitenoise_in_the_settings() -> None:
    middleware = django_settings.MIDDLEWARE
    assert middleware.index(MIDDLEWARE) == middleware.index(WHITENOISE) + 1


@pytest.mark.redis
def test_an_edit_made_while_redis_was_down_is_never_hidden_by_an_older_copy(
    client, settings, redis_url
) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.DegradingRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"pagecache-test-{os.getpid()}",
        }
    }
    cache.clear()
    before = get(client, "/page/")  # stored in Redis
    working = settings.CACHES["default"]["LOCATION"]

    settings.CACHES = {**settings.CACHES, "default": {**settings.CACHES["default"]}}
    settings.CACHES["default"]["LOCATION"] = f"redis://127.0.0.1:{free_port()}/0"  # down
    Tag.objects.create(name="断线时", slug="duanxian")  # saves although the cache is down
    during = get(client, "/page/")
    settings.CACHES["default"]["LOCATION"] = working  # back, with the old copy in it
    after = get(client, "/page/")  # this process's copy, rendered after the edit
    pagecache.forget()  # a process that never saw the edit nor rendered since
    elsewhere = get(client, "/page/")

    assert during.status_code == after.status_code == elsewhere.status_code == 200
    assert during.content != before.content and after.content == during.content
    assert elsewhere.content not in (before.content, during.content)
    assert calls["page"] == 3
    cache.clear()


# --- the real archive and API -----------------------------------------------------------


@pytest.mark.urls("briefroom.urls")
def test_issue_page_is_served_from_the_cache_until_unpublished(client) -> None:
    issue = make_issue()
    url = issue.get_absolute_url()
    first = client.get(url)

    with CaptureQueriesContext(connection) as queries:
        hit = client.get(url)
    query_count = len(queries)  # read now: the next request resets the query log
    not_modified = client.get(url, headers={"If-None-Match": first["ETag"]})
    issue_unpublish(issue=issue)
    gone = client.get(url)

    assert first.status_code == 200
    assert hit.content == first.content
    assert hit.templates == [] and query_count == 0
    assert hit["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert not_modified.status_code == 304
    assert gone.status_code == 404


@pytest.mark.urls("briefroom.urls")
def test_issue_page_shows_an_edit_at_once(client) -> None:
    issue = make_issue()
    url = issue.get_absolute_url()
    client.get(url)
    article = issue.entries.first().article

    article.title = "改过的标题"
    article.save()

    assert "改过的标题" in client.get(url).content.decode()


@pytest.mark.urls("briefroom.urls")
def test_api_issue_detail_is_cached_for_readers_and_gone_when_unpublished(client) -> None:
    issue = make_issue()
    url = f"/api/v1/digests/{issue.digest.slug}/issues/{issue.number}/"
    first = client.get(url, headers={"Accept": "application/json"})

    with CaptureQueriesContext(connection) as queries:
        hit = client.get(url, headers={"Accept": "application/json"})
    query_count = len(queries)  # read now: the next request resets the query log
    issue_unpublish(issue=issue)
    gone = client.get(url, headers={"Accept": "application/json"})

    assert first.status_code == 200
    assert hit.content == first.content and query_count == 0
    assert gone.status_code == 404
