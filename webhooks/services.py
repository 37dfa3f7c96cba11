"""Subscribing to events, recording deliveries and sending them, signed."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import json
import logging
import time
from enum import Enum
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from webhooks.models import WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Briefroom-Signature"
TIMESTAMP_HEADER = "X-Briefroom-Timestamp"
EVENT_HEADER = "X-Briefroom-Event"
DELIVERY_HEADER = "X-Briefroom-Delivery"
RETRY_STATUSES = frozenset({408, 425, 429})
EDITABLE = ("name", "target_url", "events", "active", "secret")


class Outcome(Enum):
    DELIVERED = "delivered"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"


def subscription_create(
    *, name: str, target_url: str, events: list[str], active: bool = True, by: Any = None
) -> WebhookSubscription:
    """A new subscription; the target URL must pass the outbound address checks."""
    subscription = WebhookSubscription(
        name=name,
        target_url=target_url,
        events=sorted(set(events)),
        active=active,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    subscription.full_clean()
    subscription.save()
    return subscription


def subscription_update(
    *, subscription: WebhookSubscription, data: dict[str, Any]
) -> WebhookSubscription:
    for name in EDITABLE:
        if name in data:
            value = data[name]
            setattr(subscription, name, sorted(set(value)) if name == "events" else value)
    subscription.full_clean()
    subscription.save()
    return subscription


def event_emit(*, event: str, build_payload: Any) -> list[WebhookDelivery]:
    """Record a delivery for each active subscriber and queue it once the data is committed.

    `build_payload` is called only when someone subscribes, so unobserved events cost a query.
    """
    subscribers = [s for s in WebhookSubscription.objects.filter(active=True) if s.wants(event)]
    if not subscribers:
        return []
    payload = build_payload()
    deliveries = [
        WebhookDelivery.objects.create(subscription=s, event=event, payload=payload)
        for s in subscribers
    ]
    for delivery in deliveries:
        transaction.on_commit(functools.partial(_enqueue, delivery.pk))
    return deliveries


def _enqueue(delivery_id: int) -> None:
    from webhooks.tasks import deliver_webhook

    try:
        deliver_webhook.delay(delivery_id)
    except Exception:  # broker down: the delivery stays pending, visible in the admin
        logger.warning("could not queue webhook delivery %s; left pending", delivery_id)


def delivery_body(delivery: WebhookDelivery) -> bytes:
    """The exact bytes sent and signed; the same on every attempt."""
    envelope = {
        "id": str(delivery.uuid),
        "event": delivery.event,
        "created_at": delivery.created_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()


def signature(secret: str, body: bytes) -> str:
    """`sha256=<hex>`: HMAC-SHA256 of the raw body with the subscription's secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def delivery_headers(delivery: WebhookDelivery, body: bytes, *, now: float) -> dict[str, str]:
    return {
        SIGNATURE_HEADER: signature(delivery.subscription.secret, body),
        TIMESTAMP_HEADER: str(int(now)),
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: str(delivery.uuid),
    }


def retry_delay(attempts: int) -> int:
    """Seconds before the next attempt: doubling from the base, capped."""
    return min(
        settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0),
        settings.WEBHOOK_RETRY_MAX_SECONDS,
    )


def delivery_attempt(delivery_id: int) -> tuple[Outcome, WebhookDelivery | None]:
    """Send one attempt and record it; safe to call twice for the same delivery."""
    from core.fetcher import FetchError, post_json

    delivery = WebhookDelivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None or delivery.state != WebhookDelivery.State.PENDING:
        return Outcome.SKIPPED, delivery
    # Claim this attempt: a duplicate task for the same delivery finds the count moved on.
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk, state=WebhookDelivery.State.PENDING, attempts=delivery.attempts
    ).update(attempts=F("attempts") + 1, updated_at=timezone.now())
    if not claimed:
        return Outcome.SKIPPED, delivery
    delivery.attempts += 1
    body = delivery_body(delivery)
    headers = delivery_headers(delivery, body, now=time.time())
    status: int | None = None
    try:
        status = post_json(
            delivery.subscription.target_url,
            body,
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
        )
    except FetchError as exc:
        transient, error = exc.transient, f"{exc.code}: {exc.message}"
    else:
        transient = status >= 500 or status in RETRY_STATUSES
        error = "" if 200 <= status < 300 else f"HTTP {status}"
    outcome = _record(delivery, status=status, error=error, transient=transient)
    # Delivered and "will retry" are routine; giving up after the last attempt needs a look.
    level = logging.WARNING if outcome is Outcome.FAILED else logging.INFO
    logger.log(
        level,
        "webhook %s %s to %s: %s (status %s, attempt %s of %s): %s",
        delivery.event,
        delivery.uuid,
        delivery.subscription.target_url,
        outcome.value,
        status,
        delivery.attempts,
        settings.WEBHOOK_MAX_ATTEMPTS,
        error or "ok",
    )
    return outcome, delivery


def _record(
    delivery: WebhookDelivery, *, status: int | None, error: str, transient: bool
) -> Outcome:
    delivery.status_code = status
    delivery.last_error = error
    if not error:
        outcome = Outcome.DELIVERED
        delivery.state = WebhookDelivery.State.DELIVERED
        delivery.delivered_at = timezone.now()
    elif transient and delivery.attempts < settings.WEBHOOK_MAX_ATTEMPTS:
        outcome = Outcome.RETRY
    else:
        outcome = Outcome.FAILED
        delivery.state = WebhookDelivery.State.FAILED
    delivery.save(
        update_fields=["status_code", "last_error", "state", "delivered_at", "updated_at"]
    )
    return outcome


def delivery_redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a finished delivery again, as a new delivery of the same event and payload."""
    again = WebhookDelivery.objects.create(
        subscription=delivery.subscription, event=delivery.event, payload=delivery.payload
    )
    transaction.on_commit(lambda: _enqueue(again.pk))
    return again


STALLED_AFTER = dt.timedelta(minutes=10)


def deliveries_requeue_stalled() -> int:
    """Deliveries still pending, never attempted, long after they were made."""
    stalled = WebhookDelivery.objects.filter(
        state=WebhookDelivery.State.PENDING,
        attempts=0,
        updated_at__lt=timezone.now() - STALLED_AFTER,
    ).values_list("pk", flat=True)[:500]
    ids = list(stalled)
    for delivery_id in ids:
        WebhookDelivery.objects.filter(pk=delivery_id).update(updated_at=timezone.now())
        _enqueue(delivery_id)
    return len(ids)
