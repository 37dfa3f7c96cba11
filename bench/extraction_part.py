"""Extraction speed: runs bench/extraction.py and keeps its per-kind ratio lines."""

from __future__ import annotations

import subprocess

from bench.common import PYTHON, ROOT, Result, heading

TARGET_RATIO = 3.0
SPEED_TABLE = "speed per kind"


def run(results: list[Result]) -> None:
    heading("3. extraction (bench/extraction.py)")
    done = subprocess.run(
        [PYTHON, str(ROOT / "bench/extraction.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if done.returncode != 0:
        print(done.stdout[-3000:] + done.stderr[-3000:])
        results.append(Result("extraction", "runs", f"exit code {done.returncode}", False))
        return
    lines = done.stdout.splitlines()
    print(lines[0])  # the machine line
    table = lines[next(i for i, line in enumerate(lines) if line.startswith(SPEED_TABLE)) :]
    print("\n".join(table))
    header = next(i for i, line in enumerate(table) if line.startswith("kind"))
    for line in table[header + 1 :]:
        fields = line.split()
        if len(fields) < 5:
            continue
        kind, ratio = fields[0], float(fields[4])
        results.append(
            Result(
                f"extraction {kind}: extract / one lxml parse",
                f"<= {TARGET_RATIO:.0f}x",
                f"{ratio:.2f}x (sum over pages)",
                ratio <= TARGET_RATIO,
            )
        )
