"""Saved pages of ../shared/fixtures/pages by name, with their hand-read ground truth."""

from __future__ import annotations

from pathlib import Path

from articles.extractors.evaluation import ManifestRow, read_manifest


def page(pages_dir: Path, file_suffix: str) -> ManifestRow:
    rows = [r for r in read_manifest(pages_dir / "MANIFEST.tsv") if r.file.endswith(file_suffix)]
    assert len(rows) == 1, f"expected one manifest row ending {file_suffix!r}"
    return rows[0]


def body(pages_dir: Path, row: ManifestRow) -> bytes:
    return (pages_dir / row.file).read_bytes()
