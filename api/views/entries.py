"""An issue's entries: add, read, update overrides, move, reorder, remove."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import (
    IF_MATCH,
    MAX_ID,
    MAX_POSITIVE_INT,
    PUBLIC,
    READ_ERRORS,
    WRITE_ERRORS,
    ApiView,
    errors,
    id_parameter,
    parse_id,
)
from api.errors import Conflict
from api.fields import Text, UniqueList
from api.selectors import issues_visible_to
from api.views.articles import UNUSABLE_URL
from api.views.issues import ISSUE_ID, expected_revision, refusals_answered
from articles import services as article_services
from articles.models import Article
from digest import services
from digest.models import Entry, Issue
from digest.representation import (
    EntryOutput,
    IssueEntriesOutput,
    issue_representation_content,
    numbered,
)
from digest.selectors import entries_queryset

ENTRY_ID = id_parameter("entry_id", "The entry's id.")
CHANGE_ISSUE = "digest.change_issue"
SECTION_HELP = "`main` (the numbered list) or `others` (the closing list of links)."


def visible_issue_plain(request: Request, pk: str) -> Issue:
    issue = issues_visible_to(request.user).filter(pk=parse_id(pk)).first()
    if issue is None:
        raise NotFound(_("No such issue."))
    return issue


def issue_entry(request: Request, pk: str, entry_id: str) -> Entry:
    issue = visible_issue_plain(request, pk)
    entries: QuerySet[Entry] = entries_queryset().select_related("issue__digest")
    entry = entries.filter(issue=issue, pk=parse_id(entry_id, "entry_id")).first()
    if entry is None:
        raise NotFound(_("No such entry in this issue."))
    before = Q(position__lt=entry.position) | Q(position=entry.position, pk__lt=entry.pk)
    siblings = Entry.objects.filter(issue=issue, section=entry.section)
    entry.number_in_section = siblings.filter(before).count() + 1
    return entry


def check_position_free(issue: Issue, position: int | None, entry: Entry | None = None) -> None:
    """Two entries at one position have no defined order: refuse, and point to reordering."""
    if position is None:
        return
    taken = Entry.objects.filter(issue=issue, position=position)
    if entry is not None:
        taken = taken.exclude(pk=entry.pk)
    holder = taken.values_list("pk", flat=True).first()
    if holder is not None:
        raise Conflict(
            _(
                "position {position} is taken by entry {entry}; "
                "reorder the entries to change several positions at once"
            ).format(position=position, entry=holder)
        )


def entries_data(request: Request, issue: Issue) -> dict[str, Any]:
    content = issue_representation_content(issue)
    sections = {"main": numbered(content.main), "others": numbered(content.others)}
    return IssueEntriesOutput(sections, context={"request": request}).data


class EntryListApi(ApiView):
    """The issue's entries by section; POST adds an article (by id or URL)."""

    perms = {"GET": PUBLIC, "POST": CHANGE_ISSUE}

    class EntryAddInput(serializers.Serializer):
        one_of_required = [["article"], ["url"]]

        article = serializers.IntegerField(
            required=False, min_value=1, max_value=MAX_ID, help_text="An existing article's id."
        )
        url = Text(
            required=False, max_length=2048, help_text="Or a URL: the article is found or created."
        )
        section = serializers.ChoiceField(
            choices=Entry.Section.choices, default=Entry.Section.MAIN, help_text=SECTION_HELP
        )
        position = serializers.IntegerField(
            required=False, min_value=1, max_value=MAX_POSITIVE_INT,
            help_text="Leave out to append; a taken position is refused.",
        )  # fmt: skip

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if ("article" in attrs) == ("url" in attrs):
                raise serializers.ValidationError(_("give either `article` or `url`, not both"))
            return attrs

    @extend_schema(
        operation_id="v1_issues_entries_list",
        parameters=[ISSUE_ID],
        responses={200: IssueEntriesOutput, **errors(*READ_ERRORS)},
    )
    def get(self, request: Request, pk: str) -> Response:
        return Response(entries_data(request, visible_issue_plain(request, pk)))

    @extend_schema(
        parameters=[ISSUE_ID, IF_MATCH],
        request=EntryAddInput,
        responses={
            201: OpenApiResponse(EntryOutput, description="Added."),
            200: OpenApiResponse(EntryOutput, description="The article was already in the issue."),
            **errors(*WRITE_ERRORS, 409, 412),
        },
    )
    def post(self, request: Request, pk: str) -> Response:
        issue = visible_issue_plain(request, pk)
        data = self.EntryAddInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        check_position_free(issue, values.get("position"))
        article = self._article(request, values)
        with refusals_answered():
            entry, created = services.entry_add(
                issue=issue,
                article=article,
                section=values["section"],
                position=values.get("position"),
                by=request.user,
                expected_revision=expected_revision(request, pk),
            )
        entry = issue_entry(request, pk, str(entry.pk))
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(EntryOutput(entry, context={"request": request}).data, status=code)

    def _article(self, request: Request, values: dict[str, Any]) -> Article:
        if "article" in values:
            article = Article.objects.filter(pk=values["article"]).first()
            if article is None:
                raise NotFound(_("No such article."))
            return article
        if not request.user.has_perm("articles.add_article"):
            raise PermissionDenied(_("adding an article by URL needs the add_article permission"))
        try:
            article, _created = article_services.article_create(url=values["url"], by=request.user)
        except ValueError as exc:  # InvalidURL, or urlsplit's own complaint about a bad host
            raise serializers.ValidationError({"url": [UNUSABLE_URL.format(reason=exc)]}) from None
        return article


class EntryDetailApi(ApiView):
    """One entry; PATCH changes its overrides, DELETE takes it out of a draft."""

    perms = {"GET": PUBLIC, "PATCH": CHANGE_ISSUE, "DELETE": CHANGE_ISSUE}

    class EntryUpdateInput(serializers.Serializer):
        title_override = Text(required=False, allow_blank=True, max_length=500)
        summary_override = Text(required=False, allow_blank=True)

    @extend_schema(
        parameters=[ISSUE_ID, ENTRY_ID], responses={200: EntryOutput, **errors(*READ_ERRORS)}
    )
    def get(self, request: Request, pk: str, entry_id: str) -> Response:
        entry = issue_entry(request, pk, entry_id)
        return Response(EntryOutput(entry, context={"request": request}).data)

    @extend_schema(
        parameters=[ISSUE_ID, ENTRY_ID, IF_MATCH],
        request=EntryUpdateInput,
        responses={200: EntryOutput, **errors(*WRITE_ERRORS, 412)},
    )
    def patch(self, request: Request, pk: str, entry_id: str) -> Response:
        entry = issue_entry(request, pk, entry_id)
        data = self.EntryUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        with refusals_answered():
            services.entry_update(
                entry=entry,
                data=data.validated_data,
                by=request.user,
                expected_revision=expected_revision(request, pk),
            )
        entry = issue_entry(request, pk, entry_id)
        return Response(EntryOutput(entry, context={"request": request}).data)

    @extend_schema(
        parameters=[ISSUE_ID, ENTRY_ID, IF_MATCH],
        responses={204: OpenApiResponse(description="Removed."), **errors(*WRITE_ERRORS, 409, 412)},
    )
    def delete(self, request: Request, pk: str, entry_id: str) -> Response:
        entry = issue_entry(request, pk, entry_id)
        with refusals_answered():
            services.entry_remove(
                entry=entry, by=request.user, expected_revision=expected_revision(request, pk)
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


class EntryMoveApi(ApiView):
    """Move an entry to the other section, optionally to a free position."""

    perms = {"POST": CHANGE_ISSUE}

    class EntryMoveInput(serializers.Serializer):
        section = serializers.ChoiceField(choices=Entry.Section.choices, help_text=SECTION_HELP)
        position = serializers.IntegerField(required=False, min_value=1, max_value=MAX_POSITIVE_INT)

    @extend_schema(
        parameters=[ISSUE_ID, ENTRY_ID, IF_MATCH],
        request=EntryMoveInput,
        responses={200: EntryOutput, **errors(*WRITE_ERRORS, 409, 412)},
    )
    def post(self, request: Request, pk: str, entry_id: str) -> Response:
        entry = issue_entry(request, pk, entry_id)
        data = self.EntryMoveInput(data=request.data)
        data.is_valid(raise_exception=True)
        check_position_free(entry.issue, data.validated_data.get("position"), entry)
        with refusals_answered():
            services.entry_move(
                entry=entry,
                **data.validated_data,
                by=request.user,
                expected_revision=expected_revision(request, pk),
            )
        entry = issue_entry(request, pk, entry_id)
        return Response(EntryOutput(entry, context={"request": request}).data)


class EntryReorderApi(ApiView):
    """Set the order of all the issue's entries at once."""

    perms = {"POST": CHANGE_ISSUE}

    class EntryReorderInput(serializers.Serializer):
        entries = UniqueList(
            child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
            min_length=1,
            max_length=1000,
            help_text="Every entry id of the issue, once each, in the new order.",
        )

        def validate_entries(self, value: list[int]) -> list[int]:
            repeated = sorted(i for i, n in Counter(value).items() if n > 1)
            if repeated:
                raise serializers.ValidationError(
                    _("entries listed more than once: {ids}").format(
                        ids=", ".join(map(str, repeated))
                    )
                )
            return value

    @extend_schema(
        parameters=[ISSUE_ID, IF_MATCH],
        request=EntryReorderInput,
        responses={200: IssueEntriesOutput, **errors(*WRITE_ERRORS, 409, 412)},
    )
    def post(self, request: Request, pk: str) -> Response:
        issue = visible_issue_plain(request, pk)
        data = self.EntryReorderInput(data=request.data)
        data.is_valid(raise_exception=True)
        # The list names other entries than the issue has now: a stale view of it.
        with refusals_answered():
            services.entries_reorder(
                issue=issue,
                entry_ids=data.validated_data["entries"],
                by=request.user,
                expected_revision=expected_revision(request, pk),
            )
        return Response(entries_data(request, issue))
