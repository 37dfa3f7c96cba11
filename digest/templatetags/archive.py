"""Template helpers for archive pages, feeds and exports: safe text, URLs and images."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.safestring import SafeString

from digest import rendering

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
