"""Assembling and publishing issues. Admin, API and commands all call these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from articles.models import Article
from digest.models import Digest, Entry, Issue, IssueRevision
from digest.signals import issue_published, issue_unpublished, issue_updated

Editor = AbstractBaseUser | AnonymousUser | None


class IssueError(Exception):
    """An issue operation that cannot be done, with a message for the editor."""


class StaleRevision(Exception):
    """The change was based on an older revision of the issue than the one now saved."""

    def __init__(self, *, current: int, attempted: dict[str, Any]) -> None:
        super().__init__(
            _("The issue has changed since you opened it (now revision %(current)s).")
            % {"current": current}
        )
        self.current = current
        self.attempted = attempted


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
    by: Editor = None,
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
                issue = Issue.objects.create(
                    digest=digest,
                    number=number,
                    issue_date=issue_date,
                    title=title,
                    intro=digest.intro_template if intro is None else intro,
                    created_by=_author(by),
                )
        except IntegrityError:
            raise IssueError(f"{digest.name} already has an issue number {number}") from None
        revision_record_first(issue=issue, by=by)
        return issue


# --- revisions ------------------------------------------------------------------------
# Every write below locks the issue row, checks the revision the change was based on (when
# the caller says which), does its work, then bumps the revision and records a snapshot.
# The lock also serialises entry adds and reorders, so positions never collide.


def _author(by: Editor) -> Any:
    return by if by is not None and by.is_authenticated else None


def issue_snapshot(issue: Issue) -> dict[str, Any]:
    """Enough of the issue to show and restore it: its fields and its entries in order."""
    entries = issue.entries.order_by("position", "id").values(
        "article_id",
        "section",
        "position",
        "title_override",
        "summary_override",
        "image_override",
    )
    return {
        "number": issue.number,
        "title": issue.title,
        "issue_date": issue.issue_date.isoformat(),
        "intro": issue.intro,
        "stats_override": issue.stats_override,
        "status": issue.status,
        "published_at": issue.published_at.isoformat() if issue.published_at else None,
        "entries": [
            {
                "article": entry["article_id"],
                "section": entry["section"],
                "position": entry["position"],
                "title_override": entry["title_override"],
                "summary_override": entry["summary_override"],
                "image_override": entry["image_override"] or "",
            }
            for entry in entries
        ],
    }


def revision_record_first(*, issue: Issue, by: Editor = None) -> IssueRevision:
    """Record an issue's first revision, as it was created."""
    return IssueRevision.objects.create(
        issue=issue,
        number=issue.revision,
        author=_author(by),
        summary=_("Created the issue"),
        snapshot=issue_snapshot(issue),
    )


@contextmanager
def revising(
    issue: Issue, *, by: Editor, expected_revision: int | None, attempted: dict[str, Any]
) -> Iterator[_Change]:
    """Lock the issue, refuse a stale change, and record a revision if the body changed it."""
    with transaction.atomic():
        locked = Issue.objects.select_for_update().select_related("digest").get(pk=issue.pk)
        if expected_revision is not None and expected_revision != locked.revision:
            raise StaleRevision(current=locked.revision, attempted=attempted)
        change = _Change(locked)
        yield change
        if change.summary:
            locked.revision += 1
            locked.updated_at = timezone.now()
            locked.save(update_fields=["revision", "updated_at"])
            IssueRevision.objects.create(
                issue=locked,
                number=locked.revision,
                author=_author(by),
                summary=change.summary[:300],
                snapshot=issue_snapshot(locked),
            )
            if locked.is_published() and not change.announced:
                transaction.on_commit(lambda: issue_updated.send(sender=Issue, issue=locked))
    # The caller's copy follows the saved row, so a second write can pass its revision on.
    for name in ("revision", "updated_at", *change.fields):
        setattr(issue, name, getattr(locked, name))


class _Change:
    """What a write did to the locked issue: the revision summary, fields it set."""

    def __init__(self, issue: Issue) -> None:
        self.issue = issue
        self.summary = ""
        self.fields: list[str] = []
        self.announced = False


def _entry_name(entry: Entry) -> str:
    return entry.title[:80]


def _field_names(names: list[str]) -> str:
    fields = {field.name: field for field in Issue._meta.fields}
    return ", ".join(str(fields[name].verbose_name) for name in names)


ISSUE_EDITABLE_FIELDS = ("number", "title", "issue_date", "intro", "stats_override")


def issue_update(
    *, issue: Issue, data: dict, by: Editor = None, expected_revision: int | None = None
) -> Issue:
    """Change an issue's own fields; a published issue announces the change after commit."""
    changed = [name for name in ISSUE_EDITABLE_FIELDS if name in data]
    number = data.get("number")
    if (
        number is not None
        and Issue.objects.filter(digest=issue.digest, number=number).exclude(pk=issue.pk).exists()
    ):
        raise IssueError(f"{issue.digest.name} already has an issue number {number}")
    attempted = {name: data[name] for name in changed}
    try:
        with revising(
            issue, by=by, expected_revision=expected_revision, attempted=attempted
        ) as change:
            locked = change.issue
            really = [name for name in changed if getattr(locked, name) != data[name]]
            for name in really:
                setattr(locked, name, data[name])
            if really:
                with transaction.atomic():
                    locked.save(update_fields=really)
                change.fields = really
                change.summary = _("Changed %(fields)s") % {"fields": _field_names(really)}
    except IntegrityError:
        raise IssueError(f"{issue.digest.name} already has an issue number {number}") from None
    return issue


def entry_add(
    *,
    issue: Issue,
    article: Article,
    section: str = Entry.Section.MAIN,
    position: int | None = None,
    by: Editor = None,
    expected_revision: int | None = None,
) -> tuple[Entry, bool]:
    """Put an article in an issue (at the end of its section unless placed); no duplicates."""
    if section not in Entry.Section.values:
        raise IssueError(f"unknown section {section!r}; use one of {', '.join(Entry.Section)}")
    attempted = {"add": article.pk, "section": section, "position": position}
    with revising(issue, by=by, expected_revision=expected_revision, attempted=attempted) as c:
        existing = Entry.objects.filter(issue=issue, article=article).first()
        if existing:
            return existing, False
        if position is None:
            # Positions are unique across the issue, so moving between sections never collides.
            last = Entry.objects.filter(issue=issue).aggregate(m=Max("position"))["m"]
            position = (last or 0) + 1
        try:
            with transaction.atomic():
                entry = Entry.objects.create(
                    issue=c.issue, article=article, section=section, position=position
                )
        except IntegrityError:
            raise IssueError(f"position {position} is taken in this section") from None
        c.summary = _("Added “%(title)s”") % {"title": _entry_name(entry)}
    return entry, True


def entries_reorder(
    *,
    issue: Issue,
    entry_ids: list[int],
    by: Editor = None,
    expected_revision: int | None = None,
) -> None:
    """Set the order of an issue's entries; every entry must be listed exactly once."""
    if len(entry_ids) != len(set(entry_ids)):
        raise IssueError("an entry is listed more than once")
    attempted = {"order": list(entry_ids)}
    with revising(issue, by=by, expected_revision=expected_revision, attempted=attempted) as c:
        old = dict(Entry.objects.filter(issue=issue).values_list("id", "position"))
        if set(entry_ids) != set(old):
            raise IssueError("the new order must list every entry of the issue exactly once")
        if [old[pk] for pk in entry_ids] == sorted(old.values()):
            return
        _renumber(issue, entry_ids, old)
        c.summary = _("Reordered the entries")


def _renumber(issue: Issue, entry_ids: list[int], old: dict[int, int]) -> None:
    """Give the entries positions 1..n in this order without two ever sharing one.

    Positions are unique per section and checked row by row, so a swap cannot be written
    directly: each entry first goes to a free position above n, then to its own.
    """
    count = len(entry_ids)
    taken = set(old.values())
    parking = [p for p in range(count + 1, 3 * count + 2) if p not in taken][:count]
    # Two statements whatever the length: every row is parked, then every row is placed.
    # Within each, no two rows ever want the same position.
    parked = [
        Entry(pk=pk, issue=issue, position=spot)
        for pk, spot in zip(entry_ids, parking, strict=True)
    ]
    Entry.objects.bulk_update(parked, ["position"])
    placed = [Entry(pk=pk, issue=issue, position=n) for n, pk in enumerate(entry_ids, start=1)]
    Entry.objects.bulk_update(placed, ["position"])


def entry_move(
    *,
    entry: Entry,
    section: str,
    position: int | None = None,
    by: Editor = None,
    expected_revision: int | None = None,
) -> Entry:
    if section not in Entry.Section.values:
        raise IssueError(f"unknown section {section!r}; use one of {', '.join(Entry.Section)}")
    attempted = {"entry": entry.pk, "section": section, "position": position}
    with revising(
        entry.issue, by=by, expected_revision=expected_revision, attempted=attempted
    ) as c:
        if entry.section == section and position in (None, entry.position):
            return entry
        entry.section = section
        if position is not None:
            entry.position = position
        try:
            with transaction.atomic():
                entry.save(update_fields=["section", "position"])
        except IntegrityError:
            raise IssueError(f"position {position} is taken in this section") from None
        c.summary = _("Moved “%(title)s” to %(section)s") % {
            "title": _entry_name(entry),
            "section": Entry.Section(section).label,
        }
    return entry


ENTRY_EDITABLE_FIELDS = ("title_override", "summary_override", "image_override")


def entry_update(
    *, entry: Entry, data: dict, by: Editor = None, expected_revision: int | None = None
) -> Entry:
    """Change an entry's overrides."""
    attempted = {name: str(value) for name, value in data.items()}
    with revising(
        entry.issue, by=by, expected_revision=expected_revision, attempted=attempted
    ) as c:
        changed = [name for name, value in data.items() if getattr(entry, name) != value]
        for name in changed:
            setattr(entry, name, data[name])
        if changed:
            entry.save(update_fields=changed)
            c.summary = _("Edited “%(title)s”") % {"title": _entry_name(entry)}
    return entry


def entry_remove(*, entry: Entry, by: Editor = None, expected_revision: int | None = None) -> None:
    """Take an entry out of a draft; a published issue never loses an entry."""
    attempted = {"remove": entry.pk}
    with revising(
        entry.issue, by=by, expected_revision=expected_revision, attempted=attempted
    ) as c:
        if c.issue.is_published():
            raise IssueError("a published issue keeps its entries: unpublish it first")
        name = _entry_name(entry)
        entry.delete()
        c.summary = _("Removed “%(title)s”") % {"title": name}


def issue_publish(
    *,
    issue: Issue,
    at: dt.datetime | None = None,
    by: Editor = None,
    expected_revision: int | None = None,
) -> Issue:
    """Publish now, or schedule for `at`; one transaction, announced after commit."""
    attempted = {"publish": at.isoformat() if at else "now"}
    with revising(issue, by=by, expected_revision=expected_revision, attempted=attempted) as c:
        locked = c.issue
        if not locked.entries.exists():
            raise IssueError("an issue needs at least one entry before it is published")
        now = timezone.now()
        if locked.status == Issue.Status.PUBLISHED and at is None:
            return locked  # already published: nothing changes, nothing is announced again
        if at is not None and at > now:
            locked.status = Issue.Status.SCHEDULED
            locked.published_at = at
            c.summary = _("Scheduled for %(at)s") % {
                "at": timezone.localtime(at).strftime("%Y-%m-%d %H:%M")
            }
        else:
            locked.status = Issue.Status.PUBLISHED
            locked.published_at = locked.published_at or now
            c.summary = _("Published")
        locked.save(update_fields=["status", "published_at", "updated_at"])
        c.fields = ["status", "published_at"]
        if locked.status == Issue.Status.PUBLISHED:
            c.announced = True
            transaction.on_commit(lambda: issue_published.send(sender=Issue, issue=locked))
    return locked


def issue_unpublish(
    *, issue: Issue, by: Editor = None, expected_revision: int | None = None
) -> Issue:
    attempted = {"unpublish": True}
    with revising(issue, by=by, expected_revision=expected_revision, attempted=attempted) as c:
        locked = c.issue
        locked.status = Issue.Status.DRAFT
        locked.save(update_fields=["status", "updated_at"])
        c.fields = ["status"]
        c.summary = _("Unpublished")
        c.announced = True
        transaction.on_commit(lambda: issue_unpublished.send(sender=Issue, issue=locked))
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


def entries_move_article(*, keep: Article, duplicate: Article, by: Editor = None) -> None:
    """Point the duplicate's entries at the kept article; an issue listing both keeps one."""
    for entry in Entry.objects.filter(article=duplicate).select_related("issue"):
        with revising(entry.issue, by=by, expected_revision=None, attempted={}) as c:
            if Entry.objects.filter(issue_id=entry.issue_id, article=keep).exists():
                entry.delete()
            else:
                entry.article = keep
                entry.save(update_fields=["article"])
            c.summary = _("Merged a duplicate article")
