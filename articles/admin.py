from __future__ import annotations

from adminsortable2.admin import SortableAdminBase, SortableTabularInline
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from articles.fetch_errors import fetch_error_sentence
from articles.forms import AddUrlsForm, ReencodedImageField
from articles.imagestore import lead_image_store
from articles.models import SCRAPED_FIELDS, Article, RelatedLink, Tag
from articles.services import MAX_URLS_PER_BATCH, articles_add_from_text, articles_refetch

FETCH_BADGE_COLOURS: dict[str, str] = {
    Article.FetchState.PENDING: "#595959",
    Article.FetchState.FETCHING: "#1f6feb",
    Article.FetchState.DONE: "#1a7f37",
    Article.FetchState.FAILED: "#cf222e",
}


class RelatedLinkForm(forms.ModelForm):
    """A link an editor adds or changes is theirs: a re-fetch keeps the whole block."""

    class Meta:
        model = RelatedLink
        fields = ["label", "url"]

    def save(self, commit: bool = True) -> RelatedLink:
        if self.has_changed():
            self.instance.source = RelatedLink.Source.EDITOR
        return super().save(commit)


def edited_field_label(name: str) -> str:
    """The label an editor knows a scraped field by (related links are not a model field)."""
    if name == "related_links":
        return str(RelatedLink._meta.verbose_name_plural)
    try:
        field = Article._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(capfirst(getattr(field, "verbose_name", name)))


def _article_error(article: Article | None) -> str:
    if article is None or not article.fetch_error:
        return ""
    return fetch_error_sentence(article.fetch_error_code, article.fetch_error)


class RelatedLinkInline(SortableTabularInline):
    model = RelatedLink
    form = RelatedLinkForm
    fields = ["label", "url", "source"]
    readonly_fields = ["source"]
    extra = 0
    verbose_name = _("related link")
    verbose_name_plural = _("paper, code, data and demo links")


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Article)
class ArticleAdmin(SortableAdminBase, admin.ModelAdmin):
    formfield_overrides = {models.ImageField: {"form_class": ReencodedImageField}}
    list_display = ["thumbnail", "display_title", "source", "kind", "fetch_badge", "published_at"]
    list_display_links = ["display_title"]
    list_filter = ["kind", "fetch_state", "source__kind", "tags"]
    search_fields = [
        "title", "canonical_url", "summary", "body_text", "source__name", "tags__name",
    ]  # fmt: skip
    list_select_related = ["source"]
    autocomplete_fields = ["source", "tags"]
    readonly_fields = [
        "canonical_url",
        "submitted_url",
        "fetch_state",
        "fetch_error_text",
        "fetch_attempts",
        "fetched_at",
        "edited_fields_list",
        "edited_by",
        "edited_at",
        "body_text",
        "image_preview",
        "created_by",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["canonical_url", "submitted_url", "kind", "title", "source", "author"]}),
        (_("Text"), {"fields": ["summary", "excerpt", "published_at", "tags"]}),
        (
            _("Lead image"),
            {"fields": ["image_preview", "image", "image_url", "image_alt"]},
        ),
        (_("Page text"), {"classes": ["collapse"], "fields": ["body_text"]}),
        (_("Metadata"), {"classes": ["collapse"], "fields": ["metadata"]}),
        (
            _("Fetching"),
            {
                "fields": [
                    "fetch_state",
                    "fetch_error_text",
                    "fetch_attempts",
                    "fetched_at",
                    "edited_fields_list",
                    "edited_by",
                    "edited_at",
                    "created_by",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]
    inlines = [RelatedLinkInline]
    actions = ["refetch"]

    @admin.display(description="")
    def thumbnail(self, obj: Article) -> str:
        image = obj.image_thumbnail or obj.image
        if image:
            return format_html('<img src="{}" alt="" width="60" loading="lazy">', image.url)
        return ""

    @admin.display(description=_("title"), ordering="title")
    def display_title(self, obj: Article) -> str:
        return obj.display_title

    @admin.display(description=_("image"))
    def image_preview(self, obj: Article) -> str:
        if obj.image:
            return format_html(
                '<img src="{}" alt="{}" style="max-width:320px">', obj.image.url, obj.image_alt
            )
        if obj.image_url:
            return format_html('<a href="{0}" rel="noreferrer">{0}</a>', obj.image_url)
        return "—"

    @admin.display(description=_("fetch"), ordering="fetch_state")
    def fetch_badge(self, obj: Article) -> str:
        return format_html(
            '<span class="fetch-badge" data-state="{}" title="{}" style="color:#fff;'
            'background:{};padding:1px 6px;border-radius:8px;white-space:nowrap">{}</span>',
            obj.fetch_state,
            fetch_error_sentence(obj.fetch_error_code, obj.fetch_error),
            FETCH_BADGE_COLOURS.get(obj.fetch_state, "#595959"),
            obj.get_fetch_state_display(),
        )

    @admin.display(description=_("fetch error"))
    def fetch_error_text(self, obj: Article) -> str:
        """Why the last fetch failed, in words; the fetcher's own sentence as the detail."""
        if not obj.fetch_error:
            return "—"
        sentence = fetch_error_sentence(obj.fetch_error_code, obj.fetch_error)
        if sentence == obj.fetch_error:
            return sentence
        return format_html('{}<br><code lang="en">{}</code>', sentence, obj.fetch_error)

    @admin.display(description=_("edited fields"))
    def edited_fields_list(self, obj: Article) -> str:
        """The hand-edited fields by their labels, not the stored list of names."""
        if not obj.edited_fields:
            return gettext("None: a re-fetch may update every fetched field.")
        labels = ((edited_field_label(name),) for name in obj.edited_fields)
        return format_html(
            '<ul class="edited-fields">{}</ul>', format_html_join("", "<li>{}</li>", labels)
        )

    @admin.action(description=_("Re-fetch selected articles"))
    def refetch(self, request: HttpRequest, queryset) -> None:
        count = articles_refetch(ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext(
                "Queued %(count)d article for fetching.",
                "Queued %(count)d articles for fetching.",
                count,
            )
            % {"count": count},
        )

    def get_urls(self):
        return [
            path(
                "fetch-status/",
                self.admin_site.admin_view(self.fetch_status_view),
                name="articles_article_fetch_status",
            ),
            path(
                "add-urls/",
                self.admin_site.admin_view(self.add_urls_view),
                name="articles_article_add_urls",
            ),
            *super().get_urls(),
        ]

    def add_urls_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        results = None
        form = AddUrlsForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            results = articles_add_from_text(text=form.cleaned_data["urls"], by=request.user)
            created = sum(1 for r in results if r.created)
            failed = sum(1 for r in results if r.error)
            level = messages.WARNING if failed else messages.SUCCESS
            known = len(results) - created - failed
            self.message_user(
                request,
                gettext("New: %(created)d. Already known: %(known)d. Not added: %(failed)d.")
                % {"created": created, "known": known, "failed": failed},
                level,
            )
            form = AddUrlsForm(initial={"urls": "\n".join(r.url for r in results if r.error)})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Add articles from URLs"),
            "form": form,
            "results": results,
            # Each result with why it failed: the service's refusal, or the article's fetch error.
            "rows": [(r, r.error or _article_error(r.article)) for r in results or []],
            "media": self.media,
        }
        return render(request, "admin/articles/article/add_urls.html", context)

    def fetch_status_view(self, request: HttpRequest) -> JsonResponse:
        """Fetch states for the live progress table on the "Add URLs" page."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        raw = request.GET.get("ids", "")
        ids = [int(part) for part in raw.split(",")[:MAX_URLS_PER_BATCH] if part.isdigit()]
        articles = Article.objects.filter(pk__in=ids).only(
            "pk", "title", "fetch_state", "fetch_error", "fetch_error_code"
        )
        return JsonResponse(
            {
                "articles": {
                    str(a.pk): {
                        "state": a.fetch_state,
                        "label": a.get_fetch_state_display(),
                        "error": fetch_error_sentence(a.fetch_error_code, a.fetch_error),
                        "title": a.title,
                    }
                    for a in articles
                }
            }
        )

    def save_model(self, request, obj: Article, form, change: bool) -> None:
        processed = getattr(form.cleaned_data.get("image"), "processed", None)
        if processed is not None:
            # The upload was re-encoded in the form; keep that copy and make its thumbnail.
            obj.image = None
            lead_image_store(obj, processed, source_url="")
        if change:
            obj.mark_edited([f for f in form.changed_data if f in SCRAPED_FIELDS])
            if form.changed_data:
                obj.record_editor(request.user)
        else:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is RelatedLink and formset.has_changed():
            form.instance.mark_edited(["related_links"])
            form.instance.record_editor(request.user)
            form.instance.save(update_fields=["edited_fields", "edited_by", "edited_at"])
