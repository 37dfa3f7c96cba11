"""The JSON shape of a feed, shared by the commands and the API."""

from __future__ import annotations

from feeds.models import Feed
from feeds.services import last_checked


def feed_as_dict(feed: Feed) -> dict:
    checked = last_checked(feed)
    return {
        "id": feed.pk,
        "source": feed.source.slug,
        "digest": feed.digest_id,
        "kind": feed.kind,
        "url": feed.url,
        "query": feed.query,
        "title": feed.title,
        "interval_minutes": feed.interval_minutes,
        "feed_data_is_enough": feed.feed_data_is_enough,
        "active": feed.active,
        "paused_reason": feed.paused_reason,
        "status": feed.status,
        "last_polled_at": checked.isoformat() if checked else None,
        "next_poll_at": feed.next_poll_at.isoformat(),
        "last_error": feed.last_error,
        "consecutive_errors": feed.consecutive_errors,
    }
