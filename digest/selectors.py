"""Reads of digests and issues, shaped for pages, exports and the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict, TypeGuard

from django.db.models import Count, Max, OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from articles.models import Article, RelatedLink, Tag
from digest.housestyle import fill_intro
from digest.models import Digest, Entry, Issue
from sources.models import Source

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


@dataclass
class IssueContent:
    """An issue with its entries split into the numbered list and the “others” list."""

    issue: Issue
    main: list[Entry]
    others: list[Entry]

    @property
    def intro(self) -> str:
        return render_intro(self.issue, count=len(self.main))


def render_intro(issue: Issue, *, count: int, finished: bool = True) -> str:
    """The intro with {digest}, {number} and {count} filled (see housestyle.fill_intro)."""
    values = {"digest": issue.digest.name, "number": str(issue.number), "count": str(count)}
    return fill_intro(issue.intro, values, finished=finished)


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


# --- the public archive ---------------------------------------------------------------
# Every list below costs a fixed number of queries, whatever the number of issues or
# entries: pages, feeds and the sitemap are read far more often than issues are written.


def archive_entries_queryset() -> QuerySet[Entry]:
    """Entries with everything an issue page shows: source, related links and tags."""
    return entries_queryset().prefetch_related("article__tags")


def archive_issue_get(*, digest_slug: str, number: int, user) -> Issue | None:
    """An issue readers (or previewing staff) may see, annotated for cache validators.

    One query fetches the issue with what its page depends on besides its own row: the
    latest change to its articles and their publications, its entry count and its
    published neighbours (the previous/next links). None means 404.
    """
    published = Issue.objects.published()
    entries = Entry.objects.filter(issue=OuterRef("pk")).values("issue")
    older = published.filter(digest=OuterRef("digest"), number__lt=OuterRef("number"))
    newer = published.filter(digest=OuterRef("digest"), number__gt=OuterRef("number"))
    issue = (
        Issue.objects.select_related("digest")
        .filter(digest__slug=digest_slug, number=number)
        .annotate(
            entries_changed_at=Subquery(
                entries.annotate(m=Max("article__updated_at")).values("m")[:1]
            ),
            sources_changed_at=Subquery(
                entries.annotate(m=Max("article__source__updated_at")).values("m")[:1]
            ),
            entries_count=Subquery(entries.annotate(n=Count("pk")).values("n")[:1]),
            entries_key=Subquery(entries.annotate(s=Sum("article_id")).values("s")[:1]),
            previous_number=Subquery(older.order_by("-number").values("number")[:1]),
            previous_title=Subquery(older.order_by("-number").values("title")[:1]),
            next_number=Subquery(newer.order_by("number").values("number")[:1]),
            next_title=Subquery(newer.order_by("number").values("title")[:1]),
            next_published_at=Subquery(newer.order_by("number").values("published_at")[:1]),
        )
        .first()
    )
    if issue is None:
        return None
    if issue.is_published() or (user is not None and user.is_staff):
        return issue
    return None


def issues_content(issues: list[Issue]) -> list[IssueContent]:
    """The content of several issues at once (feeds, the home page) in three queries."""
    by_issue: dict[int, list[Entry]] = {issue.pk: [] for issue in issues}
    for entry in archive_entries_queryset().filter(issue__in=issues).order_by("position", "id"):
        by_issue[entry.issue_id].append(entry)
    return [
        IssueContent(
            issue=issue,
            main=[e for e in by_issue[issue.pk] if e.section == Entry.Section.MAIN],
            others=[e for e in by_issue[issue.pk] if e.section == Entry.Section.OTHERS],
        )
        for issue in issues
    ]


def visible_digests() -> QuerySet[Digest]:
    """Digests with at least one published issue; the others do not exist for readers."""
    return Digest.objects.filter(pk__in=Issue.objects.published().values("digest_id"))


def published_issues(*, digest: Digest | None = None, year: int | None = None) -> QuerySet[Issue]:
    """Published issues, newest first, with their numbered-entry count.

    The count is a correlated subquery rather than a join: the database computes it only
    for the rows of the page it returns, and counting the issues (the paginator does)
    leaves it out altogether, so neither grows with the entries of the whole archive.
    """
    issues = Issue.objects.published().select_related("digest")
    if digest is not None:
        issues = issues.filter(digest=digest)
    if year is not None:
        issues = issues.filter(issue_date__year=year)
    main_entries = (
        Entry.objects.filter(issue=OuterRef("pk"), section=Entry.Section.MAIN)
        .order_by()
        .values("issue")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return issues.annotate(main_count=Coalesce(Subquery(main_entries), 0)).order_by(
        "-issue_date", "-number"
    )


def archive_years(*, digest: Digest | None = None) -> list[int]:
    issues = Issue.objects.published()
    if digest is not None:
        issues = issues.filter(digest=digest)
    return [day.year for day in issues.dates("issue_date", "year", order="DESC")]


def latest_issue_per_digest() -> list[Issue]:
    """The newest published issue of each digest, in digest order."""
    newest = (
        Issue.objects.published().filter(digest=OuterRef("pk")).order_by("-published_at", "-number")
    )
    ids = Digest.objects.annotate(latest=Subquery(newest.values("pk")[:1])).values_list(
        "latest", flat=True
    )
    return list(
        Issue.objects.filter(pk__in=[pk for pk in ids if pk is not None])
        .select_related("digest")
        .order_by("digest__name")
    )


def published_entries_prefetch() -> Prefetch:
    """An article's entries in published issues only, as `article.published_entries`."""
    return Prefetch(
        "entries",
        queryset=Entry.objects.filter(issue__in=Issue.objects.published())
        .select_related("issue__digest")
        .order_by("-issue__issue_date", "-issue__number"),
        to_attr="published_entries",
    )


def published_articles() -> QuerySet[Article]:
    """Articles that appear in at least one published issue, newest issue first."""
    in_published = Entry.objects.filter(issue__in=Issue.objects.published())
    return (
        Article.objects.filter(pk__in=in_published.values("article_id"))
        .select_related("source")
        .prefetch_related("tags", published_entries_prefetch())
        .annotate(
            last_issue_date=Subquery(
                in_published.filter(article=OuterRef("pk"))
                .order_by("-issue__issue_date")
                .values("issue__issue_date")[:1]
            )
        )
        .order_by("-last_issue_date", "-pk")
    )


def tag_for_reader(slug: str) -> Tag | None:
    """A tag with at least one published article; a tag only drafts use is not shown."""
    published = Issue.objects.published()
    return Tag.objects.filter(slug=slug, articles__entries__issue__in=published).first()


def source_for_reader(slug: str) -> Source | None:
    published = Issue.objects.published()
    return Source.objects.filter(slug=slug, articles__entries__issue__in=published).first()


class NeighbourAnnotations(TypedDict):
    """The neighbours `archive_issue_get` annotates: None when there is none."""

    previous_number: int | None
    previous_title: str | None
    next_number: int | None
    next_title: str | None


def _has_neighbours(issue: Issue) -> TypeGuard[WithAnnotations[Issue, NeighbourAnnotations]]:
    return hasattr(issue, "previous_number")


def issue_neighbours(issue: Issue) -> tuple[Issue | None, Issue | None]:
    """The published issues before and after this one in its digest, for the pager.

    Uses `archive_issue_get`'s annotations when present, else two small queries (the
    admin preview passes a plain issue).
    """
    if _has_neighbours(issue):
        neighbours = [
            Issue(digest=issue.digest, number=number, title=title or "")
            if number is not None
            else None
            for number, title in (
                (issue.previous_number, issue.previous_title),
                (issue.next_number, issue.next_title),
            )
        ]
        return neighbours[0], neighbours[1]
    siblings = Issue.objects.published().filter(digest=issue.digest).select_related("digest")
    return (
        siblings.filter(number__lt=issue.number).order_by("-number").first(),
        siblings.filter(number__gt=issue.number).order_by("number").first(),
    )
