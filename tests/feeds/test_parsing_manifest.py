"""Every saved feed reads as a careful reader sees it (MANIFEST.tsv)."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import pytest

from feeds.parsing import parse_feed
from tests.support.services import SHARED_DIR

pytestmark = pytest.mark.shared

MANIFEST = SHARED_DIR / "fixtures" / "feeds" / "MANIFEST.tsv"
# Where the feeds with relative links were fetched from (their notes say so).
FETCHED_FROM = {
    "en-blogs/qemu-jekyll.atom": "https://www.qemu.org/feed.xml",
    "awkward/intertwingly-relative-links-xhtml.atom": "http://intertwingly.net/blog/index.atom",
}


def rows() -> list[dict[str, str]]:
    if not MANIFEST.is_file():
        return []
    with MANIFEST.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def expected_date(text: str) -> datetime | None:
    text = text.strip().strip('"')
    if text.startswith("("):
        return None
    if "/" in text:  # '2020/1/10 14:33:00': no zone, read in the site's (China)
        day, clock = text.split(" ")
        y, m, d = (int(p) for p in day.split("/"))
        hh, mm, ss = (int(p) for p in clock.split(":"))
        return datetime(y, m, d, hh, mm, ss, tzinfo=ZoneInfo("Asia/Shanghai"))
    from email.utils import parsedate_to_datetime

    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00").replace(" -", "-"))
    except ValueError:
        when = parsedate_to_datetime(text)
        # '-0000' says "zone unknown"; the time is UTC all the same.
        return when if when.tzinfo else when.replace(tzinfo=UTC)


@pytest.mark.parametrize("row", rows(), ids=lambda row: row["file"])
def test_saved_feed_reads_as_the_manifest_says(row: dict[str, str], feeds_dir: Path) -> None:
    body = (feeds_dir / row["file"]).read_bytes()
    url = FETCHED_FROM.get(row["file"], "https://feeds.example.com/feed")
    parsed = parse_feed(body, url=url, limit=10_000, default_tz="Asia/Shanghai")

    assert parsed.title == " ".join(row["feed_title"].split())
    assert parsed.total == int(row["item_count"])
    assert parsed.skipped == 0
    if row["first_item_title"] == "(no items)":
        assert parsed.items == []
        return
    first = parsed.items[0]
    assert first.title == " ".join(row["first_item_title"].strip('"').split())
    assert first.link == urljoin(url, row["first_item_link"])
    wanted = expected_date(row["first_item_date"])
    if wanted is None:
        assert first.published_at is None  # the poller then uses the time first seen
    elif len(row["first_item_date"]) == 10:  # a day only
        assert first.published_at is not None
        assert first.published_at.date().isoformat() == row["first_item_date"]
    else:
        assert first.published_at == wanted


def test_the_manifest_is_there_to_read() -> None:
    if not MANIFEST.is_file():
        from tests.support.services import unavailable

        unavailable(f"{MANIFEST} is absent")
    assert len(rows()) >= 25
