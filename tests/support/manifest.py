"""Rows of ../shared/fixtures/pages/MANIFEST.tsv, the hand-read ground truth of saved pages."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Page:
    file: str
    url: str
    kind: str
    title: str
    description: str
    image_url: str
    author_or_publication: str
    published: str
    notes: str

    @property
    def is_error(self) -> bool:
        return self.notes.startswith(("ERROR", "ERROR PAGE"))

    def body(self, pages_dir: Path) -> bytes:
        return (pages_dir / self.file).read_bytes()

    def published_instant(self) -> dt.datetime | dt.date | None:
        if not self.published:
            return None
        if len(self.published) == 10:
            return dt.date.fromisoformat(self.published)
        return dt.datetime.fromisoformat(self.published.replace("Z", "+00:00"))


def load_pages(pages_dir: Path) -> list[Page]:
    with (pages_dir / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [
        Page(
            file=row["file"],
            url=row["url"],
            kind=row["kind"],
            title=row["title"],
            description=row["description"],
            image_url=row["image_url"],
            author_or_publication=row["author_or_publication"],
            published=row["published"],
            notes=row["notes"],
        )
        for row in rows
    ]


def page(pages_dir: Path, file_suffix: str) -> Page:
    matches = [p for p in load_pages(pages_dir) if p.file.endswith(file_suffix)]
    assert len(matches) == 1, f"expected one manifest row ending {file_suffix!r}"
    return matches[0]
