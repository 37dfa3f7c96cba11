"""An issue's revisions: list them, read one as Markdown, restore one."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpResponseBase
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import (
    IF_MATCH,
    MAX_POSITIVE_INT,
    VALIDATORS,
    WRITE_ERRORS,
    ApiListView,
    ApiView,
    errors,
    id_parameter,
    parse_id,
)
from api.views.issues import (
    ISSUE_ID,
    expected_revision,
    issue_detail_response,
    refusals_answered,
    visible_issue,
)
from digest.models import IssueRevision
from digest.representation import IssueDetailOutput, Output
from digest.revisions import revision_markdown, revision_restore, revisions_diff
from digest.selectors import issue_revisions

# A revision may show a draft's content, so reading one takes what reading drafts takes.
READ_REVISIONS = "digest.view_issue"
AUTH_READ_ERRORS = (400, 401, 403, 404, 429)
REVISION_NUMBER = id_parameter("number", "The revision's number in its issue.", MAX_POSITIVE_INT)


class RevisionOutput(Output):
    """One saved revision of an issue: who made it, when, and what it changed."""

    author = serializers.SerializerMethodField(help_text="The author's username; null if unknown.")

    class Meta:
        model = IssueRevision
        fields = ["number", "author", "created_at", "summary"]

    def get_author(self, revision: IssueRevision) -> str | None:
        return revision.author.get_username() if revision.author else None


class RevisionDetailOutput(RevisionOutput):
    """A revision with the issue's Markdown export as it then was."""

    markdown = serializers.SerializerMethodField(
        help_text="The issue's house-style Markdown export as this revision had it; entries "
        "whose article has been deleted since are left out."
    )

    class Meta(RevisionOutput.Meta):
        fields = [*RevisionOutput.Meta.fields, "markdown"]

    def get_markdown(self, revision: IssueRevision) -> str:
        return revision_markdown(revision)


class SegmentOutput(serializers.Serializer):
    text = serializers.CharField()
    changed = serializers.BooleanField(help_text="Differs from the other side of the line.")


class DiffLineOutput(serializers.Serializer):
    kind = serializers.ChoiceField(["same", "added", "removed", "changed"])
    old = SegmentOutput(many=True, help_text="The line in the older revision; empty if added.")
    new = SegmentOutput(many=True, help_text="The line in the newer revision; empty if removed.")


class RevisionDiffOutput(serializers.Serializer):
    """Two revisions compared: their title, number, date, status and Markdown, line by line."""

    # `from` is a Python keyword: declared through the fields mapping instead.
    to = serializers.IntegerField(help_text="The revision compared.")
    lines = DiffLineOutput(many=True)

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = serializers.IntegerField(help_text="The revision compared against.")
        return fields


def revision_or_404(request: Request, pk: str, number: str, name: str = "number") -> IssueRevision:
    issue = visible_issue(request, pk)
    revision = (
        issue_revisions(issue=issue)
        .select_related("issue__digest")
        .filter(number=parse_id(number, name, MAX_POSITIVE_INT))
        .first()
    )
    if revision is None:
        raise NotFound(_("No such revision of this issue."))
    return revision


class RevisionListApi(ApiListView):
    """The issue's revisions, newest first: who changed it, when, and what."""

    perms = {"GET": READ_REVISIONS}
    serializer_class = RevisionOutput
    queryset = IssueRevision.objects.none()  # for the schema; get_queryset is per issue

    def get_queryset(self) -> QuerySet[IssueRevision]:
        return issue_revisions(issue=self.kwargs["issue"])

    @extend_schema(
        parameters=[ISSUE_ID],
        responses={200: RevisionOutput(many=True), **errors(*AUTH_READ_ERRORS)},
    )
    def get(self, request: Request, pk: str) -> Response:
        self.kwargs["issue"] = visible_issue(request, pk)
        return super().get(request)


class RevisionDetailApi(ApiView):
    """One revision, with the issue's Markdown export as it then was."""

    perms = {"GET": READ_REVISIONS}

    @extend_schema(
        parameters=[ISSUE_ID, REVISION_NUMBER],
        responses={200: RevisionDetailOutput, **errors(*AUTH_READ_ERRORS)},
    )
    def get(self, request: Request, pk: str, number: str) -> Response:
        return Response(RevisionDetailOutput(revision_or_404(request, pk, number)).data)


class RevisionRestoreApi(ApiView):
    """Make a draft what this revision was, recorded as a new revision; 409 if published."""

    perms = {"POST": "digest.change_issue"}

    @extend_schema(
        parameters=[ISSUE_ID, REVISION_NUMBER, IF_MATCH, *VALIDATORS],
        request=None,
        responses={200: IssueDetailOutput, **errors(*WRITE_ERRORS, 409, 412)},
    )
    def post(self, request: Request, pk: str, number: str) -> HttpResponseBase:
        revision = revision_or_404(request, pk, number)
        with refusals_answered():
            revision_restore(
                issue=revision.issue,
                number=revision.number,
                by=request.user,
                expected_revision=expected_revision(request, pk),
            )
        return issue_detail_response(request, visible_issue(request, pk))


class RevisionDiffApi(ApiView):
    """What changed from one revision to this one, line by line, with the changed words
    (or CJK characters) of each changed line marked."""

    perms = {"GET": READ_REVISIONS}

    @extend_schema(
        parameters=[
            ISSUE_ID,
            REVISION_NUMBER,
            OpenApiParameter(
                "from",
                {"type": "integer", "minimum": 1, "maximum": MAX_POSITIVE_INT},
                description="The revision to compare against; the one before by default.",
            ),
        ],
        responses={200: RevisionDiffOutput, **errors(*AUTH_READ_ERRORS)},
    )
    def get(self, request: Request, pk: str, number: str) -> Response:
        revision = revision_or_404(request, pk, number)
        raw = request.query_params.get("from")
        if raw is None:
            older = revision_or_404(request, pk, str(max(revision.number - 1, 1)))
        else:
            older = revision_or_404(request, pk, raw, "from")
        lines = revisions_diff(issue=revision.issue, old=older.number, new=revision.number)
        data = {"from": older.number, "to": revision.number, "lines": lines}
        return Response(RevisionDiffOutput(data).data)
