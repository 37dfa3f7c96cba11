"""Writes to an issue and its entries honour If-Match with the ETag of the issue's GET."""

from __future__ import annotations

import pytest

from digest.models import Entry, IssueRevision
from tests.api.conftest import error_of
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(make_issue):
    return make_issue(number=7, main=0, others=0)


def etag_of(client, issue) -> str:
    response = client.get(f"/api/v1/issues/{issue.pk}/")
    assert response.status_code == 200
    return response["ETag"]


def test_a_patch_with_the_fresh_etag_is_saved_and_changes_the_etag(editor_api, draft):
    etag = etag_of(editor_api, draft)

    response = editor_api.patch(
        f"/api/v1/issues/{draft.pk}/", {"title": "新标题"}, format="json", HTTP_IF_MATCH=etag
    )

    assert response.status_code == 200
    assert response.json()["title"] == "新标题"
    assert response["ETag"] != etag
    assert etag_of(editor_api, draft) == response["ETag"]


def test_a_patch_with_a_stale_etag_is_refused_and_changes_nothing(editor_api, draft):
    stale = etag_of(editor_api, draft)
    editor_api.patch(f"/api/v1/issues/{draft.pk}/", {"title": "first"}, format="json")

    response = editor_api.patch(
        f"/api/v1/issues/{draft.pk}/", {"title": "second"}, format="json", HTTP_IF_MATCH=stale
    )

    assert response.status_code == 412
    assert error_of(response)["code"] == "precondition_failed"
    draft.refresh_from_db()
    assert draft.title == "first"


def test_if_match_is_optional_and_a_star_matches_any_version(editor_api, draft):
    plain = editor_api.patch(f"/api/v1/issues/{draft.pk}/", {"title": "a"}, format="json")
    star = editor_api.patch(
        f"/api/v1/issues/{draft.pk}/", {"title": "b"}, format="json", HTTP_IF_MATCH="*"
    )

    assert (plain.status_code, star.status_code) == (200, 200)


def test_entry_writes_check_the_issues_etag(editor_api, draft):
    # Articles first: a new publication changes what the issue shows, and so its ETag.
    first, second = ArticleFactory.create(), ArticleFactory.create()
    stale = etag_of(editor_api, draft)
    added = editor_api.post(
        f"/api/v1/issues/{draft.pk}/entries/",
        {"article": first.pk, "section": "main"},
        format="json",
        HTTP_IF_MATCH=stale,
    )
    assert added.status_code == 201

    late = editor_api.post(
        f"/api/v1/issues/{draft.pk}/entries/",
        {"article": second.pk, "section": "main"},
        format="json",
        HTTP_IF_MATCH=stale,
    )
    assert late.status_code == 412
    assert list(Entry.objects.filter(issue=draft).values_list("article", flat=True)) == [first.pk]

    entry_id = added.json()["id"]
    fresh = etag_of(editor_api, draft)
    refused = editor_api.patch(
        f"/api/v1/issues/{draft.pk}/entries/{entry_id}/",
        {"title_override": "x"},
        format="json",
        HTTP_IF_MATCH=stale,
    )
    saved = editor_api.patch(
        f"/api/v1/issues/{draft.pk}/entries/{entry_id}/",
        {"title_override": "y"},
        format="json",
        HTTP_IF_MATCH=fresh,
    )
    assert (refused.status_code, saved.status_code) == (412, 200)


def test_api_writes_record_who_made_them(editor_api, editor_user, draft):
    editor_api.patch(f"/api/v1/issues/{draft.pk}/", {"title": "by the editor"}, format="json")

    latest = IssueRevision.objects.filter(issue=draft).order_by("-number").first()
    assert latest is not None and latest.author == editor_user
