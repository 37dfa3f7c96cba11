import datetime as dt
import threading

import pytest
from django.db import connection
from django.db.models import ProtectedError
from django.utils import timezone

from digest.models import Digest, Entry, Issue
from digest.services import (
    IssueError,
    entries_reorder,
    entry_add,
    entry_move,
    entry_remove,
    issue_create,
    issue_publish,
    issue_unpublish,
    issues_publish_due,
    next_issue_number,
)
from digest.signals import issue_published
from tests.factories import ArticleFactory, DigestFactory, EntryFactory, IssueFactory

pytestmark = pytest.mark.django_db


def test_date_numbered_digest_numbers_issues_by_date() -> None:
    digest = DigestFactory.create()
    issue = issue_create(digest=digest, issue_date=dt.date(2021, 2, 19))
    second = issue_create(digest=digest, issue_date=dt.date(2021, 2, 19))
    assert issue.number == 20210219
    assert (second.number, second.issue_date) == (20210220, dt.date(2021, 2, 20))
    assert issue.intro == digest.intro_template
    assert issue.status == Issue.Status.DRAFT


def test_date_numbered_digest_skips_every_taken_day() -> None:
    digest = DigestFactory.create()
    for number in (20261201, 20261202, 20261204):
        IssueFactory.create(digest=digest, number=number)
    assert next_issue_number(digest=digest, issue_date=dt.date(2026, 12, 1)) == 20261203
    assert next_issue_number(digest=digest, issue_date=dt.date(2026, 11, 30)) == 20261130


def test_sequential_digest_counts_up() -> None:
    digest = Digest.objects.create(name="Weekly", slug="weekly", numbering="sequential")
    assert [issue_create(digest=digest).number for _ in range(3)] == [1, 2, 3]


def test_taken_number_is_refused_clearly() -> None:
    issue = IssueFactory.create(number=7)
    with pytest.raises(IssueError, match="already has an issue number 7"):
        issue_create(digest=issue.digest, number=7)


def test_entries_are_appended_in_order_without_duplicates() -> None:
    issue = IssueFactory.create()
    a, b = ArticleFactory.create(), ArticleFactory.create()
    first, _ = entry_add(issue=issue, article=a)
    second, _ = entry_add(issue=issue, article=b, section="others")
    again, created = entry_add(issue=issue, article=a)
    assert not created and again == first
    assert second.position > first.position
    assert second.section == Entry.Section.OTHERS


def test_unknown_section_is_refused() -> None:
    with pytest.raises(IssueError, match="unknown section"):
        entry_add(issue=IssueFactory.create(), article=ArticleFactory.create(), section="sidebar")


def test_reorder_needs_every_entry_once() -> None:
    issue = IssueFactory.create()
    entries = [EntryFactory.create(issue=issue) for _ in range(3)]
    ids = [e.pk for e in reversed(entries)]
    entries_reorder(issue=issue, entry_ids=ids)
    assert list(issue.entries.values_list("pk", flat=True)) == ids
    with pytest.raises(IssueError):
        entries_reorder(issue=issue, entry_ids=ids[:2])
    with pytest.raises(IssueError):
        entries_reorder(issue=issue, entry_ids=[ids[0], ids[0], ids[1]])


def test_moving_between_sections() -> None:
    entry = EntryFactory.create()
    entry_move(entry=entry, section="others")
    entry.refresh_from_db()
    assert entry.section == "others"


def test_publishing_needs_entries_and_announces_after_commit(django_capture_on_commit_callbacks):
    issue = IssueFactory.create()
    with pytest.raises(IssueError, match="at least one entry"):
        issue_publish(issue=issue)
    EntryFactory.create(issue=issue)
    received = []
    issue_published.connect(lambda sender, issue, **kw: received.append(issue.pk), weak=False)
    with django_capture_on_commit_callbacks(execute=True):
        issue_publish(issue=issue)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.PUBLISHED and issue.published_at
    assert received == [issue.pk]


def test_scheduled_issue_becomes_visible_when_due() -> None:
    issue = EntryFactory.create().issue
    soon = timezone.now() + dt.timedelta(hours=1)
    issue_publish(issue=issue, at=soon)
    assert issue.status == Issue.Status.SCHEDULED
    assert not Issue.objects.published().filter(pk=issue.pk).exists()
    Issue.objects.filter(pk=issue.pk).update(published_at=timezone.now() - dt.timedelta(seconds=1))
    assert Issue.objects.published().filter(pk=issue.pk).exists()
    assert issues_publish_due() == 1
    issue.refresh_from_db()
    assert issue.status == Issue.Status.PUBLISHED


def test_published_issue_never_loses_an_entry() -> None:
    entry = EntryFactory.create()
    issue_publish(issue=entry.issue)
    with pytest.raises(IssueError, match="unpublish it first"):
        entry_remove(entry=entry)
    issue_unpublish(issue=entry.issue)
    entry.refresh_from_db()
    entry_remove(entry=entry)
    assert not Entry.objects.exists()


def test_article_in_an_issue_cannot_be_deleted() -> None:
    entry = EntryFactory.create()
    with pytest.raises(ProtectedError):
        entry.article.delete()


def test_entry_overrides_leave_the_article_alone() -> None:
    entry = EntryFactory.create(title_override="给读者的标题", summary_override="编辑的摘要")
    assert entry.title == "给读者的标题"
    assert entry.summary == "编辑的摘要"
    assert entry.article.title != entry.title


@pytest.mark.django_db(transaction=True)
def test_concurrent_issue_creation_never_shares_a_number() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs a database with concurrent writers (PostgreSQL)")
    digest = Digest.objects.create(name="Seq", slug="seq", numbering="sequential")
    barrier = threading.Barrier(5)
    numbers, errors = [], []

    def create() -> None:
        try:
            barrier.wait()
            numbers.append(issue_create(digest=digest).number)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(numbers) == [1, 2, 3, 4, 5]


def test_publishing_twice_announces_once(django_capture_on_commit_callbacks) -> None:
    issue = EntryFactory.create().issue
    received = []

    def listener(sender, issue, **kwargs):
        received.append(issue.pk)

    issue_published.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            issue_publish(issue=issue)
            issue_publish(issue=issue)
    finally:
        issue_published.disconnect(listener)
    assert received == [issue.pk]
