"""Reader search over published issues and the articles in them.

Substring matching, not full-text search: PostgreSQL's text-search parsers do not split
Chinese into words, so "对联" would never match "全村写对联". `icontains` works for every
language; on PostgreSQL it becomes `UPPER(col) LIKE UPPER(%s)`, which the pg_trgm GIN
indexes of migration 0002 (built on the same UPPER expressions) serve, and on SQLite it
is a plain LIKE. A word too short for a trigram is looked for article by article, the
newest first (`newest_matching_ids`).

A search lists at most MAX_RESULTS articles and reads the entries of those only: joining
every match of a common word to its issues made it slower the larger the archive grew.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import overload

from django.contrib.postgres.fields import ArrayField
from django.db import connection
from django.db.models import BigIntegerField, F, Lookup, Max, Q, QuerySet, Value

from articles.models import Article, Tag
from digest import selectors
from digest.models import Entry, Issue
from sources.models import Source

MAX_QUERY_CHARS = 100
MAX_TERMS = 6
# The most articles one search lists (25 pages), the most recently added that match.
MAX_RESULTS = 500
# Whitespace, including the ideographic space a Chinese keyboard types.
_SEPARATORS = re.compile(r"[\s\u3000]+")
# Three word characters (any script), the least pg_trgm extracts a trigram from.
_TRIGRAM = re.compile(r"[^\W_]{3}")


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


def matching_article_ids(term: str) -> QuerySet:
    """Ids of the articles whose title, summary, excerpt, publication or tag has `term`.

    Titles and summaries an editor overrode in a published issue count too. Each table
    is searched on its own indexed columns and the ids are unioned: one condition OR'd
    across the tables would leave the trigram indexes unused and read every article.
    """
    own, elsewhere = _term_lookups(term)
    parts = [Article.objects.filter(lookup).values("pk") for lookup in own]
    parts = [part.order_by() for part in (*parts, *elsewhere)]
    return parts[0].union(*parts[1:])


def article_has(term: str) -> Q:
    """The same match as `matching_article_ids`, as one condition tested article by article.

    For a word the trigram indexes cannot look up: each article is read anyway, and
    one condition lets the newest-first scan stop as soon as it has found enough.
    """
    own, elsewhere = _term_lookups(term)
    condition = Q()
    for lookup in own:
        condition |= lookup
    for ids in elsewhere:
        condition |= Q(pk__in=ids)
    return condition


def _term_lookups(term: str) -> tuple[list[Q], list[QuerySet]]:
    """Conditions on an article's own fields, and ids of articles matched elsewhere."""
    has = text_lookup(term)
    own = [Q(**{f"{field}__{has}": term}) for field in ("title", "summary", "excerpt")]
    own.append(Q(source__in=Source.objects.filter(**{f"name__{has}": term})))
    tagged = Article.tags.through.objects.filter(
        tag__in=Tag.objects.filter(**{f"name__{has}": term})
    ).values("article_id")
    overridden = Entry.objects.filter(
        Q(**{f"title_override__{has}": term}) | Q(**{f"summary_override__{has}": term}),
        issue__in=Issue.objects.published(),
    ).values("article_id")
    return own, [tagged, overridden]


def text_lookup(term: str) -> str:
    """`icontains`, but `contains` for a term without trigrams and without letter case.

    Such a term gives the trigram indexes nothing to look up, so rows are read one by
    one; a Chinese word or a number needs no UPPER() of each, which costs more than the
    match itself on long summaries.
    """
    if has_trigram(term) or term.upper() != term.lower():
        return "icontains"
    return "contains"


def search_article_ids(terms: list[str]) -> list[int]:
    """Ids of the published articles matching every term, latest issue first.

    Ordered as the tag and source pages are: by the latest published issue an article
    is in, then newest article first. A word found in thousands of articles lists the
    MAX_RESULTS most recently added of them.
    """
    ids = newest_matching_ids(terms)
    rows = (
        Entry.objects.filter(_article_among(ids), issue__in=Issue.objects.published())
        .values("article_id")
        .annotate(last_issue_date=Max("issue__issue_date"))
        .order_by("-last_issue_date", "-article_id")
        .values_list("article_id", flat=True)
    )
    return list(rows)


def newest_matching_ids(terms: list[str]) -> list[int]:
    """The ids of the MAX_RESULTS newest articles matching every term, newest first.

    A word of three characters or more is looked up in the trigram indexes. A shorter
    one gives them nothing to look up, so articles are read newest first until enough
    match: a common short word ("模型") costs the same whatever the archive's size.
    """
    matching = Article.objects.all()
    for term in terms:
        if has_trigram(term):
            matching = matching.filter(pk__in=matching_article_ids(term))
        else:
            matching = matching.filter(article_has(term))
    return list(matching.order_by("-pk").values_list("pk", flat=True)[:MAX_RESULTS])


def has_trigram(term: str) -> bool:
    """Whether pg_trgm can look the term up: it has three letters or digits in a row."""
    return _TRIGRAM.search(term) is not None


class _AnyOf(Lookup):
    """`lhs = ANY(%s)`: a list as one array parameter."""

    lookup_name = "any_of"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def _article_among(ids: list[int]) -> Q | Lookup:
    """Entries of these articles; on PostgreSQL with the ids as a single array.

    PostgreSQL takes longer to plan `IN` with a thousand values than to run it; one array
    value plans at once, and either way each id is one probe of the entries' index.
    """
    if connection.vendor == "postgresql":
        array = Value(ids, output_field=ArrayField(BigIntegerField()))
        return _AnyOf(F("article_id"), array)
    return Q(article_id__in=ids)


class SearchResults(Sequence[Article]):
    """Articles by id, in the given order, read from the database a slice at a time."""

    def __init__(self, ids: list[int]) -> None:
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> Article: ...
    @overload
    def __getitem__(self, index: slice) -> list[Article]: ...
    def __getitem__(self, index: int | slice) -> Article | list[Article]:
        if isinstance(index, slice):
            return _articles(self.ids[index])
        return _articles([self.ids[index]])[0]

    def __iter__(self) -> Iterator[Article]:
        return iter(self[:])


def _articles(ids: list[int]) -> list[Article]:
    """The articles with what the result list shows, in the order of `ids`."""
    found = (
        Article.objects.select_related("source")
        .prefetch_related("tags", selectors.published_entries_prefetch())
        .in_bulk(ids)
    )
    return [found[pk] for pk in ids]


def search_articles(terms: list[str]) -> SearchResults:
    """Articles of published issues whose title, summary, publication or tag matches.

    Every term must match one of the fields. Titles and summaries an editor overrode in
    an issue count too, but only in published issues, so a draft's text never matches.
    """
    return SearchResults(search_article_ids(terms))
