"""Dates as pages write them: ISO 8601 and near misses, RFC 2822, "Aug 22, 2016", 2018年4月6日."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

try:
    SHANGHAI: tzinfo = ZoneInfo("Asia/Shanghai")
except ZoneInfoNotFoundError:  # no tz database: China has kept +08:00 without DST since 1991
    SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")

_ISO = re.compile(
    r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"
    r"(?:[T\s]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d+))?)?)?"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$",
    re.IGNORECASE,
)
_CJK = re.compile(
    r"^(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    r"(?:\s*(?P<H>\d{1,2})\s*[:：时]\s*(?P<M>\d{2})(?:\s*[:：分]\s*(?P<S>\d{2}))?)?"
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_NAMED_MONTH = re.compile(
    r"^(?:[A-Za-z]+,?\s+)?(?:(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m1>[A-Za-z]+)\.?,?"
    r"|(?P<m2>[A-Za-z]+)\.?\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?,?)\s+(?P<y>\d{4})"
    r"(?:,?\s+(?:at\s+)?(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?\s*(?P<ap>[ap]\.?m\.?)?)?"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}:?\d{2})?\s*$",
    re.IGNORECASE,
)
_TIMESTAMP = re.compile(r"^\d{9,13}(?:\.\d+)?$")
MIN_YEAR, MAX_YEAR = 1990, 2100


def _offset(text: str | None) -> tzinfo | None:
    if not text:
        return None
    if text.upper() in ("Z", "UTC", "GMT"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _build(parts: dict[str, str | None], month: int, default_tz: tzinfo) -> datetime | None:
    fraction = (parts.get("f") or "0")[:6].ljust(6, "0")
    hour = int(parts.get("H") or 0)
    ampm = (parts.get("ap") or "").lower().replace(".", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    try:
        value = datetime(
            int(parts["y"] or 0),
            month,
            int(parts.get("d") or parts.get("d1") or parts.get("d2") or 0),
            hour,
            int(parts.get("M") or 0),
            int(parts.get("S") or 0),
            int(fraction),
            tzinfo=_offset(parts.get("tz")) or default_tz,
        )
    except ValueError:
        return None
    return value if MIN_YEAR <= value.year <= MAX_YEAR else None


def from_timestamp(value: str | int | float, tz: tzinfo = UTC) -> datetime | None:
    """A Unix timestamp (seconds, or milliseconds) as an aware datetime in `tz`."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if number > 1e11:  # milliseconds
        number /= 1000
    try:
        result = datetime.fromtimestamp(number, tz)
    except (OverflowError, OSError, ValueError):
        return None
    return result if MIN_YEAR <= result.year <= MAX_YEAR else None


def parse_datetime(text: str | None, default_tz: tzinfo = UTC) -> datetime | None:
    """A timezone-aware datetime, or None; naive values are taken to be in `default_tz`."""
    if not text:
        return None
    text = text.strip()
    if _TIMESTAMP.match(text):
        return from_timestamp(text, default_tz)
    match = _ISO.match(text) or _CJK.match(text)
    if match:
        parts = match.groupdict()
        return _build(parts, int(parts["m"]), default_tz)
    match = _NAMED_MONTH.match(text)
    if match:
        parts = match.groupdict()
        month = _MONTHS.get((parts["m1"] or parts["m2"] or "").lower())
        return _build(parts, month, default_tz) if month else None
    return _rfc2822(text, default_tz)


def _rfc2822(text: str, default_tz: tzinfo) -> datetime | None:
    try:
        value = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=default_tz)
    return value if MIN_YEAR <= value.year <= MAX_YEAR else None
