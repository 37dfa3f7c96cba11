from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from sources.models import Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "wechat_biz", "domain", "article_count"]
    list_filter = ["kind"]
    search_fields = ["name", "wechat_biz", "domain"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, obj: Source) -> int:
        return obj.article_count  # type: ignore[attr-defined]
