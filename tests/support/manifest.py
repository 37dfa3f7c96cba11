"""Saved pages of ../shared/fixtures/pages by name, with their hand-read ground truth."""

from __future__ import annotations

from pathlib import Path

from articles.extractors.evaluation import ManifestRow, read_manifest

MANIFESTS = ("MANIFEST.tsv", "MANIFEST-new.tsv")


def page(pages_dir: Path, file_suffix: str) -> ManifestRow:
    every = [
        r
        for name in MANIFESTS
        if (pages_dir / name).is_file()
        for r in read_manifest(pages_dir / name)
    ]
    rows = [r for r in every if r.file.endswith(file_suffix)]
    assert len(rows) == 1, f"expected one manifest row ending {file_suffix!r}"
    return rows[0]


def body(pages_dir: Path, row: ManifestRow) -> bytes:
    return (pages_dir / row.file).read_bytes()
