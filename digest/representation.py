"""How digests, issues, entries, articles and sources look as JSON: declared once.

The API serves these shapes, the JSON export is the issue detail, and webhooks carry the
issue detail and the article. Links are absolute: on the request's host when there is a
request, else on SITE_URL.
"""

from __future__ import annotations

import datetime as dt
from operator import attrgetter
from typing import Any, Protocol

from django.conf import settings
from django.db import models
from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles.models import Article, RelatedLink, Tag
from digest.exporters import ExportFormat
from digest.links import api_url, base_url, file_url, serializer_context
from digest.models import Digest, Entry, Issue
from digest.selectors import IssueContent, entries_queryset
from sources.models import Source

SCHEMA_VERSION = 1
# URLs as people gave them: their hosts may be international (an IRI), not only ASCII.
PASTED_URL_HELP = "A URL as given; its host may be non-ASCII."


class DateTimeOutput(serializers.DateTimeField):
    """RFC 3339 date-times: an offset in whole minutes, else the time in UTC.

    A date before standard time zones existed (year 12, say) has a local-mean-time offset
    such as +08:05:43, which RFC 3339 cannot write; such a moment is given in UTC.
    """

    def to_representation(self, value: Any) -> Any:
        if not isinstance(value, dt.datetime):
            return super().to_representation(value)
        local = self.enforce_timezone(value)
        offset = local.utcoffset()
        if offset is not None and offset.total_seconds() % 60:
            return local.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
        return super().to_representation(value)


class Output(serializers.ModelSerializer):
    """An output shape read from a model; its date-times are RFC 3339 whatever their year."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: DateTimeOutput,
    }


@extend_schema_field(OpenApiTypes.URI)
class LinkField(serializers.Field):
    """The API URL of the object, e.g. `url` of an issue."""

    def __init__(self, view_name: str, *lookups: str, **kwargs: Any) -> None:
        self.view_name = view_name
        self.lookups = lookups or ("pk",)
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        args = [attrgetter(lookup)(value) for lookup in self.lookups]
        return api_url(serializer_context(self), self.view_name, *args)


class ChoiceFieldFactory(Protocol):
    """A ChoiceField class whose choices are built in: it takes only the field options."""

    def __call__(self, **kwargs: Any) -> serializers.ChoiceField: ...


def choice_field(name: str, choices: type[models.TextChoices]) -> ChoiceFieldFactory:
    """A choice field whose enum gets its own component name (two models have a `kind`)."""

    @extend_schema_field({"type": "string", "enum": list(choices.values)}, component_name=name)
    class Field(serializers.ChoiceField):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(choices=choices.choices, **kwargs)

    return Field


SourceKindField = choice_field("SourceKindEnum", Source.Kind)
ArticleKindField = choice_field("ArticleKindEnum", Article.Kind)


class DigestOutput(Output):
    url = LinkField("digest-detail", "slug")
    issues_url = LinkField("digest-issues", "slug")

    class Meta:
        model = Digest
        fields = [
            "url",
            "issues_url",
            "slug",
            "name",
            "description",
            "language",
            "numbering",
            "others_heading",
        ]


class SourceSummaryOutput(Output):
    url = LinkField("source-detail")
    kind = SourceKindField()
    slug = serializers.CharField(help_text="May contain Chinese characters.")
    homepage = serializers.CharField(help_text="Empty when unknown.")

    class Meta:
        model = Source
        fields = ["id", "url", "name", "slug", "kind", "homepage"]


class SourceOutput(Output):
    url = LinkField("source-detail")
    kind = SourceKindField()
    slug = serializers.CharField(help_text="May contain Chinese characters.")
    homepage = serializers.CharField(help_text="Empty when unknown.")

    class Meta:
        model = Source
        fields = [
            "id",
            "url",
            "name",
            "slug",
            "kind",
            "homepage",
            "description",
            "wechat_biz",
            "domain",
            "created_at",
            "updated_at",
        ]


class TagOutput(Output):
    url = LinkField("tag-detail")
    slug = serializers.CharField(help_text="May contain Chinese characters.")

    class Meta:
        model = Tag
        fields = ["id", "url", "name", "slug"]


class RelatedLinkOutput(Output):
    url = serializers.CharField(help_text=PASTED_URL_HELP)

    class Meta:
        model = RelatedLink
        fields = ["label", "url"]


class ImageOutput(serializers.Serializer):
    """A lead image: our stored copy and thumbnail, and where it came from."""

    url = serializers.URLField(allow_null=True, help_text="The stored file, if downloaded.")
    thumbnail_url = serializers.URLField(allow_null=True)
    origin_url = serializers.CharField(allow_null=True, help_text="Where the image was found.")
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    alt = serializers.CharField(allow_blank=True)


def article_image(context: dict[str, Any], article: Article) -> dict[str, Any] | None:
    if not (article.image or article.image_url):
        return None
    return {
        "url": file_url(context, article.image),
        "thumbnail_url": file_url(context, article.image_thumbnail),
        "origin_url": article.image_url or None,
        "width": article.image_width,
        "height": article.image_height,
        "alt": article.image_alt,
    }


def entry_image(context: dict[str, Any], entry: Entry) -> dict[str, Any] | None:
    if entry.image_override:
        return {
            "url": file_url(context, entry.image_override),
            "thumbnail_url": None,
            "origin_url": None,
            "width": None,
            "height": None,
            "alt": entry.article.image_alt,
        }
    return article_image(context, entry.article)


class ArticleSummaryOutput(Output):
    """An article as it appears inside an issue."""

    url = LinkField("article-detail")
    kind = ArticleKindField()
    source = SourceSummaryOutput(allow_null=True)  # type: ignore[assignment]  # a field name
    image = serializers.SerializerMethodField()
    links = RelatedLinkOutput(many=True)
    tags = TagOutput(many=True)

    class Meta:
        model = Article
        fields = [
            "id",
            "url",
            "canonical_url",
            "kind",
            "title",
            "author",
            "summary",
            "published_at",
            "source",
            "image",
            "links",
            "tags",
            "fetch_state",
        ]

    @extend_schema_field(ImageOutput(allow_null=True))
    def get_image(self, article: Article) -> dict[str, Any] | None:
        return article_image(serializer_context(self), article)


class ArticleOutput(ArticleSummaryOutput):
    """An article with its fetching state and the fields an editor took over."""

    submitted_url = serializers.CharField(help_text=PASTED_URL_HELP)

    class Meta(ArticleSummaryOutput.Meta):
        fields = [
            *ArticleSummaryOutput.Meta.fields,
            "submitted_url",
            "excerpt",
            "fetch_error_code",
            "fetch_error",
            "fetch_attempts",
            "fetched_at",
            "edited_fields",
            "created_at",
            "updated_at",
        ]


class EntryOutput(Output):
    url = LinkField("entry-detail", "issue_id", "pk")
    number = serializers.SerializerMethodField(help_text="1-based place in its section's list.")
    title = serializers.CharField(help_text="The override, else the article's title.")
    summary = serializers.CharField(help_text="The override, else the article's summary.")
    image = serializers.SerializerMethodField()
    article = ArticleSummaryOutput()

    class Meta:
        model = Entry
        fields = [
            "id",
            "url",
            "section",
            "position",
            "number",
            "anchor",
            "title",
            "summary",
            "title_override",
            "summary_override",
            "image",
            "article",
        ]

    def get_number(self, entry: Entry) -> int | None:
        return getattr(entry, "number_in_section", None)

    @extend_schema_field(ImageOutput(allow_null=True))
    def get_image(self, entry: Entry) -> dict[str, Any] | None:
        return entry_image(serializer_context(self), entry)


class IssueOutput(Output):
    """An issue without its entries, as listed."""

    url = LinkField("issue-detail")
    web_url = serializers.SerializerMethodField(help_text="The public page of the issue.")
    digest: serializers.SlugRelatedField[Digest] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    digest_url = LinkField("digest-detail", "digest.slug")
    canonical_api_url = LinkField("digest-issue-detail", "digest.slug", "number")
    is_published = serializers.BooleanField(read_only=True)

    class Meta:
        model = Issue
        fields = [
            "id",
            "url",
            "canonical_api_url",
            "web_url",
            "digest",
            "digest_url",
            "number",
            "title",
            "display_title",
            "issue_date",
            "status",
            "is_published",
            "published_at",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_web_url(self, issue: Issue) -> str:
        return settings.SITE_URL + issue.get_absolute_url()


class IssueEntriesOutput(serializers.Serializer):
    main = EntryOutput(many=True, help_text="The numbered list, in order.")
    others = EntryOutput(many=True, help_text="The closing list of links, in order.")


class IssueDetailOutput(IssueOutput):
    """An issue with its entries: also the schema of the JSON export."""

    schema_version = serializers.SerializerMethodField()
    intro = serializers.SerializerMethodField(help_text="The intro with placeholders filled.")
    intro_source = serializers.CharField(source="intro", help_text="The intro as written.")
    others_heading = serializers.CharField(source="digest.others_heading")
    entries = serializers.SerializerMethodField()
    exports = serializers.SerializerMethodField()

    class Meta(IssueOutput.Meta):
        fields = [
            "schema_version",
            *IssueOutput.Meta.fields,
            "intro",
            "intro_source",
            "stats_override",
            "others_heading",
            "entries",
            "exports",
        ]

    def get_schema_version(self, issue: Issue) -> int:
        return SCHEMA_VERSION

    def get_intro(self, issue: Issue) -> str:
        return self.context["content"].intro

    @extend_schema_field(IssueEntriesOutput)
    def get_entries(self, issue: Issue) -> dict[str, Any]:
        content = self.context["content"]
        return IssueEntriesOutput(
            {"main": numbered(content.main), "others": numbered(content.others)},
            context=self.context,
        ).data

    @extend_schema_field(
        {
            "type": "object",
            "properties": {f: {"type": "string", "format": "uri"} for f in ExportFormat.values},
            "required": list(ExportFormat.values),
        }
    )
    def get_exports(self, issue: Issue) -> dict[str, str]:
        base = api_url(serializer_context(self), "issue-export", issue.pk)
        return {fmt: f"{base}?format={fmt}" for fmt in ExportFormat.values}


def numbered(entries: list[Entry]) -> list[Entry]:
    """Number the entries of one section from 1, as readers see them."""
    for number, entry in enumerate(entries, start=1):
        entry.number_in_section = number
    return entries


def issue_representation_content(issue: Issue) -> IssueContent:
    """The issue's entries with everything the detail shows, in a fixed number of queries."""
    entries = list(
        entries_queryset()
        .prefetch_related(Prefetch("article__tags", queryset=Tag.objects.order_by("name")))
        .filter(issue=issue)
        .order_by("position", "id")
    )
    return IssueContent(
        issue=issue,
        main=[e for e in entries if e.section == Entry.Section.MAIN],
        others=[e for e in entries if e.section == Entry.Section.OTHERS],
    )


def issue_detail_data(issue: Issue, *, request: Any = None) -> dict[str, Any]:
    """The issue detail: what the API serves, the JSON export writes and webhooks carry."""
    context = {
        "request": request,
        "base_url": base_url(request),
        "content": issue_representation_content(issue),
    }
    return IssueDetailOutput(issue, context=context).data
