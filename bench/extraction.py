"""Extraction accuracy and speed over the shared saved pages (../shared/fixtures/pages).

For every row of MANIFEST.tsv and MANIFEST-new.tsv: which ground-truth fields the extractor
gets right, the median time of extract() and of one lxml.html.fromstring() parse of the same
bytes, and their ratio; then per-kind totals, per-manifest totals, the summary figures (does
the summary start at the page's lede, and keep the length and cut rules) and the speed table.
The speed target is extract <= 3x one parse, per kind.

Run from the repository root:  .venv/bin/python bench/extraction.py [--reps 25]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import platform
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from functools import partial
from pathlib import Path

import lxml
import lxml.html
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "briefroom.settings")

from articles.extractors import Extracted, NotAnArticle, extract  # noqa: E402
from articles.extractors.evaluation import (  # noqa: E402
    SCORED_FIELDS,
    ManifestRow,
    read_manifest,
    score,
)
from articles.extractors.lede import (  # noqa: E402
    CJK_LENGTH,
    LATIN_LENGTH,
    ends_at_sentence,
    is_mostly_cjk,
    size,
)

DEFAULT_PAGES = (
    Path(os.environ.get("BRIEFROOM_SHARED_DIR", ROOT.parent / "shared")) / "fixtures" / "pages"
)
MANIFESTS = ("MANIFEST.tsv", "MANIFEST-new.tsv")
KIND_ORDER = ("wechat", "arxiv", "github", "web")
COLUMNS = (*SCORED_FIELDS, "error")
SHORT = {"description": "descr.", "author_or_publication": "author/pub", "image_url": "image"}
# Kinds whose summary is written from the body (the lede rules); others give their abstract.
LEDE_KINDS = ("wechat", "web")


def timings_ms(
    parse: Callable[[], object], work: Callable[[], object], reps: int
) -> tuple[list[float], list[float]]:
    """Times of a parse and of the extraction, interleaved so both see the same load."""
    parse(), work()  # warm caches (regexes, parsers, imports) outside the measurement
    gc.collect()
    parse_times: list[float] = []
    work_times: list[float] = []
    for _ in range(reps):
        for job, times in ((parse, parse_times), (work, work_times)):
            start = time.perf_counter_ns()
            job()
            times.append((time.perf_counter_ns() - start) / 1e6)
    return parse_times, work_times


def judge(row: ManifestRow, body: bytes) -> tuple[dict[str, bool], Extracted | None]:
    try:
        extracted = extract(row.url, body)
    except NotAnArticle as exc:
        return {"error": row.is_error and exc.code == row.expected_error}, None
    if row.is_error:
        return {"error": False}, extracted
    return score(row, extracted), extracted


def summary_checks(row: ManifestRow, extracted: Extracted | None) -> dict[str, bool] | None:
    """For pages whose summary is their lede: start, length and cut, each right or not."""
    if extracted is None or row.expected_kind not in LEDE_KINDS or not row.lede:
        return None
    summary = extracted.summary
    cjk = is_mostly_cjk(summary)
    low, high = CJK_LENGTH if cjk else LATIN_LENGTH
    return {
        "starts at lede": " ".join(summary.split()).startswith(" ".join(row.lede.split())),
        "length": low <= size(summary, cjk) <= high,
        "cut at sentence end": ends_at_sentence(summary),
    }


def _run(row: ManifestRow, body: bytes) -> None:
    with contextlib.suppress(NotAnArticle):
        extract(row.url, body)


def machine() -> str:
    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    return (
        f"cores: {cores} (usable {usable}) | {platform.machine()} {platform.system()} | "
        f"python {platform.python_version()} | lxml {lxml.__version__} | "
        f"libxml2 {'.'.join(map(str, etree.LIBXML_VERSION))}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pages", type=Path, default=DEFAULT_PAGES, help="folder with MANIFEST.tsv"
    )
    parser.add_argument("--reps", type=int, default=25, help="timed repetitions per page")
    args = parser.parse_args()
    manifests = [args.pages / name for name in MANIFESTS if (args.pages / name).is_file()]
    if not manifests:
        print(f"no manifest in {args.pages}", file=sys.stderr)
        return 2
    rows = [(path.name, row) for path in manifests for row in read_manifest(path)]

    print(machine())
    print(f"{args.reps} repetitions per page, median times\n")
    print(
        f"{'page':58} {'kind':6} {'KB':>5} {'parse ms':>9} {'extract ms':>10} {'ratio':>6}  fields"
    )
    right: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    timing: dict[str, list[tuple[float, float]]] = defaultdict(list)
    best: dict[str, list[tuple[float, float]]] = defaultdict(list)
    per_manifest: dict[str, list[bool]] = defaultdict(list)
    summaries: list[tuple[str, dict[str, bool]]] = []
    for manifest_name, row in rows:
        body = (args.pages / row.file).read_bytes()
        kind = row.expected_kind
        parse_times, work_times = timings_ms(
            partial(lxml.html.fromstring, body), partial(_run, row, body), args.reps
        )
        parse, spent = statistics.median(parse_times), statistics.median(work_times)
        timing[kind].append((parse, spent))
        best[kind].append((min(parse_times), min(work_times)))
        verdicts, extracted = judge(row, body)
        for field, ok in verdicts.items():
            right[kind][field].append(ok)
        per_manifest[manifest_name] += verdicts.values()
        checks = summary_checks(row, extracted)
        if checks is not None:
            summaries.append((row.file, checks))
        wrong = [SHORT.get(f, f) for f, ok in verdicts.items() if not ok]
        shown = f"{sum(verdicts.values())}/{len(verdicts)}" + (
            f" WRONG: {', '.join(wrong)}" if wrong else ""
        )
        print(
            f"{row.file[:58]:58} {kind:6} {len(body) / 1024:5.0f} {parse:9.3f} {spent:10.3f} "
            f"{spent / parse:6.2f}  {shown}"
        )

    print("\nper-field accuracy (right / non-empty ground-truth fields;")
    print("error = error page refused with the right NotAnArticle code)")
    print(f"{'kind':7}" + "".join(f"{SHORT.get(c, c):>12}" for c in COLUMNS) + f"{'all':>10}")
    for kind in KIND_ORDER:
        cells, total = [], []
        for column in COLUMNS:
            oks = right[kind].get(column, [])
            total += oks
            cells.append(f"{sum(oks)}/{len(oks)}" if oks else "-")
        accuracy = sum(total) / len(total) if total else 0.0
        print(f"{kind:7}" + "".join(f"{c:>12}" for c in cells) + f"{accuracy:>10.1%}")

    all_fields = [ok for oks in per_manifest.values() for ok in oks]
    for name, oks in [*per_manifest.items(), ("all", all_fields)]:
        print(f"{name:18} {sum(oks):4}/{len(oks):<4} fields right  {sum(oks) / len(oks):7.1%}")

    print(f"\nsummaries of {', '.join(LEDE_KINDS)} pages with a lede in the manifest")
    print(
        f"(length: {CJK_LENGTH[0]}-{CJK_LENGTH[1]} CJK characters or "
        f"{LATIN_LENGTH[0]}-{LATIN_LENGTH[1]} Latin words)"
    )
    for check in ("starts at lede", "length", "cut at sentence end"):
        oks = [checks[check] for _, checks in summaries]
        print(f"  {check:22} {sum(oks):3}/{len(oks)}")
    every = [all(checks.values()) for _, checks in summaries]
    print(f"  {'all three':22} {sum(every):3}/{len(every)}")
    for file, checks in summaries:
        missed = [name for name, ok in checks.items() if not ok]
        if missed:
            print(f"    {file[:60]}: not {', '.join(missed)}")

    print("\nspeed per kind: ratio = extract time / one lxml.html.fromstring parse of the same")
    print("bytes; sum = over the pages' median times; median, max = of the per-page ratios;")
    print("fastest = sum over the pages' fastest runs (least disturbed by other load)")
    print(
        f"{'kind':7} {'pages':>5} {'parse ms':>9} {'extract ms':>10} "
        f"{'ratio (sum)':>12} {'median':>7} {'max':>6} {'fastest':>8}"
    )
    for kind in KIND_ORDER:
        pairs = timing[kind]
        parse_total, extract_total = sum(p for p, _ in pairs), sum(e for _, e in pairs)
        ratios = [e / p for p, e in pairs]
        ratio = extract_total / parse_total
        fastest = sum(e for _, e in best[kind]) / sum(p for p, _ in best[kind])
        print(
            f"{kind:7} {len(pairs):5} {parse_total:9.3f} {extract_total:10.3f} {ratio:12.2f} "
            f"{statistics.median(ratios):7.2f} {max(ratios):6.2f} {fastest:8.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
