from __future__ import annotations

from typing import Any

from adminsortable2.admin import SortableAdminBase, SortableTabularInline
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from articles.forms import ReencodedImageField
from digest import services
from digest.admin_workbench import workbench_urls
from digest.exporters import ExportFormat, export_filename, export_issue
from digest.issue_form import REAPPLY, EntryInlineForm, IssueAdminForm, entries_save
from digest.models import Digest, Entry, Issue, PublishingPolicy
from digest.permissions import TWO_FACTOR_TO_PUBLISH, publishing_needs_two_factor


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "language", "numbering"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(PublishingPolicy)
class PublishingPolicyAdmin(admin.ModelAdmin):
    """Only superusers hold its permissions: no group is given them (digest/permissions.py)."""

    list_display = ["group", "requires_two_factor"]


admin.site.site_header = _("Briefroom newsroom")
admin.site.site_title = "Briefroom"
admin.site.index_title = _("Collect, assemble, ship")


class EntryInline(SortableTabularInline):
    template = "admin/digest/issue/entries_inline.html"
    model = Entry
    form = EntryInlineForm
    fields = [
        "article",
        "section",
        "fetch_state",
        "title_override",
        "summary_override",
        "image_override",
    ]
    readonly_fields = ["fetch_state"]
    autocomplete_fields = ["article"]
    extra = 0
    formfield_overrides = {
        models.ImageField: {"form_class": ReencodedImageField},
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})},
        models.CharField: {"widget": forms.TextInput(attrs={"size": 30})},
    }

    @admin.display(description=_("fetched"))
    def fetch_state(self, obj: Entry) -> str:
        if not obj.pk:
            return ""
        return obj.article.get_fetch_state_display()

    def has_delete_permission(self, request, obj=None) -> bool:
        # A published issue never loses an entry: unpublish first.
        if obj is not None and obj.is_published():
            return False
        return super().has_delete_permission(request, obj)


def can_publish(request: HttpRequest) -> bool:
    return request.user.has_perm("digest.publish_issue")


@admin.register(Issue)
class IssueAdmin(SortableAdminBase, admin.ModelAdmin):
    # The title already carries the number ("AI 简报 20261202"), so it has no column of its own.
    list_display = [
        "__str__", "digest", "issue_date", "status_badge", "published_at", "workbench",
    ]  # fmt: skip
    list_filter = ["digest", "status"]
    search_fields = ["title", "intro", "number"]
    date_hierarchy = "issue_date"
    form = IssueAdminForm
    readonly_fields = ["status", "published_at", "created_by", "created_at", "updated_at"]
    fields = [
        "based_on_revision",
        "digest",
        "number",
        "title",
        "issue_date",
        "intro",
        "stats_override",
        "status",
        "published_at",
        "created_by",
        "created_at",
        "updated_at",
    ]
    inlines = [EntryInline]
    actions = ["publish_selected", "unpublish_selected"]
    change_form_template = "admin/digest/issue/change_form.html"
    formfield_overrides = {
        models.PositiveIntegerField: {"widget": forms.NumberInput(attrs={"style": "width: 14ch"})}
    }

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj: Issue) -> str:
        colour = {"draft": "#595959", "scheduled": "#9a6700", "published": "#1a7f37"}[obj.status]
        return format_html(
            '<span style="color:#fff;background:{};padding:1px 6px;border-radius:8px">{}</span>',
            colour,
            obj.get_status_display(),
        )

    @admin.display(description=_("workbench"))
    def workbench(self, obj: Issue) -> str:
        url = reverse("admin:digest_issue_workbench", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Open the workbench"))

    def response_add(self, request, obj, post_url_continue=None):
        # A new issue is assembled on the workbench, unless the editor asked to stay here.
        if not {"_addanother", "_continue", "_popup"} & set(request.POST):
            return HttpResponseRedirect(reverse("admin:digest_issue_workbench", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def get_changeform_initial_data(self, request):
        # Form initial values of any type, as a form's `initial` takes (the stubs say strings).
        initial: dict[str, Any] = super().get_changeform_initial_data(request)
        digest = Digest.objects.first()
        if digest and "digest" not in initial:
            from django.utils import timezone

            initial["digest"] = digest.pk
            initial["number"] = services.next_issue_number(
                digest=digest, issue_date=timezone.localdate()
            )
            initial["intro"] = digest.intro_template
        return initial

    def get_readonly_fields(self, request, obj=None):
        # An issue stays in its digest: its number and date follow the digest's scheme.
        readonly = list(super().get_readonly_fields(request, obj))
        return [*readonly, "digest"] if obj is not None else readonly

    def save_model(self, request, obj: Issue, form, change: bool) -> None:
        """Changes go through the services, based on the revision the form was opened at."""
        if not change:
            obj.created_by = request.user
            super().save_model(request, obj, form, change)
            services.revision_record_first(issue=obj, by=request.user)
            return
        services.issue_update(
            issue=obj,
            data=form.attempted,
            by=request.user,
            expected_revision=form.expected_revision,
        )
        obj.refresh_from_db()

    def save_formset(self, request, form, formset, change: bool) -> None:
        if formset.model is not Entry:
            super().save_formset(request, form, formset, change)
            return
        entries_save(issue=form.instance, form=form, formset=formset, by=request.user)

    def response_change(self, request: HttpRequest, obj: Issue) -> HttpResponse:
        """“Publish now” and “Unpublish” submit the form: the edits are saved first."""
        publish = "_publish" in request.POST
        if not publish and "_unpublish" not in request.POST:
            return super().response_change(request, obj)
        if not can_publish(request):
            self.message_user(
                request,
                gettext("Your changes were saved, but you may not publish issues."),
                messages.ERROR,
            )
            return HttpResponseRedirect(self._change_url(obj))
        self._change_status(request, obj, publish=publish)
        return HttpResponseRedirect(self._change_url(obj))

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not can_publish(request):
            actions.pop("publish_selected", None)
            actions.pop("unpublish_selected", None)
        return actions

    def refused_without_two_factor(self, request: HttpRequest) -> bool:
        if publishing_needs_two_factor(request.user):
            self.message_user(request, str(TWO_FACTOR_TO_PUBLISH), messages.ERROR)
            return True
        return False

    @admin.action(description=_("Publish selected issues"))
    def publish_selected(self, request, queryset) -> None:
        if self.refused_without_two_factor(request):
            return
        for issue in queryset:
            try:
                services.issue_publish(issue=issue, by=request.user)
            except services.IssueError as exc:
                self.message_user(request, f"{issue}: {exc}", messages.ERROR)
            else:
                self.message_user(request, gettext("Published %(issue)s.") % {"issue": issue})

    @admin.action(description=_("Unpublish selected issues"))
    def unpublish_selected(self, request, queryset) -> None:
        if self.refused_without_two_factor(request):
            return
        for issue in queryset:
            services.issue_unpublish(issue=issue, by=request.user)
        count = queryset.count()
        self.message_user(
            request,
            ngettext("Unpublished %(count)d issue.", "Unpublished %(count)d issues.", count)
            % {"count": count},
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/export/<str:fmt>/",
                view(self.export_view),
                name="digest_issue_export",
            ),
            path("<int:pk>/preview/", view(self.preview_view), name="digest_issue_preview"),
            path("<int:pk>/publish/", view(self.publish_view), name="digest_issue_publish"),
            path("<int:pk>/unpublish/", view(self.unpublish_view), name="digest_issue_unpublish"),
            *workbench_urls(self),
            *super().get_urls(),
        ]

    def _issue(self, request: HttpRequest, pk: int) -> Issue:
        issue = get_object_or_404(Issue.objects.select_related("digest"), pk=pk)
        if not self.has_view_permission(request, issue):
            raise PermissionDenied
        return issue

    def export_view(self, request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
        issue = self._issue(request, pk)
        if fmt not in ExportFormat.values:
            raise Http404(gettext("Unknown export format"))
        body = export_issue(issue, fmt)
        response = HttpResponse(body, content_type=ExportFormat(fmt).content_type)
        if request.GET.get("inline") != "1":
            response["Content-Disposition"] = (
                f'attachment; filename="{export_filename(issue, fmt)}"'
            )
        return response

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        from digest.views import render_issue_page

        issue = self._issue(request, pk)
        response = render_issue_page(request, issue, preview=True)
        response["Cache-Control"] = "no-cache, no-store, must-revalidate, private, max-age=0"
        return response

    def _change_url(self, issue: Issue) -> str:
        return reverse("admin:digest_issue_change", args=[issue.pk])

    def publish_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._set_status(request, pk, publish=True)

    def unpublish_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._set_status(request, pk, publish=False)

    def _set_status(self, request: HttpRequest, pk: int, *, publish: bool) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not can_publish(request):
            raise PermissionDenied
        issue = self._issue(request, pk)
        self._change_status(request, issue, publish=publish)
        return HttpResponseRedirect(self._change_url(issue))

    def _change_status(self, request: HttpRequest, issue: Issue, *, publish: bool) -> None:
        if self.refused_without_two_factor(request):
            return
        try:
            if publish:
                services.issue_publish(issue=issue, by=request.user)
                self.message_user(request, gettext("Published %(issue)s.") % {"issue": issue})
            else:
                services.issue_unpublish(issue=issue, by=request.user)
                self.message_user(
                    request, gettext("%(issue)s is a draft again.") % {"issue": issue}
                )
        except services.IssueError as exc:
            self.message_user(request, str(exc), messages.ERROR)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_publish"] = can_publish(request)
        context["reapply_name"] = REAPPLY
        context["export_formats"] = ExportFormat.choices
        return super().render_change_form(request, context, add, change, form_url, obj)
