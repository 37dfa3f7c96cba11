"""The sitemap: every page a reader can reach, and nothing a draft alone would reveal."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from articles.models import Tag
from digest import selectors
from digest.models import Digest, Issue
from sources.models import Source


class IssueSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.8

    def items(self) -> QuerySet[Issue]:
        return Issue.objects.published().select_related("digest").order_by("-published_at", "pk")

    def lastmod(self, issue: Issue):
        return issue.updated_at


class DigestSitemap(Sitemap):
    changefreq = "weekly"

    def items(self) -> QuerySet[Digest]:
        return selectors.visible_digests().order_by("slug")

    def location(self, digest: Digest) -> str:
        return reverse("archive:digest", args=[digest.slug])


class PageSitemap(Sitemap):
    changefreq = "daily"

    def items(self) -> list[str]:
        return ["archive:home", "archive:archive"]

    def location(self, name: str) -> str:
        return reverse(name)


class TagSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.3

    def items(self) -> QuerySet[Tag]:
        published = Issue.objects.published()
        return Tag.objects.filter(
            pk__in=Tag.objects.filter(articles__entries__issue__in=published).values("pk")
        ).order_by("slug")

    def location(self, tag: Tag) -> str:
        return reverse("archive:tag", args=[tag.slug])


class SourceSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.3

    def items(self) -> QuerySet[Source]:
        published = Issue.objects.published()
        return Source.objects.filter(
            pk__in=Source.objects.filter(articles__entries__issue__in=published).values("pk")
        ).order_by("slug")

    def location(self, source: Source) -> str:
        return reverse("archive:source", args=[source.slug])


SITEMAPS = {
    "pages": PageSitemap,
    "digests": DigestSitemap,
    "issues": IssueSitemap,
    "tags": TagSitemap,
    "sources": SourceSitemap,
}
