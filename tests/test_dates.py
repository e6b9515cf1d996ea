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
