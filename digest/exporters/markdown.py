"""House-style Markdown, as the digest has always been written."""

from __future__ import annotations

from django.conf import settings

from digest.housestyle import (
    HouseEntry,
    HouseIssue,
    HouseLink,
    HouseOther,
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


def house_issue(content: IssueContent) -> HouseIssue:
    """The issue as the house-style document model, stats line included."""
    issue = content.issue
    house = HouseIssue(
        intro=content.intro,
        stats_line="",
        entries=[
            HouseEntry(
                title=entry.title,
                url=entry.article.canonical_url,
                publication=entry.article.source.name if entry.article.source else "",
                image_url=entry_image_url(entry),
                summary=entry.summary.strip(),
                related_links=[
                    HouseLink(label=link.label, url=link.url) for link in entry.article.links.all()
                ],
            )
            for entry in content.main
        ],
        others=[
            HouseOther(
                title=entry.title,
                url=entry.article.canonical_url,
                publication=entry.article.source.name if entry.article.source else "",
            )
            for entry in content.others
        ],
        others_heading=issue.digest.others_heading,
    )
    house.stats_line = issue.stats_override or stats_line(render_issue_markdown(house))
    return house


def issue_markdown(issue: Issue) -> str:
    return render_issue_markdown(house_issue(issue_content(issue)))
