"""Two editors saving the same revision at the same moment: one is saved, one is told."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from digest import services
from digest.models import Entry
from tests.factories import ArticleFactory, DigestFactory, editor

pytestmark = pytest.mark.django_db(transaction=True)


def test_simultaneous_writes_on_one_revision_save_one_and_refuse_the_other() -> None:
    issue = services.issue_create(digest=DigestFactory.create(), number=1)
    entry, _ = services.entry_add(issue=issue, article=ArticleFactory.create(title="同一条"))
    issue.refresh_from_db()
    opened = issue.revision
    users = [editor("ann"), editor("bo")]
    url = reverse("admin:digest_issue_workbench_edit", args=[issue.pk, entry.pk])
    start = threading.Barrier(2)
    statuses: dict[str, int] = {}

    def save(user, title: str) -> None:
        client = Client()
        client.force_login(user)
        start.wait()
        try:
            response = client.post(url, {"title_override": title, "revision": opened})
            statuses[title] = response.status_code
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(user, f"{user.username} 的标题")) for user in users
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses.values()) == [200, 409]
    winner = next(title for title, status in statuses.items() if status == 200)
    assert Entry.objects.get(pk=entry.pk).title_override == winner
    issue.refresh_from_db()
    assert issue.revision == opened + 1
