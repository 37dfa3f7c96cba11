"""While the database is unreachable, readers get a 503 page and API clients the API's error."""

from __future__ import annotations

import pytest
from django.db import OperationalError, ProgrammingError

from api.views import issues as issue_views
from digest import selectors

pytestmark = pytest.mark.django_db


def unreachable(*args, **kwargs):
    raise OperationalError('connection to server at "10.9.8.7", port 5432 failed: refused')


@pytest.fixture
def quiet_client(client):
    client.raise_request_exception = False
    return client


def test_a_reader_gets_a_503_page_with_retry_after(quiet_client, monkeypatch) -> None:
    monkeypatch.setattr(selectors, "archive_issue_get", unreachable)

    response = quiet_client.get("/ai-brief/20210219/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("text/html")
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    assert "Briefroom" in body and "10.9.8.7" not in body and "Traceback" not in body


def test_an_api_client_gets_the_api_error_shape(quiet_client, monkeypatch) -> None:
    monkeypatch.setattr(issue_views, "issue_with_version", unreachable)

    response = quiet_client.get("/api/v1/issues/1/", headers={"Accept": "application/json"})

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    error = response.json()["error"]
    assert error["code"] == "unavailable" and error["fields"] == {}
    assert "10.9.8.7" not in error["message"]


def test_other_database_errors_stay_500s(quiet_client, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise ProgrammingError("column does not exist")

    monkeypatch.setattr(selectors, "archive_issue_get", broken)

    response = quiet_client.get("/ai-brief/20210219/")

    assert response.status_code == 500
    assert not response.has_header("Retry-After")
