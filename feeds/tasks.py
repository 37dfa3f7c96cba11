"""Celery tasks for feeds: beat finds due feeds, a worker polls each by id."""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from core.inprocess import enqueue
from feeds import services

logger = logging.getLogger(__name__)
_QUEUED_KEY = "feeds:queued:{}"
QUEUED_FOR = 600  # seconds a queued poll keeps a feed from being queued again


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=60, time_limit=90)
def poll_feed(feed_id: int) -> str:
    """Poll one feed. Idempotent: a second copy of the task finds nothing new."""
    try:
        return services.feed_poll(feed_id=feed_id).status
    finally:
        cache.delete(_QUEUED_KEY.format(feed_id))


@shared_task
def enqueue_due_feeds() -> int:
    """Queue a poll of every due feed not already queued; returns how many were queued."""
    queued = 0
    for feed_id in services.due_feed_ids(now=timezone.now()):
        if cache.add(_QUEUED_KEY.format(feed_id), 1, timeout=QUEUED_FOR):
            enqueue(poll_feed, feed_id)
            queued += 1
    if queued:
        logger.info("queued %d due feeds", queued)
    return queued
