"""Reader search over published issues and the articles in them.

Substring matching, not full-text search: PostgreSQL's text-search parsers do not split
Chinese into words, so "对联" would never match "全村写对联". `icontains` works for every
language; on PostgreSQL it becomes `UPPER(col) LIKE UPPER(%s)`, which the pg_trgm GIN
indexes of migration 0002 (built on the same UPPER expressions) serve, and on SQLite it
is a plain LIKE.
"""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from articles.models import Article, Tag
from digest import selectors
from digest.models import Entry, Issue

MAX_QUERY_CHARS = 100
MAX_TERMS = 6
# Whitespace, including the ideographic space a Chinese keyboard types.
_SEPARATORS = re.compile(r"[\s\u3000]+")


def search_terms(query: str) -> list[str]:
    """The distinct words of a query, in order; a long query is cut, not refused."""
    terms: list[str] = []
    for term in _SEPARATORS.split(query[:MAX_QUERY_CHARS]):
        if term and term.lower() not in (t.lower() for t in terms):
            terms.append(term)
    return terms[:MAX_TERMS]


def search_issues(terms: list[str]) -> QuerySet[Issue]:
    """Published issues whose title, intro, digest name or number matches every term."""
    issues = selectors.published_issues()
    for term in terms:
        match = (
            Q(title__icontains=term) | Q(intro__icontains=term) | Q(digest__name__icontains=term)
        )
        if term.isdigit():
            match |= Q(number=int(term))
        issues = issues.filter(match)
    return issues


def search_articles(terms: list[str]) -> QuerySet[Article]:
    """Articles of published issues whose title, summary, publication or tag matches.

    Every term must match one of the fields. Titles and summaries an editor overrode in
    an issue count too, but only in published issues, so a draft's text never matches.
    """
    published_entries = Entry.objects.filter(issue__in=Issue.objects.published())
    articles = selectors.published_articles()
    for term in terms:
        tagged = Tag.objects.filter(name__icontains=term).values("articles")
        overridden = published_entries.filter(
            Q(title_override__icontains=term) | Q(summary_override__icontains=term)
        ).values("article_id")
        articles = articles.filter(
            Q(title__icontains=term)
            | Q(summary__icontains=term)
            | Q(excerpt__icontains=term)
            | Q(source__name__icontains=term)
            | Q(pk__in=tagged)
            | Q(pk__in=overridden)
        )
    return articles
