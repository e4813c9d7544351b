"""Beijing time: the one time zone the portal shows and counts months and days in."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def beijing_date(moment: datetime):
    return moment.astimezone(BEIJING).date()


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The Beijing calendar month as an aware [start, end) pair."""
    start = datetime(year, month, 1, tzinfo=BEIJING)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=BEIJING)
    return start, end


def month_last_day(month: date) -> date:
    """The last calendar day of ``month`` (any day of it)."""
    end = month_bounds(month.year, month.month)[1]
    return date.fromordinal(end.date().toordinal() - 1)
