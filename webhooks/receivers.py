"""Turn domain signals into webhook deliveries."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from articles.signals import article_fetch_failed, article_fetched
from digest.signals import issue_published, issue_updated
from webhooks.models import Event
from webhooks.payloads import article_payload, issue_payload
from webhooks.services import event_emit


@receiver(issue_published, dispatch_uid="webhooks.issue_published")
def on_issue_published(sender: Any, issue, **kwargs: Any) -> None:
    event_emit(event=Event.ISSUE_PUBLISHED, build_payload=lambda: issue_payload(issue))


@receiver(issue_updated, dispatch_uid="webhooks.issue_updated")
def on_issue_updated(sender: Any, issue, **kwargs: Any) -> None:
    event_emit(event=Event.ISSUE_UPDATED, build_payload=lambda: issue_payload(issue))


@receiver(article_fetched, dispatch_uid="webhooks.article_fetched")
def on_article_fetched(sender: Any, article, **kwargs: Any) -> None:
    event_emit(event=Event.ARTICLE_FETCHED, build_payload=lambda: article_payload(article))


@receiver(article_fetch_failed, dispatch_uid="webhooks.article_fetch_failed")
def on_article_fetch_failed(sender: Any, article, **kwargs: Any) -> None:
    event_emit(event=Event.ARTICLE_FAILED, build_payload=lambda: article_payload(article))
