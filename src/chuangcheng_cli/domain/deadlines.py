"""整改期限 an office would write: never on a weekend or public holiday, by the official calendar.

The calendar (public holidays and their 调休 working weekends) comes from the maintained
chinesecalendar package, which knows the years the State Council has announced; outside them we
fall back to calendar days and say so. Pure: the caller passes the day the notice is issued.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass


@dataclass(frozen=True)
class Deadline:
    day: dt.date
    note: str = ""  # what was adjusted, or why the calendar could not be used ("" when neither)
    warning: bool = False  # the note says the calendar was unavailable


@functools.lru_cache(maxsize=1)
def _calendar() -> tuple | None:
    """chinese_calendar's tables (holidays, 调休 workdays) and the first and last year they cover,
    or None without it. Its own is_workday works the years out again on every call (min and max
    over the whole table, ~30 µs): a city's thousand tasks' deadlines paid that on every read."""
    try:
        import chinese_calendar
    except ImportError:  # pragma: no cover - a dependency of the package
        return None
    holidays, workdays = chinese_calendar.holidays, chinese_calendar.workdays
    return holidays, workdays, min(holidays).year, max(holidays).year


def _is_workday(day: dt.date) -> bool | None:
    """True or False by the official calendar, as chinese_calendar.is_workday says (a 调休 working
    day, or a weekday that is no holiday); None for a year it does not know."""
    calendar = _calendar()
    if calendar is None:  # pragma: no cover - a dependency of the package
        return None
    holidays, workdays, first, last = calendar
    if not first <= day.year <= last:
        return None
    return day in workdays or (day.weekday() <= 4 and day not in holidays)


def _works(day: dt.date) -> tuple[bool, bool]:
    """(whether day is a working day, whether the official calendar knows its year). A year it
    does not know yet: Monday to Friday, as every year's weekends are rest days whatever its
    holidays (a try of a 2027 group found a 重办期限 on a Sunday, counted late the next day)."""
    known = _is_workday(day)
    return (day.weekday() <= 4, False) if known is None else (known, True)


def _unknown(year: int) -> str:
    return f"{year}年的节假日安排尚不可知（国务院公布、chinesecalendar 更新后升级即可按节假日计算）"


def rectification_deadline(issued: dt.date, days: int | None = None, on: dt.date | None = None,
                           workdays: bool = False, what: str = "整改期限") -> Deadline:
    """The 整改期限 of a notice issued on `issued`: `on` as given, or `days` after it (工作日 when
    workdays); either way moved to the next working day when it falls on a rest day. In a year the
    calendar does not know yet only weekends are rest days, and the note (a warning) says so.
    what: the deadline's name in the note (a reopen's is a 重办期限)."""
    from .views import cn_date

    if on is None:
        assert days is not None
        if workdays:
            day, counted, unknown = issued, 0, None
            while counted < days:
                day += dt.timedelta(days=1)
                works, known = _works(day)
                if not known and unknown is None:
                    unknown = day.year
                counted += works
            if unknown is not None:
                return Deadline(day, f"{_unknown(unknown)}，{days}个工作日只跳过了周末", True)
            return Deadline(day, f"{days}个工作日")
        on = issued + dt.timedelta(days=days)
    day = on
    for _ in range(40):  # the longest run of rest days (春节 with its weekends) is far shorter
        works, known = _works(day)
        if works:
            break
        day += dt.timedelta(days=1)
    if known:
        if day != on:
            return Deadline(day, f"{cn_date(on)}为休息日，{what}顺延至{cn_date(day)}")
        return Deadline(day)
    if day != on:
        return Deadline(day, f"{cn_date(on)}为休息日，{what}顺延至{cn_date(day)}；{_unknown(day.year)}，只避开了周末", True)
    return Deadline(day, f"{_unknown(day.year)}，未按节假日调整{what}", True)
