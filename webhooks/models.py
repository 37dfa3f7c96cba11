from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models


class Event(models.TextChoices):
    ISSUE_PUBLISHED = "issue.published", "An issue was published"
    ISSUE_UPDATED = "issue.updated", "A published issue changed"
    ARTICLE_FETCHED = "article.fetched", "An article was fetched"
    ARTICLE_FAILED = "article.failed", "Fetching an article failed"


def new_secret() -> str:
    return secrets.token_hex(32)


class WebhookSubscription(models.Model):
    """An integration that wants some events POSTed to its URL, signed with its secret."""

    name = models.CharField(max_length=100)
    target_url = models.URLField(
        max_length=2048, help_text="Public http(s) URL; private and local addresses are refused."
    )
    secret = models.CharField(
        max_length=128,
        default=new_secret,
        help_text="Key of the HMAC-SHA256 signature in X-Briefroom-Signature.",
    )
    events = models.JSONField(default=list, help_text="Event names to deliver.")
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from core.fetcher import FetchError, check_url_allowed

        unknown = sorted(set(self.events) - set(Event.values))
        if not isinstance(self.events, list) or not self.events or unknown:
            raise ValidationError(
                {"events": f"choose from {', '.join(Event.values)}; unknown: {unknown or 'none'}"}
            )
        try:
            check_url_allowed(self.target_url)
        except FetchError as exc:
            raise ValidationError({"target_url": exc.message}) from None

    def wants(self, event: str) -> bool:
        return self.active and event in self.events


class WebhookDelivery(models.Model):
    """One event sent (or being sent) to one subscription, with how it went."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=32, choices=Event.choices)
    payload = models.JSONField()
    state = models.CharField(
        max_length=16, choices=State.choices, default=State.PENDING, db_index=True
    )
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription}"
