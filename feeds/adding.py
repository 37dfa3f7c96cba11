"""Adding feeds: from a feed URL, a page that links to its feed, an arXiv or GitHub URL."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction

from articles.services import site_domain
from core import fetcher
from core.fetch_error import FetchError
from feeds.models import Feed
from feeds.parsing import FeedParseError, discover_feeds, parse_feed
from sources.models import Source
from sources.services import source_get_or_create

_ARXIV_LIST = re.compile(r"^/(?:list|rss|atom)/(?P<query>[a-z\-]+(?:\.[A-Za-z\-]+)?)(?:/|$)")
_GITHUB_REPO = re.compile(
    r"^/(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+?)(?:\.git)?/?(?:releases(?:\.atom|/)?)?$"
)


class FeedAddError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FeedSpec:
    kind: str
    url: str = ""
    query: str = ""


def recognise(url: str) -> FeedSpec | None:
    """arXiv listing and GitHub repository URLs become those kinds of feed. Pure."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if host in ("arxiv.org", "www.arxiv.org", "rss.arxiv.org", "export.arxiv.org"):
        match = _ARXIV_LIST.match(parts.path)
        if match:
            return FeedSpec(Feed.Kind.ARXIV, query=match["query"])
    if host in ("github.com", "www.github.com"):
        match = _GITHUB_REPO.match(parts.path)
        if match:
            return FeedSpec(Feed.Kind.GITHUB, query=f"{match['owner']}/{match['repo']}")
    return None


def find_feed(url: str) -> tuple[str, str]:
    """The feed URL for `url` (itself, or what its page links to) and the feed's title."""
    try:
        result = fetcher.fetch(url, purpose="feed")
    except FetchError as error:
        raise FeedAddError(error.message) from None
    try:
        parsed = parse_feed(result.body, url=result.url, content_type=result.content_type)
        return result.url, parsed.title
    except FeedParseError as error:
        candidates = discover_feeds(result.body, url=result.url)
        if not candidates:
            raise FeedAddError(
                f'{url} is not a feed, and the page names no feed (no <link rel="alternate">).'
            ) from error
    for candidate in candidates:
        try:
            found = fetcher.fetch(candidate, purpose="feed")
            parsed = parse_feed(found.body, url=found.url, content_type=found.content_type)
        except (FetchError, FeedParseError):
            continue
        return found.url, parsed.title
    raise FeedAddError(f"The feeds {url} links to could not be read: {', '.join(candidates)}.")


def feed_add(
    *, url: str, source: Source | None = None, digest_id: int | None = None
) -> tuple[Feed, bool]:
    """Find and add the feed for `url`; returns the feed and whether it is new."""
    spec = recognise(url)
    title = ""
    if spec is None:
        feed_url, title = find_feed(url)
        spec = FeedSpec(Feed.Kind.FEED, url=feed_url)
    existing = Feed.objects.filter(kind=spec.kind, url=spec.url, query=spec.query).first()
    if existing:
        return existing, False
    if source is None:
        source = _source_for(spec, title)
    feed = Feed(source=source, digest_id=digest_id, kind=spec.kind, url=spec.url, query=spec.query)
    feed.title = title[:500]
    feed.full_clean(exclude=["source", "digest"])
    try:
        with transaction.atomic():
            feed.save()
    except IntegrityError:
        return Feed.objects.get(kind=spec.kind, url=spec.url, query=spec.query), False
    return feed, True


def _source_for(spec: FeedSpec, title: str) -> Source:
    if spec.kind == Feed.Kind.ARXIV:
        found = source_get_or_create(kind="arxiv")
    elif spec.kind == Feed.Kind.GITHUB:
        found = source_get_or_create(kind="github")
    else:
        domain = site_domain(spec.url)
        found = source_get_or_create(
            kind="website", name=title or domain, domain=domain, homepage=f"https://{domain}/"
        )
    if found is None:
        raise FeedAddError("Could not tell which source this feed belongs to; give one.")
    return found
