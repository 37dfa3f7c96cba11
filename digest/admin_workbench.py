"""The issue workbench: candidates beside the issue as it will read, every change saved at once.

Writes answer JSON with the issue pane re-rendered and the new revision; a write based on
an older revision is refused with 409 and both versions, for the editor to re-apply it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path
from django.utils.translation import gettext as _

from articles.canonical import redact_url
from articles.fetch_errors import fetch_error_sentence
from articles.models import Article
from articles.services import MAX_URLS_PER_BATCH, articles_add_from_text
from digest import revisions, services, workbench
from digest.models import Entry, Issue
from digest.permissions import TWO_FACTOR_TO_PUBLISH, publishing_needs_two_factor
from digest.selectors import issue_revisions

View = Callable[..., HttpResponse]
MAX_REVISIONS_LISTED = 100


def workbench_urls(model_admin: admin.ModelAdmin) -> list[URLPattern]:
    """The workbench's page, fragments and writes, under /admin/digest/issue/<pk>/workbench/."""

    def wrap(view: View, *, write: bool = False) -> View:
        def inner(request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
            if write and request.method != "POST":
                return HttpResponseNotAllowed(["POST"])
            issue = get_object_or_404(Issue.objects.select_related("digest"), pk=pk)
            if not model_admin.has_view_permission(request, issue) or (
                write and not model_admin.has_change_permission(request, issue)
            ):
                raise PermissionDenied
            return view(request, issue, model_admin=model_admin, **kwargs)

        return model_admin.admin_site.admin_view(inner)

    prefix = "<int:pk>/workbench/"
    name = "digest_issue_workbench"
    return [
        path(prefix, wrap(page), name=name),
        path(f"{prefix}candidates/", wrap(candidates), name=f"{name}_candidates"),
        path(f"{prefix}intro/", wrap(intro_preview), name=f"{name}_intro"),
        path(f"{prefix}pane/", wrap(pane), name=f"{name}_pane"),
        path(f"{prefix}paste/", wrap(paste, write=True), name=f"{name}_paste"),
        path(f"{prefix}paste/status/", wrap(paste_status), name=f"{name}_paste_status"),
        path(f"{prefix}issue/", wrap(issue_edit, write=True), name=f"{name}_issue"),
        path(f"{prefix}add/", wrap(entry_add, write=True), name=f"{name}_add"),
        path(f"{prefix}history/", wrap(history), name=f"{name}_history"),
        path(f"{prefix}diff/", wrap(diff), name=f"{name}_diff"),
        path(f"{prefix}restore/", wrap(restore, write=True), name=f"{name}_restore"),
        path(f"{prefix}checklist/", wrap(publish_check), name=f"{name}_checklist"),
        path(f"{prefix}publish/", wrap(publish, write=True), name=f"{name}_publish"),
        path(
            f"{prefix}entries/<int:entry_id>/arrange/",
            wrap(entry_arrange, write=True),
            name=f"{name}_arrange",
        ),
        path(
            f"{prefix}entries/<int:entry_id>/edit/",
            wrap(entry_edit, write=True),
            name=f"{name}_edit",
        ),
        path(
            f"{prefix}entries/<int:entry_id>/remove/",
            wrap(entry_remove, write=True),
            name=f"{name}_remove",
        ),
    ]


# --- reads ----------------------------------------------------------------------------


def page(request: HttpRequest, issue: Issue, *, model_admin: admin.ModelAdmin) -> HttpResponse:
    form = workbench.CandidateFilterForm(request.GET or None)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Issue._meta,
        "title": _("Workbench: %(issue)s") % {"issue": issue.display_title},
        "issue": issue,
        "filters": form,
        "candidates": _candidates(issue, form),
        "view": workbench.issue_view(issue),
        "can_change": model_admin.has_change_permission(request, issue),
        "max_urls": MAX_URLS_PER_BATCH,
    }
    return render(request, "admin/digest/workbench/page.html", context)


def _candidates(issue: Issue, form: workbench.CandidateFilterForm) -> list[workbench.Candidate]:
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return workbench.workbench_candidates(issue=issue, filters=filters)


def candidates(
    request: HttpRequest, issue: Issue, *, model_admin: admin.ModelAdmin
) -> HttpResponse:
    form = workbench.CandidateFilterForm(request.GET)
    context = {
        "issue": issue,
        "candidates": _candidates(issue, form),
        "can_change": model_admin.has_change_permission(request, issue),
    }
    return render(request, "admin/digest/workbench/_candidates.html", context)


def intro_preview(
    request: HttpRequest, issue: Issue, *, model_admin: admin.ModelAdmin
) -> HttpResponse:
    text = workbench.intro_preview(issue, request.GET.get("intro", issue.intro)[:5000])
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


def pane(request: HttpRequest, issue: Issue, *, model_admin: admin.ModelAdmin) -> HttpResponse:
    can_change = model_admin.has_change_permission(request, issue)
    html = _pane_html(request, issue, can_change=can_change)
    return JsonResponse({"revision": issue.revision, "pane": html})


def _pane_html(request: HttpRequest, issue: Issue, *, can_change: bool = True) -> str:
    """The issue pane; writes render it for editors who may change the issue."""
    return render_to_string(
        "admin/digest/workbench/_issue.html",
        {"issue": issue, "view": workbench.issue_view(issue), "can_change": can_change},
        request=request,
    )


# --- pasting URLs -----------------------------------------------------------------------


def paste(request: HttpRequest, issue: Issue, *, model_admin: admin.ModelAdmin) -> HttpResponse:
    """New articles from pasted URLs; those bound for the issue join it once fetched."""
    text = request.POST.get("urls", "")[:500_000]
    into = request.POST.get("into") == "issue"
    results = articles_add_from_text(text=text, by=request.user)
    refused = [{"url": r.url[:300], "error": _("Not a usable URL.")} for r in results if r.error]
    ids = [r.article.pk for r in results if r.article is not None]
    return _paste_status(request, issue, ids=ids, into=into, refused=refused)


def paste_status(
    request: HttpRequest, issue: Issue, *, model_admin: admin.ModelAdmin
) -> HttpResponse:
    raw = request.GET.get("ids", "")
    ids = [int(part) for part in raw.split(",")[:MAX_URLS_PER_BATCH] if part.isdigit()]
    return _paste_status(request, issue, ids=ids, into=request.GET.get("into") == "issue")


def _paste_status(
    request: HttpRequest,
    issue: Issue,
    *,
    ids: list[int],
    into: bool,
    refused: list[dict[str, str]] | None = None,
) -> HttpResponse:
    articles = Article.objects.filter(pk__in=ids).in_bulk()
    in_issue = set(
        Entry.objects.filter(issue=issue, article_id__in=ids).values_list("article_id", flat=True)
    )
    rows = []
    for pk in dict.fromkeys(ids):
        article = articles.get(pk)
        if article is None:
            continue
        rows.append(
            {
                "article": article,
                "url": redact_url(article.canonical_url),
                "error": fetch_error_sentence(article.fetch_error_code, article.fetch_error)
                if article.fetch_state == Article.FetchState.FAILED
                else "",
                "in_issue": pk in in_issue,
                "ready": into
                and pk not in in_issue
                and article.fetch_state == Article.FetchState.DONE,
            }
        )
    waiting = any(
        articles[pk].fetch_state in (Article.FetchState.PENDING, Article.FetchState.FETCHING)
        for pk in ids
        if pk in articles
    )
    context = {
        "issue": issue,
        "rows": rows,
        "refused": refused or [],
        "into": into,
        "waiting": waiting,
        "ids": ",".join(str(pk) for pk in dict.fromkeys(ids) if pk in articles),
    }
    return render(request, "admin/digest/workbench/_paste_status.html", context)


# --- writes -----------------------------------------------------------------------------


def _revision(request: HttpRequest) -> int | None:
    raw = request.POST.get("revision", "")
    return int(raw) if raw.isdigit() else None


class EntryGone(Exception):
    """The entry a page acted on is no longer in the issue: someone removed it."""


def _entry(issue: Issue, entry_id: int) -> Entry:
    entry = workbench.issue_entries(issue).filter(pk=entry_id).first()
    if entry is None:
        raise EntryGone
    entry.issue = issue
    return entry


def _gone(request: HttpRequest, issue: Issue) -> JsonResponse:
    """A stale page acted on a removed entry: a conflict; a fresh one on a wrong id: 404."""
    if _revision(request) in (None, issue.revision):
        return JsonResponse(
            {"revision": issue.revision, "error": _("That entry is not in this issue.")},
            status=404,
        )

    def change() -> str:
        raise services.StaleRevision(current=issue.revision, attempted={})

    gone = [(_("Entry"), _("Removed from the issue by someone else."))]
    return _write(request, issue, change, attempted=lambda: gone, current=lambda: gone)


def _write(
    request: HttpRequest,
    issue: Issue,
    change: Callable[[], str],
    *,
    attempted: Callable[[], list[tuple[str, str]]],
    current: Callable[[], list[tuple[str, str]]],
) -> JsonResponse:
    """Run one change and answer with the new pane, or with 409 and both versions."""
    try:
        announce = change()
    except services.StaleRevision as stale:
        issue.refresh_from_db()
        conflict = render_to_string(
            "admin/digest/workbench/_conflict.html",
            {
                "issue": issue,
                "current_revision": stale.current,
                "current": current(),
                "attempted": attempted(),
                "since": issue_revisions(issue=issue).filter(number__gt=_revision(request) or 0)[
                    :20
                ],
                "view": workbench.issue_view(issue),
            },
            request=request,
        )
        return JsonResponse(
            {
                "revision": issue.revision,
                "pane": _pane_html(request, issue),
                "conflict": conflict,
                "message": _(
                    "Someone saved this issue since you opened it (now revision %(current)s);"
                    " your change was not saved."
                )
                % {"current": stale.current},
            },
            status=409,
        )
    except services.IssueError as error:
        issue.refresh_from_db()
        return JsonResponse(
            {"revision": issue.revision, "pane": _pane_html(request, issue), "error": str(error)},
            status=400,
        )
    issue.refresh_from_db()
    return JsonResponse(
        {"revision": issue.revision, "pane": _pane_html(request, issue), "announce": announce}
    )


def _invalid(issue: Issue, message: str) -> JsonResponse:
    return JsonResponse({"revision": issue.revision, "error": message}, status=400)


def _section_label(section: str) -> str:
    return str(Entry.Section(section).label)


def _order_lines(issue: Issue) -> list[tuple[str, str]]:
    view = workbench.issue_view(issue)
    lines = [
        (_section_label("main"), f"{n}. {e.title}") for n, e in enumerate(view.content.main, 1)
    ]
    lines += [(_section_label("others"), e.title) for e in view.content.others]
    return lines


def entry_add(request: HttpRequest, issue: Issue, *, model_admin: admin.ModelAdmin) -> JsonResponse:
    form = workbench.PlaceForm(request.POST)
    article = Article.objects.filter(pk=request.POST.get("article", "0") or 0).first()
    if article is None or not form.is_valid():
        return _invalid(issue, _("Choose an article and a section."))
    section, index = form.cleaned_data["section"], form.cleaned_data["index"]
    if article.fetch_state == Article.FetchState.FAILED:
        return _invalid(
            issue,
            _("“%(title)s” could not be fetched, so it is not added.")
            % {"title": article.display_title},
        )

    def change() -> str:
        workbench.entry_place(
            issue=issue,
            article=article,
            section=section,
            index=index,
            by=request.user,
            expected_revision=_revision(request),
        )
        return _("Added “%(title)s” to %(section)s.") % {
            "title": article.display_title,
            "section": _section_label(section),
        }

    attempted = [(_("Add to the issue"), f"{article.display_title} → {_section_label(section)}")]
    return _write(
        request, issue, change, attempted=lambda: attempted, current=lambda: _order_lines(issue)
    )


def entry_arrange(
    request: HttpRequest, issue: Issue, entry_id: int, *, model_admin: admin.ModelAdmin
) -> JsonResponse:
    try:
        entry = _entry(issue, entry_id)
    except EntryGone:
        return _gone(request, issue)
    form = workbench.PlaceForm(request.POST)
    if not form.is_valid():
        return _invalid(issue, _("Choose a section and a place."))
    section, index = form.cleaned_data["section"], form.cleaned_data["index"] or 0
    title = entry.title

    def change() -> str:
        workbench.entry_arrange(
            entry=entry,
            section=section,
            index=index,
            by=request.user,
            expected_revision=_revision(request),
        )
        return _("“%(title)s” is now number %(place)d in %(section)s.") % {
            "title": title,
            "place": index + 1,
            "section": _section_label(section),
        }

    attempted = [
        (
            _("Move"),
            _("“%(title)s” to number %(place)d in %(section)s")
            % {"title": title, "place": index + 1, "section": _section_label(section)},
        )
    ]
    return _write(
        request, issue, change, attempted=lambda: attempted, current=lambda: _order_lines(issue)
    )


def entry_edit(
    request: HttpRequest, issue: Issue, entry_id: int, *, model_admin: admin.ModelAdmin
) -> JsonResponse:
    try:
        entry = _entry(issue, entry_id)
    except EntryGone:
        return _gone(request, issue)
    form = workbench.EntryEditForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
        return _invalid(issue, " ".join(errors))
    names = [n for n in ("title_override", "summary_override") if n in request.POST]
    data = form.changes(names)
    labels = {
        n: str(form.fields[n].label)
        for n in ("title_override", "summary_override", "image_override")
    }
    title = entry.title

    def change() -> str:
        services.entry_update(
            entry=entry, data=data, by=request.user, expected_revision=_revision(request)
        )
        return _("Saved “%(title)s”.") % {"title": entry.title}

    def values(source: dict[str, Any]) -> list[tuple[str, str]]:
        return [(labels[n], str(source[n]) or _("(the article's own)")) for n in data]

    def current() -> list[tuple[str, str]]:
        fresh = Entry.objects.filter(pk=entry.pk).first()
        if fresh is None:
            return [(_("Entry"), _("“%(title)s” has been removed.") % {"title": title})]
        return values({n: getattr(fresh, n) for n in data})

    return _write(request, issue, change, attempted=lambda: values(data), current=current)


def entry_remove(
    request: HttpRequest, issue: Issue, entry_id: int, *, model_admin: admin.ModelAdmin
) -> JsonResponse:
    try:
        entry = _entry(issue, entry_id)
    except EntryGone:
        return _gone(request, issue)
    title = entry.title

    def change() -> str:
        services.entry_remove(entry=entry, by=request.user, expected_revision=_revision(request))
        return _("Removed “%(title)s”.") % {"title": title}

    attempted = [(_("Remove from the issue"), title)]
    return _write(
        request, issue, change, attempted=lambda: attempted, current=lambda: _order_lines(issue)
    )


def issue_edit(
    request: HttpRequest, issue: Issue, *, model_admin: admin.ModelAdmin
) -> JsonResponse:
    form = workbench.IssueEditForm(request.POST)
    if not form.is_valid():
        return _invalid(issue, _("The title or intro is too long."))
    data = {n: form.cleaned_data[n] for n in form.fields if n in request.POST}
    labels = {n: str(form.fields[n].label) for n in form.fields}

    def change() -> str:
        services.issue_update(
            issue=issue, data=data, by=request.user, expected_revision=_revision(request)
        )
        return _("Saved.")

    def current() -> list[tuple[str, str]]:
        fresh = Issue.objects.get(pk=issue.pk)
        return [(labels[n], getattr(fresh, n)) for n in data]

    return _write(
        request,
        issue,
        change,
        attempted=lambda: [(labels[n], v) for n, v in data.items()],
        current=current,
    )


# --- history and publishing ---------------------------------------------------------------


def history(request: HttpRequest, issue: Issue, *, model_admin: admin.ModelAdmin) -> HttpResponse:
    context = {
        "issue": issue,
        "revisions": list(issue_revisions(issue=issue)[:MAX_REVISIONS_LISTED]),
        "can_change": model_admin.has_change_permission(request, issue),
    }
    return render(request, "admin/digest/workbench/_history.html", context)


def diff(request: HttpRequest, issue: Issue, *, model_admin: admin.ModelAdmin) -> HttpResponse:
    old, new = (request.GET.get(name, "") for name in ("old", "new"))
    context: dict[str, Any] = {"issue": issue, "old": old, "new": new, "lines": [], "error": ""}
    if not (old.isdigit() and new.isdigit()):
        context["error"] = _("Choose two revisions.")
    else:
        try:
            context["lines"] = revisions.revisions_diff(issue=issue, old=int(old), new=int(new))
        except services.IssueError as error:
            context["error"] = str(error)
    return render(request, "admin/digest/workbench/_diff.html", context)


def restore(request: HttpRequest, issue: Issue, *, model_admin: admin.ModelAdmin) -> JsonResponse:
    raw = request.POST.get("number", "")
    if not raw.isdigit():
        return _invalid(issue, _("Choose a revision."))
    number = int(raw)

    def change() -> str:
        revisions.revision_restore(
            issue=issue, number=number, by=request.user, expected_revision=_revision(request)
        )
        return _("Restored revision %(number)s as a new revision.") % {"number": number}

    attempted = [(_("Restore"), _("Revision %(number)s") % {"number": number})]
    return _write(
        request, issue, change, attempted=lambda: attempted, current=lambda: _order_lines(issue)
    )


def publish_check(
    request: HttpRequest, issue: Issue, *, model_admin: admin.ModelAdmin
) -> HttpResponse:
    context = {
        "issue": issue,
        "checklist": revisions.issue_publish_checklist(issue),
        "can_publish": request.user.has_perm("digest.publish_issue"),
        "needs_two_factor": publishing_needs_two_factor(request.user),
    }
    return render(request, "admin/digest/workbench/_publish.html", context)


def publish(request: HttpRequest, issue: Issue, *, model_admin: admin.ModelAdmin) -> JsonResponse:
    """Publish the revision the page holds: a stale page is told, not published."""
    if not request.user.has_perm("digest.publish_issue"):
        raise PermissionDenied
    if publishing_needs_two_factor(request.user):
        return _invalid(issue, str(TWO_FACTOR_TO_PUBLISH))
    checklist = revisions.issue_publish_checklist(issue)
    if checklist.blocking:
        return _invalid(issue, " ".join(item.message for item in checklist.items if item.blocking))

    def change() -> str:
        services.issue_publish(issue=issue, by=request.user, expected_revision=_revision(request))
        return _("The issue is published.")

    attempted = [(_("Publish"), _("The issue as your page showed it"))]
    return _write(
        request, issue, change, attempted=lambda: attempted, current=lambda: _order_lines(issue)
    )
