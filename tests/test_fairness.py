"""A record one can 问责 on (issue 9), story by story through the installed `cc`.

Each story starts from the bundled data cut back to the first half of 2023 (no notices yet), so
notices can be issued on any later day; every date is given with --as-of.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from chuangcheng_cli.documents.notice import REPORT_LAYOUT
from helpers import DATA, DRY_LINES, cc_ok, early_copy, snapshot_files


def early(tmp_path: Path, before: str = "2023-07-01") -> Path:
    return early_copy(tmp_path, before)


cc = cc_ok


def entries(cwd: Path) -> list[dict]:
    text = (cwd / "data" / "journal.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def status(cwd: Path, day: str) -> dict:
    return json.loads(cc(cwd, "status", "--json", "--as-of", day).stdout)


def task(cwd: Path, day: str, task_id: str) -> dict:
    return next(t for t in status(cwd, day)["tasks"] if t["id"] == task_id)


def unit(cwd: Path, day: str, unit_id: str) -> dict:
    doc = json.loads(cc(cwd, "units", "--json", "--as-of", day).stdout)
    return next(u for u in doc["units"] if u["id"] == unit_id)


# ----------------------------------------------------------------------------- notice guards


def test_repeated_notice_is_refused_until_the_deadline_passes(tmp_path):
    repo = early(tmp_path)
    first = cc(repo, "notice", "人社局", "--as-of", "2023-07-05")
    assert "法治督〔2023〕1号" in first.stdout
    # 2023-07-15 is a Saturday: the deadline moves to Monday and the user is told.
    assert "整改期限2023年7月17日" in first.stdout and "顺延" in first.stdout
    before = snapshot_files(repo)
    again = cc(repo, "notice", "人社局", "--as-of", "2023-07-05", code=1)
    assert "法治督〔2023〕1号" in again.stderr and "2023年7月17日" in again.stderr
    assert "--force" in again.stderr
    assert snapshot_files(repo) == before
    cc(repo, "notice", "人社局", "--as-of", "2023-07-17", code=1)  # on the deadline day: not yet past

    forced = cc(repo, "notice", "人社局", "--force", "--reason", "市领导交办，专项督办", "--as-of", "2023-07-10")
    assert "强制督办" in forced.stdout
    notice = [e for e in entries(repo) if e["kind"] == "notice"][-1]
    assert notice["forced"] is True and notice["reason"] == "市领导交办，专项督办"
    history = cc(repo, "history", "--kind", "notice", "--as-of", "2023-07-10").stdout
    assert "强制督办" in history
    cc(repo, "notice", "人社局", "--force", "--as-of", "2023-07-10", code=2)  # --force needs --reason


def test_reply_in_time_stops_the_clock_and_waits_for_review(tmp_path):
    repo = early(tmp_path)
    cc(repo, "notice", "人社局", "--as-of", "2023-07-05")  # T11, T14; deadline 2023-07-17
    cc(repo, "reply", "1", "--note", "已整改到位", "--as-of", "2023-07-12")
    assert task(repo, "2023-07-20", "T09")["light"] != "red"  # past the deadline, the lead has not reviewed
    queue = status(repo, "2023-07-20")["summary"]["lead_queue"]
    assert [(q["kind"], q["subject"], q["overdue"]) for q in queue] == [("review", "法治督〔2023〕1号", 3)]
    assert status(repo, "2023-07-14")["summary"]["lead_queue"][0]["overdue"] == 0  # within review_days
    assert unit(repo, "2023-07-20", "rsj")["pending_review"] == 1
    text = cc(repo, "status", "--as-of", "2023-07-20", COLUMNS="200").stdout
    assert "牵头单位待办" in text and "待审核 法治督〔2023〕1号" in text and "牵头单位逾期" in text
    refused = cc(repo, "notice", "人社局", "--as-of", "2023-07-20", code=1)
    assert "待牵头单位审核" in refused.stderr and "cc close" in refused.stderr
    # a unit's liaison is told first that notices are the office's, not what the office's queue holds
    other = cc(repo, "notice", "人社局", "--as-of", "2023-07-20", code=1, CC_USER="范某某")
    assert "不能记录督办通知" in other.stderr and "待审核" not in other.stderr

    # A reply after the deadline still shows that it came late.
    repo2 = early(tmp_path / "late")
    cc(repo2, "notice", "人社局", "--as-of", "2023-07-05")
    late = cc(repo2, "reply", "1", "--note", "整改完成", "--as-of", "2023-07-19")
    assert "晚于整改期限" in late.stdout
    assert status(repo2, "2023-07-19")["summary"]["lead_queue"][0]["late"] == 2


def test_a_review_of_what_the_same_person_entered_is_said(tmp_path):
    """One office worker entered a unit's reply and closed it at once, without a word: the record
    could not tell who reported and who reviewed (a fresh-eyes try). Said, not refused."""
    repo = early(tmp_path)
    cc(repo, "notice", "人社局", "--as-of", "2023-07-05")
    cc(repo, "reply", "1", "--note", "电话报来：已整改", "--by", "周某某", "--as-of", "2023-07-12")
    closed = cc(repo, "close", "1", "--note", "整改到位", "--by", "周某某", "--as-of", "2023-07-13")
    reply = [e for e in entries(repo) if e["kind"] == "reply"][-1]
    assert f"这条督办销号所审核的整改反馈（记录 {reply['id']}）也是 周某某 记录的" in closed.stderr.replace("\n", "")
    other = early(tmp_path / "other")
    cc(other, "notice", "人社局", "--as-of", "2023-07-05")
    cc(other, "reply", "1", "--note", "已整改", "--by", "范某某", "--as-of", "2023-07-12")
    assert "也是" not in cc(other, "close", "1", "--note", "整改到位", "--by", "周某某", "--as-of", "2023-07-13").stderr


def test_invisible_characters_copied_into_text_or_a_name_are_dropped(tmp_path):
    """A zero-width space or direction mark copied from a chat (a hostile-input try) made "周\u200b某某"
    another recorder than 周某某, so the same-hand note said nothing, and stayed in notes and
    reasons where no reader sees it. Dropped from what is recorded; a journal that holds some stays
    valid, and its names compare without them."""
    repo = early(tmp_path)
    cc(repo, "notice", "人社局", "--as-of", "2023-07-05")
    cc(repo, "reply", "1", "--note", "\u200b电话\u200e报来：已\ufeff整改\u00ad", "--by", "周\u200b某某",
       "--as-of", "2023-07-12")
    reply = [e for e in entries(repo) if e["kind"] == "reply"][-1]
    assert reply["note"] == "电话报来：已整改" and reply["by"] == "周某某"
    closed = cc(repo, "close", "1", "--note", "整改到位", "--by", "\u2060周某某\U000e0041", "--as-of", "2023-07-13")
    assert "也是 周某某 记录的" in closed.stderr.replace("\n", "")
    assert [e for e in entries(repo) if e["kind"] == "close"][-1]["by"] == "周某某"
    # an older journal's name with a zero-width space is the same recorder too
    other = early(tmp_path / "old")
    cc(other, "notice", "人社局", "--as-of", "2023-07-05")
    cc(other, "reply", "1", "--note", "已整改", "--by", "周某某", "--as-of", "2023-07-12")
    journal = other / "data" / "journal.jsonl"
    lines = journal.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[-1] = lines[-1].replace('"by":"周某某"', '"by":"周\\u200b某某"')
    assert "u200b" in lines[-1]
    journal.write_text("".join(lines), encoding="utf-8")
    cc(other, "validate", "--as-of", "2023-07-12")
    closed = cc(other, "close", "1", "--note", "整改到位", "--by", "周某某", "--as-of", "2023-07-13")
    assert "也是 周某某 记录的" in closed.stderr.replace("\n", "")


def test_a_completion_deadline_on_a_holiday_falls_due_on_the_next_working_day(tmp_path):
    """T04's 完成时限 is 2023年9月30日, inside the 国庆 holiday (9月29日—10月6日; 10月7日 a 调休
    working Saturday): it was counted 逾期 on each day of the holiday, while every 整改期限 and
    重办期限 was moved off rest days (a fairness review). Late from the day after 10月7日; the
    序时进度 stays the plan's."""
    repo = early(tmp_path)
    in_holiday = task(repo, "2023-10-03", "T04")
    assert in_holiday["light"] != "red" and not any("逾期" in r for r in in_holiday["reasons"]), in_holiday
    assert in_holiday["deadline"] == "2023-09-30" and in_holiday["due"] == "2023-10-07"
    assert in_holiday["rework"] is False and in_holiday["expected_percent"] == 100
    assert task(repo, "2023-10-07", "T04")["light"] != "red"
    late = task(repo, "2023-10-08", "T04")
    assert late["light"] == "red"
    assert "已逾期1天（时限2023年10月7日，2023年9月30日为休息日顺延）" in late["reasons"]
    shown = cc(repo, "show", "T04", "--as-of", "2023-10-08", COLUMNS="200").stdout
    assert "完成时限：2023年9月30日（为休息日，顺延至2023年10月7日）" in shown
    weekly = cc(repo, "report", "md", "--as-of", "2023-10-02").stdout
    assert "完成时限到期（牵头单位：市司法局，当前进度" in weekly and "2023年9月30日为休息日顺延）" in weekly
    # a deadline on a working day is as written
    assert task(repo, "2023-11-01", "T05")["due"] == "2023-10-31"


def test_the_lead_unit_s_review_time_ends_on_a_working_day(tmp_path):
    """With workdays false the review time (review_days, 5) of a 办结报告 of 9月26日 ended on
    10月1日, inside 国庆, and the lead unit was 逾期 on 10月2日 (a fairness review): its last day
    moves off rest days as every 期限 does (10月7日, a 调休 working Saturday). Reports to 市领导
    recorded before layout 5 say what they said when sent."""
    import datetime as dt

    from chuangcheng_cli.domain import models, rules

    repo = early(tmp_path, "2023-09-12")
    cc(repo, "log", "T04", "--unit", "司法局", "--percent", "100", "--note", "办结", "--by", "吴某某", "--as-of", "2023-09-26")
    in_holiday = task(repo, "2023-10-02", "T04")
    assert not any("逾期" in r for r in in_holiday["reasons"]), in_holiday
    assert status(repo, "2023-10-02")["summary"]["lead_queue"][0]["overdue"] == 0
    late = " ".join(task(repo, "2023-10-08", "T04")["reasons"])
    assert "超过审核时限1天" in late, late
    policy = models.Policy.model_validate({"escalation_threshold": 3, "report_interval_days": 30, "lag_threshold": 10,
                                           "rectification_days": 10, "notice_prefix": "法治督",
                                           "escalate_to": "市创建全国文明城市指挥部", "backfill_days": 3})
    since, day = dt.date(2023, 9, 26), dt.date(2023, 10, 2)
    assert rules.review_over(policy, since, day) == 0 and rules.review_over(policy, since, day, moved=False) == 1


def test_a_co_unit_s_own_view_says_its_own_share_of_a_light():
    """status --unit of a co-unit showed the lead unit's "非本单位原因：" before the co-unit's own
    problem (read by it as its own excuse), and nothing before a task lit by the lead alone (a try
    of a new group). Its own view now names it: none of it, or the co-unit's own."""
    from helpers import cc_ok

    def attention(unit: str) -> str:
        out = cc_ok(DATA.parent, "status", "--unit", unit, "--data", str(DATA), "--as-of", "2023-09-10",
                    COLUMNS="200").stdout
        return out.split("需要关注：")[1].split("红灯")[0]

    assert "T09 ●红 人社局 非本单位（住建局）原因：督办通知法治督〔2023〕2号整改超期" in attention("住建局")
    own = attention("妇联")  # T13, led by 民政局, yellow for 妇联's problem alone
    assert "T13 ●黄 民政局 妇联问题W2023-0018" in own and "非本单位" not in own
    assert "T13 ●黄 民政局 非本单位原因：妇联问题W2023-0018" in attention("民政局")  # the lead's own view, as before


def test_a_co_unit_s_share_beside_another_co_unit_s_at_the_same_light_is_said(tmp_path):
    """T12 yellow for a problem of 教育局 and one of 共青团市委, both co-units: 教育局's view said
    nothing before the reasons, as if the light were its alone (a fairness review)."""
    repo = early(tmp_path)
    for unit, place in (("教育局", "学校"), ("团市委", "青年之家")):
        cc(repo, "problem", "add", "--unit", unit, "--task", "T12", "--source", "暗访", "--place", place,
           "--desc", "未整改", "--deadline", "2023-07-06", "--as-of", "2023-07-03")
    out = cc(repo, "status", "--unit", "教育局", "--as-of", "2023-07-10", COLUMNS="200").stdout
    assert "T12 ●黄 民政局 本单位（教育局）自身为黄灯，另有其他单位原因：教育局问题W2023-0001" in out, out


def test_a_notice_on_a_problem_in_rework_gives_no_less_time_than_its_rework(tmp_path):
    """A notice citing a problem in 返工 (复查未通过) asked for the 整改情况 by its default 期限,
    days before the 返工 期限 the office itself set (a try of a new group): the unit had less time
    than it was given, and the notice then ran late first. A default 期限 is that day; one given is
    kept, and said."""
    repo = early(tmp_path)
    cc(repo, "problem", "add", "--unit", "总工会", "--source", "暗访", "--place", "职工之家", "--desc", "台账缺失",
       "--deadline", "2023-07-10", "--as-of", "2023-07-03")
    cc(repo, "problem", "fix", "1", "--note", "已整改", "--by", "苗某某", "--as-of", "2023-07-05")
    cc(repo, "problem", "recheck", "1", "--fail", "--note", "未达标", "--deadline", "2023-08-15", "--as-of", "2023-07-06")
    dry = cc(repo, "notice", "总工会", "--days", "5", "--dry-run", "--as-of", "2023-07-07")  # said before it is sent too
    assert "返工整改期限2023年8月15日晚于本通知的整改期限2023年7月12日" in dry.stdout
    given = cc(repo, "notice", "总工会", "--days", "5", "--as-of", "2023-07-07")
    assert "所列问题W2023-0001（职工之家）的返工整改期限2023年8月15日晚于本通知的整改期限2023年7月12日" in given.stdout
    notice = [e for e in entries(repo) if e["kind"] == "notice"][-1]
    assert notice["deadline"] == "2023-07-12"
    cc(repo, "void", notice["id"], "--reason", "期限有误", "--as-of", "2023-07-07")
    default = cc(repo, "notice", "总工会", "--as-of", "2023-07-07")
    assert "整改期限2023年8月15日" in default.stdout and "通知的整改期限定为同一天（不早于它）" in default.stdout
    assert [e for e in entries(repo) if e["kind"] == "notice"][-1]["deadline"] == "2023-08-15"


def test_reject_restarts_the_clock(tmp_path):
    repo = early(tmp_path)
    cc(repo, "notice", "人社局", "--as-of", "2023-07-05")
    cc(repo, "reply", "1", "--note", "已整改", "--as-of", "2023-07-12")
    rejected = cc(repo, "reject", "1", "--note", "台账不全，退回整改", "--days", "5", "--as-of", "2023-07-14")
    assert "新的整改期限2023年7月19日" in rejected.stdout
    assert not any("法治督" in r for r in task(repo, "2023-07-19", "T09")["reasons"] if "超期" in r)
    after = task(repo, "2023-07-20", "T09")
    assert after["light"] == "red" and any("整改超期1天未反馈" in r for r in after["reasons"])
    cc(repo, "close", "1", "--as-of", "2023-07-20", code=1)  # nothing to review since the reject
    cc(repo, "reply", "1", "--note", "补齐台账", "--as-of", "2023-07-21")
    cc(repo, "close", "1", "--note", "整改到位", "--as-of", "2023-07-21")
    assert unit(repo, "2023-07-21", "rsj")["open_notices"] == 0


def test_a_reject_never_brings_the_deadline_forward(tmp_path):
    """A unit that replies early keeps the time the notice gave it: sent back with the default
    days, it was due before the notice's own 整改期限 and 已逾期 ten days early (a fresh-eyes try).
    The default is then the notice's 整改期限; a --days or --deadline before it is refused."""
    repo = early(tmp_path)
    cc(repo, "notice", "人社局", "--days", "20", "--as-of", "2023-07-05")  # 整改期限 2023-07-25
    cc(repo, "reply", "1", "--note", "已整改", "--as-of", "2023-07-06")
    before = snapshot_files(repo)
    for args, said in ((("--days", "2"), "--days 2 得到的新的整改期限 2023年7月10日 早于原整改期限 2023年7月25日"),
                       (("--deadline", "2023-07-14"), "新的整改期限 2023年7月14日 早于原整改期限 2023年7月25日")):
        refused = cc(repo, "reject", "1", "--note", "材料不全", *args, "--as-of", "2023-07-06", code=2)
        assert said in refused.stderr and "不应因此更早逾期" in refused.stderr, refused.stderr
        assert snapshot_files(repo) == before
    kept = cc(repo, "reject", "1", "--note", "材料不全", "--as-of", "2023-07-06")
    assert "新的整改期限2023年7月25日（原整改期限2023年7月25日尚未到，仍以该日为整改期限）" in kept.stdout, kept.stdout
    assert [e for e in entries(repo) if e["kind"] == "reject"][-1]["deadline"] == "2023-07-25"
    assert not any("超期" in r for r in task(repo, "2023-07-25", "T09")["reasons"])
    assert any("整改超期1天未反馈" in r for r in task(repo, "2023-07-26", "T09")["reasons"])
    later = cc(repo, "reply", "1", "--note", "补齐", "--as-of", "2023-07-10")
    assert later.returncode == 0
    pushed = cc(repo, "reject", "1", "--note", "仍不全", "--deadline", "2023-07-31", "--as-of", "2023-07-10")
    assert "新的整改期限2023年7月31日" in pushed.stdout  # a later day is the lead's to give


# ----------------------------------------------------------------------------- escalation


def three_notices(repo: Path) -> None:
    cc(repo, "notice", "人社局", "--as-of", "2023-07-05")  # deadline 07-17, never answered
    cc(repo, "notice", "人社局", "--as-of", "2023-07-18")  # deadline 07-28
    assert [e["seq"] for e in entries(repo) if e["kind"] == "notice"] == [1, 2]


def test_third_notice_needs_a_deliberate_yes(tmp_path):
    repo = early(tmp_path)
    three_notices(repo)
    before = snapshot_files(repo)
    refused = cc(repo, "notice", "人社局", "--as-of", "2023-07-31", code=1)  # stdin is not a terminal
    assert "第3次督办" in refused.stderr and "--yes" in refused.stderr
    assert snapshot_files(repo) == before

    preview = cc(repo, "notice", "人社局", "--dry-run", "--as-of", "2023-07-31")
    assert "关于对市人力资源和社会保障局创城工作任务进行督办的通知" in preview.stdout
    assert "关于市人力资源和社会保障局创城工作督办情况的报告" in preview.stdout
    # the report says what became of each earlier notice
    assert "逾期" in preview.stdout and "未反馈" in preview.stdout
    assert snapshot_files(repo) == before

    done = cc(repo, "notice", "人社局", "--yes", "--as-of", "2023-07-31")
    assert "已报告市领导" in done.stdout and "法治督报〔2023〕1号" in done.stdout
    kinds = [e["kind"] for e in entries(repo)][-2:]
    assert kinds == ["notice", "escalate"]
    assert len(list((repo / "notices" / "2023").glob("*.docx"))) == 4
    row = unit(repo, "2023-07-31", "rsj")
    assert row["notice_count"] == 3 and row["escalated"]
    # a 报告 carries no 请示 (妥否，请批示): new reports close with 特此报告, recorded as their layout
    assert "特此报告。" in done.stdout and "请批示" not in done.stdout
    assert entries(repo)[-1]["layout"] == REPORT_LAYOUT


def test_a_report_sent_with_the_first_wording_reprints_as_it_was_sent():
    """The bundled journal's report to 市领导 was recorded before the wording changed (no layout):
    made again from the record, it closes as it did when it was sent."""
    from chuangcheng_cli.documents.notice import documents_of
    from chuangcheng_cli.store import checks

    project, _ = checks.load_checked(DATA)
    esc = next(e for e in project.journal if e.kind == "escalate")
    assert esc.layout == 1
    notice = next(e for e in project.journal if e.kind == "notice" and e.id == esc.trigger)
    report = documents_of(project, notice)[1][0]
    assert report.blocks[-1].text == "妥否，请批示。"


def test_void_of_the_third_notice_takes_back_the_escalation(tmp_path):
    repo = early(tmp_path)
    three_notices(repo)
    cc(repo, "notice", "人社局", "--yes", "--as-of", "2023-07-31")
    third = [e for e in entries(repo) if e["kind"] == "notice"][-1]
    history = cc(repo, "history", "--kind", "notice", "--as-of", "2023-07-31").stdout
    shown = third["id"][:13]
    assert shown in history
    before = snapshot_files(repo / "data")
    preview = cc(repo, "void", shown, "--reason", "误发", "--dry-run", "--as-of", "2023-07-31").stdout
    # the dry run says in words what would be voided, not only its id
    assert f"作废记录 {third['id']}：误发（被作废的记录：2023年7月31日 市人力资源和社会保障局 " in preview
    assert "法治督〔2023〕3号，第3次督办" in preview and snapshot_files(repo / "data") == before
    voided = cc(repo, "void", shown, "--reason", "误发：整改期限内已电话反馈", "--as-of", "2023-07-31")
    assert "报告市领导" in voided.stdout and "已生成的文书随之作废" in voided.stdout
    voids = [e for e in entries(repo) if e["kind"] == "void"]
    assert {v["entry"] for v in voids} == {third["id"], entries(repo)[-3]["id"]}
    row = unit(repo, "2023-07-31", "rsj")
    assert row["notice_count"] == 2 and not row["escalated"]
    marked = cc(repo, "history", "--unit", "人社局", "--as-of", "2023-07-31").stdout
    assert "已作废" in marked and "误发" in marked
    brief = cc(repo, "report", "md", "--as-of", "2023-07-31").stdout
    assert "### 作废的记录" in brief and "作废督办通知 法治督〔2023〕3号" in brief
    # the next notice takes the next number; the voided 文号 is never reused
    again = cc(repo, "notice", "人社局", "--yes", "--as-of", "2023-08-01")
    assert "法治督〔2023〕4号" in again.stdout and "第3次督办" in again.stdout
    assert "法治督报〔2023〕2号" in again.stdout
    # a void voided again makes its entry count once more
    cc(repo, "void", third["id"], "--reason", "再次作废", "--as-of", "2023-08-01", code=1)


def test_a_void_recorded_later_corrects_every_earlier_view(tmp_path):
    """A void corrects a mistake: a view as of a day before it was recorded counts the record as
    corrected (a fairness review found the voided third notice still escalating the unit as of
    its month, its 报告市领导 still reprinted); the history says when it was voided."""
    repo = early(tmp_path)
    three_notices(repo)
    cc(repo, "notice", "人社局", "--yes", "--as-of", "2023-07-31")
    third = [e for e in entries(repo) if e["kind"] == "notice"][-1]
    assert unit(repo, "2023-07-31", "rsj")["escalated"]
    cc(repo, "void", third["id"], "--reason", "误发：整改期限内已电话反馈", "--as-of", "2023-09-20")
    for day in ("2023-07-31", "2023-08-15", "2023-09-20"):
        row = unit(repo, day, "rsj")
        assert row["notice_count"] == 2 and not row["escalated"], day
    marked = cc(repo, "history", "--unit", "人社局", "--as-of", "2023-08-15").stdout
    assert "【已作废：误发：整改期限内已电话反馈（2023年9月20日" in marked
    score = json.loads(cc(repo, "score", "--json", "--as-of", "2023-08-15").stdout)
    rsj = next(u for u in score["units"] if u["id"] == "rsj")
    parts = {c["key"]: c for c in rsj["components"]}
    assert parts["escalation"]["count"] == 0 and parts["notice_red"]["count"] == 0
    refused = cc(repo, "reprint", "3", "--dry-run", "--as-of", "2023-08-01", code=1)
    assert "已于2023年9月20日作废" in refused.stderr


def test_a_notice_sent_for_a_voided_problem_alone_is_voided_with_it(tmp_path):
    """A notice on no task stands on the problems it cites: voiding the last of them voids the
    notice (and a report to 市领导 that counted it) in the same write, said with how to undo it; a
    notice that also cites other matters keeps counting, and the void says so (a fairness review:
    a unit was reported to 市领导 partly for a mis-registered problem)."""
    repo = early(tmp_path)
    for place, day in (("康复中心", "2023-07-03"), ("某社区", "2023-07-04")):
        cc(repo, "problem", "add", "--unit", "残联", "--source", "督查", "--place", place, "--desc", "坡道破损",
           "--days", "1", "--by", "周某某", "--as-of", day)
    cc(repo, "notice", "残联", "--as-of", "2023-07-07", "--by", "周某某")  # W2023-0001 and W2023-0002
    assert unit(repo, "2023-07-08", "cl")["notice_count"] == 1
    first = cc(repo, "void", "W2023-0001", "--reason", "登记错了单位", "--by", "周某某", "--as-of", "2023-07-08").stdout
    assert "也列有该问题，但另有其他督办事项，照常计入督办次数" in first and "同时作废" not in first
    assert unit(repo, "2023-07-08", "cl")["notice_count"] == 1
    second = cc(repo, "void", "W2023-0002", "--reason", "重复登记", "--by", "周某某", "--as-of", "2023-07-08").stdout
    assert "同时作废仅以该问题为依据的督办通知 法治督〔2023〕1号（不再计入督办次数）" in second
    voids = [e for e in entries(repo) if e["kind"] == "void"]
    notice = next(e for e in entries(repo) if e["kind"] == "notice")
    assert voids[-1]["entry"] == notice["id"] and voids[-1]["reason"] == "所依据的问题 W2023-0002 已作废：重复登记"
    assert f"cc void {voids[-1]['id']} --reason" in second
    for day in ("2023-07-07", "2023-07-20"):
        assert unit(repo, day, "cl")["notice_count"] == 0, day
    # the problem restored: the notice voided with it stays voided, and how to restore it is said
    problem_void = next(e for e in voids if e["entry"] != notice["id"] and e["reason"] == "重复登记")
    back = cc(repo, "void", problem_void["id"], "--reason", "登记无误", "--by", "周某某", "--as-of", "2023-07-09").stdout
    assert f"随该问题一并作废的督办通知仍为作废；如也应恢复：cc void {voids[-1]['id']} --reason …" in back
    assert unit(repo, "2023-07-20", "cl")["notice_count"] == 0
    # its trail, by the number alone, as by 2023-1 (a fresh-eyes try was refused)
    trail = cc(repo, "history", "-n", "1", "--as-of", "2023-07-20").stdout
    assert "督办通知（补录）（已作废）" in trail and "所依据的问题 W2023-0002 已作废" in trail


def test_void_of_an_earlier_notice_takes_back_the_report_that_counted_it(tmp_path):
    """The report to 市领导 counted three notices; voiding the first of them (sent in error) leaves
    two: the report goes with it, and the next notice is the third again, deliberately."""
    repo = early(tmp_path)
    three_notices(repo)
    cc(repo, "notice", "人社局", "--yes", "--as-of", "2023-07-31")
    first = [e for e in entries(repo) if e["kind"] == "notice"][0]
    esc = next(e for e in entries(repo) if e["kind"] == "escalate")
    assert esc["notices"] == ["2023-1", "2023-2", "2023-3"] and first["number"] == 1
    voided = cc(repo, "void", "2023-1", "--reason", "发错对象", "--as-of", "2023-08-01")
    assert f"同时作废以该通知为依据的报告市领导记录 {esc['id']}" in voided.stdout
    voids = [e for e in entries(repo) if e["kind"] == "void"]
    assert [v["entry"] for v in voids] == [first["id"], esc["id"]]
    assert voids[1]["reason"] == "所依据的督办通知 法治督〔2023〕1号 已作废：发错对象"
    row = unit(repo, "2023-08-01", "rsj")
    assert row["notice_count"] == 2 and not row["escalated"]
    assert "数据校验通过" in cc(repo, "validate").stdout
    # the report cannot come back while a notice it counted stays voided; the notice first, then it
    before = snapshot_files(repo / "data")
    alone = cc(repo, "void", voids[1]["id"], "--reason", "误作废", "--as-of", "2023-08-02", code=1)
    assert "这份报告市领导所依据的督办通知 法治督〔2023〕1号 已作废，不能单独恢复这份报告" in alone.stderr
    assert f"cc void {voids[0]['id']} --reason" in alone.stderr and snapshot_files(repo / "data") == before
    back = cc(repo, "void", voids[0]["id"], "--reason", "误作废", "--as-of", "2023-08-02").stdout
    assert f"随该通知一并作废的报告市领导记录仍为作废；如也应恢复：cc void {voids[1]['id']} --reason" in back
    cc(repo, "void", voids[1]["id"], "--reason", "误作废", "--as-of", "2023-08-02")
    row = unit(repo, "2023-08-02", "rsj")
    assert row["notice_count"] == 3 and row["escalated"]


def test_a_void_that_would_break_a_later_record_is_refused(tmp_path):
    """T07's 100% report was verified on 10-25: voiding the report alone would leave a verify
    without a finished report, an error that refuses every unit's writes. Refused, naming the
    verify; voided first, the report can go too."""
    from helpers import copy_data

    copy_data(tmp_path)
    repo = tmp_path
    before = snapshot_files(repo / "data")
    refused = cc(repo, "void", "20231016-9276", "--reason", "填错", "--by", "苏某某", "--as-of", "2023-12-31", code=2)
    assert "作废后，日志第 132 行的验收销号（记录 20231025-b0bc2253）将不再成立" in refused.stderr
    assert "cc void 20231025-b0bc2253 --reason" in refused.stderr
    assert snapshot_files(repo / "data") == before
    cc(repo, "void", "20231025-b0bc", "--reason", "验收有误", "--as-of", "2023-12-31")
    cc(repo, "void", "20231016-9276", "--reason", "填错", "--by", "苏某某", "--as-of", "2023-12-31")
    assert "数据校验通过" in cc(repo, "validate").stdout
    # nor is the verify brought back by voiding its void while its report stays voided (a
    # hostile-input try: taken, and the record then refused every write)
    void_of_verify = next(e["id"] for e in entries(repo) if e["kind"] == "void" and e["entry"] == "20231025-b0bc2253")
    before = snapshot_files(repo / "data")
    back = cc(repo, "void", void_of_verify, "--reason", "恢复验收", "--as-of", "2023-12-31", code=2)
    assert "恢复后，日志第 132 行的验收销号（记录 20231025-b0bc2253）不能成立" in back.stderr
    assert "请先恢复所依据的那条记录" in back.stderr and snapshot_files(repo / "data") == before
    assert "数据校验通过" in cc(repo, "validate").stdout
    # a void that mends an error already there is what void is for: still taken
    path = repo / "data" / "journal.jsonl"
    path.write_text(path.read_text(encoding="utf-8") + json.dumps(
        {"id": "20231231-0000dddd", "kind": "verify", "date": "2023-12-31", "at": "2023-12-31T10:00:00+08:00",
         "by": "周某某", "task": "T07"}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert "verify-before-complete" in cc(repo, "validate", code=1).stdout
    cc(repo, "void", "20231231-0000dddd", "--reason", "误录", "--as-of", "2023-12-31")
    assert "数据校验通过" in cc(repo, "validate").stdout


@pytest.mark.parametrize("bad", [
    '"percent":150,"note":"n"',  # out of range
    '"percent":"85","note":"n"',  # text where a number belongs
    '"percent":85,"note":"n","extra":1',  # an unknown field
    '"percent":85,"note":"n","note":"m"',  # a key twice
])
def test_a_line_with_an_id_that_is_no_valid_entry_is_voided_by_its_id(tmp_path, bad):
    """A hand-written line that parses but fails the schema refused every write, and cc void said
    找不到记录 of the very id validate named: only editing history (which cc audit rejects once
    committed) mended it (a hostile-input try). Voided, it is a warning and writes go on; the void
    itself may not be voided (that would bring the error back)."""
    from helpers import copy_data

    copy_data(tmp_path)
    repo = tmp_path
    path = repo / "data" / "journal.jsonl"
    with path.open("a", encoding="utf-8") as fh:
        fh.write('{"id":"20231205-beef0001","kind":"progress","date":"2023-12-05","at":"2023-12-05T10:00:00+08:00",'
                 f'"by":"吴某某","task":"T09","unit":"rsj",{bad}}}\n')
    assert "1 个错误" in cc(repo, "validate", code=1).stdout
    done = cc(repo, "void", "20231205-beef", "--reason", "手工录入有误", "--as-of", "2023-12-30").stdout
    assert "已作废：20231205-beef0001（日志第 231 行，不合规的记录）" in done
    checked = cc(repo, "validate").stdout
    assert "发现 0 个错误、1 个警告" in checked and "已作废（2023年12月30日，手工录入有误）的无效记录" in checked
    cc(repo, "log", "T09", "--unit", "人社局", "--percent", "90", "--note", "完成核查", "--by", "范某某",
       "--as-of", "2023-12-30")
    void = entries(repo)[-2]
    assert void["kind"] == "void" and void["entry"] == "20231205-beef0001"
    before = snapshot_files(repo / "data")
    back = cc(repo, "void", void["id"], "--reason", "恢复", "--as-of", "2023-12-31", code=2)
    assert "作废的是日志第 231 行不合规的记录，不能恢复" in back.stderr
    again = cc(repo, "void", "20231205-beef0001", "--reason", "再来", "--as-of", "2023-12-31", code=1)
    assert "不合规的记录 20231205-beef0001 已于2023年12月30日作废" in again.stderr
    assert snapshot_files(repo / "data") == before


def test_lines_that_share_an_id_are_voided_together_or_not_at_all(tmp_path):
    """Two bad lines of one id are voided by one void; a bad line copied from a valid one (same
    id) is named and never voided with it: the void would void the valid record, for good (a
    hostile-input try of the change above)."""
    from helpers import copy_data

    copy_data(tmp_path)
    repo = tmp_path
    path = repo / "data" / "journal.jsonl"
    with path.open("a", encoding="utf-8") as fh:
        for percent in (150, 170):
            fh.write('{"id":"20231205-beef0001","kind":"progress","date":"2023-12-05","at":"2023-12-05T10:00:00+08:00",'
                     f'"by":"吴某某","task":"T09","unit":"rsj","percent":{percent},"note":"n"}}\n')
    done = cc(repo, "void", "20231205-beef", "--reason", "手工录入有误", "--as-of", "2023-12-30").stdout
    assert "日志第 231、232 行" in done and "发现 0 个错误、2 个警告" in cc(repo, "validate").stdout
    copied = next(line for line in path.read_text(encoding="utf-8").splitlines() if "20231229-00b9c238" in line)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(copied.replace('"percent":80', '"percent":150') + "\n")
    checked = cc(repo, "validate", code=1).stdout
    assert 'journal.jsonl:234:1: 错误: 这一行的记录 id "20231229-00b9c238" 与一条有效记录相同' in checked
    before = snapshot_files(repo / "data")
    refused = cc(repo, "void", "20231229-00b9c238", "--reason", "x", "--as-of", "2023-12-30", code=2)
    assert "既是一条有效记录的 id，也是日志第 234 行不合规的一行的 id" in refused.stderr
    assert snapshot_files(repo / "data") == before


def test_voids_of_voids_at_any_depth(tmp_path):
    """A void of a void brings its target back; a void of that one voids the target again (a
    hostile-input try: the third level was ignored, T09 stayed at 80% while history said voided)."""
    from helpers import copy_data

    copy_data(tmp_path)
    repo = tmp_path

    def t09() -> int:
        return next(t for t in status(repo, "2023-12-30")["tasks"] if t["id"] == "T09")["percent"]

    assert t09() == 80
    cc(repo, "void", "20231229-00b9", "--reason", "一", "--as-of", "2023-12-30")
    first = t09()
    assert first < 80
    for n, expected in ((2, 80), (3, first), (4, 80)):
        last = entries(repo)[-1]["id"]
        cc(repo, "void", last, "--reason", f"第{n}层", "--as-of", "2023-12-30")
        assert t09() == expected, n
    assert "数据校验通过" in cc(repo, "validate").stdout


def test_a_notice_voided_again_down_a_chain_of_voids_takes_its_report_with_it(tmp_path):
    """Void the notice (its report goes too), restore it, restore the report, then void the
    restoring: the notice is voided again and its report stood on it, counted, reported to 市领导
    (a hostile-input try). Now the report goes with it, and cc history --unit lists every void of
    the chain."""
    from helpers import copy_data

    copy_data(tmp_path)
    repo = tmp_path
    cc(repo, "void", "法治督〔2023〕4号", "--reason", "一", "--as-of", "2023-11-01")
    v1, v2 = (e["id"] for e in entries(repo)[-2:])
    cc(repo, "void", v1, "--reason", "二", "--as-of", "2023-11-02")
    v3 = entries(repo)[-1]["id"]
    cc(repo, "void", v2, "--reason", "三", "--as-of", "2023-11-03")
    assert unit(repo, "2023-12-31", "rsj")["escalated"]
    out = cc(repo, "void", v3, "--reason", "四", "--as-of", "2023-11-04").stdout
    assert f"它所作废的作废记录 {v1} 重新生效：督办通知 法治督〔2023〕4号" in out and "同时作废以该通知为依据的报告市领导记录" in out
    row = unit(repo, "2023-12-31", "rsj")
    assert row["notice_count"] == 2 and not row["escalated"]
    trail = cc(repo, "history", "--unit", "人社局", "--kind", "作废", "--as-of", "2023-12-31").stdout
    assert all(e["id"][:13] in trail for e in entries(repo) if e["kind"] == "void")
    assert "数据校验通过" in cc(repo, "validate").stdout


def test_a_notice_is_not_restored_once_a_later_one_took_its_place(tmp_path):
    """Voided, replaced by a new 第3次督办 with its report, then restored: two 第3次督办 and two
    reports on the same notices (a hostile-input try). Refused, naming the later notice."""
    from helpers import copy_data

    copy_data(tmp_path)
    repo = tmp_path
    cc(repo, "void", "法治督〔2023〕4号", "--reason", "发错", "--as-of", "2023-10-20")
    v1 = entries(repo)[-2]["id"]
    cc(repo, "notice", "人社局", "--yes", "--as-of", "2023-11-01", "-o", str(tmp_path / "out"))
    before = snapshot_files(repo / "data")
    refused = cc(repo, "void", v1, "--reason", "恢复", "--as-of", "2023-11-05", code=1)
    assert "已向该单位发出 法治督〔2023〕5号" in refused.stderr and "cc void 法治督〔2023〕5号" in refused.stderr
    assert snapshot_files(repo / "data") == before


def test_a_lead_changed_in_the_tasklist_is_warned_until_the_new_lead_reports(tmp_path):
    """tasklist.yaml holds the lead unit as it is now: swapping T09's lead and co-unit silently made
    the new lead answer for all the lag before (a fairness review). validate warns, naming the
    unit that reported and the lead that never did, until the new lead reports."""
    from helpers import copy_data

    copy_data(tmp_path)
    plan = tmp_path / "data" / "tasklist.yaml"
    text = plan.read_text(encoding="utf-8")
    t09 = text.index("id: T09")
    head, tail = text[:t09], text[t09:]
    tail = tail.replace("lead: rsj", "lead: zjj", 1).replace("co_units: [zjj]", "co_units: [rsj]", 1)
    plan.write_text(head + tail, encoding="utf-8")
    out = cc(tmp_path, "validate", code=0).stdout
    assert "[lead-never-reported]" in out and "任务 T09 的进度都由 市人力资源和社会保障局 报送" in out
    assert "牵头单位却是 市住房和城乡建设局，从未报送" in out
    cc(tmp_path, "log", "T09", "--unit", "住建局", "--percent", "80", "--note", "接手牵头", "--by", "唐某某",
       "--as-of", "2023-12-30")
    assert "lead-never-reported" not in cc(tmp_path, "validate").stdout


def test_a_backfilled_finish_from_before_a_reopen_is_not_called_a_resubmission(tmp_path):
    """T14 reported finished, sent back on 12-20; a 100% report backfilled with --date 12-19 goes
    before the reopen, so the task still waits for its resubmission: the message says so, as
    status does, instead of 已报办结."""
    repo = early(tmp_path, "2023-11-21")
    cc(repo, "log", "T14", "--unit", "民政局", "--percent", "100", "--note", "全部完成", "--by", "贺某某",
       "--as-of", "2023-12-10")
    cc(repo, "reopen", "T14", "--reason", "台账不全", "--by", "周某某", "--as-of", "2023-12-20")
    out = cc(repo, "log", "T14", "--unit", "民政局", "--percent", "100", "--note", "重新报办结", "--date", "2023-12-19",
             "--by", "贺某某", "--as-of", "2023-12-22").stdout
    assert "这份办结报告的日期早于2023年12月20日的退回重办，不算重新报办结" in out and "待牵头单位验收" not in out
    assert "尚未重新报送办结" in " ".join(task(repo, "2023-12-22", "T14")["reasons"])
    again = cc(repo, "log", "T14", "--unit", "民政局", "--percent", "100", "--note", "重新报办结", "--by", "贺某某",
               "--as-of", "2023-12-22").stdout
    assert "已报办结，待牵头单位验收销号" in again


# ----------------------------------------------------------------------------- own part only


def test_co_unit_answers_only_for_its_own_part(tmp_path):
    repo = early(tmp_path)
    refused = cc(repo, "notice", "总工会", "--as-of", "2023-07-05", code=1)
    assert "目前没有因本单位原因滞后（红灯或黄灯）的任务" in refused.stderr
    cc(repo, "notice", "总工会", "--task", "T08", "--as-of", "2023-07-05", code=2)  # needs --reason
    ok = cc(repo, "notice", "总工会", "--task", "T08", "--reason", "未按要求开展劳动用工法律体检",
            "--as-of", "2023-07-05")
    assert "第1次督办" in ok.stdout
    notice = [e for e in entries(repo) if e["kind"] == "notice"][-1]
    assert notice["unit"] == "zgh"
    assert not any("未报送" in g or "序时" in g for g in notice["gaps"])  # the lead's silence is not its gap
    # The lead's notice never cites a co-unit's lateness either.
    cc(repo, "notice", "人社局", "--as-of", "2023-07-20")
    lead = [e for e in entries(repo) if e["kind"] == "notice"][-1]
    assert not any("法治督〔2023〕1号" in g for g in lead["gaps"])


def test_a_co_unit_s_own_view_shows_its_own_desk_and_notice_count_not_the_lead_s(tmp_path):
    """cc status --unit for a co-unit: the task's 科室/人 and 督办 columns are that unit's own (from
    its name's line, listed last among the co-units so its 科室 and 人 both fit below it), never the
    lead unit's three notices and escalation as if they were its own."""
    shutil.copytree(DATA, tmp_path / "data")
    whole = task(tmp_path, "2023-12-31", "T09")
    assert (whole["notice_count"], whole["escalated"]) == (3, True)  # 人社局's, the lead's
    zjj = next(v for v in whole["co_unit_views"] if v["unit"] == "市住房和城乡建设局")
    assert zjj["notice_count"] == 0 and not zjj["escalated"] and zjj["assignee"]
    assert [v["short"] for v in whole["co_unit_views"]] == whole["co_units"]  # paired by name with co_units
    mine = json.loads(cc(tmp_path, "status", "--unit", "住建局", "--json", "--as-of", "2023-12-31").stdout)
    (row,) = mine["tasks"]
    assert row["for_unit"] == "市住房和城乡建设局" and row["own"] == zjj
    assert (row["notice_count"], row["escalated"]) == (3, True)  # the row's own keys keep their meaning: the lead's
    lead = json.loads(cc(tmp_path, "status", "--unit", "人社局", "--json", "--as-of", "2023-12-31").stdout)
    t09 = next(t for t in lead["tasks"] if t["id"] == "T09")
    assert (t09["notice_count"], t09["escalated"]) == (3, True) and "for_unit" not in t09
    for columns in ("100", "130"):  # narrow and wide layouts: the count sits on 住建局's line
        out = cc(tmp_path, "status", "--unit", "住建局", "--as-of", "2023-12-31", COLUMNS=columns).stdout
        lines = out.splitlines()
        row_line = next(k for k, line in enumerate(lines) if line.startswith("T09"))
        assert "3!" not in out
        own = next(line for line in lines[row_line:row_line + 2] if "住建局" in line)
        assert own.rstrip().endswith(" 0")
        assert zjj["assignee"].split("/")[0][:4] in own
        assert "科室/人和督办次数是本单位的" in out
    # 总工会 on T08 (listed before 工商联 in the plan): shown last, its 科室 on its line and its 人
    # on the next, nothing of it beside 工商联
    for columns in ("80", "130"):
        lines = cc(tmp_path, "status", "--unit", "总工会", "--as-of", "2023-12-31", COLUMNS=columns).stdout.splitlines()
        at = next(k for k, line in enumerate(lines) if "总工会" in line and "注" not in line)
        assert "权益保障部" in lines[at] and lines[at].rstrip().endswith(" 0") and "方某某" in lines[at + 1]
        assert not any("方某某" in line or "权益保障" in line for line in lines if "工商联" in line)
    narrow = cc(tmp_path, "status", "--unit", "总工会", "--as-of", "2023-12-31", COLUMNS="60").stdout
    assert "督办次数是本单位的" in narrow and "科室/人和督办" not in narrow  # no 科室/人 column that narrow


def test_a_task_lit_only_by_a_co_unit_s_problem_says_so_beside_the_lead_unit(tmp_path):
    """T13 is yellow on 2023-09-10 only for 妇联's overdue problem: status --json flags it
    (not_lead_s_cause) and the 需要关注 line says 非本单位原因 before the reasons, as the weekly
    report marks 民政局（非本单位原因）; a task lagging for the lead's own reasons is not flagged."""
    shutil.copytree(DATA, tmp_path / "data")
    rows = {t["id"]: t for t in status(tmp_path, "2023-09-10")["tasks"]}
    assert rows["T13"]["light"] == "yellow" and rows["T13"]["not_lead_s_cause"]
    assert rows["T08"]["light"] == "yellow" and not rows["T08"]["not_lead_s_cause"]
    assert not rows["T01"]["not_lead_s_cause"]  # not red or yellow at all
    out = cc(tmp_path, "status", "--as-of", "2023-09-10", COLUMNS="100").stdout
    assert "T13 ●黄 民政局 非本单位原因：妇联问题W2023-0018" in out
    assert "非本单位原因" not in next(line for line in out.splitlines() if line.startswith(" T08"))


def test_finished_work_waits_for_acceptance_not_red(tmp_path):
    repo = early(tmp_path)
    cc(repo, "log", "T04", "--unit", "司法局", "--percent", "100", "--note", "办结", "--as-of", "2023-09-25")
    row = task(repo, "2023-10-09", "T04")  # deadline 2023-09-30 passed, not yet verified
    assert row["light"] == "accept"
    assert any("待验收" in r for r in row["reasons"])
    # late only as the office's, by name (beside the task's own 牵头单位, "牵头单位逾期" would read as
    # that unit's): the wait for 验收 past the review days is 市司法局's
    assert not any("逾期" in r.replace("市司法局逾期", "") for r in row["reasons"])
    assert any("超过审核时限" in r and "市司法局逾期" in r for r in row["reasons"])
    queue = status(repo, "2023-10-09")["summary"]["lead_queue"]
    assert ("accept", "T04") in [(q["kind"], q["subject"]) for q in queue]
    cc(repo, "verify", "T04", "--as-of", "2023-10-09")
    assert task(repo, "2023-10-09", "T04")["light"] == "done"


def test_a_late_notice_stays_in_sight_after_its_task_is_verified(tmp_path):
    """人社局 owes replies to three notices about T09; the office verifies T09. The notices stay open
    and late, so status keeps naming them, in the unit's own row (as a problem on no open task),
    until the office closes them: no task shows them any more."""
    repo = early(tmp_path, "2024-01-01")
    before = status(repo, "2023-12-30")["summary"]["unit_gaps"]
    assert all(g["unit_name"] != "市人力资源和社会保障局" for g in before)  # T09 names them while open
    cc(repo, "log", "T09", "--unit", "人社局", "--percent", "100", "--note", "办结", "--by", "范某某",
       "--as-of", "2023-12-30")
    cc(repo, "verify", "T09", "--note", "验收", "--as-of", "2023-12-30")
    doc = status(repo, "2023-12-30")
    assert next(t for t in doc["tasks"] if t["id"] == "T09")["light"] == "done"
    rsj = next(g for g in doc["summary"]["unit_gaps"] if g["unit_name"] == "市人力资源和社会保障局")
    assert rsj["light"] == "red" and rsj["gaps"][0] == "3份督办通知整改超期未反馈（最早超期128天）"
    assert "人社局 3份督办通知整改超期未反馈" in cc(repo, "status", "--as-of", "2023-12-30").stdout
    out = cc(repo, "report", "html", "--as-of", "2023-12-30", "-o", str(tmp_path / "r.html")).stdout
    assert out and "3份督办通知整改超期未反馈（最早超期128天）" in (tmp_path / "r.html").read_text(encoding="utf-8")
    # filtered to the unit, the row is still there; another unit's view leaves it out
    assert "3份督办通知" in cc(repo, "status", "--unit", "人社局", "--as-of", "2023-12-30").stdout
    assert "3份督办通知" not in cc(repo, "status", "--unit", "司法局", "--as-of", "2023-12-30").stdout
    # and the other filters: a light shows the unit rows of that light; an indicator none (they are on no task)
    assert "3份督办通知" in cc(repo, "status", "--light", "red", "--as-of", "2023-12-30").stdout
    assert "3份督办通知" not in cc(repo, "status", "--light", "yellow", "--as-of", "2023-12-30").stdout
    assert "3份督办通知" not in cc(repo, "status", "--indicator", "I3", "--as-of", "2023-12-30").stdout


def test_a_notice_naming_no_task_is_its_units_own_matter(tmp_path):
    """党校 (a co-unit of 宣传部's T02) is sent a notice about a problem on no task: the notice names
    no task. Late, it shows on 党校's own row; T02, which 宣传部 leads on pace, stays as it was, and
    neither unit loses points for a red task (found by a fresh-eyes try: T02 turned red)."""
    repo = early(tmp_path, "2023-08-20")
    cc(repo, "problem", "add", "--unit", "党校", "--source", "督查", "--place", "党校报告厅",
       "--desc", "法治课程未列入主体班", "--days", "3", "--as-of", "2023-08-20")
    cc(repo, "notice", "党校", "--yes", "--as-of", "2023-08-24")
    notice = [e for e in entries(repo) if e["kind"] == "notice"][-1]
    assert notice["unit"] == "dx" and notice.get("tasks", []) == [] and notice["doc_no"] == "法治督〔2023〕3号"
    doc = status(repo, "2023-09-06")
    t02 = next(t for t in doc["tasks"] if t["id"] == "T02")
    assert t02["light"] != "red" and not any("法治督" in r for r in t02["reasons"]), t02
    own = next(g for g in doc["summary"]["unit_gaps"] if g["unit_name"] == "市委党校")
    assert own["light"] == "red" and own["gaps"][0].startswith("督办通知法治督〔2023〕3号整改超期")
    shown = cc(repo, "status", "--as-of", "2023-09-06", COLUMNS="100").stdout.splitlines()
    at = shown.index(" 单位自身（不在未销号的任务上，不计入任务灯色）：")  # not read as part of the task row above it
    assert shown[at + 1].split()[:2] == ["●红", "党校"]
    for who in ("党校", "宣传部"):
        scored = json.loads(cc(repo, "score", "--unit", who, "--json", "--as-of", "2023-09-06").stdout)
        red = next(c for c in scored["units"][0]["components"] if c["key"] == "red_task")
        assert red["count"] == 0, (who, red)
    refused = cc(repo, "notice", "宣传部", "--dry-run", "--as-of", "2023-09-06", code=1)
    assert "没有因本单位原因滞后（红灯或黄灯）的任务" in refused.stderr  # as status says: T02 is not red
    # replied, the notice waits for the office's review on no task either
    cc(repo, "reply", "3", "--note", "已列入主体班课程", "--by", "许某某", "--as-of", "2023-09-07")
    t02 = task(repo, "2023-09-20", "T02")
    assert not any("法治督" in r for r in t02["reasons"]), t02


def test_a_co_units_late_notice_on_a_task_is_named_with_its_unit(tmp_path):
    """妇联 (a co-unit of 民政局's T13) is sent a notice about its part of T13 and does not reply in
    time: T13's line, shown under 民政局's name, names 妇联 as the one late (as it does a co-unit's
    problem), and 民政局 is not counted as lagging for it."""
    repo = early(tmp_path, "2023-09-01")
    cc(repo, "problem", "add", "--unit", "妇联", "--task", "T13", "--source", "暗访", "--place", "城北街道妇女儿童之家",
       "--desc", "未公示反家暴庇护救助指引", "--days", "3", "--as-of", "2023-09-01")
    cc(repo, "notice", "妇联", "--yes", "--as-of", "2023-09-11")
    notice = [e for e in entries(repo) if e["kind"] == "notice"][-1]
    assert notice["unit"] == "fl" and "T13" in notice["tasks"], notice
    t13 = task(repo, "2023-09-25", "T13")
    late = [r for r in t13["reasons"] if notice["doc_no"] in r]
    assert late and all(r.startswith("妇联督办通知") for r in late), t13["reasons"]


def test_a_task_sent_back_late_gets_a_rework_deadline(tmp_path):
    """中院 reports T06 complete on 10月12日, before its deadline (10月31日); the office sends it back
    on 11月6日. The days the office took are not 中院's delay: T06 is not red, and 中院 loses no
    points for it, until the 重办期限 the reopen gives has passed (found by a fresh-eyes try: red
    at once, 已逾期6天). An older reopen, recorded without a 重办期限, is judged the same way."""
    repo = early(tmp_path, "2023-10-13")
    assert task(repo, "2023-10-12", "T06")["light"] == "accept"
    out = cc(repo, "reopen", "T06", "--reason", "台账不全", "--as-of", "2023-11-06").stdout
    reopen = [e for e in entries(repo) if e["kind"] == "reopen"][-1]
    due = reopen["deadline"]
    assert due > "2023-11-06" and f"重办期限{cn(due)}" in out
    row = task(repo, "2023-11-06", "T06")
    assert row["light"] == "yellow" and row["due"] == due and row["deadline"] == "2023-10-31", row
    assert f"已退回重办，尚未重新报送办结（重办期限{cn(due)}）" in row["reasons"]
    assert not any("逾期" in r for r in row["reasons"])
    scored = json.loads(cc(repo, "score", "--unit", "中院", "--json", "--as-of", "2023-11-06").stdout)
    assert next(c for c in scored["units"][0]["components"] if c["key"] == "red_task")["count"] == 0
    late = task(repo, "2023-11-20", "T06")
    assert late["light"] == "red" and any(r.startswith("已逾期") and f"（重办期限{cn(due)}）" in r for r in late["reasons"])
    # a report that came after the deadline gains nothing from being sent back: still late at once
    # (found by a review: an overdue task reported 100% and sent back the same day turned yellow)
    t01 = task(repo, "2023-12-05", "T01")
    assert t01["light"] == "red" and t01["due"] == t01["deadline"] == "2023-11-30", t01
    cc(repo, "log", "T01", "--unit", "司法局", "--percent", "100", "--note", "已完成", "--as-of", "2023-12-05")
    late = cc(repo, "reopen", "T01", "--reason", "材料不实", "--as-of", "2023-12-05").stdout
    assert "不另给重办期限" in late
    assert "deadline" not in entries(repo)[-1]  # no 重办期限 recorded that would count for nothing
    t01 = task(repo, "2023-12-05", "T01")
    assert t01["light"] == "red" and t01["due"] == "2023-11-30" and any("已逾期5天" in r for r in t01["reasons"])
    # the record without its 重办期限 (as written before it was recorded) reads the same
    before = {day: status(repo, day) for day in ("2023-11-06", "2023-11-20")}
    path = repo / "data" / "journal.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    old = [json.dumps({k: v for k, v in json.loads(line).items() if k != "deadline"}, ensure_ascii=False)
           if json.loads(line)["kind"] == "reopen" and json.loads(line)["task"] == "T06" else line for line in lines]
    path.write_text("\n".join(old) + "\n", encoding="utf-8")
    assert {day: status(repo, day) for day in before} == before
    # and the store's fold of the journal (a read after a pull) gives the same answer
    store = {"CC_NO_CACHE": "", "CC_CACHE_DIR": str(tmp_path / "store")}
    assert json.loads(cc(repo, "status", "--json", "--as-of", "2023-11-20", **store).stdout) == before["2023-11-20"]
    cc(repo, "log", "T09", "--unit", "人社局", "--percent", "70", "--note", "推进中", "--by", "范某某",
       "--as-of", "2023-11-20")
    assert (json.loads(cc(repo, "status", "--json", "--as-of", "2023-11-20", **store).stdout)
            == status(repo, "2023-11-20"))


def cn(iso: str) -> str:
    y, m, d = (int(x) for x in iso.split("-"))
    return f"{y}年{m}月{d}日"


def test_a_voided_notice_is_named_as_voided_not_as_unknown(tmp_path):
    """A liaison holding the paper copy of a voided notice is told it was voided, why, and what
    replaced it (found by a fresh-eyes try: 找不到督办通知 4)."""
    repo = early(tmp_path, "2024-01-01")
    cc(repo, "void", "法治督〔2023〕4号", "--reason", "误发", "--as-of", "2023-12-31")
    for args in (["reply", "4", "--note", "已整改", "--by", "范某某"], ["reprint", "2023-4"],
                 ["close", "法治督〔2023〕4号"]):
        refused = cc(repo, *args, "--as-of", "2023-12-31", code=1)
        assert "督办通知 法治督〔2023〕4号 已于2023年12月31日作废（误发）" in refused.stderr, refused.stderr
        assert "无需反馈" in refused.stderr
    cc(repo, "notice", "人社局", "--yes", "--as-of", "2023-12-31")
    refused = cc(repo, "reply", "4", "--note", "已整改", "--by", "范某某", "--as-of", "2023-12-31", code=1)
    assert "作废后发给该单位的督办通知：法治督〔2023〕5号" in refused.stderr


# ----------------------------------------------------------------------------- deadlines


def test_deadline_moves_past_the_national_day_holiday(tmp_path):
    repo = early(tmp_path)
    # 2023-10-05 falls in the 国庆 holiday; 2023-10-07 (a Saturday) is a 调休 working day.
    out = cc(repo, "notice", "人社局", "--as-of", "2023-09-25")
    assert "整改期限2023年10月7日" in out.stdout


def test_workdays_policy_counts_working_days(tmp_path):
    repo = early(tmp_path)
    plan = repo / "data" / "tasklist.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace(
        "  rectification_days: 10", "  workdays: true\n  rectification_days: 10"), encoding="utf-8")
    out = cc(repo, "notice", "人社局", "--as-of", "2023-09-25")
    # 9/26–28 (3), 9/29–10/6 holiday, 10/7–8 调休 (5), 10/9–13 (10)
    assert "整改期限2023年10月13日" in out.stdout and "10个工作日" in out.stdout


def test_workdays_policy_counts_the_lead_unit_s_review_time_in_working_days_too(tmp_path):
    """With workdays: true the units' 整改期限 skip 国庆; the lead unit's review time did not, and a
    reply sent the day before the holiday made the office late during it (a fairness review)."""
    repo = early(tmp_path)
    plan = repo / "data" / "tasklist.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace(
        "  rectification_days: 10", "  workdays: true\n  rectification_days: 10"), encoding="utf-8")
    cc(repo, "notice", "人社局", "--as-of", "2023-09-18")
    cc(repo, "reply", "1", "--note", "已整改到位", "--by", "范某某", "--as-of", "2023-09-28")
    # five working days after 9月28日: 10月7日、8日 (调休), 9日, 10日, 11日
    for day, over in (("2023-10-09", 0), ("2023-10-11", 0), ("2023-10-13", 2)):
        queue = status(repo, day)["summary"]["lead_queue"]
        assert [(q["subject"], q["overdue"]) for q in queue] == [("法治督〔2023〕1号", over)], day
    assert "牵头单位逾期" not in cc(repo, "status", "--as-of", "2023-10-09", COLUMNS="200").stdout
    cc(repo, "close", "1", "--note", "核查属实", "--as-of", "2023-10-13")
    score = json.loads(cc(repo, "score", "--json", "--as-of", "2023-10-20").stdout)
    sfj = next(u for u in score["units"] if u["id"] == "sfj")
    late = next(c for c in sfj["components"] if c["key"] == "late_review")
    assert late["count"] == 1 and late["items"] == ["法治督〔2023〕1号（超时2天办理）"]


# ----------------------------------------------------------------------------- damaged record


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=cwd,
                   check=True, capture_output=True)


def test_duplicate_number_from_a_merge_never_locks_the_office_out(tmp_path):
    repo = early(tmp_path)
    shutil.copy(Path(__file__).resolve().parents[1] / ".gitattributes", repo / ".gitattributes")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "other")
    cc(repo, "notice", "人社局", "--as-of", "2023-07-05")
    git(repo, "commit", "-qam", "notice on a clone")
    git(repo, "checkout", "-q", "main")
    cc(repo, "notice", "市场监管局", "--as-of", "2023-07-05")
    git(repo, "commit", "-qam", "notice on another clone")
    git(repo, "merge", "-q", "--no-edit", "other")
    numbers = [e["doc_no"] for e in entries(repo) if e["kind"] == "notice"]
    assert numbers == ["法治督〔2023〕1号", "法治督〔2023〕1号"]

    for args in (["status"], ["units"], ["history"], ["show", "T09"], ["report", "md"]):
        result = cc(repo, *args, "--as-of", "2023-07-06")
        assert "数据有 1 处问题，1 条记录未计入" in result.stderr
    cc(repo, "status", "--strict", "--as-of", "2023-07-06", code=1)
    checked = cc(repo, "validate", code=1)
    assert "duplicate-notice-number" in checked.stdout and "cc void" in checked.stdout
    before = snapshot_files(repo / "data")
    cc(repo, "log", "T09", "--unit", "人社局", "--percent", "20", "--note", "x", "--as-of", "2023-07-06", code=1)
    assert snapshot_files(repo / "data") == before  # other writes still refuse on a broken journal

    second = [e for e in entries(repo) if e["kind"] == "notice"][1]
    cc(repo, "void", second["id"], "--reason", "两个分支重复编号", "--as-of", "2023-07-06")
    assert "数据有" not in cc(repo, "status", "--as-of", "2023-07-06").stderr
    cc(repo, "validate")
    again = cc(repo, "notice", second["unit"], "--as-of", "2023-07-06")
    assert "法治督〔2023〕2号" in again.stdout


def test_broken_json_line_is_skipped_with_a_warning(tmp_path):
    repo = early(tmp_path)
    path = repo / "data" / "journal.jsonl"
    path.write_text(path.read_text(encoding="utf-8") + '{"id": "broken",\n', encoding="utf-8")
    result = cc(repo, "status", "--as-of", "2023-07-01")
    assert "1 条记录未计入" in result.stderr and "cc validate" in result.stderr
    assert "手工修正" in result.stderr  # a line with no entry has no id to void
    cc(repo, "units", "--strict", "--as-of", "2023-07-01", code=1)


# ----------------------------------------------------------------------------- documents


def test_documents_are_renderings_of_the_record(tmp_path):
    repo = early(tmp_path)
    # a folder the document cannot go to is found before the record is written (it was recorded,
    # counted toward the unit's 督办, and only then its document failed)
    (repo / "notices").write_text("a file where the folder should be", encoding="utf-8")
    before = snapshot_files(repo / "data")
    failed = cc(repo, "notice", "人社局", "--as-of", "2023-07-05", code=1)
    assert "文书目录无法写入，未写入任何内容" in failed.stderr and snapshot_files(repo / "data") == before
    (repo / "notices").unlink()
    cc(repo, "notice", "人社局", "--as-of", "2023-07-05")
    notice = [e for e in entries(repo) if e["kind"] == "notice"][-1]
    (repo / notice["file"]).unlink()  # a document lost afterwards (or one that failed as it was written)
    warned = cc(repo, "validate")
    assert "document-missing" in warned.stdout and "cc reprint 2023-1" in warned.stdout
    cc(repo, "validate", "--strict", code=1)
    cc(repo, "reprint", "1", "--as-of", "2023-07-05")
    assert (repo / notice["file"]).is_file()
    cc(repo, "validate", "--strict")
    assert not list(repo.rglob("*.tmp"))


def test_a_voided_notice_s_deleted_document_is_not_asked_for(tmp_path):
    """cc void says a voided notice's document may be deleted and cc reprint makes none: validate
    (and so CI's --strict) does not ask for it; a notice still in force does."""
    repo = early(tmp_path)
    cc(repo, "notice", "人社局", "--as-of", "2023-07-05")
    cc(repo, "notice", "市场监管局", "--as-of", "2023-07-05")
    first, second = [e for e in entries(repo) if e["kind"] == "notice"][-2:]
    voided = cc(repo, "void", first["doc_no"], "--reason", "发错了", "--as-of", "2023-07-06")
    assert "作废" in voided.stdout
    (repo / first["file"]).unlink()
    cc(repo, "validate", "--strict")
    refused = cc(repo, "reprint", str(first["number"]), "--as-of", "2023-07-06", code=1)
    assert "作废" in refused.stderr
    (repo / second["file"]).unlink()
    warned = cc(repo, "validate")
    assert warned.stdout.count("document-missing") == 1 and f"cc reprint {second['year']}-{second['number']}" in warned.stdout
    cc(repo, "validate", "--strict", code=1)


def test_stray_document_never_blocks_a_notice(tmp_path):
    repo = early(tmp_path)
    folder = repo / "notices" / "2023"
    folder.mkdir(parents=True)
    (folder / "法治督〔2023〕1号_市人力资源和社会保障局督办通知.docx").write_bytes(b"left by hand")
    out = cc(repo, "notice", "人社局", "--as-of", "2023-07-05")
    assert "法治督〔2023〕1号" in out.stdout
    notice = [e for e in entries(repo) if e["kind"] == "notice"][-1]
    assert notice["file"].endswith("（2）.docx") and (repo / notice["file"]).is_file()
    assert (folder / "法治督〔2023〕1号_市人力资源和社会保障局督办通知.docx").read_bytes() == b"left by hand"


def test_reprint_gives_the_same_text(tmp_path):
    from docx import Document

    repo = early(tmp_path)
    three_notices(repo)
    cc(repo, "notice", "人社局", "--yes", "--as-of", "2023-07-31")
    later = cc(repo, "reply", "3", "--note", "整改中", "--as-of", "2023-08-02")  # after the fact
    assert later.returncode == 0
    files = sorted((repo / "notices" / "2023").glob("*.docx"))
    texts = {p.name: "\n".join(par.text for par in Document(p).paragraphs) for p in files}
    for p in files:
        p.unlink()
    for n in ("1", "2", "3"):
        cc(repo, "reprint", n, "--as-of", "2023-08-02")
    again = {p.name: "\n".join(par.text for par in Document(p).paragraphs)
             for p in sorted((repo / "notices" / "2023").glob("*.docx"))}
    assert again == texts


def test_escalation_confirmed_at_a_terminal(tmp_path):
    """A person at a terminal answers the prompt: n writes nothing, y issues both documents."""
    import os
    import pty
    import select

    from helpers import cc_command, cc_env

    repo = early(tmp_path)
    three_notices(repo)

    def answer(reply: str) -> tuple[int, str]:
        try:
            pid, fd = pty.fork()
        except OSError as exc:  # a sandbox without pseudo-terminals
            pytest.skip(f"无法创建伪终端：{exc}")
        if pid == 0:  # the child: cc with the pty as its terminal
            os.chdir(repo)
            os.execve(cc_command()[0], [*cc_command(), "notice", "人社局", "--as-of", "2023-07-31"], cc_env())
        out, sent = b"", False
        while True:
            ready, _, _ = select.select([fd], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
            if not sent and "[y/N]".encode() in out:
                os.write(fd, reply.encode() + b"\n")
                sent = True
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status), out.decode("utf-8", "replace")

    before = snapshot_files(repo)
    code, text = answer("n")
    assert code == 1 and "已取消" in text and snapshot_files(repo) == before
    code, text = answer("y")
    assert code == 0 and "已报告市领导" in text, text
    assert [e["kind"] for e in entries(repo)][-2:] == ["notice", "escalate"]


def test_copy_to_per_notice_and_reprint_preview(tmp_path):
    from docx import Document

    repo = early(tmp_path)
    cc(repo, "notice", "人社局", "--cc", "市人民政府办公室", "--cc", "市纪委监委", "--as-of", "2023-07-05")
    notice = [e for e in entries(repo) if e["kind"] == "notice"][-1]
    assert notice["copy_to"] == ["市人民政府办公室", "市纪委监委"]
    text = "\n".join(c.text for t in Document(repo / notice["file"]).tables for r in t.rows for c in r.cells)
    assert "市人民政府办公室" in text and "市纪委监委" in text
    before = snapshot_files(repo)
    preview = cc(repo, "reprint", "1", "--dry-run", "--as-of", "2023-07-05")
    assert "演练" in preview.stdout and "市纪委监委" in preview.stdout
    assert snapshot_files(repo) == before


def test_reprint_never_writes_outside_the_repository(tmp_path):
    repo = early(tmp_path)
    cc(repo, "notice", "人社局", "--as-of", "2023-07-05")
    path = repo / "data" / "journal.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    entry = json.loads(lines[-1])
    entry["file"] = "../../escaped/督办通知.docx"  # a hostile hand edit of the record
    lines[-1] = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    refused = cc(repo, "reprint", "1", "--as-of", "2023-07-05", code=2)  # the tampered record is not used
    assert "1 条记录未计入" in refused.stderr
    flagged = cc(repo, "validate", code=1)
    assert "文书路径指向仓库之外" in flagged.stdout and "[unsafe-name]" in flagged.stdout
    assert not (tmp_path.parent / "escaped").exists()


def _notice_recorded_at(tmp_path: Path, where) -> Path:
    """A repo whose one notice (to 人社局, 2023-07-05) records its document at where(its file), as a
    hand edit or an older cc would have it; the notices folder removed."""
    repo = early(tmp_path)
    cc(repo, "notice", "人社局", "--as-of", "2023-07-05")
    shutil.rmtree(repo / "notices")
    path = repo / "data" / "journal.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    entry = json.loads(lines[-1])
    entry["file"] = where(entry["file"])
    lines[-1] = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return repo


@pytest.mark.parametrize("recorded", [".git/hooks/post-commit", ".github/workflows/evil.yml", "notices/2023/evil.yml",
                                      "data/journal.jsonl"])
def test_reprint_never_writes_a_hook_a_workflow_or_a_non_docx(tmp_path, recorded):
    """A recorded document path inside the repository that is not a .docx (a hand edit of the
    record, found by a hostile-input try: a git hook, a CI workflow) is validate's error and never written."""
    repo = _notice_recorded_at(tmp_path, lambda _file: recorded)
    flagged = cc(repo, "validate", code=1)
    assert "文书路径不是 .docx 文件" in flagged.stdout and "[unsafe-name]" in flagged.stdout
    before = snapshot_files(repo)
    cc(repo, "reprint", "1", "--as-of", "2023-07-05", code=2)  # the tampered record is not used
    assert snapshot_files(repo) == before and not (repo / "notices").exists()


def test_a_document_an_older_cc_recorded_in_a_hidden_folder_stays_valid(tmp_path):
    """cc notice -o .drafts once recorded ".drafts/….docx": still a valid record (the notice was
    sent and counts), and cc reprint makes it there."""
    repo = _notice_recorded_at(tmp_path, lambda file: ".drafts/" + file.rpartition("/")[2])
    assert "0 个错误" in cc(repo, "validate").stdout
    assert "已生成：" in cc(repo, "reprint", "1", "--as-of", "2023-07-05").stdout
    assert list((repo / ".drafts").iterdir())


def test_a_document_that_cannot_be_written_is_not_said_to_exist(tmp_path):
    """A file where the notices/<year> folder should be: the notice is refused before it is recorded
    (it was recorded, and counted, with no document), and cc reprint says the document could not
    be made (exit 1), not that it exists already."""
    import shutil

    repo = early(tmp_path)
    (repo / "notices").mkdir(exist_ok=True)
    (repo / "notices" / "2023").write_text("not a folder", encoding="utf-8")
    failed = cc(repo, "notice", "人社局", "--as-of", "2023-07-05", code=1)
    assert "文书目录无法写入，未写入任何内容" in failed.stderr and "已存在" not in failed.stderr
    assert not any(e["kind"] == "notice" for e in entries(repo))
    (repo / "notices" / "2023").unlink()
    cc(repo, "notice", "人社局", "--as-of", "2023-07-05")
    assert entries(repo)[-1]["kind"] == "notice"
    shutil.rmtree(repo / "notices" / "2023")
    (repo / "notices" / "2023").write_text("not a folder", encoding="utf-8")
    again = cc(repo, "reprint", "1", "--as-of", "2023-07-05", code=1)
    assert "文书未能生成" in again.stderr and "已存在" not in again.stderr
    (repo / "notices" / "2023").unlink()
    assert "已生成：" in cc(repo, "reprint", "1", "--as-of", "2023-07-05").stdout


def test_a_notice_written_in_a_hidden_folder_records_the_default_place(tmp_path):
    repo = early(tmp_path)
    (repo / ".hidden").mkdir()
    out = cc(repo, "notice", "人社局", "--as-of", "2023-07-05", "-o", str(repo / ".hidden")).stdout
    assert "文书另存在隐藏目录中" in out
    assert entries(repo)[-1]["file"].startswith("notices/2023/")
    assert list((repo / ".hidden").iterdir()) and "0 个错误" in cc(repo, "validate").stdout


def test_a_notice_written_elsewhere_keeps_the_record_valid(tmp_path):
    """cc notice -o OUTSIDE recorded the absolute path, which validate then refuses for good (found
    by a hostile-input try): the journal records the default place (cc reprint makes it there);
    a folder inside the repository, given relative to a subfolder, is recorded relative to the repository."""
    repo = early(tmp_path / "repo")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    out = cc(repo, "notice", "人社局", "--as-of", "2023-07-05", "-o", str(outside)).stdout
    assert "文书另存在仓库之外" in out and "cc reprint 2023-1" in out
    assert entries(repo)[-1]["file"] == "notices/2023/法治督〔2023〕1号_市人力资源和社会保障局督办通知.docx"
    assert list(outside.iterdir())  # the document is where it was asked for
    assert "0 个错误" in cc(repo, "validate").stdout
    (repo / "公文").mkdir()
    cc(repo / "data", "notice", "民政局", "--reason", "测试", "--as-of", "2023-07-05", "-o", "../公文")
    assert entries(repo)[-1]["file"].startswith("公文/法治督〔2023〕2号_")
    assert "0 个错误" in cc(repo, "validate").stdout


def test_void_of_a_too_short_prefix_says_so(tmp_path):
    repo = early(tmp_path)
    before = snapshot_files(repo / "data")
    short = cc(repo, "void", "2", "--reason", "x", "--as-of", "2023-07-05", code=2)
    assert "记录 id 至少要写前 4 位：以 2 开头的记录有" in short.stderr
    # a number alone names what it may be, as cc void takes each (reply and close take a notice's
    # number alone; a fresh-eyes try found void only said 找不到记录 5)
    cc(repo, "notice", "人社局", "--as-of", "2023-07-05")
    cc(repo, "problem", "add", "--unit", "民政局", "--source", "暗访", "--place", "A点", "--desc", "问题一",
       "--as-of", "2023-07-05")
    before = snapshot_files(repo / "data")
    one = cc(repo, "void", "1", "--reason", "x", "--as-of", "2023-07-05", code=2).stderr
    assert ("序号 1 可能指：督办通知 法治督〔2023〕1号（cc void 法治督〔2023〕1号）、问题 W2023-0001（cc void W2023-0001）；"
            "作废须写明是哪一条") in one
    assert "序号 第1号 可能指" in cc(repo, "void", "第1号", "--reason", "x", "--as-of", "2023-07-05", code=2).stderr
    assert "找不到记录 zz" in cc(repo, "void", "zz", "--reason", "x", "--as-of", "2023-07-05", code=2).stderr
    # a problem's short forms, as the problem commands take them (an adversarial try: 找不到记录 W1)
    for short in ("W1", "w0001", "W-1", "W2023-1"):
        told = cc(repo, "void", short, "--reason", "x", "--as-of", "2023-07-05", code=2).stderr
        assert f"{short} 可能指：问题 W2023-0001（cc void W2023-0001）；作废须写明是哪一条" in told, told
    # 2023-1 is notice 2023-1 to reply and problem W2023-0001 to the problem commands: asked, not
    # guessed (an adversarial try: the notice, and the report citing it, were voided); typed with
    # an input method's dash or as W2023-0001号, as the other commands take them
    for both in ("2023-1", "2023—1"):
        told = cc(repo, "void", both, "--reason", "x", "--as-of", "2023-07-05", code=2).stderr
        assert f"{both} 对应多条记录，请写明是哪一条" in told and "cc void 法治督〔2023〕1号" in told
    assert cc(repo, "void", "W2023-0001号", "--reason", "x", "--dry-run", "--as-of", "2023-07-05").returncode == 0
    year = cc(repo, "void", "2023-01", "--reason", "x", "--as-of", "2023-07-05", code=2).stderr
    assert "2023-01 可能指：督办通知 法治督〔2023〕1号（cc void 法治督〔2023〕1号）、问题 W2023-0001（cc void W2023-0001）" in year
    assert "可能指" not in cc(repo, "void", "X1", "--reason", "x", "--as-of", "2023-07-05", code=2).stderr
    many = cc(repo, "void", "2023", "--reason", "x", "--as-of", "2023-07-05", code=2).stderr  # the count, not six alone
    count = sum(1 for e in entries(repo) if e["id"].startswith("2023"))
    assert f"2023 对应 {count} 条记录" in many and f"等，共 {count} 条；用 cc history 查看全部" in many
    assert snapshot_files(repo / "data") == before


def test_a_refused_notice_says_whose_lag_the_units_tasks_show(tmp_path):
    """cc status shows T13 yellow under 民政局 (its lead) for 妇联's overdue problem, and T09 red
    under 人社局 with 住建局 as co-unit: a notice to 民政局 or 住建局 is refused (nothing of theirs
    lags) and says whose the lights are and whom to send it to."""
    from helpers import copy_data

    copy_data(tmp_path)  # with the problem list
    repo = tmp_path
    refused = cc(repo, "notice", "民政局", "--as-of", "2023-09-10", code=1)
    assert "T13 亮黄灯是市妇女联合会的原因（cc notice 妇联）" in refused.stderr
    # 民政局 leads T13: told the lead's rule, not the co-unit's (a fresh-eyes try)
    assert "牵头单位不因配合单位承担部分的滞后被督办" in refused.stderr
    assert "配合单位只对本单位承担的部分负责" not in refused.stderr
    co = cc(repo, "notice", "住建局", "--as-of", "2023-09-10", code=1)
    assert "T09 亮红灯是市人力资源和社会保障局的原因（cc notice 人社局）" in co.stderr
    assert "配合单位只对本单位承担的部分负责" in co.stderr and "牵头单位不因" not in co.stderr


def test_a_co_unit_notified_for_its_part_is_not_told_its_task_lags(tmp_path):
    """A notice to a co-unit on one task, with a reason (nothing of the task's lag is its own): the
    document says the task 存在问题 with the reason under it, not that the unit's tasks 推进滞后
    with the reason as another item. Notices recorded before keep their wording (layout 1), so
    cc reprint makes what was sent."""
    from helpers import copy_data

    copy_data(tmp_path)
    old = cc(tmp_path, "reprint", "2023-4", "--dry-run", "--as-of", "2023-12-31").stdout
    assert "你单位承担的以下任务推进滞后" in old and "\n　　3. " in old  # as issued: its reason an item of its own
    out = cc(tmp_path, "notice", "住建局", "--task", "T09", "--reason", "工地维权信息公示牌设置不全",
             "--dry-run", "--as-of", "2023-12-30").stdout
    assert "你单位承担的以下任务存在问题，现予督办" in out and "推进滞后" not in out
    assert "你单位配合；完成时限2023年11月15日）。存在问题：工地维权信息公示牌设置不全。" in out
    assert "\n　　2. " not in out  # the reason is not a second item
    assert json.loads(out.split(DRY_LINES)[1].splitlines()[0])["layout"] == 2
    # a notice whose wording is the same either way records no layout: a line an older cc still reads
    lead = cc(tmp_path, "notice", "人社局", "--yes", "--dry-run", "--as-of", "2023-12-30").stdout
    notice_line, report_line = lead.split(DRY_LINES)[1].splitlines()[:2]
    assert "推进滞后" in lead and '"layout"' not in notice_line
    assert json.loads(report_line)["layout"] == REPORT_LAYOUT  # the report to 市领导 closes with 特此报告, names earlier ones


def test_a_unit_notified_for_its_overdue_problem_alone_is_not_told_its_task_lags(tmp_path):
    """妇联's only gap on T13 (a task ahead of schedule, led by 民政局) is its own overdue problem:
    its notice says the task 存在问题, not that its tasks 推进滞后 (found by a new user's try), and
    records the wording (layout 3) so that cc reprint makes what was sent."""
    from helpers import copy_data

    copy_data(tmp_path)
    journal = tmp_path / "data" / "journal.jsonl"
    lines = journal.read_text(encoding="utf-8").splitlines(keepends=True)
    journal.write_text("".join(line for line in lines if line.strip() and json.loads(line)["date"] <= "2023-09-10"),
                       encoding="utf-8")
    out = cc(tmp_path, "notice", "妇联", "--dry-run", "--as-of", "2023-09-11").stdout
    assert "你单位承担的以下任务存在问题，现予督办" in out and "推进滞后" not in out
    assert "存在差距：问题W2023-0018" in out
    assert json.loads(out.split(DRY_LINES)[1].splitlines()[0])["layout"] == 3


def test_a_unit_noticed_for_its_problems_alone_is_reported_for_them_by_name(tmp_path):
    """妇联's notices are on no task, only its overdue problem W2023-0018: the notice was titled
    创城工作任务, and the report to 市领导 listed each as “督办事项：；” (empty: only task ids were
    named) and said the unit's 创城任务推进不力 (a review of the documents). Since layout 4 both
    notice and report say what the record says; those recorded before reprint as they were sent."""
    from helpers import copy_data

    copy_data(tmp_path)
    for day in ("2023-12-29", "2024-01-09"):
        cc(tmp_path, "notice", "妇联", "--yes", "--as-of", day)
    first = entries(tmp_path)[-2]
    assert first["kind"] == "notice" and first["layout"] == 4
    text = cc(tmp_path, "notice", "妇联", "--yes", "--as-of", "2024-01-25", "--reason", "未按要求报送整改台账。").stdout
    flat = text.replace("\n", "")
    assert "关于对市妇女联合会创城工作存在问题进行督办的通知" in flat and "创城工作任务进行督办" not in flat
    assert "督办事项：；" not in flat
    assert "（主要负责人：孟某某主席；分管领导：黄某副主席）创城工作中存在的问题整改不力，截至2024年1月25日" in flat
    assert ("1. 2023年12月29日，法治督〔2023〕5号（第1次督办，蓝色），督办事项：问题W2023-0018（城北街道妇女儿童之家）"
            "整改不力；整改期限2024年1月8日；逾期17天未反馈。") in flat
    assert ("3. 2024年1月25日，法治督〔2024〕2号（第3次督办，红色），督办事项：问题W2023-0018（城北街道妇女儿童之家）"
            "整改不力、未按要求报送整改台账；整改期限2024年2月4日。") in flat
    assert entries(tmp_path)[-1]["kind"] == "escalate" and entries(tmp_path)[-1]["layout"] == REPORT_LAYOUT
    # the same documents again from the record
    again = cc(tmp_path, "reprint", "2024-2", "--dry-run", "--as-of", "2024-01-25").stdout.replace("\n", "")
    assert "创城工作存在问题进行督办的通知" in again and "督办事项：问题W2023-0018（城北街道妇女儿童之家）整改不力；" in again
    # a report on tasks names them too; the bundled report (layout 1) reprints with ids alone, as sent
    lead = cc(tmp_path, "notice", "人社局", "--yes", "--dry-run", "--as-of", "2024-01-26").stdout.replace("\n", "")
    assert "承担的创城任务推进不力，截至2024年1月26日" in lead
    assert "法治督〔2023〕3号（第2次督办，黄色），督办事项：T09（根治欠薪）、T08（和谐劳动关系）；" in lead
    old = cc(tmp_path, "reprint", "2023-4", "--dry-run", "--as-of", "2023-12-31").stdout.replace("\n", "")
    assert "法治督〔2023〕3号（第2次督办，黄色），督办事项：T09、T08；" in old


def test_a_notice_reason_is_one_item_without_breaks_or_a_dangling_comma(tmp_path):
    """The reason is an item of the notice (N. 理由。): a line break or tab in it would stretch a
    justified line, and a trailing comma would read “，。” once the notice adds its full stop."""
    repo = early(tmp_path)
    text = cc(repo, "notice", "人社局", "--reason", "宣传栏未更新，\n\t欠薪线索未核查，", "--as-of", "2023-07-05").stdout
    assert entries(repo)[-1]["reason"] == "宣传栏未更新， 欠薪线索未核查"
    assert "欠薪线索未核查。" in text and "，。" not in text


def test_days_waiting_for_the_lead_s_acceptance_are_not_the_unit_s_silence(tmp_path):
    """T11 was reported 办结 on 11-03; had the lead sat on it until 12-10 and then sent it back,
    the 37 days of waiting read as the unit's “已37天未报送进度” (found by a fairness review):
    the report interval counts from the day it was sent back."""
    from helpers import copy_data

    copy_data(tmp_path)
    verify = next(e for e in entries(tmp_path) if e["kind"] == "verify" and e["task"] == "T11")
    cc(tmp_path, "void", verify["id"], "--reason", "误验收", "--as-of", "2023-11-14")
    cc(tmp_path, "reopen", "T11", "--reason", "台账不全", "--as-of", "2023-12-10")
    t11 = next(t for t in status(tmp_path, "2023-12-10")["tasks"] if t["id"] == "T11")
    assert not any("未报送进度" in r for r in t11["reasons"]), t11["reasons"]
    later = next(t for t in status(tmp_path, "2024-01-15")["tasks"] if t["id"] == "T11")
    assert "退回重办后已36天未报送进度" in later["reasons"]


def test_a_lead_act_recorded_into_the_past_says_its_deadline_has_already_passed(tmp_path):
    """A 退回整改 dated back a month gives a deadline the record has already passed: the unit is
    late the moment it learns of it (found by a fairness review). It is said, with what to do;
    a reject in the record's order says nothing of the kind."""
    from helpers import copy_data

    copy_data(tmp_path)
    cc(tmp_path, "notice", "残联", "--task", "T14", "--reason", "无障碍设施台账缺失", "--as-of", "2023-10-20", "--yes")
    cc(tmp_path, "reply", "5", "--note", "已补齐", "--by", "邵某某", "--as-of", "2023-10-25")
    back = cc(tmp_path, "reject", "5", "--note", "不到位", "--days", "5", "--as-of", "2023-10-26")
    assert "新期限2023年10月31日早于日志已记到的" in back.stderr and "它一收到就已逾期" in back.stderr
    # the record compared with is named (its date, kind and id, as cc history lists it), as what
    # shows how far the journal reaches, not as this one's cause (it may be another task's)
    before = entries(tmp_path)[:-1]
    newest = max(e["date"] for e in before)
    last = [e for e in before if e["date"] == newest][-1]  # the last of the newest day
    said = back.stderr.replace("\n", "")
    assert f"记录 {last['id']}，不一定与本条有关）" in said, back.stderr
    repo = early(tmp_path / "early")
    three_notices(repo)
    cc(repo, "reply", "2023-2", "--note", "已整改", "--by", "范某某", "--as-of", "2023-07-20")
    fresh = cc(repo, "reject", "2023-2", "--note", "不到位", "--as-of", "2023-07-21")
    assert "已逾期" not in fresh.stderr and "提示：这条" not in fresh.stderr


def test_a_notice_or_problem_recorded_into_the_past_says_its_deadline_has_already_passed(tmp_path):
    """A backdated notice or problem whose 整改期限 the record has already passed said nothing, as
    a reject once did (a fairness review); one in the record's order says nothing of the kind, and
    a day's import of a past year's sheet is said in a few lines, not one per row."""
    from helpers import copy_data

    copy_data(tmp_path)
    # before anything is written (a dry run, or a confirmation asked), it is not told to void a
    # record that does not exist (a fresh-eyes try)
    dry = cc(tmp_path, "notice", "残联", "--task", "T14", "--reason", "无障碍设施台账缺失", "--as-of", "2023-10-20",
             "--dry-run")
    assert "应以今天的日期登记（已写入的，请用 cc void 作废这条记录" in dry.stderr
    sent = cc(tmp_path, "notice", "残联", "--task", "T14", "--reason", "无障碍设施台账缺失", "--as-of", "2023-10-20",
              "--yes")
    assert "提示：这条督办通知记录的日期是2023年10月20日，给出的期限2023年10月30日早于日志已记到的" in sent.stderr
    added = cc(tmp_path, "problem", "add", "--unit", "残联", "--source", "督查", "--place", "康复中心", "--desc", "坡道",
               "--days", "3", "--as-of", "2023-10-10")
    assert "提示：这条问题交办记录的日期是2023年10月10日，给出的期限2023年10月13日" in added.stderr
    repo = early(tmp_path / "early")
    fresh = cc(repo, "notice", "人社局", "--as-of", "2023-07-05")
    assert "提示：这条" not in fresh.stderr


def test_the_report_to_the_leaders_tells_the_lead_unit_s_part(tmp_path):
    """Escalated over forced notices while its on-time reply sat unreviewed: the report the
    leaders read said only “反馈待审核” (found by a fairness review). It says how long the reply
    has waited past the lead unit's review time, and which notices were forced."""
    from helpers import copy_data

    copy_data(tmp_path)
    cc(tmp_path, "notice", "中院", "--reason", "司法公开栏目未更新", "--as-of", "2023-10-20", "--yes")
    cc(tmp_path, "reply", "5", "--note", "已更新", "--by", "郑某某", "--as-of", "2023-10-25")
    cc(tmp_path, "notice", "中院", "--force", "--reason", "再次督办", "--as-of", "2023-11-01", "--yes")
    text = cc(tmp_path, "notice", "中院", "--force", "--reason", "第三次督办", "--as-of", "2023-11-20", "--yes").stdout
    assert "反馈待牵头单位审核（已等待26天，超过审核时限21天，牵头单位逾期）" in text
    assert "法治督〔2023〕6号（第2次督办，黄色，强制督办）" in text and "法治督〔2023〕7号（第3次督办，红色，强制督办）" in text


def test_a_voided_notice_no_longer_sets_the_level_of_later_ones(tmp_path):
    """Voiding 人社局's first notice left the later ones scored 黄 and 红 and listed in the next
    report as 第2次, 第3次 beside a new 第3次 (found by a fairness review): they count as the
    1st and 2nd, as the count of 督办 does, and the report says what they were when sent."""
    from helpers import copy_data

    copy_data(tmp_path)
    cc(tmp_path, "void", "法治督〔2023〕2号", "--reason", "发错对象", "--as-of", "2023-12-31")
    score = json.loads(cc(tmp_path, "score", "--json", "--as-of", "2023-12-31").stdout)
    rsj = next(u for u in score["units"] if u["id"] == "rsj")
    notices = {c["key"]: c["items"] for c in rsj["components"] if c["key"].startswith("notice_")}
    assert notices == {"notice_blue": ["法治督〔2023〕3号"], "notice_yellow": ["法治督〔2023〕4号"], "notice_red": []}
    text = cc(tmp_path, "notice", "人社局", "--as-of", "2023-12-31", "--yes", "--dry-run").stdout
    assert "法治督〔2023〕3号（第1次督办，蓝色；发文时为第2次、黄色，此前的通知作废后重计）" in text
    assert "法治督〔2023〕4号（第2次督办，黄色；发文时为第3次、红色，此前的通知作废后重计）" in text


def test_a_notice_dated_wrong_is_voided_and_issued_again_on_its_day(tmp_path):
    """A notice dated after the right day (or a practice run forgetting --as-of: 〔2026〕1号) is
    voided, as the README says, and issued again on its day; the voided one blocked every earlier
    notice to any unit (found by a fresh-eyes try). It no longer does, and its 文号 is not issued
    again; a notice in force still blocks earlier ones, to any unit."""
    early(tmp_path)
    cc_ok(tmp_path, "notice", "人社局", "--as-of", "2023-06-05")
    cc_ok(tmp_path, "notice", "民政局", "--reason", "工作台账不全", "--as-of", "2023-06-06")
    refused = cc(tmp_path, "notice", "人社局", "--as-of", "2023-06-02", code=1)
    assert "不能再补发2023年6月2日的督办通知" in refused.stderr
    assert "2023年6月6日发出的督办通知 法治督〔2023〕2号" in refused.stderr
    cc_ok(tmp_path, "void", "法治督〔2023〕2号", "--reason", "发文日期登记错误", "--as-of", "2023-06-06")
    refused = cc(tmp_path, "notice", "民政局", "--reason", "工作台账不全", "--as-of", "2023-06-02", code=1)  # 1号 is in force
    assert "法治督〔2023〕1号" in refused.stderr
    cc_ok(tmp_path, "void", "法治督〔2023〕1号", "--reason", "发文日期登记错误，应为6月2日", "--as-of", "2023-06-06")
    cc_ok(tmp_path, "notice", "人社局", "--as-of", "2023-06-02")
    cc_ok(tmp_path, "notice", "民政局", "--reason", "工作台账不全", "--as-of", "2023-06-03")
    issued = [e for e in entries(tmp_path) if e["kind"] == "notice"]
    assert [(e["doc_no"], e["date"], e["seq"]) for e in issued[-2:]] == [
        ("法治督〔2023〕3号", "2023-06-02", 1), ("法治督〔2023〕4号", "2023-06-03", 1)]
    cc_ok(tmp_path, "notice", "司法局", "--reason", "工作台账不全", "--as-of", "2026-12-07")  # a practice run without --as-of
    cc_ok(tmp_path, "void", "法治督〔2026〕1号", "--reason", "漏写日期", "--as-of", "2026-12-07")
    cc_ok(tmp_path, "notice", "司法局", "--reason", "工作台账不全", "--as-of", "2023-06-04")
    assert entries(tmp_path)[-1]["doc_no"] == "法治督〔2023〕5号"


def test_a_misdated_notice_voided_and_issued_again_earlier_cannot_be_brought_back(tmp_path):
    """Voided as misdated and issued again on its (earlier) day: voiding the void brought the first
    back beside it, two 第1次督办 in force and one 督办 too many counted (a review found it; the
    guard looked only at notices dated after the void). A notice recorded after the void counts."""
    early(tmp_path)
    cc_ok(tmp_path, "notice", "民政局", "--reason", "工作台账不全", "--as-of", "2023-06-20")
    cc_ok(tmp_path, "void", "法治督〔2023〕1号", "--reason", "日期写错，应为6月17日", "--as-of", "2023-06-20")
    cc_ok(tmp_path, "notice", "民政局", "--reason", "工作台账不全", "--as-of", "2023-06-17")
    void = next(e for e in entries(tmp_path) if e["kind"] == "void")
    refused = cc(tmp_path, "void", void["id"], "--reason", "作废错了", "--as-of", "2023-06-21", code=1)
    assert "不能恢复 法治督〔2023〕1号" in refused.stderr and "法治督〔2023〕2号" in refused.stderr


def test_a_second_report_to_the_leaders_names_the_first(tmp_path):
    """人社局's fourth notice reports it to 市领导 again: the report listed every notice but never
    said the leaders had had 法治督报〔2023〕1号 on 10月16日 (found by a fresh-eyes try). Since
    layout 3 it does; the first report, recorded before, reprints as it was sent."""
    from helpers import copy_data

    copy_data(tmp_path)
    text = cc(tmp_path, "notice", "人社局", "--as-of", "2023-12-30", "--yes").stdout
    assert "此前已于2023年10月16日以法治督报〔2023〕1号报告，本次为第2次报告。" in text.replace("\n", "")
    report = entries(tmp_path)[-1]
    assert report["kind"] == "escalate" and report["layout"] == REPORT_LAYOUT
    from chuangcheng_cli.documents.notice import documents_of
    from chuangcheng_cli.store import checks

    project, _ = checks.load_checked(tmp_path / "data")
    first, second = [e for e in project.journal if e.kind == "escalate"]
    trigger = {e.id: e for e in project.journal if e.kind == "notice"}
    assert "此前已于" not in documents_of(project, trigger[first.trigger])[1][0].blocks[0].text  # as sent
    assert "本次为第2次报告" in documents_of(project, trigger[second.trigger])[1][0].blocks[0].text  # reprints so


def test_after_a_void_the_ledgers_give_each_notice_the_place_cc_score_counts(tmp_path):
    """Voiding 法治督〔2023〕2号 makes 3号 the unit's 1st notice (蓝) and 4号 its 2nd (黄), as cc score
    deducts them; the ledgers (md, html, xlsx) still said 第2次（黄）and 第3次（红）, so a reader
    could not square the 红 with the deduction (a fairness review). They give the place that
    counts and, beside it, the one it was sent with."""
    import openpyxl

    from helpers import copy_data

    copy_data(tmp_path)
    cc(tmp_path, "void", "法治督〔2023〕2号", "--reason", "发错对象", "--as-of", "2023-12-31")
    scored = json.loads(cc(tmp_path, "score", "--unit", "人社局", "--json", "--as-of", "2023-12-31").stdout)
    parts = {c["key"]: c["items"] for c in scored["units"][0]["components"]}
    assert parts["notice_blue"] == ["法治督〔2023〕3号"] and parts["notice_yellow"] == ["法治督〔2023〕4号"]
    moved3, moved4 = "发文时为第2次、黄色，此前的通知作废后重计", "发文时为第3次、红色，此前的通知作废后重计"
    md = cc(tmp_path, "report", "md", "--as-of", "2023-12-31", "--out", str(tmp_path / "r.md"))
    text = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert f"| 法治督〔2023〕3号 | 市人力资源和社会保障局 | 第1次（蓝）（{moved3}） |" in text, md.stderr
    assert f"| 法治督〔2023〕4号 | 市人力资源和社会保障局 | 第2次（黄）（{moved4}） |" in text
    cc(tmp_path, "report", "html", "--as-of", "2023-12-31", "--out", str(tmp_path / "r.html"))
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert f'第2次（黄）</span><div class="small">{moved4}</div>' in page and "第3次（红）" not in page
    assert '<span class="nowrap">第1次（蓝）</span></td>' in page  # 1号, never moved: nothing beside it
    cc(tmp_path, "report", "xlsx", "--as-of", "2023-12-31", "--out", str(tmp_path / "r.xlsx"))
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx")["督办记录"]
    rows = {r[0]: r for r in sheet.iter_rows(values_only=True) if r[0] and str(r[0]).startswith("法治督")}
    assert rows["法治督〔2023〕4号"][3:5] == (f"第2次\n（{moved4}）", "黄")
    assert rows["法治督〔2023〕1号"][3:5] == ("第1次", "蓝")


def test_a_task_red_for_problems_of_two_units_is_yellow_for_each(tmp_path):
    """Three overdue problems on T09 make it red: one is 人社局's (its lead), two 住建局's. Neither
    unit has three of its own; the status showed 人社局 red with no word of the others' share, and
    the leaders' page put a red chip on it, while cc score deducted its one problem (a fairness review).
    Each place now says the lead's own light and that the rest is others'."""
    repo = early_copy(tmp_path, "2023-05-01")
    cc(repo, "log", "T09", "--unit", "人社局", "--percent", "20", "--note", "推进", "--by", "范某某",
       "--as-of", "2023-05-05")
    for unit, place in (("人社局", "工地R"), ("住建局", "工地1"), ("住建局", "工地2")):
        cc(repo, "problem", "add", "--unit", unit, "--source", "暗访", "--found-by", "暗访组", "--place", place,
           "--desc", "未公示", "--task", "T09", "--deadline", "2023-05-10", "--as-of", "2023-05-06")
    t09 = task(repo, "2023-05-20", "T09")
    assert (t09["light"], t09["lead_light"], t09["not_lead_s_cause"]) == ("red", "yellow", False)
    shown = cc(repo, "status", "--as-of", "2023-05-20", COLUMNS="200", NO_COLOR="1").stdout
    line = next(x for x in shown.splitlines() if x.startswith(" T09 ●红 人社局"))
    assert line.split(None, 3)[3].startswith("牵头单位自身为黄灯，红灯含其他单位原因：问题W2023-0001（工地R）")
    cc(repo, "report", "html", "--as-of", "2023-05-20", "--out", str(repo / "r.html"))
    page = (repo / "r.html").read_text(encoding="utf-8")
    assert page.count("T09 黄灯（任务为红灯，含其他单位原因）") == 2 and "T09 红灯<" not in page
    scored = json.loads(cc(repo, "score", "--json", "--as-of", "2023-05-20").stdout)
    lights = {u["id"]: {c["key"]: c["items"] for c in u["components"]} for u in scored["units"]}
    # problems are deducted as problems, not again through the task's light: its own one only
    assert "T09" not in lights["rsj"]["red_task"] and lights["rsj"]["overdue_problem"] == ["W2023-0001"]
    # a third problem of 人社局's own: red for it, and nothing before the reasons
    for place in ("工地S", "工地T"):
        cc(repo, "problem", "add", "--unit", "人社局", "--source", "暗访", "--found-by", "暗访组", "--place", place,
           "--desc", "未公示", "--task", "T09", "--deadline", "2023-05-10", "--as-of", "2023-05-06")
    t09 = task(repo, "2023-05-20", "T09")
    assert (t09["light"], t09["lead_light"]) == ("red", "red") and not t09["reasons"][0].startswith("牵头单位")


def test_a_reply_a_close_rests_on_cannot_be_voided_alone(tmp_path):
    """A unit answered 7 days late; the office closed the notice; the unit's liaison then voided
    its own reply, and the 督办整改超期 deduction was gone, the notice closed unanswered (a hostile-
    input try). The void is refused (close-without-reply), nothing written, naming the close to
    void first; a reply still waiting may be voided as before."""
    from helpers import copy_data, snapshot_files

    copy_data(tmp_path)
    cc(tmp_path, "notice", "市场监管局", "--reason", "台账不全", "--yes", "--as-of", "2023-11-01")
    cc(tmp_path, "reply", "5", "--note", "已整改", "--by", "苏某某", "--as-of", "2023-11-20")
    reply = entries(tmp_path)[-1]["id"]
    cc(tmp_path, "close", "5", "--note", "整改到位", "--as-of", "2023-11-21")
    close = entries(tmp_path)[-1]["id"]
    before = snapshot_files(tmp_path / "data")
    for by in ("苏某某", "周某某"):
        refused = cc(tmp_path, "void", reply, "--reason", "重复", "--by", by, "--as-of", "2023-12-01", code=2).stderr
        assert f"督办销号（记录 {close}）将不再成立" in refused and f"cc void {close} --reason" in refused, refused
    assert snapshot_files(tmp_path / "data") == before
    scored = json.loads(cc(tmp_path, "score", "--unit", "市场监管局", "--json", "--as-of", "2023-12-31").stdout)
    late = next(c["items"] for c in scored["units"][0]["components"] if c["key"] == "late_notice")
    assert late == ["法治督〔2023〕5号（超期7天反馈）"]
    # the office voids its close first (deliberately, with a reason); then the reply may go
    cc(tmp_path, "void", close, "--reason", "销号有误", "--as-of", "2023-12-01")
    cc(tmp_path, "void", reply, "--reason", "重复", "--by", "苏某某", "--as-of", "2023-12-01")
    cc(tmp_path, "validate")


def test_an_earlier_reopen_is_not_voided_under_a_later_one(tmp_path):
    """T04 (验收 9月22日) sent back on 10月6日 and again on 10月10日 with --deadline 10月11日: the
    unit was told the first one's later 重办期限. Voiding the first made the task late after 10月11日, silently (a
    verification of the fixes): refused while the later one stands, with the order to void them."""
    early(tmp_path, before="2023-10-01")
    day = lambda d: ("--as-of", d)  # noqa: E731
    cc_ok(tmp_path, "reopen", "T04", "--reason", "抽查不合格", "--by", "周某某", *day("2023-10-06"))  # 验收 9月22日
    cc_ok(tmp_path, "log", "T04", "--unit", "司法局", "--percent", "100", "--note", "再次完成", "--by", "吴某某",
          *day("2023-10-09"))
    told = cc_ok(tmp_path, "reopen", "T04", "--reason", "三次退回", "--deadline", "2023-10-11", "--by", "周某某",
                 *day("2023-10-10")).stdout
    assert "须在重办期限" in told and "10月11日早于重办期限" in told
    first, second = [e["id"] for e in entries(tmp_path) if e["kind"] == "reopen"][-2:]
    refused = cc(tmp_path, "void", first, "--reason", "误退回", *day("2023-10-10"), code=1)
    assert "不能单独作废这一条" in refused.stderr and f"cc void {second}" in refused.stderr
    cc_ok(tmp_path, "void", second, "--reason", "误退回", *day("2023-10-10"))
    cc_ok(tmp_path, "void", first, "--reason", "误退回", *day("2023-10-10"))


def test_a_report_names_a_notice_counted_after_a_merged_one_as_such_not_as_after_a_void(tmp_path):
    """Two branches each sent 市场监管局 a 第2次 notice (法治督〔2023〕9号, 10号), merged: the report to
    市领导 that the next notice brings lists 10号 as the 3rd, and said 此前的通知作废后重计 although
    nothing was voided (a fresh-eyes try). Since layout 6 it says the count takes in the other
    branch's notice; a report recorded before says what it said when sent."""
    from helpers import copy_data

    data = copy_data(tmp_path)
    base = {"kind": "notice", "by": "周某某", "year": 2023, "unit": "scjgj", "level": "黄", "tasks": ["T07"],
            "gaps": ["T07（消费维权与放心消费）进度滞后"], "reason": "推进缓慢。", "seq": 2}
    with open(data / "journal.jsonl", "a", encoding="utf-8") as fh:
        for k, day in ((9, 20), (10, 21)):
            fh.write(json.dumps({**base, "id": f"202312{day}-0000e00{k - 8}", "date": f"2023-12-{day}",
                                 "at": f"2023-12-{day}T10:00:00+08:00", "number": k, "doc_no": f"法治督〔2023〕{k}号",
                                 "deadline": f"2023-12-{day + 7}"}, ensure_ascii=False) + "\n")
    out = cc(tmp_path, "notice", "市场监管局", "--reason", "两份通知均逾期未反馈", "--as-of", "2023-12-31", "--yes").stdout
    assert "第4次督办" in out
    report = entries(tmp_path)[-1]
    assert report["kind"] == "escalate" and report["layout"] == REPORT_LAYOUT == 6
    merged = "法治督〔2023〕10号（第3次督办，红色；发文时为第2次、黄色，与发文时不知道的另一份通知合计重计）"
    assert merged in out.replace("\n", "") and "作废后重计" not in out

    from chuangcheng_cli.documents.notice import documents_of
    from chuangcheng_cli.store import checks

    def reprinted() -> str:  # what cc reprint makes of the report
        project, _ = checks.load_checked(data)
        trigger = next(e for e in project.journal if e.id == report["trigger"])
        return "".join(b.text for b in documents_of(project, trigger)[1][0].blocks)

    assert merged in reprinted()
    lines = (data / "journal.jsonl").read_text(encoding="utf-8").splitlines()
    (data / "journal.jsonl").write_text("\n".join([*lines[:-1], json.dumps(report | {"layout": 5}, ensure_ascii=False)])
                                        + "\n", encoding="utf-8")
    assert "法治督〔2023〕10号（第3次督办，红色；发文时为第2次、黄色，此前的通知作废后重计）" in reprinted()  # as sent


def test_a_notice_counted_after_a_restored_one_is_said_so_not_as_after_a_merge(tmp_path):
    """法治督〔2023〕9号 (第2次) voided, 10号 sent as the 第2次, then the void of 9号 voided (作废错了):
    9号 counts again and 10号 is the 3rd. Nothing was merged, so the report to 市领导 and the
    tables say 9号 was restored, not that 10号 was sent without knowing of it (a review found
    the merge wording on this record); with a merged notice as well, both are said."""
    from helpers import copy_data

    data = copy_data(tmp_path)
    base = {"kind": "notice", "by": "周某某", "year": 2023, "unit": "scjgj", "level": "黄", "tasks": ["T07"],
            "gaps": ["T07（消费维权与放心消费）进度滞后"], "reason": "推进缓慢。", "seq": 2}
    void = {"kind": "void", "by": "周某某"}
    lines = [
        {**base, "id": "20231220-0000f001", "date": "2023-12-20", "at": "2023-12-20T10:00:00+08:00", "number": 9,
         "doc_no": "法治督〔2023〕9号", "deadline": "2023-12-27"},
        {**void, "id": "20231221-0000f002", "date": "2023-12-21", "at": "2023-12-21T10:00:00+08:00",
         "entry": "20231220-0000f001", "reason": "误发。"},
        {**base, "id": "20231222-0000f003", "date": "2023-12-22", "at": "2023-12-22T10:00:00+08:00", "number": 10,
         "doc_no": "法治督〔2023〕10号", "deadline": "2023-12-29"},
        {**void, "id": "20231223-0000f004", "date": "2023-12-23", "at": "2023-12-23T10:00:00+08:00",
         "entry": "20231221-0000f002", "reason": "作废错了，9号有效。"},
    ]
    with open(data / "journal.jsonl", "a", encoding="utf-8") as fh:
        fh.writelines(json.dumps(x, ensure_ascii=False) + "\n" for x in lines)
    restored = "发文时为第2次、黄色，此前作废的通知恢复有效后重计"
    table = cc(tmp_path, "report", "md", "--as-of", "2023-12-30").stdout
    assert f"第3次（红）（{restored}）" in table and "不知道" not in table
    out = cc(tmp_path, "notice", "市场监管局", "--reason", "两份通知均逾期未反馈", "--as-of", "2023-12-31", "--yes").stdout
    assert "第4次督办" in out and entries(tmp_path)[-1]["layout"] == REPORT_LAYOUT
    assert f"法治督〔2023〕10号（第3次督办，红色；{restored}）" in out.replace("\n", "") and "不知道" not in out

    # the same, with an 11号 (第2次) from another branch dated before 10号: 10号 is the 4th, one
    # place for the restored 9号 and one for the merged 11号
    data = copy_data(tmp_path / "merged")
    merged = {**base, "id": "20231221-0000f005", "date": "2023-12-21", "at": "2023-12-21T11:00:00+08:00",
              "number": 11, "doc_no": "法治督〔2023〕11号", "deadline": "2023-12-28"}
    with open(data / "journal.jsonl", "a", encoding="utf-8") as fh:
        fh.writelines(json.dumps(x, ensure_ascii=False) + "\n" for x in [*lines, merged])
    table = cc(tmp_path / "merged", "report", "md", "--as-of", "2023-12-30").stdout
    both = "发文时为第2次、黄色，此前作废的通知恢复有效、并与发文时不知道的另一份通知合计重计"
    assert f"第4次（红）（{both}）" in table, table


def test_a_report_to_the_city_leaders_states_the_lead_unit_s_late_reviews(tmp_path):
    """The lead unit took 13 days to send back 人社局's reply to 1号 and 17 to close 2号 (review
    time 5 days): cc score counts both against 市司法局, and since layout 6 the report to 市领导
    says so beside each (a fresh-eyes try read only the unit's side of the record there, the README
    promising the lead unit's own delays too). A report recorded before says what it said."""
    repo = early(tmp_path)
    cc(repo, "notice", "人社局", "--as-of", "2023-07-05")  # deadline 2023-07-17
    cc(repo, "reply", "1", "--note", "已整改", "--as-of", "2023-07-12")
    cc(repo, "reject", "1", "--note", "台账不全", "--days", "5", "--as-of", "2023-07-25")  # due 7-17: 8 days late
    cc(repo, "notice", "人社局", "--as-of", "2023-08-01")
    cc(repo, "reply", "2", "--note", "已整改", "--as-of", "2023-08-03")
    cc(repo, "close", "2", "--note", "整改到位", "--as-of", "2023-08-20")  # due 8-08: 12 days late
    out = cc(repo, "notice", "人社局", "--as-of", "2023-08-21", "--yes").stdout.replace("\n", "")
    first = ("2023年7月12日反馈（按期），2023年7月25日退回整改（新的整改期限2023年7月31日；牵头单位审核超过时限8天），"
             "退回后逾期21天未反馈。")
    second = "2023年8月3日反馈（按期），2023年8月20日审核销号（牵头单位审核超过时限12天）。"
    assert first in out and second in out, out
    score = cc(repo, "score", "--unit", "司法局", "--as-of", "2023-08-21").stdout
    assert "法治督〔2023〕1号（超时8天办理）" in score and "法治督〔2023〕2号（超时12天办理）" in score

    from chuangcheng_cli.documents.notice import documents_of
    from chuangcheng_cli.store import checks

    data = repo / "data"
    report = entries(repo)[-1]
    assert report["kind"] == "escalate" and report["layout"] == REPORT_LAYOUT

    def reprinted() -> str:
        project, _ = checks.load_checked(data)
        trigger = next(e for e in project.journal if e.id == report["trigger"])
        return "".join(b.text for b in documents_of(project, trigger)[1][0].blocks)

    assert first in reprinted() and second in reprinted()
    lines = (data / "journal.jsonl").read_text(encoding="utf-8").splitlines()
    (data / "journal.jsonl").write_text("\n".join([*lines[:-1], json.dumps(report | {"layout": 5}, ensure_ascii=False)])
                                        + "\n", encoding="utf-8")
    sent = reprinted()  # as a layout-5 report was sent
    assert "审核超过时限" not in sent
    assert "2023年7月25日退回整改（新的整改期限2023年7月31日），退回后逾期21天未反馈。" in sent
    assert "2023年8月3日反馈（按期），2023年8月20日审核销号。" in sent


def test_a_void_names_the_id_it_is_written_under_and_how_to_take_it_back(tmp_path):
    """A wrong void is undone by voiding the void, which needs its id: a fresh-eyes try found it
    printed only the voided record's id (and a dry run's id, which the write does not reuse), and
    had to dig the void's out of cc history. The output names it, and the command to undo."""
    repo = early(tmp_path)
    cc(repo, "notice", "人社局", "--as-of", "2023-07-05")
    out = cc(repo, "void", "法治督〔2023〕1号", "--reason", "发错", "--as-of", "2023-07-06").stdout
    void = entries(repo)[-1]
    assert void["kind"] == "void"
    undo = f'cc void {void["id"]} --reason "作废错了"'
    assert f"作废记录 {void['id']}" in out and undo in out
    assert unit(repo, "2023-07-06", "rsj")["notice_count"] == 0
    cc(repo, "void", void["id"], "--reason", "作废错了", "--as-of", "2023-07-06")
    assert unit(repo, "2023-07-06", "rsj")["notice_count"] == 1


def test_a_unit_s_void_leaves_taking_it_back_and_voiding_the_office_s_records_to_the_office(tmp_path):
    """Only the office voids a void or the office's own 销号: a unit's liaison was shown, after voiding
    her own report, 可撤销这次作废：cc void … (refused when she ran it), and, refused a void of a
    reply the office had reviewed since, 请先作废它：cc void <the 退回整改> (refused again: a fresh-eyes
    try). Both name the office for it; the office itself is told to do it."""
    repo = early(tmp_path)
    cc(repo, "log", "T09", "--unit", "人社局", "--percent", "30", "--note", "进展", "--by", "范某某",
       "--as-of", "2023-07-05")
    report = entries(repo)[-1]["id"]
    out = cc(repo, "void", report, "--reason", "填错", "--by", "范某某", "--as-of", "2023-07-05").stdout
    void = entries(repo)[-1]["id"]
    assert (f'作废记录 {void}；如作废错了，请推进组办公室（吴某某、周某某）撤销这次作废：cc void {void} --reason "作废错了"'
            in out)
    cc(repo, "notice", "人社局", "--as-of", "2023-07-05")
    cc(repo, "reply", "1", "--note", "已整改", "--by", "范某某", "--as-of", "2023-07-06")
    reply = entries(repo)[-1]["id"]
    cc(repo, "reject", "1", "--note", "材料不全", "--days", "10", "--as-of", "2023-07-07")
    reject = entries(repo)[-1]["id"]
    before = snapshot_files(repo / "data")
    unit_try = cc(repo, "void", reply, "--reason", "反馈写错", "--by", "范某某", "--as-of", "2023-07-08", code=2).stderr
    assert f"如那一条也有误，请推进组办公室（吴某某、周某某）先作废它：cc void {reject} --reason …，再作废这一条" in unit_try
    office_try = cc(repo, "void", reply, "--reason", "反馈写错", "--by", "周某某", "--as-of", "2023-07-08", code=2).stderr
    assert f"如那一条也有误，请先作废它：cc void {reject} --reason …，再作废这一条" in office_try
    assert snapshot_files(repo / "data") == before


def test_a_reply_to_another_unit_s_notice_names_whose_it_is_and_the_unit_s_own(tmp_path):
    """A liaison who typed another unit's notice number was told it was 已销号 (无需再反馈), or that
    she may not act for that unit (a fresh-eyes try): it is named as that unit's, with her unit's
    notices that wait for a reply; nothing written."""
    repo = early(tmp_path)
    cc(repo, "notice", "人社局", "--as-of", "2023-07-05")
    cc(repo, "notice", "民政局", "--reason", "未按要求报送台账", "--as-of", "2023-07-05")
    before = snapshot_files(repo / "data")
    wrong = cc(repo, "reply", "2", "--note", "已整改", "--by", "范某某", "--as-of", "2023-07-06", code=1).stderr
    assert wrong.splitlines() == [
        "错误：督办通知 法治督〔2023〕2号 是发给市民政局的，不是发给市人力资源和社会保障局的，未写入任何内容",
        "提示：市人力资源和社会保障局未销号的督办通知中，待反馈的：法治督〔2023〕1号（cc reply 2023-1 --note …）。"]
    none = cc(repo, "reply", "1", "--note", "已整改", "--by", "苗某某", "--as-of", "2023-07-06", code=1).stderr
    assert "是发给市人力资源和社会保障局的，不是发给市总工会的" in none and "市总工会目前没有未销号的督办通知" in none
    assert snapshot_files(repo / "data") == before
    cc(repo, "reply", "2023-1", "--note", "已整改", "--by", "范某某", "--as-of", "2023-07-06")
    replied = cc(repo, "reply", "2", "--note", "已整改", "--by", "范某某", "--as-of", "2023-07-06", code=1).stderr
    assert "提示：市人力资源和社会保障局未销号的督办通知中，已反馈、待牵头单位审核的：法治督〔2023〕1号。" in replied
    office = cc(repo, "reply", "2", "--note", "代为登记", "--by", "周某某", "--as-of", "2023-07-06")  # the office may
    assert office.returncode == 0


def test_a_reprinted_notice_whose_place_moved_says_what_counts_now(tmp_path):
    """1号 voided after 2号 went out as the 第2次: cc reprint 2 makes the document as sent (第2次,
    黄色), and says that the record now counts it as the 1st, as the tables do (a fresh-eyes try
    read a reprinted 第3次 threatening a report that had been voided, with no word of it)."""
    repo = early(tmp_path)
    cc(repo, "notice", "人社局", "--as-of", "2023-07-05")
    cc(repo, "notice", "人社局", "--as-of", "2023-07-20")
    same = cc(repo, "reprint", "2", "--out", str(tmp_path / "before"), "--as-of", "2023-07-20")
    assert "按现在的记录" not in same.stderr
    cc(repo, "void", "法治督〔2023〕1号", "--reason", "发错", "--as-of", "2023-07-21")
    out = cc(repo, "reprint", "2", "--out", str(tmp_path / "out"), "--as-of", "2023-07-21")
    assert ("提示：重新生成的通知与发文时相同，写的是第2次督办（黄色）；按现在的记录它是第1次（蓝色）"
            "（发文时为第2次、黄色，此前的通知作废后重计）") in out.stderr.replace("\n", "")
    assert unit(repo, "2023-07-21", "rsj")["notice_count"] == 1


def test_a_reject_of_a_late_reply_is_told_its_date_must_come_after_today_not_after_the_old_deadline(tmp_path):
    """A reply that came after the 整改期限 has no time left to keep: a --deadline before today was
    told "该单位在期限前反馈" and to write a date after the old deadline, which was then refused as
    before today (a review). The date before today is said first."""
    repo = early(tmp_path)
    cc(repo, "notice", "人社局", "--as-of", "2023-07-05")  # 整改期限 2023-07-17
    cc(repo, "reply", "1", "--note", "已整改", "--as-of", "2023-07-20")
    refused = cc(repo, "reject", "1", "--note", "材料不全", "--deadline", "2023-07-15", "--as-of", "2023-07-21", code=2)
    assert "新的整改期限 2023年7月15日 应晚于退回日期 2023年7月21日" in refused.stderr, refused.stderr
    assert "期限前反馈" not in refused.stderr


def test_a_notice_back_dated_before_one_already_sent_is_told_the_earliest_day_it_may_take(tmp_path):
    """"请以今天（或更晚的 --as-of）发文" named no day, and today lay years past the practice campaign
    (a fresh-eyes try): the refusal names the last notice's day as the earliest one."""
    repo = early(tmp_path)
    cc(repo, "notice", "人社局", "--as-of", "2023-07-05")
    before = snapshot_files(repo)
    late = cc(repo, "notice", "总工会", "--reason", "补发", "--as-of", "2023-07-01", code=1)
    assert "最早只能以2023年7月5日发文（--as-of 2023-07-05 或更晚；不写 --as-of 即为今天）" in late.stderr, late.stderr
    assert snapshot_files(repo) == before


def test_voiding_a_middle_notice_says_how_the_later_ones_are_counted_now(tmp_path):
    """人社局's 法治督〔2023〕3号 (its second) voided as 误发: 4号 was issued as its 第3次 and is now
    its second, and the next notice is the third again; a hostile-input try saw two "第3次"
    documents and was told nothing of it."""
    from helpers import copy_data

    data = copy_data(tmp_path)
    voided = cc(tmp_path, "void", "法治督〔2023〕3号", "--reason", "误发", "--by", "周某某", "--as-of", "2023-12-30")
    assert ("市人力资源和社会保障局的督办通知按现在的记录重新计次：法治督〔2023〕4号（发文时为第3次，现为第2次）；"
            "下一次督办为第3次。") in voided.stdout, voided.stdout
    preview = cc(tmp_path, "notice", "人社局", "--dry-run", "--yes", "--by", "周某某", "--as-of", "2023-12-30")
    assert "第3次督办（红色）" in preview.stdout and data.exists()
    other = cc(tmp_path, "void", "法治督〔2023〕1号", "--reason", "误发", "--by", "周某某", "--as-of", "2023-12-30")
    assert "重新计次" not in other.stdout  # 市场监管局 had no later notice
