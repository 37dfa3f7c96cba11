from __future__ import annotations

from datetime import datetime, tzinfo
from pathlib import Path

import pytest

from articles.extractors.evaluation import ManifestRow, read_manifest
from tests.support.services import PAGES_DIR

OWN_PAGES = Path(__file__).parent / "pages"


def _manifest_rows() -> list[ManifestRow]:
    manifest = PAGES_DIR / "MANIFEST.tsv"
    return read_manifest(manifest) if manifest.is_file() else []


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One test case per row of the shared manifest (the pages themselves come via pages_dir)."""
    for name, keep in (("row", lambda r: True), ("article_row", lambda r: not r.is_error)):
        if name in metafunc.fixturenames:
            rows = [row for row in _manifest_rows() if keep(row)]
            ids = [row.file for row in rows]
            # Without ../shared: one placeholder case, which pages_dir skips (or fails in CI).
            metafunc.parametrize(name, rows or [None], ids=ids or ["manifest-missing"])


@pytest.fixture
def own_page():
    """Bytes of a small page written for these tests (tests/articles/extractors/pages)."""

    def read(name: str) -> bytes:
        return (OWN_PAGES / name).read_bytes()

    return read


def iso(value: datetime | None, tz: tzinfo | None = None) -> str | None:
    """ISO 8601 text of an extracted time (optionally converted), None when there is none."""
    if value is None:
        return None
    return (value.astimezone(tz) if tz else value).isoformat()
