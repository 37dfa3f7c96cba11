"""The cheapest benchmark part, run on the test database so the harness cannot rot."""

from __future__ import annotations

import pytest

from bench import cold
from bench.common import Result

pytestmark = pytest.mark.django_db


def test_cold_render_part_runs_and_its_query_counts_do_not_grow_with_entries() -> None:
    results: list[Result] = []

    cold.run(results, iterations=3)

    by_name = {result.part: result for result in results}
    for kind in ("json", "html"):
        assert by_name[f"cold {kind}: queries 5 vs 30 entries"].passed
        assert by_name[f"cold {kind}: If-None-Match without page cache"].passed
        assert by_name[f"cold {kind}: CPU per render (30 entries)"].passed is not None
