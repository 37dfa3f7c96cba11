"""Query-string filters of the collections (django-filter)."""

from __future__ import annotations

import datetime as dt

import django_filters as filters
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from articles.models import Article
from digest.models import Entry, Issue
from sources.models import Source


class DateTimeRangeFilter(filters.IsoDateTimeFromToRangeFilter):
    """An ISO 8601 range, moved to UTC first: PostgreSQL refuses offsets past ±15:59."""

    def filter(self, qs: QuerySet, value: slice | None) -> QuerySet:
        if value:
            try:
                value = slice(_utc(value.start), _utc(value.stop))
            except OverflowError:
                raise ValidationError({self.field_name: [_("date out of range")]}) from None
        return super().filter(qs, value)


class DateTimeFilter(filters.IsoDateTimeFilter):
    """One ISO 8601 moment, moved to UTC first, like DateTimeRangeFilter."""

    def filter(self, qs: QuerySet, value: dt.datetime | None) -> QuerySet:
        try:
            value = _utc(value)
        except OverflowError:
            raise ValidationError({self.field_name: [_("date out of range")]}) from None
        return super().filter(qs, value)


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    return moment.astimezone(dt.UTC) if moment is not None else None


class IssueFilter(filters.FilterSet):
    digest = filters.CharFilter(field_name="digest__slug", help_text="Digest slug.")
    status = filters.ChoiceFilter(choices=Issue.Status.choices)
    date = filters.DateFromToRangeFilter(
        field_name="issue_date", help_text="Issue date range: date_after, date_before."
    )
    published = DateTimeRangeFilter(
        field_name="published_at", help_text="published_after, published_before (ISO 8601)."
    )
    tag = filters.CharFilter(method="filter_tag", help_text="Issues with an article of this tag.")
    source = filters.CharFilter(
        method="filter_source", help_text="Issues with an article from this source (slug)."
    )

    class Meta:
        model = Issue
        fields = ["digest", "status"]

    def filter_tag(self, queryset: QuerySet[Issue], name: str, value: str) -> QuerySet[Issue]:
        entries = Entry.objects.filter(issue=OuterRef("pk"), article__tags__slug=value)
        return queryset.filter(Exists(entries))

    def filter_source(self, queryset: QuerySet[Issue], name: str, value: str) -> QuerySet[Issue]:
        entries = Entry.objects.filter(issue=OuterRef("pk"), article__source__slug=value)
        return queryset.filter(Exists(entries))


class ArticleFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Article.Kind.choices)
    fetch_state = filters.ChoiceFilter(choices=Article.FetchState.choices)
    source = filters.CharFilter(field_name="source__slug", help_text="Source slug.")
    tag = filters.CharFilter(method="filter_tag", help_text="Tag slug.")
    digest = filters.CharFilter(
        method="filter_digest", help_text="Articles placed in an issue of this digest (slug)."
    )
    published = DateTimeRangeFilter(
        field_name="published_at", help_text="published_after, published_before (ISO 8601)."
    )
    created = DateTimeRangeFilter(
        field_name="created_at", help_text="created_after, created_before (ISO 8601)."
    )

    class Meta:
        model = Article
        fields = ["kind", "fetch_state"]

    def filter_tag(self, queryset: QuerySet[Article], name: str, value: str) -> QuerySet[Article]:
        through = Article.tags.through.objects.filter(article=OuterRef("pk"), tag__slug=value)
        return queryset.filter(Exists(through))

    def filter_digest(
        self, queryset: QuerySet[Article], name: str, value: str
    ) -> QuerySet[Article]:
        entries = Entry.objects.filter(article=OuterRef("pk"), issue__digest__slug=value)
        return queryset.filter(Exists(entries))


class SourceFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Source.Kind.choices)
    domain = filters.CharFilter(field_name="domain", lookup_expr="iexact")

    class Meta:
        model = Source
        fields = ["kind", "domain"]
