"""HTTP validators for the public archive, so a conditional GET is answered without rendering.

Validators come from data that is cheap to read (row timestamps, counts) and the content
version (digest/pagecache.py), which covers what timestamps miss: related links and tags
have none. Rendered responses are kept by the page cache, not here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

from django.db.models import Count, Max, Sum
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from digest.models import Issue
from digest.pagecache import current_version

# Bump to change every ETag after a template or rendering change ships.
RENDER_GENERATION = 1


def etag_for(*parts: object) -> str:
    """A strong ETag over the given values, the content version and the deployed assets.

    The stylesheet's URL is hashed in production, so a deploy that changes it makes new
    keys: cached pages never point at a stylesheet that is gone.
    """
    assets = (current_version(), RENDER_GENERATION, static("archive.css"))
    text = "|".join(str(part) for part in (*parts, *assets))
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def latest(times: Iterable[dt.datetime | None]) -> dt.datetime | None:
    known = [t for t in times if t is not None]
    return max(known) if known else None


def issue_validators(issue: Issue) -> tuple[str, dt.datetime]:
    """ETag and Last-Modified of a public issue page from `archive_issue_get`'s annotations."""
    annotations = [
        getattr(issue, name, None)
        for name in (
            "entries_changed_at",
            "sources_changed_at",
            "entries_count",
            "entries_key",
            "previous_number",
            "previous_title",
            "next_number",
            "next_title",
        )
    ]
    etag = etag_for("issue", issue.pk, issue.updated_at.isoformat(), issue.status, *annotations)
    last_modified = latest(
        [
            issue.updated_at,
            issue.published_at,
            getattr(issue, "entries_changed_at", None),
            getattr(issue, "sources_changed_at", None),
            getattr(issue, "next_published_at", None),
        ]
    )
    return etag, last_modified or issue.updated_at


def issues_validators(issues, *, scope: str) -> tuple[str, dt.datetime | None]:
    """ETag and Last-Modified of a list of published issues (a feed) in one aggregate."""
    facts = issues.aggregate(
        issues_changed_at=Max("updated_at"),
        issues_published_at=Max("published_at"),
        issues_count=Count("pk", distinct=True),
        issues_key=Sum("pk", distinct=True),
        entries_changed_at=Max("entries__article__updated_at"),
        sources_changed_at=Max("entries__article__source__updated_at"),
        entries_count=Count("entries", distinct=True),
    )
    etag = etag_for(scope, *(facts[name] for name in sorted(facts)))
    last_modified = latest(
        facts[name]
        for name in (
            "issues_changed_at",
            "issues_published_at",
            "entries_changed_at",
            "sources_changed_at",
        )
    )
    return etag, last_modified


def not_modified(
    request: HttpRequest, *, etag: str, last_modified: dt.datetime | None
) -> HttpResponse | None:
    """A 304 when the client's copy is current, else None (go on and render)."""
    timestamp = int(last_modified.timestamp()) if last_modified else None
    response = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if response is not None:
        response["Cache-Control"] = PUBLIC_CACHE_CONTROL
    return response


# Shared caches may keep a copy but must ask again each time: unpublishing takes effect
# at once, and the validators make asking cheap.
PUBLIC_CACHE_CONTROL = "public, no-cache"


def set_validators(
    response: HttpResponse, *, etag: str, last_modified: dt.datetime | None
) -> HttpResponse:
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    response["Cache-Control"] = PUBLIC_CACHE_CONTROL
    return response
