"""Pure domain logic on the real example data, with explicit dates."""

import datetime as dt

import pytest

from chuangcheng_cli.domain import models, rules
from chuangcheng_cli.store.checks import load_checked
from helpers import DATA

START = dt.date(2023, 4, 14)


@pytest.fixture(scope="module")
def project():
    proj, warnings = load_checked(DATA)
    assert warnings == []
    return proj


def _task(deadline, milestones=()):
    return models.Task(id="T1", indicator="I1", title="t", requirement="r", lead="a", deadline=deadline,
                       milestones=[models.Milestone(date=d, percent=p) for d, p in milestones])


def test_expected_percent_is_linear_between_start_and_deadline():
    task = _task(dt.date(2023, 5, 14))  # 30 days after start
    assert rules.expected_percent(task, START, START) == 0
    assert rules.expected_percent(task, START, dt.date(2023, 4, 1)) == 0
    assert rules.expected_percent(task, START, dt.date(2023, 4, 29)) == 50
    assert rules.expected_percent(task, START, dt.date(2023, 5, 14)) == 100
    assert rules.expected_percent(task, START, dt.date(2024, 1, 1)) == 100


def test_expected_percent_follows_milestones():
    task = _task(dt.date(2023, 6, 13), [(dt.date(2023, 4, 24), 50)])  # 10 days → 50%, then 50 days → 100%
    assert rules.expected_percent(task, START, dt.date(2023, 4, 19)) == 25
    assert rules.expected_percent(task, START, dt.date(2023, 4, 24)) == 50
    assert rules.expected_percent(task, START, dt.date(2023, 5, 19)) == 75


def test_notice_levels():
    assert [rules.notice_level(n) for n in (1, 2, 3, 4, 9)] == ["蓝", "黄", "红", "红", "红"]


def test_cn_date_has_no_padding():
    assert rules.cn_date(dt.date(2023, 5, 1)) == "2023年5月1日"


def test_mid_june_state(project):
    snap = rules.snapshot(project, dt.date(2023, 6, 30))
    lights = {t.task.id: t.light for t in snap.tasks}
    assert lights["T07"] == "yellow"  # 市场监管局 behind pace before its first notice
    assert lights["T08"] == lights["T09"] == "yellow"  # 人社局 behind and not reporting
    assert sum(v == "green" for v in lights.values()) == 11
    t07 = snap.task("T07")
    assert t07.reasons == ["进度20%，低于序时进度50%"]
    assert "已42天未报送进度" in snap.task("T09").reasons


def test_entries_after_as_of_are_ignored(project):
    before = rules.snapshot(project, dt.date(2023, 4, 19))
    assert all(t.percent == 0 and not t.assignments for t in before.tasks)
    assert before.notices == {}


def test_open_notice_past_its_deadline_turns_tasks_red(project):
    snap = rules.snapshot(project, dt.date(2023, 9, 10))
    t09 = snap.task("T09")
    assert t09.light == "red"
    assert any("法治督〔2023〕2号整改超期" in r for r in t09.reasons)
    # T08 was not named in notice 2, so it is only behind pace
    assert snap.task("T08").light == "yellow"


def test_closed_notice_no_longer_counts(project):
    snap = rules.snapshot(project, dt.date(2023, 8, 1))
    ns = snap.notices["2023-1"]
    assert ns.closed is not None and not ns.is_open
    assert snap.task("T07").light == "green"
    assert snap.units["scjgj"].notice_count == 1


def test_year_end_story(project):
    snap = rules.snapshot(project, dt.date(2023, 12, 31))
    lights = {t.task.id: t.light for t in snap.tasks}
    assert lights.pop("T09") == "red"
    assert set(lights.values()) == {"done"}
    rsj = snap.units["rsj"]
    assert rsj.notice_count == 3 and rsj.escalated and rsj.open_notices == 3
    assert [ns.notice.seq for ns in rsj.notices] == [1, 2, 3]
    assert [ns.notice.level for ns in rsj.notices] == ["蓝", "黄", "红"]
    assert snap.days_left == 0


def test_reopened_task_is_not_done_until_verified_again(project):
    snap = rules.snapshot(project, dt.date(2023, 9, 25))
    t05 = snap.task("T05")
    assert not t05.done and t05.reopened and t05.light == "yellow"
    assert "已退回重办，尚未重新报送办结" in t05.reasons
    # sent back on 9月20日, six weeks before its deadline: the 重办期限 (10 days) gives no later one
    assert t05.deadline == t05.task.deadline == dt.date(2023, 10, 31) and not t05.reworking
    assert rules.snapshot(project, dt.date(2023, 10, 18)).task("T05").done


def test_rework_deadline_is_the_later_of_the_tasks_and_the_reopens(project):
    task = next(t for t in project.plan.tasks if t.id == "T06")  # deadline 2023-10-31
    policy = project.plan.policy
    at = dt.datetime(2023, 11, 6, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))

    def reopen(day, deadline=None):
        return models.make(models.Reopen, kind="reopen", id="20231106-aaaa0001", date=day, at=at, by="周某某",
                           task="T06", reason="退回", deadline=deadline)

    def sent_back(completed_on, due=None):  # the task as it was before the reopen
        return rules.TaskState(task, reported_complete=True, completed_on=completed_on, due=due)

    in_time = sent_back(dt.date(2023, 10, 12))
    assert rules.rework_deadline(reopen(dt.date(2023, 11, 6), dt.date(2023, 11, 20)), in_time, policy) == \
        dt.date(2023, 11, 20)
    assert rules.rework_deadline(reopen(dt.date(2023, 10, 13), dt.date(2023, 10, 20)), in_time, policy) == task.deadline
    # an older record without one: policy.rectification_days from the day it was sent back
    assert rules.rework_deadline(reopen(dt.date(2023, 11, 6)), in_time, policy) == \
        dt.date(2023, 11, 6) + dt.timedelta(days=policy.rectification_days)
    # a report that came after the deadline gains nothing from being sent back (found by a review)
    assert rules.rework_deadline(reopen(dt.date(2023, 11, 6), dt.date(2023, 11, 20)),
                                 sent_back(dt.date(2023, 11, 3)), policy) is None
    # a second round: measured against the 重办期限 then in force
    again = sent_back(dt.date(2023, 11, 18), due=dt.date(2023, 11, 20))
    assert rules.rework_deadline(reopen(dt.date(2023, 11, 25), dt.date(2023, 12, 5)), again, policy) == \
        dt.date(2023, 12, 5)
    late_again = sent_back(dt.date(2023, 11, 22), due=dt.date(2023, 11, 20))
    assert rules.rework_deadline(reopen(dt.date(2023, 11, 25), dt.date(2023, 12, 5)), late_again, policy) == \
        dt.date(2023, 11, 20)


def test_reported_complete_awaits_verification_without_staleness(project):
    snap = rules.snapshot(project, dt.date(2023, 10, 17))  # T07 reported 100% on 10-16, verified 10-25
    t07 = snap.task("T07")
    assert t07.reported_complete and not t07.done
    assert t07.light == "accept" and "已于2023年10月16日报办结，待验收" in t07.reasons


def test_journal_order_is_date_then_moment_then_file_order():
    """Entries take effect by date, then by the moment recorded (offsets honoured; a time without
    a zone read as UTC), then in file order; equal moments in other zones keep file order."""
    from types import SimpleNamespace

    cst = dt.timezone(dt.timedelta(hours=8))

    def e(day, at):
        return SimpleNamespace(date=dt.date(2023, 12, day), at=at)

    journal = [
        e(2, dt.datetime(2023, 12, 2, 9, tzinfo=cst)),  # 01:00 UTC
        e(1, dt.datetime(2023, 12, 3, 9, tzinfo=cst)),  # an earlier date goes first, whatever its time
        e(2, dt.datetime(2023, 12, 2, 0, 30)),  # no zone: 00:30 UTC
        e(2, dt.datetime(2023, 12, 2, 1, tzinfo=dt.timezone.utc)),  # the same moment as the first
        e(2, dt.datetime(2023, 12, 2, 8, 59, 59, 999999, tzinfo=cst)),  # a microsecond before the first
        e(2, dt.datetime(2023, 12, 2, 9, 0, 0, 1, tzinfo=cst)),  # a microsecond after it
    ]
    assert rules.journal_order(journal) == [1, 2, 4, 0, 3, 5]
    naive = [e(2, dt.datetime(2023, 12, 2, 10)), e(2, dt.datetime(2023, 12, 2, 9)), e(2, dt.datetime(2023, 12, 2, 9))]
    assert rules.journal_order(naive) == [1, 2, 0]
    # past 2242 a float no longer tells microseconds apart: the datetimes still do
    utc = dt.timezone.utc
    far = [e(2, dt.datetime(9999, 1, 1, 0, 0, 0, 1, tzinfo=utc)), e(2, dt.datetime(9999, 1, 1, tzinfo=utc)),
           e(2, dt.datetime.max), e(2, dt.datetime.max - dt.timedelta(microseconds=1))]
    assert rules.journal_order(far) == [1, 0, 3, 2]
    same = [e(2, dt.datetime(2023, 12, 2, 1)), e(2, dt.datetime(2023, 12, 2, 9, tzinfo=cst))]  # one moment
    assert rules.journal_order(same) == [0, 1]


def test_journal_order_in_order_shortcut_agrees_with_the_sort():
    """A journal whose dates and times never go back is taken as it is (without building keys):
    on random journals, in order or nearly so, the answer is the full sort's."""
    import random
    from types import SimpleNamespace

    zones = [dt.timezone.utc, dt.timezone(dt.timedelta(hours=8)), dt.timezone(dt.timedelta(hours=-5))]

    def reference(journal):
        def key(k):
            at = journal[k].at if journal[k].at.tzinfo else journal[k].at.replace(tzinfo=dt.timezone.utc)
            return journal[k].date, at
        return sorted(range(len(journal)), key=key)

    rng = random.Random(7)
    for _ in range(400):
        n = rng.randrange(0, 12)
        start = dt.datetime(2023, 12, 1, 8, tzinfo=zones[0])
        journal = []
        for k in range(n):
            at = start + dt.timedelta(minutes=rng.choice([0, 0, 1, 30, 600]) * k)
            at = at.astimezone(rng.choice(zones))
            if rng.random() < 0.1:
                at = at.replace(tzinfo=None)
            day = at.date() - dt.timedelta(days=rng.choice([0, 0, 0, 1]))
            journal.append(SimpleNamespace(date=day, at=at))
        if rng.random() < 0.3 and n > 1:
            i = rng.randrange(n - 1)
            journal[i], journal[i + 1] = journal[i + 1], journal[i]
        assert rules.journal_order(journal) == reference(journal), journal


def test_journal_order_sorts_only_the_days_whose_times_go_back():
    """Dates that never go back, times that do on some days (an import recording its rows'
    times, a hand-written line, a merge within one day): only those days are sorted, and the
    answer is the full sort's, for days at the start, the end, side by side or alone."""
    import random
    from types import SimpleNamespace

    zones = [dt.timezone.utc, dt.timezone(dt.timedelta(hours=8)), dt.timezone(dt.timedelta(hours=-5))]

    def reference(journal):
        def key(k):
            return journal[k].date, journal[k].at
        return sorted(range(len(journal)), key=key)

    rng = random.Random(11)
    for _ in range(300):
        journal = []
        for day in range(1, rng.randrange(2, 8)):
            times = [dt.datetime(2023, 12, day, 8, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=rng.choice([0, 5, 90]) * k)
                     for k in range(rng.randrange(1, 9))]
            if rng.random() < 0.5:
                rng.shuffle(times)
            journal += [SimpleNamespace(date=dt.date(2023, 12, day), at=t.astimezone(rng.choice(zones))) for t in times]
        assert rules.journal_order(journal) == reference(journal), journal


def test_rank_note_says_why_a_notice_s_place_moved():
    """A notice's place among those that count moves back when an earlier one is voided, and
    forward when one sent on another branch stands before it (merged): the note says which (it
    said a notice was voided when none was: a fresh-eyes try)."""
    from types import SimpleNamespace

    notice = SimpleNamespace(seq=2, level="黄")
    assert rules.seq_note(notice, 2) == ""
    assert rules.seq_note(notice, 1) == "发文时为第2次、黄色，此前的通知作废后重计"
    assert rules.seq_note(notice, 3) == "发文时为第2次、黄色，与发文时不知道的另一份通知合计重计"
    # an earlier notice void when this one was sent, restored since (a void of its void)
    assert rules.seq_note(notice, 3, restored=1) == "发文时为第2次、黄色，此前作废的通知恢复有效后重计"
    assert rules.seq_note(notice, 4, restored=1) == \
        "发文时为第2次、黄色，此前作废的通知恢复有效、并与发文时不知道的另一份通知合计重计"
