"""A self-contained HTML issue for the WeChat official-account editor and email.

Both strip stylesheets, classes and scripts, so every element carries its look in an
inline style and every URL is absolute. Layout uses blocks and one centring table
(Outlook ignores max-width on anything else), never flexbox or grid.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from digest.exporters.markdown import content_stats_line
from digest.models import Entry, Issue
from digest.rendering import LeadImage, entry_summary_html, lead_image, safe_url, strip_control
from digest.selectors import issue_content

TEXT = "#333333"
MUTED = "#6a737d"
ACCENT = "#b4361f"
LINK = "#0b5cad"
SURFACE = "#f6f7f4"
BORDER = "#d8dcd3"
MAX_WIDTH = 680

# Inline styles for what a Markdown summary can contain.
SUMMARY_STYLES = {
    "p": f"margin:0 0 1em;line-height:1.75;color:{TEXT}",
    "a": f"color:{LINK};text-decoration:underline;word-break:break-all",
    "h3": f"margin:1.2em 0 0.6em;font-size:17px;line-height:1.4;color:{TEXT}",
    "h4": f"margin:1.2em 0 0.6em;font-size:16px;line-height:1.4;color:{TEXT}",
    "h5": f"margin:1em 0 0.5em;font-size:15px;color:{TEXT}",
    "h6": f"margin:1em 0 0.5em;font-size:15px;color:{MUTED}",
    "blockquote": (
        f"margin:0 0 1em;padding:8px 12px;border-left:4px solid {BORDER};"
        f"background:{SURFACE};color:{MUTED}"
    ),
    "pre": (
        f"margin:0 0 1em;padding:12px;background:{SURFACE};border-radius:4px;"
        "overflow-x:auto;white-space:pre;font-size:13px;line-height:1.5"
    ),
    "code": f"font-size:14px;background:{SURFACE};padding:1px 4px;border-radius:3px",
    "ul": "margin:0 0 1em;padding-left:1.5em",
    "ol": "margin:0 0 1em;padding-left:1.5em",
    "li": "margin:0 0 0.3em;line-height:1.75",
    "img": "display:block;max-width:100%;height:auto;margin:0 auto 1em",
    "hr": f"border:0;border-bottom:1px solid {BORDER};margin:1.5em 0",
    "table": "border-collapse:collapse;margin:0 0 1em",
    "th": f"border:1px solid {BORDER};padding:4px 8px;background:{SURFACE}",
    "td": f"border:1px solid {BORDER};padding:4px 8px",
}


@dataclass
class ExportEntry:
    """An entry as the export shows it: everything escaped, sanitised or made absolute."""

    number: int
    title: str
    url: str
    publication: str
    image: LeadImage | None
    image_width: int | None
    image_height: int | None
    summary: SafeString
    links: list[tuple[str, str]]


def _export_entry(number: int, entry: Entry) -> ExportEntry:
    image = lead_image(entry, absolute=True)
    width = height = None
    if image and image.width and image.height:
        # Outlook sizes images by their attributes alone: never wider than the column.
        width = min(image.width, MAX_WIDTH)
        height = round(image.height * width / image.width)
    return ExportEntry(
        number=number,
        title=strip_control(entry.title),
        url=safe_url(entry.article.canonical_url),
        publication=strip_control(entry.article.source.name if entry.article.source else ""),
        image=image,
        image_width=width,
        image_height=height,
        summary=entry_summary_html(entry, styles=SUMMARY_STYLES),
        links=[
            (strip_control(link.label) or "原文链接", url)
            for link in entry.article.links.all()
            if (url := safe_url(link.url))
        ],
    )


def issue_html(issue: Issue) -> str:
    """The issue as one HTML document with inline styles and absolute URLs."""
    content = issue_content(issue)
    stats = content_stats_line(content)
    context = {
        "issue": issue,
        "title": strip_control(issue.display_title),
        "intro": strip_control(content.intro),
        "stats_line": strip_control(stats),
        "entries": [_export_entry(n, entry) for n, entry in enumerate(content.main, start=1)],
        "others": [
            {
                "title": strip_control(entry.title),
                "url": safe_url(entry.article.canonical_url),
                "publication": strip_control(
                    entry.article.source.name if entry.article.source else ""
                ),
            }
            for entry in content.others
        ],
        "others_number": len(content.main) + 1,
        "others_heading": strip_control(issue.digest.others_heading),
        "issue_url": settings.SITE_URL + issue.get_absolute_url(),
        "colours": {
            "text": TEXT,
            "muted": MUTED,
            "accent": ACCENT,
            "link": LINK,
            "surface": SURFACE,
            "border": BORDER,
        },
        "max_width": MAX_WIDTH,
    }
    return render_to_string("exports/issue.html", context)
