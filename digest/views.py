from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from digest import selectors


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "digest/home.html", {"issues": selectors.recent_published_issues()})


def issue_detail(request: HttpRequest, digest: str, number: int) -> HttpResponse:
    issue = selectors.issue_for_reader(digest_slug=digest, number=number, user=request.user)
    if issue is None:
        raise Http404("No such issue")
    return render_issue_page(request, issue, preview=not issue.is_published())


def render_issue_page(request: HttpRequest, issue, *, preview: bool = False) -> HttpResponse:
    context = selectors.issue_page_context(issue)
    context["preview"] = preview
    return render(request, "digest/issue.html", context)
