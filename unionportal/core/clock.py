"""Beijing time: the one time zone the portal shows and counts months and days in."""

from datetime import datetime
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def beijing_date(moment: datetime):
    return moment.astimezone(BEIJING).date()
