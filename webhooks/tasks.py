"""Sending webhook deliveries in the background, retried with exponential backoff."""

from __future__ import annotations

from celery import shared_task

from webhooks import services


@shared_task(bind=True, max_retries=None, acks_late=True)
def deliver_webhook(self, delivery_id: int) -> str:
    """POST one delivery; idempotent, so a redelivered task sends nothing twice."""
    outcome, delivery = services.delivery_attempt(delivery_id)
    # Outcome.RETRY already means attempts remain.
    if outcome is services.Outcome.RETRY and delivery is not None:
        raise self.retry(countdown=services.retry_delay(delivery.attempts))
    return outcome.value


@shared_task
def sweep_pending_deliveries() -> int:
    """Queue deliveries that never got to the broker (it was down when they were made)."""
    return services.deliveries_requeue_stalled()
