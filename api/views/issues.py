"""Issues: list, create, read (by id or digest and number), update, publish, export."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpResponseBase
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers, serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from api.base import (
    IF_MATCH,
    MAX_POSITIVE_INT,
    PUBLIC,
    READ_ERRORS,
    VALIDATORS,
    WRITE_ERRORS,
    ApiListView,
    ApiView,
    errors,
    id_parameter,
    parse_id,
)
from api.errors import BadRequest, Conflict, PreconditionFailed
from api.fields import Text
from api.filters import IssueFilter
from api.selectors import (
    issue_etag,
    issue_last_modified,
    issue_with_version,
    issues_visible_to,
)
from digest import services
from digest.exporters import ExportFormat, export_filename, export_issue
from digest.models import Digest, Issue
from digest.permissions import TWO_FACTOR_TO_PUBLISH, publishing_needs_two_factor
from digest.representation import IssueDetailOutput, IssueOutput, issue_detail_data

ISSUE_ID = id_parameter("id", "The issue's id.")
CONDITIONAL = [
    OpenApiParameter("If-None-Match", str, OpenApiParameter.HEADER, required=False),
    OpenApiParameter("If-Modified-Since", str, OpenApiParameter.HEADER, required=False),
]
NOT_MODIFIED = OpenApiResponse(description="Not modified since the given ETag or date.")


def refuse_without_two_factor(request: Request) -> None:
    """A group that must use two-factor publishes from a verified admin session, never a token."""
    if publishing_needs_two_factor(request.user):
        raise PermissionDenied(TWO_FACTOR_TO_PUBLISH)


def visible_issue(request: Request, pk: str) -> Issue:
    """The issue if this client may see it; drafts are a 404 to outsiders, not a 403."""
    issue = issue_with_version(issues_visible_to(request.user), pk=parse_id(pk))
    if issue is None:
        raise NotFound(_("No such issue."))
    return issue


@contextmanager
def refusals_answered() -> Iterator[None]:
    """Answer the services' refusals of an issue write: a stale revision 412, a change the
    issue cannot take (a published issue losing an entry, a taken position...) 409."""
    try:
        yield
    except services.StaleRevision:
        raise PreconditionFailed() from None
    except services.IssueError as exc:
        raise Conflict(str(exc)) from None


def expected_revision(request: Request, pk: str) -> int | None:
    """The revision a write is based on, from `If-Match`; None when the client sent none.

    `If-Match` names the ETag of the issue's GET. When it is current, the write goes to the
    services with the revision that ETag stood for, so a change saved in between (even in the
    instant after this check) is refused there with StaleRevision, and answered 412 too.
    """
    header = request.headers.get("If-Match", "").strip()
    if not header:
        return None
    issue = visible_issue(request, pk)
    current = issue_etag(issue)
    tags = {tag.strip().removeprefix("W/").strip('"') for tag in header.split(",")}
    if "*" in tags or current in tags:
        return issue.revision
    raise PreconditionFailed()


def issue_detail_response(request: Request, issue: Issue) -> HttpResponseBase:
    """The issue's detail with validators; a 304 when the client's copy is current."""
    etag = f'"{issue_etag(issue)}"'
    last_modified = int(issue_last_modified(issue).timestamp())
    response: HttpResponseBase | None = None
    # Only a read is answered from the client's validators: after a write they name the
    # version the client saw before it, which this new version never matches.
    if request.method in ("GET", "HEAD"):
        response = get_conditional_response(
            request._request, etag=etag, last_modified=last_modified
        )
    if response is None:
        response = Response(issue_detail_data(issue, request=request))
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = (
        "public, max-age=60" if issue.is_published() else "private, no-cache"
    )
    return response


class IssueListApi(ApiListView):
    """Issues, newest first; anonymous clients see published issues only."""

    perms = {"GET": PUBLIC, "POST": "digest.add_issue"}
    serializer_class = IssueOutput
    filterset_class = IssueFilter
    search_fields = ["title", "intro", "digest__name"]
    ordering_fields = ["number", "issue_date", "published_at", "updated_at", "created_at"]
    ordering = ["-issue_date", "-number"]

    class IssueCreateInput(serializers.Serializer):
        digest = Text(max_length=100, help_text="The digest's slug.")
        number = serializers.IntegerField(
            required=False, min_value=1, max_value=MAX_POSITIVE_INT,
            help_text="Leave out to take the digest's next number.",
        )  # fmt: skip
        issue_date = serializers.DateField(required=False)
        title = Text(required=False, default="", allow_blank=True, max_length=200)
        intro = Text(
            required=False, allow_blank=True, help_text="Defaults to the digest's intro template."
        )

    def get_queryset(self) -> QuerySet[Issue]:
        return issues_visible_to(self.request.user)

    @extend_schema(responses={200: IssueOutput(many=True), **errors(*READ_ERRORS)})
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=IssueCreateInput,
        parameters=VALIDATORS,
        responses={201: IssueDetailOutput, **errors(*WRITE_ERRORS, 409)},
    )
    def post(self, request: Request) -> HttpResponseBase:
        data = self.IssueCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        digest = Digest.objects.filter(slug=values.pop("digest")).first()
        if digest is None:
            raise NotFound(_("No such digest."))
        if "number" not in values:
            issue_date = values.get("issue_date") or timezone.localdate()
            if services.next_issue_number(digest=digest, issue_date=issue_date) > MAX_POSITIVE_INT:
                raise Conflict(_("the digest has no issue number left for this date"))
        try:
            issue = services.issue_create(digest=digest, **values, by=request.user)
        except services.IssueError as exc:
            raise Conflict(str(exc)) from None
        response = issue_detail_response(request, visible_issue(request, str(issue.pk)))
        response.status_code = status.HTTP_201_CREATED
        return response


class IssueDetailApi(ApiView):
    """One issue with its entries; ETag and Last-Modified allow conditional GETs."""

    perms = {"GET": PUBLIC, "PATCH": "digest.change_issue"}

    class IssueUpdateInput(serializers.Serializer):
        number = serializers.IntegerField(required=False, min_value=1, max_value=MAX_POSITIVE_INT)
        title = Text(required=False, allow_blank=True, max_length=200)
        issue_date = serializers.DateField(required=False)
        intro = Text(required=False, allow_blank=True)
        stats_override = Text(required=False, allow_blank=True, max_length=200)

    @extend_schema(
        parameters=[ISSUE_ID, *CONDITIONAL, *VALIDATORS],
        responses={200: IssueDetailOutput, 304: NOT_MODIFIED, **errors(*READ_ERRORS)},
    )
    def get(self, request: Request, pk: str) -> HttpResponseBase:
        return issue_detail_response(request, visible_issue(request, pk))

    @extend_schema(
        parameters=[ISSUE_ID, IF_MATCH, *VALIDATORS],
        request=IssueUpdateInput,
        responses={200: IssueDetailOutput, **errors(*WRITE_ERRORS, 409, 412)},
    )
    def patch(self, request: Request, pk: str) -> HttpResponseBase:
        issue = visible_issue(request, pk)
        data = self.IssueUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        with refusals_answered():
            services.issue_update(
                issue=issue,
                data=data.validated_data,
                by=request.user,
                expected_revision=expected_revision(request, pk),
            )
        return issue_detail_response(request, visible_issue(request, pk))


class DigestIssueDetailApi(ApiView):
    """One issue addressed the way readers cite it: digest slug and issue number."""

    perms = {"GET": PUBLIC}

    @extend_schema(
        parameters=[
            OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH),
            id_parameter("number", "The issue's number in its digest.", MAX_POSITIVE_INT),
            *CONDITIONAL,
            *VALIDATORS,
        ],
        responses={200: IssueDetailOutput, 304: NOT_MODIFIED, **errors(*READ_ERRORS)},
    )
    def get(self, request: Request, slug: str, number: str) -> HttpResponseBase:
        issue = issue_with_version(
            issues_visible_to(request.user),
            digest__slug=slug,
            number=parse_id(number, "number", MAX_POSITIVE_INT),
        )
        if issue is None:
            raise NotFound(_("No such issue."))
        return issue_detail_response(request, issue)


class IssuePublishApi(ApiView):
    """Publish now, or schedule for `at`; Editors only."""

    perms = {"POST": "digest.publish_issue"}

    class IssuePublishInput(serializers.Serializer):
        at = serializers.DateTimeField(
            required=False, allow_null=True, help_text="A future time schedules the issue."
        )

    @extend_schema(
        parameters=[ISSUE_ID, IF_MATCH, *VALIDATORS],
        request=IssuePublishInput,
        responses={200: IssueDetailOutput, **errors(*WRITE_ERRORS, 409, 412)},
    )
    def post(self, request: Request, pk: str) -> HttpResponseBase:
        refuse_without_two_factor(request)
        issue = visible_issue(request, pk)
        data = self.IssuePublishInput(data=request.data)
        data.is_valid(raise_exception=True)
        with refusals_answered():
            services.issue_publish(
                issue=issue,
                at=data.validated_data.get("at"),
                by=request.user,
                expected_revision=expected_revision(request, pk),
            )
        return issue_detail_response(request, visible_issue(request, pk))


class IssueUnpublishApi(ApiView):
    """Take an issue back to draft; Editors only."""

    perms = {"POST": "digest.publish_issue"}

    @extend_schema(
        parameters=[ISSUE_ID, IF_MATCH, *VALIDATORS],
        request=None,
        responses={200: IssueDetailOutput, **errors(*WRITE_ERRORS, 412)},
    )
    def post(self, request: Request, pk: str) -> HttpResponseBase:
        refuse_without_two_factor(request)
        issue = visible_issue(request, pk)
        with refusals_answered():
            services.issue_unpublish(
                issue=issue, by=request.user, expected_revision=expected_revision(request, pk)
            )
        return issue_detail_response(request, visible_issue(request, pk))


class ExportRenderer(renderers.BaseRenderer):
    """Passes an export's text through; `format` selects it (?format= or Accept)."""

    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context=None):
        return data.encode(self.charset) if isinstance(data, str) else data


class MarkdownExportRenderer(ExportRenderer):
    media_type = "text/markdown"
    format = ExportFormat.MARKDOWN.value


class HtmlExportRenderer(ExportRenderer):
    media_type = "text/html"
    format = ExportFormat.HTML.value


class JsonExportRenderer(ExportRenderer):
    media_type = "application/json"
    format = ExportFormat.JSON.value


FORMATS = ", ".join(ExportFormat.values)


class IssueExportApi(ApiView):
    """The issue as a file: `?format=markdown` (default), `html` or `json`."""

    perms = {"GET": PUBLIC}
    renderer_classes = [MarkdownExportRenderer, HtmlExportRenderer, JsonExportRenderer]

    @extend_schema(
        parameters=[
            ISSUE_ID,
            OpenApiParameter(
                "download", OpenApiTypes.BOOL, description="Send as an attachment.", default=False
            ),
        ],
        responses={
            (200, "text/markdown"): OpenApiResponse(OpenApiTypes.STR, description="House style."),
            (200, "text/html"): OpenApiResponse(OpenApiTypes.STR, description="A web page."),
            (200, "application/json"): OpenApiResponse(
                IssueDetailOutput, description="The issue detail with its schema_version."
            ),
            **{
                (code, "application/json"): response
                for code, response in errors(*READ_ERRORS).items()
            },
        },
    )
    def get(self, request: Request, pk: str) -> HttpResponseBase:
        issue = visible_issue(request, pk)
        download = request.query_params.getlist("download")
        if not set(download) <= {"true", "false"}:
            raise BadRequest(_("download must be true or false"))
        fmt = ExportFormat(request.accepted_renderer.format)
        response = Response(export_issue(issue, fmt), content_type=fmt.content_type)
        if "true" in download:
            response["Content-Disposition"] = (
                f'attachment; filename="{export_filename(issue, fmt)}"'
            )
        return response

    def perform_content_negotiation(self, request: Request, force: bool = False):
        if request.query_params.get("format") == "":
            raise BadRequest(_("format must be one of {formats}").format(formats=FORMATS))
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:
            raise BadRequest(_("format must be one of {formats}").format(formats=FORMATS)) from None

    def finalize_response(self, request: Request, response, *args: Any, **kwargs: Any):
        # Errors keep the API's JSON error shape whatever export format was asked for.
        if isinstance(response, Response) and response.status_code >= 400:
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)
