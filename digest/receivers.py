"""What the digest does when articles change underneath it."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from articles.models import Article
from articles.signals import article_merging
from digest.services import entries_move_article


@receiver(article_merging, sender=Article, dispatch_uid="digest.entries_follow_merged_article")
def _entries_follow_merged_article(*, keep: Article, duplicate: Article, **kwargs: Any) -> None:
    entries_move_article(keep=keep, duplicate=duplicate)
