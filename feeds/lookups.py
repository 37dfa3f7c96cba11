"""Finding the objects commands and forms name by slug."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist

from feeds.models import Feed
from sources.models import Source


def digest_id_for(slug: str) -> int:
    """The id of the digest with this slug (feeds sit below digests and do not import them)."""
    model = Feed._meta.get_field("digest").related_model
    try:
        return model._default_manager.values_list("pk", flat=True).get(slug=slug)
    except ObjectDoesNotExist:
        raise LookupError(f"No digest with the slug {slug!r}.") from None


def source_for(slug: str) -> Source:
    try:
        return Source.objects.get(slug=slug)
    except Source.DoesNotExist:
        raise LookupError(f"No source with the slug {slug!r}.") from None
