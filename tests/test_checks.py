"""Cross-reference checks on small inline data folders, the real data/ folder, and the plan from the speech."""

from __future__ import annotations

import hashlib
import json
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from chuangcheng_cli.store import checks
from chuangcheng_cli.diagnostics import DataError

DATA = Path(__file__).resolve().parents[1] / "data"

UNITS = textwrap.dedent("""
    units:
      - id: sfj
        name: 市司法局
        short_names: [司法局]
        head: {name: 王某某, title: 局长}
        deputy: {name: 李某, title: 副局长}
        liaison: {name: 吴某某, phone: 0000-60000101}
        sections:
          - {name: 普法与依法治理科, head: 陈某某}
          - {name: 公共法律服务管理科, head: 刘某}
      - id: mzj
        name: 市民政局
        short_names: [民政局]
        head: {name: 薛某某}
        deputy: {name: 雷某}
        liaison: {name: 贺某某}
        sections:
          - {name: 基层政权建设和社区治理科, head: 倪某某}
      - id: zzb
        name: 市委组织部
        short_names: [组织部]
        head: {name: 殷某某}
        deputy: {name: 罗某}
        liaison: {name: 毕某某}
        sections:
          - {name: 基层组织建设科, head: 郝某某}
    """).lstrip("\n")

PLAN = textwrap.dedent("""
    campaign:
      name: 2023年创建全国文明城市工作
      group: 法治环境工作推进组
      lead_unit: sfj
      year: 2023
      start: 2023-04-14
      end: 2023-12-31
      issuer: 市创建全国文明城市指挥部法治环境工作推进组
      office: 法治环境工作推进组办公室
      contact: {name: 周某某}
    indicators:
      - {id: I1, name: 法治宣传教育, content: 普法, method: 材料审核}
      - {id: I4, name: 基层民主法治, content: 村居自治, method: 实地考察}
    tasks:
      - id: T01
        indicator: I1
        title: 落实普法责任制
        requirement: 印发普法责任清单
        lead: sfj
        deadline: 2023-11-30
        milestones:
          - {date: 2023-06-30, percent: 35}
          - {date: 2023-09-30, percent: 75}
      - id: T10
        indicator: I4
        title: 村居依法自治
        requirement: 依法选举、村务公开
        lead: mzj
        co_units: [zzb]
        deadline: 2023-10-31
    policy: {notice_prefix: 法治督}
    """).lstrip("\n")


def entry(kind: str, date: str = "2023-05-10", **fields) -> str:
    digest = hashlib.sha1(json.dumps([kind, date, fields], ensure_ascii=False).encode()).hexdigest()
    fields.setdefault("id", f"{date.replace('-', '')}-{digest[:8]}")
    data = {"id": fields.pop("id"), "kind": kind, "date": date, "at": f"{date}T10:00:00+08:00",
            "by": "吴某某", **fields}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def progress(percent: int, task: str = "T01", unit: str = "sfj", date: str = "2023-05-10", **more) -> str:
    return entry("progress", date, task=task, unit=unit, percent=percent, note="进度说明。", **more)


def notice(number: int, unit: str, date: str = "2023-07-10") -> str:
    return entry("notice", date, year=2023, number=number, doc_no=f"法治督〔2023〕{number}号", unit=unit,
                 seq=1, level="蓝", tasks=["T10"], deadline="2023-07-20")


@pytest.fixture
def check(data_dir):
    """check(units=…, plan=…, journal=[lines]) → Checked, on a folder holding only these files."""

    def run(units: str = UNITS, plan: str = PLAN, journal: list[str] | None = None):
        folder = data_dir({"units.yaml": units, "tasklist.yaml": plan,
                           "journal.jsonl": "".join(line + "\n" for line in journal or [])})
        return checks.check_folder(folder, display_base=folder)

    return run


def found(checked) -> list[tuple[str, str, int]]:
    return [(p.code, p.file, p.line) for p in checked.problems]


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based line of the nth line containing needle in text as written (dedented)."""
    lines = textwrap.dedent(text).lstrip("\n").split("\n")
    hits = [i + 1 for i, line in enumerate(lines) if needle in line]
    return hits[nth - 1]


def test_small_folder_is_clean(check):
    checked = check(journal=[progress(20)])
    assert checked.problems == []
    assert checked.project is not None


# -------------------------------------------------------------------- units


def test_duplicate_unit_id_names_the_first_line(check):
    units = UNITS.replace("id: zzb", "id: mzj")
    checked = check(units=units, plan=PLAN.replace("    co_units: [zzb]\n", ""))
    assert found(checked) == [("duplicate-unit-id", "units.yaml", line_of(UNITS, "id: zzb"))]
    assert f"第 {line_of(UNITS, 'id: mzj')} 行" in checked.problems[0].message


def test_duplicate_unit_id_does_not_make_the_journal_look_at_the_wrong_unit(check):
    units = UNITS.replace("id: zzb", "id: mzj")
    assign = entry("assign", task="T10", unit="mzj", section="基层政权建设和社区治理科", person="倪某某")
    checked = check(units=units, plan=PLAN.replace("    co_units: [zzb]\n", ""), journal=[assign])
    assert [p.code for p in checked.problems] == ["duplicate-unit-id"]


def test_a_short_name_that_is_another_unit_s_id(check):
    """[组织部, mzj] passed validation, and --unit mzj then named 组织部, not 民政局 (hostile-input try)."""
    checked = check(units=UNITS.replace("short_names: [组织部]", "short_names: [组织部, mzj]"))
    (p,) = checked.problems
    assert (p.code, p.line) == ("duplicate-unit-name", line_of(UNITS, "short_names: [组织部]"))
    assert p.message == '名称 "mzj" 是另一个单位（市民政局）的 id'
    # and an id names its own unit, whatever the order of the units
    import dataclasses

    from chuangcheng_cli.reports.rows import resolve_unit
    from helpers import DATA

    project, _ = checks.load_checked(DATA)
    first = project.units[0].model_copy(update={"short_names": [*project.units[0].short_names, "rsj"]})
    project = dataclasses.replace(project, units=[first, *project.units[1:]])
    assert first.id != "rsj" and resolve_unit(project, "rsj").id == "rsj"


def test_a_short_name_that_is_another_unit_s_id_but_for_case(check):
    """[组织部, MZJ]: --unit MZJ named 组织部 and --unit mzj 民政局 (an adversarial try)."""
    checked = check(units=UNITS.replace("short_names: [组织部]", "short_names: [组织部, MZJ]"))
    (p,) = checked.problems
    assert (p.code, p.line) == ("duplicate-unit-name", line_of(UNITS, "short_names: [组织部]"))
    assert p.message == '名称 "MZJ" 是另一个单位（市民政局）的 id "mzj"，只差大小写'


def test_a_phone_that_is_no_phone_number_is_a_warning(check):
    """units.yaml's and the contact's phones went unchecked into the notices' 附注 (--phone is
    refused for the same: abc, 0, -1, a date)."""
    checked = check(units=UNITS.replace("phone: 0000-60000101", "phone: '2023-12-05'", 1))
    (p,) = checked.problems
    assert (p.code, p.severity, p.line) == ("invalid-value", "warning", line_of(UNITS, "phone: 0000-60000101"))
    assert p.message == "电话号码“2023-12-05”不像电话号码（像是日期）" and "转8012" in p.hint
    assert check(units=UNITS.replace("phone: 0000-60000101", "phone: 0571-87001234转8012、13800000000", 1)).problems == []
    plan = check(plan=PLAN.replace("contact: {name: 周某某}", "contact: {name: 周某某, phone: '-1'}"))
    assert [(p.code, p.severity) for p in plan.problems] == [("invalid-value", "warning")]
    assert "不像电话号码" in plan.problems[0].message


def test_a_notice_prefix_with_a_year_or_number_is_named(check):
    """notice_prefix: 法治督〔2023〕9号 passed validate; every 文号 would read 法治督〔2023〕9号〔2023〕1号."""
    checked = check(plan=PLAN.replace("notice_prefix: 法治督", "notice_prefix: 法治督〔2023〕9号"))
    (p,) = checked.problems
    assert (p.code, p.severity) == ("invalid-value", "warning")
    assert p.message == "督办通知的机关代字“法治督〔2023〕9号”中含有年份或序号" and "notice_prefix: 法治督：" in p.hint


def test_a_short_name_used_by_two_units(check):
    checked = check(units=UNITS.replace("short_names: [组织部]", "short_names: [组织部, 民政局]"))
    (p,) = checked.problems
    assert (p.code, p.line) == ("duplicate-unit-name", line_of(UNITS, "short_names: [组织部]"))
    assert "市民政局" in p.message


@pytest.mark.parametrize("unseen, named", [("\u3164", "U+3164（空白的填充字符）"), ("\u2800", "U+2800（空白的填充字符）"),
                                           ("\ufe0f", "U+FE0F（变体选择符）"), ("\u200b", "U+200B（零宽字符）")])
def test_a_short_name_that_looks_like_another_unit_s(check, unseen, named):
    """[组织部, "民政局\u3164"]: a blank filler (U+3164, a Hangul letter to Unicode) passed every check,
    and cc units showed two units as 民政局 (a hostile-input try); a zero-width space was only a
    warning. What draws nothing is no part of a name: the names are the same unit's (an error), and
    the character is named (a warning)."""
    checked = check(units=UNITS.replace("short_names: [组织部]", f'short_names: [组织部, "民政局{unseen}"]'))
    dup, mark = checked.problems
    assert (dup.code, dup.severity, dup.line) == ("duplicate-unit-name", "error", line_of(UNITS, "short_names: [组织部]"))
    assert (mark.code, mark.severity) == ("invalid-character", "warning") and named in mark.message
    person = check(units=UNITS.replace("name: 贺某某", f'name: "贺某某{unseen}"', 1))
    assert [(p.code, p.severity) for p in person.problems] == [("invalid-character", "warning")]


def test_full_width_commas_in_lists_are_named(check):
    """[中院，市中院] passed as one short name shown everywhere as 中院，市中…, and [zzb，mzj] was
    only told an id takes lowercase letters: a full-width comma separates no YAML list (fresh-eyes try)."""
    checked = check(units=UNITS.replace("short_names: [组织部]", "short_names: [组织部，组织]"))
    (p,) = checked.problems
    assert (p.code, p.severity, p.line) == ("invalid-value", "warning", line_of(UNITS, "short_names: [组织部]"))
    assert "几个简称被写成了一项" in p.message and p.hint.endswith("short_names: [组织部, 组织]")
    plan = check(plan=PLAN.replace("co_units: [zzb]", "co_units: [zzb，mzj]"))
    (q,) = [p for p in plan.problems if p.code == "invalid-value"]
    assert q.line == line_of(PLAN, "co_units: [zzb]") and "例如 [zzb, mzj]" in q.hint and "全角逗号" in q.hint


def test_a_long_short_title_and_a_milestone_outside_the_campaign_are_explained(check):
    """short_title is documented as 10个字以内 and was not checked (a long one pushed 科室/责任人 out of
    cc status); a milestone outside the campaign had no hint, as a deadline outside it has."""
    checked = check(plan=PLAN.replace("    title: 落实普法责任制\n",
                                      "    title: 落实普法责任制\n    short_title: 落实普法责任制并开展年度评估\n")
                    .replace("{date: 2023-06-30, percent: 35}", "{date: 2023-01-30, percent: 35}"))
    by_code = {p.code: p for p in checked.problems}
    long = by_code["invalid-value"]
    assert long.severity == "warning" and long.message == "任务简称有 14 个字，超过 10 个字"
    assert long.line == line_of(PLAN, "title: 落实普法责任制") + 1
    outside = by_code["date-outside-campaign"]
    assert "节点日期 2023-01-30 不在创建活动期间" in outside.message and outside.hint.startswith("请把节点日期改到活动期间内")


def test_two_sections_of_one_name_even_with_different_heads(check):
    units = UNITS.replace("- {name: 公共法律服务管理科, head: 刘某}", "- {name: 普法与依法治理科, head: 刘某}")
    assert found(check(units=units)) == [("duplicate-section", "units.yaml", line_of(UNITS, "公共法律服务管理科"))]


def test_unit_without_task_is_a_warning(check):
    checked = check(plan=PLAN.replace("    co_units: [zzb]\n", ""))
    assert found(checked) == [("unit-without-task", "units.yaml", line_of(UNITS, "id: zzb"))]
    assert checked.errors == [] and checked.project is not None


# --------------------------------------------------------------------- plan


def test_unknown_lead_unit_with_suggestion(check):
    checked = check(plan=PLAN.replace("lead: mzj", "lead: mzjj"))
    assert found(checked) == [("unknown-unit", "tasklist.yaml", line_of(PLAN, "lead: mzj")),
                              ("unit-without-task", "units.yaml", line_of(UNITS, "id: mzj"))]
    assert checked.problems[0].hint == '是否为 "mzj"（市民政局）？'
    assert checked.problems[0].col == 11 and checked.problems[0].width == 4


def test_unknown_campaign_lead_unit(check):
    checked = check(plan=PLAN.replace("lead_unit: sfj", "lead_unit: sfjj"))
    assert found(checked) == [("unknown-unit", "tasklist.yaml", line_of(PLAN, "lead_unit:"))]


def test_co_unit_problems(check):
    plan = PLAN.replace("co_units: [zzb]", "co_units: [zzb, mzj, zzb, xyz]")
    checked = check(plan=plan)
    line = line_of(PLAN, "co_units")
    assert found(checked) == [("co-unit-is-lead", "tasklist.yaml", line),
                              ("duplicate-co-unit", "tasklist.yaml", line),
                              ("unknown-unit", "tasklist.yaml", line)]
    assert [p.col for p in checked.problems] == [21, 26, 31]


def test_unknown_indicator(check):
    checked = check(plan=PLAN.replace("indicator: I4", "indicator: I5"))
    assert found(checked) == [("indicator-without-task", "tasklist.yaml", line_of(PLAN, "id: I4")),
                              ("unknown-indicator", "tasklist.yaml", line_of(PLAN, "indicator: I4"))]
    assert checked.problems[1].hint == '是否为 "I4" 或 "I1"？'


def test_duplicate_task_and_indicator_ids(check):
    plan = PLAN.replace("id: T10", "id: T01").replace("id: I4,", "id: I1,").replace("indicator: I4", "indicator: I1")
    checked = check(plan=plan)
    assert found(checked) == [("duplicate-indicator-id", "tasklist.yaml", line_of(PLAN, "id: I4")),
                              ("duplicate-task-id", "tasklist.yaml", line_of(PLAN, "id: T10"))]
    assert f"第 {line_of(PLAN, 'id: T01')} 行" in checked.problems[1].message


def test_deadline_and_milestone_outside_campaign(check):
    plan = PLAN.replace("deadline: 2023-10-31", "deadline: 2024-01-31").replace("2023-06-30", "2023-04-01")
    assert found(check(plan=plan)) == [
        ("date-outside-campaign", "tasklist.yaml", line_of(PLAN, "2023-06-30")),
        ("date-outside-campaign", "tasklist.yaml", line_of(PLAN, "deadline: 2023-10-31")),
    ]


@pytest.mark.parametrize("old, new, needle", [
    ("{date: 2023-09-30, percent: 75}", "{date: 2023-12-30, percent: 75}", "2023-09-30"),  # after deadline
    ("{date: 2023-09-30, percent: 75}", "{date: 2023-06-01, percent: 75}", "2023-09-30"),  # not in order
    ("{date: 2023-09-30, percent: 75}", "{date: 2023-09-30, percent: 30}", "2023-09-30"),  # percent down
    ("{date: 2023-09-30, percent: 75}", "{date: 2023-09-30, percent: 100}", "2023-09-30"),  # done before the deadline
])
def test_milestone_order(check, old, new, needle):
    assert found(check(plan=PLAN.replace(old, new))) == [
        ("milestone-order", "tasklist.yaml", line_of(PLAN, needle))]


def test_campaign_ending_before_it_starts_is_reported_once(check):
    checked = check(plan=PLAN.replace("end: 2023-12-31", "end: 2023-01-31"), journal=[progress(20)])
    assert found(checked) == [("campaign-dates", "tasklist.yaml", line_of(PLAN, "end:"))]


def test_campaign_year_not_matching_dates_is_a_warning(check):
    checked = check(plan=PLAN.replace("year: 2023", "year: 2022"))
    assert found(checked) == [("campaign-dates", "tasklist.yaml", line_of(PLAN, "year:"))]
    assert checked.errors == []


# ------------------------------------------------------------------ journal


def test_journal_references(check):
    journal = [
        progress(10, task="T99"),
        progress(10, unit="xyz"),
        progress(10, unit="mzj"),
        entry("assign", task="T01", unit="sfj", section="普法科", person="陈某某"),
    ]
    checked = check(journal=journal)
    assert [(p.code, p.line) for p in checked.problems] == [
        ("unknown-task", 1), ("unknown-unit", 2), ("unit-not-on-task", 3), ("unknown-section", 4)]
    assert checked.problems[2].hint == "该任务的责任单位：市司法局"
    assert checked.problems[3].hint == '是否为 "普法与依法治理科"？'
    col = journal[1].index('"xyz"') + 1
    assert (checked.problems[1].col, checked.problems[1].width) == (col, 5)


def test_progress_decrease_needs_a_correction(check):
    journal = [progress(40, date="2023-05-10"), progress(30, date="2023-06-10"),
               progress(20, date="2023-07-10", correction="上次统计口径有误，重新核算。")]
    assert [(p.code, p.line) for p in check(journal=journal).problems] == [("progress-decrease", 2)]


def test_progress_is_compared_in_date_order_not_file_order(check):
    journal = [progress(40, date="2023-06-10"), progress(20, date="2023-05-10")]  # appended late
    assert check(journal=journal).problems == []


def test_verify_only_after_completion(check):
    verify = entry("verify", "2023-09-01", task="T01")
    reopen = entry("reopen", "2023-09-02", task="T01", reason="退回重办。")
    verify_again = entry("verify", "2023-09-03", task="T01")
    assert [(p.code, p.line) for p in check(journal=[progress(60), verify]).problems] == [
        ("verify-before-complete", 2)]
    assert check(journal=[progress(100), verify]).problems == []
    assert [(p.code, p.line) for p in check(journal=[progress(100), verify, reopen, verify_again]).problems] == [
        ("verify-before-complete", 4)]


def test_duplicate_entry_id(check):
    line = progress(20)
    checked = check(journal=[line, line])
    assert [(p.code, p.line) for p in checked.problems] == [("duplicate-entry-id", 2)]
    assert "第 1 行" in checked.problems[0].message


def test_notices_replies_and_escalations(check):
    journal = [
        notice(1, "mzj"),
        notice(1, "zzb", date="2023-07-11"),  # the same number again
        entry("reply", "2023-07-15", notice="2023-1", unit="sfj", note="已整改。"),  # neither went to sfj
        entry("reply", "2023-07-16", notice="2023-9", unit="mzj", note="已整改。"),
        entry("close", "2023-07-17", notice="2023-8"),
        entry("escalate", "2023-07-18", unit="mzj", notices=["2023-1", "2023-7"]),
    ]
    assert [(p.code, p.line) for p in check(journal=journal).problems] == [
        ("duplicate-notice-number", 2), ("reply-wrong-unit", 3), ("unknown-notice", 4),
        ("unknown-notice", 5), ("unknown-notice", 6)]
    # a reply by the unit of the other notice of the doubled number is that notice's: no second error,
    # and the first, unanswered, is the one to void (said on its line)
    journal[2] = entry("reply", "2023-07-15", notice="2023-1", unit="zzb", note="已整改。")
    assert [(p.code, p.line) for p in check(journal=journal).problems] == [
        ("duplicate-notice-number", 1), ("unknown-notice", 4), ("unknown-notice", 5), ("unknown-notice", 6)]


def test_a_notice_sent_without_knowing_the_unit_s_earlier_one_is_named(check):
    """A notice, not forced, sent to a unit while its earlier notice was open and blocked a new
    one (整改期限 not come, or a reply awaiting review): cc notice refuses it, so it came from a
    merge of two branches, and it counts one 督办 more toward the unit's escalation
    (notice-while-open). One forced, or sent after the deadline, whose 第N次 counts fewer notices
    than stand before it was sent without knowing of them too (notice-seq-behind). None after the
    deadline with the right count, after a close, a reject's new deadline passed, a void of
    either; a number given twice is left to duplicate-notice-number. Said on the line of the
    one to void: the one the unit has not replied to, else the later one."""
    def sent(number, date, unit="mzj", seq=2, **more):
        return entry("notice", date, year=2023, number=number, doc_no=f"法治督〔2023〕{number}号", unit=unit,
                     seq=seq, level="蓝", tasks=["T10"], deadline=more.pop("deadline", "2023-07-20"), **more)

    def codes(*journal):
        return [(p.code, p.line, p.severity) for p in check(journal=list(journal)).problems]

    first = sent(1, "2023-07-10", seq=1)
    reply = entry("reply", "2023-07-12", notice="2023-1", unit="mzj", note="已整改。")
    while_open = ("notice-while-open", 2, "warning")
    assert codes(first) == []
    assert codes(first, sent(2, "2023-07-15")) == [while_open]
    assert codes(first, sent(2, "2023-07-20")) == [while_open]  # the deadline's own day: not yet passed
    assert codes(first, sent(2, "2023-07-21")) == []
    assert codes(first, sent(2, "2023-07-21", seq=1)) == [("notice-seq-behind", 2, "warning")]
    assert codes(first, sent(2, "2023-07-15", unit="zzb", seq=1)) == []  # another unit
    assert codes(first, sent(2, "2023-07-15", forced=True, reason="另有紧急问题")) == []
    assert codes(first, sent(2, "2023-07-15", seq=1, forced=True, reason="另有紧急问题")) == [
        ("notice-seq-behind", 2, "warning")]  # forced on two branches: both the 2nd, or both the 1st
    assert codes(first, reply, sent(2, "2023-07-25")) == [("notice-while-open", 3, "warning")]  # awaiting review
    assert codes(first, reply, entry("close", "2023-07-13", notice="2023-1"), sent(2, "2023-07-15")) == []
    reject = entry("reject", "2023-07-13", notice="2023-1", note="不到位。", deadline="2023-07-30")
    assert codes(first, reply, reject, sent(2, "2023-07-25")) == [("notice-while-open", 4, "warning")]
    assert codes(first, reply, reject, sent(2, "2023-07-31")) == []
    later = sent(2, "2023-07-15")
    void = entry("void", "2023-07-16", entry=json.loads(later)["id"], reason="重复督办")
    assert codes(first, later, void) == []
    assert codes(first, sent(1, "2023-07-15")) == [("duplicate-notice-number", 2, "error")]
    # merged in file order the other way round: said on the later one by date all the same
    assert codes(sent(2, "2023-07-15"), first) == [("notice-while-open", 1, "warning")]
    hint = check(journal=[first, later]).problems[0].hint
    assert f"cc void {json.loads(later)['id']}" in hint and "该单位现计 2 次督办" in hint
    # the unit replied to the later one only: the earlier one is the one to void, said on its line
    answer = entry("reply", "2023-07-16", notice="2023-2", unit="mzj", note="已整改。")
    found = check(journal=[first, later, answer]).problems
    assert [(p.code, p.line) for p in found] == [("notice-while-open", 1)]
    assert f"cc void {json.loads(first)['id']}" in found[0].hint and "没有反馈的 法治督〔2023〕1号" in found[0].hint
    third = sent(3, "2023-08-10", seq=2, forced=True, reason="又一份")
    found = check(journal=[first, sent(2, "2023-07-21"), third]).problems
    assert [(p.code, p.line) for p in found] == [("notice-seq-behind", 3)]
    assert "该单位现计 3 次督办，已满报告" in found[0].hint


def test_entry_before_campaign_is_a_warning(check):
    checked = check(journal=[progress(10, date="2023-03-01")])
    assert [(p.code, p.severity) for p in checked.problems] == [("entry-date-outside-campaign", "warning")]


# --------------------------------------------------------------- load_checked


def test_load_checked_raises_data_error_with_the_problems(data_dir):
    folder = data_dir({"tasklist.yaml": PLAN.replace("lead: mzj", "lead: mzjj"), "units.yaml": UNITS,
                       "journal.jsonl": None})
    with pytest.raises(DataError) as caught:
        checks.load_checked(folder, display_base=folder)
    assert [p.code for p in caught.value.problems] == ["unknown-unit"]  # errors only, no warnings
    assert str(caught.value) == caught.value.problems[0].message


def test_load_checked_returns_warnings(data_dir):
    folder = data_dir({"tasklist.yaml": PLAN.replace("    co_units: [zzb]\n", ""), "units.yaml": UNITS,
                       "journal.jsonl": None})
    project, warnings = checks.load_checked(folder, display_base=folder)
    # no journal yet: an empty one, said as a warning (a journal deleted by mistake is not "clean")
    assert sorted(w.code for w in warnings) == ["missing-file", "unit-without-task"]
    assert all(not w.is_error for w in warnings)
    assert project.task("T10").lead == "mzj"


def test_load_checked_raises_when_a_file_cannot_be_read(data_dir):
    folder = data_dir({"units.yaml": None})
    with pytest.raises(DataError) as caught:
        checks.load_checked(folder)
    assert [p.code for p in caught.value.problems] == ["missing-file"]


# ------------------------------------------------------------ the real data


@pytest.fixture(scope="module")
def real():
    return checks.check_folder(DATA, display_base=DATA)


def test_real_data_is_clean(real):
    assert real.problems == [], "\n".join(f"{p.file}:{p.line}: {p.message} [{p.code}]" for p in real.problems)


def test_real_plan_matches_the_speech(real):
    """Ownership as announced: 4 indicators, 14 tasks, 20 units, and who does what."""
    project = real.project
    plan = project.plan
    assert len(plan.indicators) == 4
    assert len(plan.tasks) == 14
    assert len(project.units) == 20

    def uid(name: str) -> str:
        (unit,) = [u for u in project.units if name == u.name or name in u.short_names]
        return unit.id

    teams = [frozenset(t.units) for t in plan.tasks]
    owners = Counter(u for team in teams for u in team)
    assert set(owners) == {u.id for u in project.units}  # every unit owns at least one task

    accounted: set[int] = set()

    def alone(*names) -> int:
        """Tasks whose units are exactly these (one name: the unit alone)."""
        mine = {i for i, team in enumerate(teams) if team == {uid(n) for n in names}}
        accounted.update(mine)
        return len(mine)

    def with_others(name) -> int:
        mine = {i for i, team in enumerate(teams) if uid(name) in team}
        assert all(len(teams[i]) > 1 for i in mine), f"{name} also works alone"
        accounted.update(mine)
        return len(mine)

    assert alone("市司法局") == owners[uid("市司法局")] == 3
    assert alone("市中级人民法院") == 1
    assert alone("市委宣传部", "市委党校") == 1
    assert alone("市委统战部", "市公安局", "市科协") == 1
    assert alone("市市场监督管理局") == 1
    assert with_others("市人社局") == 2
    assert with_others("市民政局") == 5
    assert accounted == set(range(14))  # and that is every task


def test_a_mistyped_lead_blames_no_journal_entry(tmp_path):
    """A task's lead mistyped in the plan is the plan's error alone: the problems and reports the
    journal rightly files under that task are not called another unit's (nor is voiding them
    suggested) while the plan cannot say who the task's units are (found by a new user's try)."""
    import shutil

    from helpers import DATA

    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    plan = folder / "tasklist.yaml"
    text = plan.read_text(encoding="utf-8")
    assert "    lead: mzj\n" in text
    plan.write_text(text.replace("    lead: mzj\n", "    lead: mzjj\n", 1), encoding="utf-8")
    checked = checks.check_folder(folder, display_base=folder)
    assert [(p.code, p.file) for p in checked.problems] == [("unknown-unit", "tasklist.yaml")]
