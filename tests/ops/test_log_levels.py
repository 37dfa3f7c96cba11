"""What is logged at which level: a client's bad request is no server error."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

TOO_MANY_FIELDS = "&".join(f"f{number}=1" for number in range(1200))


def records(caplog, prefix: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith(prefix)]


@pytest.mark.parametrize("path", ["/", "/admin/login/", "/api/v1/issues/"])
def test_too_many_get_parameters_is_a_400_and_no_error(caplog, path) -> None:
    with caplog.at_level(logging.DEBUG):
        response = Client().get(f"{path}?{TOO_MANY_FIELDS}")
    assert response.status_code == 400
    assert [r.levelname for r in records(caplog, "django.request")] == ["WARNING"]
    assert all(r.levelno < logging.ERROR for r in caplog.records), [
        (r.name, r.levelname) for r in caplog.records
    ]


@pytest.mark.parametrize("path", ["/admin/login/", "/i18n/setlang/"])
def test_too_many_form_fields_is_a_400_logged_as_a_warning(caplog, path) -> None:
    """Django itself refuses these, on django.security.TooManyFieldsSent, which it logs at ERROR."""
    with caplog.at_level(logging.DEBUG):
        response = Client().post(
            path, TOO_MANY_FIELDS, content_type="application/x-www-form-urlencoded"
        )
    assert response.status_code == 400
    security = records(caplog, "django.security.")
    assert [(r.name, r.levelname) for r in security] == [
        ("django.security.TooManyFieldsSent", "WARNING")
    ]
    assert all(r.levelno < logging.ERROR for r in caplog.records), [
        (r.name, r.levelname) for r in caplog.records
    ]


def test_a_disallowed_host_is_a_400_logged_as_a_warning(caplog) -> None:
    with caplog.at_level(logging.DEBUG):
        response = Client().get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    [record] = records(caplog, "django.security.")
    assert (record.name, record.levelname) == ("django.security.DisallowedHost", "WARNING")
    assert all(r.levelno < logging.ERROR for r in caplog.records)


def test_other_client_errors_are_not_logged_at_error(caplog) -> None:
    with caplog.at_level(logging.DEBUG):
        codes = [
            Client().get("/no-such-page/").status_code,
            Client().get("/api/v1/issues/not-a-number/").status_code,
            Client().post("/api/v1/issues/", "{", content_type="application/json").status_code,
        ]
    assert [code // 100 for code in codes] == [4, 4, 4]
    assert all(r.levelno < logging.ERROR for r in caplog.records), [
        (r.name, r.levelname) for r in caplog.records
    ]


def test_server_errors_are_still_errors() -> None:
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "boom", None, None)
    assert logging.getLogger("django.request").filter(record)
    assert record.levelno == logging.ERROR
