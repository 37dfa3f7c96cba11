"""GitHub repositories: the REST API's repository JSON (what the pipeline fetches) and the page."""

from __future__ import annotations

import json
import re
from typing import Any

from lxml.html import HtmlElement

from articles.canonical import github_repo_from_url

from .base import Extracted, NotAnArticle, RelatedLinkData, clean_text
from .dates import parse_datetime
from .lede import summary_of
from .links import PROJECT, collect_links, labelled_by_address
from .page import Page, block_text

GITHUB_SITE = "https://github.com/"
_NWO = re.compile(r"^(?:GitHub - )?([A-Za-z0-9][\w.-]*/[\w.-]+?)(?::\s+(.*))?$", re.S)
_GO_IMPORT = re.compile(r"^github\.com/([\w.-]+/[\w.-]+) git ")
_DEEP_TITLE = re.compile(r" at [^·]+ · ([A-Za-z0-9][\w.-]*/[\w.-]+)(?: · GitHub)?$")
_API_REPO = re.compile(
    r"^(?:https?|git)://(?:api\.)?github\.com/(?:repos/)?(?P<owner>[\w.-]+)/(?P<name>[\w.-]+?)"
    r"(?:\.git)?/?$"
)
_COUNTER = re.compile(r"(\d[\d,]*) users? (starred|forked) this repository")
# Descriptions GitHub writes for a repository that has none, or appends to one that has.
_BOILERPLATE = re.compile(
    r"\s*(?:-\s+[\w.-]+/[\w.-]+"
    r"|\s*Contribute to [\w.-]+/[\w.-]+ development by creating an account on GitHub\.)\s*$"
)


def social_preview_url(owner: str, repo: str) -> str:
    return f"https://opengraph.githubassets.com/1/{owner}/{repo}"


def api_error(data: Any) -> NotAnArticle | None:
    """The NotAnArticle an API error body stands for, or None for a repository."""
    if not isinstance(data, dict):
        return NotAnArticle("unparsable", "The GitHub API response is not a repository.")
    if "message" not in data and repository_name(data):
        return None
    message = str(data.get("message") or "")
    lowered = message.lower()
    if "rate limit" in lowered or "secondary rate" in lowered:
        return NotAnArticle("rate_limited", f"GitHub's API rate limit was hit: {message}")
    if "moved permanently" in lowered:
        where = data.get("url") or "a new address"
        return NotAnArticle("moved", f"The repository has moved permanently (to {where}).")
    if lowered == "not found":
        return NotAnArticle("not_found", "GitHub has no such repository (it may be private).")
    if "blocked" in lowered:
        return NotAnArticle("blocked", f"GitHub blocks access to this repository: {message}")
    if message:
        return NotAnArticle("error", f"GitHub's API answered with an error: {message}")
    return NotAnArticle("unparsable", "The GitHub API response is not a repository.")


def repository_name(data: dict[str, Any]) -> str:
    """owner/repo from wherever the payload gives it: API schemas of every vintage differ.

    full_name appeared in 2012; before it, owner.login and name, or html_url and url, say it.
    """
    full_name = data.get("full_name")
    if isinstance(full_name, str) and full_name.count("/") == 1:
        return full_name
    owner: dict[str, Any] = data["owner"] if isinstance(data.get("owner"), dict) else {}
    login, name = owner.get("login"), data.get("name")
    if isinstance(login, str) and isinstance(name, str) and login and name:
        return f"{login}/{name}"
    for key in ("html_url", "svn_url", "url", "clone_url", "git_url"):
        value = data.get(key)
        found = _API_REPO.match(value) if isinstance(value, str) else None
        if found and found["owner"] != "repositories":
            return f"{found['owner']}/{found['name']}"
    return ""


def extract_github_api(url: str, body: bytes) -> Extracted:
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise NotAnArticle("unparsable", "The GitHub API response is not JSON.") from exc
    error = api_error(data)
    if error:
        raise error
    full_name = repository_name(data)
    owner = data.get("owner") if isinstance(data.get("owner"), dict) else {}
    login, name = full_name.split("/", 1)
    license_info = data.get("license") if isinstance(data.get("license"), dict) else {}
    homepage = (data.get("homepage") or "").strip()
    html_url = data.get("html_url") or f"https://github.com/{full_name}"
    # Before 2012 "watchers" meant stars; later payloads keep it as a copy of stargazers_count.
    stars = next(
        (data[k] for k in ("stargazers_count", "watchers_count", "watchers") if k in data), None
    )
    # A fork carries its parent's and source's whole records: only top-level counts are its own.
    parent = data.get("parent") if isinstance(data.get("parent"), dict) else {}
    source = data.get("source") if isinstance(data.get("source"), dict) else {}
    metadata = {
        "full_name": full_name,
        "owner": login,
        "owner_type": owner.get("type", ""),
        "stars": stars,
        "forks": data.get("forks_count", data.get("forks")),
        "watchers": data.get("subscribers_count"),
        "open_issues": data.get("open_issues_count"),
        "language": data.get("language") or "",
        "topics": list(data.get("topics") or []),
        "license": license_info.get("spdx_id") or "",
        "homepage": homepage,
        "default_branch": data.get("default_branch") or data.get("master_branch") or "",
        "created_at": data.get("created_at"),
        "updated_at": data.get("updated_at"),
        "pushed_at": data.get("pushed_at"),
        "archived": bool(data.get("archived")),
        "fork": bool(data.get("fork")),
        "parent": parent.get("full_name", ""),
        "source": source.get("full_name", ""),
        "html_url": html_url,
        "avatar_url": owner.get("avatar_url", ""),
        "social_preview_url": social_preview_url(login, name),
    }
    return Extracted(
        kind="github",
        title=full_name,
        publication="GitHub",
        author=login,
        description=clean_text(data.get("description")),
        summary=clean_text(data.get("description")),
        image_url=owner.get("avatar_url") or social_preview_url(login, name),
        published_at=parse_datetime(data.get("created_at")),
        related_links=_homepage_link(homepage),
        metadata=metadata,
        canonical_url=f"https://github.com/{full_name}",
        site_url=GITHUB_SITE,
        body_text=clean_text(data.get("description")),
    )


def _homepage_link(homepage: str) -> list[RelatedLinkData]:
    """The repository's website as a related link, labelled by what it is (often a paper)."""
    if homepage and not homepage.startswith(("http://", "https://")):
        homepage = f"https://{homepage}" if "." in homepage else ""  # owners type "foo.org"
    if not homepage:
        return []
    return collect_links([(homepage, "")], fallback=PROJECT, source="metadata")


def extract_github_html(url: str, body: bytes, content_type: str = "") -> Extracted:
    """A repository page (root, or a tree/blob deep link, whose og:* describe the repository)."""
    page = Page(url, body, content_type)
    og_title = page.first_meta("og:title", "twitter:title")
    match = _NWO.match(og_title)
    nwo = page_repository(page) or (match[1] if match else "")
    if not nwo:
        raise _html_error(page)
    from_url = github_repo_from_url(url)
    owner, repo = nwo.split("/", 1)
    # The About text: itemprop=about (older pages), else the sidebar paragraph under "About".
    about = page.root.xpath(
        'string(//@itemprop[.="about"]/.. '
        '| //h2[normalize-space()="About"]/following-sibling::p[1])'
    )
    description = clean_text(about) or _BOILERPLATE.sub(
        "", page.first_meta("og:description", "twitter:description", "description")
    )
    if match and match[2] and not description:
        description = clean_text(match[2])
    homepage = _about_homepage(page)
    counts = _counts(page)
    topics = [clean_text(t) for t in page.root.xpath('//a[contains(@class, "topic-tag")]/text()')]
    metadata = {
        "full_name": nwo,
        "owner": owner,
        "stars": counts.get("starred"),
        "forks": counts.get("forked"),
        "topics": list(dict.fromkeys(t for t in topics if t)),
        "homepage": homepage,
        "fork": page.first_meta("octolytics-dimension-repository_is_fork") == "true",
        "social_preview_url": social_preview_url(owner, repo),
        "path": from_url[2] if from_url else "",
    }
    readme = next(iter(page.root.xpath('//article[contains(@class, "markdown-body")]')), None)
    links = _homepage_link(homepage)
    links += _readme_links(page, readme, exclude=[url, homepage, *(x.url for x in links)])
    body_text = block_text(readme) if readme is not None else ""
    return Extracted(
        kind="github",
        title=nwo,
        publication="GitHub",
        author=owner,
        description=description,
        summary=summary_of(body_text, description, title=nwo),
        image_url=page.absolute(page.first_meta("og:image", "twitter:image:src", "twitter:image")),
        related_links=links,
        metadata=metadata,
        canonical_url=f"https://github.com/{nwo}",
        site_url=GITHUB_SITE,
        body_text=body_text or description,
    )


def _readme_links(
    page: Page, readme: HtmlElement | None, exclude: list[str]
) -> list[RelatedLinkData]:
    """Papers, models, datasets and demos the README points to.

    Links to GitHub itself (the repository's own files, badges, other projects) are left out.
    """
    if readme is None:
        return []
    hrefs = labelled_by_address(a.get("href") for a in readme.iter("a"))
    anchors = [(page.absolute(h), "") for h in hrefs if not github_repo_from_url(h)]
    return collect_links(anchors, exclude=exclude)


def page_repository(page: Page) -> str:
    """The owner/repo a page declares: analytics metas, go-import, or a deep page's og:title."""
    nwo = page.first_meta("octolytics-dimension-repository_nwo")
    if not nwo:
        found = _GO_IMPORT.match(page.first_meta("go-import"))
        nwo = found[1] if found else ""
    if not nwo:
        # "path/to/dir at main · owner/repo" on tree and blob pages.
        found = _DEEP_TITLE.search(page.first_meta("og:title") or page.title_tag)
        nwo = found[1] if found else ""
    return nwo


def _html_error(page: Page) -> NotAnArticle:
    """What a GitHub page that names no repository is: a 404, a rate limit, or something else."""
    text = (page.title_tag + " " + " ".join(page.h1_texts())).lower()
    if "not found" in text:
        return NotAnArticle("not_found", "GitHub has no such repository (it may be private).")
    if any(p in text for p in ("too many requests", "rate limit", "abuse detection", "whoa there")):
        return NotAnArticle("rate_limited", "GitHub refused the request as too frequent.")
    return NotAnArticle("unparsable", "The GitHub page does not describe a repository.")


def _about_homepage(page: Page) -> str:
    hrefs = page.root.xpath('//h2[normalize-space()="About"]/..//a[@target="_blank"]/@href')
    return page.absolute(str(hrefs[0])) if hrefs else ""


def _counts(page: Page) -> dict[str, int]:
    """Counters GitHub states as "N users starred/forked this repository" in aria-labels."""
    counts: dict[str, int] = {}
    for label in page.root.xpath('//@aria-label[contains(., "this repository")]'):
        match = _COUNTER.search(str(label))
        if match and match[2] not in counts:
            counts[match[2]] = int(match[1].replace(",", ""))
    return counts
