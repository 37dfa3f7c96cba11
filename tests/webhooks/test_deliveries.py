from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest

from articles.signals import article_fetch_failed, article_fetched
from tests.factories import ArticleFactory
from webhooks import services
from webhooks.models import WebhookDelivery
from webhooks.services import subscription_create
from webhooks.tasks import deliver_webhook

pytestmark = pytest.mark.django_db


def subscribe(receiver, *events: str):
    return subscription_create(name="hook", target_url=receiver.url, events=list(events))


def publish(editor_api, issue, capture) -> None:
    with capture(execute=True):
        response = editor_api.post(f"/api/v1/issues/{issue.pk}/publish/", {}, format="json")
    assert response.status_code == 200


def test_publishing_delivers_a_signed_issue_published_event(
    editor_api, make_issue, receiver, django_capture_on_commit_callbacks
):
    subscription = subscribe(receiver, "issue.published")
    issue = make_issue(main=2, others=1)

    publish(editor_api, issue, django_capture_on_commit_callbacks)

    [request] = receiver.requests
    expected = hmac.new(subscription.secret.encode(), request.body, hashlib.sha256).hexdigest()
    assert request.headers["x-briefroom-signature"] == f"sha256={expected}"
    assert abs(int(request.headers["x-briefroom-timestamp"]) - time.time()) < 60
    assert request.headers["x-briefroom-event"] == "issue.published"
    assert request.headers["content-type"] == "application/json"
    body = request.json()
    assert body["event"] == "issue.published"
    assert body["id"] == request.headers["x-briefroom-delivery"]
    assert body["data"]["issue"]["id"] == issue.pk
    assert len(body["data"]["issue"]["entries"]["main"]) == 2
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.status_code, delivery.attempts) == ("delivered", 200, 1)
    assert delivery.delivered_at is not None


def test_a_tampered_body_does_not_verify(
    editor_api, make_issue, receiver, django_capture_on_commit_callbacks
):
    subscription = subscribe(receiver, "issue.published")
    publish(editor_api, make_issue(), django_capture_on_commit_callbacks)

    [request] = receiver.requests
    tampered = request.body.replace(b'"issue.published"', b'"issue.updated"', 1)

    assert (
        services.signature(subscription.secret, tampered)
        != request.headers["x-briefroom-signature"]
    )


def test_changing_a_published_issue_sends_issue_updated(
    editor_api, make_issue, receiver, django_capture_on_commit_callbacks
):
    subscribe(receiver, "issue.updated")
    issue = make_issue(published=True)

    with django_capture_on_commit_callbacks(execute=True):
        editor_api.patch(f"/api/v1/issues/{issue.pk}/", {"title": "更正"}, format="json")

    assert [r.json()["event"] for r in receiver.requests] == ["issue.updated"]
    assert receiver.requests[0].json()["data"]["issue"]["title"] == "更正"


def test_drafts_changing_send_nothing(
    editor_api, make_issue, receiver, django_capture_on_commit_callbacks
):
    subscribe(receiver, "issue.updated", "issue.published")
    issue = make_issue()

    with django_capture_on_commit_callbacks(execute=True):
        editor_api.patch(f"/api/v1/issues/{issue.pk}/", {"title": "草稿"}, format="json")

    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_article_fetch_signals_become_events(receiver, django_capture_on_commit_callbacks):
    subscribe(receiver, "article.fetched", "article.failed")
    article = ArticleFactory.create(title="已抓取")

    with django_capture_on_commit_callbacks(execute=True):
        article_fetched.send(sender=type(article), article=article)
        article_fetch_failed.send(sender=type(article), article=article)

    events = [(r.json()["event"], r.json()["data"]["article"]["title"]) for r in receiver.requests]
    assert events == [("article.fetched", "已抓取"), ("article.failed", "已抓取")]


def test_only_active_subscribers_of_the_event_get_it(
    editor_api, make_issue, receiver, django_capture_on_commit_callbacks
):
    subscribe(receiver, "article.fetched")
    inactive = subscribe(receiver, "issue.published")
    inactive.active = False
    inactive.save()

    publish(editor_api, make_issue(), django_capture_on_commit_callbacks)

    assert receiver.requests == []


def test_a_503_is_retried_and_then_delivered_with_the_same_signed_body(
    editor_api, make_issue, receiver, django_capture_on_commit_callbacks
):
    subscribe(receiver, "issue.published")
    receiver.statuses = [503, 503]

    publish(editor_api, make_issue(), django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.status_code, delivery.attempts) == ("delivered", 200, 3)
    assert len({r.body for r in receiver.requests}) == 1
    assert len({r.headers["x-briefroom-signature"] for r in receiver.requests}) == 1
    assert len(receiver.requests) == 3


def test_delivery_gives_up_after_the_last_attempt(
    editor_api, make_issue, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_ATTEMPTS = 4
    subscribe(receiver, "issue.published")
    receiver.statuses = [503] * 10

    publish(editor_api, make_issue(), django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_error) == ("failed", 4, "HTTP 503")
    assert len(receiver.requests) == 4


def test_a_client_error_is_not_retried(
    editor_api, make_issue, receiver, django_capture_on_commit_callbacks
):
    subscribe(receiver, "issue.published")
    receiver.statuses = [410]

    publish(editor_api, make_issue(), django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.status_code) == ("failed", 1, 410)


def test_retries_back_off_exponentially_up_to_a_cap(settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    settings.WEBHOOK_RETRY_MAX_SECONDS = 200

    assert [services.retry_delay(n) for n in range(1, 6)] == [30, 60, 120, 200, 200]


def test_the_task_schedules_its_retry_with_the_backoff(monkeypatch, receiver, make_issue):
    subscription = subscribe(receiver, "issue.published")
    delivery = WebhookDelivery.objects.create(
        subscription=subscription, event="issue.published", payload={}
    )
    receiver.statuses = [503]
    countdowns = []

    def fake_retry(**kwargs):
        countdowns.append(kwargs["countdown"])
        return RuntimeError("retry")

    monkeypatch.setattr(deliver_webhook, "retry", fake_retry)
    with pytest.raises(RuntimeError):
        deliver_webhook.run(delivery.pk)

    assert countdowns == [services.retry_delay(1)]


def test_running_a_finished_delivery_again_sends_nothing(receiver):
    subscription = subscribe(receiver, "issue.published")
    delivery = WebhookDelivery.objects.create(
        subscription=subscription, event="issue.published", payload={"issue": {"id": 1}}
    )

    first = deliver_webhook.apply(args=[delivery.pk]).get()
    second = deliver_webhook.apply(args=[delivery.pk]).get()

    assert (first, second) == ("delivered", "skipped")
    assert len(receiver.requests) == 1


def test_a_target_that_turned_private_is_refused_at_send_time_without_connecting(
    receiver, settings
):
    subscription = subscribe(receiver, "issue.published")
    delivery = WebhookDelivery.objects.create(
        subscription=subscription, event="issue.published", payload={}
    )
    settings.FETCH_ALLOWLIST = []

    outcome = deliver_webhook.apply(args=[delivery.pk]).get()

    delivery.refresh_from_db()
    assert outcome == "failed"
    assert delivery.last_error.startswith("blocked")
    assert delivery.attempts == 1
    assert receiver.requests == []


def test_the_body_is_compact_json_with_the_delivery_envelope(receiver):
    subscription = subscribe(receiver, "issue.published")
    delivery = WebhookDelivery.objects.create(
        subscription=subscription, event="issue.published", payload={"issue": {"title": "简报"}}
    )

    body = services.delivery_body(delivery)

    assert json.loads(body) == {
        "id": str(delivery.uuid),
        "event": "issue.published",
        "created_at": delivery.created_at.isoformat(),
        "data": {"issue": {"title": "简报"}},
    }
    assert "简报".encode() in body
