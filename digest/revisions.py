"""An issue's history: each revision as Markdown, the difference between two, restoring one,
and what to check before publishing."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

from django.db.models import F, Prefetch
from django.utils.translation import gettext as _

from articles.models import Article, RelatedLink
from digest.exporters.markdown import content_markdown, entry_image_url
from digest.models import Entry, Issue, IssueRevision
from digest.selectors import IssueContent, entries_queryset
from digest.services import Editor, IssueError, revising

# --- a revision as the issue's export ----------------------------------------------------


def revision_get(*, issue: Issue, number: int) -> IssueRevision:
    """The issue's revision with this number, or IssueError."""
    revision = (
        IssueRevision.objects.filter(issue=issue, number=number)
        .select_related("author", "issue__digest")
        .first()
    )
    if revision is None:
        raise IssueError(_("The issue has no revision %(number)s.") % {"number": number})
    return revision


def _snapshot_issue(issue: Issue, snapshot: dict[str, Any]) -> Issue:
    """An unsaved copy of the issue with the snapshot's own fields."""
    copy = Issue(
        pk=issue.pk,
        digest=issue.digest,
        number=snapshot.get("number", issue.number),
        title=snapshot.get("title", issue.title),
        intro=snapshot.get("intro", issue.intro),
        stats_override=snapshot.get("stats_override", issue.stats_override),
        status=snapshot.get("status", issue.status),
        revision=issue.revision,
    )
    if snapshot.get("issue_date"):
        copy.issue_date = dt.date.fromisoformat(snapshot["issue_date"])
    return copy


def _articles(ids: Iterable[int]) -> dict[int, Article]:
    """The articles that still exist, with what the export shows of them, in two queries."""
    links = Prefetch("links", queryset=RelatedLink.objects.order_by("position", "id"))
    articles = Article.objects.filter(pk__in=set(ids)).select_related("source")
    return {article.pk: article for article in articles.prefetch_related(links)}


def revision_content(revision: IssueRevision) -> IssueContent:
    """The issue and its entries as the snapshot had them, built in memory."""
    snapshot = revision.snapshot
    issue = _snapshot_issue(revision.issue, snapshot)
    articles = _articles(item["article"] for item in snapshot.get("entries", []))
    entries = [
        Entry(
            issue=issue,
            article=articles[item["article"]],
            section=item["section"],
            position=item["position"],
            title_override=item.get("title_override", ""),
            summary_override=item.get("summary_override", ""),
            image_override=item.get("image_override", ""),
        )
        for item in snapshot.get("entries", [])
        if item["article"] in articles
    ]
    return IssueContent(
        issue=issue,
        main=[e for e in entries if e.section == Entry.Section.MAIN],
        others=[e for e in entries if e.section == Entry.Section.OTHERS],
    )


def revision_markdown(revision: IssueRevision) -> str:
    """The house-style Markdown export of the issue as this revision had it.

    The snapshot keeps the issue's fields and its entries (article, section, position,
    overrides), not the articles' own text: an entry shows its article as it is now, and
    an entry whose article has been deleted since is skipped. Title and status are not
    part of the house format; `revision_text` adds them for comparing revisions.
    """
    return content_markdown(revision_content(revision))


def revision_text(revision: IssueRevision) -> str:
    """The revision's title, number, date and status above its Markdown, for a diff."""
    snapshot = revision.snapshot
    status = snapshot.get("status", "")
    shown_status = Issue.Status(status).label if status in Issue.Status.values else status
    labelled = [
        (_("Title"), snapshot.get("title", "")),
        (_("Number"), snapshot.get("number", "")),
        (_("Issue date"), snapshot.get("issue_date", "")),
        (_("Status"), shown_status),
    ]
    header = [
        # Translators: one line of a revision's header, "Title: …" (a full-width colon in Chinese).
        _("%(label)s: %(value)s") % {"label": label, "value": value}
        for label, value in labelled
    ]
    return "\n".join(header) + "\n\n" + revision_markdown(revision)


# --- comparing two revisions ---------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A run of text in a diff line; `changed` marks what differs from the other side."""

    text: str
    changed: bool = False


@dataclass(frozen=True)
class DiffLine:
    """One line of a diff, as plain text segments a template escapes as usual.

    `old` holds the line as the older revision had it (empty for "added"), `new` as the
    newer one has it (empty for "removed"); both are the same text for "same".
    """

    kind: Literal["same", "added", "removed", "changed"]
    old: list[Segment] = field(default_factory=list)
    new: list[Segment] = field(default_factory=list)


# CJK punctuation, ideographs (with the supplementary planes), full-width forms, kana, Hangul.
_CJK = (
    "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u3040-\u30ff"
    "\uac00-\ud7af\U00020000-\U0003ffff"
)
# One token per CJK character or punctuation mark, a whole word otherwise: "门槛不高" and
# "门槛很高" differ by one character, "fast model" and "slow model" by one word.
_TOKEN = re.compile(rf"[{_CJK}]|[^\W{_CJK}]+|\s+|.", re.DOTALL)
# Lines less alike than this are shown as one removed and one added, not as a change.
_ALIKE = 0.4


def _tokens(line: str) -> list[str]:
    return _TOKEN.findall(line)


def _segments(tokens: list[str], spans: list[tuple[int, int, bool]]) -> list[Segment]:
    """Join consecutive tokens with the same flag into segments."""
    segments: list[Segment] = []
    for start, end, changed in spans:
        if start == end:
            continue
        text = "".join(tokens[start:end])
        if segments and segments[-1].changed == changed:
            segments[-1] = Segment(segments[-1].text + text, changed)
        else:
            segments.append(Segment(text, changed))
    return segments


def _changed_line(old: str, new: str) -> DiffLine:
    a, b = _tokens(old), _tokens(new)
    old_spans: list[tuple[int, int, bool]] = []
    new_spans: list[tuple[int, int, bool]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old_spans.append((i1, i2, tag != "equal"))
        new_spans.append((j1, j2, tag != "equal"))
    return DiffLine("changed", _segments(a, old_spans), _segments(b, new_spans))


def _replace(old: list[str], new: list[str]) -> list[DiffLine]:
    """Pair a block of replaced lines: alike lines as changes, the rest removed or added."""
    lines: list[DiffLine] = []
    for index in range(max(len(old), len(new))):
        before = old[index] if index < len(old) else None
        after = new[index] if index < len(new) else None
        if before is not None and after is not None:
            ratio = difflib.SequenceMatcher(None, before, after, autojunk=False).ratio()
            if ratio >= _ALIKE:
                lines.append(_changed_line(before, after))
                continue
        if before is not None:
            lines.append(DiffLine("removed", old=[Segment(before)]))
        if after is not None:
            lines.append(DiffLine("added", new=[Segment(after)]))
    return lines


def text_diff(old: str, new: str) -> list[DiffLine]:
    """A line diff of two texts, with the changed part of each changed line marked."""
    a, b = old.splitlines(), new.splitlines()
    # Two revisions mostly share their start and end: match only the middle, which keeps
    # the quadratic matcher off the hundreds of lines a long issue has in common.
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    lines = [DiffLine("same", [Segment(t)], [Segment(t)]) for t in a[:head]]
    middle_a, middle_b = a[head : len(a) - tail], b[head : len(b) - tail]
    lines += _middle_diff(middle_a, middle_b)
    lines += [DiffLine("same", [Segment(t)], [Segment(t)]) for t in a[len(a) - tail :]]
    return lines


def _middle_diff(a: list[str], b: list[str]) -> list[DiffLine]:
    lines: list[DiffLine] = []
    # autojunk: in a long issue, blank and separator lines are so common that matching
    # them is what makes the matcher quadratic; the diff stays exact, only less eager.
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=True)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            lines += [DiffLine("same", [Segment(t)], [Segment(t)]) for t in a[i1:i2]]
        elif tag == "delete":
            lines += [DiffLine("removed", old=[Segment(t)]) for t in a[i1:i2]]
        elif tag == "insert":
            lines += [DiffLine("added", new=[Segment(t)]) for t in b[j1:j2]]
        else:
            lines += _replace(a[i1:i2], b[j1:j2])
    return lines


def revisions_diff(*, issue: Issue, old: int, new: int) -> list[DiffLine]:
    """What changed from revision `old` to revision `new`: title, number, date, status and
    the Markdown export, line by line; IssueError if either revision does not exist."""
    before = revision_get(issue=issue, number=old)
    after = revision_get(issue=issue, number=new)
    return text_diff(revision_text(before), revision_text(after))


# --- restoring a revision -----------------------------------------------------------------

RESTORED_FIELDS = ("number", "title", "issue_date", "intro", "stats_override")
RESTORED_ENTRY_FIELDS = (
    "section",
    "position",
    "title_override",
    "summary_override",
    "image_override",
)


def revision_restore(
    *, issue: Issue, number: int, by: Editor = None, expected_revision: int | None = None
) -> Issue:
    """Make the issue what revision `number` was, as a new revision of its own.

    Restores the issue's own fields the snapshot has (number, title, date, intro, stats
    line) and its entries (article, section, position, overrides). Never changes the
    status: a draft stays a draft, a scheduled issue keeps its time. An issue readers can
    see is refused (IssueError: unpublish it first), since restoring may take entries out
    and a published issue keeps its entries. Entries whose article has been deleted since
    are skipped and named in the revision's summary. Entries kept from the current issue
    keep their ids. Nothing changes, and no revision is recorded, when the issue already
    is as the revision was.
    """
    revision = revision_get(issue=issue, number=number)
    snapshot = revision.snapshot
    attempted = {"restore": number}
    with revising(issue, by=by, expected_revision=expected_revision, attempted=attempted) as c:
        locked = c.issue
        if locked.is_published():
            raise IssueError(
                _("A published issue keeps its entries: unpublish it first, then restore.")
            )
        fields = _restore_fields(locked, snapshot)
        entries_changed, skipped = _restore_entries(locked, snapshot.get("entries", []))
        if not fields and not entries_changed:
            return issue
        c.fields = fields
        c.summary = _("Restored revision %(number)s") % {"number": number}
        if skipped:
            c.summary += _("; skipped deleted articles: %(articles)s") % {
                "articles": ", ".join(skipped)
            }
    return issue


def _restore_fields(locked: Issue, snapshot: dict[str, Any]) -> list[str]:
    values: dict[str, Any] = {name: snapshot[name] for name in RESTORED_FIELDS if name in snapshot}
    if "issue_date" in values:
        values["issue_date"] = dt.date.fromisoformat(values["issue_date"])
    number = values.get("number")
    if (
        number is not None
        and number != locked.number
        and Issue.objects.filter(digest_id=locked.digest_id, number=number).exists()
    ):
        raise IssueError(
            _("%(digest)s already has an issue number %(number)s.")
            % {"digest": locked.digest.name, "number": number}
        )
    changed = [name for name, value in values.items() if getattr(locked, name) != value]
    for name in changed:
        setattr(locked, name, values[name])
    if changed:
        locked.save(update_fields=changed)
    return changed


def _entry_state(entry: Entry) -> tuple[Any, ...]:
    return (
        entry.article_id,
        entry.section,
        entry.position,
        entry.title_override,
        entry.summary_override,
        entry.image_override.name or "",
    )


def _restore_entries(locked: Issue, saved: list[dict[str, Any]]) -> tuple[bool, list[str]]:
    """Make the issue's entries the saved ones; whether anything changed, what was skipped.

    Positions are unique within a section and checked row by row, so every kept entry is
    first moved above every position in use, then to its saved place.
    """
    existing = {entry.article_id: entry for entry in Entry.objects.filter(issue=locked)}
    alive = set(
        Article.objects.filter(pk__in=[item["article"] for item in saved]).values_list(
            "pk", flat=True
        )
    )
    skipped = [
        f"“{item['title_override']}” (#{item['article']})"
        if item.get("title_override")
        else f"#{item['article']}"
        for item in saved
        if item["article"] not in alive
    ]
    wanted = [item for item in saved if item["article"] in alive]
    target = [
        (item["article"], item["section"], item["position"], item.get("title_override", ""),
         item.get("summary_override", ""), item.get("image_override", "") or "")
        for item in wanted
    ]  # fmt: skip
    current = sorted(_entry_state(entry) for entry in existing.values())
    if current == sorted(target):
        return False, skipped
    keep = {item["article"] for item in wanted}
    Entry.objects.filter(issue=locked).exclude(article_id__in=keep).delete()
    used = [e.position for e in existing.values()] + [item["position"] for item in wanted]
    Entry.objects.filter(issue=locked).update(position=F("position") + max(used, default=0) + 1)
    kept, added = [], []
    for article_id, section, position, title, summary, image in target:
        entry = existing.get(article_id)
        if entry is None:
            entry = Entry(issue=locked, article_id=article_id)
            added.append(entry)
        else:
            kept.append(entry)
        entry.section, entry.position = section, position
        entry.title_override, entry.summary_override = title, summary
        entry.image_override = image
    # Two statements however long the issue; the issue's own save above announces the change.
    Entry.objects.bulk_update(kept, list(RESTORED_ENTRY_FIELDS))
    Entry.objects.bulk_create(added)
    return True, skipped


# --- before publishing --------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItem:
    """One thing an editor should look at, for the entry it concerns (None: the issue)."""

    message: str
    entry_id: int | None = None
    blocking: bool = False


@dataclass
class PublishChecklist:
    items: list[ChecklistItem] = field(default_factory=list)

    @property
    def blocking(self) -> bool:
        """True when the issue cannot be published as it is."""
        return any(item.blocking for item in self.items)

    @property
    def warnings(self) -> list[ChecklistItem]:
        return [item for item in self.items if not item.blocking]


def _url_key(url: str) -> str:
    """A URL as a reader would recognise it: no scheme, www, fragment or trailing slash."""
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{parts.path.rstrip('/')}{query}"


def issue_publish_checklist(issue: Issue) -> PublishChecklist:
    """What to check before publishing; a fixed number of queries whatever the entries.

    Summary and image matter in the numbered list only: the “others” list shows a title
    and a link.
    """
    entries = list(entries_queryset().filter(issue=issue).order_by("position", "id"))
    if not entries:
        message = _("The issue has no entries: add at least one before publishing.")
        return PublishChecklist([ChecklistItem(message, blocking=True)])
    items: list[ChecklistItem] = []
    elsewhere = _published_elsewhere(issue, [entry.article_id for entry in entries])
    seen: dict[str, Entry] = {}
    for entry in entries:
        items += [ChecklistItem(m, entry.pk) for m in _entry_warnings(entry, elsewhere, seen)]
    return PublishChecklist(items)


def _entry_warnings(
    entry: Entry, elsewhere: dict[int, list[int]], seen: dict[str, Entry]
) -> list[str]:
    title = entry.title[:80]
    article = entry.article
    messages = []
    if entry.section == Entry.Section.MAIN:
        if not entry.summary.strip():
            messages.append(_("“%(title)s” has no summary.") % {"title": title})
        if not entry_image_url(entry):
            messages.append(_("“%(title)s” has no image.") % {"title": title})
    if article.fetch_state == Article.FetchState.FAILED:
        messages.append(_("Fetching “%(title)s” failed.") % {"title": title})
    elif article.fetch_state != Article.FetchState.DONE:
        messages.append(_("“%(title)s” has not been fetched yet.") % {"title": title})
    for number in elsewhere.get(article.pk, []):
        message = _("“%(title)s” is already in published issue %(number)s.")
        messages.append(message % {"title": title, "number": number})
    for key in sorted({_url_key(article.canonical_url), _url_key(article.submitted_url)} - {""}):
        first = seen.setdefault(key, entry)
        if first is not entry:
            message = _("“%(title)s” links to the same page as “%(other)s”.")
            messages.append(message % {"title": title, "other": first.title[:80]})
            break
    return messages


def _published_elsewhere(issue: Issue, article_ids: list[int]) -> dict[int, list[int]]:
    """For each article, the numbers of the digest's other published issues that list it."""
    found: dict[int, list[int]] = {}
    rows = (
        Entry.objects.filter(
            article_id__in=article_ids,
            issue__digest_id=issue.digest_id,
            issue__in=Issue.objects.published(),
        )
        .exclude(issue_id=issue.pk)
        .order_by("issue__number")
        .values_list("article_id", "issue__number")
    )
    for article_id, number in rows:
        found.setdefault(article_id, []).append(number)
    return found
