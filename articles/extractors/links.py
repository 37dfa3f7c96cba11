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

# House-style labels, in the order the block lists them: paper, code, data, demo.
PAPER, CODE, MODEL, DATASET, DEMO, PROJECT = (
    "Paper",
    "GitHub",
    "Hugging Face",
    "数据集",
    "Demo",
    "项目主页",
)
ORIGINAL = "原文链接"  # where a repost came from ("阅读原文")
_ORDER = {
    label: rank
    for rank, labels in enumerate(
        (
            (PAPER, "DOI", "PDF"),
            (CODE, "代码"),
            (MODEL, "ModelScope"),
            (DATASET,),
            (DEMO,),
            (PROJECT,),
        )
    )
    for label in labels
}
_HF_SECTIONS = {"datasets": DATASET, "spaces": DEMO, "papers": PAPER}
_CODE_HOSTS = ("gitlab.com", "gitee.com", "bitbucket.org", "codeberg.org")
_ADDRESS_HOSTS = (
    "arxiv.org", "doi.org", "github.com", "huggingface.co", "hf.co", "hf.space", "modelscope.cn",
    "kaggle.com", "paperswithcode.com", "alphaxiv.org", "papers.cool", "github.io",
    *_CODE_HOSTS, *_PAPER_HOSTS,
)  # fmt: skip
# arXiv papers as other sites show them: one paper, one canonical link (the abs page).
_ARXIV_MIRROR = re.compile(
    r"^https?://(?:www\.)?(?:alphaxiv\.org/(?:abs|overview|pdf)/|(?:huggingface|hf)\.co/papers/"
    r"|papers\.cool/arxiv/|(?:dx\.)?doi\.org/10\.48550/arxiv\.)"
    r"(?P<id>\d{4}\.\d{4,5}|[a-z-]+(?:\.[a-z]{2})?/\d{7})(?:v\d+)?(?:\.pdf)?/?(?:[?#].*)?$",
    re.IGNORECASE,
)
# GitHub pages that are the repository itself, not a part of it.
_GITHUB_ROOT_PARTS = frozenset(
    {"issues", "pulls", "releases", "wiki", "actions", "stargazers", "network", "tags",
     "discussions", "commits", "branches", "forks", "watchers"}
)  # fmt: skip
# A branch's root or its README is the repository itself.
_README = re.compile(r"^(?:blob|tree)/[^/]+(?:/readme(?:\.\w+)?)?/?$", re.IGNORECASE)
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
    (_words("数据集", "datasets?|benchmarks?"), DATASET),
    (_words("体验|试用|试玩|在线使用", "demos?|playground"), DEMO),
    (_words("论文|技术报告", "papers?|preprint|technical report"), PAPER),
    (_words("主页|官网", "homepage|project page|website"), PROJECT),
    (_words("代码|开源|源码|项目地址", "code|repo|repository|github"), "代码"),
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
        return PAPER
    if _ARXIV_MIRROR.match(url):
        return PAPER
    if host in ("doi.org", "dx.doi.org"):
        return "DOI"
    if host in GITHUB_HOSTS and github_repo_from_url(url):
        return CODE
    if host.removeprefix("www.") in _CODE_HOSTS and path.strip("/").count("/") >= 1:
        return "代码"
    if host.endswith(".github.io"):
        return PROJECT
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
    if host.removeprefix("www.") == "paperswithcode.com":
        return DATASET if path.startswith("/dataset") else PAPER
    if host in _PAPER_HOSTS:
        return PAPER
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
    """The stored spelling of a related link, or ''.

    An arXiv paper is its abs page wherever the link pointed (PDF, HTML, alphaXiv, Hugging
    Face papers, papers.cool, its arXiv DOI); a GitHub link is the repository, or the folder
    or file a deep link names; tracking parameters are removed.
    """
    mirror = _ARXIV_MIRROR.match(url)
    if mirror:
        return f"https://arxiv.org/abs/{mirror['id']}"
    try:
        canonical = canonicalize_url(url)
    except InvalidURL:
        return ""
    repo = github_repo_from_url(canonical) if "github.com" in canonical else None
    if repo:
        owner, name, rest = repo
        keep = rest and not _README.match(rest) and rest.split("/")[0] not in _GITHUB_ROOT_PARTS
        return f"https://github.com/{owner}/{name}" + (f"/{rest}" if keep else "")
    return canonical


def order_links(links: list[RelatedLinkData]) -> list[RelatedLinkData]:
    """Paper, code, models, data, demo, project page, then the rest, each in found order."""
    return sorted(links, key=lambda link: _ORDER.get(link.label, len(_ORDER)))


def collect_links(
    candidates: Iterable[tuple[str, str]],
    *,
    exclude: Iterable[str] = (),
    fallback: str = "",
    source: str = "body",
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
        links.append(RelatedLinkData(label=label, url=target, source=source))
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
