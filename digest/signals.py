"""Domain events other apps (webhooks, caches) subscribe to."""

from django.dispatch import Signal

# Sent after the publishing transaction commits; kwargs: issue.
issue_published = Signal()
# Sent after a published issue's content changed; kwargs: issue.
issue_updated = Signal()
# Sent after an issue went back to draft; kwargs: issue.
issue_unpublished = Signal()
