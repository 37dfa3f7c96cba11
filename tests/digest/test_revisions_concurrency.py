"""Concurrent writes to one issue on PostgreSQL, where row locks and constraints are real."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from typing import TypeVar

import pytest
from django.db import connection, connections

from digest.models import Entry, IssueRevision
from digest.services import StaleRevision, entries_reorder, entry_add, issue_update
from tests.factories import ArticleFactory, EntryFactory, IssueFactory
from tests.support.services import unavailable

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

T = TypeVar("T")


@pytest.fixture(autouse=True)
def _postgres() -> None:
    if connection.vendor != "postgresql":
        unavailable("concurrency tests need PostgreSQL (set DATABASE_URL)")


def at_once(count: int, call: Callable[[int], T]) -> list[T | Exception]:
    """Run `call(i)` in `count` threads released together; results (or errors) in order."""
    barrier = threading.Barrier(count)
    outcomes: list[T | Exception | None] = [None] * count
    finished = [False] * count

    def worker(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call(index)
        except Exception as exc:
            outcomes[index] = exc
        finally:
            finished[index] = True
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(finished), "a thread did not finish"
    return outcomes  # type: ignore[return-value]  # None only where `call` returned None


def test_six_simultaneous_adds_get_six_distinct_positions_and_revisions() -> None:
    issue = IssueFactory.create()
    EntryFactory.create(issue=issue, position=1)
    articles = ArticleFactory.create_batch(6)

    outcomes = at_once(6, lambda i: entry_add(issue=issue, article=articles[i]))

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    positions = list(Entry.objects.filter(issue=issue).values_list("position", flat=True))
    assert sorted(positions) == [1, 2, 3, 4, 5, 6, 7]
    numbers = IssueRevision.objects.filter(issue=issue).values_list("number", flat=True)
    assert sorted(numbers) == [2, 3, 4, 5, 6, 7]


def test_concurrent_reorders_leave_one_complete_order() -> None:
    issue = IssueFactory.create()
    ids = [EntryFactory.create(issue=issue, position=p).pk for p in range(1, 9)]
    orders = [random.Random(seed).sample(ids, len(ids)) for seed in range(6)]

    outcomes = at_once(6, lambda i: entries_reorder(issue=issue, entry_ids=orders[i]))

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    final = list(
        Entry.objects.filter(issue=issue).order_by("position").values_list("pk", "position")
    )
    assert [p for _, p in final] == list(range(1, 9))
    assert [pk for pk, _ in final] in orders


def test_concurrent_adds_and_reorders_keep_positions_unique() -> None:
    issue = IssueFactory.create()
    ids = [EntryFactory.create(issue=issue, position=p).pk for p in range(1, 5)]
    articles = ArticleFactory.create_batch(3)

    def work(i: int) -> object:
        if i % 2:
            return entry_add(issue=issue, article=articles[i // 2])
        try:
            entries_reorder(issue=issue, entry_ids=list(reversed(ids)))
        except Exception as exc:  # an add got in first: the order no longer lists every entry
            return exc
        return None

    at_once(6, work)

    positions = list(Entry.objects.filter(issue=issue).values_list("position", flat=True))
    assert len(positions) == 7 and len(set(positions)) == 7


def test_of_two_editors_on_one_revision_only_the_first_saves() -> None:
    issue = IssueFactory.create()

    outcomes = at_once(
        2, lambda i: issue_update(issue=issue, data={"title": f"编辑{i}"}, expected_revision=1)
    )

    refused = [o for o in outcomes if isinstance(o, StaleRevision)]
    assert len(refused) == 1 and refused[0].current == 2
    assert IssueRevision.objects.filter(issue=issue).count() == 1


def test_restores_racing_adds_keep_positions_unique() -> None:
    from digest.revisions import revision_restore
    from digest.services import issue_create

    issue = issue_create(digest=IssueFactory.create().digest, number=99)
    for article in ArticleFactory.create_batch(4):
        entry_add(issue=issue, article=article)  # revisions 2..5
    ids = list(issue.entries.order_by("position").values_list("pk", flat=True))
    entries_reorder(issue=issue, entry_ids=ids[::-1])  # revision 6
    newcomers = ArticleFactory.create_batch(3)

    def work(i: int) -> object:
        if i % 2:
            return entry_add(issue=issue, article=newcomers[i // 2])
        return revision_restore(issue=issue, number=3 + i // 2)

    outcomes = at_once(6, work)

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    rows = list(Entry.objects.filter(issue=issue).values_list("section", "position"))
    assert len(rows) == len(set(rows))
    numbers = list(IssueRevision.objects.filter(issue=issue).values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))


def test_of_two_editors_saving_the_issue_form_at_once_one_is_shown_the_conflict() -> None:
    from django.test import Client
    from django.urls import reverse

    from digest.services import issue_create
    from tests.digest.test_admin_workflow import change_form_data
    from tests.factories import editor

    issue = issue_create(digest=IssueFactory.create().digest, number=99, title="原标题")
    url = reverse("admin:digest_issue_change", args=[issue.pk])
    clients, forms = [], []
    for name in ("alice", "bob"):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(editor(name))
        clients.append(client)
        forms.append({**change_form_data(client.get(url)), "title": f"{name} 的标题"})

    outcomes = at_once(2, lambda i: clients[i].post(url, forms[i]).status_code)

    assert sorted(outcomes) == [200, 302]  # type: ignore[type-var]
    issue.refresh_from_db()
    winner = ["alice", "bob"][outcomes.index(302)]
    assert (issue.title, issue.revision) == (f"{winner} 的标题", 2)
