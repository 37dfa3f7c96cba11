"""A delivery that will be retried is routine (INFO); one given up on needs a look (WARNING)."""

from __future__ import annotations

import logging

import pytest

from webhooks import services
from webhooks.models import WebhookDelivery
from webhooks.services import Outcome, subscription_create

pytestmark = pytest.mark.django_db


def delivery_to(receiver) -> WebhookDelivery:
    subscription = subscription_create(
        name="hook", target_url=receiver.url, events=["issue.published"]
    )
    return WebhookDelivery.objects.create(
        subscription=subscription, event="issue.published", payload={"issue": {"id": 1}}
    )


def attempt(caplog, delivery: WebhookDelivery) -> tuple[Outcome, logging.LogRecord]:
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="webhooks.services"):
        outcome, _ = services.delivery_attempt(delivery.pk)
    [record] = [r for r in caplog.records if r.name == "webhooks.services"]
    return outcome, record


def test_retries_log_at_info_and_the_last_failure_at_warning(receiver, settings, caplog) -> None:
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    receiver.statuses = [503, 503, 503]
    delivery = delivery_to(receiver)

    seen = [attempt(caplog, delivery) for _ in range(3)]

    assert [(outcome, record.levelname) for outcome, record in seen] == [
        (Outcome.RETRY, "INFO"),
        (Outcome.RETRY, "INFO"),
        (Outcome.FAILED, "WARNING"),
    ]
    last = seen[-1][1].getMessage()
    assert "attempt 3 of 3" in last
    assert "HTTP 503" in last
    assert str(delivery.uuid) in last


def test_a_delivered_webhook_logs_at_info(receiver, caplog) -> None:
    outcome, record = attempt(caplog, delivery_to(receiver))
    assert (outcome, record.levelname) == (Outcome.DELIVERED, "INFO")


def test_an_unreachable_target_at_the_last_attempt_logs_a_warning(receiver, settings, caplog):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    delivery = delivery_to(receiver)
    delivery.subscription.target_url = "http://127.0.0.1:1/hook"  # nothing listens on port 1
    delivery.subscription.save()
    settings.FETCH_ALLOWLIST = ["127.0.0.1:1"]
    outcome, record = attempt(caplog, delivery)
    assert (outcome, record.levelname) == (Outcome.FAILED, "WARNING")
