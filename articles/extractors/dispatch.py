"""Choose the extractor for an article URL and a response body, and what to fetch for a URL."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from articles.canonical import arxiv_id_from_url, github_repo_from_url, kind_for_url

from .arxiv import extract_arxiv_abs, extract_arxiv_api
from .base import Extracted, NotAnArticle
from .generic import extract_generic
from .github import extract_github_api, extract_github_html
from .huggingface import extract_huggingface_api, hub_api_url, hub_repository
from .links import order_links
from .wechat import extract_wechat

_SNIFF_BYTES = 1024
_ATOM_FEED = re.compile(rb"<feed\b[^>]*http://www\.w3\.org/2005/Atom", re.IGNORECASE)


def body_format(body: bytes, content_type: str = "") -> str:
    """What the bytes are: "json", "atom", "pdf", "empty" or "html"."""
    head = body[:_SNIFF_BYTES].lstrip(b"\xef\xbb\xbf \t\r\n")
    media = content_type.split(";", 1)[0].strip().lower()
    if not head:
        return "empty"
    if head.startswith(b"%PDF") or media == "application/pdf":
        return "pdf"
    if media.endswith("json") or head[:1] in (b"{", b"["):
        return "json"
    if media == "application/atom+xml" or _ATOM_FEED.search(head):
        return "atom"
    return "html"


def extract(url: str, body: bytes, *, content_type: str = "") -> Extracted:
    """Article data from a fetched response; raises NotAnArticle for error and wall pages.

    API responses (GitHub JSON, arXiv Atom) are recognised by their bytes, pages by the URL.
    Related links come ordered paper, code, data, demo.
    """
    extracted = _extract(url, body, content_type)
    extracted.related_links = order_links(extracted.related_links)
    return extracted


def _extract(url: str, body: bytes, content_type: str) -> Extracted:
    kind = kind_for_url(url)
    form = body_format(body, content_type)
    if form == "empty":
        raise NotAnArticle("empty", "The response is empty.")
    if form == "pdf":
        raise NotAnArticle("unparsable", "The response is a PDF file, not a page.")
    if form == "json":
        if kind == "github" or _is_github_api(url, body):
            return extract_github_api(url, body)
        if hub_repository(url):
            return extract_huggingface_api(url, body)
        raise NotAnArticle("unparsable", "The response is JSON data, not an article page.")
    if form == "atom":
        if kind == "arxiv" or b"arxiv.org" in body[: _SNIFF_BYTES * 2]:
            return extract_arxiv_api(url, body)
        raise NotAnArticle("unparsable", "The response is a news feed, not an article page.")
    if kind == "wechat":
        return extract_wechat(url, body, content_type)
    if kind == "arxiv":
        return extract_arxiv_abs(url, body, content_type)
    if kind == "github":
        return extract_github_html(url, body, content_type)
    return extract_generic(url, body, content_type)


def _is_github_api(url: str, body: bytes) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    return host == "api.github.com" or b'"documentation_url"' in body or b'"full_name"' in body


def fetch_url_for(url: str) -> str:
    """The address the fetch pipeline should GET for an article URL.

    APIs for arXiv papers, GitHub repositories and Hugging Face models, datasets and spaces.
    """
    from django.conf import settings

    kind = kind_for_url(url)
    if kind == "arxiv":
        paper = arxiv_id_from_url(url)
        if paper:
            return f"{settings.ARXIV_API_URL}?id_list={quote(paper[0], safe='/.')}"
    if kind == "github":
        repo = github_repo_from_url(url)
        if repo:
            return f"{settings.GITHUB_API_URL.rstrip('/')}/repos/{repo[0]}/{repo[1]}"
    return hub_api_url(url, settings.HF_API_URL) or url
