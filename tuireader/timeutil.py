"""Times are stored as UTC ISO 8601 strings, which sort as they read."""

import calendar
import time
from datetime import UTC, datetime, timedelta

# Dates before this or more than a day ahead are treated as wrong.
EARLIEST_PLAUSIBLE = datetime(1995, 1, 1, tzinfo=UTC)


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def to_iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def from_struct(value: time.struct_time | None) -> str | None:
    """feedparser's UTC struct_time to ISO, or None when missing or absurd."""
    if value is None:
        return None
    try:
        moment = datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (OverflowError, ValueError, OSError):
        return None
    return plausible(moment)


def plausible(moment: datetime) -> str | None:
    """ISO for a believable publication time, else None (fall back to first seen)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if moment < EARLIEST_PLAUSIBLE or moment > datetime.now(UTC) + timedelta(days=1):
        return None
    return to_iso(moment)


def parse_iso(value: str | None) -> str | None:
    """A JSON Feed / meta-tag date string to ISO, or None."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return plausible(moment)


def age(iso: str | None, now: datetime | None = None) -> str:
    """A short human age: '5m', '3h', '2d', '4w', or the date for old items."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return ""
    now = now or datetime.now(UTC)
    seconds = max(0, int((now - moment).total_seconds()))
    if seconds < 3600:
        return f"{max(1, seconds // 60)}m"
    if seconds < 86400:
        return f"{seconds // 3600}h"
    if seconds < 86400 * 14:
        return f"{seconds // 86400}d"
    if seconds < 86400 * 120:
        return f"{seconds // (86400 * 7)}w"
    return moment.strftime("%Y-%m-%d")
