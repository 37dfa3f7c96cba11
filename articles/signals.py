"""Article events other apps (webhooks) subscribe to; ingestion sends them."""

from django.dispatch import Signal

# Sent by the fetch task after an article was fetched and saved; kwargs: article.
article_fetched = Signal()
# Sent by the fetch task after a fetch failed for good (not on a retried attempt); kwargs: article.
article_fetch_failed = Signal()
# Sent inside the merge's transaction before a duplicate article is deleted, so that
# whatever refers to it can move to the kept one; kwargs: keep, duplicate.
article_merging = Signal()
