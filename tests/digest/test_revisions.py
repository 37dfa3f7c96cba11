"""Every saved change to an issue bumps its revision and records who, what and a snapshot."""

from __future__ import annotations

import pytest

from digest.models import Entry, Issue, IssueRevision
from digest.selectors import issue_revisions
from digest.services import (
    IssueError,
    StaleRevision,
    entries_reorder,
    entry_add,
    entry_move,
    entry_remove,
    entry_update,
    issue_create,
    issue_publish,
    issue_unpublish,
    issue_update,
)
from tests.factories import ArticleFactory, DigestFactory, EntryFactory, IssueFactory, editor

pytestmark = pytest.mark.django_db


def test_a_new_issue_starts_at_revision_one_with_its_snapshot() -> None:
    user = editor()
    issue = issue_create(digest=DigestFactory.create(), title="第一期", by=user)

    assert issue.revision == 1
    first = issue_revisions(issue=issue).get()
    assert (first.number, first.author, first.snapshot["title"]) == (1, user, "第一期")
    assert first.snapshot["entries"] == []


def test_each_write_bumps_the_revision_and_records_its_author_and_summary() -> None:
    user = editor()
    issue = IssueFactory.create()
    article = ArticleFactory.create(title="大模型周报")

    issue_update(issue=issue, data={"title": "新标题"}, by=user)
    entry, _ = entry_add(issue=issue, article=article, by=user)
    entry_update(entry=entry, data={"summary_override": "编辑的摘要"}, by=user)
    issue_publish(issue=issue, by=user)
    issue_unpublish(issue=issue, by=user)

    issue.refresh_from_db()
    assert issue.revision == 6
    revisions = list(issue_revisions(issue=issue))
    assert [r.number for r in revisions] == [6, 5, 4, 3, 2]
    assert all(r.author == user for r in revisions)
    assert "大模型周报" in revisions[3].summary
    assert revisions[2].snapshot["entries"][0]["summary_override"] == "编辑的摘要"
    assert revisions[1].snapshot["status"] == Issue.Status.PUBLISHED
    assert revisions[0].snapshot["status"] == Issue.Status.DRAFT


def test_a_write_that_changes_nothing_records_no_revision() -> None:
    issue = IssueFactory.create(title="同一个")
    entry = EntryFactory.create(issue=issue)

    issue_update(issue=issue, data={"title": "同一个"})
    entry_add(issue=issue, article=entry.article)
    entries_reorder(issue=issue, entry_ids=[entry.pk])

    assert Issue.objects.get(pk=issue.pk).revision == 1
    assert not IssueRevision.objects.filter(issue=issue).exists()


def test_a_stale_write_is_refused_with_the_current_revision_and_the_attempt() -> None:
    issue = IssueFactory.create()
    issue_update(issue=issue, data={"title": "甲的标题"}, expected_revision=1)
    stale = Issue.objects.get(pk=issue.pk)
    stale.revision = 1  # a second editor's form, opened before the first save

    with pytest.raises(StaleRevision) as refused:
        issue_update(issue=stale, data={"title": "乙的标题"}, expected_revision=1)

    assert refused.value.current == 2
    assert refused.value.attempted == {"title": "乙的标题"}
    assert Issue.objects.get(pk=issue.pk).title == "甲的标题"


@pytest.mark.parametrize("write", ["add", "reorder", "move", "update", "remove", "publish"])
def test_every_entry_and_status_write_checks_the_expected_revision(write: str) -> None:
    issue = IssueFactory.create()
    first = EntryFactory.create(issue=issue, position=1)
    second = EntryFactory.create(issue=issue, position=2)
    issue_update(issue=issue, data={"intro": "改过了"})
    calls = {
        "add": lambda: entry_add(issue=issue, article=ArticleFactory.create(), expected_revision=1),
        "reorder": lambda: entries_reorder(
            issue=issue, entry_ids=[second.pk, first.pk], expected_revision=1
        ),
        "move": lambda: entry_move(entry=first, section="others", expected_revision=1),
        "update": lambda: entry_update(
            entry=first, data={"title_override": "x"}, expected_revision=1
        ),
        "remove": lambda: entry_remove(entry=first, expected_revision=1),
        "publish": lambda: issue_publish(issue=issue, expected_revision=1),
    }

    with pytest.raises(StaleRevision):
        calls[write]()

    issue.refresh_from_db()
    assert issue.revision == 2 and issue.status == Issue.Status.DRAFT
    assert list(issue.entries.order_by("position").values_list("pk", "section")) == [
        (first.pk, "main"),
        (second.pk, "main"),
    ]


def test_the_current_revision_is_accepted_and_the_callers_copy_follows() -> None:
    issue = IssueFactory.create()
    issue_update(issue=issue, data={"title": "一"}, expected_revision=1)
    issue_update(issue=issue, data={"title": "二"}, expected_revision=issue.revision)

    assert issue.revision == 3
    assert Issue.objects.get(pk=issue.pk).title == "二"


def test_two_entries_cannot_share_a_position_in_a_section() -> None:
    issue = IssueFactory.create()
    EntryFactory.create(issue=issue, position=3)

    with pytest.raises(IssueError):
        entry_add(issue=issue, article=ArticleFactory.create(), position=3)
    entry_add(issue=issue, article=ArticleFactory.create(), position=3, section="others")

    assert Entry.objects.filter(issue=issue, position=3).count() == 2


def test_reordering_swaps_positions_without_colliding() -> None:
    issue = IssueFactory.create()
    entries = [EntryFactory.create(issue=issue, position=p) for p in (1, 2, 5)]
    order = [entries[2].pk, entries[0].pk, entries[1].pk]

    entries_reorder(issue=issue, entry_ids=order)

    assert list(issue.entries.order_by("position").values_list("pk", "position")) == [
        (order[0], 1),
        (order[1], 2),
        (order[2], 3),
    ]
