"""Importing and exporting feeds as OPML."""

from __future__ import annotations

from dataclasses import dataclass, field

from articles.services import site_domain
from feeds.adding import FeedSpec, recognise
from feeds.models import Feed
from feeds.opml import Outline, build_opml, parse_opml
from sources.services import source_get_or_create


@dataclass
class ImportReport:
    added: list[int] = field(default_factory=list)
    existing: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"added": len(self.added), "existing": len(self.existing), "errors": self.errors}


def feeds_import_opml(*, data: bytes, digest_id: int | None = None) -> ImportReport:
    """Add every feed an OPML file lists, without fetching them; raises OPMLError."""
    report = ImportReport()
    for outline in parse_opml(data):
        spec = recognise(outline.url) or FeedSpec(Feed.Kind.FEED, url=outline.url)
        existing = Feed.objects.filter(kind=spec.kind, url=spec.url, query=spec.query).first()
        if existing:
            report.existing.append(existing.pk)
            continue
        name = outline.category or outline.title or site_domain(outline.url)
        source = source_get_or_create(
            kind={"arxiv": "arxiv", "github": "github"}.get(spec.kind, "website"),
            name=name,
            homepage=outline.html_url[:500],
        )
        feed = Feed(
            source=source,
            digest_id=digest_id,
            kind=spec.kind,
            url=spec.url,
            query=spec.query,
            title=outline.title[:500],
        )
        try:
            feed.full_clean(exclude=["source", "digest"])
        except Exception as error:
            report.errors.append(f"{outline.url}: {error}")
            continue
        feed.save()
        report.added.append(feed.pk)
    return report


def feeds_export_opml(*, feeds=None) -> bytes:
    chosen = feeds if feeds is not None else Feed.objects.select_related("source")
    outlines = [
        Outline(
            url=feed.url or _feed_url(feed),
            title=feed.title or str(feed),
            category=feed.source.name,
            html_url=feed.source.homepage,
        )
        for feed in chosen
    ]
    return build_opml(outlines, title="Briefroom feeds")


def _feed_url(feed: Feed) -> str:
    if feed.kind == Feed.Kind.GITHUB:
        return f"https://github.com/{feed.query}/releases.atom"
    return f"https://rss.arxiv.org/rss/{feed.query}"
