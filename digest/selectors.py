"""Reads of digests and issues, shaped for pages, exports and the API."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Prefetch

from articles.models import RelatedLink
from digest.models import Digest, Entry, Issue

_PLACEHOLDER = re.compile(r"\{(digest|number|count)\}")


@dataclass
class IssueContent:
    """An issue with its entries split into the numbered list and the “others” list."""

    issue: Issue
    main: list[Entry]
    others: list[Entry]

    @property
    def intro(self) -> str:
        return render_intro(self.issue, count=len(self.main))


def render_intro(issue: Issue, *, count: int) -> str:
    """Fill {digest}, {number} and {count}; other braces are the editor's text."""
    values = {"digest": issue.digest.name, "number": str(issue.number), "count": str(count)}
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], issue.intro).strip()


def entries_queryset():
    return Entry.objects.select_related("article__source").prefetch_related(
        Prefetch("article__links", queryset=RelatedLink.objects.order_by("position", "id"))
    )


def issue_content(issue: Issue) -> IssueContent:
    """The issue's entries in a fixed number of queries, whatever their count."""
    entries = list(entries_queryset().filter(issue=issue).order_by("position", "id"))
    main = [e for e in entries if e.section == Entry.Section.MAIN]
    others = [e for e in entries if e.section == Entry.Section.OTHERS]
    return IssueContent(issue=issue, main=main, others=others)


def issue_get(*, digest_slug: str, number: int) -> Issue | None:
    return (
        Issue.objects.select_related("digest")
        .filter(digest__slug=digest_slug, number=number)
        .first()
    )


def issue_for_reader(*, digest_slug: str, number: int, user) -> Issue | None:
    """A published issue, or any issue for staff previewing it; None means 404."""
    issue = issue_get(digest_slug=digest_slug, number=number)
    if issue is None:
        return None
    if issue.is_published() or (user is not None and user.is_staff):
        return issue
    return None


def recent_published_issues(limit: int = 20) -> list[Issue]:
    return list(
        Issue.objects.published().select_related("digest").order_by("-published_at")[:limit]
    )


def digest_for_name(name: str) -> Digest | None:
    return Digest.objects.filter(name=name).first() or Digest.objects.filter(slug=name).first()


def issue_page_context(issue: Issue) -> dict:
    content = issue_content(issue)
    return {"issue": issue, "content": content, "digest": issue.digest}
