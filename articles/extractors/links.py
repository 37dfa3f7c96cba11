"""Outbound links worth showing next to an article (paper, code, dataset, demo) and their labels."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from articles.canonical import (
    ARXIV_HOSTS,
    GITHUB_HOSTS,
    InvalidURL,
    arxiv_id_from_url,
    canonicalize_url,
    github_repo_from_url,
)

from .base import RelatedLinkData

# URLs pasted as plain text (WeChat bodies rarely hyperlink them): stop at CJK text and
# full-width punctuation, which Chinese writers put right after a URL without a space.
URL_IN_TEXT = re.compile(
    r"https?://[^\s<>\"'\u3000-\u303f\u3400-\u9fff\uff00-\uffef\u2018-\u201f（）【】《》]+"
)
_TRAILING = ".,;:!?]}'\"*"

# Hosts whose links never describe the article's subject: the platform's own pages and CDNs.
_NOISE_HOSTS = (
    "mp.weixin.qq.com", "weixin.qq.com", "mmbiz.qpic.cn", "mmbiz.qlogo.cn", "wx.qlogo.cn",
    "res.wx.qq.com", "v.qq.com", "y.qq.com",
)  # fmt: skip
_PAPER_HOSTS = (
    "openreview.net", "aclanthology.org", "proceedings.neurips.cc", "papers.nips.cc",
    "openaccess.thecvf.com", "proceedings.mlr.press", "dl.acm.org", "ieeexplore.ieee.org",
    "www.semanticscholar.org", "www.nature.com", "www.science.org", "biorxiv.org",
    "www.biorxiv.org", "medrxiv.org", "www.medrxiv.org",
)  # fmt: skip

_HF_SECTIONS = {"datasets": "数据集", "spaces": "Demo", "papers": "Paper"}
_ADDRESS_HOSTS = (
    "arxiv.org", "doi.org", "github.com", "huggingface.co", "hf.co", "hf.space", "modelscope.cn",
    "kaggle.com", "paperswithcode.com", *_PAPER_HOSTS,
)  # fmt: skip
# A cheap first look at an href: only these can get a label from the address alone.
_LABELLED_ADDRESS = re.compile(
    r"^(?:https?:)?//(?:[\w-]+\.)*(?:"
    + "|".join(re.escape(h.removeprefix("www.")) for h in _ADDRESS_HOSTS)
    + r")(?:[:/?#]|$)|\.pdf(?:[?#]|$)",
    re.IGNORECASE,
)


def _words(chinese: str, latin: str) -> re.Pattern[str]:
    # Latin keywords must be whole words ("decode" is not "code"); \b cannot tell, because
    # CJK characters count as word characters and touch Latin ones ("在线demo").
    return re.compile(rf"{chinese}|(?<![A-Za-z])(?:{latin})(?![A-Za-z])", re.IGNORECASE)


# What the words around a link say it is; Chinese first because WeChat posts label links so.
_CONTEXT_LABELS = (
    (_words("数据集", "datasets?|benchmarks?"), "数据集"),
    (_words("体验|试用|试玩|在线使用", "demos?|playground"), "Demo"),
    (_words("论文|技术报告", "papers?|preprint|technical report"), "Paper"),
    (_words("主页|官网", "homepage|project page|website"), "Homepage"),
    (_words("代码|开源|源码|项目地址", "code|repo|repository|github"), "Code"),
    (_words("模型|权重", "models?|weights|checkpoints?"), "Model"),
    (_words("博客", "blog"), "Blog"),
)


def _host_path(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return (parts.hostname or "").lower(), parts.path or "/"


def label_for(url: str, context: str = "") -> str:
    """A short label for an outbound link, or '' when neither the URL nor its context says."""
    host, path = _host_path(url)
    # Host checks first: the canonical.py parsers are comparatively costly, and most links fail.
    if host in ARXIV_HOSTS and arxiv_id_from_url(url):
        return "Paper"
    if host in ("doi.org", "dx.doi.org"):
        return "DOI"
    if host in GITHUB_HOSTS and github_repo_from_url(url):
        return "GitHub"
    if host in ("huggingface.co", "hf.co"):
        section = path.strip("/").split("/", 1)[0]
        return _HF_SECTIONS.get(section, "Hugging Face")
    if host.endswith(".hf.space"):
        return "Demo"
    if host in ("modelscope.cn", "www.modelscope.cn"):
        section = path.strip("/").split("/", 1)[0]
        return {"datasets": "数据集", "studios": "Demo"}.get(section, "ModelScope")
    if host.endswith("kaggle.com") and path.startswith("/datasets"):
        return "数据集"
    if host == "paperswithcode.com":
        return "数据集" if path.startswith("/dataset") else "Paper"
    if host in _PAPER_HOSTS:
        return "Paper"
    if path.lower().endswith(".pdf"):
        return "PDF"
    return _context_label(context)


def _context_label(context: str) -> str:
    """The label whose keyword sits closest before the link ("论文：… 代码：<url>" is code)."""
    best, best_end = "", -1
    for pattern, label in _CONTEXT_LABELS:
        for match in pattern.finditer(context):
            if match.end() > best_end:
                best, best_end = label, match.end()
    return best


def is_noise(url: str) -> bool:
    host, _ = _host_path(url)
    return any(host == noise or host.endswith("." + noise) for noise in _NOISE_HOSTS)


def tidy_url(url: str) -> str:
    """A URL found in text without the punctuation that followed it.

    A closing parenthesis stays when the URL opened one (Wikipedia's "Foo_(bar)").
    """
    while url:
        if url[-1] in _TRAILING or (url[-1] == ")" and url.count("(") < url.count(")")):
            url = url[:-1]
        else:
            break
    return url


def canonical_link(url: str) -> str:
    """The stored spelling of a related link (arXiv abs URL, tracking removed), or ''."""
    try:
        return canonicalize_url(url)
    except InvalidURL:
        return ""


def collect_links(
    candidates: Iterable[tuple[str, str]], *, exclude: Iterable[str] = (), fallback: str = ""
) -> list[RelatedLinkData]:
    """Labelled, canonical, de-duplicated links from (url, context) pairs, first label wins.

    Links nothing labels are dropped unless `fallback` names them (e.g. "Link").
    """
    candidates = list(candidates)
    if not candidates:
        return []
    seen = {canonical_link(url) for url in exclude if url}
    links: list[RelatedLinkData] = []
    for raw, context in candidates:
        url = tidy_url(raw.strip())
        if not url.startswith(("http://", "https://")) or is_noise(url):
            continue
        label = label_for(url, context) or fallback
        # A PDF keeps its own address: canonicalising an arXiv PDF would turn it into the abs page.
        target = url if label == "PDF" else canonical_link(url)
        if not label or not target or target in seen:
            continue
        seen.add(target)
        links.append(RelatedLinkData(label=label, url=target))
    return links


def labelled_by_address(hrefs: Iterable[str | None]) -> list[str]:
    """The hrefs whose address alone could earn a label (arXiv, DOI, GitHub, PDF...).

    Pages hold hundreds of links; this regex pass spares parsing the URLs that cannot matter.
    """
    return [href for href in hrefs if href and _LABELLED_ADDRESS.search(href)]


def urls_in_text(text: str, context_chars: int = 24) -> list[tuple[str, str]]:
    """Plain-text URLs with the words just before them on the same line (their label)."""
    found = []
    previous_end = 0
    for match in URL_IN_TEXT.finditer(text):
        start = match.start()
        line_start = text.rfind("\n", 0, start) + 1
        context_start = max(line_start, previous_end, start - context_chars)
        found.append((tidy_url(match.group()), text[context_start:start]))
        previous_end = match.end()
    return found
