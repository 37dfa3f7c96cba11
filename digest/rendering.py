"""Markdown and scraped text made safe for pages, feeds and exports.

Summaries are written by editors but may be pasted from anywhere, and scraped fields come
from pages we do not control: Markdown is rendered with raw HTML off and the result goes
through an allow-list sanitiser, so no markup a writer types can run script or load
anything but http(s) images.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import nh3
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

from digest.commonmark import new_parser

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "a", "img", "strong", "em", "del", "s", "code", "pre", "blockquote",
        "ul", "ol", "li", "h3", "h4", "h5", "h6",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
LINK_SCHEMES = ("http://", "https://", "mailto:")
IMAGE_SCHEMES = ("http://", "https://")
LINK_REL = "noopener noreferrer"
# Inline styles the HTML export may set; anything else in a style attribute is dropped.
EXPORT_STYLE_PROPERTIES = frozenset(
    {
        "background", "background-color", "border", "border-bottom", "border-collapse",
        "border-left", "border-radius", "color", "display", "font-family", "font-size",
        "font-style", "font-weight", "height", "line-height", "list-style-type", "margin",
        "margin-bottom", "margin-left", "margin-top", "max-width", "overflow-x", "padding",
        "padding-left", "text-align", "text-decoration", "white-space", "width",
        "word-break", "overflow-wrap",
    }
)  # fmt: skip

# Characters XML 1.0 forbids and HTML calls errors: C0 controls but tab and newlines,
# DEL and C1 controls, lone surrogates and the two non-characters at the end of the BMP.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Browsers drop tabs and newlines anywhere in a URL and strip controls and spaces at its
# ends, so "jav\tascript:" is still javascript:. Compare schemes as a browser would.
_URL_IGNORED = re.compile("[\t\n\r]")
_URL_TRIM = "".join(chr(c) for c in range(0x21)) + "\x7f"
# A bare URL in prose: ASCII only, so Chinese text right after it is not swallowed.
_BARE_URL = re.compile(r"https?://[!-~]+")
_URL_TRAILING = ".,;:!?'\")]}>*_~"


def strip_control(text: str) -> str:
    """Text without characters that make XML unparsable or HTML invalid."""
    return _CONTROL.sub("", text)


def safe_url(url: str, *, schemes: tuple[str, ...] = LINK_SCHEMES) -> str:
    """The URL if a browser would open it with one of `schemes`, else ''."""
    cleaned = _URL_IGNORED.sub("", strip_control(url or "")).strip(_URL_TRIM)
    if cleaned.lower().startswith(schemes):
        return cleaned
    return ""


def safe_image_url(url: str) -> str:
    return safe_url(url, schemes=IMAGE_SCHEMES)


def escape_text(text: str, *, style: str = "") -> SafeString:
    """Scraped plain text as HTML paragraphs, every character escaped."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", strip_control(text)) if p.strip()]
    opening = f'<p style="{escape(style)}">' if style else "<p>"
    return mark_safe(  # noqa: S308 - every piece is escaped just above
        "\n".join(f"{opening}{escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    )


def render_markdown(
    text: str, *, heading_offset: int = 2, styles: Mapping[str, str] | None = None
) -> SafeString:
    """Markdown as sanitised HTML.

    Headings move down by `heading_offset` so a summary's `#` sits below the entry's
    title. `styles` maps tag names to inline CSS for exports that cannot use a stylesheet.
    """
    md = _markdown()
    tokens = md.parse(strip_control(text or ""))
    _adjust(tokens, heading_offset=heading_offset, styles=styles or {})
    html = md.renderer.render(tokens, md.options, {})
    return mark_safe(sanitize(html, styled=bool(styles)))  # noqa: S308 - sanitised


def sanitize(html: str, *, styled: bool = False) -> str:
    """Keep only the allow-listed tags and attributes; links and images must be absolute."""
    return _cleaner(styled).clean(html)


@cache
def _cleaner(styled: bool) -> nh3.Cleaner:
    # Built once: setting a cleaner up costs as much as cleaning a summary with it.
    attributes = {tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()}
    if styled:
        for tag in ALLOWED_TAGS:
            attributes.setdefault(tag, set()).add("style")
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        attributes=attributes,
        url_schemes={"http", "https", "mailto"},
        link_rel=LINK_REL,
        attribute_filter=_filter_attribute,
        filter_style_properties=set(EXPORT_STYLE_PROPERTIES) if styled else None,
        strip_comments=True,
    )


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a" and attribute == "href":
        return safe_url(value) or None
    if tag == "img" and attribute == "src":
        return safe_image_url(value) or None
    return value


@cache
def _markdown() -> MarkdownIt:
    md = new_parser()
    md.core.ruler.push("bare_urls", _link_bare_urls)
    return md


def _adjust(tokens: list[Token], *, heading_offset: int, styles: Mapping[str, str]) -> None:
    for token in tokens:
        if token.children:
            token.children = _drop_unsafe_targets(token.children)
    for token in _walk(tokens):
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + heading_offset)}"
        if token.attrGet("style"):
            # Table alignment: a stylesheet-free page cannot keep it and CSP forbids it.
            del token.attrs["style"]
        if token.nesting >= 0 and token.tag in styles:
            token.attrSet("style", styles[token.tag])


def _drop_unsafe_targets(children: list[Token]) -> list[Token]:
    """Links to unsafe URLs become their text and such images their alt text."""
    kept: list[Token] = []
    dropped_links: list[bool] = []
    for token in children:
        if token.type == "link_open":
            unsafe = not safe_url(str(token.attrGet("href") or ""))
            dropped_links.append(unsafe)
            if unsafe:
                continue
        elif token.type == "link_close" and dropped_links.pop():
            continue
        elif token.type == "image" and not safe_image_url(str(token.attrGet("src") or "")):
            kept.append(_text_token(token.content))
            continue
        kept.append(token)
    return kept


def _walk(tokens: list[Token]):
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def _link_bare_urls(state) -> None:
    """Turn URLs written as plain text into links (house style writes `原文链接：https://…`)."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        inside_link = 0
        for token in block.children:
            inside_link += token.type == "link_open"
            inside_link -= token.type == "link_close"
            if token.type != "text" or inside_link or not _BARE_URL.search(token.content):
                children.append(token)
                continue
            children.extend(_split_urls(token.content, state))
        block.children = children


def _split_urls(text: str, state) -> list[Token]:
    pieces: list[Token] = []
    position = 0
    for match in _BARE_URL.finditer(text):
        url = match.group(0).rstrip(_URL_TRAILING)
        href = state.md.normalizeLink(url)
        if not state.md.validateLink(href):
            continue
        if match.start() > position:
            pieces.append(_text_token(text[position : match.start()]))
        link = Token("link_open", "a", 1)
        link.attrs = {"href": href}
        pieces += [link, _text_token(url), Token("link_close", "a", -1)]
        position = match.start() + len(url)
    if position < len(text):
        pieces.append(_text_token(text[position:]))
    return pieces


def _text_token(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


# --- issue entries --------------------------------------------------------------------


@dataclass(frozen=True)
class LeadImage:
    """What an <img> needs; width and height are the image's, kept for its aspect ratio."""

    src: str
    alt: str
    srcset: str = ""
    sizes: str = ""
    width: int | None = None
    height: int | None = None


# The column is at most 42rem wide; on a phone the image fills the screen.
LEAD_IMAGE_SIZES = "(max-width: 46rem) 100vw, 42rem"


def stored_file_url(field, *, absolute: bool = False) -> str:
    """A stored file's URL; absolute ones (S3) stay, local ones get SITE_URL when asked."""
    url = field.url
    if absolute and not url.startswith(("http://", "https://")):
        return settings.SITE_URL + url
    return url


def lead_image(entry, *, absolute: bool = False) -> LeadImage | None:
    """The entry's lead image: its override, the stored copy (with thumbnail), or the origin."""
    article = entry.article
    alt = strip_control(article.image_alt or entry.title)
    if entry.image_override:
        return LeadImage(src=stored_file_url(entry.image_override, absolute=absolute), alt=alt)
    size = {"width": article.image_width, "height": article.image_height}
    if article.image:
        full = stored_file_url(article.image, absolute=absolute)
        if not article.image_thumbnail:
            return LeadImage(src=full, alt=alt, **size)
        thumb = stored_file_url(article.image_thumbnail, absolute=absolute)
        if not article.image_width:
            return LeadImage(src=thumb, alt=alt, srcset=f"{thumb} 1x, {full} 2x")
        # The thumbnailer never enlarges: a narrow original is its own thumbnail's width.
        thumb_width = min(article.image_width, settings.IMAGE_THUMB_WIDTH)
        srcset = f"{thumb} {thumb_width}w, {full} {article.image_width}w"
        return LeadImage(src=thumb, alt=alt, srcset=srcset, sizes=LEAD_IMAGE_SIZES, **size)
    origin = safe_image_url(article.image_url)
    return LeadImage(src=origin, alt=alt, **size) if origin else None


def entry_summary_html(entry, *, styles: Mapping[str, str] | None = None) -> SafeString:
    """The editor's Markdown summary, or else the scraped excerpt as escaped text."""
    markdown = entry.summary_override or entry.article.summary
    if markdown.strip():
        return render_markdown(markdown, styles=styles)
    return escape_text(entry.article.excerpt, style=(styles or {}).get("p", ""))
