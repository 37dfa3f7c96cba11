"""Reading a fetched feed: bytes and headers in, items out. Pure functions, no I/O.

RSS 0.9x/1.0 (RDF)/2.0 and Atom go through feedparser, which decodes encodings declared
only in the XML prolog, resolves `xml:base` and relative links against the feed's URL,
unwraps CDATA and entities, and falls back to a forgiving parser for ill-formed XML so
that what parses is kept. JSON Feed (1.0 and 1.1), the arXiv export API (Atom) and
GitHub's releases API (JSON) are read here too.

Entity expansion is bounded: a DOCTYPE's internal subset (where entities are declared)
is dropped before parsing, so a billion-laughs document never expands. expat's own
amplification limit would stop it too, but only after expanding megabytes of it.
"""

from __future__ import annotations

import calendar
import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import feedparser
from bs4 import BeautifulSoup

MAX_TITLE = 500
MAX_SUMMARY = 2000
_JSON_FEED_VERSION = re.compile(r"^https?://jsonfeed\.org/version/1(\.\d+)?/?$")
_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.I | re.S)
# Dates feedparser misreads: '2020/1/10 14:33:00' (Dvbbs, many Chinese CMSs) becomes
# 2020-12-01. They are read here first, in the feed's time zone.
_SLASH_DATE = re.compile(
    r"^\s*(?P<y>\d{4})[/.](?P<m>\d{1,2})[/.](?P<d>\d{1,2})"
    r"(?:[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?\s*$"
)


class FeedParseError(ValueError):
    """The document is not a feed; the message says what it is instead."""

    def __init__(self, message: str, *, code: str = "not_a_feed") -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class FeedItem:
    """One entry of a feed, as the feed says it."""

    guid: str
    link: str
    title: str
    summary: str  # plain text
    published_at: datetime | None
    author: str = ""
    extra_links: list[str] = field(default_factory=list)  # links found in the content

    @property
    def key(self) -> str:
        """A short stable identity for the item within its feed."""
        return hashlib.sha1(
            (self.guid or self.link or self.title).encode(), usedforsecurity=False
        ).hexdigest()


@dataclass
class ParsedFeed:
    title: str
    link: str
    items: list[FeedItem]
    total: int  # items in the document
    skipped: int  # items beyond the newest `limit`, not returned
    warning: str = ""  # what was wrong with an ill-formed feed that still parsed


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def parse_feed(
    body: bytes,
    *,
    url: str,
    content_type: str = "",
    limit: int = 200,
    default_tz: tzinfo | str = "UTC",
) -> ParsedFeed:
    """Items of a feed document fetched from `url`, newest first, at most `limit` of them."""
    tz = ZoneInfo(default_tz) if isinstance(default_tz, str) else default_tz
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] in (b"{", b"["):
        return _newest(_parse_json_feed(body, url=url, tz=tz), limit)
    if (_HTML_START.match(head) or "html" in content_type) and not _looks_like_xml_feed(head):
        raise FeedParseError(
            f"{url} is a web page, not a feed: add it by its page URL to find the feeds it"
            " links to."
        )
    return _newest(_parse_xml_feed(body, url=url, content_type=content_type, tz=tz), limit)


def _looks_like_xml_feed(head: bytes) -> bool:
    return bool(re.search(rb"<(?:rss|feed|rdf:RDF)[\s>]", head))


def _newest(parsed: ParsedFeed, limit: int) -> ParsedFeed:
    """Keep the newest `limit` items, in document order.

    Newest by date when every item has one; otherwise the first ones, since feeds list
    their newest items first.
    """
    items = parsed.items
    parsed.skipped = max(0, len(items) - limit)
    if parsed.skipped == 0:
        return parsed
    dates = [item.published_at for item in items]
    if all(dates):
        ranked = sorted(range(len(items)), key=lambda i: dates[i], reverse=True)  # type: ignore[arg-type,return-value]
        keep = set(ranked[:limit])
        parsed.items = [item for i, item in enumerate(items) if i in keep]
    else:
        parsed.items = items[:limit]
    return parsed


# --- RSS, Atom and RDF ------------------------------------------------------------------


# A DOCTYPE with an internal subset: feeds have no use for their own entities, and
# dropping the subset stops entity expansion (billion laughs) before any parser sees it.
_INTERNAL_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[.*?\]\s*>", re.S | re.I)


def _parse_xml_feed(body: bytes, *, url: str, content_type: str, tz: tzinfo) -> ParsedFeed:
    if b"<!ENTITY" in body[:1_000_000].upper():
        body = _INTERNAL_SUBSET.sub(b"", body, count=1)
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    result = feedparser.parse(body, response_headers=headers, sanitize_html=False)
    version = result.get("version", "")
    if not version and not result.entries:
        problem = result.get("bozo_exception")
        detail = f" ({_first_line(problem)})" if problem else ""
        raise FeedParseError(f"{url} is not an RSS, Atom or JSON feed{detail}.")
    items = [_xml_item(entry, url=url, tz=tz) for entry in result.entries]
    problem = result.get("bozo_exception")
    warning = ""
    if result.get("bozo") and not isinstance(problem, _HARMLESS):
        warning = (
            f"The feed is not well-formed; what could be read was kept ({_first_line(problem)})."
        )
    feed = result.get("feed", {})
    return ParsedFeed(
        title=_clean_text(feed.get("title", ""))[:MAX_TITLE],
        link=feed.get("link", ""),
        items=[item for item in items if item.link or item.guid],
        total=len(items),
        skipped=0,
        warning=warning[:500],
    )


_HARMLESS = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


def _first_line(error: object) -> str:
    return str(error).splitlines()[0][:200] if error else ""


def _xml_item(entry: Any, *, url: str, tz: tzinfo) -> FeedItem:
    link = (entry.get("link") or "").strip()
    if link:
        link = urljoin(url, link)
    guid = (entry.get("id") or "").strip()
    if not link and guid.startswith(("http://", "https://")):
        link = guid
    content = ""
    if entry.get("content"):
        content = " ".join(part.get("value", "") for part in entry["content"])
    summary_html = entry.get("summary") or content
    return FeedItem(
        guid=guid or link,
        link=link,
        title=_clean_text(entry.get("title", ""))[:MAX_TITLE],
        summary=_clean_text(summary_html)[:MAX_SUMMARY],
        published_at=_entry_date(entry, tz),
        author=_clean_text(entry.get("author", ""))[:300],
        extra_links=_links_in(content or summary_html, base=link or url),
    )


def _entry_date(entry: Any, tz: tzinfo) -> datetime | None:
    for name in ("published", "updated", "created"):
        raw = entry.get(name)
        if not raw:
            continue
        own = parse_loose_date(raw, tz)
        if own is not None:
            return own
        parsed = entry.get(f"{name}_parsed")
        if parsed:
            return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    return None


def parse_loose_date(text: str, tz: tzinfo) -> datetime | None:
    """Dates such as '2020/1/10 14:33:00' that carry no zone: read in the feed's zone."""
    match = _SLASH_DATE.match(text)
    if not match:
        return None
    parts = {key: int(value) if value else 0 for key, value in match.groupdict().items()}
    try:
        return datetime(
            parts["y"], parts["m"], parts["d"], parts["H"], parts["M"], parts["S"], tzinfo=tz
        )
    except ValueError:
        return None


def _clean_text(value: str) -> str:
    """Plain text of an HTML fragment or of text with entities, on one line."""
    if not value:
        return ""
    if "<" in value:
        value = BeautifulSoup(value, "html.parser").get_text(" ")
    return " ".join(html.unescape(value).split())


def _links_in(fragment: str, *, base: str) -> list[str]:
    if not fragment or "href" not in fragment:
        return []
    soup = BeautifulSoup(fragment, "html.parser")
    links = []
    for anchor in soup.find_all("a", href=True):
        href = str(anchor["href"]).strip()
        if href.startswith(("http://", "https://", "/")):
            links.append(urljoin(base, href))
    return links[:20]


# --- JSON Feed ---------------------------------------------------------------------------


def _parse_json_feed(body: bytes, *, url: str, tz: tzinfo) -> ParsedFeed:
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise FeedParseError(f"{url} sent JSON that does not parse ({error}).") from None
    if isinstance(data, list):
        return _github_releases(data, url=url, tz=tz)
    if not isinstance(data, dict) or not _JSON_FEED_VERSION.match(str(data.get("version", ""))):
        raise FeedParseError(f"{url} sent JSON that is not a JSON Feed.")
    items = []
    for raw in data.get("items") or []:
        if not isinstance(raw, dict):
            continue
        link = urljoin(url, str(raw.get("url") or raw.get("external_url") or ""))
        body_html = str(raw.get("content_html") or "")
        summary = str(raw.get("summary") or "") or body_html or str(raw.get("content_text") or "")
        items.append(
            FeedItem(
                guid=str(raw.get("id") or link),
                link=link,
                title=_clean_text(str(raw.get("title") or ""))[:MAX_TITLE],
                summary=_clean_text(summary)[:MAX_SUMMARY],
                published_at=_iso(raw.get("date_published") or raw.get("date_modified"), tz),
                author=_json_author(raw),
                extra_links=_links_in(body_html, base=link or url),
            )
        )
    return ParsedFeed(
        title=_clean_text(str(data.get("title") or ""))[:MAX_TITLE],
        link=str(data.get("home_page_url") or ""),
        items=[item for item in items if item.link or item.guid],
        total=len(items),
        skipped=0,
    )


def _json_author(raw: dict) -> str:
    authors = raw.get("authors") or ([raw["author"]] if isinstance(raw.get("author"), dict) else [])
    names = [str(a.get("name", "")) for a in authors if isinstance(a, dict) and a.get("name")]
    return ", ".join(names)[:300]


def _iso(value: object, tz: tzinfo) -> datetime | None:
    if not value:
        return None
    text = str(value).strip()
    loose = parse_loose_date(text, tz)
    if loose:
        return loose
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


# --- GitHub releases (REST) ----------------------------------------------------------------


def _github_releases(data: list, *, url: str, tz: tzinfo) -> ParsedFeed:
    items = []
    for raw in data:
        if not isinstance(raw, dict) or raw.get("draft"):
            continue
        link = str(raw.get("html_url") or "")
        name = str(raw.get("name") or raw.get("tag_name") or "")
        items.append(
            FeedItem(
                guid=str(raw.get("id") or link),
                link=link,
                title=_clean_text(name)[:MAX_TITLE],
                summary=" ".join(str(raw.get("body") or "").split())[:MAX_SUMMARY],
                published_at=_iso(raw.get("published_at") or raw.get("created_at"), tz),
                author=str((raw.get("author") or {}).get("login", ""))[:300],
            )
        )
    repo = "/".join(urlsplit(url).path.strip("/").split("/")[1:3])
    return ParsedFeed(
        title=f"Releases of {repo}" if repo else "Releases",
        link=f"https://github.com/{repo}/releases" if repo else "",
        items=items,
        total=len(items),
        skipped=0,
    )


# --- Discovery ------------------------------------------------------------------------------

_FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+json",
    "application/json",
)


def discover_feeds(page: bytes, *, url: str) -> list[str]:
    """Feed URLs a web page names in <link rel="alternate" type="...">, absolute, in order."""
    soup = BeautifulSoup(page[:2_000_000], "html.parser")
    found: list[str] = []
    for link in soup.find_all("link", href=True):
        rel: list[str] | str = link.get("rel") or []
        rels = {r.lower() for r in (rel if isinstance(rel, list) else str(rel).split())}
        kind = str(link.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rels and kind in _FEED_TYPES:
            absolute = urljoin(url, str(link["href"]).strip())
            if absolute not in found:
                found.append(absolute)
    return found
