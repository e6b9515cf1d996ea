"""A date written without its year (6月8日, 9月12日): the one rule that completes it, for a sheet's
cells (cc problem import) and the command line's date options alike. Pure: the caller passes
the campaign's year and, for a deadline, the day it is set from."""

from __future__ import annotations

import datetime as dt

# How far into the next year a deadline written without its year may reach when the campaign's
# year would put it before the day it is set from: 1月5日 set in December is next January; a date
# half a year back (12月25日 set on 12月30日) is a slip, left in the past for the checks to say so.
NEXT_YEAR_REACH = dt.timedelta(days=183)


def with_year(month: int, day: int, year: int, after: dt.date | None = None) -> dt.date:
    """The date month/day in the campaign's year (tasklist.yaml campaign.year: a 年度's sheets and
    notices speak of its own months). after: for a deadline, the day it is set from (the problem's
    发现时间, the day of the notice or decision); a date before it that the next year puts within
    NEXT_YEAR_REACH of it is the next year's. ValueError for a day that does not exist (2月30日),
    or 2月29日 when neither the campaign's year has it nor, for a deadline, the next one does."""
    try:
        date = dt.date(year, month, day)
    except ValueError:
        # 2月29日 set in December of a common year: the next year's, when it has one within reach
        # (a hostile-input try had it refused while 2月28日 was taken as the next year's)
        if after is None or year + 1 > dt.MAXYEAR:
            raise
        later = dt.date(year + 1, month, day)  # ValueError again when that year has none either
        if not dt.timedelta(0) <= later - after <= NEXT_YEAR_REACH:
            raise
        return later
    if after is not None and date < after:
        try:
            later = dt.date(year + 1, month, day)
        except ValueError:  # 2月29日 of a leap year: the next year has none
            return date
        if later - after <= NEXT_YEAR_REACH:
            return later
    return date
