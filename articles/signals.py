"""Article events other apps (webhooks) subscribe to; ingestion sends them."""

from django.dispatch import Signal

# Sent by the fetch task after an article was fetched and saved; kwargs: article.
article_fetched = Signal()
# Sent by the fetch task after a fetch failed for good (not on a retried attempt); kwargs: article.
article_fetch_failed = Signal()
