"""What to request for each kind of feed, and when it is next due. Pure functions."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from django.conf import settings

from core import politeness
from feeds.models import Feed

_ARXIV_FIELD_PREFIXES = ("all:", "ti:", "au:", "abs:", "co:", "jr:", "cat:", "rn:", "id:")


def arxiv_search_query(query: str) -> str:
    """A category such as cs.CL becomes cat:cs.CL; a search expression is kept as written."""
    text = query.strip()
    if any(text.startswith(prefix) for prefix in _ARXIV_FIELD_PREFIXES) or " " in text:
        return text
    return f"cat:{text}"


def request_for(feed: Feed) -> tuple[str, dict[str, str]]:
    """The URL to GET for this feed, and the headers to send with it."""
    headers: dict[str, str] = {}
    if feed.kind == Feed.Kind.ARXIV:
        params = {
            "search_query": arxiv_search_query(feed.query),
            "sortBy": "submittedDate",
            "sortOrder": "descending",
            "start": "0",
            "max_results": str(settings.FEED_ARXIV_MAX_RESULTS),
        }
        url = f"{settings.ARXIV_API_URL}?{urlencode(params)}"
    elif feed.kind == Feed.Kind.GITHUB:
        owner, _, repo = feed.query.strip().partition("/")
        base = settings.GITHUB_API_URL.rstrip("/")
        url = f"{base}/repos/{quote(owner)}/{quote(repo)}/releases?per_page=30"
        headers.update(politeness.github_headers())
    else:
        url = feed.url
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    return url, headers


def next_poll(feed: Feed, now: datetime) -> datetime:
    """When a feed that answered is next due: its interval, or arXiv's next announcement."""
    if feed.kind == Feed.Kind.ARXIV:
        return next_arxiv_announcement(now)
    return now + timedelta(minutes=max(1, feed.interval_minutes))


def next_arxiv_announcement(now: datetime) -> datetime:
    zone = ZoneInfo(settings.FEED_ARXIV_TIME_ZONE)
    hour, _, minute = settings.FEED_ARXIV_POLL_AT.partition(":")
    at = time(int(hour), int(minute or 0))
    local = now.astimezone(zone)
    candidate = datetime.combine(local.date(), at, tzinfo=zone)
    while candidate <= local:
        candidate += timedelta(days=1)
    return candidate
