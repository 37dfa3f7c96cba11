"""Articles: list, create from a URL (one or many), read, edit, re-fetch."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator as DjangoPaginator
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import (
    PUBLIC,
    READ_ERRORS,
    WRITE_ERRORS,
    ApiListView,
    ApiView,
    errors,
    id_parameter,
    parse_id,
)
from api.errors import Conflict
from api.fields import Text, Url
from api.filters import ArticleFilter
from api.pagination import PageNumber
from api.selectors import articles_visible_to, can_see_all_articles, published_article_count
from articles import services
from articles.canonical import canonicalize_url
from articles.models import Article, Tag
from digest.representation import ArticleOutput
from sources.models import Source

ARTICLE_ID = id_parameter("id", "The article's id.")
MAX_BULK_URLS = 100
UNUSABLE_URL = _("not a usable URL: {reason}")


def tags_or_conflict(names: list[str]) -> list[Tag]:
    """The tags of these names, made if new; a name whose slug another tag has is a 409."""
    try:
        with transaction.atomic():
            return services.tags_from_names(names)
    except IntegrityError:
        raise Conflict(_("another tag already has the web address (slug) of this name")) from None


def visible_article(request: Request, pk: str) -> Article:
    article = articles_visible_to(request.user).filter(pk=parse_id(pk)).first()
    if article is None:
        raise NotFound(_("No such article."))
    return article


def article_data(request: Request, article: Article) -> dict[str, Any]:
    article = Article.objects.with_display_relations().get(pk=article.pk)
    return ArticleOutput(article, context={"request": request}).data


class UrlInput(serializers.Serializer):
    url = Text(max_length=2048, help_text="Any http(s) URL; variants are merged.")

    def validate_url(self, value: str) -> str:
        try:
            canonical = canonicalize_url(value)
        except ValueError as exc:  # InvalidURL, or urlsplit's own complaint about a bad host
            raise serializers.ValidationError(UNUSABLE_URL.format(reason=exc)) from None
        if len(canonical) > 2048:
            raise serializers.ValidationError(_("URL is longer than 2048 characters"))
        return value


# Query parameters that page, order or format the list without narrowing it.
UNNARROWING_PARAMS = {"page", "page_size", "ordering", "format"}


class PublishedArticlesPaginator(DjangoPaginator):
    @cached_property
    def count(self) -> int:
        return published_article_count()


class ArticlePages(PageNumber):
    """Pages of articles; the whole public list is counted from the entries alone.

    Counting it through the articles costs twice as much and grows with the archive;
    any filter (or a parameter we do not know) falls back to counting the list itself.
    """

    def paginate_queryset(self, queryset, request: Request, view=None):
        whole = set(request.query_params) <= UNNARROWING_PARAMS
        if whole and not can_see_all_articles(request.user):
            self.django_paginator_class = PublishedArticlesPaginator
        return super().paginate_queryset(queryset, request, view)


class ArticleListApi(ApiListView):
    """Articles; anonymous clients see only those that appear in a published issue."""

    perms = {"GET": PUBLIC, "POST": "articles.add_article"}
    pagination_class = ArticlePages
    serializer_class = ArticleOutput
    filterset_class = ArticleFilter
    search_fields = ["title", "canonical_url", "summary", "author", "source__name"]
    ordering_fields = ["created_at", "published_at", "updated_at", "title"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self) -> QuerySet[Article]:
        return articles_visible_to(self.request.user)

    @extend_schema(responses={200: ArticleOutput(many=True), **errors(*READ_ERRORS)})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=UrlInput,
        responses={
            201: OpenApiResponse(ArticleOutput, description="New; queued for fetching."),
            200: OpenApiResponse(ArticleOutput, description="Already known under this URL."),
            **errors(*WRITE_ERRORS),
        },
    )
    def post(self, request: Request) -> Response:
        data = UrlInput(data=request.data, context={})
        data.is_valid(raise_exception=True)
        article, created = services.article_create(url=data.validated_data["url"], by=request.user)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(article_data(request, article), status=code)


class BulkResultOutput(serializers.Serializer):
    """What happened to one URL of a bulk create."""

    url = serializers.CharField()
    canonical_url = serializers.CharField(allow_blank=True)
    id = serializers.IntegerField(allow_null=True)
    created = serializers.BooleanField()
    fetch_state = serializers.CharField(allow_null=True)
    error = serializers.CharField(allow_blank=True)


class ArticleBulkCreateApi(ApiView):
    """Many URLs at once; each gets its own result, bad ones an error instead of an id."""

    perms = {"POST": "articles.add_article"}

    class ArticleBulkInput(serializers.Serializer):
        urls = serializers.ListField(
            child=Text(max_length=4096),
            min_length=1,
            max_length=MAX_BULK_URLS,
        )

    class ArticleBulkOutput(serializers.Serializer):
        created = serializers.IntegerField()
        existing = serializers.IntegerField()
        failed = serializers.IntegerField()
        results = BulkResultOutput(many=True)

    @extend_schema(
        request=ArticleBulkInput,
        responses={200: ArticleBulkOutput, **errors(*WRITE_ERRORS)},
    )
    def post(self, request: Request) -> Response:
        data = self.ArticleBulkInput(data=request.data)
        data.is_valid(raise_exception=True)
        results = [self._add(url, request) for url in data.validated_data["urls"]]
        created = sum(1 for r in results if r.created)
        failed = sum(1 for r in results if r.error and r.article is None)
        return Response(
            {
                "created": created,
                "existing": len(results) - created - failed,
                "failed": failed,
                "results": [r.as_dict() for r in results],
            }
        )

    def _add(self, url: str, request: Request) -> services.AddResult:
        """One URL's result; a URL that cannot be parsed is an error, not a 500."""
        text = " ".join(url.split())
        try:
            canonicalize_url(text)
            return services.articles_add_from_text(text=text, by=request.user)[0]
        except ValueError as exc:
            return services.AddResult(url=url, error=UNUSABLE_URL.format(reason=exc))


class RelatedLinkInput(serializers.Serializer):
    # Declared fields leave the class body (SerializerMetaclass collects them), so a field
    # may share a name with a Field attribute such as `label` or `source`.
    label = Text(max_length=100)  # type: ignore[assignment]
    url = Url(max_length=2048)


class ArticleDetailApi(ApiView):
    """One article; PATCH records which fetched fields an editor took over."""

    perms = {"GET": PUBLIC, "PATCH": "articles.change_article"}

    class ArticleUpdateInput(serializers.Serializer):
        title = Text(required=False, allow_blank=True, max_length=500)
        author = Text(required=False, allow_blank=True, max_length=300)
        summary = Text(required=False, allow_blank=True)
        image_url = Url(required=False, allow_blank=True, max_length=2048)
        image_alt = Text(required=False, allow_blank=True, max_length=300)
        published_at = serializers.DateTimeField(required=False, allow_null=True)
        source = serializers.PrimaryKeyRelatedField(  # type: ignore[assignment]  # a field name
            required=False, allow_null=True, queryset=Source.objects.all()
        )
        tags = serializers.ListField(
            child=Text(max_length=64), required=False, max_length=50,
            help_text="Tag names; unknown ones are created.",
        )  # fmt: skip
        links = RelatedLinkInput(  # type: ignore[call-arg]  # many=True takes list kwargs
            many=True, required=False, max_length=50,
            help_text="Replaces the related links, in order.",
        )  # fmt: skip

    @extend_schema(parameters=[ARTICLE_ID], responses={200: ArticleOutput, **errors(*READ_ERRORS)})
    def get(self, request: Request, pk: str) -> Response:
        return Response(article_data(request, visible_article(request, pk)))

    @extend_schema(
        parameters=[ARTICLE_ID],
        request=ArticleUpdateInput,
        responses={200: ArticleOutput, **errors(*WRITE_ERRORS, 409)},
    )
    @transaction.atomic
    def patch(self, request: Request, pk: str) -> Response:
        article = visible_article(request, pk)
        # Every field is optional already; `partial` would also waive the required fields
        # of each related link.
        data = self.ArticleUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        links = values.pop("links", None)
        tags = values.pop("tags", None)
        services.article_update(article=article, data=values, by=request.user)
        if links is not None:
            pairs = [(link["label"], link["url"]) for link in links]
            services.article_set_links(article=article, links=pairs, by=request.user)
        if tags is not None:
            article.tags.set(tags_or_conflict(tags))
        return Response(article_data(request, article))


class ArticleRefetchApi(ApiView):
    """Queue the article for fetching again; fields an editor changed are kept."""

    perms = {"POST": "articles.change_article"}

    @extend_schema(
        parameters=[ARTICLE_ID],
        request=None,
        responses={202: ArticleOutput, **errors(*WRITE_ERRORS)},
    )
    def post(self, request: Request, pk: str) -> Response:
        article = visible_article(request, pk)
        services.articles_refetch(ids=[article.pk])
        article.refresh_from_db()
        return Response(article_data(request, article), status=status.HTTP_202_ACCEPTED)
