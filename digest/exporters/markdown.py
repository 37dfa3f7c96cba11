"""House-style Markdown, as the digest has always been written."""

from __future__ import annotations

from django.conf import settings

from articles.services import site_domain
from digest.commonmark import UnclosedFence, structure
from digest.housestyle import (
    DEFAULT_LINK_LABEL,
    HouseEntry,
    HouseIssue,
    HouseLink,
    HouseOther,
    is_stats_line,
    render_issue_markdown,
    stats_line,
)
from digest.models import Entry, Issue
from digest.selectors import IssueContent, issue_content


def entry_image_url(entry: Entry) -> str:
    """An absolute URL for the entry's lead image: override, stored copy, then origin."""
    image = entry.image_override or entry.article.image
    if image:
        url = image.url
        return url if url.startswith(("http://", "https://")) else settings.SITE_URL + url
    return entry.article.image_url


def one_line(text: str) -> str:
    return " ".join(text.split())


def publication_of(entry: Entry) -> str:
    """The publication shown after `|`: the source, else the article's site."""
    article = entry.article
    return one_line(article.source.name if article.source else "") or site_domain(
        article.canonical_url
    )


def link_label(label: str) -> str:
    """A label that reads back as itself in `label：URL` (no colons of its own)."""
    return one_line(label.replace("：", " ").replace(":", " ")) or DEFAULT_LINK_LABEL


def summary_markdown(text: str) -> str:
    """The summary with top-level `# ` headings demoted, so it cannot end the entry.

    A fence the writer left open is closed at the end, as CommonMark reads it.
    """
    lines = text.strip().splitlines()
    try:
        found = structure("\n".join(lines))
    except UnclosedFence as error:
        fence = lines[error.line].lstrip()
        lines.append(fence[: len(fence) - len(fence.lstrip(fence[0]))])
        found = structure("\n".join(lines))
    for index in found.top_headings:
        indent = len(lines[index]) - len(lines[index].lstrip(" "))
        lines[index] = lines[index][:indent] + "#" + lines[index][indent:]
    return "\n".join(lines)


def house_issue(content: IssueContent) -> HouseIssue:
    """The issue as the house-style document model, stats line included."""
    issue = content.issue
    house = HouseIssue(
        intro=content.intro,
        stats_line="",
        entries=[
            HouseEntry(
                title=one_line(entry.title),
                url=entry.article.canonical_url,
                publication=publication_of(entry),
                image_url=entry_image_url(entry),
                summary=summary_markdown(entry.summary),
                related_links=[
                    HouseLink(label=link_label(link.label), url=link.url)
                    for link in entry.article.links.all()
                ],
            )
            for entry in content.main
        ],
        others=[
            HouseOther(
                title=one_line(entry.title),
                url=entry.article.canonical_url,
                publication=publication_of(entry),
            )
            for entry in content.others
        ],
        others_heading=issue.digest.others_heading,
    )
    override = issue.stats_override.strip()
    house.stats_line = (
        override if is_stats_line(override) else stats_line(render_issue_markdown(house))
    )
    return house


def content_stats_line(content: IssueContent) -> str:
    """The stats line the issue shows; the editor's own text when the issue cannot be written
    in house style yet (a summary with an unclosed fence...)."""
    try:
        return house_issue(content).stats_line
    except ValueError:
        return content.issue.stats_override


def content_markdown(content: IssueContent) -> str:
    """The export of an issue and entries as given: saved, or rebuilt in memory."""
    return render_issue_markdown(house_issue(content))


def issue_markdown(issue: Issue) -> str:
    return content_markdown(issue_content(issue))
