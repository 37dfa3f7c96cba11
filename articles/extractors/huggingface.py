"""Hugging Face Hub repositories (models, datasets, spaces), from the Hub API's JSON.

The Hub API gives no title, summary or image: the repository id is the title and its author
the owner. Papers and training datasets appear only as tags ("arxiv:1810.04805",
"dataset:wikipedia"), which become the related links.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from .base import Extracted, NotAnArticle, RelatedLinkData, clean_text
from .dates import parse_datetime

HF_SITE = "https://huggingface.co/"
HF_HOSTS = frozenset({"huggingface.co", "www.huggingface.co", "hf.co"})
# First path segments that are site sections, not repository owners.
_NOT_OWNERS = frozenset(
    {
        "api", "blog", "docs", "papers", "learn", "tasks", "models", "organizations", "pricing",
        "settings", "join", "login", "collections", "posts", "chat", "spaces", "datasets",
    }
)  # fmt: skip
_SECTIONS = {"datasets": "datasets", "spaces": "spaces"}
_ARXIV_ID = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})$")
_REPO_NAME = re.compile(r"^[\w.-]+(?:/[\w.-]+)?$")


def hub_repository(url: str) -> tuple[str, str] | None:
    """(section, repo id) of a Hub repository URL: ("models", "google-bert/bert-base-uncased")."""
    parts = urlsplit(url)
    if (parts.hostname or "").lower() not in HF_HOSTS:
        return None
    segments = [s for s in parts.path.split("/") if s]
    section = "models"
    if segments and segments[0] in _SECTIONS:
        section, segments = _SECTIONS[segments[0]], segments[1:]
    elif segments and segments[0] in _NOT_OWNERS:
        return None
    if len(segments) < 2 or segments[0] in _NOT_OWNERS:
        return None
    return section, f"{segments[0]}/{segments[1]}"


def hub_api_url(url: str, api_base: str) -> str:
    """The Hub API address describing the repository at `url`, or '' for other pages."""
    found = hub_repository(url)
    return f"{api_base.rstrip('/')}/{found[0]}/{found[1]}" if found else ""


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _tag_values(tags: list[Any], prefix: str) -> list[str]:
    return [t[len(prefix) :] for t in tags if isinstance(t, str) and t.startswith(prefix)]


def hub_links(data: dict[str, Any]) -> list[RelatedLinkData]:
    """Papers and datasets the repository's tags and card name, as metadata links."""
    tags = _list(data.get("tags"))
    card = _dict(data.get("cardData"))
    links = [
        RelatedLinkData("Paper", f"https://arxiv.org/abs/{paper}", "metadata")
        for paper in _tag_values(tags, "arxiv:")
        if _ARXIV_ID.match(paper)
    ]
    card_datasets = _list(card.get("datasets"))
    datasets = [*_tag_values(tags, "dataset:"), *(d for d in card_datasets if isinstance(d, str))]
    for dataset in dict.fromkeys(datasets):
        if _REPO_NAME.match(dataset):
            links.append(
                RelatedLinkData("数据集", f"https://huggingface.co/datasets/{dataset}", "metadata")
            )
    return links


def _error(data: Any) -> NotAnArticle | None:
    if not isinstance(data, dict):
        return NotAnArticle("unparsable", "The Hugging Face API response is not a repository.")
    if isinstance(data.get("id") or data.get("modelId"), str):
        return None
    message = str(data.get("error") or "")
    if "not found" in message.lower():
        return NotAnArticle("not_found", "Hugging Face has no such repository (or it is private).")
    if message:
        return NotAnArticle("error", f"The Hugging Face API answered with an error: {message}")
    return NotAnArticle("unparsable", "The Hugging Face API response is not a repository.")


def extract_huggingface_api(url: str, body: bytes) -> Extracted:
    try:
        data = json.loads(body)
    except ValueError as exc:
        raise NotAnArticle("unparsable", "The Hugging Face API response is not JSON.") from exc
    error = _error(data)
    if error:
        raise error
    repo_id = str(data.get("id") or data.get("modelId"))
    found = hub_repository(url)
    section = found[0] if found else "models"
    prefix = "" if section == "models" else f"{section}/"
    author = clean_text(data.get("author")) or repo_id.split("/")[0]
    tags = [t for t in data.get("tags") or [] if isinstance(t, str)]
    card = _dict(data.get("cardData"))
    metadata = {
        "hub_id": repo_id,
        "hub_section": section,
        "downloads": data.get("downloads"),
        "likes": data.get("likes"),
        "pipeline_tag": data.get("pipeline_tag") or "",
        "library": data.get("library_name") or "",
        "license": str(card.get("license") or next(iter(_tag_values(tags, "license:")), "")),
        "tags": tags,
        "gated": bool(data.get("gated")),
        "last_modified": data.get("lastModified"),
        # The Hub's creation date: for repositories older than the Hub, the migration date.
        "hub_created_at": data.get("createdAt"),
    }
    summary = card.get("description")
    description = clean_text(summary) if isinstance(summary, str) else ""
    return Extracted(
        kind="web",
        title=repo_id,
        publication="Hugging Face",
        author=author,
        description=description,
        summary=description,
        published_at=parse_datetime(data.get("createdAt")),
        related_links=hub_links(data),
        metadata=metadata,
        canonical_url=f"{HF_SITE}{prefix}{repo_id}",
        site_url=HF_SITE,
        body_text=description,
    )
