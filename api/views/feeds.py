"""Feeds under sources, and each digest's inbox of what they bring."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import WRITE_ERRORS, ApiListView, ApiView, errors, id_parameter, parse_id
from api.errors import Conflict
from api.fields import SlugReference
from api.filters import DateTimeFilter
from digest.models import Digest
from digest.representation import DateTimeOutput
from feeds.models import Feed, InboxItem
from feeds.selectors import inbox_candidates
from feeds.services import inbox_triage, last_checked
from sources.models import Source

AUTH_READ_ERRORS = (400, 401, 403, 404, 429)
SLUG = OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH)
MAX_BULK = 500


class FeedOutput(serializers.ModelSerializer):
    source: serializers.SlugRelatedField[Source] = serializers.SlugRelatedField(  # type: ignore[assignment]  # a field name
        slug_field="slug", read_only=True
    )
    digest: serializers.SlugRelatedField[Digest] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    # "" for arXiv and GitHub feeds, which are a query, not an address.
    url = serializers.CharField(
        read_only=True, help_text=_("The feed's address; empty for arXiv and GitHub feeds.")
    )
    last_polled_at = serializers.SerializerMethodField()

    class Meta:
        model = Feed
        fields = [
            "id",
            "source",
            "digest",
            "kind",
            "url",
            "query",
            "title",
            "interval_minutes",
            "feed_data_is_enough",
            "active",
            "paused_reason",
            "status",
            "last_polled_at",
            "next_poll_at",
            "last_error",
            "consecutive_errors",
            "last_new_items",
            "last_skipped_items",
            "created_at",
        ]
        read_only_fields = fields

    def get_last_polled_at(self, feed: Feed) -> str | None:
        checked = last_checked(feed)
        return checked.isoformat() if checked else None


class FeedInput(serializers.ModelSerializer):
    digest = SlugReference(
        slug_field="slug", queryset=Digest.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Feed
        fields = [
            "kind",
            "url",
            "query",
            "title",
            "digest",
            "interval_minutes",
            "feed_data_is_enough",
            "active",
        ]
        extra_kwargs = {"interval_minutes": {"min_value": 1, "max_value": 7 * 24 * 60}}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        candidate = Feed(**{**self._current(), **attrs})
        candidate.clean()
        return attrs

    def _current(self) -> dict[str, Any]:
        if self.instance is None:
            return {}
        return {name: getattr(self.instance, name) for name in ("kind", "url", "query")}


def feed_save(data: FeedInput, **extra: Any) -> Feed:
    try:
        with transaction.atomic():
            return data.save(**extra)
    except IntegrityError:
        raise Conflict("another feed already has this URL or query") from None


class SourceFeedListApi(ApiListView):
    perms = {"GET": "feeds.view_feed", "POST": "feeds.add_feed"}
    serializer_class = FeedOutput
    ordering = ["id"]
    ordering_fields = ["id", "next_poll_at", "created_at"]

    def source(self) -> Source:
        source = Source.objects.filter(pk=parse_id(self.kwargs["pk"])).first()
        if source is None:
            raise NotFound("No such source.")
        return source

    def get_queryset(self) -> QuerySet[Feed]:
        if getattr(self, "swagger_fake_view", False):
            return Feed.objects.none()
        return Feed.objects.filter(source=self.source()).select_related("source", "digest")

    @extend_schema(
        parameters=[id_parameter("id", "The source's id.")],
        responses={200: FeedOutput(many=True), **errors(*AUTH_READ_ERRORS)},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        parameters=[id_parameter("id", "The source's id.")],
        request=FeedInput,
        responses={201: FeedOutput, **errors(*WRITE_ERRORS, 409)},
    )
    def post(self, request: Request, pk: str) -> Response:
        source = self.source()
        data = FeedInput(data=request.data)
        data.is_valid(raise_exception=True)
        feed = feed_save(data, source=source)
        return Response(FeedOutput(feed).data, status=status.HTTP_201_CREATED)


class FeedDetailApi(ApiView):
    perms = {
        "GET": "feeds.view_feed",
        "PATCH": "feeds.change_feed",
        "DELETE": "feeds.delete_feed",
    }
    ID = id_parameter("id", "The feed's id.")

    def feed(self, pk: str) -> Feed:
        feed = Feed.objects.select_related("source", "digest").filter(pk=parse_id(pk)).first()
        if feed is None:
            raise NotFound("No such feed.")
        return feed

    @extend_schema(parameters=[ID], responses={200: FeedOutput, **errors(*AUTH_READ_ERRORS)})
    def get(self, request: Request, pk: str) -> Response:
        return Response(FeedOutput(self.feed(pk)).data)

    @extend_schema(
        parameters=[ID],
        request=FeedInput,
        responses={200: FeedOutput, **errors(*WRITE_ERRORS, 409)},
    )
    def patch(self, request: Request, pk: str) -> Response:
        data = FeedInput(self.feed(pk), data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        return Response(FeedOutput(feed_save(data)).data)

    @extend_schema(parameters=[ID], responses={204: None, **errors(*WRITE_ERRORS)})
    def delete(self, request: Request, pk: str) -> Response:
        self.feed(pk).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class InboxArticleOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    canonical_url = serializers.CharField()
    kind = serializers.CharField()
    source = serializers.CharField(  # type: ignore[assignment]  # a field name
        source="source.name", default="", allow_blank=True
    )
    excerpt = serializers.CharField()
    published_at = DateTimeOutput(allow_null=True)
    fetch_state = serializers.CharField()


class InboxItemOutput(serializers.ModelSerializer):
    digest: serializers.SlugRelatedField[Digest] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    article = InboxArticleOutput()

    class Meta:
        model = InboxItem
        fields = ["id", "digest", "state", "arrived_at", "triaged_at", "feed", "article"]
        read_only_fields = fields


class InboxFilter(filters.FilterSet):
    state = filters.MultipleChoiceFilter(choices=InboxItem.State.choices)
    feed = filters.NumberFilter(field_name="feed_id")
    source = filters.CharFilter(field_name="article__source__slug")
    arrived_after = DateTimeFilter(field_name="arrived_at", lookup_expr="gte")
    arrived_before = DateTimeFilter(field_name="arrived_at", lookup_expr="lt")

    class Meta:
        model = InboxItem
        fields = ["state", "feed", "source", "arrived_after", "arrived_before"]


class DigestInboxApi(ApiListView):
    """A digest's inbox: shortlisted, then new, newest first; `state` also shows dismissed."""

    list_parameters = frozenset({"state"})  # ?state=new&state=shortlisted

    perms = {"GET": "feeds.view_inboxitem"}
    serializer_class = InboxItemOutput
    filterset_class = InboxFilter
    search_fields = ["article__title", "article__canonical_url"]
    ordering_fields = ["arrived_at"]

    def get_queryset(self) -> QuerySet[InboxItem]:
        if getattr(self, "swagger_fake_view", False):
            return InboxItem.objects.none()
        digest = get_object_or_404(Digest, slug=self.kwargs.get("slug", ""))
        states = self.request.query_params.getlist("state") or None
        valid = [s for s in states or [] if s in InboxItem.State.values] or None
        return inbox_candidates(digest_id=digest.pk, states=valid).select_related("digest")

    @extend_schema(
        parameters=[SLUG], responses={200: InboxItemOutput(many=True), **errors(*AUTH_READ_ERRORS)}
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class TriageInput(serializers.Serializer):
    state = serializers.ChoiceField(choices=InboxItem.State.choices)


class InboxItemApi(ApiView):
    perms = {"GET": "feeds.view_inboxitem", "PATCH": "feeds.change_inboxitem"}
    ID = id_parameter("id", "The inbox item's id.")

    def item(self, pk: str) -> InboxItem:
        item = (
            InboxItem.objects.select_related("digest", "article", "article__source")
            .filter(pk=parse_id(pk))
            .first()
        )
        if item is None:
            raise NotFound("No such inbox item.")
        return item

    @extend_schema(parameters=[ID], responses={200: InboxItemOutput, **errors(*AUTH_READ_ERRORS)})
    def get(self, request: Request, pk: str) -> Response:
        return Response(InboxItemOutput(self.item(pk)).data)

    @extend_schema(
        parameters=[ID],
        request=TriageInput,
        responses={200: InboxItemOutput, **errors(*WRITE_ERRORS)},
    )
    def patch(self, request: Request, pk: str) -> Response:
        item = self.item(pk)
        data = TriageInput(data=request.data)
        data.is_valid(raise_exception=True)
        inbox_triage(ids=[item.pk], state=data.validated_data["state"], by=request.user)
        return Response(InboxItemOutput(self.item(pk)).data)


class BulkTriageInput(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), min_length=1, max_length=MAX_BULK
    )
    state = serializers.ChoiceField(choices=InboxItem.State.choices)


class BulkTriageOutput(serializers.Serializer):
    changed = serializers.IntegerField()
    missing = serializers.ListField(child=serializers.IntegerField())


class InboxBulkTriageApi(ApiView):
    perms = {"POST": "feeds.change_inboxitem"}

    @extend_schema(
        request=BulkTriageInput, responses={200: BulkTriageOutput, **errors(*WRITE_ERRORS)}
    )
    def post(self, request: Request) -> Response:
        data = BulkTriageInput(data=request.data)
        data.is_valid(raise_exception=True)
        ids = list(dict.fromkeys(data.validated_data["ids"]))
        found = set(InboxItem.objects.filter(pk__in=ids).values_list("pk", flat=True))
        changed = inbox_triage(ids=list(found), state=data.validated_data["state"], by=request.user)
        missing = [pk for pk in ids if pk not in found]
        return Response({"changed": changed, "missing": missing})
