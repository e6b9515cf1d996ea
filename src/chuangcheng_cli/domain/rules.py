"""Pure domain logic: 序时进度, lights and their reasons, notice counts and escalation, as of a day."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import operator
from dataclasses import dataclass, field

from . import models, problemlist
from .views import cn_date

DONE, RED, YELLOW, GREEN = "done", "red", "yellow", "green"
REVIEW, ACCEPT = "review", "accept"  # waiting for the lead unit: a reply to review, a task to verify
RECHECK = "recheck"  # waiting for the lead unit: a problem reported fixed, to re-inspect (复查)
QUEUE_NAMES = {REVIEW: "待审核", ACCEPT: "待验收", RECHECK: "待复查"}
LIGHTS = (RED, YELLOW, REVIEW, ACCEPT, GREEN, DONE)
LIGHT_NAMES = {DONE: "已完成", RED: "红灯", YELLOW: "黄灯", GREEN: "绿灯", REVIEW: "待审核", ACCEPT: "待验收"}
LEVELS = ("蓝", "黄", "红")
# Entries not about one task, so every check and slice sees all of them: the notices' and the
# problem list's (a problem names a task only sometimes; its fix, recheck, extend never do).
NOTICE_FAMILY = ("notice", "reply", "reject", "close", "escalate", "void", *problemlist.PROBLEM_KINDS)


@functools.lru_cache(maxsize=4096)
def falls_due(day: dt.date) -> dt.date:
    """The day a 完成时限 written as day falls due: day, or the next working day when day is a rest
    day by the official calendar, as every 整改期限 and 重办期限 is moved (deadlines.py; 民法典第二百
    零三条: a period whose last day is a 法定休假日 ends on the day after it). A fairness review found
    a task due on 2023年9月30日, in the 国庆 holiday, counted late on each day of it."""
    from .deadlines import rectification_deadline

    return rectification_deadline(day, on=day).day


def expected_percent(task: models.Task, start: dt.date, today: dt.date) -> int:
    """序时进度: linear from the campaign start to the deadline, through any milestones. The plan's
    pace, as an office computes it from the dates it wrote: a 完成时限 on a rest day is not moved
    here (falls_due moves only when the task is late, not how far along it should be)."""
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


def notice_rank(snap: "Snapshot", ns: "NoticeState") -> tuple[int, str]:
    """(place, level) of a notice among its unit's notices that count, as the 督办 count, the
    escalation and cc score take it: after an earlier notice is voided, a later one sent as the
    2nd (黄) is the 1st (蓝). The sent seq and level when the unit's list does not hold it. Of a
    snapshot from a full read (the store's fold keeps a unit's open notices alone: UnitState.notices)."""
    us = snap.units.get(ns.notice.unit)
    rank = next((k for k, n in enumerate(us.notices, 1) if n is ns), None) if us is not None else None
    if rank is None:
        return ns.notice.seq, ns.notice.level
    return rank, notice_level(rank)


def rank_note(snap: "Snapshot", ns: "NoticeState", rank: int) -> str:
    """What a table of notices says beside a notice's place (notice_rank's) when an earlier
    notice's void moved it, or an earlier one counts that did not when it was sent (one sent on
    another branch and merged, or one void then and restored since): the place and level it was
    sent with; "" when they stand. Of a snapshot from a full read, as notice_rank."""
    if rank <= ns.notice.seq:
        return seq_note(ns.notice, rank)
    us = snap.units.get(ns.notice.unit)
    earlier = [n.notice for n in us.notices[:rank - 1]] if us is not None else []
    return seq_note(ns.notice, rank, restored_before(snap.project, ns.notice, earlier))


def restored_before(project: models.Project, notice: models.Notice, earlier: list) -> int:
    """How many of earlier (notices that count now, placed before notice) were void when notice
    was recorded: a void in force then (among the voids that took effect before it) that a void
    of it has undone since. A notice not in the journal (being written) comes after every void."""
    voids, places = project.void_steps
    if not voids or not earlier:
        return 0
    place = places.get(notice.id)
    then = active_voids([v for p, v in voids if place is None or p < place])
    return sum(e.id in then for e in earlier)


def seq_note(notice: models.Notice, rank: int, restored: int = 0) -> str:
    """rank_note of a notice entry (a report to 市领导 says it of each notice it lists); restored:
    how many of the notices counted before it were void when it was sent (restored_before)."""
    if rank == notice.seq:
        return ""
    sent = f"发文时为第{notice.seq}次、{notice.level}色，"
    if rank < notice.seq:
        return sent + "此前的通知作废后重计"
    if restored >= rank - notice.seq:  # nothing merged: a void undone since (a void of the void)
        return sent + "此前作废的通知恢复有效后重计"
    if restored:
        return sent + "此前作废的通知恢复有效、并与发文时不知道的另一份通知合计重计"
    # sent without knowing of an earlier one (two branches merged: notice-seq-behind)
    return sent + "与发文时不知道的另一份通知合计重计"


@dataclass
class NoticeState:
    """A notice and what followed it. A reply hands the notice to the lead unit for review and
    stops the unit's clock; a reject (退回整改) sets a new 整改期限 and restarts it; a close ends it."""

    notice: models.Notice
    replies: list[models.Reply] = field(default_factory=list)
    rejects: list[models.Reject] = field(default_factory=list)
    closed: models.Close | None = None
    escalated: bool = False
    pending: models.Reply | None = None  # the reply awaiting review (none after a reject)
    rounds: list = field(default_factory=list)  # (deadline, reply or None, reject or None), in order

    @property
    def is_open(self) -> bool:
        return self.closed is None

    @property
    def deadline(self) -> dt.date:
        """The 整改期限 in force: the last reject's, else the notice's."""
        return self.rejects[-1].deadline if self.rejects else self.notice.deadline

    def add_reply(self, reply: models.Reply) -> None:
        self.replies.append(reply)
        if self.pending is None:
            self.pending = reply
            self.rounds.append((self.deadline, reply, None))

    def add_reject(self, reject: models.Reject) -> None:
        if self.rounds and self.rounds[-1][1] is self.pending and self.pending is not None:
            deadline, reply, _ = self.rounds.pop()
            self.rounds.append((deadline, reply, reject))
        self.rejects.append(reject)
        self.pending = None

    def late_reply_days(self, reply: models.Reply | None = None) -> int:
        """How many days after the 整改期限 then in force the (pending) reply came; 0 on time."""
        for deadline, r, _ in self.rounds:
            if r is (reply or self.pending) and r is not None:
                return max((r.date - deadline).days, 0)
        return 0

    def awaiting_review(self) -> bool:
        return self.is_open and self.pending is not None

    def overdue_days(self, today: dt.date) -> int:
        """Days the unit is late: open, not answered since the last reject, past the 整改期限."""
        if not self.is_open or self.pending is not None or today <= self.deadline:
            return 0
        return (today - self.deadline).days

    def review_days(self, today: dt.date) -> int:
        """Days the pending reply has waited for the lead unit's review."""
        return (today - self.pending.date).days if self.awaiting_review() else 0

    def blocks_new_notice(self, today: dt.date) -> bool:
        """A new notice to the unit would be unfair: its 整改期限 has not come, or it answered."""
        return self.is_open and (self.pending is not None or today <= self.deadline)

    def status(self, today: dt.date) -> str:
        if self.closed:
            return "已销号"
        if self.pending is not None:
            late = self.late_reply_days()
            return "已反馈，待审核" + (f"（逾期{late}天反馈）" if late else "")
        again = "退回整改后" if self.rejects else ""
        if today > self.deadline:
            return f"{again}超期未反馈（{(today - self.deadline).days}天）"
        return "退回整改中" if self.rejects else "整改中"


@dataclass
class TaskState:
    task: models.Task
    percent: int = 0
    expected: int = 0
    last_report: dt.date | None = None
    reports: int = 0
    reported_complete: bool = False  # 办结报告 received, awaiting 验收
    completed_on: dt.date | None = None  # date of that 办结报告
    verified_on: dt.date | None = None
    reopened: bool = False
    problem: str = ""  # last 自查问题
    assignments: dict[str, models.Assign] = field(default_factory=dict)
    light: str = GREEN
    reasons: list[str] = field(default_factory=list)
    history: list = field(default_factory=list)
    late_notices: list = field(default_factory=list)  # open notices past their deadline, any unit
    review_notices: list = field(default_factory=list)  # answered notices awaiting review
    lead_gaps: list[str] = field(default_factory=list)  # the gaps the lead unit answers for
    problem_gaps: list = field(default_factory=list)  # ProblemStates overdue or in 返工 on this task
    # what the checks of a later entry of the task need of its past (store/folds.py): the last
    # progress report that counts, and a reopen that counts after it
    last_progress: models.Progress | None = None
    last_reopen: models.Reopen | None = None
    # the deadline in force after a 退回重办 of a 办结报告 that came in time: the later of the task's
    # own and the reopen's 重办期限 (None: the task's own deadline; see rework_deadline)
    due: dt.date | None = None

    @property
    def deadline(self) -> dt.date:
        """The day after which the task is late: its 完成时限 (the next working day when that is a
        rest day: falls_due), or a later 重办期限 of a reopen."""
        return self.due or falls_due(self.task.deadline)

    @property
    def reworking(self) -> bool:
        """Sent back (退回重办) and given a 重办期限 later than the task's own deadline."""
        return self.due is not None and self.due != falls_due(self.task.deadline)

    @property
    def moved(self) -> bool:
        """Whether the task's 完成时限 is a rest day and it falls due on a later working day."""
        return not self.reworking and self.deadline != self.task.deadline

    @property
    def done(self) -> bool:
        return self.verified_on is not None

    def saved(self) -> TaskState:
        """A copy of what the entries made of this state (FOLDED), nothing judged as of a day."""
        copy = TaskState(self.task)
        for name in FOLDED:
            setattr(copy, name, getattr(self, name))
        copy.assignments = dict(self.assignments)
        return copy

    def accept_days(self, today: dt.date) -> int:
        """Days a 办结报告 has waited for 验收 (0 when none waits)."""
        if self.done or not self.reported_complete or self.completed_on is None:
            return 0
        return (today - self.completed_on).days


# What a task's entries make of its TaskState (_task_entry); the rest is judged as of a day (finish)
# or is its history. A fold's mark (Fold.marks) and the store's fold (store/folds.py) keep these.
FOLDED = ("percent", "last_report", "reports", "reported_complete", "completed_on", "verified_on", "reopened",
          "problem", "assignments", "last_progress", "last_reopen", "due")
# A fold keeps, for each task with entries dated within this many days before the journal's last
# entry date (from its cut), the task's state before them and those entries (its mark): an entry
# a pull or a merge brings that goes before some of them is then folded from the mark, not from
# every entry of the task (a city's task has hundreds).
MARK_DAYS = 14


@dataclass
class UnitState:
    unit: models.Unit
    led: list[str] = field(default_factory=list)
    co: list[str] = field(default_factory=list)
    done: int = 0
    lagging: int = 0
    # not voided, in issue order; from the store's fold (store/folds.py), the open ones alone:
    # those 销号 are counted in notices_closed (nothing after a 销号 changes what status and units
    # show of a notice, short of a void, which the store reads in full), so a unit's notice's rank
    # (notice_rank) wants a full read
    notices: list[NoticeState] = field(default_factory=list)
    notices_closed: int = 0  # more of its notices, 销号, as the store counts them
    escalations: list[models.Escalate] = field(default_factory=list)  # not voided
    problems: list = field(default_factory=list)  # its ProblemStates, not voided, in order
    settled: problemlist.Settled | None = None  # more of its problems, 销号, as the store counts them
    problem_gaps: list = field(default_factory=list)  # overdue or in 返工, not on an open task
    problem_light: str = GREEN  # from problem_gaps (policy.problem_red): the unit's own row
    notice_gaps: list = field(default_factory=list)  # its open notices past their deadline shown on no open task

    @property
    def own_light(self) -> str:
        """The light of the unit's own row (what no open task shows): red for a late notice, as
        on a task; else as its problems say."""
        return RED if self.notice_gaps else self.problem_light

    def own_gaps(self, today: dt.date) -> list[str]:
        """The reasons of the unit's own row: late notices first, as on a task."""
        head = [late_notices_reason(self.notice_gaps, today)] if self.notice_gaps else []
        return head + [ps.gap(today) for ps in self.problem_gaps]

    def problem_rates(self, today: dt.date) -> problemlist.Rates:
        return problemlist.rates(self.problems, today, self.settled)

    @property
    def notice_count(self) -> int:
        """What counts toward escalation: every notice to the unit that was not voided."""
        return len(self.notices) + self.notices_closed

    @property
    def open_notices(self) -> int:
        return sum(n.is_open for n in self.notices)

    @property
    def pending_review(self) -> int:
        return sum(n.awaiting_review() for n in self.notices)

    @property
    def escalated(self) -> bool:
        return bool(self.escalations)


@dataclass(frozen=True)
class QueueItem:
    """Something waiting for the lead unit: a reply to review or a task to verify."""

    kind: str  # REVIEW, ACCEPT or RECHECK
    unit: str  # the unit that is waiting
    subject: str  # the notice's 文号, the task id or the problem id
    ref: str  # what to type: the notice ref, the task id or the problem id
    since: dt.date
    days: int  # waited so far
    overdue: int  # days past policy.review_days (0 while within them)
    late: int = 0  # for a reply or a fix: days it came after its 整改期限


@dataclass
class Snapshot:
    """The state of the whole group on one day."""

    project: models.Project
    today: dt.date
    tasks: list[TaskState]
    units: dict[str, UnitState]
    notices: dict[str, NoticeState]  # by ref "2023-5", in issue order; voided ones left out
    entries: list  # the entries dated up to today, in date order (voided ones included)
    voided: dict = field(default_factory=dict)  # entry id → the Void entry that voided it
    queue: list = field(default_factory=list)  # of QueueItem, the lead unit's pending work
    problems: dict = field(default_factory=dict)  # problem id → ProblemState, not voided, in order
    fold: object = None  # the Fold it was finished from
    memo: dict = field(default_factory=dict, repr=False, compare=False)  # what reports work out once per snapshot
    # what the read of the data left out (journal lines with errors: store/checks.report_note), ""
    # when nothing; every report made from the snapshot says it, as the terminal was told
    left_out: str = ""

    @property
    def counted(self) -> list:
        """The entries that count: neither voided nor a void themselves."""
        if not self.voided and not any(e.kind == "void" for e in self.entries):
            return self.entries
        return [e for e in self.entries if e.kind != "void" and e.id not in self.voided]

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
    # A time is compared first as seconds since the epoch: comparing aware datetimes asks each for
    # its offset, twice as slow for a city. A float tells microseconds apart until the year 2242;
    # times it cannot tell apart are compared as datetimes (the third item), so the order is exact.
    # A hand-written time without a zone is read as UTC, beside zoned ones or alone.
    # Most journals are in order already: when the dates never go back and neither do the times
    # (two aware times compare as instants, as the keys below do), every entry's key is at least
    # the one before it, so the order is the file's. A quarter of the cost of building the keys.
    n = len(journal)
    dates = [e.date for e in journal]
    if all(map(operator.le, dates, itertools.islice(dates, 1, None))):
        times = [e.at for e in journal]
        if all(t.tzinfo is not None for t in times):
            rising = list(map(operator.le, times, itertools.islice(times, 1, None)))
            if all(rising):
                return list(range(n))
            # The dates never go back, so an entry moves only among those of its own date: only
            # the days whose times go back are sorted (a year's problem list imported with its
            # times as recorded put one time back among 158,000 entries, and keys for all of them
            # took a quarter of a second)
            order, k = list(range(n)), -1
            while True:
                try:
                    k = rising.index(False, k + 1)
                except ValueError:
                    return order
                if dates[k] == dates[k + 1]:
                    start = bisect.bisect_left(dates, dates[k], 0, k)
                    end = bisect.bisect_right(dates, dates[k], k + 1)
                    order[start:end] = sorted(range(start, end), key=lambda j: _order_key(journal[j]))
                    k = end - 2  # the day is in order now: on from its last entry
    return sorted(range(n), key=list(map(_order_key, journal)).__getitem__)


def _order_key(e) -> tuple:
    """An entry's key in journal_order: its date, its recording time as seconds since the epoch
    (a time without zone read as UTC) and that time itself (see there)."""
    at = e.at if e.at.tzinfo is not None else e.at.replace(tzinfo=dt.timezone.utc)
    return e.date, at.timestamp(), at


def ordered_entries(journal: list, today: dt.date, order: list[int] | None = None) -> list:
    """Entries dated on or before today, in journal_order (pass order when already known)."""
    if order is None:
        order = journal_order(journal)
    return [journal[k] for k in order if journal[k].date <= today]


def voids_in_force(project: models.Project, entries: list) -> dict:
    """entry id → the Void that voids it, by every void in the journal, whatever its date: a void
    corrects a mistake, so a view as of an earlier day counts the record as corrected (a fairness
    review found a notice voided today still counting toward a unit's third 督办 with --as-of its
    month, and its voided 报告市领导 regenerated by cc reprint). entries: the journal's entries up
    to the view's day, in journal_order (all of them when none is later)."""
    journal = project.journal
    if len(entries) == len(journal):
        return active_voids(entries) if any(e.kind == "void" for e in entries) else {}
    voids = [journal[k] for k in project.order if journal[k].kind == "void"]
    return active_voids(voids) if voids else {}


def active_voids(entries: list) -> dict:
    """entry id → the Void that voids it, over entries in the order they took effect. A void is in
    force unless a void in force voids it, at any depth: a void of a void makes its target count
    again, and a void of that one voids the target once more (a hostile-input try found the third
    level ignored: the history said voided, the counts did not). Of two voids in force over one
    entry, the first is the one named."""
    voids = [e for e in entries if e.kind == "void"]
    if not voids:
        return {}
    against: dict = {}  # void id → the voids that void it (later ones: a void names what exists)
    for v in voids:
        against.setdefault(v.entry, []).append(v)
    in_force: dict = {}
    for v in reversed(voids):  # the voids against v come after it: settled before it
        in_force[v.id] = not any(in_force.get(w.id, False) for w in against.get(v.id, ()))
    voided: dict = {}
    for v in voids:
        if in_force[v.id]:
            voided.setdefault(v.entry, v)
    return voided


def moment(e) -> tuple:
    """An entry's place in journal_order as comparable integers: (date ordinal, microseconds since
    1970 of its recording time, a time without zone read as UTC, as journal_order reads it)."""
    at = e.at
    since = at - (_EPOCH if at.tzinfo is not None else _NAIVE_EPOCH)
    return e.date.toordinal(), (since.days * 86400 + since.seconds) * 1_000_000 + since.microseconds


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
_NAIVE_EPOCH = dt.datetime(1970, 1, 1)


class Fold:
    """What the entries say, before any day's judgement: the snapshot's state machine. Entries are
    applied in journal_order; finish() then judges the result as of a day. Kept apart so that a
    store (store/fold.py) can keep a fold of a whole journal and apply only the lines a pull adds.

    Which state an entry changes: a task's entries (assign, progress, verify, reopen) only that
    task's TaskState; the rest (notices, replies …, escalations, the problem list's) the notices,
    problems and units. So a fold stays exact when an entry is applied after every entry of the
    same kind of state that precedes it in journal_order (see `last_task`, `last_family`)."""

    def __init__(self, plan: models.Plan, units: list, voided: dict | None = None):
        self.states = {t.id: TaskState(t) for t in plan.tasks}
        self.policy = plan.policy
        self.units = {u.id: UnitState(u) for u in units}
        for t in plan.tasks:
            self.units[t.lead].led.append(t.id)
            for co in t.co_units:
                self.units[co].co.append(t.id)
        self.notices: dict[str, NoticeState] = {}
        self.problems: dict[str, problemlist.ProblemState] = {}
        self.voided = voided or {}
        # task id → its latest entry applied, and the latest other entry: kept as the entries
        # while applying (moment() of 100,000 entries costs a tenth of a second), as their
        # moment() once read (last_task, last_family)
        self._last_task: dict[str, object] = {}
        self._last_family: object = (0, 0)
        self._unsettled = False
        self.last_date: dt.date | None = None  # the latest entry date applied
        self.count = 0  # entries applied
        # From the cut on (a day; None: no marks), task id → its mark: (its state before its first
        # entry dated on or after the cut, its entries dated on or after the cut in journal_order,
        # voided ones too). A task without a mark has no entry since the cut: its state is its mark.
        # A store may keep a mark's parts unread (see store/folds.py) until refold_from_mark.
        self.cut: dt.date | None = None
        self.marks: dict[str, tuple] = {}

    def _settle(self) -> None:
        last = self._last_task
        for tid, value in last.items():
            if type(value) is not tuple:
                last[tid] = moment(value)
        if type(self._last_family) is not tuple:
            self._last_family = moment(self._last_family)
        self._unsettled = False

    @property
    def last_task(self) -> dict[str, tuple]:
        """task id → moment() of its latest entry applied."""
        if self._unsettled:
            self._settle()
        return self._last_task

    @property
    def last_family(self) -> tuple:
        """moment() of the latest entry applied that is not a task's own."""
        if self._unsettled:
            self._settle()
        return self._last_family

    @last_family.setter
    def last_family(self, value: tuple) -> None:
        if self._unsettled:
            self._settle()
        self._last_family = value

    def apply(self, e) -> None:
        self.apply_all((e,))

    def apply_all(self, entries) -> None:
        """Each of entries applied in turn (in journal_order): one loop with the fold's parts held
        in locals, as a city's cold read applies some hundred thousand entries."""
        states, notices, problems, units = self.states, self.notices, self.problems, self.units
        voided, marks, cut, policy, last_task = self.voided, self.marks, self.cut, self.policy, self._last_task
        task_kinds, problem_kinds = TASK_KINDS, problemlist.PROBLEM_KINDS
        last_date, last_family, n = self.last_date, self._last_family, 0
        try:
            for e in entries:
                n += 1
                kind = e.kind
                if last_date is None or e.date > last_date:
                    last_date = e.date
                if kind in task_kinds:
                    last_task[e.task] = e
                    if cut is not None and e.date >= cut and e.task in states:  # (a voided entry may name none)
                        mark = marks.get(e.task)
                        if mark is None:
                            marks[e.task] = (states[e.task].saved(), [e])
                        else:
                            mark[1].append(e)
                else:
                    last_family = e
                if kind == "void":
                    continue
                if e.id in voided:  # shown in the task's (and the problem's) history, counted nowhere
                    for t in _entry_tasks(e, notices, problems):
                        if t in states:
                            states[t].history.append(e)
                    # a voided 交办 of the same id is another problem (a duplicate from a merge), not this one's
                    if kind in problem_kinds and kind != "problem" and e.problem in problems:
                        problems[e.problem].history.append(e)
                    continue
                if kind in task_kinds:
                    _task_entry(states[e.task], e, policy)
                elif kind == "notice":
                    ns = NoticeState(e)
                    notices[e.ref] = ns
                    units[e.unit].notices.append(ns)
                    for t in e.tasks:
                        states[t].history.append(e)
                elif kind in ("reply", "reject", "close"):
                    ns = notices.get(e.notice)
                    # about a voided notice: it counts nowhere either; or (a fold from the store)
                    # one 销号, whose open, pending and overdue it no longer changes
                    if ns is None:
                        continue
                    if kind == "reply":
                        ns.add_reply(e)
                    elif kind == "reject":
                        ns.add_reject(e)
                    else:
                        ns.closed = e
                        ns.pending = None
                    for t in ns.notice.tasks:
                        states[t].history.append(e)
                elif kind == "escalate":
                    units[e.unit].escalations.append(e)
                    for ref in e.notices:
                        if ref in notices:
                            notices[ref].escalated = True
                elif kind == "problem":
                    if e.problem in problems:  # a duplicated id (validate reports it): the first counts
                        continue
                    ps = problems[e.problem] = problemlist.new_state(e)
                    units[e.unit].problems.append(ps)
                    if e.task in states:
                        states[e.task].history.append(e)
                elif kind in problem_kinds:  # fix, recheck, extend
                    ps = problems.get(e.problem)
                    if ps is None:  # about a voided problem: it counts nowhere either
                        continue
                    ps.apply(e)
                    if ps.task in states:
                        states[ps.task].history.append(e)
        finally:  # what was applied is counted, as entry by entry
            self.count += n
            self.last_date, self._last_family = last_date, last_family
            if n:
                self._unsettled = True

    def refold_task(self, task_id: str, entries: list) -> None:
        """The task's state anew from all its entries (in file order; applied in journal_order):
        for an entry that came before some of the task's own (a merge's earlier line)."""
        ordered = [entries[k] for k in journal_order(entries)]
        self._replay(task_id, TaskState(self.states[task_id].task), ordered)

    def can_refold_from_mark(self, task_id: str, entries: list) -> bool:
        """Whether refold_from_mark may take these new entries of the task: all are dated on or
        after the cut, and the task has a mark (else all its entries are older: they come first)."""
        return self.cut is not None and task_id in self.marks and all(e.date >= self.cut for e in entries)

    def refold_from_mark(self, task_id: str, entries: list) -> None:
        """What refold_task gives for the task's entries with these added (they come after all of
        them in the file), from its mark: its state before the cut and its entries since, which
        journal_order puts after every older entry of the task. The mark's parts must be read
        (see marks); see can_refold_from_mark."""
        before, since = self.marks[task_id]
        both = [*since, *entries]
        self._replay(task_id, before.saved(), [both[k] for k in journal_order(both)], before)

    def _replay(self, task_id: str, st: TaskState, ordered: list, before: TaskState | None = None) -> None:
        """st after ordered (the task's entries, in journal_order, from st on); its mark kept anew
        (before: the state at the cut, when st starts there)."""
        since = []
        for e in ordered:
            if self.cut is not None and e.date >= self.cut:
                if before is None:
                    before = st.saved()
                since.append(e)
            if e.id not in self.voided:
                _task_entry(st, e, self.policy)
            else:
                st.history.append(e)
        self.states[task_id] = st
        if since:
            self.marks[task_id] = (before, since)
        else:
            self.marks.pop(task_id, None)
        if ordered:
            self.last_task[task_id] = max(map(moment, ordered))

    def move_cut(self, cut: dt.date) -> None:
        """Marks from a later cut, each from its own: the entries now before the cut applied to the
        state it keeps. The marks' parts must be read."""
        if self.cut is None or cut <= self.cut:
            return
        for task_id, (before, since) in list(self.marks.items()):
            older = [e for e in since if e.date < cut]
            if not older:
                continue
            st = before.saved()
            for e in older:
                if e.id not in self.voided:
                    _task_entry(st, e, self.policy)
            later = since[len(older):]
            if later:
                self.marks[task_id] = (st, later)
            else:
                del self.marks[task_id]
        self.cut = cut

    def takes_in_order(self, e) -> bool:
        """Whether applying e now gives what a fold of the whole journal in journal_order would:
        e comes, in that order, after every applied entry whose state it changes (an equal
        moment is fine: e is later in the file). A void changes what came before it: never."""
        if e.kind == "void":
            return False
        when = moment(e)
        # the one latest moment needed, not last_task's settling of every task's (a read applying
        # a pull's 200 entries to a city's 1,000 tasks would settle them all 200 times)
        last = self._last_task.get(e.task, (0, 0)) if e.kind in TASK_KINDS else self._last_family
        return when >= (last if type(last) is tuple else moment(last))


TASK_KINDS = ("assign", "progress", "verify", "reopen")


def _task_entry(st: TaskState, e, policy: models.Policy) -> None:
    """A task's entry applied to its state (it counts: not voided)."""
    kind = e.kind
    st.history.append(e)
    if kind == "assign":
        st.assignments[e.unit] = e
    elif kind == "progress":
        st.last_progress, st.last_reopen = e, None
        st.percent = e.percent
        st.last_report = e.date
        st.reports += 1
        if e.percent == 100 and not st.reported_complete:
            st.completed_on = e.date
        st.reported_complete = e.percent == 100
        st.problem = e.problem
        if e.percent < 100:
            st.verified_on = None
            st.completed_on = None
    elif kind == "verify":
        st.verified_on = e.date
        st.reopened = False
    elif kind == "reopen":
        st.due = rework_deadline(e, st, policy)
        st.last_reopen = e
        st.verified_on = None
        st.reported_complete = False
        st.completed_on = None
        st.reopened = True


def snapshot(project: models.Project, today: dt.date) -> Snapshot:
    entries = ordered_entries(project.journal, today, project.order)
    voided = voids_in_force(project, entries)
    fold = Fold(project.plan, project.units, voided)
    # entries dated before the cut first (journal_order is by date first): marks from the cut on
    cut = _days_before(entries[-1].date, MARK_DAYS) if entries else None
    first = bisect.bisect_left(entries, cut, key=_date) if entries else 0
    fold.apply_all(entries[:first])
    fold.cut = cut
    fold.apply_all(entries[first:])
    return finish(project, fold, today, entries)


def _date(e) -> dt.date:
    return e.date


def _days_before(day: dt.date, days: int) -> dt.date:
    """day minus days, or the first day there is (an entry may be dated 0001-01-05)."""
    return day - dt.timedelta(days=days) if day.toordinal() > days else dt.date.min


def finish(project: models.Project, fold: Fold, today: dt.date, entries: list) -> Snapshot:
    """The snapshot of a fold as of today: lights and their reasons, gaps, the lead unit's queue.
    entries: what the fold applied, in order (a fold from the store passes [] and its project no
    journal: status and units need neither)."""
    plan = project.plan
    policy = plan.policy
    start = plan.campaign.start
    states, units, problems = fold.states, fold.units, fold.problems
    for st in states.values():  # what a previous finish judged is judged again
        st.problem_gaps = []
    for us in units.values():
        us.done = us.lagging = 0
        us.problem_gaps = []
        us.notice_gaps = []
        us.problem_light = GREEN
    for ps in problems.values():
        if ps.closed_on is not None or not ps.is_gap(today):  # 销号: never a gap (most of a year's list)
            continue
        st = states.get(ps.task)
        if st is not None and not st.done:
            st.problem_gaps.append(ps)
        else:  # no task, or a task already 验收: the unit's own row shows it
            units[ps.unit].problem_gaps.append(ps)
    for us in units.values():
        if us.problem_gaps:
            us.problem_light = RED if len(us.problem_gaps) >= policy.problem_red else YELLOW
    office = project.unit_label(plan.campaign.lead_unit)  # who reviews and verifies: named when late
    # (unit, task) → the unit's notices naming the task, in the unit's order: looked up per task
    # (a city's record of years holds thousands of notices, each unit's every one met per task)
    naming: dict[tuple[str, str], list] = {}
    for unit_id, us in units.items():
        for ns in us.notices:
            for tid in dict.fromkeys(ns.notice.tasks):
                naming.setdefault((unit_id, tid), []).append(ns)
    for st in states.values():
        task = st.task
        st.expected = expected_percent(task, start, today)
        st.light, st.reasons = _light(st, units, today, start, policy, office, naming)
    # A late notice that names no task, or whose every task is done (verified), shows on no task:
    # the unit's own row shows it until the office closes it, as it does a problem on no open task.
    shown = {id(ns) for st in states.values() if not st.done for ns in st.late_notices}
    for us in units.values():
        us.notice_gaps = [ns for ns in us.notices if id(ns) not in shown and ns.overdue_days(today)]
    for us in units.values():
        for tid in us.led + us.co:
            if states[tid].done:
                us.done += 1
            elif states[tid].light in (RED, YELLOW) and own_gaps(states[tid], us.unit.id, today):
                us.lagging += 1  # only for what this unit answers for: never the lead's or a co-unit's lag
    ordered = [states[t.id] for t in plan.tasks]
    snap = Snapshot(project, today, ordered, units, fold.notices, entries, fold.voided, problems=problems)
    snap.queue = lead_queue(snap)
    snap.fold = fold
    return snap


def _entry_tasks(e, notices: dict, problems: dict) -> list[str]:
    if hasattr(e, "task"):
        return [e.task]
    if e.kind in problemlist.PROBLEM_KINDS:
        ps = problems.get(e.problem)
        return [ps.task] if ps is not None and ps.task else []
    if e.kind == "notice":
        return list(e.tasks)
    ns = notices.get(getattr(e, "notice", ""))
    return list(ns.notice.tasks) if ns else []


def lead_queue(snap: Snapshot) -> list[QueueItem]:
    """The lead unit's pending work, oldest first: replies to review, 办结报告 to verify, problems
    reported fixed to re-inspect (复查)."""
    policy = snap.project.plan.policy
    today = snap.today
    items = []
    for ns in snap.notices.values():
        if ns.awaiting_review():
            days = ns.review_days(today)
            items.append(QueueItem(REVIEW, ns.notice.unit, ns.notice.doc_no, ns.notice.ref, ns.pending.date,
                                   days, review_over(policy, ns.pending.date, today), ns.late_reply_days()))
    for st in snap.tasks:
        days = st.accept_days(today)
        if st.reported_complete and not st.done and st.completed_on is not None:
            items.append(QueueItem(ACCEPT, st.task.lead, st.task.id, st.task.id, st.completed_on, days,
                                   review_over(policy, st.completed_on, today)))
    for ps in snap.problems.values():
        if ps.pending is not None:
            days = ps.wait_days(today)
            items.append(QueueItem(RECHECK, ps.unit, ps.id, ps.id, ps.pending.date, days,
                                   review_over(policy, ps.pending.date, today), ps.late_fix_days()))
    items.sort(key=lambda q: (q.since, q.kind, q.subject))
    return items


@dataclass(frozen=True)
class LateReview:
    """One of the lead unit's reviews that took longer than policy.review_days: still waiting
    (its queue), or done late (done: the 审核, 验收 or 复查 that ended the wait)."""

    kind: str  # REVIEW, ACCEPT or RECHECK
    subject: str  # the notice's 文号, the task id or the problem id
    since: dt.date  # the reply, 办结报告 or fix that waited
    over: int  # days past policy.review_days
    done: dt.date | None = None


def late_reviews(snap: Snapshot) -> list[LateReview]:
    """Every review the lead unit took longer than policy.review_days over, oldest first: those
    in its queue now, and those it did late. A unit's late reply stays on its record after the
    notice is closed; so does the lead unit's late review after it acts (a fairness review found
    it forgiven the day the lead acted). Voided entries count nowhere."""
    policy = snap.project.plan.policy
    voided = snap.voided
    out = [LateReview(q.kind, q.subject, q.since, q.overdue) for q in snap.queue if q.overdue]

    def waited(kind: str, subject: str, since, act) -> None:
        over = review_over(policy, since.date, act.date)
        if over > 0:
            out.append(LateReview(kind, subject, since.date, over, act.date))

    for ns in snap.notices.values():
        last = len(ns.rounds) - 1
        for k, (_deadline, reply, reject) in enumerate(ns.rounds):
            act = reject if reject is not None else (ns.closed if k == last else None)
            if reply is not None and act is not None:
                waited(REVIEW, ns.notice.doc_no, reply, act)
    for st in snap.tasks:
        report = None  # the 办结报告 waiting for 验收, as _task_entry keeps completed_on
        for e in st.history:
            if e.kind not in TASK_KINDS or e.id in voided:
                continue
            if e.kind == "progress":
                report = (report or e) if e.percent == 100 else None
            elif e.kind in ("verify", "reopen"):
                if report is not None:
                    waited(ACCEPT, st.task.id, report, e)
                report = None
    for ps in snap.problems.values():
        fix = None  # the fix waiting for 复查, as ProblemState.apply keeps pending
        for e in ps.history:
            if e.id in voided:
                continue
            if e.kind == "fix" and fix is None:
                fix = e
            elif e.kind == "recheck":
                if fix is not None:
                    waited(RECHECK, ps.id, fix, e)
                fix = None
    out.sort(key=lambda r: (r.since, r.kind, r.subject))
    return out


def rework_deadline(reopen: models.Reopen, st: TaskState, policy: models.Policy) -> dt.date | None:
    """The deadline in force once reopen sends the task's 办结报告 back (退回重办), st as it was just
    before: when that report came in time (not after the deadline then in force), the later of that
    deadline and the reopen's 重办期限, so that the days the lead unit took to review it are never
    the unit's delay; when it came late, the deadline stays (a reopen wipes out no lateness). A
    record made before the 重办期限 was recorded gets what cc reopen records by default:
    policy.rectification_days from the day it was sent back."""
    in_force = st.deadline
    if st.completed_on is None or st.completed_on > in_force:
        return st.due
    given = reopen.deadline
    if given is None:
        from .deadlines import rectification_deadline

        given = rectification_deadline(reopen.date, policy.rectification_days, None, policy.workdays).day
    return max(in_force, given)


def late_notices_reason(late: list[NoticeState], today: dt.date) -> str:
    if len(late) == 1:
        return f"督办通知{late[0].notice.doc_no}整改超期{late[0].overdue_days(today)}天未反馈"
    return f"{len(late)}份督办通知整改超期未反馈（最早超期{max(ns.overdue_days(today) for ns in late)}天）"


def review_reason(ns: NoticeState, today: dt.date, policy: models.Policy, office: str) -> str:
    """office: the lead unit of the group (who reviews), named when its review is late: beside a
    task's own 牵头单位, "牵头单位逾期" would read as that unit's lateness."""
    days = ns.review_days(today)
    text = f"督办通知{ns.notice.doc_no}已于{cn_date(ns.pending.date)}反馈，待牵头单位审核"
    over = review_over(policy, ns.pending.date, today)
    if over:
        text += f"（已{days}天，超过审核时限{over}天，{office}逾期）"
    return text


def review_over(policy: models.Policy, since: dt.date, day: dt.date, moved: bool = True) -> int:
    """Days past the lead unit's review time (policy.review_days) on day, for a reply, 办结报告 or
    fix it received on since: calendar days, or 工作日 when policy.workdays, as the units' 整改期限
    are counted (a fairness review found a 国庆 week counted as the lead unit's lateness while the
    units' deadlines skipped it); in calendar days its last day moved off a rest day, as every
    期限 is (a later review found the lead unit late on 10月2日 in that week). moved=False: not
    moved (what reports to 市领导 before layout 5 said, reprinted as they were sent)."""
    if not policy.workdays:
        due = since + dt.timedelta(days=policy.review_days)
        return max((day - (falls_due(due) if moved else due)).days, 0)
    return max((day - _review_due(since, policy.review_days)).days, 0)


@functools.lru_cache(maxsize=4096)
def _review_due(since: dt.date, days: int) -> dt.date:
    """The last day of a review time of days 工作日 from since (in a year the official calendar
    does not know, Monday to Friday, as for a 整改期限)."""
    from .deadlines import rectification_deadline

    return rectification_deadline(since, days, workdays=True).day


def own_gaps(st: TaskState, unit_id: str, today: dt.date) -> list[str]:
    """The gaps of a task that one unit answers for: the lead unit its task's lateness, lag and
    silence; every unit (lead or co-unit) only the notices sent to itself. Never another's."""
    if st.done:
        return []
    out = list(st.lead_gaps) if st.task.lead == unit_id else []
    own = [ns for ns in st.late_notices if ns.notice.unit == unit_id]
    if own:
        out.insert(0, late_notices_reason(own, today))
    out += [ps.gap(today) for ps in st.problem_gaps if ps.unit == unit_id]
    return out


def lead_overdue(st: TaskState, today: dt.date) -> bool:
    """The lead unit's red gap of a task (as _light): past its deadline (or a later 重办期限), no
    办结报告 received."""
    return not st.done and not st.reported_complete and today > st.deadline


def unit_light(st: TaskState, unit_id: str, today: dt.date, problem_red: int) -> str | None:
    """The light a red or yellow task has for what one unit answers for alone (own_gaps): red for
    the lead unit's lateness or a late notice to the unit, or for as many of its own problems as
    make a task red (policy.problem_red, counted over the unit's alone); yellow for its other own
    gaps; None when it answers for none of the task's light. A task red for three problems of
    two units is yellow for each (a fairness review found the lead shown red for them)."""
    if st.done or st.light not in (RED, YELLOW) or unit_id not in st.task.units:
        return None
    lead = st.task.lead == unit_id
    mine = [ps for ps in st.problem_gaps if ps.unit == unit_id]
    if (lead and lead_overdue(st, today)) \
            or any(ns.notice.unit == unit_id for ns in st.late_notices) or (mine and len(mine) >= problem_red):
        return RED
    if (lead and st.lead_gaps) or mine:
        return YELLOW
    return None


def lags(gap: int, threshold: int) -> bool:
    """低于序时进度 N 个百分点以上: a gap of exactly N counts (and any gap when N is 0)."""
    return gap > 0 and gap >= threshold


def _light(st: TaskState, units: dict[str, UnitState], today: dt.date, start: dt.date,
           policy: models.Policy, office: str, naming: dict) -> tuple[str, list[str]]:
    task = st.task
    if st.done:
        return DONE, [f"已于{cn_date(st.verified_on)}验收销号"]
    red: list[str] = []
    yellow: list[str] = []
    waiting: list[str] = []
    # A notice shows on the tasks it names; one that names none (about problems on no task, or a
    # reason alone) is its unit's own matter, shown on the unit's own row (finish), never on a task
    # another unit leads.
    on_task = [ns for unit_id in task.units for ns in naming.get((unit_id, task.id), ())]
    st.late_notices = [ns for ns in on_task if ns.overdue_days(today)]
    st.review_notices = [ns for ns in on_task if ns.awaiting_review()]
    if st.reported_complete:
        # Finished work waits for the lead unit's 验收: never red for the lead unit's delay.
        days = st.accept_days(today)
        text = f"已于{cn_date(st.completed_on)}报办结，待验收" if st.completed_on else "已报办结，待验收"
        if st.completed_on and st.completed_on > st.deadline:
            text += f"（办结报告晚于{_deadline_name(st)}{(st.completed_on - st.deadline).days}天）"
        over = review_over(policy, st.completed_on, today) if st.completed_on else 0
        if over:
            text += f"（已{days}天，超过审核时限{over}天，{office}逾期）"
        waiting.append(text)
    elif today > st.deadline:
        moved = f"，{cn_date(task.deadline)}为休息日顺延" if st.moved else ""
        red.append(f"已逾期{(today - st.deadline).days}天（{'重办期限' if st.reworking else '时限'}{cn_date(st.deadline)}{moved}）")
    notice_red = _late_by_unit(st.late_notices, task.lead, units, today)
    red += notice_red
    # a co-unit's notice is named with its unit, as its problems are: the line shows the lead's name
    waiting += [("" if ns.notice.unit == task.lead else _short(units, ns.notice.unit))
                + review_reason(ns, today, policy, office) for ns in st.review_notices]
    if not st.reported_complete:
        gap = st.expected - st.percent
        if lags(gap, policy.lag_threshold):
            yellow.append(f"进度{st.percent}%，低于序时进度{st.expected}%")
        if today > start:
            since = st.last_report or start
            # sent back after its 办结 report: the days it waited for the lead unit's 验收 are not
            # the unit's silence; the interval counts from the day it was sent back
            reopened_on = st.last_reopen.date if st.last_reopen is not None else None
            if reopened_on is not None and reopened_on > since:
                since = reopened_on
            idle = (today - since).days
            if idle > policy.report_interval_days:
                if since == reopened_on:
                    yellow.append(f"退回重办后已{idle}天未报送进度")
                else:
                    yellow.append(f"已{idle}天未报送进度" if st.last_report else f"尚未报送进度（已{idle}天）")
    if st.reopened and not st.reported_complete:
        yellow.append("已退回重办，尚未重新报送办结"
                      + (f"（重办期限{cn_date(st.deadline)}）" if st.reworking and today <= st.deadline else ""))
    # Everything but the notices' lateness and the problems is the lead unit's: it alone reports
    # progress. A problem is its responsible unit's (own_gaps), lead or co-unit.
    st.lead_gaps = [r for r in red if r not in notice_red] + yellow
    # A co-unit's problem is named with its unit: the line is shown under the lead unit's name.
    problem_texts = [ps.gap(today) if ps.unit == task.lead else _short(units, ps.unit) + ps.gap(today)
                     for ps in st.problem_gaps]
    if problem_texts:
        (red if len(problem_texts) >= policy.problem_red else yellow).extend(problem_texts)
    if red:
        return RED, red + yellow + waiting
    if yellow:
        return YELLOW, yellow + waiting
    if st.reported_complete:
        return ACCEPT, waiting
    if st.review_notices:
        return REVIEW, waiting
    return GREEN, ["进度正常"]


def _late_by_unit(late: list[NoticeState], lead: str, units: dict[str, UnitState], today: dt.date) -> list[str]:
    """The reasons of a task's late notices, one per unit (the lead's first, as task.units lists
    them): a co-unit's named with its unit, so the line never reads as the lead's."""
    by_unit: dict[str, list[NoticeState]] = {}
    for ns in late:
        by_unit.setdefault(ns.notice.unit, []).append(ns)
    return [("" if uid == lead else _short(units, uid)) + late_notices_reason(group, today)
            for uid, group in by_unit.items()]


def _deadline_name(st: TaskState) -> str:
    return "重办期限" if st.reworking else "完成时限"


def _short(units: dict[str, UnitState], unit_id: str) -> str:
    us = units.get(unit_id)
    if us is None:
        return unit_id
    return us.unit.short_names[0] if us.unit.short_names else us.unit.name


def backfill_late(date: dt.date, at: dt.datetime, days: int) -> int:
    """Days by which an entry was recorded after its date when more than `days` (a 补录, see
    policy.backfill_days), else 0. The recording day is read in the entry's own offset."""
    late = (at.date() - date).days
    return late if late > days else 0


def triggered_escalation(project: models.Project, entry: models.Notice) -> models.Escalate | None:
    """The report to 市领导 this notice triggered: by its trigger id, or for records made before
    triggers were recorded, the escalation of the same unit and day that ends with this notice."""
    for e in project.journal:
        if e.kind == "escalate" and (e.trigger == entry.id or (
                not e.trigger and e.unit == entry.unit and e.date == entry.date and e.notices[-1:] == [entry.ref])):
            return e
    return None


def citing_escalations(project: models.Project, notice: models.Notice) -> list:
    """The reports to 市领导 that stand on this notice: the one it triggered, and every one of its
    unit that counted it (voided or not: the caller says which count)."""
    esc = triggered_escalation(project, notice)
    return [e for e in project.journal if e.kind == "escalate"
            and (e is esc or (e.unit == notice.unit and notice.ref in e.notices))]
