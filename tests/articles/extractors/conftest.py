from __future__ import annotations

from datetime import datetime, tzinfo
from pathlib import Path

import pytest

from articles.extractors.evaluation import ManifestRow, read_manifest
from tests.support.services import PAGES_DIR

OWN_PAGES = Path(__file__).parent / "pages"


MANIFESTS = ("MANIFEST.tsv", "MANIFEST-new.tsv")
# Fields the extractors get wrong, on purpose not fixed for one page; strict, so a fix shows.
KNOWN_MISSES = {
    "generic/trafilatura_spiegel_albtraum_jsonld_only_2018.html": (
        "the print edition's name (DER SPIEGEL) is only in <title>; JSON-LD names SPIEGEL ONLINE"
    ),
}


def _manifest_rows() -> list[ManifestRow]:
    """Rows of every shared manifest, in order; none when ../shared is absent."""
    rows: list[ManifestRow] = []
    for name in MANIFESTS:
        manifest = PAGES_DIR / name
        if manifest.is_file():
            rows += read_manifest(manifest)
    return rows


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One test case per row of the shared manifest (the pages themselves come via pages_dir)."""
    for name, keep in (("row", lambda r: True), ("article_row", lambda r: not r.is_error)):
        if name in metafunc.fixturenames:
            rows = [row for row in _manifest_rows() if keep(row)]
            ids = [row.file for row in rows]
            cases = [
                pytest.param(
                    row, marks=pytest.mark.xfail(reason=KNOWN_MISSES[row.file], strict=True)
                )
                if name == "row" and row.file in KNOWN_MISSES
                else row
                for row in rows
            ]
            # Without ../shared: one placeholder case, which pages_dir skips (or fails in CI).
            metafunc.parametrize(name, cases or [None], ids=ids or ["manifest-missing"])


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
