"""综合评价 (domain/score.py, cc score): the formula on a hand-built journal, checked by hand (see
problem_scenario.py for the record and the arithmetic), the weights from data, and the command."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re

import pytest
from typer.testing import CliRunner

from chuangcheng_cli.cli import app
from chuangcheng_cli.domain import rules, score
from chuangcheng_cli.store import checks
from helpers import DATA, cc_env, run_cc
from problem_scenario import AS_OF, make_data, snapshot

runner = CliRunner()


@pytest.fixture(scope="module")
def snap(tmp_path_factory):
    return snapshot(tmp_path_factory.mktemp("score"))


@pytest.fixture(scope="module")
def by_unit(snap):
    return {s.unit.id: s for s in score.scores(snap)}


def components(s: score.UnitScore) -> dict:
    return {c.key: (c.count, c.weight, c.points) for c in s.components}


# ------------------------------------------------------------------------ the formula


def test_a_unit_with_a_red_task_a_notice_and_a_reworked_problem(by_unit):
    rsj = by_unit["rsj"]
    assert components(rsj) == {
        "red_task": (0, 5, 0.0),  # T09 is red for its late notice alone: counted as that, below
        "yellow_task": (1, 2, 2.0),  # T08: 10% against its 序时进度
        "notice_blue": (1, 2, 2.0),
        "notice_yellow": (0, 4, 0.0),  # 2号 was voided
        "notice_red": (0, 6, 0.0),
        "escalation": (0, 10, 0.0),
        "late_notice": (1, 5, 5.0),  # 法治督〔2023〕1号 is past its 整改期限, unanswered
        "overdue_problem": (1, 2, 2.0),  # W2023-0002; W2023-0003 awaits 复查, W2023-0007 was voided
        "on_time_rate": (1, 10, 2.5),  # 应完成整改 4 (two closed, one overdue, W2023-0003 fixed in time), 按期 3: 10 × 1/4
        "rework_rate": (1, 5, 2.5),  # W2023-0001 of the two rechecked
        "extension_rate": (1, 0, 0.0),  # W2023-0004 extended; weight 0 by default
        "late_review": (0, 1, 0.0),  # the office's queue is never 人社局's
    }
    assert rsj.deducted == 16.0 and rsj.score == 84
    items = {c.key: c.items for c in rsj.components}
    assert items["red_task"] == () and items["yellow_task"] == ("T08",)
    assert items["late_notice"] == ("法治督〔2023〕1号（超期11天未反馈）",)
    assert items["notice_blue"] == ("法治督〔2023〕1号",) and items["notice_yellow"] == ()
    assert items["overdue_problem"] == ("W2023-0002",)
    assert items["on_time_rate"] == ("W2023-0002",) and items["rework_rate"] == ("W2023-0001",)
    assert {c.key: c.of for c in rsj.components if c.of is not None} == {
        "on_time_rate": 4, "rework_rate": 2, "extension_rate": 4}


LATE_FIX = [("problem", "2023-07-01", {"problem": "W2023-0008", "year": 2023, "number": 8, "source": "暗访",
                                      "found": "2023-07-01", "place": "点位8", "desc": "问题8", "unit": "zy",
                                      "mode": "限期整改", "deadline": "2023-07-10"}),
            ("fix", "2023-07-15", {"problem": "W2023-0008", "unit": "zy", "note": "已整改。"})]  # 5 days late
AFTER_LATE_FIX = {
    "passed": [("recheck", "2023-07-18", {"problem": "W2023-0008", "passed": True, "note": "通过。"})],
    "failed, in rework": [("recheck", "2023-07-18", {"problem": "W2023-0008", "passed": False,
                                                     "deadline": "2023-08-10", "note": "未通过。"})],
    "failed, then fixed on time": [
        ("recheck", "2023-07-18", {"problem": "W2023-0008", "passed": False, "deadline": "2023-07-28",
                                   "note": "未通过。"}),
        ("fix", "2023-07-25", {"problem": "W2023-0008", "unit": "zy", "note": "已返工。"}),
        ("recheck", "2023-07-27", {"problem": "W2023-0008", "passed": True, "note": "通过。"})],
}


@pytest.mark.parametrize("after", sorted(AFTER_LATE_FIX))
def test_a_failed_recheck_never_makes_a_late_fix_score_better(tmp_path, after):
    """A fix reported after its 期限 is 未按期 for good: a 复查 that fails (the lead unit's verdict)
    sends the problem back, and adds the 返工; it does not take the late fix out of 按期整改率.
    (It did: a late fix that failed its 复查 cost 5 points, one that passed cost 10.)"""
    from chuangcheng_cli.store.checks import load_checked
    from problem_scenario import _line

    data = make_data(tmp_path)
    lines = [_line(kind, day, 0x8000 + n, "郑某某" if kind == "fix" else "周某某", **fields)
             for n, (kind, day, fields) in enumerate(LATE_FIX + AFTER_LATE_FIX[after])]
    with open(data / "journal.jsonl", "a", encoding="utf-8") as fh:
        fh.write("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in lines))
    project, warnings = load_checked(data)
    assert warnings == [], warnings
    snap = rules.snapshot(project, AS_OF)
    zy = next(s for s in score.scores(snap) if s.unit.id == "zy")
    got = components(zy)
    assert got["on_time_rate"] == (1, 10, 10.0)  # 未按期 1 of 应完成整改 1, whatever followed the late fix
    assert got["rework_rate"] == ((0, 5, 0.0) if after == "passed" else (1, 5, 5.0))
    assert zy.deducted == (10 if after == "passed" else 15)
    # the store keeps the fact with a problem's others while it is not 销号 (one 销号 is counted
    # with its unit's others, problemlist.Settled: a score reads the journal in full anyway)
    from chuangcheng_cli.store import folds

    body = folds.dump(snap.fold, folds.where(project.journal), len(project.journal), 0, "")
    back = folds.restore(json.loads(body.partition(b"\n")[2]), project.plan, project.units,
                         dict(enumerate(project.journal)))
    assert {pid: ps.late_fixed for pid, ps in back.problems.items()} == \
        {pid: ps.late_fixed for pid, ps in snap.fold.problems.items() if ps.closed_on is None}
    if snap.fold.problems["W2023-0008"].closed_on is not None:
        assert "W2023-0008" not in back.problems and back.units["zy"].settled.total >= 1
    else:
        assert back.problems["W2023-0008"].late_fixed is True


def test_every_point_is_explained_in_one_line(by_unit):
    lines = [c.explain() for c in by_unit["rsj"].components if c.points]
    assert lines == [
        "黄灯任务1项 × 2 = 2",
        "督办通知（蓝）1份 × 2 = 2",
        "督办整改超期1份 × 5 = 5",
        "逾期未整改问题1个 × 2 = 2",
        "按期整改率75%（应完成整改4个，未按期1个）：10 × 1/4 = 2.5",
        "返工率50%（已复查2个，返工1个）：5 × 1/2 = 2.5",
    ]
    assert [c.key for c in by_unit["rsj"].main_deductions()] == ["late_notice", "on_time_rate", "rework_rate"]
    assert by_unit["mzj"].components[8].explain() == "按期整改率：无可计算的问题，不扣分"


def test_problems_are_not_deducted_twice_through_the_task_light(snap, by_unit):
    """T10 is yellow only for 民政局's problem in 返工: the rework rate counts it, the light does not."""
    assert snap.task("T10").light == rules.YELLOW
    mzj = by_unit["mzj"]
    assert components(mzj)["yellow_task"] == (0, 2, 0.0)
    assert components(mzj)["rework_rate"] == (1, 5, 5.0)
    assert components(mzj)["on_time_rate"] == (0, 10, 0.0)  # nothing 应完成整改 yet (W2023-0005 is in 返工): no rate, no points
    assert mzj.score == 95


def test_co_units_are_never_blamed_for_the_lead_units_task(snap, by_unit):
    assert snap.task("T09").light == rules.RED and snap.task("T08").light == rules.YELLOW
    for co in ("zjj", "zgh", "gsl"):  # T09's and T08's co-units
        assert by_unit[co].score == 100 and by_unit[co].deducted == 0


def test_the_lead_unit_answers_for_its_own_late_reviews(snap, by_unit):
    late = [q for q in snap.queue if q.overdue]
    assert [(q.kind, q.subject, q.days) for q in late] == [(rules.RECHECK, "W2023-0003", 13)]
    assert components(by_unit["sfj"])["late_review"] == (1, 1, 1.0)
    assert by_unit["sfj"].score == 99


def test_ranking_shares_ranks_and_puts_the_worst_last(snap):
    ranked = score.scores(snap)
    assert [(s.unit.id, s.rank, s.score) for s in ranked[-3:]] == [("sfj", 18, 99), ("mzj", 19, 95),
                                                                   ("rsj", 20, 84.0)]
    assert {s.rank for s in ranked[:-3]} == {1}
    assert [s.unit.id for s in ranked[:3]] == ["zy", "xcb", "dx"]  # ties in units.yaml order


def test_task_light_is_the_units_own(snap):
    t09 = snap.task("T09")
    assert t09.light == rules.RED  # for its late notice, which the score counts as one (late_notice)
    assert score.task_light(t09, "rsj", AS_OF) is None
    assert score.task_light(t09, "zjj", AS_OF) is None
    assert score.task_light(t09, "mzj", AS_OF) is None  # not its task at all
    assert score.task_light(snap.task("T08"), "rsj", AS_OF) == rules.YELLOW
    # a task past its deadline without a 办结报告 is red for the lead unit
    late = rules.snapshot(snap.project, dt.date(2023, 12, 1))
    assert score.task_light(late.task("T08"), "rsj", late.today) == rules.RED
    assert score.task_light(late.task("T08"), "zgh", late.today) is None


def test_weights_come_from_the_data(tmp_path):
    data = make_data(tmp_path)
    plan = data / "tasklist.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("  late_notice: 5 ", "  late_notice: 20 ").replace("  extension_rate: 0 ",
                                                                                 "  extension_rate: 8 "),
                    encoding="utf-8")
    project, warnings = checks.load_checked(data)
    assert warnings == []
    rsj = {s.unit.id: s for s in score.scores(rules.snapshot(project, AS_OF))}["rsj"]
    assert components(rsj)["late_notice"] == (1, 20, 20.0)
    assert components(rsj)["extension_rate"] == (1, 8, 2.0)  # 8 × 1/4
    assert rsj.deducted == 16.0 + 15 + 2


def test_a_plan_without_a_score_section_uses_the_defaults(tmp_path):
    data = make_data(tmp_path)
    plan = data / "tasklist.yaml"
    text = plan.read_text(encoding="utf-8")
    start = text.index("score:\n")
    end = text.index("\n\n", start)
    plan.write_text(text[:start] + text[end + 2:], encoding="utf-8")
    project, _ = checks.load_checked(data)
    assert project.plan.score == type(project.plan.score)()
    assert {s.unit.id: s for s in score.scores(rules.snapshot(project, AS_OF))}["rsj"].score == 84


@pytest.mark.parametrize("line, code", [("  red_task: -1 ", "out-of-range"), ("  red_task: 2.5 ", "wrong-type"),
                                        ("  red_tasks: 5 ", "unknown-field")])
def test_bad_weights_are_data_errors(tmp_path, line, code):
    data = make_data(tmp_path)
    plan = data / "tasklist.yaml"
    text = plan.read_text(encoding="utf-8")
    at = text.count("\n", 0, text.index("  red_task: 5 ")) + 1  # the line of the weight, wherever it is
    plan.write_text(text.replace("  red_task: 5 ", line, 1), encoding="utf-8")
    result = run_cc("validate", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith(f"data/tasklist.yaml:{at}:"), result.stdout
    assert "red_task" in result.stdout and f"[{code}]" in result.stdout, result.stdout


def test_score_never_goes_below_zero_and_ties_at_zero_rank_by_points_lost(tmp_path):
    data = make_data(tmp_path)
    plan = data / "tasklist.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("  base: 100 ", "  base: 5 "), encoding="utf-8")
    project, _ = checks.load_checked(data)
    ranked = score.scores(rules.snapshot(project, AS_OF))
    assert [(s.unit.id, s.score, s.deducted, s.rank) for s in ranked[-2:]] == [("mzj", 0.0, 5.0, 19),
                                                                                ("rsj", 0.0, 16.0, 20)]


# ---------------------------------------------------------------------------- command


def test_cc_score_json_gives_every_component(tmp_path):
    data = make_data(tmp_path)
    result = runner.invoke(app, ["score", "--json", "--data", str(data), "--as-of", "2023-07-31"], env=cc_env())
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["as_of"] == "2023-07-31" and doc["weights"]["base"] == 100 and doc["weights"]["red_task"] == 5
    assert len(doc["units"]) == 20
    rsj = doc["units"][-1]
    assert (rsj["rank"], rsj["id"], rsj["name"], rsj["score"], rsj["deducted"]) == (
        20, "rsj", "市人力资源和社会保障局", 84.0, 16.0)
    on_time = next(c for c in rsj["components"] if c["key"] == "on_time_rate")
    assert on_time == {"key": "on_time_rate", "name": "按期整改率", "count": 1, "of": 4, "rate": 0.75, "weight": 10,
                       "points": 2.5, "items": ["W2023-0002"],
                       "explain": "按期整改率75%（应完成整改4个，未按期1个）：10 × 1/4 = 2.5"}
    assert [c["key"] for c in rsj["components"]] == list(score.NAMES)
    assert round(sum(c["points"] for c in rsj["components"]), 2) == rsj["deducted"]


def test_cc_score_table_and_one_unit_through_the_installed_command(tmp_path):
    make_data(tmp_path)
    table = run_cc("score", "--as-of", "2023-07-31", cwd=tmp_path)
    assert table.returncode == 0, table.stderr
    lines = [line.rstrip() for line in table.stdout.splitlines()]
    assert lines[0] == "综合评价（截至2023年7月31日，满分100）"
    assert lines[1].split() == ["排名", "单位", "得分", "扣分", "主要扣分项"]
    ranked = {line.split()[1]: line.split() for line in lines[3:] if line.split()[0].isdigit()}
    assert len(ranked) == 20 and ranked["卫健委"] == ["1", "卫健委", "100", "—"]
    assert ranked["司法局"] == ["18", "司法局", "99", "1", "牵头单位逾期审核1项", "−1"]
    assert ranked["人社局"][:4] == ["20", "人社局", "84", "16"] and "督办整改超期1份 −5" in table.stdout
    # the footer broken after its "，" at 80 columns (it was one line of 87 columns: a fresh-eyes try)
    assert lines[-2:] == ["分值见 tasklist.yaml 的 score；cc score --unit 单位 查看逐项扣分，", "--json 输出全部明细。"]
    from rich.cells import cell_len

    assert max(map(cell_len, lines)) <= 80
    for width in (50, 60, 70):  # an item's points stay with it (人社局's "…1份" over "−6" read as the next item's)
        narrow = run_cc("score", "--as-of", "2023-07-31", cwd=tmp_path, COLUMNS=str(width)).stdout.splitlines()
        assert not any(line.strip().startswith("−") for line in narrow), narrow
        assert max(map(cell_len, narrow)) <= width, narrow

    one = run_cc("score", "--unit", "人社局", "--as-of", "2023-07-31", cwd=tmp_path)
    assert one.returncode == 0, one.stderr
    text = one.stdout
    assert "市人力资源和社会保障局 综合评价（截至2023年7月31日）" in text
    assert "第20名，84分（满分100，扣16分）" in text
    assert any(line.split()[:5] == ["按期整改率", "75%（3/4）", "10", "2.5", "W2023-0002"]
               for line in text.splitlines())

    unknown = run_cc("score", "--unit", "不存在局", "--as-of", "2023-07-31", cwd=tmp_path)
    assert unknown.returncode == 2 and "找不到单位" in unknown.stderr


def test_cc_score_strict_refuses_a_journal_with_errors(tmp_path):
    data = make_data(tmp_path)
    with open(data / "journal.jsonl", "a", encoding="utf-8") as fh:
        fh.write('{"kind":"progress"}\n')
    lenient = run_cc("score", "--json", "--as-of", "2023-07-31", cwd=tmp_path)
    assert lenient.returncode == 0 and json.loads(lenient.stdout)["units"]
    strict = run_cc("score", "--strict", "--as-of", "2023-07-31", cwd=tmp_path)
    assert strict.returncode == 1 and strict.stdout == ""


# ------------------------------------------------------------------- hostile text


HOSTILE_PLACE = '<img src=x onerror=alert(1)>| [链接](javascript:alert(1)) **粗**'
HOSTILE_DESC = '=HYPERLINK("http://x/","点我")\x1b[2J\u202e'


def test_hostile_problem_text_stays_text_in_every_report(tmp_path):
    """Problem text that slipped past validate (as from a hand-edited journal): escaped in the page
    and the brief, a text cell (never a formula, controls shown as escapes) in the workbook."""
    import io

    import openpyxl

    from chuangcheng_cli.reports.html import render_html
    from chuangcheng_cli.reports.md import render_markdown
    from chuangcheng_cli.reports.xlsx import workbook_bytes
    from problem_scenario import snapshot as scenario

    snap = scenario(tmp_path)
    bad = [dataclasses.replace(e, place=HOSTILE_PLACE, desc=HOSTILE_DESC) if e.kind == "problem" else e
           for e in snap.project.journal]
    snap = rules.snapshot(dataclasses.replace(snap.project, journal=bad), AS_OF)

    page = render_html(snap)
    assert "<img" not in page and "onerror=alert" not in page.replace("onerror=alert(1)&gt;", "")
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "\x1b" not in page.replace("\\x1b", "")

    brief = render_markdown(snap)
    assert not re.search(r"(?<!\\)<img|(?<!\\)\]\(javascript:", brief) and "\x1b" not in brief
    assert "\\<img src=x onerror=alert(1)\\>\\| \\[链接\\](javascript:alert(1)) \\*\\*粗\\*\\*" in brief

    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(snap)))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert '=HYPERLINK("http://x/","点我")\\x1b[2J\\u202e' in texts and HOSTILE_PLACE in texts


def test_a_fractional_weight_is_named_a_decimal(tmp_path):
    from helpers import copy_data

    copy_data(tmp_path)
    plan = tmp_path / "data" / "tasklist.yaml"
    text = plan.read_text(encoding="utf-8")
    assert "  red_task: 5 " in text
    plan.write_text(text.replace("  red_task: 5 ", "  red_task: 2.5 ", 1), encoding="utf-8")
    result = run_cc("validate", cwd=tmp_path)
    assert result.returncode == 1
    assert '"red_task" 应为整数，实际是小数 2.5' in result.stdout


@pytest.mark.parametrize("width", [60, 70, 80, 100])
def test_the_ranking_never_hides_a_deduction_behind_an_ellipsis(tmp_path, width):
    """At 80 columns 人社局's third deduction came out as "督办通知（红）1 …": the column folds instead
    (its third is now 按期整改率0%: the late notices are one deduction, not a red task each)."""
    result = run_cc("--data", str(DATA), "score", "--as-of", "2023-12-31", cwd=tmp_path, COLUMNS=str(width))
    assert result.returncode == 0 and "…" not in result.stdout
    assert "按期整改率0%−10" in result.stdout.replace("\n", "").replace(" ", "")


def test_a_late_review_stays_on_the_lead_unit_s_record_after_it_acts(tmp_path):
    """The lead unit was deducted for a review past review_days only while it waited: the day it
    closed the notice (32 days after the reply) its record was clean, while the unit's closed
    notices count for good (a fairness review). Each review, 验收 and 复查 done late now counts,
    saying so; one done in time does not; a voided act leaves the wait as it is."""
    from helpers import cc_ok, early_copy

    repo = early_copy(tmp_path, "2023-05-01")

    def late(day: str) -> list[str]:
        doc = json.loads(cc_ok(repo, "score", "--unit", "司法局", "--json", "--as-of", day).stdout)
        return next(c["items"] for c in doc["units"][0]["components"] if c["key"] == "late_review")

    cc_ok(repo, "notice", "人社局", "--yes", "--as-of", "2023-05-20")
    cc_ok(repo, "reply", "1", "--note", "已报送", "--by", "范某某", "--as-of", "2023-05-29")
    assert late("2023-06-03") == []  # 5 days: within review_days
    assert late("2023-06-29") == ["法治督〔2023〕1号"]  # waiting, past them
    cc_ok(repo, "close", "1", "--note", "整改到位", "--as-of", "2023-06-30")
    # the review time of 5 days ended on Saturday 6月3日: from Monday 6月5日, as every 期限 (rules.review_over)
    assert late("2023-06-30") == ["法治督〔2023〕1号（超时25天办理）"]
    assert late("2023-12-31") == ["法治督〔2023〕1号（超时25天办理）"]  # for good, as the unit's notice is
    close_id = json.loads(cc_ok(repo, "history", "--kind", "督办销号", "--json", "--as-of", "2023-06-30").stdout)
    cc_ok(repo, "void", close_id["entries"][-1]["id"], "--reason", "销号有误", "--as-of", "2023-07-01")
    assert late("2023-07-01") == ["法治督〔2023〕1号"]  # the close voided: waiting again
    # a 办结报告 verified in time, and one reopened late
    cc_ok(repo, "log", "T04", "--unit", "司法局", "--percent", "100", "--note", "办结", "--by", "吴某某",
          "--as-of", "2023-07-03")
    cc_ok(repo, "verify", "T04", "--as-of", "2023-07-05")
    cc_ok(repo, "log", "T05", "--unit", "司法局", "--percent", "100", "--note", "办结", "--by", "吴某某",
          "--as-of", "2023-07-03")
    cc_ok(repo, "reopen", "T05", "--reason", "材料不全", "--as-of", "2023-07-20")
    assert late("2023-07-20") == ["法治督〔2023〕1号", "T05（超时10天办理）"]  # 7月8日 a Saturday: from 7月10日
    # a problem's fix rechecked late
    cc_ok(repo, "problem", "add", "--unit", "住建局", "--source", "暗访", "--found-by", "暗访组", "--place", "工地",
          "--desc", "未公示", "--deadline", "2023-07-25", "--as-of", "2023-07-21")
    cc_ok(repo, "problem", "fix", "W2023-0001", "--note", "已公示", "--by", "唐某某", "--as-of", "2023-07-22")
    cc_ok(repo, "problem", "recheck", "W2023-0001", "--pass", "--note", "到位", "--as-of", "2023-08-01")
    assert late("2023-08-01") == ["法治督〔2023〕1号", "T05（超时10天办理）", "W2023-0001（超时5天办理）"]
    # the other units are never deducted for it
    doc = json.loads(cc_ok(repo, "score", "--json", "--as-of", "2023-08-01").stdout)
    assert [u["id"] for u in doc["units"]
            if any(c["key"] == "late_review" and c["count"] for c in u["components"])] == ["sfj"]
