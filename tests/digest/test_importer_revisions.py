"""Importing a house-style file is a write like any other: locked, revised, never colliding."""

from __future__ import annotations

import pytest

from digest.exporters import export_issue
from digest.importer import issue_import_markdown
from digest.models import Issue
from tests.digest.test_archive_builders import make_issue
from tests.factories import editor

pytestmark = pytest.mark.django_db


def test_an_import_is_recorded_as_a_revision_by_whoever_imported(settings) -> None:
    issue = make_issue(entries=3, others=1)
    text = export_issue(issue, "markdown")
    before = issue.revision
    importer = editor()

    result = issue_import_markdown(text=text, digest=issue.digest, by=importer)

    issue.refresh_from_db()
    newest = issue.revisions.order_by("-number").first()
    assert result.issue.pk == issue.pk and not result.created
    assert issue.revision == before + 1
    assert newest is not None and newest.author == importer


def test_a_reimport_in_another_order_renumbers_without_a_collision() -> None:
    issue = make_issue(entries=3, others=1, publish=False)
    text = export_issue(issue, "markdown")
    first, second = (
        issue.entries.order_by("position")[0].article,
        issue.entries.order_by("position")[1].article,
    )
    swapped = (
        text.replace(first.canonical_url, "@@FIRST@@")
        .replace(second.canonical_url, first.canonical_url)
        .replace("@@FIRST@@", second.canonical_url)
    )

    issue_import_markdown(text=swapped, digest=issue.digest, status=Issue.Status.DRAFT)

    order = list(
        issue.entries.order_by("section", "position").values_list("article_id", "position")
    )
    assert order[0] == (second.pk, 1) and order[1] == (first.pk, 2)
    assert len({position for _, position in order}) == len(order)
