"""Pure domain logic: 序时进度, lights and their reasons, notice counts and escalation, as of a day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from . import models
from .views import cn_date

DONE, RED, YELLOW, GREEN = "done", "red", "yellow", "green"
LIGHTS = (RED, YELLOW, GREEN, DONE)
LIGHT_NAMES = {DONE: "已完成", RED: "红灯", YELLOW: "黄灯", GREEN: "绿灯"}
LEVELS = ("蓝", "黄", "红")


def expected_percent(task: models.Task, start: dt.date, today: dt.date) -> int:
    """序时进度: linear from the campaign start to the deadline, through any milestones."""
    points = [(start, 0)] + [(m.date, m.percent) for m in task.milestones] + [(task.deadline, 100)]
    if today <= start:
        return 0
    if today >= task.deadline:
        return 100
    for (d0, p0), (d1, p1) in zip(points, points[1:]):
        if d0 <= today <= d1:
            span = (d1 - d0).days
            if span <= 0:
                return p1
            return round(p0 + (p1 - p0) * (today - d0).days / span)
    return 100


def notice_level(seq: int) -> str:
    """1st notice 蓝, 2nd 黄, 3rd and later 红."""
    return LEVELS[min(seq, 3) - 1]


@dataclass
class NoticeState:
    notice: models.Notice
    replies: list[models.Reply] = field(default_factory=list)
    closed: models.Close | None = None
    escalated: bool = False

    @property
    def is_open(self) -> bool:
        return self.closed is None

    def overdue_days(self, today: dt.date) -> int:
        return (today - self.notice.deadline).days if self.is_open and today > self.notice.deadline else 0

    def status(self, today: dt.date) -> str:
        if self.closed:
            return "已销号"
        if self.replies:
            return "已反馈，待审核"
        if today > self.notice.deadline:
            return f"超期未反馈（{(today - self.notice.deadline).days}天）"
        return "整改中"


@dataclass
class TaskState:
    task: models.Task
    percent: int = 0
    expected: int = 0
    last_report: dt.date | None = None
    reports: int = 0
    reported_complete: bool = False  # 办结报告 received, awaiting 验收
    verified_on: dt.date | None = None
    reopened: bool = False
    problem: str = ""  # last 自查问题
    assignments: dict[str, models.Assign] = field(default_factory=dict)
    light: str = GREEN
    reasons: list[str] = field(default_factory=list)
    history: list = field(default_factory=list)
    late_notices: list = field(default_factory=list)  # open notices past their deadline, any unit

    @property
    def done(self) -> bool:
        return self.verified_on is not None


@dataclass
class UnitState:
    unit: models.Unit
    led: list[str] = field(default_factory=list)
    co: list[str] = field(default_factory=list)
    done: int = 0
    lagging: int = 0
    notices: list[NoticeState] = field(default_factory=list)
    escalations: list[models.Escalate] = field(default_factory=list)

    @property
    def notice_count(self) -> int:
        return len(self.notices)

    @property
    def open_notices(self) -> int:
        return sum(n.is_open for n in self.notices)

    @property
    def escalated(self) -> bool:
        return bool(self.escalations)


@dataclass
class Snapshot:
    """The state of the whole group on one day."""

    project: models.Project
    today: dt.date
    tasks: list[TaskState]
    units: dict[str, UnitState]
    notices: dict[str, NoticeState]  # by ref "2023-5", in issue order
    entries: list  # the entries counted (date <= today), in date order

    @property
    def days_left(self) -> int:
        return max((self.project.plan.campaign.end - self.today).days, 0)

    def counts(self) -> dict[str, int]:
        counts = {light: 0 for light in LIGHTS}
        for t in self.tasks:
            counts[t.light] += 1
        return counts

    def task(self, task_id: str) -> TaskState | None:
        return next((t for t in self.tasks if t.task.id == task_id), None)


def journal_order(journal: list) -> list[int]:
    """Indices of the entries by date, then recording time, then file order (union merges put
    branches' lines side by side, so file order alone says little)."""
    # sorted() is stable, so equal (date, at) keep file order; the keys are built once, not per
    # comparison, and a journal already in order (the usual append-only case) costs one pass.
    try:
        keys = [(e.date, e.at) for e in journal]
        return sorted(range(len(journal)), key=keys.__getitem__)
    except TypeError:  # a hand-written entry without a time zone beside ones with it
        def moment(e):
            at = e.at if e.at.tzinfo else e.at.replace(tzinfo=dt.timezone.utc)
            return at.timestamp()

        keys = [(e.date, moment(e)) for e in journal]
        return sorted(range(len(journal)), key=keys.__getitem__)


def ordered_entries(journal: list, today: dt.date, order: list[int] | None = None) -> list:
    """Entries dated on or before today, in journal_order (pass order when already known)."""
    if order is None:
        order = journal_order(journal)
    return [journal[k] for k in order if journal[k].date <= today]


def snapshot(project: models.Project, today: dt.date) -> Snapshot:
    plan = project.plan
    policy = plan.policy
    start = plan.campaign.start
    states = {t.id: TaskState(t) for t in plan.tasks}
    units = {u.id: UnitState(u) for u in project.units}
    for t in plan.tasks:
        units[t.lead].led.append(t.id)
        for co in t.co_units:
            units[co].co.append(t.id)
    notices: dict[str, NoticeState] = {}
    entries = ordered_entries(project.journal, today, project.order)

    for e in entries:
        kind = e.kind
        if kind in ("assign", "progress", "verify", "reopen"):
            st = states[e.task]
            st.history.append(e)
            if kind == "assign":
                st.assignments[e.unit] = e
            elif kind == "progress":
                st.percent = e.percent
                st.last_report = e.date
                st.reports += 1
                st.reported_complete = e.percent == 100
                st.problem = e.problem
                if e.percent < 100:
                    st.verified_on = None
            elif kind == "verify":
                st.verified_on = e.date
                st.reopened = False
            elif kind == "reopen":
                st.verified_on = None
                st.reported_complete = False
                st.reopened = True
        elif kind == "notice":
            ns = NoticeState(e)
            notices[e.ref] = ns
            units[e.unit].notices.append(ns)
            for t in e.tasks:
                states[t].history.append(e)
        elif kind == "reply":
            ns = notices[e.notice]
            ns.replies.append(e)
            for t in ns.notice.tasks:
                states[t].history.append(e)
        elif kind == "close":
            ns = notices[e.notice]
            ns.closed = e
            for t in ns.notice.tasks:
                states[t].history.append(e)
        elif kind == "escalate":
            units[e.unit].escalations.append(e)
            for ref in e.notices:
                if ref in notices:
                    notices[ref].escalated = True

    for st in states.values():
        task = st.task
        st.expected = expected_percent(task, start, today)
        st.light, st.reasons = _light(st, units, today, start, policy)
    for us in units.values():
        for tid in us.led + us.co:
            if states[tid].done:
                us.done += 1
            elif states[tid].light in (RED, YELLOW):
                us.lagging += 1
    ordered = [states[t.id] for t in plan.tasks]
    return Snapshot(project, today, ordered, units, notices, entries)


def late_notices_reason(late: list[NoticeState], today: dt.date) -> str:
    if len(late) == 1:
        return f"督办通知{late[0].notice.doc_no}整改超期{late[0].overdue_days(today)}天未销号"
    return f"{len(late)}份督办通知整改超期未销号（最早超期{max(ns.overdue_days(today) for ns in late)}天）"


def _light(st: TaskState, units: dict[str, UnitState], today: dt.date, start: dt.date,
           policy: models.Policy) -> tuple[str, list[str]]:
    task = st.task
    if st.done:
        return DONE, [f"已于{cn_date(st.verified_on)}验收销号"]
    red: list[str] = []
    yellow: list[str] = []
    if today > task.deadline:
        red.append(f"已逾期{(today - task.deadline).days}天（时限{cn_date(task.deadline)}）")
    st.late_notices = [ns for unit_id in task.units for ns in units[unit_id].notices
                       if (not ns.notice.tasks or task.id in ns.notice.tasks) and ns.overdue_days(today)]
    if st.late_notices:
        red.append(late_notices_reason(st.late_notices, today))
    if st.reported_complete:
        info = ["已报办结，待验收"]
    else:
        info = []
        gap = st.expected - st.percent
        if gap > policy.lag_threshold:
            yellow.append(f"进度{st.percent}%，低于序时进度{st.expected}%")
        if today > start:
            since = st.last_report or start
            idle = (today - since).days
            if idle > policy.report_interval_days:
                yellow.append(f"已{idle}天未报送进度" if st.last_report else f"尚未报送进度（已{idle}天）")
    if st.reopened and not st.reported_complete:
        yellow.append("已退回重办，尚未重新报送办结")
    if red:
        return RED, red + yellow + info
    if yellow:
        return YELLOW, yellow + info
    return GREEN, info or ["进度正常"]
