"""RSS 2.0 and Atom feeds of published issues, site-wide and per digest, in full.

Each item carries the whole issue as HTML (RSS `content:encoded`, Atom `content`), so
feed readers show the digest without a click. Every URL is absolute on SITE_URL, so the
cached feed does not depend on the host a request came in on. XML 1.0 cannot carry
control characters: all text goes through strip_control, or the feed would not parse.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext

from digest import caching, selectors
from digest.models import Digest, Issue
from digest.rendering import strip_control
from digest.selectors import IssueContent

FEED_ITEMS = 20
SITE_NAME = "Briefroom"


def feed_issues(digest: Digest | None) -> QuerySet[Issue]:
    """The issues a feed carries: the latest published ones (of a digest, or of all)."""
    issues = Issue.objects.published()
    if digest is not None:
        issues = issues.filter(digest=digest)
    return issues.order_by("-published_at", "-pk")[:FEED_ITEMS]


class FullContentRss(Rss201rev2Feed):
    """RSS 2.0 with the issue's HTML in `content:encoded`."""

    def rss_attributes(self) -> dict[str, str]:
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
        }

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        handler.addQuickElement("content:encoded", item["content_html"])


class FullContentAtom(Atom1Feed):
    """Atom with the issue's HTML as the entry's content."""

    def add_item_elements(self, handler, item) -> None:
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content_html"], {"type": "html"})


class IssuesFeed(Feed):
    """The latest published issues; `obj` is a digest, or None for the whole site."""

    feed_type: type[FullContentRss | FullContentAtom] = FullContentRss

    def get_object(self, request: HttpRequest, digest: Digest | None = None) -> Digest | None:
        return digest

    def title(self, obj: Digest | None) -> str:
        return strip_control(obj.name) if obj else SITE_NAME

    def description(self, obj: Digest | None) -> str:
        if obj:
            return strip_control(obj.description or obj.name)
        return gettext("%(site)s: curated AI news digests") % {"site": SITE_NAME}

    def link(self, obj: Digest | None) -> str:
        path = reverse("archive:digest", args=[obj.slug]) if obj else reverse("archive:home")
        return settings.SITE_URL + path

    def feed_url(self, obj: Digest | None) -> str:
        kind = "atom" if self.feed_type is FullContentAtom else "rss"
        if obj:
            return settings.SITE_URL + reverse(f"archive:digest-feed-{kind}", args=[obj.slug])
        return settings.SITE_URL + reverse(f"archive:feed-{kind}")

    def get_feed(self, obj: Digest | None, request: HttpRequest):
        feed = super().get_feed(obj, request)
        # Django reads `language` as a plain attribute; a digest has its own.
        feed.feed["language"] = obj.language if obj else settings.LANGUAGE_CODE
        return feed

    def items(self, obj: Digest | None) -> list[IssueContent]:
        return selectors.issues_content(list(feed_issues(obj).select_related("digest")))

    def item_title(self, item: IssueContent) -> str:
        return strip_control(item.issue.display_title)

    def item_link(self, item: IssueContent) -> str:
        return settings.SITE_URL + item.issue.get_absolute_url()

    def item_description(self, item: IssueContent) -> str:
        return strip_control(item.intro)

    def item_pubdate(self, item: IssueContent):
        return item.issue.published_at

    def item_updateddate(self, item: IssueContent):
        return caching.latest(
            [item.issue.updated_at, *(e.article.updated_at for e in item.main + item.others)]
        )

    def item_extra_kwargs(self, item: IssueContent) -> dict[str, str]:
        html = render_to_string("digest/feed_item.html", {"content": item})
        return {"content_html": strip_control(html)}


class IssuesAtomFeed(IssuesFeed):
    feed_type = FullContentAtom
    subtitle = IssuesFeed.description


FEEDS: dict[str, type[IssuesFeed]] = {"rss": IssuesFeed, "atom": IssuesAtomFeed}


def feed_view(request: HttpRequest, kind: str, digest: str | None = None) -> HttpResponse:
    """A feed, answered with 304 when unchanged; the page cache keeps its render."""
    scope = None
    if digest is not None:
        scope = selectors.visible_digests().filter(slug=digest).first()
        if scope is None:
            raise Http404("No such digest")
    # Validated over the issues the feed carries, not the whole archive: an older issue
    # changes nothing in it, and reading only these keeps the check as cheap as the feed.
    shown = Issue.objects.filter(pk__in=feed_issues(scope).values("pk"))
    etag, last_modified = caching.issues_validators(shown, scope=f"feed:{kind}:{digest}")
    response = caching.not_modified(request, etag=etag, last_modified=last_modified)
    if response is not None:
        return response
    feed = FEEDS[kind]()
    body = feed(request, digest=scope).content
    response = HttpResponse(body, content_type=feed.feed_type.content_type)
    return caching.set_validators(response, etag=etag, last_modified=last_modified)
