from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from articles.extractors.dates import SHANGHAI, from_timestamp, parse_datetime
from tests.articles.extractors.conftest import iso

EDT = timezone(timedelta(hours=-4))
CST = timezone(timedelta(hours=8))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2016-10-19T14:30:56.529Z", datetime(2016, 10, 19, 14, 30, 56, 529000, tzinfo=UTC)),
        ("2024-05-11T07:00:42-04:00", datetime(2024, 5, 11, 7, 0, 42, tzinfo=EDT)),
        # Atlas Obscura's article:published_time is not ISO: space separated, offset without colon.
        ("2024-05-14 17:00:00 -0400", datetime(2024, 5, 14, 17, 0, tzinfo=EDT)),
        ("2024/05/09", datetime(2024, 5, 9, tzinfo=UTC)),
        ("Fri, 10 May 2024 19:01:25 +0000", datetime(2024, 5, 10, 19, 1, 25, tzinfo=UTC)),
        ("Thu, 9 May 2024 17:59:32 UTC", datetime(2024, 5, 9, 17, 59, 32, tzinfo=UTC)),
        ("August 22, 2016", datetime(2016, 8, 22, tzinfo=UTC)),
        ("22 Aug 2016", datetime(2016, 8, 22, tzinfo=UTC)),
        ("May 10, 2024 at 7:01 pm", datetime(2024, 5, 10, 19, 1, tzinfo=UTC)),
        ("2018年4月6日", datetime(2018, 4, 6, tzinfo=UTC)),
        ("1522968980", datetime(2018, 4, 5, 22, 56, 20, tzinfo=UTC)),
    ],
)
def test_parses_page_date_formats(text, expected) -> None:
    assert parse_datetime(text) == expected


@pytest.mark.parametrize("text", ["", "昨天", "3 hours ago", "2024-13-40", "not a date", "0800"])
def test_unreadable_or_relative_dates_are_none(text) -> None:
    assert parse_datetime(text) is None


def test_naive_times_take_the_default_zone() -> None:
    parsed = parse_datetime("2024-05-13 14:04:56", SHANGHAI)
    assert parsed == datetime(2024, 5, 13, 14, 4, 56, tzinfo=CST)
    assert parsed.utcoffset() == timedelta(hours=8)


def test_timestamps_in_shanghai_time() -> None:
    assert iso(from_timestamp("1659274471", SHANGHAI)) == "2022-07-31T21:34:31+08:00"
    assert from_timestamp(1659274471000, SHANGHAI) == from_timestamp(1659274471, SHANGHAI)
