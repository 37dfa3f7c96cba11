"""Digests, sources and tags: the catalogue editors and integrations look things up in."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import (
    AUTHENTICATED,
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
from api.fields import StrictModelSerializer, Text
from api.filters import IssueFilter, SourceFilter
from api.selectors import issues_visible_to
from articles.models import Tag
from digest.models import Digest, Issue
from digest.representation import (
    DigestOutput,
    IssueOutput,
    SourceKindField,
    SourceOutput,
    TagOutput,
)
from sources.models import Source

AUTH_READ_ERRORS = (400, 401, 403, 404, 429)
SLUG = OpenApiParameter(
    "slug", {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}, OpenApiParameter.PATH
)


class DigestListApi(ApiListView):
    perms = {"GET": "digest.view_digest"}
    serializer_class = DigestOutput
    queryset = Digest.objects.all()
    search_fields = ["name", "description"]
    ordering_fields = ["name", "created_at"]
    ordering = ["name"]

    @extend_schema(responses={200: DigestOutput(many=True), **errors(*AUTH_READ_ERRORS)})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class DigestDetailApi(ApiView):
    perms = {"GET": "digest.view_digest"}

    @extend_schema(parameters=[SLUG], responses={200: DigestOutput, **errors(*AUTH_READ_ERRORS)})
    def get(self, request: Request, slug: str) -> Response:
        digest = get_object_or_404(Digest, slug=slug)
        return Response(DigestOutput(digest, context={"request": request}).data)


class DigestIssueListApi(ApiListView):
    """A digest's issues; anonymous clients see published issues only."""

    perms = {"GET": PUBLIC}
    serializer_class = IssueOutput
    filterset_class = IssueFilter
    search_fields = ["title", "intro"]
    ordering_fields = ["number", "issue_date", "published_at", "updated_at"]
    ordering = ["-number"]

    def get_queryset(self) -> QuerySet[Issue]:
        slug = self.kwargs.get("slug", "")
        return issues_visible_to(self.request.user).filter(digest__slug=slug)

    @extend_schema(
        parameters=[SLUG], responses={200: IssueOutput(many=True), **errors(*READ_ERRORS)}
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not Digest.objects.filter(slug=kwargs["slug"]).exists():
            raise NotFound(_("No such digest."))
        return super().get(request, *args, **kwargs)


class SourceInput(StrictModelSerializer):
    kind = SourceKindField(required=False)

    class Meta:
        model = Source
        fields = ["name", "kind", "homepage", "description", "wechat_biz", "domain"]
        # A clash with another source is the database's to find, under the lock of the
        # insert, and a 409 (source_save), not a racy 400 from a look-up before it.
        validators: list = []


def source_save(data: SourceInput) -> Source:
    """Save a source; a clash with another's name or WeChat id is a 409."""
    try:
        with transaction.atomic():
            return data.save()
    except IntegrityError:
        raise Conflict(
            _("another source already has this name (for its kind) or WeChat id")
        ) from None


class SourceListApi(ApiListView):
    perms = {"GET": "sources.view_source", "POST": "sources.add_source"}
    serializer_class = SourceOutput
    queryset = Source.objects.all()
    filterset_class = SourceFilter
    search_fields = ["name", "domain", "description"]
    ordering_fields = ["name", "created_at", "updated_at"]
    ordering = ["name"]

    @extend_schema(responses={200: SourceOutput(many=True), **errors(*AUTH_READ_ERRORS)})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(request=SourceInput, responses={201: SourceOutput, **errors(*WRITE_ERRORS, 409)})
    def post(self, request: Request) -> Response:
        data = SourceInput(data=request.data)
        data.is_valid(raise_exception=True)
        source = source_save(data)
        return Response(
            SourceOutput(source, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class SourceDetailApi(ApiView):
    perms = {"GET": "sources.view_source", "PATCH": "sources.change_source"}
    ID = id_parameter("id", "The source's id.")

    def source(self, pk: str) -> Source:
        source = Source.objects.filter(pk=parse_id(pk)).first()
        if source is None:
            raise NotFound(_("No such source."))
        return source

    @extend_schema(parameters=[ID], responses={200: SourceOutput, **errors(*AUTH_READ_ERRORS)})
    def get(self, request: Request, pk: str) -> Response:
        return Response(SourceOutput(self.source(pk), context={"request": request}).data)

    @extend_schema(
        parameters=[ID],
        request=SourceInput,
        responses={200: SourceOutput, **errors(*WRITE_ERRORS, 409)},
    )
    def patch(self, request: Request, pk: str) -> Response:
        data = SourceInput(self.source(pk), data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        source = source_save(data)
        return Response(SourceOutput(source, context={"request": request}).data)


class TagListApi(ApiListView):
    perms = {"GET": AUTHENTICATED, "POST": "articles.add_tag"}
    serializer_class = TagOutput
    queryset = Tag.objects.all()
    search_fields = ["name"]
    ordering_fields = ["name"]
    ordering = ["name"]

    class TagCreateInput(serializers.Serializer):
        name = Text(max_length=64)

    @extend_schema(responses={200: TagOutput(many=True), **errors(*AUTH_READ_ERRORS)})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=TagCreateInput,
        responses={201: TagOutput, 200: TagOutput, **errors(*WRITE_ERRORS, 409)},
    )
    def post(self, request: Request) -> Response:
        from api.views.articles import tags_or_conflict

        data = self.TagCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        name = data.validated_data["name"].strip()
        existed = Tag.objects.filter(name__iexact=name).exists()
        tags = tags_or_conflict([name])
        if not tags:
            raise serializers.ValidationError({"name": [_("a tag needs a name")]})
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(TagOutput(tags[0], context={"request": request}).data, status=code)


class TagDetailApi(ApiView):
    perms = {"GET": AUTHENTICATED}
    ID = id_parameter("id", "The tag's id.")

    @extend_schema(parameters=[ID], responses={200: TagOutput, **errors(*AUTH_READ_ERRORS)})
    def get(self, request: Request, pk: str) -> Response:
        tag = Tag.objects.filter(pk=parse_id(pk)).first()
        if tag is None:
            raise NotFound(_("No such tag."))
        return Response(TagOutput(tag, context={"request": request}).data)
