"""The workbench benchmark runs on the test database, and no step's queries grow."""

from __future__ import annotations

import re

import pytest

from bench import workbench
from bench.common import Result

pytestmark = pytest.mark.django_db(transaction=True)  # the archive is vacuumed


def test_workbench_part_runs_and_no_step_costs_more_queries_with_more_entries() -> None:
    results: list[Result] = []

    workbench.run(results, runs=2, archive_issues=2)

    assert len(results) == 6
    for result in results:
        small, large = map(int, re.findall(r"(\d+) vs (\d+) queries", result.measured)[0])
        assert small == large, result
