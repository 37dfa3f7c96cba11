"""arXiv papers: the export API's Atom response (what the pipeline fetches) and the abs page."""

from __future__ import annotations

import re
import threading
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from lxml import etree
from lxml.etree import _Element as Element

from articles.canonical import arxiv_id_from_url

from .base import Extracted, NotAnArticle, RelatedLinkData, clean_text, join_names
from .dates import parse_datetime
from .links import collect_links, urls_in_text
from .page import Page

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
ARXIV_SITE = "https://arxiv.org/"
_CATEGORY_IN_TEXT = re.compile(r"\(([a-z\-]+(?:\.[A-Za-z\-]+)?)\)")
_VERSION_DATE = re.compile(r"\[v(\d+)\]\s*([A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4} [\d:]+ \w+)")
_NOT_FOUND = re.compile(r"not found|does ?n[o']t exist|not recogni[sz]ed|no such", re.IGNORECASE)
_local = threading.local()


def _xml_parser() -> etree.XMLParser:
    # Never resolve entities or fetch DTDs from a response body (XXE); one parser per thread.
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = etree.XMLParser(
            resolve_entities=False, no_network=True, remove_comments=True, huge_tree=False
        )
    return parser


def _text(element: Element | None) -> str:
    return clean_text(element.text) if element is not None else ""


def wanted_id(url: str) -> tuple[str, str] | None:
    """The paper an URL asks for: an arXiv URL, or the first id of an API `id_list` query."""
    found = arxiv_id_from_url(url)
    if found:
        return found
    for value in parse_qs(urlsplit(url).query).get("id_list", []):
        first = value.split(",")[0].strip()
        if first:
            # The "arXiv:" prefix: arxiv_id_from_url reads a bare "2405.05966" as a host name.
            return arxiv_id_from_url(f"arXiv:{first.removeprefix('arXiv:')}")
    return None


def extract_arxiv_api(url: str, body: bytes) -> Extracted:
    try:
        feed = etree.fromstring(body, parser=_xml_parser())
    except etree.XMLSyntaxError as exc:
        raise NotAnArticle("unparsable", "The arXiv API response is not valid XML.") from exc
    entries = feed.findall(f"{ATOM}entry")
    for entry in entries:
        if "/api/errors" in _text(entry.find(f"{ATOM}id")):
            detail = _text(entry.find(f"{ATOM}summary")) or "unknown error"
            raise NotAnArticle("error", f"The arXiv API answered with an error: {detail}.")
    entry = _pick_entry(entries, wanted_id(url))
    if entry is None or not _text(entry.find(f"{ATOM}title")):
        total = _text(feed.find(f"{OPENSEARCH}totalResults")) or "0"
        raise NotAnArticle("not_found", f"arXiv has no paper for this address ({total} results).")
    return _from_entry(entry, _text(feed.find(f"{OPENSEARCH}totalResults")))


def _pick_entry(entries: list[Element], wanted: tuple[str, str] | None) -> Element | None:
    """The entry for the requested id (same version first), else the first entry."""
    if not entries:
        return None
    if wanted:
        same_paper = [(e, ids) for e in entries if (ids := _entry_id(e))[0] == wanted[0]]
        for entry, (_, version) in same_paper:
            if version == wanted[1]:
                return entry
        if same_paper:
            return same_paper[0][0]
    return entries[0]


def _entry_id(entry: Element) -> tuple[str, str]:
    return arxiv_id_from_url(_text(entry.find(f"{ATOM}id"))) or ("", "")


def _from_entry(entry: Element, total: str) -> Extracted:
    paper_id, version = _entry_id(entry)
    authors = [_text(a.find(f"{ATOM}name")) for a in entry.findall(f"{ATOM}author")]
    affiliations = {
        _text(a.find(f"{ATOM}name")): [_text(x) for x in a.findall(f"{ARXIV}affiliation")]
        for a in entry.findall(f"{ATOM}author")
        if a.find(f"{ARXIV}affiliation") is not None
    }
    pdf_url = abs_url = ""
    for link in entry.findall(f"{ATOM}link"):
        href = (link.get("href") or "").strip()
        if link.get("title") == "pdf" or link.get("type") == "application/pdf":
            pdf_url = pdf_url or href
        elif link.get("rel") == "alternate":
            abs_url = abs_url or href
    primary = entry.find(f"{ARXIV}primary_category")
    published = parse_datetime(_text(entry.find(f"{ATOM}published")))
    updated = parse_datetime(_text(entry.find(f"{ATOM}updated")))
    return _paper(
        paper_id=paper_id,
        version=version,
        title=_text(entry.find(f"{ATOM}title")),
        authors=[a for a in authors if a],
        summary=_text(entry.find(f"{ATOM}summary")),
        published=published,
        updated=updated,
        primary=primary.get("term", "") if primary is not None else "",
        categories=[c.get("term", "") for c in entry.findall(f"{ATOM}category") if c.get("term")],
        pdf_url=pdf_url,
        abs_url=abs_url,
        doi=_text(entry.find(f"{ARXIV}doi")),
        comment=_text(entry.find(f"{ARXIV}comment")),
        journal_ref=_text(entry.find(f"{ARXIV}journal_ref")),
        extra={"affiliations": affiliations, "total_results": total, "source": "api"},
    )


def _https(url: str) -> str:
    return "https://" + url[len("http://") :] if url.startswith("http://arxiv.org/") else url


def _paper(
    *,
    paper_id: str,
    version: str,
    title: str,
    authors: list[str],
    summary: str,
    published: datetime | None,
    updated: datetime | None,
    primary: str,
    categories: list[str],
    pdf_url: str,
    abs_url: str,
    doi: str,
    comment: str,
    journal_ref: str,
    image_url: str = "",
    extra: dict[str, Any] | None = None,
) -> Extracted:
    """The Extracted record of a paper, the same whichever arXiv response it came from."""
    pdf_url = _https(pdf_url) or (f"https://arxiv.org/pdf/{paper_id}{version}" if paper_id else "")
    abs_url = _https(abs_url) or (f"https://arxiv.org/abs/{paper_id}{version}" if paper_id else "")
    links = [RelatedLinkData("PDF", pdf_url, "metadata")] if pdf_url else []
    if doi:
        links.append(RelatedLinkData("DOI", f"https://doi.org/{doi}", "metadata"))
    # Code and project pages are usually announced in the comment or the abstract.
    links += collect_links(
        urls_in_text(comment + "\n" + summary),
        exclude=[abs_url, pdf_url] + [link.url for link in links],
        fallback="Link",
        source="metadata",
    )
    metadata: dict[str, Any] = {
        "arxiv_id": paper_id,
        "version": version,
        "authors": authors,
        "primary_category": primary or (categories[0] if categories else ""),
        "categories": categories,
        "published": published.isoformat() if published else None,
        "updated": updated.isoformat() if updated else None,
        "pdf_url": pdf_url,
        "abs_url": abs_url,
        "doi": doi,
        "comment": comment,
        "journal_ref": journal_ref,
        **(extra or {}),
    }
    return Extracted(
        kind="arxiv",
        title=title,
        publication="arXiv",
        author=join_names(authors),
        description=summary,
        summary=summary,
        image_url=image_url,
        published_at=published,
        related_links=links,
        metadata=metadata,
        canonical_url=f"https://arxiv.org/abs/{paper_id}" if paper_id else "",
        site_url=ARXIV_SITE,
        body_text=summary,
    )


def _person(name: str) -> str:
    """citation_author writes "Last, First"; show "First Last"."""
    last, sep, first = name.partition(",")
    return f"{first.strip()} {last.strip()}" if sep and first.strip() else name.strip()


def extract_arxiv_abs(url: str, body: bytes, content_type: str = "") -> Extracted:
    """The abs page, from its citation_* metas (Google Scholar's) with og:/twitter: fallbacks."""
    page = Page(url, body, content_type)
    title = page.first_meta("citation_title")
    if not title and arxiv_id_from_url(page.first_meta("og:url")):
        title = page.first_meta("og:title", "twitter:title")
    if not title:
        # Every abs page carries citation_* metas; without them it is an error or other page.
        text = " ".join([page.title_tag, *page.h1_texts()])
        if _NOT_FOUND.search(text):
            raise NotAnArticle("not_found", f"arXiv says: {clean_text(text)[:200]}")
        raise NotAnArticle("unparsable", "The arXiv page is not a paper's abstract page.")
    authors = [_person(clean_text(a)) for a in page.meta.get("citation_author", [])]
    cells = _metatable(page)
    history = _history(page)
    # The first version's submission time; citation_date only has the day.
    published = history[0] if history else parse_datetime(page.first_meta("citation_date"))
    declared = page.first_meta("og:url") or url
    paper_id = page.first_meta("citation_arxiv_id")
    found = arxiv_id_from_url(declared) or arxiv_id_from_url(url)
    version = found[1] if found and (not paper_id or found[0] == paper_id) else ""
    paper_id = paper_id or (found[0] if found else "")
    subjects = cells.get("subjects", "")
    primary = page.root.xpath('string(//span[@class="primary-subject"])')
    return _paper(
        paper_id=paper_id,
        version=version,
        title=title,
        authors=[a for a in authors if a],
        summary=page.first_meta("citation_abstract", "og:description", "twitter:description"),
        published=published,
        updated=history[-1] if len(history) > 1 else None,
        primary=next(iter(_CATEGORY_IN_TEXT.findall(primary)), ""),
        categories=_CATEGORY_IN_TEXT.findall(subjects),
        pdf_url=page.absolute(page.first_meta("citation_pdf_url")),
        abs_url=f"https://arxiv.org/abs/{paper_id}{version}" if paper_id else "",
        doi=page.first_meta("citation_doi") or cells.get("doi", "").removeprefix("DOI:").strip(),
        comment=cells.get("comments", ""),
        journal_ref=cells.get("jref", ""),
        # The abs page's og:image is arXiv's logo, relative: made absolute, it is what it declares.
        image_url=page.absolute(page.first_meta("og:image", "twitter:image", "twitter:image:src")),
        extra={"subjects": subjects, "source": "abs"},
    )


def _metatable(page: Page) -> dict[str, str]:
    cells: dict[str, str] = {}
    for cell in page.root.xpath('//td[contains(@class, "tablecell")]'):
        classes = (cell.get("class") or "").split()
        for name in ("comments", "subjects", "jref", "doi", "msc-classes", "acm-classes"):
            if name in classes and name not in cells:
                cells[name] = clean_text(cell.text_content())
    return cells


def _history(page: Page) -> list[datetime]:
    """Submission dates of each version, from the "Submission history" block."""
    text = page.root.xpath('string(//div[@class="submission-history"])')
    dates = [parse_datetime(stamp) for _, stamp in _VERSION_DATE.findall(text)]
    return [d for d in dates if d]
