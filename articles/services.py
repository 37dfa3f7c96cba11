"""Creating and editing articles. Views, admin, API, tasks and commands all call these."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlsplit

from django.contrib.auth.models import AnonymousUser, User
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.canonical import (
    InvalidURL,
    canonicalize_url,
    kind_for_url,
    redact_url,
    wechat_biz,
)
from articles.models import Article, RelatedLink, Tag
from core.inprocess import enqueue
from sources.models import Source
from sources.services import source_get_or_create

logger = logging.getLogger(__name__)

Editor = User | AnonymousUser | None
_URL_IN_TEXT = re.compile(
    r"""(?:https?://|(?<![\w/.])(?:www\.|mp\.weixin\.qq\.com/))[^\s<>"'，。、）)]+"""
)
MAX_URLS_PER_BATCH = 500


@dataclass
class AddResult:
    """What happened to one pasted URL."""

    url: str
    canonical_url: str = ""
    article: Article | None = None
    created: bool = False
    error: str = ""

    def as_dict(self) -> dict:
        article = self.article
        return {
            "url": redact_url(self.url) if not self.error else self.url[:300],
            "canonical_url": self.canonical_url,
            "id": article.pk if article else None,
            "created": self.created,
            "fetch_state": article.fetch_state if article else None,
            "error": self.error or (article.fetch_error if article else ""),
        }


def urls_in_text(text: str) -> list[str]:
    """Every URL in pasted text, in order, one per line or separated by spaces."""
    return [m.group(0).rstrip(".,;:!?") for m in _URL_IN_TEXT.finditer(text)]


def article_create(*, url: str, by: Editor = None, fetch: bool = True) -> tuple[Article, bool]:
    """The article for this URL, created (and queued for fetching) if new.

    Concurrent calls with variants of one URL give one row: the unique canonical URL
    decides, and the loser of the race reads the winner's row.
    """
    canonical = canonicalize_url(url)
    existing = Article.objects.filter(canonical_url=canonical).first()
    if existing:
        return existing, False
    kind = kind_for_url(canonical)
    article = Article(
        submitted_url=redact_url(url),
        canonical_url=canonical,
        kind=kind,
        source=_initial_source(kind, canonical),
        created_by=by if by is not None and by.is_authenticated else None,
    )
    try:
        with transaction.atomic():
            article.save()
    except IntegrityError:
        return Article.objects.get(canonical_url=canonical), False
    if fetch:
        transaction.on_commit(lambda: enqueue_fetch(article.pk))
    return article, True


def _initial_source(kind: str, canonical: str):
    if kind in ("arxiv", "github"):
        return source_get_or_create(kind=kind)
    if kind == "wechat":
        biz = wechat_biz(canonical)
        if biz:
            return Source.objects.filter(wechat_biz=biz).first()
    return None


def articles_add_from_text(*, text: str, by: Editor = None, fetch: bool = True) -> list[AddResult]:
    """Add every URL found in pasted text; bad ones are reported, not dropped silently."""
    results: list[AddResult] = []
    candidates = [line.strip() for line in text.splitlines() if line.strip()]
    seen: set[str] = set()
    for line in candidates:
        urls = urls_in_text(line) or [line]
        for url in urls:
            if len(results) >= MAX_URLS_PER_BATCH:
                results.append(AddResult(url=url, error="too many URLs in one batch"))
                return results
            results.append(_add_one(url, by=by, fetch=fetch, seen=seen))
    return results


def _add_one(url: str, *, by: Editor, fetch: bool, seen: set[str]) -> AddResult:
    try:
        canonical = canonicalize_url(url)
    except InvalidURL as exc:
        return AddResult(url=url, error=f"not a usable URL: {exc}")
    if len(canonical) > 2048:
        return AddResult(url=url, error="URL is longer than 2048 characters")
    article, created = article_create(url=url, by=by, fetch=fetch)
    created = created and canonical not in seen
    seen.add(canonical)
    return AddResult(url=url, canonical_url=canonical, article=article, created=created)


def enqueue_fetch(article_id: int) -> None:
    """Queue the article for fetching; a broker outage leaves it pending for the sweeper."""
    try:
        from articles.tasks import fetch_article
    except ImportError:  # ingestion not installed in this deployment
        return
    try:
        enqueue(fetch_article, article_id)
    except Exception as exc:  # broker down: the article stays pending and the sweeper retries
        logger.warning(
            "could not queue fetch of article %s (%s: %s); left pending",
            article_id,
            type(exc).__name__,
            exc,
        )


def articles_refetch(*, ids: list[int]) -> int:
    """Fetch these articles again; fields an editor changed are kept by the fetch itself."""
    count = Article.objects.filter(pk__in=ids).update(
        fetch_state=Article.FetchState.PENDING,
        fetch_error="",
        fetch_error_code="",
        updated_at=timezone.now(),
    )
    for article_id in ids:
        transaction.on_commit(partial(enqueue_fetch, article_id))
    return count


def article_update(*, article: Article, data: dict, by: Editor = None) -> Article:
    """Apply an editor's changes, remember which scraped fields they now own and who did."""
    changed = [name for name, value in data.items() if getattr(article, name) != value]
    for name in changed:
        setattr(article, name, data[name])
    article.mark_edited(changed)
    if changed:
        article.record_editor(by)
    article.save()
    return article


def article_set_links(
    *,
    article: Article,
    links: list[tuple[str, str]],
    by_editor: bool = True,
    by: Editor = None,
) -> None:
    """Replace the related links, in order; an editor's block is never replaced by a fetch."""
    source = RelatedLink.Source.EDITOR if by_editor else RelatedLink.Source.METADATA
    with transaction.atomic():
        article.links.all().delete()
        RelatedLink.objects.bulk_create(
            RelatedLink(article=article, label=label[:100], url=url, position=i, source=source)
            for i, (label, url) in enumerate(links)
        )
        if by_editor:
            article.mark_edited(["related_links"])
            article.record_editor(by)
            article.save(update_fields=["edited_fields", "edited_by", "edited_at", "updated_at"])


def tags_from_names(names: list[str]) -> list[Tag]:
    tags = []
    for name in names:
        name = name.strip()[:64]
        if name:
            tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name)
            tags.append(tag)
    return tags


def site_domain(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")
