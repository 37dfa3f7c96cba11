"""The editing benchmark runs on the test database, and no saved change's queries grow."""

from __future__ import annotations

import re

import pytest

from bench import edits
from bench.common import Result

pytestmark = pytest.mark.django_db


def test_edits_part_runs_and_no_change_costs_more_queries_in_a_longer_issue(monkeypatch) -> None:
    monkeypatch.setattr(edits, "REPEATS", 3)
    results: list[Result] = []

    edits.run(results)

    assert len(results) == 6
    for result in results:
        small, large = map(int, re.findall(r"(\d+) vs (\d+) queries", result.measured)[0])
        assert small == large, result
