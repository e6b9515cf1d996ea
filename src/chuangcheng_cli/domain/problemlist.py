"""The 问题清单 as of a day: each problem through 交办 → 整改 → 复查 → 销号, its gaps, and the rates.

A problem is found (自查, 暗访 …) and recorded against one responsible unit with a 整改期限; the unit
reports 整改完成 (fix); the office re-inspects (recheck): passed is 销号, failed is 返工 with a new
期限; the office may approve a 延期 (extend). As with notices, a fix hands the problem to the office
and stops the unit's clock: a problem waiting for 复查 is never the unit's lateness, and a 复查 not
done within policy.review_days is the lead unit's overdue item.

The rates are those a 数字化城市管理 centre publishes for its closed loop, over the problems that
count (not voided) and are recorded by `today`:
- 应结案数 (due): problems 销号, plus problems still 整改中 past their 期限 (the unit's to finish): the
  期限 given or as 延期 moved it, a 返工's new one not taking a problem out (ProblemState.due_by);
- 结案率 = 销号数 / 应结案数; 按期结案率 = 按期销号数 / 应结案数, where a 销号 is 按期 when the fix
  that passed was reported by the 期限 then in force (an approved 延期 moves it; the office's time
  spent on 复查 never counts against the unit);
- 返工率 = 返工问题数 (复查 failed at least once) / 已复查问题数;
- 延期率 = 延期问题数 (at least one approved 延期) / 问题总数.
A rate with nothing to divide by is None (shown as "—"), never 100%.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field

from . import models
from .views import cn_date

OPEN, FIXED, CLOSED = "open", "fixed", "closed"
STATUS_NAMES = {OPEN: "整改中", FIXED: "待复查", CLOSED: "已销号"}
PROBLEM_KINDS = ("problem", "fix", "recheck", "extend")


@dataclass
class ProblemState:
    """One problem and what followed it, in the order the entries took effect.

    What the rates, gaps and queue read is kept as plain facts (closed_on, reworked, rechecked,
    extended …) beside the entries, so that the store (store/folds.py) can keep a problem 销号 as
    those facts alone, counted with its unit's others (Settled): a closed problem takes no further
    entry (checks: problem-closed), and status and units need no more."""

    problem: models.Problem | None
    fixes: list = field(default_factory=list)
    rechecks: list = field(default_factory=list)
    extensions: list = field(default_factory=list)
    pending: models.Fix | None = None  # the fix awaiting 复查
    closed: models.Recheck | None = None  # the 复查 that passed (销号)
    deadline: dt.date | None = None  # the 整改期限 in force
    pending_deadline: dt.date | None = None  # the 期限 in force when the pending fix came
    on_time: bool = False  # for a closed problem: the fix that passed came by its 期限
    history: list = field(default_factory=list)  # every entry about it, voided ones included
    closed_on: dt.date | None = None  # the date of the 复查 that passed
    reworked: bool = False  # 返工: a 复查 found the fix wanting at least once
    rechecked: bool = False  # 复查 at least once
    extended: bool = False  # at least one approved 延期
    late_fixed: bool = False  # a fix came after the 期限 then in force, at least once (score.py remembers it)
    # of the problem entry, read without it
    key: str = ""  # the problem's id (W2023-0001)
    owner: str = ""  # its responsible unit
    task_id: str = ""
    recorded: dt.date | None = None  # the date it was recorded (交办)

    def __post_init__(self) -> None:
        p = self.problem
        if p is not None:
            if self.deadline is None:
                self.deadline = p.deadline
            self.key, self.owner, self.task_id, self.recorded = p.problem, p.unit, p.task, p.date

    @property
    def id(self) -> str:
        return self.key

    @property
    def unit(self) -> str:
        return self.owner

    @property
    def task(self) -> str:
        return self.task_id

    @property
    def label(self) -> str:
        return f"{self.id}（{self.problem.place}）"

    @property
    def status(self) -> str:
        if self.closed_on is not None:
            return CLOSED
        return FIXED if self.pending is not None else OPEN

    @property
    def failed(self) -> list:
        return [r for r in self.rechecks if not r.passed]

    @property
    def due_by(self) -> dt.date:
        """The 期限 after which a problem not 销号 is 应结案 (问题整改的统计口径): its own, or as an
        approved 延期 set it; a 返工's new 期限 does not move it (a problem 187 days overdue that
        failed its 复查 got a fortnight more and left the 应结案: its unit read 结案率 100% while
        it was still open, a fresh-eyes try)."""
        day = self.problem.deadline
        for x in self.extensions:
            if x.deadline > day:
                day = x.deadline
        return day

    @property
    def in_rework(self) -> bool:
        """Sent back by a failed 复查 and not yet reported fixed again."""
        return self.status == OPEN and bool(self.rechecks) and not self.rechecks[-1].passed

    def apply(self, e) -> None:
        self.__dict__.pop("_gap", None)  # what gap() worked out no longer holds
        self.history.append(e)
        if e.kind == "fix":
            self.fixes.append(e)
            if self.pending is None and self.closed_on is None:
                self.pending = e
                self.pending_deadline = self.deadline
                self.late_fixed = self.late_fixed or e.date > self.deadline
        elif e.kind == "recheck":
            self.rechecks.append(e)
            self.rechecked = True
            self.reworked = self.reworked or not e.passed
            if e.passed:
                self.closed = e
                self.closed_on = e.date
                fixed_on = self.pending.date if self.pending is not None else e.date
                due = self.pending_deadline or self.deadline
                self.on_time = fixed_on <= due
            elif e.deadline is not None:
                self.deadline = e.deadline
            self.pending = None
        elif e.kind == "extend":
            self.extensions.append(e)
            self.extended = True
            self.deadline = e.deadline

    def overdue_days(self, today: dt.date) -> int:
        """Days the unit is late: still 整改中 (no fix waiting for 复查) past the 期限 in force."""
        if self.status != OPEN or today <= self.deadline:
            return 0
        return (today - self.deadline).days

    def late_fix_days(self) -> int:
        """How many days after its 期限 the pending fix came (0: on time, or none pending)."""
        if self.pending is None or self.pending_deadline is None:
            return 0
        return max((self.pending.date - self.pending_deadline).days, 0)

    def wait_days(self, today: dt.date) -> int:
        """Days the pending fix has waited for the office's 复查."""
        return (today - self.pending.date).days if self.pending is not None else 0

    def is_gap(self, today: dt.date) -> bool:
        """Whether the problem is the unit's 整改不力 today: still 整改中 past its 期限, or in 返工
        (gap gives the words)."""
        if self.closed_on is not None or self.pending is not None:
            return False
        return today > self.deadline or (bool(self.rechecks) and not self.rechecks[-1].passed)

    def gap(self, today: dt.date) -> str:
        """What makes this problem the unit's 整改不力 today, or "" (see is_gap). Worked out once a
        day: status, units and reports ask it of a city's open problems several times each."""
        memo = self.__dict__.get("_gap")
        if memo is not None and memo[0] == today:
            return memo[1]
        text = self._gap_text(today)
        self.__dict__["_gap"] = (today, text)
        return text

    def _gap_text(self, today: dt.date) -> str:
        late = self.overdue_days(today)
        if late:
            again = "返工后" if self.in_rework else ""
            return f"问题{self.label}{again}逾期{late}天未整改（整改期限{cn_date(self.deadline)}）"
        if self.in_rework:
            last = self.rechecks[-1]
            return f"问题{self.label}于{cn_date(last.date)}复查未通过，返工整改中（期限{cn_date(self.deadline)}）"
        return ""

    def status_text(self, today: dt.date) -> str:
        if self.closed_on is not None:
            return f"已销号（{cn_date(self.closed_on)}" + ("，按期）" if self.on_time else "，逾期整改）")
        if self.pending is not None:
            late = self.late_fix_days()
            return "已报整改完成，待复查" + (f"（逾期{late}天完成）" if late else "")
        late = self.overdue_days(today)
        head = "返工整改中" if self.in_rework else "整改中"
        return f"{head}（逾期{late}天）" if late else head


class Settled:
    """A unit's problems 销号 as the store brings them back (store/folds.py): what status and units
    read of them, counted, instead of one object each (a year's list is tens of thousands, most
    of them 销号, and they change no more: a closed problem takes no further entry). The days they
    were recorded and 销号 are kept only from `since` on: the store's fold serves no day before
    its last entry's, and a week's counts (tally) look back six days from there."""

    __slots__ = ("total", "on_time", "reworked", "rechecked", "extended", "since", "recorded", "closed")

    def __init__(self, total: int = 0, on_time: int = 0, reworked: int = 0, rechecked: int = 0,
                 extended: int = 0, since: dt.date | None = None, recorded: list | None = None,
                 closed: list | None = None):
        self.total, self.on_time, self.reworked, self.rechecked, self.extended = \
            total, on_time, reworked, rechecked, extended
        self.since = since  # the days below are those from here on (None: every one)
        self.recorded = sorted(recorded or [])  # the days they were recorded, from since on
        self.closed = sorted(closed or [])  # the days they were 销号, from since on

    def add(self, ps: ProblemState) -> None:
        """One more problem 销号 (ps.closed_on set)."""
        self.total += 1
        self.on_time += ps.on_time
        self.reworked += ps.reworked
        self.rechecked += ps.rechecked
        self.extended += ps.extended
        if self.since is None or ps.recorded >= self.since:
            bisect.insort(self.recorded, ps.recorded)
        if self.since is None or ps.closed_on >= self.since:
            bisect.insort(self.closed, ps.closed_on)

    def between(self, days: list, first: dt.date, last: dt.date) -> int:
        """How many of days (recorded or closed) fall in first..last; first is on or after since
        (the store's fold, the only maker of a since, is used on no day that would ask before it)."""
        return bisect.bisect_right(days, last) - bisect.bisect_left(days, first)


def new_state(entry: models.Problem) -> ProblemState:
    state = ProblemState(entry)
    state.history.append(entry)
    return state


@dataclass(frozen=True)
class Rates:
    """Counts and the four rates over a set of problems (see the module docstring)."""

    total: int = 0
    open: int = 0  # 整改中
    fixed: int = 0  # 待复查
    closed: int = 0
    overdue: int = 0
    due: int = 0  # 应结案数
    on_time: int = 0  # 按期销号
    reworked: int = 0
    rechecked: int = 0
    extended: int = 0

    @staticmethod
    def _ratio(part: int, whole: int) -> float | None:
        return round(part / whole, 4) if whole else None

    @property
    def close_rate(self) -> float | None:
        return self._ratio(self.closed, self.due)

    @property
    def on_time_rate(self) -> float | None:
        return self._ratio(self.on_time, self.due)

    @property
    def rework_rate(self) -> float | None:
        return self._ratio(self.reworked, self.rechecked)

    @property
    def extension_rate(self) -> float | None:
        return self._ratio(self.extended, self.total)

    def as_json(self) -> dict:
        return {"total": self.total, "open": self.open, "fixed": self.fixed, "closed": self.closed,
                "overdue": self.overdue, "due": self.due, "on_time": self.on_time, "reworked": self.reworked,
                "extended": self.extended, "close_rate": self.close_rate, "on_time_rate": self.on_time_rate,
                "rework_rate": self.rework_rate, "extension_rate": self.extension_rate}


def rates(states, today: dt.date, settled: Settled | None = None) -> Rates:
    return tally(states, today, today, settled)[0]


def tally(states, today: dt.date, first: dt.date, settled: Settled | None = None) -> tuple[Rates, int, int]:
    """(rates(states, today), found_between(states, first, today), closed_between(states, first,
    today)) in one pass over the problems: status and units want all three of every unit.
    settled: more problems, 销号, counted as the store keeps them (Settled)."""
    total = open_ = fixed = closed = overdue = due = on_time = reworked = rechecked = extended = found = ended = 0
    if settled is not None:
        total = closed = settled.total
        on_time, reworked, rechecked, extended = settled.on_time, settled.reworked, settled.rechecked, settled.extended
        found = settled.between(settled.recorded, first, today)
        ended = settled.between(settled.closed, first, today)
    for ps in states:
        total += 1
        closed_on = ps.closed_on
        if closed_on is not None:
            closed += 1
            on_time += ps.on_time
            ended += first <= closed_on <= today
        elif ps.pending is not None:
            fixed += 1
        else:
            open_ += 1
            late = ps.overdue_days(today) > 0
            overdue += late
            due += late or today > ps.due_by  # 应结案: past its own 期限, a 返工's new one or not
        reworked += ps.reworked
        rechecked += ps.rechecked
        extended += ps.extended
        found += first <= ps.recorded <= today
    rates_ = Rates(total, open_, fixed, closed, overdue, closed + due, on_time, reworked, rechecked, extended)
    return rates_, found, ended


def percent(rate: float | None) -> str:
    """A rate as people write it: 98.5%, or — when there is nothing to divide by."""
    if rate is None:
        return "—"
    text = f"{rate * 100:.1f}".rstrip("0").rstrip(".")
    return f"{text}%"


def closed_between(states, first: dt.date, last: dt.date) -> int:
    return sum(1 for ps in states if ps.closed_on is not None and first <= ps.closed_on <= last)


def found_between(states, first: dt.date, last: dt.date) -> int:
    return sum(1 for ps in states if first <= ps.recorded <= last)


def problem_id(prefix: str, year: int, number: int) -> str:
    """W2023-0001: the group's prefix, the year, a number padded to four digits (more when needed)."""
    return f"{prefix}{year}-{number:04d}"


MAX_NUMBER = 999_999_999  # a problem's number (models.Problem), nine digits in its id at most


def free_numbers(journal: list, year: int, voided: dict, count: int = 1) -> list[int]:
    """The next count numbers of the year's problems. Numbers are never reused: a voided problem
    keeps its number; but numbering goes on after those in force, so that a number written wrong
    by hand (W2023-999999999, which cc validate accepts) is voided and the year numbers on
    (a hostile-input try found every later problem refused, the message naming no record).
    Refusal when the year has no more numbers."""
    numbers = [e for e in journal if e.kind == "problem" and e.year == year]
    used = {e.number for e in numbers}
    n = max((e.number for e in numbers if e.id not in voided), default=0)
    out: list[int] = []
    while len(out) < count:
        n += 1
        if n > MAX_NUMBER:
            from ..diagnostics import Refusal

            top = max(numbers, key=lambda e: e.number)
            raise Refusal(f"{year}年的问题编号已用到 {top.problem}（{cn_date(top.date)}登记），没有可用的编号，未登记",
                          f"这样大的编号多半是手工写错的：请核对后用 cc void {top.problem} --reason … 作废它，"
                          "作废后编号接着其余的问题往下排（作废的编号不会再用）。")
        if n not in used:
            out.append(n)
    return out


def next_number(journal: list, year: int, voided: dict | None = None) -> int:
    """The next number of the year's problems (see free_numbers)."""
    return free_numbers(journal, year, voided or {}, 1)[0]
