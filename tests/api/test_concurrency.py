"""Races between clients, on PostgreSQL where row locks and constraints are real."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import pytest
from django.db import connection, connections

from articles.models import Article
from digest.models import Issue
from tests.api.conftest import token_client
from tests.support.services import unavailable

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

T = TypeVar("T")


@pytest.fixture(autouse=True)
def _postgres() -> None:
    if connection.vendor != "postgresql":
        unavailable("concurrency tests need PostgreSQL (set DATABASE_URL)")


def at_once(count: int, call: Callable[[int], T]) -> list[T]:
    """Run `call(i)` in `count` threads released together; results in thread order.

    A call that raised re-raises here, in the test, instead of being lost in its thread.
    """
    barrier = threading.Barrier(count)
    outcomes: list[T | Exception | None] = [None] * count

    def worker(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call(index)
        except Exception as exc:
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    results: list[T] = []
    for index, outcome in enumerate(outcomes):
        if isinstance(outcome, Exception):
            raise outcome
        assert outcome is not None, f"call {index} did not finish"
        results.append(outcome)
    return results


def test_concurrent_posts_of_one_url_make_one_article(contributor_user):
    clients = [token_client(contributor_user) for _ in range(6)]
    variants = [
        "https://arxiv.org/abs/2101.00001",
        "https://arxiv.org/pdf/2101.00001v2",
        "arxiv.org/abs/2101.00001v1",
        "https://www.arxiv.org/abs/2101.00001",
        "http://arxiv.org/pdf/2101.00001.pdf",
        "https://export.arxiv.org/abs/2101.00001",
    ]

    responses = at_once(
        6, lambda i: clients[i].post("/api/v1/articles/", {"url": variants[i]}, format="json")
    )

    codes = sorted(r.status_code for r in responses)
    assert codes.count(201) == 1 and codes.count(200) == 5, codes
    assert len({r.json()["id"] for r in responses}) == 1
    assert Article.objects.count() == 1


def test_concurrent_creates_and_publishes_never_share_an_issue_number(editor_user, make_issue):
    make_issue(number=1, main=1, others=0)
    clients = [token_client(editor_user) for _ in range(4)]

    created = at_once(
        4, lambda i: clients[i].post("/api/v1/issues/", {"digest": "ai-brief"}, format="json")
    )
    ids = [r.json()["id"] for r in created]
    first_entry_article = Issue.objects.get(number=1).entries.get().article_id
    for i, issue_id in enumerate(ids):
        clients[i].post(
            f"/api/v1/issues/{issue_id}/entries/", {"article": first_entry_article}, format="json"
        )
    published = at_once(
        4, lambda i: clients[i].post(f"/api/v1/issues/{ids[i]}/publish/", {}, format="json")
    )

    assert [r.status_code for r in created] == [201] * 4
    assert [r.status_code for r in published] == [200] * 4
    numbers = sorted(Issue.objects.published().values_list("number", flat=True))
    assert numbers == [2, 3, 4, 5]
