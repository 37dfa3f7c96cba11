"""Briefroom's benchmarks, side by side on this machine, with a summary of targets at the end.

Parts (run all, or some with --only warm,cold):
  warm        requests/s of the cached issue (API JSON, HTML, 304s) vs WhiteNoise, gunicorn + wrk
  cold        SQL queries and CPU of a cold issue render, JSON and HTML
  extraction  bench/extraction.py: extraction time vs one lxml parse, per kind
  fetch       200 slow local pages fetched by real Celery workers on Redis
  scale       archive, search, feeds and API lists with 1,000 vs 100 issues
  feeds       bench/feeds.py: 1,000 slow local feeds (half 304) polled by a Celery worker
  edits       each saved change to a 20- and an 80-entry draft: time and SQL queries
  workbench   the issue workbench beside 1,000 issues: open, filter, search, reorder, edit

Needs PostgreSQL and Redis on 127.0.0.1 (`make services`) and wrk for the warm part (installed
with apt-get when missing and running as root). Uses its own database (briefroom_bench) and
Redis databases 12 and 13, which it flushes. Every server and load generator it starts
listens on or connects to 127.0.0.1 only, and stops by itself.

Run from the repository root:  .venv/bin/python bench/run.py [--only PART[,PART]]
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common
from bench.common import Result, heading

PARTS = ("warm", "cold", "extraction", "fetch", "scale", "feeds", "edits", "workbench")
TITLES = {
    "cold": "2. cold render",
    "warm": "1. published issue, warm",
    "extraction": "3. extraction",
    "fetch": "4. fetch pipeline",
    "scale": "5. scale",
    "feeds": "6. feed polling",
    "edits": "7. editing",
    "workbench": "8. issue workbench",
}


def parse_parts(values: list[str] | None) -> list[str]:
    if not values:
        return list(PARTS)
    chosen = [part.strip() for value in values for part in value.split(",") if part.strip()]
    unknown = sorted(set(chosen) - set(PARTS))
    if unknown:
        raise SystemExit(f"unknown part(s): {', '.join(unknown)}; choose from {', '.join(PARTS)}")
    return [part for part in PARTS if part in chosen]


def run_part(part: str, results: list[Result]) -> None:
    module = "extraction_part" if part == "extraction" else part
    importlib.import_module(f"bench.{module}").run(results)


def summary(results: list[Result], elapsed: float) -> None:
    heading(f"summary ({elapsed:.0f} s)")
    width = max(len(r.part) for r in results)
    target_width = max(len(r.target) for r in results)
    print(f"{'target':{width}}  {'wanted':{target_width}}  {'measured':28} result")
    for r in results:
        print(f"{r.part:{width}}  {r.target:{target_width}}  {r.measured:28} {r.verdict}")
    missed = [r for r in results if r.passed is False]
    skipped = [r for r in results if r.passed is None]
    print(
        f"\n{len(results) - len(missed) - len(skipped)} passed, {len(missed)} missed, "
        f"{len(skipped)} skipped"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="parts to run, comma-separated")
    args = parser.parse_args()
    parts = parse_parts(args.only)
    started = time.monotonic()

    heading("machine and tools")
    prerequisites = common.check_prerequisites(parts)
    print(common.tool_versions())
    missing = {part: prerequisites.missing_for(part) for part in parts}
    for part, needs in missing.items():
        for need in needs:
            print(f"MISSING for {part}: {need}")

    results: list[Result] = []
    failed = False
    if any(not needs and part != "extraction" for part, needs in missing.items()):
        common.setup_django()
        common.ensure_database()
        print(common.server_versions())
        common.flush_redis(common.CACHE_REDIS_URL)
    for part in parts:
        if missing[part]:
            heading(f"{TITLES[part]}: skipped")
            print("missing: " + "; ".join(missing[part]))
            results.append(Result(TITLES[part], "-", "not run: prerequisites missing", None))
            continue
        try:
            run_part(part, results)
        except Exception:
            failed = True
            traceback.print_exc()
            results.append(Result(TITLES[part], "-", "error (traceback above)", False))
    if any(not needs and part != "extraction" for part, needs in missing.items()):
        common.flush_redis(common.CACHE_REDIS_URL)
    summary(results, time.monotonic() - started)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
