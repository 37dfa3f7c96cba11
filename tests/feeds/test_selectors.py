from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from feeds.models import InboxItem
from feeds.selectors import inbox_candidates
from tests.factories import ArticleFactory, DigestFactory

pytestmark = pytest.mark.django_db


def test_candidates_are_shortlisted_then_new_newest_first_without_dismissed() -> None:
    digest = DigestFactory.create()
    other = DigestFactory.create(slug="other", name="Other")
    now = timezone.now()

    def item(state: str, minutes_ago: int, on=digest) -> InboxItem:
        return InboxItem.objects.create(
            digest=on,
            article=ArticleFactory.create(),
            state=state,
            arrived_at=now - timedelta(minutes=minutes_ago),
        )

    new_old, new_recent = item("new", 50), item("new", 5)
    short_old, short_recent = item("shortlisted", 40), item("shortlisted", 30)
    item("dismissed", 1)
    item("new", 0, on=other)

    got = list(inbox_candidates(digest_id=digest.pk))

    assert got == [short_recent, short_old, new_recent, new_old]
    assert list(inbox_candidates(digest_id=digest.pk, limit=2)) == [short_recent, short_old]
    assert [i.state for i in inbox_candidates(digest_id=digest.pk, states=["dismissed"])] == [
        "dismissed"
    ]
