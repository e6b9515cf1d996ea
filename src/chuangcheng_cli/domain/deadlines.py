"""整改期限 an office would write: never on a weekend or public holiday, by the official calendar.

The calendar (public holidays and their 调休 working weekends) comes from the maintained
chinesecalendar package, which knows the years the State Council has announced; outside them we
fall back to calendar days and say so. Pure: the caller passes the day the notice is issued.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Deadline:
    day: dt.date
    note: str = ""  # what was adjusted, or why the calendar could not be used ("" when neither)
    warning: bool = False  # the note says the calendar was unavailable


def _is_workday(day: dt.date) -> bool | None:
    """True or False by the official calendar; None for a year it does not know."""
    try:
        import chinese_calendar
    except ImportError:  # pragma: no cover - a dependency of the package
        return None
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


def rectification_deadline(issued: dt.date, days: int | None = None, on: dt.date | None = None,
                           workdays: bool = False, what: str = "整改期限") -> Deadline:
    """The 整改期限 of a notice issued on `issued`: `on` as given, or `days` after it (工作日 when
    workdays); either way moved to the next working day when it falls on a rest day. what: the
    deadline's name in the note (a reopen's is a 重办期限)."""
    from .views import cn_date

    if on is None:
        assert days is not None
        if workdays:
            day, counted = issued, 0
            while counted < days:
                day += dt.timedelta(days=1)
                known = _is_workday(day)
                if known is None:  # the count reaches a year not yet announced: calendar days,
                    # and that day moved off a rest day where its year is known
                    plain = rectification_deadline(issued, on=issued + dt.timedelta(days=days), what=what)
                    moved = f"，{plain.note}" if plain.note and not plain.warning else ""
                    return Deadline(plain.day, f"{day.year}年的节假日安排尚不可知，"
                                               f"{what}按{days}个自然日计算{moved}", True)
                counted += known
            return Deadline(day, f"{days}个工作日")
        on = issued + dt.timedelta(days=days)
    day = on
    for _ in range(40):  # the longest run of rest days (春节 with its weekends) is far shorter
        known = _is_workday(day)
        if known is None:
            if day == on:
                return Deadline(on, f"{on.year}年的节假日安排尚不可知，未按工作日调整{what}", True)
            break
        if known:
            break
        day += dt.timedelta(days=1)
    if day != on:
        return Deadline(day, f"{cn_date(on)}为休息日，{what}顺延至{cn_date(day)}")
    return Deadline(day)
