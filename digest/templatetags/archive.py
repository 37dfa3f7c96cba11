"""Template helpers for archive pages, feeds and exports: safe text, URLs and images."""

from __future__ import annotations

from typing import Any, TypedDict
from urllib.parse import quote

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.safestring import SafeString

from digest import rendering
from digest.models import Entry

register = template.Library()


@register.filter
def plain(value: object) -> str:
    """Scraped text without control characters; autoescaping still applies."""
    return rendering.strip_control(str(value))


@register.filter
def safe_href(url: str) -> str:
    """The URL if it is http(s) or mailto, else '' (the template then shows plain text)."""
    return rendering.safe_url(url)


@register.filter
def absolute(path: str) -> str:
    """A site path as an absolute URL on the public site (canonical links, feeds, cards)."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + path


@register.filter
def og_locale(language: str) -> str:
    """A BCP 47 tag as OpenGraph wants it: zh-hans → zh_CN, en → en_US."""
    tag = language.lower()
    if tag.startswith("zh"):
        return "zh_TW" if tag in ("zh-hant", "zh-tw", "zh-hk") else "zh_CN"
    if tag in ("en", "en-us"):
        return "en_US"
    return tag.replace("-", "_")


@register.simple_tag
def entry_summary(entry) -> SafeString:
    return rendering.entry_summary_html(entry)


@register.simple_tag
def entry_image(entry, absolute: bool = False) -> rendering.LeadImage | None:
    return rendering.lead_image(entry, absolute=absolute)


@register.filter
def text_block(text: str) -> SafeString:
    """Plain text (an intro) as escaped paragraphs with line breaks."""
    return rendering.escape_text(text)


# --- an issue page's entries ----------------------------------------------------------
# An issue page shows some 30 entries, each with its publication, tags, image, summary and
# related links. Read through the template language, that is over a thousand variable
# lookups and ~80 {% url %} tags a page; issue_entries reads each entry once, in Python,
# into plain dicts (the template language's fastest lookup), and issue.html prints them.
# Escaping stays with the template: only the summary arrives as sanitised HTML.


class PageLink(TypedDict):
    name: str
    url: str


class RelatedLinkView(TypedDict):
    label: str
    href: str
    text: str


class EntryView(TypedDict):
    anchor: str
    title: str
    href: str
    publication: PageLink | None
    tags: list[PageLink]
    image: rendering.LeadImage | None
    summary: SafeString
    links: list[RelatedLinkView]


@register.simple_tag
def issue_entries(entries: list[Entry], *, details: bool = True) -> list[EntryView]:
    """What issue.html shows of each entry; `details=False` for the list of links only."""
    urls = SlugUrls()
    return [_entry_view(entry, urls, details=details) for entry in entries]


def _entry_view(entry: Entry, urls: SlugUrls, *, details: bool) -> EntryView:
    article = entry.article
    source = article.source
    publication = None
    if source is not None:
        publication = PageLink(
            name=rendering.strip_control(source.name),
            url=urls.url("archive:source", source.slug),
        )
    view = EntryView(
        anchor=entry.anchor,
        title=rendering.strip_control(entry.title),
        href=rendering.safe_url(article.canonical_url),
        publication=publication,
        tags=[],
        image=None,
        summary=SafeString(),
        links=[],
    )
    if details:
        view["tags"] = [
            PageLink(name=rendering.strip_control(tag.name), url=urls.url("archive:tag", tag.slug))
            for tag in article.tags.all()
        ]
        view["image"] = rendering.lead_image(entry)
        view["summary"] = rendering.entry_summary_html(entry)
        view["links"] = [_related_link(link.label, link.url) for link in article.links.all()]
    return view


def _related_link(label: str, url: str) -> RelatedLinkView:
    return RelatedLinkView(
        label=rendering.strip_control(label) or "原文链接",
        href=rendering.safe_url(url),
        text=rendering.strip_control(url),
    )


# Left unquoted by reverse(): the `pchar` characters of RFC 3986.
_PATH_SAFE = RFC3986_SUBDELIMS + "/~:@"
# A slug standing in for the real ones while reversing once: digits, any converter takes.
_SLOT = "7303914826"
# A slug with what must be quoted, to check that the pattern takes it as reverse() would.
_PROBE = "中 %?#&"
# Per urlconf and script prefix: pattern name → its path around the slug, or None.
_slug_templates: dict[tuple[Any, str], dict[str, tuple[str, str] | None]] = {}
# Script prefixes come from the server; should one come from a header, memory stays bounded.
_MAX_PREFIXES = 16


class SlugUrls:
    """reverse(name, args=[slug]) for `<str:slug>` patterns, reversed once per pattern.

    Tag and publication slugs may be Chinese: each is quoted into its pattern's path as
    reverse() would. A pattern that turns out not to take any slug, or a slug with a `/`,
    goes through reverse() itself. One instance serves one render (its urlconf and prefix).
    """

    def __init__(self) -> None:
        key = (get_urlconf(), get_script_prefix())
        if key not in _slug_templates and len(_slug_templates) >= _MAX_PREFIXES:
            _slug_templates.clear()
        self.templates = _slug_templates.setdefault(key, {})

    def url(self, name: str, slug: str) -> str:
        if name not in self.templates:
            self.templates[name] = _slug_template(name)
        parts = self.templates[name]
        if parts is None or not slug or "/" in slug:
            return reverse(name, args=[slug])
        return parts[0] + quote(slug, safe=_PATH_SAFE) + parts[1]


def _slug_template(name: str) -> tuple[str, str] | None:
    """The path of `name` before and after its one argument, or None."""
    try:
        path = reverse(name, args=[_SLOT])
        probe = reverse(name, args=[_PROBE])
    except NoReverseMatch:
        return None
    if path.count(_SLOT) != 1:
        return None
    before, after = path.split(_SLOT)
    if probe != before + quote(_PROBE, safe=_PATH_SAFE) + after:
        return None
    return before, after


@receiver(setting_changed)
def _forget_slug_templates(*, setting: str, **kwargs: Any) -> None:
    if setting == "ROOT_URLCONF":
        _slug_templates.clear()
