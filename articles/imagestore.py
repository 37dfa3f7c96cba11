"""Storing lead images: every image, fetched or uploaded, is re-encoded before it is kept."""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from articles.images import ImageRejected, ProcessedImage, process_image, random_image_name
from articles.models import Article

__all__ = ["ImageRejected", "image_process", "lead_image_store", "upload_as_image"]


def image_process(data: bytes) -> ProcessedImage:
    """Pillow's checks and re-encoding, with the limits from settings."""
    if len(data) > settings.IMAGE_MAX_BYTES:
        limit = settings.IMAGE_MAX_BYTES // (1024 * 1024)
        raise ImageRejected("too_large", f"The image is larger than {limit} MB.")
    return process_image(
        data, max_pixels=settings.IMAGE_MAX_PIXELS, thumb_width=settings.IMAGE_THUMB_WIDTH
    )


def upload_as_image(uploaded) -> tuple[ContentFile, ProcessedImage]:
    """An uploaded file as a re-encoded image file under a random name."""
    data = uploaded.read(settings.IMAGE_MAX_BYTES + 1)
    processed = image_process(data)
    return ContentFile(processed.data, name=random_image_name(processed.extension)), processed


def lead_image_store(article: Article, processed: ProcessedImage, *, source_url: str = "") -> None:
    """Put the image and its thumbnail on the article; old files go once this commits."""
    name = random_image_name(processed.extension)
    thumb_name = name.rsplit(".", 1)[0] + f"-thumb.{processed.thumb_format}"
    old = [f.name for f in (article.image, article.image_thumbnail) if f.name]
    article.image.save(name, ContentFile(processed.data), save=False)
    article.image_thumbnail.save(thumb_name, ContentFile(processed.thumbnail), save=False)
    article.image_width, article.image_height = processed.width, processed.height
    if not article.image_alt:
        article.image_alt = article.title[:300]
    article.metadata = {**article.metadata, "image_source": source_url, "image_error": ""}
    storage = article.image.storage

    def delete_old() -> None:
        for n in old:
            if storage.exists(n):
                storage.delete(n)

    transaction.on_commit(delete_old)
