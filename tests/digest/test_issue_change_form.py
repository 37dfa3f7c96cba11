"""The classic issue form never loses an edit: a stale save is shown back, never written."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from digest.models import Issue
from digest.selectors import issue_revisions
from digest.services import entry_add, issue_create
from tests.digest.test_admin_workflow import change_form_data
from tests.factories import ArticleFactory, DigestFactory, IssueFactory, editor

pytestmark = pytest.mark.django_db


def logged_in(username: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(editor(username))
    return client


@pytest.fixture
def issue() -> Issue:
    """Revision 1 as created, revision 2 with its one entry."""
    issue = issue_create(digest=DigestFactory.create(), title="原标题", intro="原导读")
    entry_add(issue=issue, article=ArticleFactory.create())
    return issue


def url(issue: Issue) -> str:
    return reverse("admin:digest_issue_change", args=[issue.pk])


def entry_key(data: dict, field: str) -> str:
    return next(key for key in data if key.startswith("entries-0-")).rsplit("-", 1)[0] + f"-{field}"


def test_the_second_of_two_saves_is_refused_and_overwrites_nothing(issue) -> None:
    alice, bob = logged_in("alice"), logged_in("bob")
    alice_data = change_form_data(alice.get(url(issue)))
    bob_data = change_form_data(bob.get(url(issue)))
    alice_data["title"] = "甲的标题"
    bob_data["title"] = "乙的标题"

    assert alice.post(url(issue), alice_data).status_code == 302
    refused = bob.post(url(issue), bob_data)

    assert refused.status_code == 200
    page = refused.content.decode()
    assert "Someone saved this issue while you were editing it" in page
    assert 'class="revision-saved">甲的标题<' in page
    assert 'class="revision-attempted">乙的标题<' in page
    saved = Issue.objects.get(pk=issue.pk)
    assert (saved.title, saved.revision) == ("甲的标题", 3)
    assert issue_revisions(issue=issue)[0].author.username == "alice"
    assert issue_revisions(issue=issue).count() == 3


def test_reapplying_writes_only_the_second_editors_own_changes(issue) -> None:
    alice, bob = logged_in("alice"), logged_in("bob")
    alice_data = change_form_data(alice.get(url(issue)))
    bob_data = change_form_data(bob.get(url(issue)))
    alice_data["intro"] = "甲改的导读"
    alice_data[entry_key(alice_data, "title_override")] = "甲改的条目标题"
    alice.post(url(issue), alice_data)
    bob_data["title"] = "乙的标题"
    refused = bob.post(url(issue), bob_data)
    shown = change_form_data(refused)
    assert shown["intro"] == "甲改的导读"  # the form now shows what is saved, plus bob's change
    assert shown["title"] == "乙的标题"

    plain_save = bob.post(url(issue), shown)
    assert plain_save.status_code == 200  # saving again without re-applying is still refused
    current = Issue.objects.get(pk=issue.pk).revision
    reapplied = bob.post(url(issue), {**shown, "_reapply_onto": current})

    assert reapplied.status_code == 302
    saved = Issue.objects.get(pk=issue.pk)
    assert (saved.title, saved.intro) == ("乙的标题", "甲改的导读")
    assert saved.entries.get().title_override == "甲改的条目标题"
    assert issue_revisions(issue=issue)[0].author.username == "bob"


def test_a_stale_entry_edit_is_refused_too(issue) -> None:
    alice, bob = logged_in("alice"), logged_in("bob")
    alice_data = change_form_data(alice.get(url(issue)))
    bob_data = change_form_data(bob.get(url(issue)))
    alice_data["title"] = "甲的标题"
    alice.post(url(issue), alice_data)
    bob_data[entry_key(bob_data, "title_override")] = "乙的条目标题"

    refused = bob.post(url(issue), bob_data)

    assert refused.status_code == 200
    assert Issue.objects.get(pk=issue.pk).entries.get().title_override == ""


def test_each_save_in_the_form_is_a_revision_with_its_author(issue) -> None:
    alice = logged_in("alice")
    data = change_form_data(alice.get(url(issue)))
    data["title"] = "新标题"
    data[entry_key(data, "summary_override")] = "编辑写的摘要"

    alice.post(url(issue), data)

    revisions = list(issue_revisions(issue=issue))
    assert [r.number for r in revisions[:2]] == [4, 3]
    assert {r.author.username for r in revisions[:2]} == {"alice"}
    assert revisions[0].snapshot["entries"][0]["summary_override"] == "编辑写的摘要"


def test_publish_now_saves_the_typed_title_then_publishes(issue) -> None:
    alice = logged_in("alice")
    data = change_form_data(alice.get(url(issue)))
    data["title"] = "发布前改的标题"

    response = alice.post(url(issue), {**data, "_publish": "1"}, follow=True)

    saved = Issue.objects.get(pk=issue.pk)
    assert (saved.title, saved.status) == ("发布前改的标题", Issue.Status.PUBLISHED)
    assert response.redirect_chain[-1][0] == url(issue)
    assert [r.summary for r in issue_revisions(issue=issue)][:2] == ["Published", "Changed title"]


def test_publish_now_on_an_empty_issue_keeps_the_typed_title(issue) -> None:
    empty = IssueFactory.create()
    alice = logged_in("alice")
    data = change_form_data(alice.get(url(empty)))
    data["title"] = "还没有条目"

    response = alice.post(url(empty), {**data, "_publish": "1"}, follow=True)

    saved = Issue.objects.get(pk=empty.pk)
    assert (saved.title, saved.status) == ("还没有条目", Issue.Status.DRAFT)
    assert "at least one entry" in response.content.decode()


def test_publish_now_from_a_stale_form_publishes_nothing(issue) -> None:
    alice, bob = logged_in("alice"), logged_in("bob")
    bob_data = change_form_data(bob.get(url(issue)))
    alice_data = change_form_data(alice.get(url(issue)))
    alice_data["title"] = "甲的标题"
    alice.post(url(issue), alice_data)

    refused = bob.post(url(issue), {**bob_data, "_publish": "1"})

    assert refused.status_code == 200
    assert Issue.objects.get(pk=issue.pk).status == Issue.Status.DRAFT


def test_adding_an_issue_with_entries_records_its_revisions() -> None:
    digest = DigestFactory.create()
    article = ArticleFactory.create(title="第一篇")
    alice = logged_in("alice")
    data = change_form_data(alice.get(reverse("admin:digest_issue_add")))
    data.update(
        {
            "digest": digest.pk,
            "number": 7,
            "title": "新的一期",
            "entries-TOTAL_FORMS": 1,
            "entries-0-article": article.pk,
            "entries-0-section": "main",
            "entries-0-title_override": "改过的标题",
        }
    )

    response = alice.post(reverse("admin:digest_issue_add"), data)

    assert response.status_code == 302
    issue = Issue.objects.get(digest=digest, number=7)
    assert issue.entries.get().title_override == "改过的标题"
    revisions = list(issue_revisions(issue=issue))
    assert [r.number for r in revisions] == [3, 2, 1]
    assert revisions[-1].author.username == "alice"
    assert revisions[0].snapshot["entries"][0]["title_override"] == "改过的标题"


def test_a_number_another_issue_has_is_refused_in_the_form(issue) -> None:
    IssueFactory.create(digest=issue.digest, number=issue.number + 1)
    alice = logged_in("alice")
    data = {**change_form_data(alice.get(url(issue))), "number": issue.number + 1}

    response = alice.post(url(issue), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["number"]
    assert Issue.objects.get(pk=issue.pk).revision == 2


def test_an_entry_image_uploaded_in_the_form_is_saved_through_the_services(issue) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.digest.test_admin_workflow import jpeg_with_gps

    alice = logged_in("alice")
    data = change_form_data(alice.get(url(issue)))
    data[entry_key(data, "image_override")] = SimpleUploadedFile(
        "lead.jpg", jpeg_with_gps(), "image/jpeg"
    )

    response = alice.post(url(issue), data)

    assert response.status_code == 302
    entry = Issue.objects.get(pk=issue.pk).entries.get()
    name = entry.image_override.name or ""
    assert name.startswith("entries/")
    assert entry.image_override.storage.exists(name)
    assert issue_revisions(issue=issue)[0].snapshot["entries"][0]["image_override"]
