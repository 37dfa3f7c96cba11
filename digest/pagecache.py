"""The one cache of public responses, keyed by one content version kept in the database.

Published issue pages, feeds and published-issue API reads are the same bytes for every
reader until something they show changes. PageCacheMiddleware, placed right after
WhiteNoise, keeps those bytes (with their headers, ETag and Last-Modified) in the Django
cache and answers repeat requests from there: no session, no user, no template, and no
SQL query while the process's content version is fresh (see "Speed" below).

What is stored: the 200 response to an anonymous GET whose view marked it cacheable,
either with `Cache-Control: public` (the archive's issue page and feeds, and the API's
published-issue detail, send it) or with `response.pagecache = True` (the `cacheable`
decorator). `response.pagecache = False` opts a response out. Never stored: `private` or
`no-store` responses (staff previews send both), responses that set a cookie, streaming
responses, and responses that vary on a header the key does not include.

Who is served from the cache: GET and HEAD requests without a session cookie and without
an Authorization header. Staff carry a session cookie and API clients with a token an
Authorization header, so neither ever sees a cached copy: drafts and previews stay theirs.
A client's Cache-Control: no-cache does not bypass the cache, or anyone could force renders.

The key: scheme, host (API responses hold absolute links built from it), path and raw
query string; for paths under PAGECACHE_ACCEPT_PREFIXES (default /api/) also the Accept
header, since the API picks JSON or its browsable HTML from it. A response that varies on
any other header (Accept-Language...) is not stored.

Invalidation: the content version is the newest ContentChange row. INVALIDATES below is
the one list of what adds a row: edits to digests, issues, entries, tags and publications,
the publishing events, and changes to an article (its links and tags included) only while
a published issue shows it, so a background fetch of an article no reader sees keeps the
cache. A stored response is served only under the version it was stored with.

The version lives in the database, not in the cache, so a Redis outage cannot hide an
edit: while Redis is down every read renders from the database (core/cache.py answers
misses), and when it returns, responses stored before an edit made meanwhile carry an old
version and are never served. A row is added inside the editing transaction and again
once it commits, so the version readers see changes when the edit becomes visible to
them, whatever order concurrent transactions commit in.

Speed: each web process trusts the version it last read for PAGECACHE_VERSION_CHECK_MS
(1 s by default), and keeps the responses it served last in its own memory
(PAGECACHE_LOCAL_BYTES), so a warm hit costs no network round trip at all. The process
that records a change forgets its version at once, so an editor's own process never
serves the old page; other processes pick the change up within the check interval.

Entries also expire after PAGECACHE_TIMEOUT seconds, and before a scheduled issue falls
due (it becomes visible then with no save to announce it). Conditional requests are
answered from the stored validators (304, or 412 for a failed If-Match). Headers are
replayed as the view produced them (CSP, X-Frame-Options, Vary...).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any, NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, DatabaseError, transaction
from django.db.models import Subquery
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe

from articles.models import Article, RelatedLink, Tag
from articles.signals import article_fetched
from digest.models import ContentChange, Digest, Entry, Issue
from digest.signals import issue_published, issue_unpublished, issue_updated
from sources.models import Source

logger = logging.getLogger(__name__)

PAGE_PREFIX = "pagecache:page:"
KEEP_CHANGES = 100  # rows of ContentChange kept; only the newest one matters
# Vary headers a stored response may name without being keyed on: requests carrying
# a session cookie or credentials never reach the cache, so these do not split readers.
ANONYMOUS_VARY = frozenset({"cookie", "authorization"})
# Not replayed: the server sets these itself, and Content-Length is recomputed.
UNSTORED_HEADERS = frozenset({"set-cookie", "date", "server", "connection", "content-length"})
_COMMAS = re.compile(r"\s*,\s*")


class StoredResponse(NamedTuple):
    version: str
    body: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str
    last_modified: int
    expires: float  # wall-clock seconds: the shared copy's timeout, for the local copies too


# --- the content version ----------------------------------------------------------------


class ContentState(NamedTuple):
    version: str
    next_due: dt.datetime | None  # when the first scheduled issue becomes visible


def content_state() -> ContentState:
    """The content version and the next scheduled publication, in one query.

    The version is the newest change's id and time (the time tells a restored database's
    ids apart). Scheduling an issue is a change, so the due time stays right as long as
    the version does.
    """
    first_due = (
        Issue.objects.filter(status=Issue.Status.SCHEDULED)
        .order_by("published_at")
        .values("published_at")[:1]
    )
    newest = (
        ContentChange.objects.order_by("-pk")
        .annotate(due=Subquery(first_due))
        .values_list("pk", "at", "due")
        .first()
    )
    if newest is None:
        return ContentState("0", first_due.values_list("published_at", flat=True).first())
    return ContentState(f"{newest[0]}.{newest[1].timestamp():.6f}", newest[2])


class _KnownState:
    """The content state this process read last, and when (monotonic seconds)."""

    value: ContentState | None = None
    read_at = 0.0


_known = _KnownState()


def current_state() -> ContentState:
    """The content state, read from the database at most once per check interval."""
    now = time.monotonic()
    value, read_at = _known.value, _known.read_at
    if value is not None and now - read_at < settings.PAGECACHE_VERSION_CHECK_MS / 1000:
        return value
    value = content_state()
    _known.value, _known.read_at = value, now
    return value


def current_version() -> str:
    """The content version, read from the database at most once per check interval."""
    return current_state().version


def forget() -> None:
    """Drop this process's version and local copies: the next read goes to the database."""
    _known.value = None
    local_copies.clear()


def content_changed(using: str = DEFAULT_DB_ALIAS) -> None:
    """Record a change now, and again when the surrounding transaction commits."""
    _record(using)
    if transaction.get_connection(using).in_atomic_block:
        transaction.on_commit(lambda: _record(using), using=using)


def _record(using: str) -> None:
    change = ContentChange.objects.using(using).create()
    _known.value = None  # this process sees its own change on its next read
    if change.pk % KEEP_CHANGES == 0:
        ContentChange.objects.using(using).filter(pk__lte=change.pk - KEEP_CHANGES).delete()


def article_is_shown(article_id: int | None) -> bool:
    """Whether a published issue shows the article, so pages change with it."""
    if article_id is None:
        return False
    published = Issue.objects.published()
    return Entry.objects.filter(article_id=article_id, issue__in=published).exists()


# --- what invalidates, the one list ------------------------------------------------------


def _always(instance: Any) -> bool:
    return True


def _article(instance: Article) -> bool:
    return article_is_shown(instance.pk)


def _of_article(instance: RelatedLink) -> bool:
    return article_is_shown(instance.article_id)


# Each model whose saves and deletes can change a published page, with the test that says
# whether this one does. Entries and issues always count: a draft's edits are few, and an
# issue's visibility is what changes when it is published.
INVALIDATES: dict[type[Any], Callable[[Any], bool]] = {
    Digest: _always,
    Issue: _always,
    Entry: _always,
    Source: _always,
    Tag: _always,
    Article: _article,
    RelatedLink: _of_article,
}
# Events sent on commit after updates that bypass save() (publishing, reordering, a fetch).
EVENTS: dict[str, Signal] = {
    "issue_published": issue_published,
    "issue_updated": issue_updated,
    "issue_unpublished": issue_unpublished,
    "article_fetched": article_fetched,
}


def _saved_or_deleted(
    sender: type[Any], instance: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any
) -> None:
    if INVALIDATES[sender](instance):
        content_changed(using)


def _tags_changed(instance: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    if kwargs.get("action", "").startswith("post_") and _tagged_shown(instance, kwargs):
        content_changed(using)


def _tagged_shown(instance: Any, kwargs: dict[str, Any]) -> bool:
    if isinstance(instance, Article):
        return article_is_shown(instance.pk)
    return True  # a tag's articles changed: rare, so not worth finding out which


def _event(sender: Any = None, **kwargs: Any) -> None:
    article = kwargs.get("article")
    if article is not None and not article_is_shown(article.pk):
        return
    content_changed()


# Settings whose value published pages show (links, dates, asset URLs, languages).
SHOWN_SETTINGS = frozenset(
    {"SITE_URL", "LANGUAGE_CODE", "TIME_ZONE", "STATIC_URL", "MEDIA_URL", "STORAGES"}
)


def _setting_changed(setting: str = "", **kwargs: Any) -> None:
    # Settings change in tests, often with no database at hand: drop what was stored
    # rather than record a content change.
    if setting in SHOWN_SETTINGS:
        cache.clear()
        local_copies.clear()


def connect_signals() -> None:
    """Connect the receivers that invalidate the cache; safe to call more than once."""
    for model in INVALIDATES:
        uid = f"pagecache.{model.__name__}"
        post_save.connect(_saved_or_deleted, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(_saved_or_deleted, sender=model, dispatch_uid=f"{uid}.delete")
    m2m_changed.connect(
        _tags_changed, sender=Article.tags.through, dispatch_uid="pagecache.Article.tags"
    )
    for name, event in EVENTS.items():
        event.connect(_event, dispatch_uid=f"pagecache.{name}")
    # Tests change settings pages depend on (SITE_URL...) between two requests.
    setting_changed.connect(_setting_changed, dispatch_uid="pagecache.setting_changed")


# --- the marker views set ---------------------------------------------------------------


def cacheable(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Mark a view's responses as the same for every anonymous reader."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if getattr(response, "pagecache", None) is None:
            response.pagecache = True  # type: ignore[attr-defined]
        return response

    return wrapped


def _cache_control(response: HttpResponseBase) -> set[str]:
    header = response.get("Cache-Control", "")
    return {part.split("=", 1)[0].strip().lower() for part in _COMMAS.split(header) if part}


def is_marked(response: HttpResponseBase) -> bool:
    directives = _cache_control(response)
    if directives & {"private", "no-store"}:
        return False
    marker = getattr(response, "pagecache", None)
    if marker is not None:
        return bool(marker)
    return "public" in directives


# --- the middleware ---------------------------------------------------------------------


def is_anonymous(request: HttpRequest) -> bool:
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def page_key(request: HttpRequest) -> str | None:
    """The cache key of a request, or None when it must not be answered from the cache."""
    if request.method not in ("GET", "HEAD") or not is_anonymous(request):
        return None
    try:
        host = request.get_host()
    except DisallowedHost:
        return None  # let the view's chain answer it with its usual 400
    parts = [request.scheme, host, request.path, request.META.get("QUERY_STRING", "")]
    if request.path.startswith(tuple(settings.PAGECACHE_ACCEPT_PREFIXES)):
        parts.append(request.META.get("HTTP_ACCEPT", "").strip().lower())
    digest = hashlib.sha256("\n".join(parts).encode(errors="surrogateescape")).hexdigest()
    return PAGE_PREFIX + digest


def _keyed_headers(request: HttpRequest) -> frozenset[str]:
    if request.path.startswith(tuple(settings.PAGECACHE_ACCEPT_PREFIXES)):
        return ANONYMOUS_VARY | {"accept"}
    return ANONYMOUS_VARY


def is_storable(request: HttpRequest, response: HttpResponseBase) -> bool:
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if response.cookies or response.has_header("Set-Cookie") or not is_marked(response):
        return False
    vary = {v.strip().lower() for v in _COMMAS.split(response.get("Vary", "")) if v.strip()}
    return vary <= _keyed_headers(request)


def stored_for(response: HttpResponse, version: str, timeout: int) -> StoredResponse:
    """What to store; validators the view did not set are added to the response too."""
    body = response.content
    if not response.has_header("ETag"):
        response["ETag"] = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if not response.has_header("Last-Modified"):
        response["Last-Modified"] = http_date()
    headers = tuple(
        (name, value) for name, value in response.items() if name.lower() not in UNSTORED_HEADERS
    )
    last_modified = parse_http_date_safe(response["Last-Modified"]) or int(time.time())
    expires = time.time() + timeout
    return StoredResponse(version, body, headers, response["ETag"], last_modified, expires)


def entry_timeout() -> int:
    """PAGECACHE_TIMEOUT, cut short when a scheduled issue falls due before then.

    An issue past due but not yet flipped to published is kept no more than a second.
    """
    timeout = settings.PAGECACHE_TIMEOUT
    now = timezone.now()
    due = current_state().next_due
    if due is not None:
        timeout = min(timeout, max(1, int((due - now).total_seconds())))
    return timeout


def response_from(request: HttpRequest, stored: StoredResponse) -> HttpResponseBase:
    response = HttpResponse(b"" if request.method == "HEAD" else stored.body)
    for name, value in stored.headers:
        response[name] = value
    response["Content-Length"] = str(len(stored.body))
    answer = get_conditional_response(
        request, etag=stored.etag, last_modified=stored.last_modified, response=response
    )
    return answer or response


class LocalCopies:
    """This process's copies of the responses it served last, least recently used dropped first.

    A copy is served only under the version it was stored with and until it expires, the
    same rules as the shared cache's; keeping it saves the round trip and the unpickling.
    """

    def __init__(self) -> None:
        self.size = 0
        self.copies: OrderedDict[str, StoredResponse] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str, version: str) -> StoredResponse | None:
        with self.lock:
            stored = self.copies.get(key)
            if stored is None or stored.version != version or stored.expires <= time.time():
                return None
            self.copies.move_to_end(key)
            return stored

    def put(self, key: str, stored: StoredResponse) -> None:
        limit = settings.PAGECACHE_LOCAL_BYTES
        if len(stored.body) > limit // 4:
            return
        with self.lock:
            old = self.copies.pop(key, None)
            if old is not None:
                self.size -= len(old.body)
            self.copies[key] = stored
            self.size += len(stored.body)
            while self.size > limit:
                _, dropped = self.copies.popitem(last=False)
                self.size -= len(dropped.body)

    def clear(self) -> None:
        with self.lock:
            self.copies.clear()
            self.size = 0


local_copies = LocalCopies()


def lookup(key: str, version: str) -> StoredResponse | None:
    """The response stored for `key` under `version`: this process's copy, else the shared one."""
    stored = local_copies.get(key, version)
    if stored is not None:
        return stored
    found = cache.get(key)
    if not isinstance(found, tuple) or len(found) != len(StoredResponse._fields):
        return None
    stored = StoredResponse(*found)
    if stored.version != version or stored.expires <= time.time():
        return None
    local_copies.put(key, stored)
    return stored


class PageCacheMiddleware:
    """Answer anonymous reads of cacheable pages from the cache; store them on a miss."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        # The web process invalidates even before DigestConfig.ready() connects the signals.
        connect_signals()

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        key = page_key(request) if settings.PAGECACHE_ENABLED else None
        if key is None:
            return self.get_response(request)
        try:
            version = current_version()
        except DatabaseError:
            # The view reads the same database: let it fail the way the site answers outages.
            return self.get_response(request)
        stored = lookup(key, version)
        if stored is not None:
            return response_from(request, stored)
        response = self.get_response(request)
        if isinstance(response, HttpResponse) and is_storable(request, response):
            self.store(key, response, version)
        return response

    def store(self, key: str, response: HttpResponse, version: str) -> None:
        try:
            timeout = entry_timeout()
        except DatabaseError:
            return
        stored = stored_for(response, version, timeout)
        local_copies.put(key, stored)
        cache.set(key, tuple(stored), timeout)
