"""Fetching an article's page and filling it in: the work behind the fetch tasks.

Plain functions of an article id, so the Celery tasks only orchestrate and the same
code runs in-process when no broker is configured.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from articles.canonical import InvalidURL, canonicalize_url, kind_for_url
from articles.extractors import Extracted, NotAnArticle, extract, fetch_url_for
from articles.imagestore import ImageRejected, image_process, lead_image_store
from articles.models import Article, RelatedLink
from articles.services import site_domain
from articles.signals import article_fetch_failed, article_fetched, article_merging
from core import fetcher
from core.fetcher import FetchError
from core.inprocess import enqueue
from core.politeness import github_headers
from sources.services import source_get_or_create

logger = logging.getLogger(__name__)


class TransientFetchFailure(Exception):
    """Worth retrying later: a timeout, a dropped connection, a 429 or a 5xx."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass
class FetchOutcome:
    article_id: int
    state: str
    merged_into: int | None = None


def article_fetch(article_id: int, *, final_attempt: bool = False) -> FetchOutcome:
    """Fetch, extract and save one article; safe to run twice or after a crash.

    Raises TransientFetchFailure for failures worth retrying unless `final_attempt`,
    in which case the article is marked failed with the reason.
    """
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return FetchOutcome(article_id, "missing")
    if article.fetch_state == Article.FetchState.DONE:
        return FetchOutcome(article_id, article.fetch_state)
    Article.objects.filter(pk=article_id).update(
        fetch_state=Article.FetchState.FETCHING,
        fetch_attempts=F("fetch_attempts") + 1,
        fetched_at=timezone.now(),
    )
    try:
        extracted, final_url = _fetch_and_extract(article)
    except FetchError as exc:
        if exc.transient and not final_attempt:
            _record_attempt_error(article_id, exc.code, exc.message)
            raise TransientFetchFailure(exc.message, exc.retry_after) from exc
        return _fail(article_id, exc.code, exc.message)
    except NotAnArticle as exc:
        return _fail(article_id, exc.code, exc.message)
    return _save(article_id, extracted, final_url)


def _fetch_and_extract(article: Article) -> tuple[Extracted, str]:
    target = fetch_url_for(article.canonical_url)
    uses_api = target != article.canonical_url
    headers = github_headers() if article.kind == Article.Kind.GITHUB and uses_api else None
    result = fetcher.fetch(target, purpose="api" if uses_api else "html", headers=headers)
    page_url = article.canonical_url if uses_api else result.url
    content_type = result.content_type + (f"; charset={result.charset}" if result.charset else "")
    return extract(page_url, result.body, content_type=content_type), result.url


def _record_attempt_error(article_id: int, code: str, message: str) -> None:
    Article.objects.filter(pk=article_id).update(fetch_error_code=code, fetch_error=message)


def _fail(article_id: int, code: str, message: str) -> FetchOutcome:
    Article.objects.filter(pk=article_id).update(
        fetch_state=Article.FetchState.FAILED, fetch_error_code=code, fetch_error=message
    )
    article = Article.objects.get(pk=article_id)
    transaction.on_commit(lambda: article_fetch_failed.send(sender=Article, article=article))
    logger.info("article %s failed: %s (%s)", article_id, message, code)
    return FetchOutcome(article_id, Article.FetchState.FAILED)


def _save(article_id: int, extracted: Extracted, final_url: str) -> FetchOutcome:
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article_id)
        _apply(article, extracted, final_url)
        article.fetch_state = Article.FetchState.DONE
        article.fetch_error = article.fetch_error_code = ""
        article.save()
        if not article.is_edited("related_links"):
            _replace_links(article, extracted)
        permanent = permanent_url(article, extracted, final_url)
        keeper = article
        if permanent and permanent != article.canonical_url:
            keeper = rekey_or_merge(article, permanent)
        kept = keeper
        transaction.on_commit(lambda: article_fetched.send(sender=Article, article=kept))
        if extracted.image_url and not keeper.is_edited("image"):
            transaction.on_commit(lambda: enqueue_image(kept.pk))
    merged = keeper.pk if keeper.pk != article_id else None
    return FetchOutcome(keeper.pk, Article.FetchState.DONE, merged_into=merged)


def _apply(article: Article, data: Extracted, final_url: str) -> None:
    """Copy what the page says onto the article, except fields an editor owns."""
    simple = {
        "title": data.title[:500],
        "author": data.author[:300],
        # What the page declares about itself; the summary below is our lede.
        "excerpt": data.description or data.summary or data.body_text[:500],
        "body_text": data.body_text,
        "published_at": data.published_at,
        "image_url": data.image_url[:2048],
    }
    for name, value in simple.items():
        if value and not article.is_edited(name):
            setattr(article, name, value)
    if data.summary and not article.summary and not article.is_edited("summary"):
        article.summary = data.summary
    if not article.is_edited("source"):
        source = source_get_or_create(
            kind=data.kind,
            name=data.publication,
            wechat_biz=data.source_key if data.kind == "wechat" else "",
            domain=site_domain(final_url) if data.kind == "web" else "",
            homepage=data.site_url,
        )
        article.source = source or article.source
    description = {"description": data.description} if data.description else {}
    article.metadata = {**article.metadata, **data.metadata, **description}


def _replace_links(article: Article, data: Extracted) -> None:
    article.links.all().delete()
    seen: set[str] = set()
    links: list[RelatedLink] = []
    for link in data.related_links:
        if link.url in seen or link.url == article.canonical_url:
            continue
        seen.add(link.url)
        links.append(
            RelatedLink(
                article=article,
                label=link.label[:100],
                url=link.url,
                position=len(links),
                source=link.source,
            )
        )
    RelatedLink.objects.bulk_create(links)


def permanent_url(article: Article, data: Extracted, final_url: str) -> str:
    """The permanent canonical URL a short, temporary or redirected link should move to."""
    declared = data.canonical_url or final_url
    try:
        candidate = canonicalize_url(declared)
    except InvalidURL:
        return ""
    if candidate == article.canonical_url or kind_for_url(candidate) != article.kind:
        return ""
    if article.kind == Article.Kind.WECHAT:
        # Only a link without the account/message identity is temporary.
        return candidate if "__biz=" not in article.canonical_url else ""
    if article.kind in (Article.Kind.ARXIV, Article.Kind.GITHUB):
        return ""
    # Generic pages: trust a canonical on the host we ended up on (not, say, a DOI).
    if site_domain(candidate) != site_domain(final_url):
        return ""
    return candidate


def rekey_or_merge(article: Article, permanent: str) -> Article:
    """Move the article to its permanent URL, merging into an existing one if needed."""
    existing = Article.objects.select_for_update().filter(canonical_url=permanent).first()
    if existing is None:
        article.canonical_url = permanent
        article.save(update_fields=["canonical_url", "updated_at"])
        return article
    articles_merge(keep=existing, duplicate=article)
    return existing


def articles_merge(*, keep: Article, duplicate: Article) -> Article:
    """Fold `duplicate` into `keep`: editor's work, tags and issue entries all survive."""
    for name in duplicate.edited_fields:
        if name == "related_links":
            if not keep.is_edited("related_links"):
                keep.links.all().delete()
                duplicate.links.update(article=keep)
        elif not keep.is_edited(name):
            setattr(keep, name, getattr(duplicate, name))
    keep.mark_edited(duplicate.edited_fields)
    for name in ("title", "summary", "author", "image_url", "excerpt"):
        if not getattr(keep, name) and getattr(duplicate, name):
            setattr(keep, name, getattr(duplicate, name))
    if not keep.source_id:
        keep.source_id = duplicate.source_id
    keep.metadata = {
        **duplicate.metadata,
        **keep.metadata,
        "merged_urls": sorted({*keep.metadata.get("merged_urls", []), duplicate.submitted_url}),
    }
    if keep.fetch_state != Article.FetchState.DONE:
        keep.fetch_state = duplicate.fetch_state
    keep.save()
    keep.tags.add(*duplicate.tags.all())
    # Whatever refers to the duplicate (issue entries) moves to the kept article first.
    article_merging.send(sender=Article, keep=keep, duplicate=duplicate)
    duplicate.delete()
    return keep


def article_fetch_image(article_id: int) -> str:
    """Download, re-encode and store the lead image; never fails the article."""
    article = Article.objects.filter(pk=article_id).first()
    if article is None or not article.image_url or article.is_edited("image"):
        return "skipped"
    if article.image and article.metadata.get("image_source") == article.image_url:
        return "unchanged"
    try:
        result = fetcher.fetch(article.image_url, purpose="image")
        processed = image_process(result.body)
    except (FetchError, ImageRejected) as exc:
        message = getattr(exc, "message", str(exc))
        _update_metadata(article_id, image_error=message)
        logger.info("lead image of article %s not stored: %s", article_id, message)
        return "failed"
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article_id)
        lead_image_store(article, processed, source_url=article.image_url)
        article.save()
    return "stored"


def _update_metadata(article_id: int, **values: str) -> None:
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article_id)
        article.metadata = {**article.metadata, **values}
        article.save(update_fields=["metadata"])


def enqueue_image(article_id: int) -> None:
    try:
        from articles.tasks import fetch_article_image

        enqueue(fetch_article_image, article_id)
    except Exception:  # broker down: the image is optional, the sweeper does not retry it
        logger.warning("could not queue the lead image of article %s", article_id)
