"""A date written without its year (domain/dates.py): the campaign's year; a deadline before the
day it is set from is the next year's when that is near."""

import datetime as dt

import pytest

from chuangcheng_cli.domain.dates import with_year

D = dt.date


@pytest.mark.parametrize("month, day, after, expected", [
    (9, 12, None, D(2023, 9, 12)),           # --as-of 9月12日, a sheet's 发现时间
    (1, 5, D(2023, 12, 20), D(2024, 1, 5)),   # a deadline set in December: next January
    (12, 25, D(2023, 12, 20), D(2023, 12, 25)),  # after the day: this year
    (12, 25, D(2023, 12, 30), D(2023, 12, 25)),  # a slip days back: not a year ahead, the checks say it is past
    (6, 30, D(2023, 12, 30), D(2024, 6, 30)),   # within half a year ahead: a long 整改 set in December
    (8, 31, D(2023, 12, 30), D(2023, 8, 31)),   # more than half a year ahead: not moved
    (2, 29, D(2024, 3, 1), D(2024, 2, 29)),     # no 2月29日 next year: left
])
def test_with_year(month, day, after, expected):
    year = 2024 if (month, day) == (2, 29) else 2023
    assert with_year(month, day, year, after) == expected


def test_a_day_that_does_not_exist_is_a_value_error():
    with pytest.raises(ValueError):
        with_year(2, 30, 2023)


def test_february_29_set_in_a_common_year_s_december_is_the_next_year_s():
    """2月29日 written in December 2023 was refused (2023 has none) while 2月28日 became 2024's (a
    hostile-input try): a deadline takes the next year's when that year has the day, within reach."""
    assert with_year(2, 29, 2023, D(2023, 12, 1)) == D(2024, 2, 29)
    for after in (None, D(2023, 6, 1)):  # not a deadline, or the next year's too far ahead
        with pytest.raises(ValueError):
            with_year(2, 29, 2023, after)
    with pytest.raises(ValueError):
        with_year(2, 30, 2023, D(2023, 12, 1))


def test_working_days_that_reach_an_unannounced_year_are_calendar_days_moved_off_a_known_rest_day(monkeypatch):
    """20 working days from 2026-12-06 reach 2027, whose holidays are not announced: 20 calendar
    days (2026-12-26, a Saturday), moved to Monday as any 期限 in a known year; the note named
    2026 as the unknown year and left the Saturday (found by a fresh-eyes try)."""
    from chuangcheng_cli.domain import deadlines

    def calendar(day):  # weekends rest through 2026, nothing known after
        return None if day.year > 2026 else day.weekday() < 5

    monkeypatch.setattr(deadlines, "_is_workday", calendar)
    got = deadlines.rectification_deadline(D(2026, 12, 6), 20, workdays=True)
    assert got.day == D(2026, 12, 28) and got.warning
    assert got.note == ("2027年的节假日安排尚不可知，整改期限按20个自然日计算，"
                        "2026年12月26日为休息日，整改期限顺延至2026年12月28日")
    far = deadlines.rectification_deadline(D(2026, 12, 20), 20, workdays=True)  # 2027-01-09: unknown, left
    assert far == deadlines.Deadline(D(2027, 1, 9), "2027年的节假日安排尚不可知，整改期限按20个自然日计算", True)
    known = deadlines.rectification_deadline(D(2026, 11, 2), 10, workdays=True)
    assert known == deadlines.Deadline(D(2026, 11, 16), "10个工作日")
