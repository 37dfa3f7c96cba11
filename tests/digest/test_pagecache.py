"""The page cache: what it serves, to whom, when it forgets, and what it never keeps."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import time

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers

from articles.models import Tag
from digest import pagecache
from digest.services import issue_publish, issue_unpublish
from tests.digest.test_archive_builders import make_issue

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
            pagecache.bump()  # an edit lands while this response is being rendered
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


def test_a_hit_runs_no_sql(client) -> None:
    get(client, "/page/")

    with CaptureQueriesContext(connection) as queries:
        get(client, "/page/")

    assert queries.captured_queries == []


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


def test_an_edit_bumps_once_at_save_and_once_at_commit_however_often_connected(
    monkeypatch, django_capture_on_commit_callbacks
) -> None:
    bumps: list[str] = []
    monkeypatch.setattr(pagecache, "bump", lambda: bumps.append("bump"))
    pagecache.connect_signals()
    pagecache.connect_signals()

    with django_capture_on_commit_callbacks(execute=True):
        Tag.objects.create(name="一次", slug="yici")
        saved = len(bumps)

    assert (saved, len(bumps)) == (1, 2)


def test_an_entry_expires_before_a_scheduled_issue_falls_due(settings) -> None:
    settings.PAGECACHE_TIMEOUT = 3600
    issue = make_issue(publish=False)
    issue_publish(issue=issue, at=timezone.now() + dt.timedelta(minutes=10))

    assert 590 <= pagecache.entry_timeout() <= 600


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


def test_it_renders_when_the_cache_is_down(client, monkeypatch) -> None:
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get_many", down)

    assert get(client, "/page/").status_code == 200
    assert get(client, "/page/").status_code == 200
    assert calls["page"] == 2


def test_it_sits_right_after_whitenoise_in_the_settings() -> None:
    middleware = django_settings.MIDDLEWARE
    assert middleware.index(MIDDLEWARE) == middleware.index(WHITENOISE) + 1


def test_local_copies_drop_the_least_recently_used_beyond_their_budget() -> None:
    copies = pagecache.LocalCopies(max_bytes=400)

    def entry() -> pagecache.Entry:
        return pagecache.Entry("v1", b"x" * 100, (), '"e"', 0, expires=time.time() + 60)

    for name in ("a", "b", "c"):
        copies.put(name, entry())
    copies.get("a", "v1")

    copies.put("d", entry())
    copies.put("e", entry())

    assert list(copies.entries) == ["c", "a", "d", "e"]  # b was used least recently
    assert copies.size == 400
    assert copies.get("a", "v2") is None  # another version is never served


def test_an_expired_entry_is_rendered_again_even_by_the_process_that_kept_a_copy(
    client, settings, monkeypatch
) -> None:
    settings.PAGECACHE_TIMEOUT = 60
    get(client, "/page/")
    get(client, "/page/")
    later = time.time() + 61
    monkeypatch.setattr(pagecache, "_now", lambda: later)

    get(client, "/page/")

    assert calls["page"] == 2


# --- other processes, through Redis ----------------------------------------------------


@pytest.fixture
def redis_cache(settings, redis_url):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"pagecache-test-{os.getpid()}",
        }
    }
    cache.clear()


@pytest.fixture
def listening(redis_cache, monkeypatch):
    """A version watcher subscribed to the channel, standing in for this process's."""
    watcher = pagecache.VersionWatcher()
    monkeypatch.setattr(pagecache, "watcher", watcher)
    watcher.current()
    assert wait_until(lambda: watcher.version is not None), "the watcher never subscribed"
    yield watcher
    watcher.stop()


def wait_until(predicate, timeout: float = 3.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.005)
    return predicate()


def test_a_bump_elsewhere_reaches_a_listening_process_at_once(listening, monkeypatch) -> None:
    monkeypatch.setattr(pagecache, "watcher", pagecache.VersionWatcher())  # another process

    pagecache.bump()
    version = pagecache.content_version()

    # Well before the once-a-second re-read: the published message woke the listener.
    assert wait_until(lambda: listening.version == version, timeout=0.5)


def test_a_listening_process_serves_hits_without_a_round_trip(listening, client, monkeypatch):
    reads: list[list[str]] = []
    real = pagecache.read_many

    def counted_read(keys: list[str]) -> dict:
        reads.append(keys)
        return real(keys)

    monkeypatch.setattr(pagecache, "read_many", counted_read)
    get(client, "/page/")
    reads.clear()

    hit = get(client, "/page/")
    Tag.objects.create(name="编辑", slug="bianji")
    after_edit = get(client, "/page/")

    assert hit.status_code == 200 and calls["page"] == 2
    assert reads == [[page_key_of("/page/")]]  # only the miss after the edit read Redis
    assert after_edit.content != hit.content


def page_key_of(url: str) -> str | None:
    return pagecache.page_key(RequestFactory().get(url))


# --- the real archive and API -----------------------------------------------------------


@pytest.mark.urls("briefroom.urls")
def test_issue_page_is_served_from_the_cache_until_unpublished(client) -> None:
    issue = make_issue()
    url = issue.get_absolute_url()
    first = client.get(url)

    with CaptureQueriesContext(connection) as queries:
        hit = client.get(url)
    not_modified = client.get(url, headers={"If-None-Match": first["ETag"]})
    issue_unpublish(issue=issue)
    gone = client.get(url)

    assert first.status_code == 200
    assert hit.content == first.content
    assert hit.templates == [] and queries.captured_queries == []
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
    issue_unpublish(issue=issue)
    gone = client.get(url, headers={"Accept": "application/json"})

    assert first.status_code == 200
    assert hit.content == first.content and queries.captured_queries == []
    assert gone.status_code == 404
