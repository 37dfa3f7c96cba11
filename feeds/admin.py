from __future__ import annotations

from datetime import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.html import format_html
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.inprocess import enqueue
from feeds.interchange import feeds_export_opml, feeds_import_opml
from feeds.models import Feed, FeedRule, InboxItem
from feeds.opml import OPMLError
from feeds.services import feed_make_due, feed_reset_errors, inbox_triage, last_checked
from feeds.tasks import poll_feed

STATUS_COLOURS = {"never": "#777", "ok": "#2e7d32", "error": "#c62828", "paused": "#8d6e00"}
STATE_COLOURS = {"new": "#1565c0", "shortlisted": "#2e7d32", "dismissed": "#777"}


def _short_time(moment: datetime | None) -> str:
    return localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def _badge(value: str, label: str, colour: str, title: str = "") -> str:
    return format_html(
        '<span class="feed-badge" data-state="{}" title="{}" style="color:#fff;'
        'background:{};padding:1px 6px;border-radius:8px">{}</span>',
        value,
        title,
        colour,
        label,
    )


class FeedRuleInline(admin.TabularInline):
    model = FeedRule
    fk_name = "feed"
    fields = ["action", "pattern"]
    extra = 0


class OPMLImportForm(forms.Form):
    file = forms.FileField(label=_("OPML file"))


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "source",
        "kind",
        "status_badge",
        "last_poll",
        "consecutive_errors",
        "last_new_items",
        "active",
    ]
    list_filter = ["kind", "status", "active", "digest"]
    search_fields = ["title", "url", "query", "source__name"]
    autocomplete_fields = ["source"]
    inlines = [FeedRuleInline]
    actions = ["poll_now", "reset_errors"]
    readonly_fields = [
        "status",
        "last_polled_at",
        "next_poll_at",
        "last_error",
        "consecutive_errors",
        "last_new_items",
        "last_skipped_items",
        "paused_reason",
        "etag",
        "last_modified",
    ]
    fieldsets = [
        (None, {"fields": ["source", "digest", "kind", "url", "query", "title"]}),
        (_("Polling"), {"fields": ["interval_minutes", "feed_data_is_enough", "active"]}),
        (
            _("Last poll"),
            {
                "fields": [
                    "status",
                    "last_polled_at",
                    "next_poll_at",
                    "last_error",
                    "consecutive_errors",
                    "last_new_items",
                    "last_skipped_items",
                    "paused_reason",
                    "etag",
                    "last_modified",
                ]
            },
        ),
    ]

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj: Feed) -> str:
        colour = STATUS_COLOURS.get(obj.status, "#777")
        title = obj.paused_reason or obj.last_error
        return _badge(obj.status, str(obj.get_status_display()), colour, title)

    @admin.display(description=_("last poll"), ordering="last_polled_at")
    def last_poll(self, obj: Feed):
        return last_checked(obj) or "—"

    @admin.action(description=_("Poll selected feeds now"))
    def poll_now(self, request: HttpRequest, queryset) -> None:
        count = 0
        for feed in queryset:
            feed_make_due(feed=feed)
            enqueue(poll_feed, feed.pk)
            count += 1
        self.message_user(request, _("Queued %(count)d feed(s) for polling.") % {"count": count})

    @admin.action(description=_("Reset errors and resume selected feeds"))
    def reset_errors(self, request: HttpRequest, queryset) -> None:
        count = 0
        for feed in queryset:
            feed_reset_errors(feed=feed)
            count += 1
        self.message_user(request, _("Reset %(count)d feed(s).") % {"count": count})

    def get_urls(self):
        return [
            path(
                "opml/",
                self.admin_site.admin_view(self.opml_view),
                name="feeds_feed_opml",
            ),
            path(
                "opml/export/",
                self.admin_site.admin_view(self.opml_export_view),
                name="feeds_feed_opml_export",
            ),
            *super().get_urls(),
        ]

    def opml_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = OPMLImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                report = feeds_import_opml(data=form.cleaned_data["file"].read())
            except OPMLError as error:
                form.add_error("file", str(error))
            else:
                level = messages.WARNING if report.errors else messages.SUCCESS
                self.message_user(
                    request,
                    _("%(added)d feed(s) added, %(existing)d already there, %(failed)d not added.")
                    % {
                        "added": len(report.added),
                        "existing": len(report.existing),
                        "failed": len(report.errors),
                    },
                    level,
                )
                for problem in report.errors[:20]:
                    self.message_user(request, problem, messages.WARNING)
                return redirect("admin:feeds_feed_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import and export feeds (OPML)"),
            "form": form,
        }
        return render(request, "admin/feeds/feed/opml.html", context)

    def opml_export_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        response = HttpResponse(feeds_export_opml(), content_type="text/x-opml; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="briefroom-feeds.opml"'
        return response


@admin.register(FeedRule)
class FeedRuleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "feed", "digest"]
    list_filter = ["action", "digest"]


@admin.register(InboxItem)
class InboxItemAdmin(admin.ModelAdmin):
    list_display = ["title", "state_badge", "source", "published", "arrived"]
    list_display_links = None
    list_filter = ["state", "digest", "feed__source", "feed", "arrived_at"]
    search_fields = ["article__title", "article__canonical_url"]
    date_hierarchy = "arrived_at"
    ordering = ["-arrived_at", "-id"]
    actions = ["shortlist", "dismiss", "mark_new"]
    list_per_page = 50
    list_select_related = ["article", "article__source", "feed"]
    readonly_fields = ["digest", "article", "feed", "arrived_at", "triaged_at", "triaged_by"]
    fields = ["digest", "article", "feed", "state", "arrived_at", "triaged_at", "triaged_by"]

    class Media:
        js = ["feeds/inbox.js"]
        css = {"all": ["feeds/inbox.css"]}

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("article"), ordering="article__title")
    def title(self, obj: InboxItem) -> str:
        article = obj.article
        return format_html(
            '<a href="{}" target="_blank" rel="noreferrer" class="inbox-link">{}</a>'
            '<div class="inbox-url">{}</div>',
            article.canonical_url,
            article.display_title[:160],
            article.canonical_url[:100],
        )

    @admin.display(description=_("state"), ordering="state")
    def state_badge(self, obj: InboxItem) -> str:
        return _badge(obj.state, str(obj.get_state_display()), STATE_COLOURS.get(obj.state, "#777"))

    @admin.display(description=_("source"))
    def source(self, obj: InboxItem):
        return obj.article.source or "—"

    @admin.display(description=_("published"), ordering="article__published_at")
    def published(self, obj: InboxItem) -> str:
        return _short_time(obj.article.published_at)

    @admin.display(description=_("arrived"), ordering="arrived_at")
    def arrived(self, obj: InboxItem) -> str:
        return _short_time(obj.arrived_at)

    def _triage(self, request: HttpRequest, queryset, state: str) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        count = inbox_triage(ids=ids, state=state, by=request.user)
        label = InboxItem.State(state).label
        self.message_user(
            request, _("%(count)d item(s) marked %(state)s.") % {"count": count, "state": label}
        )

    @admin.action(description=_("Shortlist selected items"))
    def shortlist(self, request: HttpRequest, queryset) -> None:
        self._triage(request, queryset, InboxItem.State.SHORTLISTED)

    @admin.action(description=_("Dismiss selected items"))
    def dismiss(self, request: HttpRequest, queryset) -> None:
        self._triage(request, queryset, InboxItem.State.DISMISSED)

    @admin.action(description=_("Mark selected items new"))
    def mark_new(self, request: HttpRequest, queryset) -> None:
        self._triage(request, queryset, InboxItem.State.NEW)

    def get_urls(self):
        return [
            path(
                "<int:pk>/triage/",
                self.admin_site.admin_view(require_POST(self.triage_view)),
                name="feeds_inboxitem_triage",
            ),
            *super().get_urls(),
        ]

    def triage_view(self, request: HttpRequest, pk: int) -> JsonResponse:
        """One key press on the inbox list: set one item's state, answer with the new badge."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        item = get_object_or_404(InboxItem, pk=pk)
        state = request.POST.get("state", "")
        if state not in InboxItem.State.values:
            return JsonResponse({"error": str(_("Unknown triage state."))}, status=400)
        inbox_triage(ids=[item.pk], state=state, by=request.user)
        item.refresh_from_db()
        return JsonResponse({"id": item.pk, "state": item.state, "badge": self.state_badge(item)})
