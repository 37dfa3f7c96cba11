"""An issue's revisions in the API: listed newest first, read as Markdown, restored."""

from __future__ import annotations

import pytest

from digest.models import Issue
from digest.services import entry_add, issue_create, issue_publish, issue_update
from tests.api.conftest import error_of
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(digest, editor_user) -> Issue:
    """Revision 1 created, 2 adds an article, 3 renames the issue."""
    issue = issue_create(digest=digest, title="初稿", by=editor_user)
    entry_add(issue=issue, article=ArticleFactory.create(title="第一篇"), by=editor_user)
    issue_update(issue=issue, data={"title": "定稿"})
    return issue


def url(issue: Issue, suffix: str = "") -> str:
    return f"/api/v1/issues/{issue.pk}/revisions/{suffix}"


def test_revisions_are_listed_newest_first_and_paginated(editor_api, draft, editor_user):
    response = editor_api.get(url(draft), {"page_size": 2})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3 and body["next"]
    first, second = body["results"]
    assert set(first) == {"number", "author", "created_at", "summary"}
    assert (first["number"], first["author"]) == (3, None)
    assert (second["number"], second["author"]) == (2, editor_user.username)
    assert "第一篇" in second["summary"]


def test_a_revision_reads_with_its_markdown(editor_api, draft):
    response = editor_api.get(url(draft, "1/"))
    later = editor_api.get(url(draft, "2/"))

    assert response.status_code == 200
    assert response.json()["number"] == 1
    assert "第一篇" not in response.json()["markdown"]
    assert "[第一篇]" in later.json()["markdown"]


def test_a_missing_revision_or_a_bad_number_is_answered_in_the_error_shape(editor_api, draft):
    missing = editor_api.get(url(draft, "9/"))
    bad = editor_api.get(url(draft, "x/"))

    assert (missing.status_code, error_of(missing)["code"]) == (404, "not_found")
    assert (bad.status_code, error_of(bad)["code"]) == (400, "invalid")


def test_revisions_are_for_those_who_may_read_drafts(anon, contributor_api, draft, digest):
    published = issue_create(digest=digest)
    entry_add(issue=published, article=ArticleFactory.create())
    issue_publish(issue=published)

    assert anon.get(url(draft)).status_code == 401
    assert anon.get(url(published, "1/")).status_code == 401
    assert contributor_api.get(url(draft)).status_code == 200
    assert contributor_api.post(url(draft, "1/restore/")).status_code == 403


def test_restoring_answers_the_issue_with_a_new_etag(editor_api, draft, editor_user):
    etag = editor_api.get(f"/api/v1/issues/{draft.pk}/")["ETag"]

    response = editor_api.post(url(draft, "1/restore/"), HTTP_IF_MATCH=etag)

    assert response.status_code == 200
    assert response.json()["title"] == "初稿"
    assert response.json()["entries"] == {"main": [], "others": []}
    assert response["ETag"] != etag
    assert response["ETag"] == editor_api.get(f"/api/v1/issues/{draft.pk}/")["ETag"]
    newest = editor_api.get(url(draft)).json()["results"][0]
    assert (newest["number"], newest["author"]) == (4, editor_user.username)
    assert "1" in newest["summary"]


def test_restoring_with_a_stale_etag_is_refused_and_changes_nothing(editor_api, draft):
    stale = editor_api.get(f"/api/v1/issues/{draft.pk}/")["ETag"]
    issue_update(issue=draft, data={"intro": "又改了"})

    response = editor_api.post(url(draft, "1/restore/"), HTTP_IF_MATCH=stale)

    assert response.status_code == 412
    assert error_of(response)["code"] == "precondition_failed"
    draft.refresh_from_db()
    assert (draft.title, draft.revision) == ("定稿", 4)


def test_restoring_a_published_issue_is_a_conflict(editor_api, draft):
    issue_publish(issue=draft)

    response = editor_api.post(url(draft, "1/restore/"))

    assert response.status_code == 409
    assert "unpublish" in error_of(response)["message"]
    assert Issue.objects.get(pk=draft.pk).entries.count() == 1


def test_a_revision_diff_marks_what_changed_since_the_one_before(editor_api, draft):
    response = editor_api.get(url(draft, "3/diff/"))

    assert response.status_code == 200
    body = response.json()
    assert (body["from"], body["to"]) == (2, 3)
    [changed] = [line for line in body["lines"] if line["kind"] != "same"]
    assert changed["kind"] == "changed"
    assert [s["text"] for s in changed["old"] if s["changed"]] == ["初"]
    assert [s["text"] for s in changed["new"] if s["changed"]] == ["定"]


def test_a_diff_against_a_chosen_revision(editor_api, draft):
    body = editor_api.get(url(draft, "3/diff/"), {"from": 1}).json()

    assert body["from"] == 1
    assert any(line["kind"] == "added" for line in body["lines"])
    assert editor_api.get(url(draft, "3/diff/"), {"from": 9}).status_code == 404
    assert editor_api.get(url(draft, "3/diff/"), {"from": "x"}).status_code == 400
