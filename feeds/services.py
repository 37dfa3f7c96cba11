"""Polling feeds, taking in what they bring, and triaging the inbox."""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone

from articles.canonical import InvalidURL, canonicalize_url, kind_for_url, redact_url, wechat_biz
from articles.models import Article
from articles.services import Editor, enqueue_fetch
from core import fetcher
from core.fetch_error import FetchError
from feeds.models import Feed, FeedEntry, FeedRule, InboxItem
from feeds.parsing import FeedItem, FeedParseError, ParsedFeed, body_hash, parse_feed
from feeds.sources import next_poll, request_for
from sources.models import Source
from sources.services import source_get_or_create

logger = logging.getLogger(__name__)

WECHAT_LINK = re.compile(r"https?://mp\.weixin\.qq\.com/s[/?][^\s\"'<>]+")
_CHECKED_KEY = "feeds:checked:{}"
_LOCK_KEY = "feeds:polling:{}"


@dataclass
class PollResult:
    """One poll, as `poll_feeds` prints it."""

    id: int
    url: str
    status: str  # new, not_modified, error
    new_items: int = 0
    skipped: int = 0
    error: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


# --- Polling -----------------------------------------------------------------------------


def feed_poll(*, feed_id: int, now: datetime | None = None) -> PollResult:
    """Fetch one feed and take in its new items. Safe to call twice at once: one polls."""
    lock = _LOCK_KEY.format(feed_id)
    if not cache.add(lock, 1, timeout=settings.FETCH_TOTAL_TIMEOUT + 60):
        feed = Feed.objects.get(pk=feed_id)
        return PollResult(id=feed.pk, url=_display_url(feed), status="not_modified")
    try:
        return _poll(Feed.objects.select_related("source").get(pk=feed_id), now or timezone.now())
    finally:
        cache.delete(lock)


def _poll(feed: Feed, now: datetime) -> PollResult:
    url, headers = request_for(feed)
    try:
        result = fetcher.fetch(
            url, purpose="feed", headers=headers, max_bytes=settings.FEED_MAX_BYTES
        )
    except FetchError as error:
        if error.status == 304:
            return _not_modified(feed, now)
        return _record_error(feed, now, error.code, error.message, status=error.status)
    digest = body_hash(result.body)
    if digest == feed.content_hash and feed.consecutive_errors == 0 and feed.kind == Feed.Kind.FEED:
        # Same bytes as last time, from a server that ignores conditional requests.
        return _not_modified(feed, now)
    try:
        parsed = parse_feed(
            result.body,
            url=result.url,
            content_type=result.headers.get("content-type", ""),
            limit=settings.FEED_MAX_ITEMS,
            default_tz=settings.TIME_ZONE,
        )
    except FeedParseError as error:
        return _record_error(feed, now, error.code, error.message)
    new_items = feed_take_items(feed=feed, parsed=parsed, now=now)
    _record_success(feed, now, result, digest, parsed, new_items)
    return PollResult(
        id=feed.pk,
        url=_display_url(feed),
        status="new",
        new_items=new_items,
        skipped=parsed.skipped,
    )


def _display_url(feed: Feed) -> str:
    return feed.url or request_for(feed)[0]


def _not_modified(feed: Feed, now: datetime) -> PollResult:
    """Nothing changed: remember the check in the cache, and write nothing to the database."""
    cache.set(_CHECKED_KEY.format(feed.pk), now.timestamp(), timeout=7 * 24 * 3600)
    return PollResult(id=feed.pk, url=_display_url(feed), status="not_modified")


def last_checked(feed: Feed) -> datetime | None:
    """The last poll, counting polls that found nothing new (kept only in the cache)."""
    stamp = cache.get(_CHECKED_KEY.format(feed.pk))
    checked = datetime.fromtimestamp(stamp, tz=timezone.get_current_timezone()) if stamp else None
    candidates = [when for when in (feed.last_polled_at, checked) if when]
    return max(candidates) if candidates else None


def due_feed_ids(*, now: datetime, limit: int = 1000) -> list[int]:
    """Active feeds whose next poll has come, minus those checked recently (cache)."""
    rows = list(
        Feed.objects.due(now)
        .order_by("next_poll_at")
        .values_list("id", "interval_minutes", "kind")[: limit * 2]
    )
    stamps = cache.get_many([_CHECKED_KEY.format(row[0]) for row in rows])
    due = []
    for feed_id, minutes, kind in rows:
        stamp = stamps.get(_CHECKED_KEY.format(feed_id))
        every = 24 * 60 if kind == Feed.Kind.ARXIV else max(1, minutes)
        if stamp is None or now.timestamp() - stamp >= every * 60 - 1:
            due.append(feed_id)
    return due[:limit]


def _record_success(
    feed: Feed,
    now: datetime,
    result: fetcher.FetchResult,
    digest: str,
    parsed: ParsedFeed,
    new: int,
) -> None:
    feed.etag = result.headers.get("etag", "")[:500]
    feed.last_modified = result.headers.get("last-modified", "")[:100]
    feed.content_hash = digest
    feed.status = Feed.Status.OK
    feed.last_polled_at = now
    feed.next_poll_at = next_poll(feed, now)
    feed.last_error = parsed.warning
    feed.last_error_code = "ill_formed" if parsed.warning else ""
    feed.consecutive_errors = 0
    feed.last_new_items = new
    feed.last_skipped_items = parsed.skipped
    feed.title = feed.title or parsed.title
    fields = [
        "etag", "last_modified", "content_hash", "status", "last_polled_at", "next_poll_at",
        "last_error", "last_error_code", "consecutive_errors", "last_new_items",
        "last_skipped_items", "title",
    ]  # fmt: skip
    moved = _permanent_location(result)
    if feed.kind == Feed.Kind.FEED and moved and moved != feed.url and not _url_taken(feed, moved):
        logger.info("feed %s moved permanently to %s", feed.pk, moved)
        feed.url = moved
        fields.append("url")
    feed.save(update_fields=fields)


def _url_taken(feed: Feed, url: str) -> bool:
    return Feed.objects.filter(kind=feed.kind, url=url, query=feed.query).exists()


def _permanent_location(result: fetcher.FetchResult) -> str:
    """Where the redirects lead while every one of them is permanent (301, 308)."""
    location = ""
    for status, url in zip(result.redirect_statuses, result.redirects, strict=False):
        if status not in (301, 308):
            break
        location = url
    return location


def _record_error(
    feed: Feed, now: datetime, code: str, message: str, *, status: int | None = None
) -> PollResult:
    feed.consecutive_errors += 1
    feed.status = Feed.Status.ERROR
    feed.last_polled_at = now
    feed.last_error = message[:2000]
    feed.last_error_code = code
    feed.last_new_items = 0
    feed.next_poll_at = now + feed.retry_delay()
    gone = code in ("not_found", "gone")
    if gone and feed.consecutive_errors >= settings.FEED_PAUSE_AFTER_GONE:
        feed.active = False
        feed.status = Feed.Status.PAUSED
        feed.paused_reason = (
            f"Paused after {feed.consecutive_errors} answers in a row saying the feed is not"
            f" there (HTTP {status or '404/410'}): {message}"
        )[:500]
    feed.save(
        update_fields=[
            "consecutive_errors",
            "status",
            "last_polled_at",
            "last_error",
            "last_error_code",
            "last_new_items",
            "next_poll_at",
            "active",
            "paused_reason",
        ]
    )
    return PollResult(id=feed.pk, url=_display_url(feed), status="error", error=message)


def feed_reset_errors(*, feed: Feed, now: datetime | None = None) -> Feed:
    """Clear the error count, unpause, and make the feed due at once."""
    feed.consecutive_errors = 0
    feed.last_error = ""
    feed.last_error_code = ""
    feed.active = True
    feed.paused_reason = ""
    feed.status = Feed.Status.OK if feed.last_polled_at else Feed.Status.NEVER
    feed.next_poll_at = now or timezone.now()
    feed.save()
    cache.delete(_CHECKED_KEY.format(feed.pk))
    return feed


def feed_make_due(*, feed: Feed) -> None:
    """For "poll now": the next beat tick (or an explicit enqueue) picks the feed up."""
    cache.delete(_CHECKED_KEY.format(feed.pk))
    Feed.objects.filter(pk=feed.pk).update(next_poll_at=timezone.now())


# --- Arrival -----------------------------------------------------------------------------


def feed_take_items(*, feed: Feed, parsed: ParsedFeed, now: datetime) -> int:
    """Turn the feed's unseen items into articles and inbox items; returns how many.

    Works in batches (a handful of queries per poll, whatever the number of items), since
    a busy worker takes in hundreds of feeds a minute.
    """
    by_key = {item.key: item for item in parsed.items}
    known = set(
        FeedEntry.objects.filter(feed=feed, key__in=list(by_key)).values_list("key", flat=True)
    )
    unseen = [item for key, item in by_key.items() if key not in known]
    if not unseen:
        return 0
    first_poll = not FeedEntry.objects.filter(feed=feed).exists()
    take = unseen[: settings.FEED_FIRST_POLL_ITEMS] if first_poll else unseen
    rules = _rules_for(feed)
    wanted = _article_urls(feed, [item for item in take if _passes(rules, item)])
    with transaction.atomic():
        articles = _articles_for(feed, wanted, now)
        if feed.digest_id and articles:
            # An existing row (a dismissed item above all) is never touched again.
            InboxItem.objects.bulk_create(
                [
                    InboxItem(digest_id=feed.digest_id, article_id=pk, feed=feed, arrived_at=now)
                    for pk in dict.fromkeys(articles.values())
                ],
                ignore_conflicts=True,
            )
        FeedEntry.objects.bulk_create(
            [
                FeedEntry(feed=feed, key=item.key, article_id=articles.get(item.key), seen_at=now)
                for item in unseen
            ],
            ignore_conflicts=True,
        )
    return len(articles)


def _article_urls(feed: Feed, items: list[FeedItem]) -> dict[str, tuple[FeedItem, str, str]]:
    """item key -> (item, URL, canonical URL) for the items that have a usable link."""
    found = {}
    for item in items:
        url = item_url(feed, item)
        try:
            canonical = canonicalize_url(url)
            submitted = redact_url(url)
        except InvalidURL:
            logger.info("feed %s: item %r has no usable link", feed.pk, item.guid[:200])
            continue
        if len(canonical) <= 2048 and len(submitted) <= 2048:
            found[item.key] = (item, submitted, canonical)
    return found


def _articles_for(
    feed: Feed, wanted: dict[str, tuple[FeedItem, str, str]], now: datetime
) -> dict[str, int]:
    """item key -> article id: the article with the item's canonical URL, created if new."""
    canonicals = {canonical for _, _, canonical in wanted.values()}
    existing = set(
        Article.objects.filter(canonical_url__in=canonicals).values_list("canonical_url", flat=True)
    )
    fresh: dict[str, Article] = {}
    sources: dict[str, Source | None] = {}
    for item, submitted, canonical in wanted.values():
        if canonical not in existing and canonical not in fresh:
            fresh[canonical] = _new_article(feed, item, submitted, canonical, sources)
    if fresh:
        # A concurrent poll of another feed may create the same URL: the row wins, not us.
        Article.objects.bulk_create(list(fresh.values()), ignore_conflicts=True)
    ids = dict(
        Article.objects.filter(canonical_url__in=canonicals).values_list("canonical_url", "id")
    )
    created = [ids[c] for c in fresh if c in ids]
    if created:
        # bulk_create sends no post_save: one for the batch lets caches of pages and API
        # answers that list articles know that something changed.
        sample = Article(pk=created[0], canonical_url=next(iter(fresh)))
        post_save.send(sender=Article, instance=sample, created=True, raw=False, using="default")
        if not feed.feed_data_is_enough:
            transaction.on_commit(lambda: _enqueue_fetches(created))
    return {key: ids[canonical] for key, (_, _, canonical) in wanted.items() if canonical in ids}


def _enqueue_fetches(ids: list[int]) -> None:
    for pk in ids:
        enqueue_fetch(pk)


def _new_article(
    feed: Feed, item: FeedItem, submitted: str, canonical: str, sources: dict[str, Source | None]
) -> Article:
    kind = kind_for_url(canonical)
    enough = feed.feed_data_is_enough
    key = wechat_biz(canonical) if kind == "wechat" else kind
    if key not in sources:
        sources[key] = _source_for(kind, canonical)
    return Article(
        submitted_url=submitted,
        canonical_url=canonical,
        kind=kind,
        source=sources[key] or feed.source,
        title=item.title[:500],
        excerpt=item.summary,
        author=item.author[:300],
        published_at=item.published_at,
        metadata={"feed": {"id": feed.pk, "guid": item.guid[:500]}},
        fetch_state=Article.FetchState.DONE if enough else Article.FetchState.PENDING,
    )


def _source_for(kind: str, canonical: str) -> Source | None:
    """arXiv papers and GitHub repositories belong to those sources, as when pasted."""
    if kind in ("arxiv", "github"):
        return source_get_or_create(kind=kind)
    if kind == "wechat":
        biz = wechat_biz(canonical)
        if biz:
            return Source.objects.filter(wechat_biz=biz).first()
    return None


def _rules_for(feed: Feed) -> list[FeedRule]:
    query = FeedRule.objects.filter(feed=feed)
    if feed.digest_id:
        query = query | FeedRule.objects.filter(digest_id=feed.digest_id)
    return list(query)


def _passes(rules: list[FeedRule], item: FeedItem) -> bool:
    """No exclude rule matches, and some include rule matches if there are any."""
    text = f"{item.title}\n{item.summary}"
    includes = [rule for rule in rules if rule.action == FeedRule.Action.INCLUDE]
    for rule in rules:
        if rule.action == FeedRule.Action.EXCLUDE and _matches(rule.pattern, text):
            return False
    return not includes or any(_matches(rule.pattern, text) for rule in includes)


def _matches(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text, re.IGNORECASE) is not None
    except re.error:
        return False


def item_url(feed: Feed, item: FeedItem) -> str:
    """The article URL of an item: a WeChat bridge's item maps to its mp.weixin.qq.com link."""
    host = urlsplit(item.link).hostname or ""
    if feed.source.kind == "wechat" and host != "mp.weixin.qq.com":
        for candidate in [item.guid, *item.extra_links]:
            found = WECHAT_LINK.search(candidate or "")
            if found:
                return found.group(0)
    return item.link


# --- Triage ------------------------------------------------------------------------------


def inbox_triage(*, ids: list[int], state: str, by: Editor = None) -> int:
    """Set the triage state of these inbox items; returns how many changed."""
    if state not in InboxItem.State.values:
        raise ValueError(f"unknown triage state {state!r}")
    user = by if by is not None and by.is_authenticated else None
    return (
        InboxItem.objects.filter(pk__in=ids)
        .exclude(state=state)
        .update(state=state, triaged_at=timezone.now(), triaged_by=user)
    )
