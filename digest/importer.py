"""Turning a house-style Markdown issue into a digest issue with its articles."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from articles.canonical import canonicalize_url, kind_for_url, wechat_biz
from articles.models import Article
from articles.services import article_create, article_set_links, site_domain
from digest import services
from digest.housestyle import HouseEntry, HouseIssue, HouseOther, parse_intro_identity
from digest.housestyle import parse_issue_markdown as parse_house
from digest.models import Digest, Entry, Issue
from digest.selectors import render_intro
from sources.services import source_get_or_create


class IssueImportError(ValueError):
    """The file cannot become an issue; the message says why."""


@dataclass
class ImportResult:
    issue: Issue
    created: bool
    articles_created: int = 0
    warnings: list[str] = field(default_factory=list)


def issue_import_markdown(
    *, text: str, digest: Digest | None = None, status: str = Issue.Status.PUBLISHED, by=None
) -> ImportResult:
    """Create (or update, on a second run) the issue a house-style file describes."""
    if status not in Issue.Status.values:
        raise IssueImportError(f"unknown status {status!r}")
    house = parse_house(text)
    identity = parse_intro_identity(house.intro)
    if digest is None:
        if identity is None:
            raise IssueImportError(
                "the intro does not say which digest this is (“本期为 <digest> <number> 期”): "
                "pass --digest"
            )
        digest = _digest_named(identity[0])
    if identity is None or not identity[1].isdigit():
        raise IssueImportError("the intro does not give the issue number (“本期为 … 20210219 期”)")
    number = int(identity[1])
    with transaction.atomic():
        return _import(house, digest=digest, number=number, status=status, by=by)


def _digest_named(name: str) -> Digest:
    digest = Digest.objects.filter(name=name).first()
    if digest:
        return digest
    slug = slugify(name) or "digest"
    if name.replace(" ", "").upper().startswith("AI简报"):
        slug = "ai-brief"
    base, n = slug, 2
    while Digest.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return Digest.objects.create(name=name, slug=slug)


def _issue_date(number: int) -> dt.date:
    text = str(number)[:8]
    try:
        return dt.datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return timezone.localdate()


def _import(house: HouseIssue, *, digest: Digest, number: int, status: str, by) -> ImportResult:
    """Write the file's issue through the services' revision lock, as one new revision."""
    issue_date = _issue_date(number)
    issue = Issue.objects.filter(digest=digest, number=number).first()
    created = issue is None
    if issue is None:
        issue = services.issue_create(digest=digest, number=number, issue_date=issue_date, by=by)
    result = ImportResult(issue=issue, created=created)
    attempted = {"import": number}
    with services.revising(issue, by=by, expected_revision=None, attempted=attempted) as change:
        locked = change.issue
        locked.intro = _intro_as_template(house.intro, issue=locked, count=len(house.entries))
        locked.stats_override = house.stats_line
        if status == Issue.Status.PUBLISHED and not locked.is_published():
            locked.published_at = locked.published_at or timezone.make_aware(
                dt.datetime.combine(issue_date, dt.time(8, 0))
            )
        if created or status == Issue.Status.PUBLISHED:
            locked.status = status
        locked.save()
        _import_entries(house, locked, result)
        change.fields = ["intro", "stats_override", "status", "published_at"]
        change.summary = _("Imported from Markdown")
        # An archive being loaded is not news: subscribers hear of publishing, not of imports.
        change.announced = True
    result.issue = issue
    kept = {e for e in issue.entries.values_list("article__canonical_url", flat=True)}
    every_item: list[HouseEntry | HouseOther] = [*house.entries, *house.others]
    listed = {canonicalize_url(i.url) for i in every_item}
    for url in sorted(kept - listed):
        result.warnings.append(f"kept an entry the file no longer lists: {url}")
    return result


def _import_entries(house: HouseIssue, issue: Issue, result: ImportResult) -> None:
    """The file's entries in its order; entries it no longer lists follow them.

    Positions are unique per section and checked row by row, so every existing entry is
    first moved above every position the file will use.
    """
    items: list[tuple[str, HouseEntry | HouseOther]] = [
        *((Entry.Section.MAIN, item) for item in house.entries),
        *((Entry.Section.OTHERS, item) for item in house.others),
    ]
    highest = issue.entries.aggregate(highest=Max("position"))["highest"] or 0
    issue.entries.update(position=F("position") + highest + len(items) + 1)
    placed: set[int] = set()
    for position, (section, item) in enumerate(items, start=1):
        article, article_created = _article_for(item, result)
        entry, _created = Entry.objects.get_or_create(
            issue=issue, article=article, defaults={"section": section, "position": position}
        )
        entry.section, entry.position = section, position
        if not article_created and article.title != item.title:
            entry.title_override = item.title
        if isinstance(item, HouseEntry) and not article_created:
            summary = item.summary.strip()
            if summary and article.summary.strip() != summary:
                entry.summary_override = summary
        entry.save()
        placed.add(entry.pk)
    leftovers = issue.entries.exclude(pk__in=placed).order_by("position")
    for position, entry in enumerate(leftovers, start=len(items) + 1):
        Entry.objects.filter(pk=entry.pk).update(position=position)


def _article_for(item: HouseEntry | HouseOther, result: ImportResult) -> tuple[Article, bool]:
    article, created = article_create(url=item.url, fetch=False)
    if not created:
        return article, False
    result.articles_created += 1
    kind = kind_for_url(article.canonical_url)
    article.title = item.title
    article.source = source_get_or_create(
        kind=kind,
        name=item.publication,
        wechat_biz=wechat_biz(article.canonical_url),
        domain=site_domain(article.canonical_url) if kind == "web" else "",
    )
    imported = ["title", "source"]
    if isinstance(item, HouseEntry):
        article.summary = item.summary.strip()
        article.image_url = item.image_url
        imported += ["summary", "image_url"]
    article.fetch_state = Article.FetchState.DONE
    article.mark_edited(imported)
    article.save()
    if isinstance(item, HouseEntry) and item.related_links:
        article_set_links(
            article=article, links=[(link.label, link.url) for link in item.related_links]
        )
    return article, True


def _intro_as_template(intro: str, *, issue: Issue, count: int) -> str:
    """Keep the digest's standard opening as placeholders so counts stay right later."""
    template = issue.digest.intro_template
    if not template:
        return intro
    probe = Issue(digest=issue.digest, number=issue.number, intro=template)
    opening = render_intro(probe, count=count, finished=False)
    if opening and intro.startswith(opening):
        return template + intro[len(opening) :]
    return intro
