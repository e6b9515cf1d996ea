"""Tests for report_md: the weekly brief for chosen weeks of the real data, and `cc report md` end to end."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from typer.testing import CliRunner

from chuangcheng_cli.store import checks
from chuangcheng_cli.domain import models, rules
from chuangcheng_cli.cli import app
from chuangcheng_cli.reports.md import cell, render_markdown, table
from helpers import DATA, cc_env, run_cc

runner = CliRunner()


@pytest.fixture(scope="module")
def project():
    return checks.load_checked(DATA)[0]


@pytest.fixture
def brief(project):
    def make(day: dt.date) -> str:
        return render_markdown(rules.snapshot(project, day))

    return make


def section(text: str, heading: str) -> str:
    """The body under a '## ' or '### ' heading, up to the next heading of the same or higher level."""
    level = heading.split(" ")[0]
    start = text.index(heading + "\n") if (heading + "\n") in text else text.index(heading)
    rest = text[start:].split("\n", 1)[1]
    stop = re.search(rf"^#{{1,{len(level)}}} ", rest, flags=re.M)
    return rest[: stop.start()] if stop else rest


def assert_valid_tables(text: str) -> None:
    """Every table has a header separator and rows with as many cells as the header."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith("| ") and (i == 0 or not lines[i - 1].startswith("|")):
            width = len(re.split(r"(?<!\\)\|", line)) - 2
            assert re.fullmatch(r"\| ---( \| ---)* \|", lines[i + 1]), lines[i + 1]
            assert len(re.split(r"(?<!\\)\|", lines[i + 1])) - 2 == width
            j = i + 2
            while j < len(lines) and lines[j].startswith("|"):
                assert len(re.split(r"(?<!\\)\|", lines[j])) - 2 == width, lines[j]
                j += 1


def test_week_of_the_first_reply(brief):
    text = brief(dt.date(2023, 7, 20))
    assert text.startswith("# 法治环境工作推进组工作周报（2023年7月20日）\n")
    assert "## 本周进展（2023年7月14日—2023年7月20日）" in text
    # 市场监管局 answered in time: its task waits for the lead unit's review, not red or yellow
    # T09 behind 序时进度, T13 yellow for 妇联's overdue problem W2023-0018
    assert "- 总体情况：红灯 0 · 黄灯 2 · 待审核 1 · 绿灯 11 · 已完成 0/14；距活动结束 164 天（2023年12月31日）" in text
    queue = section(text, "## 牵头单位待办（市司法局）")
    assert "- 待审核：法治督〔2023〕1号（市市场监督管理局）2023年7月18日反馈，已等待2天。" in queue
    progress = section(text, "### 进度报送")
    assert "| T07 消费维权与放心消费 | 市市场监督管理局 | 2023年7月18日 | 20% → 60% | 按督办要求集中推进" in progress
    assert "T08" not in progress  # no report from 人社局 this week
    notices = section(text, "## 督办通知")
    assert ("| 法治督〔2023〕1号 | 市市场监督管理局 | 第1次（蓝） | T07 消费维权与放心消费 | 2023年7月20日 | 按期反馈 "
            "| 已反馈，待审核 |") in notices
    assert "- 2023年7月18日 市市场监督管理局反馈法治督〔2023〕1号整改情况（按期）。" in notices
    assert "| T09 | 根治欠薪 | 市人力资源和社会保障局 | 10% | 48% | 黄灯 | 进度10%，低于序时进度48%" in text
    assert section(text, "## 报告市领导").strip() == "尚无单位被报告市领导。"
    assert_valid_tables(text)


def test_week_of_the_third_notice_and_escalation(brief):
    text = brief(dt.date(2023, 10, 16))
    assert "## 本周进展（2023年10月10日—2023年10月16日）" in text
    progress = section(text, "### 进度报送")
    assert "| T07 消费维权与放心消费 | 市市场监督管理局 | 2023年10月16日 | 88% → 100%（办结报告） |" in progress
    assert "| T05 人民调解与示范创建 | 市司法局 | 2023年10月11日 | 100% → 100%（退回后重新报办结） |" in progress
    events = section(text, "### 本周督办动态")
    assert ("- 2023年10月16日 印发法治督〔2023〕4号，督办市人力资源和社会保障局（第3次，红色），涉及T09、T08，"
            "整改期限2023年10月26日。") in events
    open_table = section(text, "### 未销号的督办通知")
    assert "| 法治督〔2023〕3号 | 市人力资源和社会保障局 | 第2次（黄） |" in open_table
    assert "| 2023年9月14日 | 超期32天 | 超期未反馈（32天） |" in open_table
    assert "| 2023年10月26日 | 未超期（剩10天） | 整改中 |" in open_table
    lagging = section(text, "## 滞后任务")
    assert [line.split(" | ")[0] for line in lagging.strip().split("\n")[2:]] == ["| T08", "| T09", "| T13"]
    escalated = section(text, "## 报告市领导")
    assert escalated.strip().startswith("- 市人力资源和社会保障局：2023年10月16日报告市领导（本周），累计督办3次"
                                        "（法治督〔2023〕2号、法治督〔2023〕3号、法治督〔2023〕4号）")
    assert section(text, "## 下周到期（2023年10月17日—2023年10月23日）").strip() == "下周没有到期的任务、督办整改期限或问题整改期限。"
    assert_valid_tables(text)


def test_a_notice_sent_back_shows_the_deadline_its_lateness_is_counted_from(brief):
    """法治督〔2023〕2号 was sent back (退回整改) with a new 整改期限 of 8月24日: 超期 counts from it, and
    the table names it, the first one beside it (a leader must not read 8月3日 and 53天 together)."""
    open_table = section(brief(dt.date(2023, 10, 16)), "### 未销号的督办通知")
    assert "| 2023年8月24日（退回后；原2023年8月3日） | 超期53天 | 退回整改后超期未反馈（53天） |" in open_table
    assert "| 2023年9月14日 | 超期32天 |" in open_table  # never sent back: its one deadline


def test_a_voided_notice_s_reply_counts_in_no_summary(project):
    """The week's counts agree with its 督办动态: a reply to a notice voided since counts nowhere."""
    first = next(e for e in project.journal if e.kind == "notice")  # 法治督〔2023〕1号, answered 7月18日
    at = dt.datetime(2023, 7, 20, 18, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    void = models.make(models.Void, id="20230720-ffff0001", kind="void", date=dt.date(2023, 7, 20), at=at,
                       by="周某某", entry=first.id, reason="发错单位")
    before = render_markdown(rules.snapshot(project, dt.date(2023, 7, 20)))
    assert "新发督办通知0份，收到整改反馈1份，督办销号0份" in before
    text = render_markdown(rules.snapshot(models.Project(project.plan, project.units, [*project.journal, void]),
                                          dt.date(2023, 7, 20)))
    assert "新发督办通知0份，收到整改反馈0份，督办销号0份" in text
    assert section(text, "### 本周督办动态").strip() == "本周无新发、反馈或销号的督办通知。"


def test_an_escalation_names_a_notice_voided_since_as_voided(project):
    """人社局 was reported on three notices; the first is voided later: the brief names it by its 文号,
    marked 已作废, and says the count was the count then (status counts two now)."""
    second = [e for e in project.journal if e.kind == "notice"][1]  # 法治督〔2023〕2号
    at = dt.datetime(2023, 12, 30, 18, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    void = models.make(models.Void, id="20231230-ffff0001", kind="void", date=dt.date(2023, 12, 30), at=at,
                       by="周某某", entry=second.id, reason="误发")
    text = render_markdown(rules.snapshot(models.Project(project.plan, project.units, [*project.journal, void]),
                                          dt.date(2023, 12, 30)))
    assert ("2023年10月16日报告市领导，当时累计督办3次（法治督〔2023〕2号（已作废）、法治督〔2023〕3号、"
            "法治督〔2023〕4号）") in section(text, "## 报告市领导")
    assert "2023-2" not in text


def test_next_week_names_the_problems_due(brief):
    due = section(brief(dt.date(2023, 12, 5)), "## 下周到期（2023年12月6日—2023年12月12日）").strip()
    assert due == "- 2023年12月11日：问题W2023-0026（市职工服务中心）整改期限到期（市总工会，整改中）"


def test_escalation_is_no_longer_marked_this_week_later(brief):
    text = brief(dt.date(2023, 10, 24))
    escalated = section(text, "## 报告市领导")
    assert "2023年10月16日报告市领导，" in escalated and "（本周）" not in escalated
    upcoming = section(text, "## 下周到期（2023年10月25日—2023年10月31日）")
    assert "- 2023年10月26日：法治督〔2023〕4号 整改期限到期（市人力资源和社会保障局，尚未反馈）" in upcoming
    assert ("- 2023年10月31日：T07 消费维权与放心消费 完成时限到期（牵头单位：市市场监督管理局，已报办结，待验收）"
            in upcoming)
    assert "T12" not in upcoming  # due 10-31 too, but verified on 10-19
    verified = section(text, "### 验收销号与退回重办")
    assert "- T10 村居依法自治：2023年10月20日验收销号" in verified


def test_empty_week_says_so_in_one_line(brief):
    text = brief(dt.date(2023, 10, 5))  # nothing recorded 9月29日—10月5日
    assert section(text, "### 进度报送").strip() == "本周无新的进度报送。"
    assert section(text, "### 验收销号与退回重办").strip() == "本周无验收销号或退回重办的任务。"
    assert section(text, "### 分解交办").strip() == "本周无新的分解交办。"
    assert section(text, "### 本周督办动态").strip() == "本周无新发、反馈或销号的督办通知。"
    assert "进度报送0条" in text
    # what is still open is reported even in a quiet week
    assert "| 法治督〔2023〕2号 |" in section(text, "### 未销号的督办通知")


def test_before_anything_happened(brief):
    text = brief(dt.date(2023, 4, 13))
    assert section(text, "## 滞后任务").strip() == "目前没有红灯、黄灯任务。"
    assert section(text, "### 未销号的督办通知").strip() == "目前没有未销号的督办通知。"
    assert section(text, "## 报告市领导").strip() == "尚无单位被报告市领导。"
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_table_cells_are_escaped():
    assert cell("a|b") == "a\\|b"
    assert cell("a\\b") == "a\\\\b"
    assert cell("一行\n两行") == "一行<br>两行"
    assert table(["任务", "说明"], [["T01", "x|y"]]) == ["| 任务 | 说明 |", "| --- | --- |", "| T01 | x\\|y |"]


# ------------------------------------------------------------------ command


def invoke(*args):
    return runner.invoke(app, ["--data", str(DATA), "report", "md", *args], env=cc_env())


def test_command_prints_to_stdout(project):
    result = invoke("--as-of", "2023-10-16")
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip("\n") == render_markdown(rules.snapshot(project, dt.date(2023, 10, 16))).rstrip("\n")


def test_command_writes_a_file_with_out(tmp_path, project):
    out = tmp_path / "周报.md"
    result = invoke("--as-of", "2023-07-20", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == render_markdown(rules.snapshot(project, dt.date(2023, 7, 20)))
    assert result.stdout == "" and "已生成" in result.stderr
    again = invoke("--as-of", "2023-07-20", "--out", str(out))
    assert again.exit_code == 2


def test_installed_command_prints_the_brief(tmp_path):
    result = run_cc("--data", str(DATA), "report", "md", "--as-of", "2023-10-16", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# 法治环境工作推进组工作周报（2023年10月16日）\n")
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------ 问题清单 (problem_scenario)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    from problem_scenario import snapshot

    return snapshot(tmp_path_factory.mktemp("md"))


def test_problem_section_of_the_week(scenario):
    text = render_markdown(scenario)
    assert "- 问题清单：本周新交办1个，销号1个；现逾期未整改1个\n" in text
    body = section(text, "## 问题清单")
    assert body.startswith("\n共6个问题：已销号2个，待复查1个，整改中3个（逾期1个）；结案率50%，按期结案率50%，"
                           "返工率66.7%，延期率33.3%。\n")
    assert section(text, "### 本周新交办（1个）").strip().split("\n")[2:] == [
        "| W2023-0006 | 暗访 | 市民政局 | 点位6 | 问题6 | 2023年8月10日 |"]
    assert section(text, "### 本周销号（1个）").strip() == (
        "- W2023-0004（市人力资源和社会保障局，点位4）：2023年7月26日复查销号，按期整改。")
    assert section(text, "### 逾期未整改（1个）").strip().split("\n")[2:] == [
        "| W2023-0002 | 市人力资源和社会保障局 | 点位2 | 2023年7月15日 | 16天 | 整改中 |"]
    assert section(text, "### 本周返工与延期").strip().split("\n") == [
        "- 2023年7月28日 W2023-0005（市民政局，点位5）复查未通过，返工，新的整改期限2023年8月4日：复查未通过。",
        "- 2023年7月29日 W2023-0006（市民政局，点位6）延期至2023年8月20日：涉及多部门协调。",
    ]
    assert_valid_tables(text)
    # the section sits between the notices and the lead unit's own queue, which lists the 复查 waiting
    assert text.index("## 督办通知") < text.index("## 问题清单") < text.index("## 牵头单位待办")
    # 5 days from 7月18日 end on Sunday 7月23日: the review time runs to Monday 7月24日 (rules.review_over)
    assert "- 待复查：问题W2023-0003（市人力资源和社会保障局）2023年7月18日报整改完成，已等待13天，超过审核时限7天" in text


def test_problem_section_in_a_quiet_week(scenario):
    text = render_markdown(rules.snapshot(scenario.project, dt.date(2023, 7, 17)))
    # W2023-0002, 2 days late; W2023-0007, voided on 7月30日, counts on no day (a void corrects)
    assert "- 问题清单：本周新交办0个，销号0个；现逾期未整改1个\n" in text
    for heading, quiet in (("### 本周新交办（0个）", "本周无新交办的问题。"), ("### 本周销号（0个）", "本周无销号的问题。"),
                           ("### 本周返工与延期", "本周无返工或延期的问题。")):
        assert section(text, heading).strip() == quiet


def test_no_problem_section_lines_before_any_problem(scenario):
    text = render_markdown(rules.snapshot(scenario.project, dt.date(2023, 6, 9)))
    assert "- 问题清单：" not in text
    assert section(text, "## 问题清单").strip() == "尚未登记问题。"


def test_a_notice_answered_says_whether_on_time_not_days_left_below_zero(brief):
    """法治督〔2023〕2号 (整改期限8月3日) was answered on 8月10日 and waits for review: its row said
    “未超期（剩-7天）” (found by a fairness review)."""
    text = brief(dt.date(2023, 8, 10))
    row = next(line for line in section(text, "### 未销号的督办通知").splitlines() if "法治督〔2023〕2号" in line)
    assert "| 逾期7天反馈 |" in row and "剩-" not in text


def test_lagging_table_never_shows_the_lead_lagging_for_a_co_units_problem(brief):
    """滞后任务 lists each task under its lead unit; T13 is yellow only for 妇联's overdue problem
    (a co-unit's, named in the reasons), so 民政局's cell says the cause is not its own, as the
    leaders' page does. T09, red for 人社局's own lateness, keeps the plain name."""
    rows = {r.split(" | ")[0].lstrip("| "): r.split(" | ") for r in
            section(brief(dt.date(2023, 9, 10)), "## 滞后任务").splitlines() if r.startswith("| T")}
    assert rows["T13"][2] == "市民政局（非本单位原因）"
    assert "妇联" in rows["T13"][6]
    assert rows["T09"][2] == "市人力资源和社会保障局"
