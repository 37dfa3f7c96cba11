from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    ISSUE_PUBLISHED = "issue.published", _("An issue was published")
    ISSUE_UPDATED = "issue.updated", _("A published issue changed")
    ARTICLE_FETCHED = "article.fetched", _("An article was fetched")
    ARTICLE_FAILED = "article.failed", _("Fetching an article failed")


def new_secret() -> str:
    return secrets.token_hex(32)


class WebhookSubscription(models.Model):
    """An integration that wants some events POSTed to its URL, signed with its secret."""

    name = models.CharField(_("name"), max_length=100)
    target_url = models.URLField(
        _("target URL"),
        max_length=2048,
        help_text=_("Public http(s) URL; private and local addresses are refused."),
    )
    secret = models.CharField(
        _("secret"),
        max_length=128,
        default=new_secret,
        help_text=_("Key of the HMAC-SHA256 signature in X-Briefroom-Signature."),
    )
    events = models.JSONField(_("events"), default=list, help_text=_("Event names to deliver."))
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from core.fetcher import FetchError, check_url_allowed

        unknown = sorted(set(self.events) - set(Event.values))
        if not isinstance(self.events, list) or not self.events or unknown:
            raise ValidationError(
                {
                    "events": _("Choose from %(events)s; unknown: %(unknown)s")
                    % {"events": ", ".join(Event.values), "unknown": unknown or "-"}
                }
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
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    uuid = models.UUIDField("UUID", default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(
        WebhookSubscription,
        verbose_name=_("subscription"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event = models.CharField(_("event"), max_length=32, choices=Event.choices)
    payload = models.JSONField(_("payload"))
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING, db_index=True
    )
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription}"
