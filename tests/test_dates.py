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


def test_working_days_that_reach_an_unannounced_year_skip_its_weekends(monkeypatch):
    """20 working days from 2026-12-06 reach 2027, whose holidays are not announced. They were
    counted as 20 calendar days (a fresh-eyes try first found the Saturday they ended on left as
    it was); a try of a 2027 group then found every deadline of a year not yet announced on
    weekends too. Weekends are rest days in every year: counted as Monday to Friday, the note says
    the holidays are not known."""
    from chuangcheng_cli.domain import deadlines

    def calendar(day):  # weekends rest through 2026, nothing known after
        return None if day.year > 2026 else day.weekday() < 5

    monkeypatch.setattr(deadlines, "_is_workday", calendar)
    unknown = "2027年的节假日安排尚不可知（国务院公布、chinesecalendar 更新后升级即可按节假日计算）"
    got = deadlines.rectification_deadline(D(2026, 12, 6), 20, workdays=True)
    assert got == deadlines.Deadline(D(2027, 1, 1), f"{unknown}，20个工作日只跳过了周末", True)
    far = deadlines.rectification_deadline(D(2026, 12, 20), 20, workdays=True)
    assert far == deadlines.Deadline(D(2027, 1, 15), f"{unknown}，20个工作日只跳过了周末", True)
    known = deadlines.rectification_deadline(D(2026, 11, 2), 10, workdays=True)
    assert known == deadlines.Deadline(D(2026, 11, 16), "10个工作日")
    # a day given, or calendar days: off a weekend of an unknown year, its weekdays as they are
    sunday = deadlines.rectification_deadline(D(2027, 4, 20), on=D(2027, 5, 2), what="重办期限")
    assert sunday == deadlines.Deadline(D(2027, 5, 3), f"2027年5月2日为休息日，重办期限顺延至2027年5月3日；{unknown}，只避开了周末",
                                        True)
    assert deadlines.rectification_deadline(D(2027, 4, 20), 10) == \
        deadlines.Deadline(D(2027, 4, 30), f"{unknown}，未按节假日调整整改期限", True)
    saturday = deadlines.rectification_deadline(D(2026, 12, 16), 10)  # 2026-12-26: known, moved as before
    assert saturday == deadlines.Deadline(D(2026, 12, 28), "2026年12月26日为休息日，整改期限顺延至2026年12月28日")


def test_the_calendar_says_what_chinese_calendar_says_of_every_day():
    """deadlines._is_workday reads chinese_calendar's tables itself (its is_workday works out the
    years it covers on every call, ~30 µs: a city's deadlines paid it on every read); every day of
    the years it covers, and one each side, gets the same answer."""
    import chinese_calendar

    from chuangcheng_cli.domain import deadlines

    first, last = min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year
    day = D(first, 1, 1)
    while day.year <= last:
        assert deadlines._is_workday(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)
    assert deadlines._is_workday(D(first - 1, 12, 31)) is None and deadlines._is_workday(D(last + 1, 1, 1)) is None
    for outside in (D(first - 1, 12, 31), D(last + 1, 1, 1)):
        with pytest.raises(NotImplementedError):
            chinese_calendar.is_workday(outside)
