"""Bad input of every kind gets a 4xx in the one error shape, never a 500."""

from __future__ import annotations

import pytest

from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("page_size=1000", "page_size must be between 1 and 100"),
        ("page_size=0", "page_size must be between 1 and 100"),
        ("page=-1", "page must be between 1"),
        ("page=abc", "page must be a whole number"),
    ],
)
def test_bad_pagination_is_a_400_with_the_reason(anon, query, reason):
    response = anon.get(f"/api/v1/issues/?{query}")

    assert response.status_code == 400
    assert reason in error_of(response)["message"]


def test_a_page_past_the_end_is_not_found(anon, make_issue):
    make_issue(published=True)

    assert anon.get("/api/v1/issues/?page=2").status_code == 404


def test_page_size_is_honoured_up_to_the_cap(editor_api, make_issue):
    for _ in range(3):
        make_issue(main=1, others=0)

    body = editor_api.get("/api/v1/issues/?page_size=2").json()

    assert (body["count"], len(body["results"])) == (3, 2)
    assert "page=2" in body["next"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/issues/abc/",
        "/api/v1/issues/-1/",
        "/api/v1/issues/0/",
        "/api/v1/issues/99999999999999999999999/",
        "/api/v1/articles/1.5/",
        "/api/v1/digests/ai-brief/issues/x/",
        "/api/v1/digests/ai-brief/issues/99999999999/",
    ],
)
def test_a_malformed_id_is_a_400_with_the_reason(anon, digest, path):
    response = anon.get(path)

    assert response.status_code == 400
    assert "must be a positive integer" in error_of(response)["message"]


def test_an_unknown_api_path_is_a_json_404(anon):
    response = anon.get("/api/v1/nothing-here/")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_malformed_json_is_a_parse_error(editor_api):
    response = editor_api.post("/api/v1/issues/", data="{not json", content_type="application/json")

    assert response.status_code == 400
    assert error_of(response)["code"] == "parse_error"


def test_a_json_list_where_an_object_belongs_is_invalid(editor_api):
    response = editor_api.post("/api/v1/issues/", [1, 2], format="json")

    assert response.status_code == 400
    assert error_of(response)["code"] == "invalid"


def test_an_unsupported_method_is_a_405_in_the_error_shape(anon, make_issue):
    issue = make_issue(published=True)

    response = anon.put(f"/api/v1/issues/{issue.pk}/", {}, format="json")

    assert response.status_code in (401, 405)
    error_of(response)


def test_null_characters_in_input_are_refused(contributor_api):
    response = contributor_api.post(
        "/api/v1/articles/", {"url": "https://example.com/\x00"}, format="json"
    )

    assert response.status_code == 400
    error_of(response)


def test_throttled_clients_get_a_429_with_retry_after(anon, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "2/min"},
    }

    codes = [anon.get("/api/v1/issues/").status_code for _ in range(3)]
    throttled = anon.get("/api/v1/issues/")

    assert codes == [200, 200, 429]
    assert error_of(throttled)["code"] == "throttled"
    assert int(throttled["Retry-After"]) > 0


def test_token_clients_have_their_own_throttle(contributor_api, anon, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1/min", "user": "3/min"},
    }

    assert anon.get("/api/v1/issues/").status_code == 200
    assert anon.get("/api/v1/issues/").status_code == 429
    assert [contributor_api.get("/api/v1/issues/").status_code for _ in range(4)] == [
        200,
        200,
        200,
        429,
    ]


@pytest.mark.parametrize(
    "query",
    [
        "published_before=1405-05-10T00:02:45-22:59",
        "published_after=0001-01-01T00:00:00-23:00",
        "published_after=9999-12-31T23:59:59-23:00",
        "created_after=not-a-date",
    ],
)
def test_odd_dates_in_filters_are_answered_never_a_500(contributor_api, query):
    response = contributor_api.get(f"/api/v1/articles/?{query}")

    assert response.status_code in (200, 400)
    if response.status_code == 400:
        error_of(response)


def test_a_path_with_a_newline_gets_the_json_404(anon):
    response = anon.get("/api/v1/digests/a%0Ab/issues/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert error_of(response)["code"] == "not_found"
