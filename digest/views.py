"""The public archive: thin views over digest.selectors, with CSP and HTTP caching.

Readers see published issues only; anything else is a 404, never a 403, so a draft's
existence does not leak. Staff see a draft at its public URL as a never-cached preview.
Templates get no request: what a page shows depends only on its context, which is what
makes caching a rendered issue for everyone safe.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers

from digest import caching, selectors
from digest import search as article_search
from digest.exporters.markdown import house_issue
from digest.models import Digest, Issue
from digest.search import search_articles, search_issues, search_terms

logger = logging.getLogger(__name__)

PAGE_SIZE = 20
# No inline script or style anywhere on public pages; images may come from any http(s)
# host because lead images are often shown from where the article was published.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' https: http: data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Set the Content-Security-Policy of the public archive on the view's responses."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response

    return wrapped


def ui_language(language: str | None) -> str:
    """The language of a page's own words: its digest's when the site speaks it, else the site's."""
    if language:
        try:
            return translation.get_supported_language_variant(language)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE


def render_page(template: str, context: dict) -> str:
    """Render in the page's language: the same for every reader, so one cached copy serves all."""
    with translation.override(context["ui_lang"]):
        return render_to_string(template, context)


def page_response(template: str, context: dict, *, lang: str | None = None) -> HttpResponse:
    lang = lang or settings.LANGUAGE_CODE
    context = {"lang": lang, "ui_lang": ui_language(lang), **context}
    return HttpResponse(render_page(template, context))


def paginate(request: HttpRequest, items, per_page: int = PAGE_SIZE) -> Page:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


@public_page
def home(request: HttpRequest) -> HttpResponse:
    latest = selectors.issues_content(selectors.latest_issue_per_digest())
    recent = selectors.published_issues()[:PAGE_SIZE]
    context = {"latest": latest, "recent": recent, "nav": "home"}
    return page_response("digest/home.html", context)


@public_page
def archive_index(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.published_issues())
    context = {"page": page, "years": selectors.archive_years(), "year": None, "nav": "archive"}
    return page_response("digest/archive.html", context)


@public_page
def archive_year(request: HttpRequest, year: int) -> HttpResponse:
    years = selectors.archive_years()
    if year not in years:
        raise Http404("No issues that year")
    page = paginate(request, selectors.published_issues(year=year))
    context = {"page": page, "years": years, "year": year, "nav": "archive"}
    return page_response("digest/archive.html", context)


def _visible_digest(slug: str) -> Digest:
    digest = selectors.visible_digests().filter(slug=slug).first()
    if digest is None:
        raise Http404("No such digest")
    return digest


@public_page
def digest_detail(request: HttpRequest, digest: str) -> HttpResponse:
    found = _visible_digest(digest)
    page = paginate(request, selectors.published_issues(digest=found))
    context = {"digest": found, "page": page, "years": selectors.archive_years(digest=found)}
    return page_response("digest/digest.html", context, lang=found.language)


@public_page
def issue_detail(request: HttpRequest, digest: str, number: int) -> HttpResponse:
    issue = selectors.archive_issue_get(digest_slug=digest, number=number, user=request.user)
    if issue is None:
        raise Http404("No such issue")
    if not issue.is_published():
        return render_issue_page(request, issue, preview=True)
    etag, last_modified = caching.issue_validators(issue)
    response = caching.not_modified(request, etag=etag, last_modified=last_modified)
    if response is None:
        html = render_page(*_issue_page(issue))
        response = caching.set_validators(
            HttpResponse(html), etag=etag, last_modified=last_modified
        )
    return response


def render_issue_page(request: HttpRequest, issue: Issue, *, preview: bool = False) -> HttpResponse:
    """The issue page; a preview shows a banner and is never cached, here or downstream."""
    response = HttpResponse(render_page(*_issue_page(issue, preview=preview)))
    if preview:
        add_never_cache_headers(response)
        patch_vary_headers(response, ["Cookie"])
    return response


def _issue_page(issue: Issue, *, preview: bool = False) -> tuple[str, dict]:
    content = selectors.issues_content([issue])[0]
    previous, following = selectors.issue_neighbours(issue)
    context = {
        "issue": issue,
        "digest": issue.digest,
        "content": content,
        "intro": content.intro,
        "stats_line": _stats_line(content),
        "previous": previous,
        "next": following,
        "others_number": len(content.main) + 1,
        "preview": preview,
        "lang": issue.digest.language,
        "ui_lang": ui_language(issue.digest.language),
        "lead_entry": content.main[0] if content.main else None,
    }
    return "digest/issue.html", context


def _stats_line(content: selectors.IssueContent) -> str:
    """The house-style stats line; an issue the house style cannot write shows none."""
    try:
        return house_issue(content).stats_line
    except ValueError as error:
        logger.warning("no stats line for issue %s: %s", content.issue.pk, error)
        return content.issue.stats_override


@public_page
def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag = selectors.tag_for_reader(slug)
    if tag is None:
        raise Http404("No such tag")
    page = paginate(request, selectors.published_articles().filter(tags=tag))
    return page_response("digest/articles.html", {"tag": tag, "page": page})


@public_page
def source_detail(request: HttpRequest, slug: str) -> HttpResponse:
    source = selectors.source_for_reader(slug)
    if source is None:
        raise Http404("No such publication")
    page = paginate(request, selectors.published_articles().filter(source=source))
    return page_response("digest/articles.html", {"source": source, "page": page})


@public_page
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    terms = search_terms(query)
    context = {"query": " ".join(terms), "searched": bool(terms), "issues": [], "page": None}
    if terms:
        context["issues"] = list(search_issues(terms)[:PAGE_SIZE])
        page = paginate(request, search_articles(terms))
        context["page"] = page
        # A search lists at most MAX_RESULTS articles: say so rather than give that as the total.
        context["results_capped"] = page.paginator.count >= article_search.MAX_RESULTS
    return page_response("digest/search.html", context)
