from __future__ import annotations

import pytest

from digest.models import Issue
from tests.api.conftest import error_of

pytestmark = pytest.mark.django_db


def test_editors_create_a_draft_with_the_digests_next_number(editor_api, make_issue):
    make_issue(number=41)

    response = editor_api.post("/api/v1/issues/", {"digest": "ai-brief"}, format="json")

    assert response.status_code == 201
    body = response.json()
    assert (body["number"], body["status"]) == (42, "draft")
    assert body["entries"] == {"main": [], "others": []}
    assert Issue.objects.get(pk=body["id"]).intro  # the digest's intro template


def test_a_taken_issue_number_is_a_conflict(editor_api, make_issue):
    make_issue(number=5)

    response = editor_api.post(
        "/api/v1/issues/", {"digest": "ai-brief", "number": 5}, format="json"
    )

    assert response.status_code == 409
    assert "already has an issue number 5" in error_of(response)["message"]


def test_an_unknown_digest_is_not_found(editor_api, digest):
    response = editor_api.post("/api/v1/issues/", {"digest": "nope"}, format="json")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_editors_update_an_issue(editor_api, make_issue):
    issue = make_issue()

    response = editor_api.patch(
        f"/api/v1/issues/{issue.pk}/",
        {"title": "新年特刊", "intro": "本期 {count} 条", "stats_override": "很短"},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["title"], body["intro"], body["intro_source"]) == (
        "新年特刊",
        "本期 2 条",
        "本期 {count} 条",
    )


def test_renumbering_onto_a_taken_number_is_a_conflict(editor_api, make_issue):
    make_issue(number=1)
    second = make_issue(number=2)

    response = editor_api.patch(f"/api/v1/issues/{second.pk}/", {"number": 1}, format="json")

    assert response.status_code == 409


def test_publishing_an_empty_issue_is_refused_with_the_reason(editor_api, make_issue):
    empty = make_issue(main=0, others=0)

    response = editor_api.post(f"/api/v1/issues/{empty.pk}/publish/", {}, format="json")

    assert response.status_code == 409
    assert "at least one entry" in error_of(response)["message"]


def test_publishing_at_a_future_time_schedules_the_issue(editor_api, make_issue):
    issue = make_issue()

    response = editor_api.post(
        f"/api/v1/issues/{issue.pk}/publish/", {"at": "2999-01-01T08:00:00+08:00"}, format="json"
    )

    assert response.json()["status"] == "scheduled"
    assert response.json()["is_published"] is False


def test_unpublishing_hides_the_issue_from_anonymous_clients_again(editor_api, anon, make_issue):
    issue = make_issue(published=True)
    assert anon.get(f"/api/v1/issues/{issue.pk}/").status_code == 200

    response = editor_api.post(f"/api/v1/issues/{issue.pk}/unpublish/")

    assert response.json()["status"] == "draft"
    assert anon.get(f"/api/v1/issues/{issue.pk}/").status_code == 404
