"""Assembling and publishing issues. Admin, API and commands all call these."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from articles.models import Article
from digest.models import Digest, Entry, Issue
from digest.signals import issue_published, issue_unpublished, issue_updated


class IssueError(Exception):
    """An issue operation that cannot be done, with a message for the editor."""


def next_issue_number(*, digest: Digest, issue_date: dt.date) -> int:
    """The number a new issue gets: the first free date from `issue_date` on, or max + 1.

    A date-numbered digest never suggests a taken number nor a suffixed one (2026120102
    reads as a date no one meant): when the day already has an issue, the next free day
    is taken, as a weekly's editor preparing the next issue expects.
    """
    if digest.numbering == Digest.Numbering.DATE:
        taken = set(
            Issue.objects.filter(
                digest=digest, number__gte=int(issue_date.strftime("%Y%m%d"))
            ).values_list("number", flat=True)
        )
        day = issue_date
        while int(day.strftime("%Y%m%d")) in taken:
            day += dt.timedelta(days=1)
        return int(day.strftime("%Y%m%d"))
    last = Issue.objects.filter(digest=digest).aggregate(m=Max("number"))["m"] or 0
    return last + 1


def issue_create(
    *,
    digest: Digest,
    number: int | None = None,
    issue_date: dt.date | None = None,
    title: str = "",
    intro: str | None = None,
    by=None,
) -> Issue:
    """A new draft issue; the number comes from the digest's scheme unless given."""
    issue_date = issue_date or timezone.localdate()
    with transaction.atomic():
        # Lock the digest so two editors creating issues at once get distinct numbers.
        Digest.objects.select_for_update().filter(pk=digest.pk).first()
        if number is None:
            number = next_issue_number(digest=digest, issue_date=issue_date)
            if digest.numbering == Digest.Numbering.DATE:
                # The next free day is the issue's date as well as its number.
                issue_date = dt.datetime.strptime(str(number), "%Y%m%d").date()
        elif Issue.objects.filter(digest=digest, number=number).exists():
            raise IssueError(f"{digest.name} already has an issue number {number}")
        try:
            with transaction.atomic():
                return Issue.objects.create(
                    digest=digest,
                    number=number,
                    issue_date=issue_date,
                    title=title,
                    intro=digest.intro_template if intro is None else intro,
                    created_by=by if getattr(by, "is_authenticated", False) else None,
                )
        except IntegrityError:
            raise IssueError(f"{digest.name} already has an issue number {number}") from None


ISSUE_EDITABLE_FIELDS = ("number", "title", "issue_date", "intro", "stats_override")


def issue_update(*, issue: Issue, data: dict) -> Issue:
    """Change an issue's own fields; a published issue announces the change after commit."""
    changed = [name for name in ISSUE_EDITABLE_FIELDS if name in data]
    number = data.get("number")
    if (
        number is not None
        and Issue.objects.filter(digest=issue.digest, number=number).exclude(pk=issue.pk).exists()
    ):
        raise IssueError(f"{issue.digest.name} already has an issue number {number}")
    for name in changed:
        setattr(issue, name, data[name])
    issue.updated_at = timezone.now()
    try:
        with transaction.atomic():
            issue.save(update_fields=[*changed, "updated_at"])
    except IntegrityError:
        raise IssueError(f"{issue.digest.name} already has an issue number {number}") from None
    if issue.is_published():
        transaction.on_commit(lambda: issue_updated.send(sender=Issue, issue=issue))
    return issue


def entry_add(
    *,
    issue: Issue,
    article: Article,
    section: str = Entry.Section.MAIN,
    position: int | None = None,
) -> tuple[Entry, bool]:
    """Put an article in an issue (at the end of its section unless placed); no duplicates."""
    if section not in Entry.Section.values:
        raise IssueError(f"unknown section {section!r}; use one of {', '.join(Entry.Section)}")
    with transaction.atomic():
        existing = Entry.objects.filter(issue=issue, article=article).first()
        if existing:
            return existing, False
        if position is None:
            position = (issue.entries.aggregate(m=Max("position"))["m"] or 0) + 1
        entry = Entry.objects.create(
            issue=issue, article=article, section=section, position=position
        )
    _touched(issue)
    return entry, True


def entries_reorder(*, issue: Issue, entry_ids: list[int]) -> None:
    """Set the order of an issue's entries; every entry must be listed exactly once."""
    current = set(issue.entries.values_list("id", flat=True))
    if len(entry_ids) != len(set(entry_ids)):
        raise IssueError("an entry is listed more than once")
    if set(entry_ids) != current:
        raise IssueError("the new order must list every entry of the issue exactly once")
    with transaction.atomic():
        for position, entry_id in enumerate(entry_ids, start=1):
            Entry.objects.filter(pk=entry_id, issue=issue).update(position=position)
    _touched(issue)


def entry_move(*, entry: Entry, section: str, position: int | None = None) -> Entry:
    if section not in Entry.Section.values:
        raise IssueError(f"unknown section {section!r}; use one of {', '.join(Entry.Section)}")
    entry.section = section
    if position is not None:
        entry.position = position
    entry.save(update_fields=["section", "position"])
    _touched(entry.issue)
    return entry


def entry_update(*, entry: Entry, data: dict) -> Entry:
    for name, value in data.items():
        setattr(entry, name, value)
    entry.save()
    _touched(entry.issue)
    return entry


def entry_remove(*, entry: Entry) -> None:
    """Take an entry out of a draft; a published issue never loses an entry."""
    if entry.issue.is_published():
        raise IssueError("a published issue keeps its entries: unpublish it first")
    issue = entry.issue
    entry.delete()
    _touched(issue)


def issue_publish(*, issue: Issue, at: dt.datetime | None = None, by=None) -> Issue:
    """Publish now, or schedule for `at`; one transaction, announced after commit."""
    with transaction.atomic():
        locked = Issue.objects.select_for_update().get(pk=issue.pk)
        if not locked.entries.exists():
            raise IssueError("an issue needs at least one entry before it is published")
        now = timezone.now()
        if locked.status == Issue.Status.PUBLISHED and at is None:
            return locked  # already published: nothing changes, nothing is announced again
        if at is not None and at > now:
            locked.status = Issue.Status.SCHEDULED
            locked.published_at = at
        else:
            locked.status = Issue.Status.PUBLISHED
            locked.published_at = locked.published_at or now
        locked.save(update_fields=["status", "published_at", "updated_at"])
        if locked.status == Issue.Status.PUBLISHED:
            transaction.on_commit(lambda: issue_published.send(sender=Issue, issue=locked))
    issue.status, issue.published_at = locked.status, locked.published_at
    return locked


def issue_unpublish(*, issue: Issue, by=None) -> Issue:
    with transaction.atomic():
        locked = Issue.objects.select_for_update().get(pk=issue.pk)
        locked.status = Issue.Status.DRAFT
        locked.save(update_fields=["status", "updated_at"])
        transaction.on_commit(lambda: issue_unpublished.send(sender=Issue, issue=locked))
    issue.status = locked.status
    return locked


def issues_publish_due() -> int:
    """Flip scheduled issues whose time has come to published (run periodically)."""
    count = 0
    for issue in Issue.objects.filter(
        status=Issue.Status.SCHEDULED, published_at__lte=timezone.now()
    ):
        issue_publish(issue=issue)
        count += 1
    return count


def _touched(issue: Issue) -> None:
    """Mark the issue changed; saving (not a bulk update) tells every cache through signals."""
    issue.save(update_fields=["updated_at"])
    if issue.is_published():
        transaction.on_commit(lambda: issue_updated.send(sender=Issue, issue=issue))


def entries_move_article(*, keep: Article, duplicate: Article) -> None:
    """Point the duplicate's entries at the kept article; an issue listing both keeps one."""
    for entry in Entry.objects.filter(article=duplicate).select_related("issue"):
        if Entry.objects.filter(issue_id=entry.issue_id, article=keep).exists():
            entry.delete()
        else:
            entry.article = keep
            entry.save(update_fields=["article"])
        _touched(entry.issue)
