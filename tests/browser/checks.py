"""Run axe-core and the Nu HTML checker on archive pages and report what they find."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path


def axe_violations(page, axe_source: str, within: str | None = None) -> list[dict]:
    """axe-core's violations for the page as shown (or the part `within` selects):
    WCAG 2.x A/AA and best practices."""
    page.evaluate(axe_source)
    violations = page.evaluate(
        "async (within) => (await axe.run(within || document,"
        " {resultTypes: ['violations']})).violations",
        within,
    )
    return [
        {"id": v["id"], "help": v["help"], "targets": [n["target"] for n in v["nodes"]][:5]}
        for v in violations
    ]


def vnu_messages(command: list[str], files: list[Path]) -> list[dict]:
    """Every error and warning the Nu HTML checker reports for the files, in one JVM run."""
    result = subprocess.run(
        [*command, *map(str, files)], capture_output=True, text=True, timeout=120, check=False
    )
    messages = json.loads(result.stdout)["messages"]
    return [
        {"file": Path(m.get("url", "")).name, "type": m.get("subType", m["type"]), **m}
        for m in messages
        if m["type"] == "error" or m.get("subType") == "warning"
    ]
