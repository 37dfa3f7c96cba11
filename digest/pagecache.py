"""A cache of whole public responses, served before sessions, auth and CSRF run.

Published issue pages, feeds and published-issue API reads are the same bytes for every
reader until something they show is edited. PageCacheMiddleware, placed right after
WhiteNoise, keeps those bytes (with their headers, ETag and Last-Modified) in the Django
cache and answers repeat requests from there: no session, no user, no SQL, no template.

What is stored: the 200 response to an anonymous GET whose view marked it cacheable,
either with `Cache-Control: public` (the archive's issue page and feeds, and the API's
published-issue detail, already send it) or with `response.pagecache = True` (the
`cacheable` decorator). `response.pagecache = False` opts a response out. Never stored:
`private` or `no-store` responses (staff previews send both), responses that set a cookie,
streaming responses, and responses that vary on a header the key does not include.

Who is served from the cache: GET and HEAD requests without a session cookie and without
an Authorization header. Staff always carry a session cookie, API clients with a token an
Authorization header, so neither ever sees a cached copy: drafts and previews stay theirs.
A client's Cache-Control: no-cache does not bypass the cache, or anyone could force renders.

The key: scheme, host (API responses hold absolute links built from it), path and raw
query string; for paths under PAGECACHE_ACCEPT_PREFIXES (default /api/) also the Accept
header, since the API picks JSON or its browsable HTML from it. Pages do not vary on
Accept-Language (no LocaleMiddleware: each digest has one language); a response that does
say Vary: Accept-Language, or any other header outside the key, is not stored.

Invalidation: one content version for the whole site, changed on every save or delete of
a digest, issue, entry, article, related link, tag or publication, on tag changes and on
the publish/update/unpublish and article-fetched events (the services send those after
updates that bypass save()). It changes again when the transaction commits, so a render
started before the commit can never be stored under the new version. An entry is served
only if it was stored under the current version. Entries also expire after
PAGECACHE_TIMEOUT seconds, and before a scheduled issue falls due (it becomes visible
then with no save to announce it), in the shared cache and in every process's copies.

Speed: a hit must cost about what WhiteNoise costs for a static file, so it makes no
network round trip. Each web process keeps copies of the entries it served (LocalCopies,
PAGECACHE_LOCAL_BYTES) and learns of new versions from Redis pub/sub (VersionWatcher):
another process sees an edit within milliseconds, and within a second if a message is
lost. Without Redis (tests, `make run`) the version is read from the cache per request.

Conditional requests are answered from the stored validators (304, or 412 for a failed
If-Match). Headers are replayed as the view produced them (CSP, X-Frame-Options, Vary...);
SecurityMiddleware, being outside, adds its own to hits as to any response.

Wiring: the MIDDLEWARE line right after WhiteNoise, and `pagecache.connect_signals()` in
DigestConfig.ready() so that saves in Celery workers and management commands invalidate too.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any, NamedTuple

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import DisallowedHost
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe

logger = logging.getLogger(__name__)

VERSION_KEY = "pagecache:version"
CHANNEL = "pagecache:bumps"
PAGE_PREFIX = "pagecache:page:"
# Vary headers a stored response may name without being keyed on: requests carrying
# a session cookie or credentials never reach the cache, so these do not split readers.
ANONYMOUS_VARY = frozenset({"cookie", "authorization"})
_now = time.time  # an indirection, so tests can move the clock
# Not replayed: the server sets these itself, and Content-Length is recomputed.
UNSTORED_HEADERS = frozenset({"set-cookie", "date", "server", "connection", "content-length"})
_COMMAS = re.compile(r"\s*,\s*")


class Entry(NamedTuple):
    version: str
    body: bytes
    headers: tuple[tuple[str, str], ...]
    etag: str
    last_modified: int
    expires: float = 0.0  # epoch seconds; copies in processes honour it too


# --- the content version ----------------------------------------------------------------


def _new_version() -> str:
    return f"{time.time_ns():x}"


def content_version() -> str:
    """The current version, created when missing (a flushed or restarted cache)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _new_version(), timeout=None)
        version = cache.get(VERSION_KEY)
    return str(version)


def bump() -> None:
    """Make every stored response stale, in every process."""
    version = _new_version()
    try:
        backend = _redis()
        if backend is None:
            cache.set(VERSION_KEY, version, timeout=None)
        else:
            # One round trip: store the new version, then tell the listening processes.
            pipe = _client(backend).pipeline(transaction=False)
            pipe.set(backend.make_key(VERSION_KEY), _serializer(backend).dumps(version))
            pipe.publish(backend.make_key(CHANNEL), version)
            pipe.execute()
    except Exception:  # the cache is down: entries expire after PAGECACHE_TIMEOUT anyway
        logger.warning("page cache: could not change the content version", exc_info=True)
        return
    watcher.changed(version)


def _redis() -> RedisCache | None:
    backend = caches[DEFAULT_CACHE_ALIAS]
    return backend if isinstance(backend, RedisCache) else None


class VersionWatcher:
    """The content version as this process knows it, kept current through Redis pub/sub.

    Reading the version from Redis for every request costs a round trip, more than the
    rest of serving a cached page. With Redis as the cache, a thread in each web process
    subscribes to a channel that every bump publishes on (after storing the new version),
    re-reads the version when a message comes and once a second anyway. Before it has
    subscribed, while its connection is down, and with other cache backends, `current()`
    is None and the middleware reads the version from the cache for each request.
    """

    RESYNC_SECONDS = 1.0

    def __init__(self) -> None:
        self.version: str | None = None
        self.pid: int | None = None
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def current(self) -> str | None:
        if self.pid != os.getpid():
            self.start()
        return self.version

    def start(self) -> None:
        with self.lock:
            if self.pid == os.getpid():
                return
            self.pid, self.version = os.getpid(), None  # a forked child starts afresh
            if _redis() is not None and not self.stopping.is_set():
                threading.Thread(target=self.listen, name="pagecache", daemon=True).start()

    def changed(self, version: str) -> None:
        """After a bump in this process: use the new version here at once."""
        if self.version is not None:
            self.version = version

    def stop(self) -> None:
        """Stop listening (tests); this process then reads the version per request."""
        self.stopping.set()
        self.version = None

    def listen(self) -> None:
        while not self.stopping.is_set():
            try:
                self.follow()
            except Exception:
                logger.warning("page cache: version channel lost, reconnecting", exc_info=True)
            self.version = None  # read per request until subscribed again
            self.stopping.wait(self.RESYNC_SECONDS)

    def follow(self) -> None:
        backend = _redis()
        if backend is None:
            raise RuntimeError("the default cache is no longer Redis")
        pubsub = backend._cache.get_client().pubsub()
        try:
            pubsub.subscribe(backend.make_key(CHANNEL))
            # Read the version only once subscribed, or a bump in between would be missed.
            deadline = time.monotonic() + 10 * self.RESYNC_SECONDS
            while (message := pubsub.get_message(timeout=self.RESYNC_SECONDS)) is None or (
                message["type"] != "subscribe"
            ):
                if time.monotonic() > deadline or self.stopping.is_set():
                    raise TimeoutError("no confirmation of the subscription")
            self.version = content_version()
            resync = time.monotonic() + self.RESYNC_SECONDS
            while not self.stopping.is_set():
                message = pubsub.get_message(timeout=self.RESYNC_SECONDS)
                if message is not None or time.monotonic() >= resync:
                    while pubsub.get_message(timeout=0) is not None:
                        pass  # a burst of edits needs one read, not one per edit
                    # A message only says "changed": re-reading converges on the newest
                    # version even when two bumps publish out of order.
                    self.version = content_version()
                    resync = time.monotonic() + self.RESYNC_SECONDS
        finally:
            pubsub.close()


watcher = VersionWatcher()


def content_changed(sender: Any = None, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """Signal receiver: now, and again once the change is committed and visible."""
    bump()
    if transaction.get_connection(using).in_atomic_block:
        transaction.on_commit(bump, using=using)


def connect_signals() -> None:
    """Connect the receivers that invalidate the cache; safe to call more than once."""
    from articles.models import Article, RelatedLink, Tag
    from articles.signals import article_fetched
    from digest.models import Digest, Entry, Issue
    from digest.signals import issue_published, issue_unpublished, issue_updated
    from sources.models import Source

    for model in (Digest, Issue, Entry, Article, RelatedLink, Tag, Source):
        uid = f"pagecache.{model.__name__}"
        post_save.connect(content_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"{uid}.delete")
    m2m_changed.connect(
        content_changed, sender=Article.tags.through, dispatch_uid="pagecache.Article.tags"
    )
    events = {
        "issue_published": issue_published,
        "issue_updated": issue_updated,
        "issue_unpublished": issue_unpublished,
        "article_fetched": article_fetched,
    }
    for name, event in events.items():
        # Sent on commit after updates that bypass save(): reordering, touching an issue.
        event.connect(_event, dispatch_uid=f"pagecache.{name}")
    # Tests change settings pages depend on (SITE_URL...) between two requests.
    setting_changed.connect(_event, dispatch_uid="pagecache.setting_changed")


def _event(sender: Any = None, **kwargs: Any) -> None:
    bump()


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


def entry_for(response: HttpResponse, version: str) -> Entry:
    """The entry to store; validators the view did not set are added to the response too."""
    body = response.content
    if not response.has_header("ETag"):
        response["ETag"] = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    if not response.has_header("Last-Modified"):
        response["Last-Modified"] = http_date()
    headers = tuple(
        (name, value) for name, value in response.items() if name.lower() not in UNSTORED_HEADERS
    )
    last_modified = parse_http_date_safe(response["Last-Modified"]) or int(time.time())
    return Entry(version, body, headers, response["ETag"], last_modified)


def entry_timeout() -> int:
    """PAGECACHE_TIMEOUT, cut short when a scheduled issue falls due before then."""
    from digest.models import Issue

    timeout = settings.PAGECACHE_TIMEOUT
    now = timezone.now()
    due = (
        Issue.objects.filter(status=Issue.Status.SCHEDULED, published_at__gt=now)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    if due is not None:
        timeout = min(timeout, max(1, int((due - now).total_seconds())))
    return timeout


def response_from(request: HttpRequest, entry: Entry) -> HttpResponseBase:
    response = HttpResponse(b"" if request.method == "HEAD" else entry.body)
    for name, value in entry.headers:
        response[name] = value
    response["Content-Length"] = str(len(entry.body))
    answer = get_conditional_response(
        request, etag=entry.etag, last_modified=entry.last_modified, response=response
    )
    return answer or response


# --- reading the cache fast -------------------------------------------------------------

_threads = threading.local()


def _client(backend: RedisCache) -> Any:
    """A redis-py client for this thread, reused across calls.

    Django's Redis backend builds a new client for every call, which costs more than the
    round trip itself; a hit makes at most one call, so it matters here.
    """
    found = getattr(_threads, "client", None)
    if found is None or found[0] is not backend:
        found = (backend, backend._cache.get_client(write=True))
        _threads.client = found
    return found[1]


def _serializer(backend: RedisCache) -> Any:
    # What the backend's own get() and set() use, so both ways read each other's values.
    return backend._cache._serializer  # type: ignore[attr-defined]


def read_many(keys: list[str]) -> dict[str, Any]:
    """cache.get_many(keys), in one round trip on a reused client when the cache is Redis."""
    backend = _redis()
    if backend is None:
        return caches[DEFAULT_CACHE_ALIAS].get_many(keys)
    values = _client(backend).mget([backend.make_key(key) for key in keys])
    loads = _serializer(backend).loads
    return {key: loads(v) for key, v in zip(keys, values, strict=True) if v is not None}


class LocalCopies:
    """This process's copies of recently served entries, least recently used dropped first.

    A copy is served only when its version is the shared one read for the request, so it
    is exactly as fresh as the shared cache; it saves moving and unpickling the bytes.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.entries: OrderedDict[str, Entry] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str, version: str) -> Entry | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None or entry.version != version or entry.expires <= _now():
                return None
            self.entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: Entry) -> None:
        if len(entry.body) > self.max_bytes // 4:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= len(old.body)
            self.entries[key] = entry
            self.size += len(entry.body)
            while self.size > self.max_bytes:
                _, dropped = self.entries.popitem(last=False)
                self.size -= len(dropped.body)


class PageCacheMiddleware:
    """Answer anonymous reads of cacheable pages from the cache; store them on a miss."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.local = LocalCopies(settings.PAGECACHE_LOCAL_BYTES)
        # The web process invalidates even before DigestConfig.ready() connects the signals.
        connect_signals()

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not settings.PAGECACHE_ENABLED:
            return self.get_response(request)
        key = page_key(request)
        if key is None:
            return self.get_response(request)
        try:
            version, entry = self.lookup(key)
        except Exception:
            logger.warning("page cache: cache unavailable, rendering", exc_info=True)
            return self.get_response(request)
        if entry is not None:
            return response_from(request, entry)
        response = self.get_response(request)
        if isinstance(response, HttpResponse) and is_storable(request, response):
            self.store(key, entry_for(response, version))
        return response

    def lookup(self, key: str) -> tuple[str, Entry | None]:
        """The current version, and the entry for `key` stored under it if there is one."""
        version = watcher.current()
        found: dict[str, Any] = {}
        asked = False
        if version is None:
            # One round trip: the version, and the entry unless this process has a copy.
            asked = key not in self.local.entries
            found = read_many([VERSION_KEY, key] if asked else [VERSION_KEY])
            version = str(found[VERSION_KEY]) if VERSION_KEY in found else content_version()
        copy = self.local.get(key, version)
        if copy is not None:
            return version, copy
        stored = found.get(key) if asked else read_many([key]).get(key)
        if stored is None or len(stored) != len(Entry._fields) or stored[0] != version:
            return version, None
        entry = Entry(*stored)
        if entry.expires <= _now():
            return version, None
        self.local.put(key, entry)
        return version, entry

    def store(self, key: str, entry: Entry) -> None:
        try:
            timeout = entry_timeout()
            entry = entry._replace(expires=_now() + timeout)
            cache.set(key, tuple(entry), timeout)
        except Exception:
            logger.warning("page cache: could not store %s", key, exc_info=True)
            return
        self.local.put(key, entry)
