"""TOTP two-factor: setting it up, logging in with it, and publishing only with it when required."""

from __future__ import annotations

import logging

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from digest.models import Issue, PublishingPolicy
from digest.permissions import EDITORS
from tests.factories import EntryFactory, editor

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "correct horse battery"


def code(device: TOTPDevice, offset: int = 0) -> str:
    """What the authenticator app shows now (offset: that many steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def eddie() -> User:
    user = editor("eddie")
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def device(eddie) -> TOTPDevice:
    return TOTPDevice.objects.create(user=eddie, name="phone", confirmed=True)


def log_in(client: Client, token: str = "", address: str = "203.0.113.5"):
    data = {"username": "eddie", "password": PASSWORD, "otp_token": token}
    return client.post(LOGIN, data, REMOTE_ADDR=address)


def is_verified(client: Client) -> bool:
    return client.get("/admin/").wsgi_request.user.is_verified()


def test_without_a_device_the_password_is_enough(eddie) -> None:
    client = Client()
    assert log_in(client).status_code == 302
    assert client.session["_auth_user_id"] == str(eddie.pk)
    assert not is_verified(client)


def test_with_a_device_the_password_alone_is_refused(device) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = log_in(client)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert b"Enter the current code from your authenticator app." in response.content


def test_with_a_device_the_right_code_logs_in_verified(device) -> None:
    client = Client()
    assert log_in(client, code(device)).status_code == 302
    assert client.session["_auth_user_id"] == str(device.user_id)
    assert is_verified(client)


def test_a_wrong_code_fails_and_counts_as_a_failed_login(device, caplog) -> None:
    client = Client()
    wrong = code(device, offset=20)
    with caplog.at_level(logging.WARNING, logger="briefroom.logins"):
        response = log_in(client, wrong, address="198.51.100.4")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username="eddie").failures_since_start == 1
    assert any("198.51.100.4" in r.getMessage() for r in caplog.records)


def test_the_login_page_asks_for_the_code_in_the_editors_language() -> None:
    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(LOGIN).content.decode()
    english = Client(HTTP_ACCEPT_LANGUAGE="en").get(LOGIN).content.decode()
    assert 'name="otp_token"' in chinese
    assert "两步验证码" in chinese
    assert "Two-factor code" in english


def test_staff_turn_it_on_with_a_code_from_the_app_and_off_again(eddie, settings) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no pause after the wrong code below
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(eddie)
    page = client.get(reverse("two-factor"))
    assert page.status_code == 200
    assert b"<svg" in page.content
    assert page.context["secret"] in page.content.decode()
    assert page.context["uri"].startswith("otpauth://totp/Briefroom")
    pending = TOTPDevice.objects.get(user=eddie, confirmed=False)

    wrong = client.post(reverse("two-factor"), {"action": "on", "token": "000000"}, follow=True)
    assert b"That code is not right" in wrong.content
    assert not TOTPDevice.objects.filter(user=eddie, confirmed=True).exists()

    client.post(reverse("two-factor"), {"action": "on", "token": code(pending)})
    pending.refresh_from_db()
    assert pending.confirmed
    assert is_verified(client)

    client.post(reverse("two-factor"), {"action": "off", "token": code(pending, offset=1)})
    assert not TOTPDevice.objects.filter(user=eddie).exists()


def test_the_setup_page_is_in_chinese_for_a_chinese_editor(eddie) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(eddie)
    text = client.get(reverse("two-factor")).content.decode()
    assert "两步验证" in text
    assert "Scan this" not in text


@pytest.fixture
def issue() -> Issue:
    return EntryFactory.create().issue


def require_two_factor(on: bool = True) -> None:
    PublishingPolicy.objects.update_or_create(
        group=Group.objects.get(name=EDITORS), defaults={"requires_two_factor": on}
    )


def publish_in_admin(client: Client, issue: Issue):
    return client.post(reverse("admin:digest_issue_publish", args=[issue.pk]), follow=True)


def test_an_editor_without_two_factor_cannot_publish_when_the_policy_is_on(eddie, issue) -> None:
    require_two_factor()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(eddie)
    response = publish_in_admin(client, issue)
    assert b"Turn on two-factor authentication to publish." in response.content
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT


def test_the_refusal_is_in_chinese_for_a_chinese_editor(eddie, issue) -> None:
    require_two_factor()
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(eddie)
    assert "开启两步验证后才能发布" in publish_in_admin(client, issue).content.decode()


def test_an_editor_without_two_factor_publishes_when_the_policy_is_off(eddie, issue) -> None:
    require_two_factor(on=False)
    client = Client()
    client.force_login(eddie)
    publish_in_admin(client, issue)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.PUBLISHED


def test_an_editor_publishes_after_logging_in_with_a_code(device, issue) -> None:
    require_two_factor()
    client = Client()
    log_in(client, code(device))
    publish_in_admin(client, issue)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.PUBLISHED


def test_an_editor_with_a_device_who_gave_no_code_this_session_cannot_publish(
    device, issue
) -> None:
    require_two_factor()
    client = Client()
    client.force_login(device.user)
    publish_in_admin(client, issue)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT


def test_api_tokens_cannot_publish_for_a_group_that_requires_two_factor(
    eddie, device, issue
) -> None:
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=eddie).key}")
    url = f"/api/v1/issues/{issue.pk}/publish/"
    require_two_factor()
    refused = api.post(url, {}, format="json")
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "Turn on two-factor authentication to publish."
    require_two_factor(on=False)
    assert api.post(url, {}, format="json").status_code == 200


def test_a_verified_session_publishes_over_the_api(device, issue) -> None:
    require_two_factor()
    client = Client()
    log_in(client, code(device))
    response = client.post(
        f"/api/v1/issues/{issue.pk}/publish/", "{}", content_type="application/json"
    )
    assert response.status_code == 200, response.content


def test_a_session_that_gave_no_code_is_sent_to_log_in_once_a_device_exists(eddie) -> None:
    client = Client()
    client.force_login(eddie)  # a session from before two-factor was turned on
    assert client.get("/admin/").status_code == 200
    TOTPDevice.objects.create(user=eddie, name="phone", confirmed=True)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
