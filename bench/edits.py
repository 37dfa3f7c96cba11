"""Editing: what each saved change costs, in a 20-entry and an 80-entry draft.

Every edit an editor makes is saved when it is made (the workbench, the issue form and the
API all call the same services), and each one locks the issue, checks the revision it was
based on and records a revision with a snapshot of the issue. This part times each kind of
write through the services, in this process against PostgreSQL, and counts its SQL
queries: a count that grows with the number of entries would make a long issue slow to edit.
Reading the history (a diff of two revisions' Markdown) and restoring a revision are timed too.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from bench.common import Result, heading
from bench.seed import article_rows, sources
from digest import revisions, services
from digest.models import Digest, Entry, Issue

SIZES = (20, 80)
REPEATS = 15
EDITS_DIGEST = "bench-edits"
# Median wall time in the 80-entry issue: an autosave must feel instant; reading the
# history and restoring are rarer and render the issue's Markdown twice or write it all.
TARGET_MS = 50.0
SLOWER_TARGET_MS = {"diff the last two revisions": 150.0, "restore the revision before": 150.0}


def draft(size: int) -> Issue:
    """A fresh draft of `size` entries (a fifth of them in 其他), built through the services."""
    digest, _ = Digest.objects.get_or_create(
        slug=EDITS_DIGEST,
        defaults={"name": "Bench 编辑", "numbering": Digest.Numbering.SEQUENTIAL},
    )
    Issue.objects.filter(digest=digest, title=f"edits-{size}").delete()
    Article.objects.filter(
        canonical_url__startswith=f"https://bench.example/edits-{size}/"
    ).delete()
    issue = services.issue_create(digest=digest, title=f"edits-{size}")
    rng = random.Random(size)
    pubs = sources()
    for n, article in enumerate(article_rows(rng, f"edits-{size}", range(size), pubs)):
        article.save()
        section = Entry.Section.OTHERS if n >= size * 4 // 5 else Entry.Section.MAIN
        services.entry_add(issue=issue, article=article, section=section)
    issue.refresh_from_db()
    return issue


def measure(write: Callable[[int], object]) -> tuple[float, int]:
    """Median ms and median query count of REPEATS calls of write(i).

    The median leaves out the occasional pruning of old content-change rows (one call in
    a hundred changes deletes them), which every kind of write shares.
    """
    times, queries = [], []
    for i in range(REPEATS):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            write(i)
            times.append((time.perf_counter() - start) * 1000)
        queries.append(len(captured.captured_queries))
    return statistics.median(times), int(statistics.median(queries))


def writes(issue: Issue) -> dict[str, Callable[[int], object]]:
    """Each kind of saved change, as the workbench sends it: based on the current revision."""

    def entries() -> list[Entry]:
        return list(issue.entries.order_by("section", "position"))

    def current() -> int:
        issue.refresh_from_db(fields=["revision"])
        return issue.revision

    first = entries()[0]

    def edit_title(i: int) -> object:
        return services.entry_update(
            entry=first, data={"title_override": f"改过的标题 {i}"}, expected_revision=current()
        )

    def edit_intro(i: int) -> object:
        return services.issue_update(
            issue=issue, data={"intro": f"本期导读第 {i} 稿。"}, expected_revision=current()
        )

    def move_section(i: int) -> object:
        section = Entry.Section.OTHERS if i % 2 == 0 else Entry.Section.MAIN
        return services.entry_move(entry=first, section=section, expected_revision=current())

    def reorder(i: int) -> object:
        ids = [entry.pk for entry in entries()]
        ids = ids[1:] + ids[:1]  # the first entry goes last, as a drag to the end does
        services.entries_reorder(issue=issue, entry_ids=ids, expected_revision=current())
        return None

    def diff(i: int) -> object:
        newest = current()
        return revisions.revisions_diff(issue=issue, old=newest - 1, new=newest)

    def restore(i: int) -> object:
        return revisions.revision_restore(
            issue=issue, number=current() - 1, expected_revision=current()
        )

    return {
        "edit an entry's title": edit_title,
        "edit the intro": edit_intro,
        "move an entry to 其他 and back": move_section,
        "reorder (first to last)": reorder,
        "diff the last two revisions": diff,
        "restore the revision before": restore,
    }


def run(results: list[Result]) -> None:
    heading("7. editing (each saved change, in-process, PostgreSQL)")
    figures: dict[tuple[str, int], tuple[float, int]] = {}
    names: list[str] = []
    for size in SIZES:
        issue = draft(size)
        for name, write in writes(issue).items():
            figures[name, size] = measure(write)
            names += [name] if name not in names else []
    small, large = SIZES
    print(f"median ms and SQL queries of one call, {REPEATS} calls each")
    print(f"{'change':32} {small:>4} entries        {large:>4} entries")
    for name in names:
        (ms_s, q_s), (ms_l, q_l) = figures[name, small], figures[name, large]
        print(f"{name:32} {ms_s:7.1f} ms {q_s:3} q   {ms_l:7.1f} ms {q_l:3} q")
    for name in names:
        (ms_s, q_s), (ms_l, q_l) = figures[name, small], figures[name, large]
        limit = SLOWER_TARGET_MS.get(name, TARGET_MS)
        target = f"{large} entries: same queries, < {limit:.0f} ms"
        passed = q_s == q_l and ms_l < limit
        measured = f"{q_s} vs {q_l} queries, {ms_l:.1f} ms"
        results.append(Result(f"edits: {name}", target, measured, passed))
