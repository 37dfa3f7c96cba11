"""Celery tasks for ingestion: they take ids, call articles.ingest and decide on retries."""

from __future__ import annotations

import datetime as dt
import logging
import random

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from articles import ingest
from articles.models import Article

logger = logging.getLogger(__name__)
MAX_RETRIES = 5
# The database unreachable: every service writes in a transaction, so nothing partial was
# kept; the task tries again with backoff instead of failing the article.
DATABASE_DOWN = (OperationalError, InterfaceError)


def retry_delay(retries: int, retry_after: float | None = None) -> float:
    """Exponential backoff with full jitter, or the server's Retry-After when longer."""
    base = settings.FETCH_RETRY_BASE_SECONDS
    ceiling = min(base * (2**retries), settings.FETCH_RETRY_MAX_SECONDS)
    delay = random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not security
    if retry_after:
        delay = max(delay, min(retry_after, settings.FETCH_RETRY_MAX_SECONDS * 4))
    return delay


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
    soft_time_limit=60,
    time_limit=90,
)
def fetch_article(self, article_id: int) -> str:
    final = self.request.retries >= MAX_RETRIES
    try:
        outcome = ingest.article_fetch(article_id, final_attempt=final)
    except ingest.TransientFetchFailure as exc:
        raise self.retry(
            exc=exc, countdown=retry_delay(self.request.retries, exc.retry_after)
        ) from exc
    except DATABASE_DOWN as exc:
        raise self.retry(exc=exc, countdown=retry_delay(self.request.retries)) from exc
    return outcome.state


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
    soft_time_limit=45,
    time_limit=60,
)
def fetch_article_image(self, article_id: int) -> str:
    try:
        return ingest.article_fetch_image(article_id)
    except DATABASE_DOWN as exc:
        raise self.retry(exc=exc, countdown=retry_delay(self.request.retries)) from exc


@shared_task
def sweep_stuck_articles() -> int:
    """Re-queue articles left pending (broker was down) or fetching (worker died)."""
    now = timezone.now()
    pending_before = now - dt.timedelta(seconds=settings.FETCH_SWEEP_PENDING_AFTER)
    fetching_before = now - dt.timedelta(seconds=settings.FETCH_SWEEP_FETCHING_AFTER)
    stuck = list(
        Article.objects.filter(
            fetch_state=Article.FetchState.PENDING, updated_at__lt=pending_before
        ).values_list("pk", flat=True)[:500]
    ) + list(
        Article.objects.filter(
            fetch_state=Article.FetchState.FETCHING, fetched_at__lt=fetching_before
        ).values_list("pk", flat=True)[:500]
    )
    for article_id in stuck:
        # Touch updated_at so one sweep does not queue the same article again next time.
        Article.objects.filter(pk=article_id).update(updated_at=now)
        fetch_article.delay(article_id)
    if stuck:
        logger.info("re-queued %d stuck article(s)", len(stuck))
    return len(stuck)
