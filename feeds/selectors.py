"""Reading the inbox."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Value, When

from feeds.models import InboxItem


def inbox_candidates(*, digest_id: int, states: list[str] | None = None, limit: int | None = None):
    """A digest's inbox for picking entries: shortlisted, then new, newest first each.

    Dismissed items are left out unless `states` asks for them.
    """
    wanted = states or [InboxItem.State.SHORTLISTED, InboxItem.State.NEW]
    items = (
        InboxItem.objects.for_digest(digest_id)
        .filter(state__in=wanted)
        .select_related("article", "article__source", "feed")
        .annotate(
            triage_rank=Case(
                When(state=InboxItem.State.SHORTLISTED, then=Value(0)),
                When(state=InboxItem.State.NEW, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("triage_rank", "-arrived_at", "-id")
    )
    return items[:limit] if limit else items
