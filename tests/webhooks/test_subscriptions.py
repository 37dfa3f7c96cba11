from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from tests.api.conftest import error_of
from webhooks.models import WebhookSubscription
from webhooks.services import subscription_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:8000/hook",
        "http://10.0.0.7/hook",
        "http://192.168.1.1/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://0.0.0.0/hook",
    ],
)
def test_private_and_local_targets_are_refused_when_saved(target):
    with pytest.raises(ValidationError) as refused:
        subscription_create(name="x", target_url=target, events=["issue.published"])

    assert "target_url" in refused.value.message_dict
    assert not WebhookSubscription.objects.exists()


def test_an_allowlisted_local_receiver_is_accepted(receiver):
    subscription = subscription_create(
        name="local", target_url=receiver.url, events=["issue.published", "issue.published"]
    )

    assert subscription.events == ["issue.published"]
    assert len(subscription.secret) == 64


def test_unknown_events_are_refused(receiver):
    with pytest.raises(ValidationError) as refused:
        subscription_create(name="x", target_url=receiver.url, events=["issue.deleted"])

    assert "events" in refused.value.message_dict


def test_editors_subscribe_through_the_api_and_see_the_secret_once(editor_api, receiver):
    created = editor_api.post(
        "/api/v1/webhooks/",
        {"name": "公众号同步", "target_url": receiver.url, "events": ["issue.published"]},
        format="json",
    )
    shown = editor_api.get(created.json()["url"])

    assert created.status_code == 201
    assert created.json()["secret"] == WebhookSubscription.objects.get().secret
    assert shown.status_code == 200
    assert "secret" not in shown.json()


def test_a_private_target_through_the_api_is_a_field_error(editor_api):
    response = editor_api.post(
        "/api/v1/webhooks/",
        {"name": "x", "target_url": "http://10.1.2.3/", "events": ["issue.published"]},
        format="json",
    )

    assert response.status_code == 400
    assert "target_url" in error_of(response)["fields"]


def test_editors_update_and_delete_subscriptions(editor_api, receiver):
    created = editor_api.post(
        "/api/v1/webhooks/",
        {"name": "x", "target_url": receiver.url, "events": ["issue.published"]},
        format="json",
    ).json()

    patched = editor_api.patch(created["url"], {"active": False}, format="json")
    deleted = editor_api.delete(created["url"])

    assert patched.json()["active"] is False
    assert deleted.status_code == 204
    assert not WebhookSubscription.objects.exists()


def test_contributors_and_anonymous_clients_cannot_see_subscriptions(contributor_api):
    assert contributor_api.get("/api/v1/webhooks/").status_code == 403
    assert APIClient().get("/api/v1/webhooks/").status_code == 401


def test_editors_see_deliveries_in_the_admin(editor_user, client):
    client.force_login(editor_user)

    assert client.get("/admin/webhooks/webhookdelivery/").status_code == 200
    assert client.get("/admin/webhooks/webhooksubscription/add/").status_code == 200
