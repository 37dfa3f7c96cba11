"""Any other web page: OpenGraph, Twitter cards, JSON-LD, then plain HTML.

Precedence follows what publishers curate for sharing: og:* first (it is what social cards
show), then JSON-LD, then <title> and the page's own markup. Where og:title and the visible
<h1> are the same headline in different typography, the <h1>'s spelling is kept.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import UTC, datetime, tzinfo
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from .base import (
    BODY_TEXT_LIMIT,
    Extracted,
    NotAnArticle,
    RelatedLinkData,
    clean_block_text,
    clean_text,
    join_names,
)
from .credits import credits_in
from .dates import SHANGHAI, parse_datetime
from .lede import is_mostly_cjk, summary_of
from .links import canonical_link, collect_links, labelled_by_address
from .page import Page, block_text, ld_names, ld_text, ld_url, looks_like_url

_DATE_METAS = (
    "article:published_time", "og:article:published_time", "og:published_time",
    "published_time", "article.published", "datepublished", "publishdate", "publish_date",
    "pubdate", "date", "dc.date", "dc.date.issued", "dcterms.date", "dcterms.created",
    "dcterms.issued", "citation_publication_date", "citation_date", "sailthru.date",
    "parsely-pub-date", "article:published", "pub_date", "og:release_date", "release_date",
)  # fmt: skip
# Elements that CMS templates name for the publication time, and the bytes that betray them
# (a substring test on the raw page is far cheaper than a class query over the whole tree).
_DATE_TOKENS = (b"pubTime", b"pubtime", b"publish-time", b"post-time", b"news-time")
_DATE_ELEMENTS = (
    '//*[contains(@class, "pubTime") or contains(@class, "pubtime")'
    ' or contains(@class, "publish-time") or contains(@class, "post-time")'
    ' or @id="pubtime" or @id="publish_time" or @id="news-time" or @id="pubtime_baidu"]'
)
DATE_LINE_LIMIT = 100
_TEXT_NAMED_DATE = re.compile(
    r"\b(?:(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{1,2},? \d{4}"
    r"|\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.? \d{4})"
    r"(?:,? (?:at )?\d{1,2}:\d{2}(?: ?[AaPp]\.?[Mm]\.?)?)?"
)
_URL_DATE = re.compile(r"/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/")
_TEXT_DATETIME = re.compile(
    r"(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?\s+\d{1,2}:\d{2}(?::\d{2})?"
    r"|(?:19|20)\d{2}年\d{1,2}月\d{1,2}日\s*\d{1,2}:\d{2}(?::\d{2})?"
)
# A date after these words is when the page was changed, not published.
_EDITED = re.compile(
    r"(?:编辑于|更新于|修改于|发布于\s*\S*\s*更新|updated|modified|edited)\s*$", re.I
)
DATA_WINDOW = 5000
_DATA_DATE = re.compile(
    r'"(?:datePublished|publishedAt|published_at|publishTime|publish_time|publishedTime|created'
    r'|createdAt|created_at|ctime)"\s*:\s*"?(?P<value>\d{10,13}|\d{4}-\d{2}-\d{2}[^"]*)'
)
_KANA = re.compile(r"[\u3040-\u30ff]")
_AUTHOR_METAS = (
    "author", "article:author", "og:article:author", "parsely-author", "sailthru.author",
    "dc.creator", "dcterms.creator", "byl", "citation_author",
)  # fmt: skip
_QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "“": '"', "”": '"', "„": '"', "‟": '"',
     "″": '"', "–": "-", "—": "-", "\u00a0": " "}
)  # fmt: skip
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|·|::|:|/|»)\s+")
_OWNER_SITE = re.compile(r"^([A-Z][\w.-]+(?: [A-Z][\w.-]+){1,3})['’]s (?:[A-Z]\w*\s?){1,3}$")
_SUFFIX_SEPARATORS = "_|-–—·:：｜"
_BY = re.compile(r"^(?:(?:by|von|par|por)\s+|作者\s*[:：]?\s*)", re.IGNORECASE)
MIN_PARAGRAPH = 30
SHORT_ARTICLE = 1000  # characters
CREDIT_LEVELS = 3  # how far above the article's paragraphs credit lines are looked for
_BLOCK_CHILDREN = frozenset(
    {"p", "div", "section", "article", "table", "ul", "ol", "blockquote", "script", "style"}
)
_BYLINE_TOKENS = (b"byline", b"autor", b"author-name", b'rel="author"')
_BYLINES = (
    '//*[@rel="author" or contains(@class, "byline") or contains(@class, "autor")'
    ' or contains(@class, "author-name")][not(self::meta or self::body or self::html)]'
)
_STANDFIRST_TOKENS = (b"standfirst", b"vorspann")
_STANDFIRST = (
    '//*[self::p or self::div][contains(@class, "standfirst") or contains(@class, "vorspann")]'
)


def _comparable(text: str) -> str:
    """A title reduced to what two spellings of it share (quotes, dashes, spaces, case)."""
    return " ".join(unicodedata.normalize("NFKC", text).translate(_QUOTES).split()).casefold()


def pick_title(page: Page, ld: dict[str, Any], publication: str) -> str:
    title = page.first_meta("og:title", "twitter:title") or ld_text(ld.get("headline"))
    title = strip_site_name(title, publication)
    h1s = page.h1_texts()
    if title:
        for h1 in h1s:
            # The same headline, or the headline with a tag or site suffix ("标题_中国_法国").
            if _comparable(h1) == _comparable(title) or _suffixed(title, h1):
                return h1
        return title
    tag = page.title_tag
    for h1 in h1s:
        # "<h1> | Site" in <title>: the h1 is the headline.
        if _comparable(tag).startswith(_comparable(h1)):
            return h1
    # No h1 matches: a part of "Site | Headline" that a lower heading repeats is the headline.
    parts = [part.strip() for part in _TITLE_SEPARATORS.split(tag)]
    if len(parts) > 1:
        headings = {_comparable(h) for h in page.heading_texts("h2", "h3")}
        for part in parts:
            if _comparable(part) in headings:
                return part
    return strip_site_name(tag, publication) or (h1s[0] if h1s else "")


def _suffixed(title: str, headline: str) -> bool:
    """`title` is `headline` followed by a separator and more (tags, the site's name)."""
    rest = title[len(headline) :] if title.startswith(headline) and headline else ""
    return bool(rest) and rest[0] in _SUFFIX_SEPARATORS


def strip_site_name(title: str, site: str) -> str:
    """`Headline | Site` -> `Headline` when the tail is the site's name."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) > 1 and site and _comparable(site) in _comparable(parts[-1]):
        return _TITLE_SEPARATORS.split(title, maxsplit=len(parts) - 2)[0].strip()
    # Chinese sites join without spaces: "标题_科技_腾讯网", "标题|新浪科技".
    head, _, tail = title.partition("_") if "_" in title else title.rpartition("|")
    tail = tail.strip()
    if head and tail and " " not in tail and site and _comparable(site) in _comparable(tail):
        return head.strip()
    return title


def page_timezone(page: Page, title: str) -> tzinfo:
    """The zone of times a page writes without one: China's for Chinese pages, else UTC."""
    lang = (page.root.get("lang") or page.first_meta("content-language", "og:locale")).lower()
    if lang.startswith("zh") or (not lang and is_mostly_cjk(title) and not _KANA.search(title)):
        return SHANGHAI
    return UTC


def pick_published(page: Page, ld: dict[str, Any], tz: tzinfo = UTC) -> datetime | None:
    found = _declared_published(page, ld, tz)
    if found:
        return found
    # A date in the address (/2020/01/13/slug): the day the post went up.
    match = _URL_DATE.search(urlsplit(page.url).path)
    return parse_datetime(f"{match[1]}-{match[2]}-{match[3]}", tz) if match else None


def _declared_published(page: Page, ld: dict[str, Any], tz: tzinfo) -> datetime | None:
    parse_datetime = partial(_parse, tz=tz)
    # article:published_time is first: JSON-LD often rounds it to the second.
    for value in (page.first_meta("article:published_time"), ld_text(ld.get("datePublished"))):
        parsed = parse_datetime(value)
        if parsed:
            return parsed
    # itemprop=datePublished on any element; the first one belongs to the article, later
    # ones to teasers of related stories.
    for element in page.root.xpath('//@itemprop[.="datePublished"]/..'):
        value = element.get("content") or element.get("datetime") or element.text_content()
        parsed = parse_datetime(clean_text(value))
        if parsed:
            return parsed
        break
    for key in _DATE_METAS:
        parsed = parse_datetime(page.first_meta(key))
        if parsed:
            return parsed
    for element in page.root.xpath("//time[@pubdate or @datetime]")[:1]:
        parsed = parse_datetime(element.get("datetime")) or parse_datetime(element.get("pubdate"))
        if parsed:
            return parsed
    for element in page.find(_DATE_ELEMENTS, _DATE_TOKENS)[:3]:
        parsed = parse_datetime(clean_text(element.get("content") or element.text_content()))
        if parsed:
            return parsed
    return None


def visible_published(lines: list[str], tz: tzinfo) -> datetime | None:
    """The first date a short line of the page shows ("( 2012-06-04 09:20:26 )", "May 6, 2024").

    Long lines are the article's sentences, whose dates are what it reports, not when.
    """
    for line in lines:
        if len(line) > DATE_LINE_LIMIT:
            continue
        match = _TEXT_DATETIME.search(line) or _TEXT_NAMED_DATE.search(line)
        if match and not _EDITED.search(line[: match.start()]):
            parsed = parse_datetime(match[0], tz)
            if parsed:
                return parsed
    return None


def data_island_published(page: Page, title: str, tz: tzinfo) -> datetime | None:
    """The publication time in the app state a script carries (React, Next.js, Vue pages).

    The record that holds the article's title holds its date too: the nearest date key wins.
    """
    needle = f'"title":{json.dumps(title, ensure_ascii=False)}'
    for text in page.root.xpath("//script[not(@src)]/text()"):
        at = str(text).find(needle)
        if at < 0:
            continue
        window = str(text)[max(0, at - DATA_WINDOW) : at + DATA_WINDOW]
        found = sorted(
            _DATA_DATE.finditer(window), key=lambda m: abs(m.start() - min(at, DATA_WINDOW))
        )
        for match in found:
            parsed = parse_datetime(match["value"], tz)
            if parsed:
                return parsed
    return None


def _parse(value: str | None, tz: tzinfo) -> datetime | None:
    return parse_datetime(value, tz)


def pick_author(page: Page, ld: dict[str, Any], sites: tuple[str, ...] = ()) -> str:
    """The people who wrote the article; a site or publisher named as author does not count."""
    not_site = partial(_is_person, sites=tuple(_comparable(s) for s in sites if s))
    names = [n for n in ld_names(_people(ld.get("author")) or ld.get("creator")) if not_site(n)]
    if names:
        return join_names(names)
    names = [n for n in microdata_authors(page) if not_site(n)]
    if names:
        return join_names(names)
    for key in _AUTHOR_METAS:
        values = [clean_text(_BY.sub("", v)) for v in page.meta.get(key, [])]
        names = [v for v in values if v and not looks_like_url(v) and not_site(v)]
        if names:
            return join_names(names)
    for element in page.find(_BYLINES, _BYLINE_TOKENS)[:3]:
        # A byline that also holds the date names its author in a link, usually.
        linked = [a for a in element.iter("a") if clean_text(a.text_content())]
        text = (linked[0] if linked else element).text_content()
        name = clean_text(_BY.sub("", clean_text(text)))
        if name and len(name) <= 60 and not_site(name):
            return name
    # Ghost and others: twitter:label1 "Written by" / twitter:data1 "<name>".
    for n in ("1", "2"):
        if page.first_meta(f"twitter:label{n}").lower() in ("written by", "author", "by"):
            name = page.first_meta(f"twitter:data{n}")
            if name:
                return name
    # A personal site named for its owner: "Ada Lovelace's Notes | <headline>".
    for part in _TITLE_SEPARATORS.split(page.title_tag):
        match = _OWNER_SITE.match(part.strip())
        if match:
            return match[1]
    return ""


def _people(value: Any) -> Any:
    """A JSON-LD author without the organisations (a publisher credited as the author)."""
    values = value if isinstance(value, list) else [value]
    people = [v for v in values if not (isinstance(v, dict) and v.get("@type") == "Organization")]
    return people


def _is_person(name: str, sites: tuple[str, ...]) -> bool:
    plain = _comparable(name)
    first = plain.split(",")[0].strip()  # "SPIEGEL ONLINE, Hamburg, Germany"
    # "网易" is the site "网易订阅"; "Gizmodo Staff" is not the site "Gizmodo".
    return not any(site in (plain, first) or plain in site for site in sites)


def microdata_authors(page: Page) -> list[str]:
    """Names in itemprop=author scopes (a nested itemprop=name, else the element's text)."""
    names = []
    for element in page.find('//*[@itemprop="author"]', (b'="author"',))[:5]:
        inner = element.xpath('.//*[@itemprop="name"]')
        source = inner[0] if inner else element
        name = clean_text(source.get("content") or source.text_content())
        if name and len(name) <= 60 and not looks_like_url(name):
            names.append(name)
    return names


def site_names(page: Page, publication: str) -> tuple[str, ...]:
    """Names the site goes by: its declared name, and the <title>'s tail after the headline."""
    parts = _TITLE_SEPARATORS.split(page.title_tag)
    tail = re.split(r"[_|｜]", page.title_tag)
    names = (publication, *parts[1:], *tail[1:])
    # "Headline - by Ada" names the author, not the site.
    return tuple(dict.fromkeys(x for x in names if x and not _BY.match(x)))


def pick_image(page: Page, ld: dict[str, Any]) -> str:
    image = page.first_meta(
        "og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src"
    )
    image = image or ld_url(ld.get("image")) or page.link_href("image_src")
    return page.absolute(image)


def declared_canonical(page: Page) -> tuple[str, dict[str, str]]:
    """The canonical URL the page declares, if usable, and notes on where and what it is."""
    declared = (("link", page.link_href("canonical")), ("og:url", page.first_meta("og:url")))
    for source, raw in declared:
        if not raw:
            continue
        notes = {"canonical_source": source, "canonical_kind": "not_http"}
        url = page.absolute(raw)
        if not url:
            return "", {**notes, "canonical_declared": raw}
        notes["canonical_kind"] = canonical_kind(url, page.url)
        if notes["canonical_kind"] == "same_host" and _is_home(url) and not _is_home(page.url):
            # A CMS default that points every page at the home page: not this article's URL.
            return "", {**notes, "canonical_declared": url, "canonical_ignored": "home page"}
        return canonical_link(url), notes
    return "", {}


def canonical_kind(canonical: str, page_url: str) -> str:
    """same_host, doi (a DOI resolver) or other_host: where a declared canonical points."""
    host = (urlsplit(canonical).hostname or "").removeprefix("www.")
    if host == (urlsplit(page_url).hostname or "").removeprefix("www."):
        return "same_host"
    return "doi" if host in ("doi.org", "dx.doi.org") else "other_host"


def _is_home(url: str) -> bool:
    return urlsplit(url).path in ("", "/")


def main_container(page: Page) -> HtmlElement | None:
    """The element holding the article text: articleBody, <article>, or <main>."""
    found = page.root.xpath('//@itemprop[.="articleBody"]/.. | //article | //main')
    for test in (lambda e: e.get("itemprop") == "articleBody", lambda e: e.tag == "article"):
        matches = [e for e in found if test(e)]
        if matches:
            return max(matches, key=lambda e: len(e.findall(".//p")))
    return found[0] if found else None


def paragraphs_text(root: HtmlElement, tags: tuple[str, ...] = ("p",)) -> str:
    out, size = [], 0
    for paragraph in _text_blocks(root, tags):
        text = clean_text(paragraph.text_content())
        if len(text) >= MIN_PARAGRAPH:
            out.append(text)
            size += len(text)
            if size >= BODY_TEXT_LIMIT:
                break
    return "\n".join(out)[:BODY_TEXT_LIMIT]


def _text_blocks(root: HtmlElement, tags: tuple[str, ...]) -> list[HtmlElement]:
    """Paragraphs, and with ("p", "div") the divs that hold text rather than other blocks."""
    return [e for e in root.iter(*tags) if e.tag == "p" or not _has_block_child(e)]


def _has_block_child(element: HtmlElement) -> bool:
    return any(child.tag in _BLOCK_CHILDREN for child in element)


def densest_block(page: Page, tags: tuple[str, ...] = ("p",)) -> tuple[HtmlElement | None, int]:
    """The element whose own paragraphs hold the most text, and how much (no article markup).

    Paragraphs are <p>s, or with ("p", "div") also <div>s that hold text, not other blocks.
    """
    scores: dict[HtmlElement, int] = {}
    for paragraph in _text_blocks(page.root, tags):
        parent = paragraph.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0) + len(paragraph.text_content())
    if not scores:
        return None, 0
    best = max(scores, key=scores.__getitem__)
    return best, scores[best]


def standfirst(page: Page) -> str:
    """A standfirst the page shows under its headline but declares nowhere (a CMS class name)."""
    for element in page.find(_STANDFIRST, _STANDFIRST_TOKENS):
        text = clean_text(element.text_content())
        if len(text) >= MIN_PARAGRAPH:
            return text
    return ""


def article_text(
    page: Page, ld: dict[str, Any], container: HtmlElement | None
) -> tuple[str, HtmlElement | None]:
    """The article's own text (JSON-LD articleBody, else its paragraphs) and the element
    holding the paragraphs, when found."""
    article_body = ld.get("articleBody")
    text = clean_block_text(article_body) if isinstance(article_body, str) else ""
    if container is not None:
        return text or paragraphs_text(container) or block_text(container), container
    block, size = densest_block(page)
    if size < SHORT_ARTICLE:
        # Little text in <p>s: a template that writes its paragraphs as <div>s.
        divs, div_size = densest_block(page, ("p", "div"))
        if divs is not None and div_size > 2 * size:
            return text or paragraphs_text(divs, ("p", "div")), divs
    if block is None:
        return text, None
    return text or paragraphs_text(block), block


def article_links(
    page: Page, container: HtmlElement | None, canonical: str, notes: dict[str, str]
) -> list[RelatedLinkData]:
    is_doi = notes.get("canonical_kind") == "doi" and canonical
    links = [RelatedLinkData("DOI", canonical, "metadata")] if is_doi else []
    if container is not None:
        # Only links whose address says what they are (arXiv, DOI, GitHub, Hugging Face...):
        # on news pages, anchor words like "code" or "paper" label too much in-site navigation.
        hrefs = labelled_by_address(a.get("href") for a in container.iter("a"))
        anchors = [(page.absolute(href), "") for href in hrefs]
        links += collect_links(anchors, exclude=[page.url, canonical, *(x.url for x in links)])
    return links


def page_metadata(page: Page, canonical: str, notes: dict[str, str]) -> dict[str, Any]:
    metadata: dict[str, Any] = {**notes}
    if notes.get("canonical_kind") == "doi":
        metadata["doi"] = urlsplit(canonical).path.lstrip("/")
    section = page.first_meta("article:section")
    if section:
        metadata["section"] = section
    tags = [clean_text(t) for t in page.meta.get("article:tag", [])]
    if tags:
        metadata["tags"] = list(dict.fromkeys(t for t in tags if t))
    return metadata


def _around(page: Page, block: HtmlElement | None) -> HtmlElement:
    """The part of the page around the article's text: where bylines and datelines sit."""
    region = block
    for _ in range(CREDIT_LEVELS):
        parent = region.getparent() if region is not None else None
        if parent is None or parent.tag == "html":
            break
        region = parent
    if region is None or region.tag == "html":
        body = page.root.find("body")
        return page.root if body is None else body
    return region


def _site_authors(page: Page) -> list[str]:
    """Author metas that name the portal itself ("网易"): the publication, not the writer."""
    values = [clean_text(v) for key in ("author", "article:author") for v in page.meta.get(key, [])]
    tail = _comparable(page.title_tag)
    return [v for v in dict.fromkeys(values) if v and _comparable(v) in tail and len(v) < 20]


def _credited(
    lines: list[str], author: str, publication: str, sites: tuple[str, ...]
) -> tuple[str, str]:
    """Author and publication from credit lines, when the metadata names no author.

    A source credited next to an author is the publication; a source alone (a portal's
    self-media account, "来源: 鞭牛士") is who wrote it, published on the site.
    """
    if author:
        return author, publication
    credits = credits_in(lines)
    if credits.author:
        return credits.author, credits.source or publication
    if credits.source:
        return credits.source, publication or next(iter(sites), "")
    return "", publication


def extract_generic(url: str, body: bytes, content_type: str = "") -> Extracted:
    page = Page(url, body, content_type)
    ld = page.json_ld_article
    publisher = ld.get("publisher") if isinstance(ld.get("publisher"), dict) else {}
    publication = (
        page.first_meta("og:site_name") or ld_text(publisher) or page.first_meta("application-name")
    )
    title = pick_title(page, ld, publication)
    if not title:
        raise NotAnArticle("empty", "The page has no title: it does not look like an article.")
    canonical, notes = declared_canonical(page)
    container = main_container(page)
    body_text, text_block = article_text(page, ld, container)
    description = (
        page.first_meta("og:description", "twitter:description", "description")
        or ld_text(ld.get("description"))
        or standfirst(page)
    )
    home = urlsplit(canonical if notes.get("canonical_kind") == "same_host" else url)
    site_url = page.absolute(ld_url(publisher.get("url"))) if publisher else ""
    tz = page_timezone(page, title)
    sites = site_names(page, publication)
    author = pick_author(page, ld, sites)
    published = pick_published(page, ld, tz)
    links = article_links(page, container, canonical, notes)
    published = published or data_island_published(page, title, tz)
    # Credit lines ("作者：", "来源：") are a Chinese convention; dates are read in any language.
    if (not author and tz is SHANGHAI) or not published:
        # Last: the page's own text (reading it marks up the tree for block_text).
        # In page order: header credits and dates come before the text, closing credits after.
        lines = block_text(_around(page, text_block)).splitlines()
        author, publication = _credited(lines, author, publication, (*_site_authors(page), *sites))
        published = published or visible_published(lines, tz)
    return Extracted(
        kind="web",
        title=title,
        publication=publication,
        author=author,
        description=description,
        summary=summary_of(body_text, description, title=title, site=publication),
        image_url=pick_image(page, ld),
        published_at=published,
        related_links=links,
        metadata=page_metadata(page, canonical, notes),
        canonical_url=canonical,
        site_url=canonical_link(site_url or f"{home.scheme}://{home.netloc}/"),
        body_text=body_text,
    )
