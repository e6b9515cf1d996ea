"""综合评价: each unit's score as of a day, from the Snapshot and plan.score, every point explained.

A unit starts at score.base and loses points, component by component, only for what it answers
for itself (the same rule as its lights and notices, see rules.own_gaps):

- tasks: each unfinished task it leads that is red, or yellow, for its own gaps. Red: past its
  deadline without a 办结报告; yellow: any other gap of the lead's (its lag or silence, a task
  sent back). The problems and late notices of a task are left out here: they have their own
  components, so one fact is not deducted twice, nor as often as a notice names tasks. Waiting
  for 验收 or for the review of a reply is the lead unit's queue and never the unit's.
- notices: each 督办通知 the unit received, by its level (蓝 1st, 黄 2nd, 红 3rd and later), and
  each report to 市领导 about it. Notices closed since still count: they were issued. And each
  notice the unit answered after its 整改期限 (any round), or has not answered past it: once per
  notice, whether it names one task, several or none (a fairness review found the same lateness
  costing 0, 5 or 10 by how many tasks the notice named); answered late, it stays.
- problems: each problem it is responsible for that is overdue today (a fix awaiting 复查 is not);
  weight × (1 − 按期整改率); weight × 返工率; weight × 延期率 (rates as problemlist.rates defines
  them; a rate with nothing to divide by deducts nothing). 按期整改率 is 按期结案率 with the fixes
  awaiting 复查 counted by their own verdict: whether a fix was on time is settled when the unit
  reports it (it is what the 复查 that passes it records), so the unit's score does not wait for the
  lead unit's recheck, nor move when it passes. A late fix stays late: a 复查 that fails sends the
  problem back to 整改中 under a new 期限, and a problem that was fixed late before counts as 未按期
  still (a failed 复查 never makes a score better than a passed one would); one fixed on time
  before counts again by its next fix. The 返工率 counts the failure itself. (按期结案率 in the
  reports is the 数字化城管 rate: 销号 problems by the fix that passed, see problemlist.py.)
- the lead unit alone: each review (审核 of a reply, 验收 of a 办结报告, 复查 of a fix) that took
  longer than policy.review_days: those in its queue now, and those it did late (its lateness
  stays on its record, as a unit's late reply stays on the unit's; rules.late_reviews).

Voided entries count nowhere: the Snapshot has already left them out. Points are rounded to two
decimals per component, the total deduction is their sum, and the score is base minus it, never
below 0 (扣完为止). Units rank by score, then by total deduction (so that two units at 0 still
differ), then in units.yaml order; equal results share a rank.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from . import models, problemlist, rules
from .views import cn_date

# key → the name people read; in the order components are listed
NAMES = {
    "red_task": "红灯任务",
    "yellow_task": "黄灯任务",
    "notice_blue": "督办通知（蓝）",
    "notice_yellow": "督办通知（黄）",
    "notice_red": "督办通知（红）",
    "escalation": "报告市领导",
    "late_notice": "督办整改超期",
    "overdue_problem": "逾期未整改问题",
    "on_time_rate": "按期整改率",
    "rework_rate": "返工率",
    "extension_rate": "延期率",
    "late_review": "牵头单位逾期审核",
}
LEVEL_KEYS = {"蓝": "notice_blue", "黄": "notice_yellow", "红": "notice_red"}
UNITS = {"red_task": "项", "yellow_task": "项", "notice_blue": "份", "notice_yellow": "份", "notice_red": "份",
         "escalation": "次", "late_notice": "份", "overdue_problem": "个", "late_review": "项"}


@dataclass(frozen=True)
class Component:
    """One line of a unit's score: what was counted, the weight, and the points it cost."""

    key: str
    count: int  # items counted; for a rate, the numerator (未按期结案数, 返工数, 延期数)
    weight: int
    points: float  # deducted, ≥ 0, two decimals
    items: tuple = ()  # what was counted: task ids, 文号, problem ids
    of: int | None = None  # for a rate, the denominator (应结案数, 已复查数, 问题总数)

    @property
    def name(self) -> str:
        return NAMES[self.key]

    @property
    def rate(self) -> float | None:
        """The rate the component is named for, as a fraction: 按期整改率 the share on time (count
        is the late ones, what is deducted for), the others count / of. None without a rate."""
        if not self.of:
            return None
        share = self.count / self.of
        return round(1 - share if self.key == "on_time_rate" else share, 4)

    def explain(self) -> str:
        """How the points came about, in one line: 红灯任务2项 × 5 = 10."""
        if self.of is None:
            return f"{self.name}{self.count}{UNITS[self.key]} × {self.weight} = {number(self.points)}"
        if not self.of:
            return f"{self.name}：无可计算的问题，不扣分"
        rate = self.rate
        if self.key == "on_time_rate":
            return (f"{self.name}{problemlist.percent(rate)}（应完成整改{self.of}个，"
                    f"未按期{self.count}个）：{self.weight} × {self.count}/{self.of} = {number(self.points)}")
        what = {"rework_rate": ("已复查", "返工"), "extension_rate": ("问题", "延期")}[self.key]
        return (f"{self.name}{problemlist.percent(rate)}（{what[0]}{self.of}个，{what[1]}{self.count}个）："
                f"{self.weight} × {self.count}/{self.of} = {number(self.points)}")


@dataclass
class UnitScore:
    unit: models.Unit
    base: int
    components: list[Component] = field(default_factory=list)
    rank: int = 0

    @property
    def deducted(self) -> float:
        return round(sum(c.points for c in self.components), 2)

    @property
    def score(self) -> float:
        return max(round(self.base - self.deducted, 2), 0.0)

    def main_deductions(self, limit: int = 3) -> list[Component]:
        """The components that cost most, largest first (those that cost nothing left out)."""
        costly = [c for c in self.components if c.points > 0]
        return sorted(costly, key=lambda c: -c.points)[:limit]


def number(x: float) -> str:
    """Points as people write them: 10, 2.5, 3.33."""
    return f"{x:.2f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))


def _ratio_points(weight: int, part: int, whole: int) -> float:
    return round(weight * part / whole, 2) if whole else 0.0


def task_light(st: rules.TaskState, unit_id: str, today: dt.date) -> str | None:
    """RED or YELLOW when the task is so for the lead unit's own gaps, problems and late notices
    aside (each has a component of its own); else None (always for a co-unit)."""
    if st.done or st.task.lead != unit_id:
        return None
    if rules.lead_overdue(st, today):
        return rules.RED
    if st.lead_gaps:
        return rules.YELLOW
    return None


def late_notice(ns: rules.NoticeState, today: dt.date) -> str:
    """A notice the unit answered late or not at all by its 整改期限 (any round of it), as the
    score lists it: past it and still unanswered, else the latest a reply came; "" when never."""
    days = ns.overdue_days(today)
    if days:
        return f"{ns.notice.doc_no}（超期{days}天未反馈）"
    late = max((ns.late_reply_days(reply) for _deadline, reply, _reject in ns.rounds if reply is not None), default=0)
    return f"{ns.notice.doc_no}（超期{late}天反馈）" if late else ""


def unit_score(snap: rules.Snapshot, us: rules.UnitState) -> UnitScore:
    weights = snap.project.plan.score
    today = snap.today
    uid = us.unit.id
    result = UnitScore(us.unit, weights.base)
    add = result.components.append

    lights: dict[str, list[str]] = {rules.RED: [], rules.YELLOW: []}
    for st in snap.tasks:
        light = task_light(st, uid, today)
        if light is not None:
            lights[light].append(st.task.id)
    for key, light in (("red_task", rules.RED), ("yellow_task", rules.YELLOW)):
        ids = lights[light]
        add(Component(key, len(ids), getattr(weights, key), float(len(ids) * getattr(weights, key)), tuple(ids)))

    by_level: dict[str, list[str]] = {level: [] for level in LEVEL_KEYS}
    # the level by the notice's place among those that count (蓝 the 1st …): after an earlier
    # notice is voided, a later one sent as 黄 counts as the 1st, 蓝, as the count of 督办 does
    for rank, ns in enumerate(us.notices, 1):
        by_level[rules.notice_level(rank)].append(ns.notice.doc_no)
    for level, key in LEVEL_KEYS.items():
        nos = by_level[level]
        add(Component(key, len(nos), getattr(weights, key), float(len(nos) * getattr(weights, key)), tuple(nos)))
    reports = tuple(e.doc_no or cn_date(e.date) for e in us.escalations)
    add(Component("escalation", len(reports), weights.escalation, float(len(reports) * weights.escalation), reports))
    # each notice once, whatever tasks it names (or none): a late answer stays, as a late fix does
    late = tuple(filter(None, (late_notice(ns, today) for ns in us.notices)))
    add(Component("late_notice", len(late), weights.late_notice, float(len(late) * weights.late_notice), late))

    r = problemlist.rates(us.problems, today)
    overdue = tuple(ps.id for ps in us.problems if ps.overdue_days(today))
    add(Component("overdue_problem", len(overdue), weights.overdue_problem,
                  float(len(overdue) * weights.overdue_problem), overdue))
    # 应完成整改: 已销号, reported fixed (awaiting 复查), 逾期未整改, and sent back by a failed 复查
    # after a late fix; 未按期: a fix came late (remembered through a 返工), or overdue now
    due = [ps for ps in us.problems
           if ps.status != problemlist.OPEN or ps.late_fixed or ps.overdue_days(today)]
    late = tuple(ps.id for ps in due if ps.late_fixed or ps.overdue_days(today))
    add(Component("on_time_rate", len(late), weights.on_time_rate,
                  _ratio_points(weights.on_time_rate, len(late), len(due)), late, len(due)))
    reworked = tuple(ps.id for ps in us.problems if ps.reworked)
    add(Component("rework_rate", r.reworked, weights.rework_rate,
                  _ratio_points(weights.rework_rate, r.reworked, r.rechecked), reworked, r.rechecked))
    extended = tuple(ps.id for ps in us.problems if ps.extended)
    add(Component("extension_rate", r.extended, weights.extension_rate,
                  _ratio_points(weights.extension_rate, r.extended, r.total), extended, r.total))

    waiting = tuple(_late_review_item(r) for r in rules.late_reviews(snap)) \
        if uid == snap.project.plan.campaign.lead_unit else ()
    add(Component("late_review", len(waiting), weights.late_review, float(len(waiting) * weights.late_review), waiting))
    return result


def _late_review_item(r: rules.LateReview) -> str:
    """A late review as the score lists it: what waited, and, when it was done, that it was done late."""
    if r.done is None:
        return r.subject
    return f"{r.subject}（超时{r.over}天办理）"


def scores(snap: rules.Snapshot) -> list[UnitScore]:
    """Every unit's score, best first, ranked (see the module docstring)."""
    order = {u.id: i for i, u in enumerate(snap.project.units)}
    out = [unit_score(snap, us) for us in snap.units.values()]
    out.sort(key=lambda s: (-s.score, s.deducted, order.get(s.unit.id, len(order))))
    for i, s in enumerate(out):
        same = i and (s.score, s.deducted) == (out[i - 1].score, out[i - 1].deducted)
        s.rank = out[i - 1].rank if same else i + 1
    return out
