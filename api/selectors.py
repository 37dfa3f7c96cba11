"""What each client may read, and the validators of an issue's detail."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, QuerySet

from articles.models import Article
from digest.models import Entry, Issue
from digest.pagecache import current_version


def can_see_drafts(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("digest.view_issue"))


def can_see_all_articles(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("articles.view_article"))


def issues_visible_to(user: Any) -> QuerySet[Issue]:
    """Every issue for editorial staff; published ones for everyone else."""
    issues = Issue.objects.select_related("digest")
    return issues if can_see_drafts(user) else issues.published()


def articles_visible_to(user: Any) -> QuerySet[Article]:
    """Every article for staff; for anyone else only those in a published issue."""
    # Always true: it lets the newest-first list walk the partial index article_created_idx.
    articles = Article.objects.with_display_relations().filter(created_at__isnull=False)
    if can_see_all_articles(user):
        return articles
    in_published = Entry.objects.filter(article=OuterRef("pk"), issue__in=Issue.objects.published())
    return articles.filter(Exists(in_published))


def published_article_count() -> int:
    """How many articles appear in a published issue, counted from the entries alone.

    The same number as counting `articles_visible_to` an anonymous client (an entry's
    article always exists), at half the cost: it reads no article row and builds no hash
    of every entry to probe each article against.
    """
    entries = Entry.objects.filter(issue__in=Issue.objects.published())
    return entries.aggregate(n=Count("article_id", distinct=True))["n"]


def issue_with_version(issues: QuerySet[Issue], **lookup: Any) -> Issue | None:
    """One issue, annotated with when any of its articles last changed (one query)."""
    return (
        issues.filter(**lookup)
        .annotate(
            content_updated_at=Max("entries__article__updated_at"),
            entry_count=Count("entries"),
        )
        .first()
    )


def issue_etag(issue: Issue) -> str:
    """Changes whenever the issue, its entries, its articles or its visibility change.

    The content version covers what has no timestamp of its own: related links and tags.
    """
    parts = [
        current_version(),
        issue.pk,
        issue.updated_at.isoformat(),
        getattr(issue, "content_updated_at", None),
        getattr(issue, "entry_count", None),
        issue.is_published(),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def issue_last_modified(issue: Issue):
    content = getattr(issue, "content_updated_at", None)
    return max(issue.updated_at, content) if content else issue.updated_at
