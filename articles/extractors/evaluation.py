"""Scoring extractions against hand-read ground truth (the shared MANIFEST.tsv of saved pages).

Shared by the tests and bench/extraction.py so both judge a field the same way.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, fields
from datetime import date, datetime
from pathlib import Path

from .base import Extracted
from .dates import parse_datetime
from .lede import CJK_LENGTH, LATIN_LENGTH, ends_at_sentence, is_mostly_cjk, size

KINDS = {
    "wechat": "wechat",
    "arxiv-api": "arxiv",
    "arxiv-abs": "arxiv",
    "github-api": "github",
    "github-html": "github",
    "generic": "web",
}
SCORED_FIELDS = (
    "title", "description", "image_url", "author_or_publication", "published", "lede",
)  # fmt: skip
# Which NotAnArticle code an error row's notes describe (the manifest has no code column).
_ERROR_NOTES = (
    ("expired", re.compile(r"expired|链接已过期", re.I)),
    ("not_found", re.compile(r"\b404\b|not found", re.I)),
    ("moved", re.compile(r"\b301\b|moved", re.I)),
    ("deleted", re.compile(r"deleted|删除", re.I)),
    ("violation", re.compile(r"violat|违规", re.I)),
    ("rate_limited", re.compile(r"rate.?limit|频繁", re.I)),
    ("verification", re.compile(r"verification|验证", re.I)),
)
_AUTHOR_AND_PUBLICATION = re.compile(r"^(?P<author>.+?)\s*\((?P<publication>[^()]+)\)$")


@dataclass(frozen=True)
class ManifestRow:
    file: str
    url: str
    kind: str
    title: str
    description: str
    image_url: str
    author_or_publication: str
    published: str
    notes: str
    # The first ~40 characters of the page's lede as a reader sees it.
    lede: str = ""

    @property
    def is_error(self) -> bool:
        """Rows without a title are error pages the extractor must refuse."""
        return not self.title

    @property
    def expected_kind(self) -> str:
        return KINDS[self.kind]

    @property
    def expected_error(self) -> str:
        for code, pattern in _ERROR_NOTES:
            if pattern.search(self.notes):
                return code
        return ""


def read_manifest(path: Path) -> list[ManifestRow]:
    """The rows of one manifest (MANIFEST.tsv, MANIFEST-new.tsv: the same columns)."""
    names = [f.name for f in fields(ManifestRow)]
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [ManifestRow(**{n: (line.get(n) or "").strip() for n in names}) for line in reader]


def _squash(text: str) -> str:
    return " ".join(text.split())


def _same_instant(expected: str, actual: datetime | None) -> bool:
    if actual is None:
        return False
    if "T" not in expected and len(expected) == 10:
        # A day only: the page gives no time, so the extracted value's own calendar day counts.
        return actual.date() == date.fromisoformat(expected)
    wanted = parse_datetime(expected)
    return wanted is not None and wanted == actual


def _people_right(row: ManifestRow, extracted: Extracted) -> bool:
    expected = row.author_or_publication
    if row.kind == "wechat":
        return extracted.publication == expected
    if row.kind != "generic":
        return extracted.author == expected
    match = _AUTHOR_AND_PUBLICATION.match(expected)
    if not match:
        return extracted.author == expected
    # "X / Y": either name; "via X": the site X carried it.
    named = match["publication"].removeprefix("via ")
    publications = {named, *(p.strip() for p in named.split(" / "))}
    return extracted.author == match["author"] and extracted.publication in publications


def score(row: ManifestRow, extracted: Extracted) -> dict[str, bool]:
    """For each non-empty ground-truth field of the row, whether the extraction got it right."""
    checks = {
        "title": lambda: extracted.title == row.title,
        # The manifest keeps the first ~120 characters of the page's own description.
        "description": lambda: _squash(extracted.description).startswith(_squash(row.description)),
        "image_url": lambda: extracted.image_url == row.image_url,
        "author_or_publication": lambda: _people_right(row, extracted),
        "published": lambda: _same_instant(row.published, extracted.published_at),
        "lede": lambda: _squash(extracted.summary).startswith(_squash(row.lede)),
    }
    return {name: check() for name, check in checks.items() if getattr(row, name)}


def summary_follows_rules(summary: str) -> bool:
    """80-300 CJK characters or 40-120 Latin words, ending at a sentence end."""
    if not summary:
        return False
    return summary_length_ok(summary) and ends_at_sentence(summary)


def summary_length_ok(summary: str) -> bool:
    cjk = is_mostly_cjk(summary)
    low, high = CJK_LENGTH if cjk else LATIN_LENGTH
    return low <= size(summary, cjk) <= high
