"""Failed admin logins are limited per address and per user name, logged, and shown to staff."""

from __future__ import annotations

import datetime as dt
import logging
import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import editor

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "correct horse battery"


@pytest.fixture
def eddie() -> User:
    user = editor("eddie")
    user.set_password(PASSWORD)
    user.save()
    return user


def log_in(client: Client, username: str, password: str, address: str = "203.0.113.5", **extra):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def fail(client: Client, username: str, times: int, address: str = "203.0.113.5", **extra):
    for _ in range(times):
        response = log_in(client, username, "wrong", address, **extra)
        assert response.status_code in (200, 429)


def is_lockout(response) -> bool:
    templates = [template.name for template in response.templates]
    return response.status_code == 429 and "admin/lockout.html" in templates


def test_the_right_password_after_five_wrong_ones_gets_the_lockout_page(eddie) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    fail(client, "eddie", 5)
    response = log_in(client, "eddie", PASSWORD)
    assert is_lockout(response)
    assert "_auth_user_id" not in client.session
    assert int(response["Retry-After"]) == 15 * 60
    assert b"15 minutes" in response.content


def test_four_wrong_passwords_do_not_lock(eddie) -> None:
    client = Client()
    fail(client, "eddie", 4)
    response = log_in(client, "eddie", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(eddie.pk)


def test_the_lockout_page_is_in_chinese_for_a_chinese_browser(eddie) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    fail(client, "eddie", 5)
    response = log_in(client, "eddie", PASSWORD)
    assert response.status_code == 429
    text = response.content.decode()
    assert "登录失败次数过多" in text
    assert "Too many" not in text


def test_another_user_name_from_the_same_address_is_locked_too(eddie) -> None:
    editor("connie").set_password(PASSWORD)
    client = Client()
    fail(client, "eddie", 5)
    assert is_lockout(log_in(client, "connie", PASSWORD))


def test_one_user_name_guessed_from_many_addresses_locks(eddie) -> None:
    client = Client()
    for number in range(5):
        fail(client, "eddie", 1, address=f"198.51.100.{number + 1}")
    assert is_lockout(log_in(client, "eddie", PASSWORD, address="192.0.2.99"))


def test_after_the_cooloff_the_right_password_works(eddie) -> None:
    client = Client()
    fail(client, "eddie", 5)
    assert is_lockout(log_in(client, "eddie", PASSWORD))
    past = timezone.now() - dt.timedelta(minutes=16)
    AccessAttempt.objects.update(attempt_time=past)
    response = log_in(client, "eddie", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(eddie.pk)


@pytest.mark.parametrize("proxies", [0, 1])
def test_spoofed_forwarded_addresses_do_not_unlock(eddie, settings, proxies) -> None:
    settings.TRUSTED_PROXY_COUNT = proxies
    client = Client()
    # With a proxy, the proxy's own entry (the client it saw) is always the rightmost one.
    fail(client, "connie", 5, HTTP_X_FORWARDED_FOR="203.0.113.5")
    for number in range(3):
        spoof = f"10.9.8.{number}"
        forwarded = f"{spoof}, 203.0.113.5" if proxies else spoof
        response = log_in(
            client, "eddie", PASSWORD, HTTP_X_FORWARDED_FOR=forwarded, HTTP_X_REAL_IP=spoof
        )
        assert is_lockout(response)


def test_the_page_does_not_say_whether_the_user_exists(eddie) -> None:
    def lockout_page(username: str, address: str) -> str:
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        fail(client, username, 5, address=address)
        response = log_in(client, username, PASSWORD, address=address)
        assert response.status_code == 429
        return re.sub(r'value="[^"]+"', "", response.content.decode())  # CSRF tokens

    assert lockout_page("eddie", "192.0.2.1") == lockout_page("nobody-here", "192.0.2.2")


def test_every_failure_is_logged_with_the_name_and_address(eddie, caplog) -> None:
    client = Client()
    with caplog.at_level(logging.WARNING, logger="briefroom.logins"):
        fail(client, "eddie", 6, address="198.51.100.77")
    records = [r for r in caplog.records if r.name == "briefroom.logins"]
    assert len(records) == 6
    for record in records:
        assert record.levelno == logging.WARNING
        assert "'eddie'" in record.getMessage()
        assert "198.51.100.77" in record.getMessage()


def test_staff_see_the_failures_in_the_admin(eddie) -> None:
    fail(Client(), "mallory", 2, address="198.51.100.9")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(eddie)
    response = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code == 200
    assert b"mallory" in response.content
    assert b"198.51.100.9" in response.content
    response = client.get(reverse("admin:axes_accessfailurelog_changelist"))
    assert response.status_code == 200
    assert response.content.count(b"mallory") >= 2


def test_a_successful_login_clears_the_failures(eddie) -> None:
    client = Client()
    fail(client, "eddie", 4)
    assert log_in(client, "eddie", PASSWORD).status_code == 302
    client.logout()
    fail(client, "eddie", 4)
    assert log_in(client, "eddie", PASSWORD).status_code == 302
