"""The read commands end to end through typer's CliRunner, with exact-ish output checks."""

import json
import os
import re

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from chuangcheng_cli.cli import app
from helpers import DATA, cc_env, copy_data, run_cc, snapshot_files

runner = CliRunner()


def cc(*args, **env):
    return runner.invoke(app, ["--data", str(DATA), *args], env=cc_env(**env))


def test_status_mid_year_shows_all_tasks_grouped_by_indicator():
    result = cc("status", "--as-of", "2023-06-30")
    assert result.exit_code == 0, result.output
    out = result.output
    for i in range(1, 15):
        assert f"T{i:02d}" in out
    for ind in ("I1", "I2", "I3", "I4"):
        assert re.search(rf"^{ind}\s", out, re.M)
    assert out.index("I1") < out.index("T01") < out.index("I2") < out.index("T04")
    assert "红灯 0 · 黄灯 3 · 绿灯 11 · 已完成 0/14；距活动结束 184 天（2023年12月31日）" in out
    assert "T07 ●黄 市场监管局 进度20%，低于序时进度50%" in out


def test_status_fits_80_columns_without_colour():
    result = cc("status", "--as-of", "2023-09-10")
    assert "\x1b[" not in result.output
    assert max(cell_len(line) for line in result.output.splitlines()) <= 80


def test_status_json_agrees_with_table():
    table = cc("status", "--as-of", "2023-09-10").output
    doc = json.loads(cc("status", "--as-of", "2023-09-10", "--json").output)
    assert doc["summary"]["as_of"] == "2023-09-10"
    assert len(doc["tasks"]) == 14
    labels = {"red": "●红", "yellow": "●黄", "green": "●绿", "done": "✓完成"}
    for task in doc["tasks"]:
        assert {"id", "indicator", "title", "units", "percent", "expected_percent", "light", "reasons",
                "deadline", "notice_count"} <= set(task)
        row = next(line for line in table.splitlines() if line.startswith(task["id"] + " "))
        assert labels[task["light"]] in row
        assert f"{task['percent']}%" in row and f"{task['expected_percent']}%" in row
    t09 = next(t for t in doc["tasks"] if t["id"] == "T09")
    assert t09["units"] == ["市人力资源和社会保障局", "市住房和城乡建设局"]
    assert t09["light"] == "red" and t09["notice_count"] == 2


def test_json_names_units_by_the_ids_cc_units_gives():
    """Names are for reading; a script joins status, the problem list and units by id."""
    units = json.loads(cc("units", "--as-of", "2023-12-29", "--json").output)["units"]
    short = {u["id"]: u["short_name"] for u in units}
    tasks = json.loads(cc("status", "--as-of", "2023-12-29", "--json").output)["tasks"]
    t09 = next(t for t in tasks if t["id"] == "T09")
    assert (t09["lead_id"], t09["co_unit_ids"]) == ("rsj", ["zjj"])
    for t in tasks:
        assert short[t["lead_id"]] == t["lead"] and [short[u] for u in t["co_unit_ids"]] == t["co_units"]
    problems = json.loads(cc("problem", "list", "--as-of", "2023-12-29", "--json").output)["problems"]
    assert problems
    for p in problems:
        assert short[p["unit_id"]] == p["unit"] and [short[u] for u in p["co_unit_ids"]] == p["co_units"]


def test_units_for_one_unit_shows_its_row_and_what_the_lead_owes_it():
    out = cc("units", "--as-of", "2023-12-29", "--unit", "市场监管局").output
    rows = [line for line in out.splitlines() if re.match(r"^[a-z]+ ", line) and not line.startswith("id ")]
    assert len(rows) == 1 and rows[0].startswith("scjgj 市场监管局")
    assert "W2023-0028" in out and "W2023-0021" not in out  # 工商联's recheck is not its
    doc = json.loads(cc("units", "--as-of", "2023-12-29", "-u", "rsj", "--json").output)
    assert [u["id"] for u in doc["units"]] == ["rsj"] and doc["lead_queue"] == []
    wrong = cc("units", "-u", "人设局")
    assert wrong.exit_code == 2 and "人社局" in wrong.output


def test_status_today_shows_year_end_story():
    doc = json.loads(cc("status", "--json").output)  # today: long after the campaign ended
    lights = {t["id"]: t["light"] for t in doc["tasks"]}
    assert lights["T09"] == "red" and sum(v == "done" for v in lights.values()) == 13
    assert doc["summary"]["escalated_units"] == [{"unit": "市人力资源和社会保障局", "date": "2023-10-16",
                                                  "dates": ["2023-10-16"]}]


@pytest.mark.parametrize("unit", ["民政局", "市民政局", "mzj"])
def test_status_unit_filter_accepts_id_full_and_short_names(unit):
    doc = json.loads(cc("status", "--unit", unit, "--json", "--as-of", "2023-06-30").output)
    assert [t["id"] for t in doc["tasks"]] == ["T10", "T11", "T12", "T13", "T14"]


def test_status_of_one_unit_lists_what_it_has_to_answer_and_by_when():
    """A liaison could not see an open notice's 整改期限 until it was overdue (found by a fresh-eyes
    try): status --unit lists the unit's notices waiting for its reply and its problems waiting
    for its fix, the nearest deadline first, each with the command that answers it. What waits
    for the lead unit is not the unit's to do, and the whole group's status shows no such block."""
    text = cc("status", "--unit", "人社局", "--as-of", "2023-08-21", COLUMNS="100").output
    block = text[text.index("本单位待办（市人力资源和社会保障局）："):].splitlines()
    assert block[1].strip() == ("问题W2023-0008（城南安置房建设项目工地），整改中，整改期限6月27日（已逾期55天）：")
    assert block[2].strip() == "cc problem fix W2023-0008 --note …"
    assert block[3].strip() == "督办通知法治督〔2023〕2号，退回整改中，整改期限8月24日（还有3天）："
    assert block[4].strip() == "cc reply 2023-2 --note …"
    doc = json.loads(cc("status", "--unit", "rsj", "--json", "--as-of", "2023-08-21").output)
    assert [(i["kind"], i["ref"], i["overdue"]) for i in doc["summary"]["unit_todo"]["items"]] == [
        ("problem", "W2023-0008", 55), ("notice", "2023-2", 0)]
    whole = cc("status", "--as-of", "2023-08-21")
    assert "本单位待办" not in whole.output
    assert "unit_todo" not in json.loads(cc("status", "--json", "--as-of", "2023-08-21").output)["summary"]
    # 工商联's fix of W2023-0021 waits for the lead unit's 复查 from 12-26: no longer the unit's to do
    before = json.loads(cc("status", "--unit", "gsl", "--json", "--as-of", "2023-12-25").output)
    assert [i["ref"] for i in before["summary"]["unit_todo"]["items"]] == ["W2023-0021"]
    after = json.loads(cc("status", "--unit", "gsl", "--json", "--as-of", "2023-12-27").output)
    assert after["summary"]["unit_todo"] is None


def test_status_filters_by_light_and_indicator():
    doc = json.loads(cc("status", "--light", "yellow", "--indicator", "I3", "--json", "--as-of", "2023-06-30").output)
    assert [t["id"] for t in doc["tasks"]] == ["T07", "T08", "T09"]
    assert doc["summary"]["light"] == "yellow" and doc["summary"]["total"] == 3


def test_a_light_filters_summary_does_not_count_the_other_lights_as_none():
    """cc status --light 绿 ended with "红灯 0 · 黄灯 0 · 绿灯 11": a red task was there, filtered out
    (a leader reads the last line). The line names the light and says the others are not listed."""
    green = cc("status", "--light", "绿", "--as-of", "2023-09-01").output
    assert "绿灯 11 项（按灯色筛选，其他灯色未列出）；距活动结束 121 天（2023年12月31日）" in green
    assert "红灯 0" not in green
    whole = cc("status", "--as-of", "2023-09-01").output
    assert "红灯 1 · 黄灯 2 · 绿灯 11 · 已完成 0/14；距活动结束 121 天（2023年12月31日）" in whole


def test_unknown_unit_is_a_usage_error_with_hint():
    result = cc("status", "--unit", "民正局")
    assert result.exit_code == 2
    assert "找不到单位“民正局”" in result.output and "民政局" in result.output


def test_bad_as_of_is_a_usage_error():
    result = cc("status", "--as-of", "2023-13-01")
    assert result.exit_code == 2 and "--as-of 的日期无效" in result.output
    # an empty --as-of (a script's unset variable) was taken as today (found by a hostile-input try)
    for args in (["status", "--as-of", ""], ["--as-of", "", "units"]):
        assert cc(*args).exit_code == 2 and "--as-of 的日期无效" in cc(*args).output
        assert run_cc(*args, cwd=DATA.parent).returncode == 2  # the fast path too
    zero = cc("status", "--as-of", "0000-01-01").output
    assert "0000-06-30" not in zero and "YYYY-MM-DD" in zero


@pytest.mark.parametrize("args", [("history", "T08"), ("status", "T08", "T09")])
def test_an_extra_argument_is_named_in_chinese(tmp_path, args):
    """click 8.2 says "Got unexpected extra argument(s) (T08)": translated, as its older wording was."""
    result = run_cc("--data", str(DATA), *args, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("错误：多余的参数：T08") and "Got" not in result.stderr


def test_values_written_without_their_options_are_named_with_the_missing_option(tmp_path):
    """cc log T09 市人社局 60 said only 缺少必填选项 --unit: click reports a missing option before the
    words no parameter took, which were the unit and the percent written without --unit/--percent."""
    journal = (DATA / "journal.jsonl").read_bytes()
    result = run_cc("--data", str(DATA), "log", "T09", "市人社局", "60", "--note", "x", "--as-of", "2023-09-10",
                    cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("错误：缺少必填选项 --unit（多余的参数：市人社局 60）")
    assert "提示：是否为 --unit 市人社局 --percent 60？" in result.stderr
    one = run_cc("--data", str(DATA), "log", "T09", "--unit", "市人社局", "60%", "--note", "x", cwd=tmp_path)
    assert one.returncode == 2 and "缺少必填选项 --percent（多余的参数：60%）" in one.stderr
    assert "是否为 --percent 60%？" in one.stderr
    # nothing left over: the message is as before, with no guess
    plain = run_cc("--data", str(DATA), "problem", "fix", "W2023-0001", cwd=tmp_path)
    assert plain.returncode == 2 and plain.stderr.startswith("错误：缺少必填选项 --note\n") and "提示" not in plain.stderr
    # a text where the one text option missing belongs (--note, --reason): that option
    note = run_cc("--data", str(DATA), "log", "T09", "--unit", "市人社局", "--percent", "60", "进展顺利",
                  cwd=tmp_path)
    assert note.returncode == 2 and "缺少必填选项 --note（多余的参数：进展顺利）" in note.stderr
    assert "提示：是否为 --note 进展顺利？" in note.stderr
    # a word that fits no option is named, not guessed at
    entry = run_cc("--data", str(DATA), "history", "20231220-ca9a", cwd=tmp_path)
    assert entry.returncode == 2 and "多余的参数：20231220-ca9a" in entry.stderr and "提示" not in entry.stderr
    # a notice's number where history takes none: the commands that show it, as lines to paste
    ref = run_cc("--data", str(DATA), "history", "2023-4", cwd=tmp_path)
    assert ref.returncode == 2 and ref.stderr.startswith("错误：多余的参数：2023-4\n")
    assert (f"提示：2023-4 像是督办通知的编号，cc history 不带编号：这份通知的全程留痕（反馈、退回、销号等）用 "
            f"cc --data {DATA} history --notice 2023-4；通知全文用 cc --data {DATA} reprint 2023-4 "
            f"--dry-run（只显示，不写入文件）；列出督办通知用 cc --data {DATA} history --kind 督办。"
            f"若是问题清单的问题：cc --data {DATA} problem show 2023-4。\n") in ref.stderr
    doc_no = run_cc("--data", str(DATA), "history", "法治督〔2023〕4号", "-u", "人社局", "--as-of", "2023-12-30",
                    cwd=tmp_path)
    assert (f"提示：法治督〔2023〕4号 像是督办通知的编号，cc history 不带编号：这份通知的全程留痕（反馈、退回、销号等）用 "
            f"cc --data {DATA} history --notice 法治督〔2023〕4号 --as-of 2023-12-30；通知全文用 cc --data {DATA} reprint "
            f"法治督〔2023〕4号 --dry-run --as-of 2023-12-30（只显示，不写入文件）；列出督办通知用 cc --data {DATA} "
            "history --kind 督办 -u 人社局 --as-of 2023-12-30。\n") in doc_no.stderr
    trail = run_cc("--data", str(DATA), "history", "--notice", "法治督〔2023〕4号", "--as-of", "2023-12-30", cwd=tmp_path)
    assert trail.returncode == 0 and "法治督〔2023〕4号，第3次督办" in trail.stdout and "报告市领导" in trail.stdout
    shown = run_cc("--data", str(DATA), "reprint", "法治督〔2023〕4号", "--dry-run", "--as-of", "2023-12-30", cwd=tmp_path)
    assert shown.returncode == 0 and "法治督〔2023〕4号" in shown.stdout and list(tmp_path.iterdir()) == []
    assert (DATA / "journal.jsonl").read_bytes() == journal


def test_a_notice_or_problem_number_given_to_show_or_history_points_to_what_shows_it(tmp_path):
    """cc show 2023-4 said only 找不到任务 and cc history W2023-0004 only 多余的参数 (a new user's try):
    each points, as cc history 2023-4 did, to what shows a notice (cc reprint … --dry-run, cc history
    --kind 督办) or a problem (cc problem show), keeping the folder and date options."""
    def told(*args):
        result = run_cc(*args, cwd=tmp_path)
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
        return result.stderr.splitlines()[:2]

    assert told("--data", str(DATA), "show", "2023-4", "--as-of", "2023-12-30") == [
        '错误：找不到任务“2023-4”',
        f"提示：2023-4 像是督办通知的编号，cc show 后面写任务编号：这份通知的全程留痕（反馈、退回、销号等）用 "
        f"cc --data {DATA} history --notice 2023-4 --as-of 2023-12-30；通知全文用 cc --data {DATA} reprint 2023-4 "
        f"--dry-run --as-of 2023-12-30（只显示，不写入文件）；列出督办通知用 cc --data {DATA} history --kind 督办 "
        f"--as-of 2023-12-30。若是问题清单的问题：cc --data {DATA} problem show 2023-4 --as-of 2023-12-30。"]
    assert told("show", "W2023-0004", "--data", str(DATA)) == [
        '错误：找不到任务“W2023-0004”',
        f"提示：W2023-0004 像是问题清单的问题编号，cc show 后面写任务编号：查看这个问题用 cc problem show W2023-0004 "
        f"--data {DATA}；列出问题清单的记录用 cc history --kind 问题 --data {DATA}。"]
    assert told("--data", str(DATA), "history", "W2023-0004", "-u", "中院") == [
        "错误：多余的参数：W2023-0004",
        f"提示：W2023-0004 像是问题清单的问题编号，cc history 不带编号：查看这个问题用 cc --data {DATA} problem show "
        f"W2023-0004；列出问题清单的记录用 cc --data {DATA} history --kind 问题 -u 中院。"]
    assert told("--data", str(DATA), "show", "T99")[1] == '提示：是否为 "T09"？'  # a task's number mistyped: as before
    assert list(tmp_path.iterdir()) == []


def test_a_commands_option_before_the_command_a_reports_format_and_help_with_a_word(tmp_path):
    """cc --unit 人社局 status had no hint, cc report pdf none, and cc --help x showed cc's help and
    passed x over (a new user's try). The option is shown after the command, in the line as meant;
    report names its formats; --help with a command's name is that command's help, with another
    word that word is said to be no command."""
    def told(*args, code=2):
        result = run_cc("--data", str(DATA), *args, cwd=tmp_path)
        assert result.returncode == code and "Traceback" not in result.stderr, result.stderr
        return result.stderr.splitlines()[:2]

    assert told("--unit", "人社局", "status") == [
        "错误：没有这个选项：--unit",
        f"提示：--unit 是 cc status 的选项，要写在命令名之后：是否为 cc --data {DATA} status --unit 人社局？"]
    assert told("--dry-run", "problem", "fix", "W1", "-n", "x")[1] == (
        f"提示：--dry-run 是 cc problem fix 的选项，要写在命令名之后：是否为 cc --data {DATA} problem fix W1 -n x --dry-run？")
    assert told("problem", "--source", "暗访", "list")[1] == (
        f"提示：--source 是 cc problem list 的选项，要写在命令名之后：是否为 cc --data {DATA} problem list --source 暗访？")
    assert told("--unit", "人社局")[1] == "提示：--unit 是命令的选项，要写在命令名之后，如 cc status --unit …。"
    assert told("report", "pdf") == [
        "错误：没有这个命令：pdf",
        "提示：cc report 的报表格式有：xlsx、html、md，没有 pdf：用 cc report html 生成领导阅览页，在浏览器中打印为 PDF（A4）。"]
    assert told("report", "foo")[1] == "提示：cc report 的报表格式有：xlsx、html、md。"
    assert told("--help", "x") == ["错误：没有这个命令：x", "提示：查看某个命令的帮助写 cc 命令 --help（如 cc status --help）。"]
    for args, usage in ((["--help", "status"], "用法：cc status [选项]"), (["-h", "problem", "list"], "用法：cc problem list"),
                        (["report", "--help", "md"], "用法：cc report md")):
        shown = run_cc(*args, cwd=tmp_path)
        assert shown.returncode == 0 and shown.stdout.startswith(usage), shown.stdout[:80]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args, hint", [
    # a note with a space, not quoted: the option it belongs to, not --unit (given already)
    (["log", "T09", "--unit", "人社局", "--percent", "86", "--note", "说明", "额外", "更多"],
     '提示：是否为 --note "说明 额外 更多"？含空格的文字要整个加引号。'),
    (["problem", "add", "--place", "城东", "社区"], '提示：是否为 --place "城东 社区"？含空格的文字要整个加引号。'),
    (["log", "T09", "--unit", "人社局", "--percent", "86", "--note", "x", "--evidence", "a", "b"],
     '提示：是否为 --evidence "a b"？含空格的文字要整个加引号。多项时每项前都写 --evidence。'),
    # a required option missing: a word that fits it is its value, not the rest of the option before
    # (cc log needs --unit, --percent, --note); a name is a unit's when the data's units say so
    (["log", "T01", "--evidence", "a.pdf", "进展情况"], "提示：是否为 --note 进展情况？另外还缺少必填选项 --percent。"),
    (["log", "T09", "进展顺利"], "提示：是否为 --note 进展顺利？另外还缺少必填选项 --percent。"),
    (["log", "T09", "-u", "人社局", "-p", "86", "--problem", "路面", "破损"],
     '提示：是否为 --note 破损？若“破损”是 --problem 的后半段，应写作 --problem "路面 破损"（含空格的文字要整个加引号）。'),
    (["log", "T09", "-u", "人社局", "-p", "86", "--evidence", "会议", "纪要.pdf"],  # a file's name, cut
     '提示：是否为 --evidence "会议 纪要.pdf"？含空格的文字要整个加引号。多项时每项前都写 --evidence。'),
    (["log", "T09", "--percent", "60", "--note", "完成", "人社局"], "提示：是否为 --unit 人社局？"),
    (["log", "T09", "--percent", "60", "--note", "完成", "情况"], '提示：是否为 --note "完成 情况"？含空格的文字要整个加引号。'),
    (["problem", "add", "城东", "--source", "暗访", "--place", "x", "--desc", "y"], None),  # no unit of the data
    # an option typed with a Chinese input method's dashes
    (["log", "T09", "--unit", "人社局", "--percent", "86", "--note", "x", "——dry-run"],
     "提示：是否为 --dry-run？选项前的 -- 要用半角（英文输入法）的减号。"),
    (["log", "T09", "——unit", "人社局", "--percent", "86", "--note", "x"],
     "提示：是否为 --unit？选项前的 -- 要用半角（英文输入法）的减号。"),
    (["log", "T09", "－－单位", "人社局"], "提示：选项前的 -- 要用半角（英文输入法）的减号：－－单位 应写作 --单位。"),
    # a stray word is never offered to an option given already, -u人社局 and --unit=人社局 included
    (["log", "T09", "--unit", "人社局", "民政局", "--percent", "86", "--note", "x"], None),
    (["log", "T09", "-u人社局", "民政局", "--percent", "86", "--note", "x"], None),
    (["log", "T09", "--unit=人社局", "民政局", "--percent", "86", "--note", "x"], None),
    # a text cut at its space after --note=, or a dash-led continuation of it (——见附件), is a text
    (["log", "T09", "--unit", "人社局", "--percent", "86", "--note=完成", "情况"],
     '提示：是否为 --note "完成 情况"？含空格的文字要整个加引号。'),
    (["log", "T09", "--unit", "人社局", "--percent", "86", "--note", "完成", "——见附件"],
     '提示：是否为 --note "完成 ——见附件"？含空格的文字要整个加引号。'),
    # the text's own ASCII quotes would end the hint's quoting: shown as Chinese quotes
    (["log", "T09", "--unit", "人社局", "--percent", "86", "--note", '完成 "重点"', "工作"],
     '提示：是否为 --note "完成 “重点” 工作"？含空格的文字要整个加引号；文字中的英文引号请改用中文引号“”。'),
    # Chinese quotes do not quote: the text is offered without them (“测试 额外” would record them)
    (["log", "T09", "--unit", "人社局", "--percent", "86", "--note", "“测试", "额外”"],
     '提示：是否为 --note "测试 额外"？中文引号不起引号作用，请用英文半角引号把含空格的文字整个括起来。'),
    (["reply", "2023-5", "「已", "整改」"],
     '提示：是否为 --note "已 整改"？中文引号不起引号作用，请用英文半角引号把含空格的文字整个括起来。'),
    # names are repeated with their option, not quoted as one text
    (["problem", "add", "--unit", "人社局", "--co", "民政局", "公安局", "--source", "暗访", "--place", "x", "--desc", "y"],
     "提示：是否为 --co 民政局 --co 公安局？多项时每项前都写 --co。"),
    (["notice", "人社局", "--task", "T08", "T09"], "提示：是否为 --task T08 --task T09？多项时每项前都写 --task。"),
    # a word of a list goes to its option; a date, a light or a source is never taken for a unit
    (["problem", "add", "暗访", "--unit", "人社局", "--place", "x", "--desc", "y"], "提示：是否为 --source 暗访？"),
    (["problem", "list", "暗访", "整改中"], "提示：是否为 --source 暗访 --status 整改中？"),
    (["problem", "list", "返工中"], "提示：是否为 --status 返工中？"),  # as the list shows it (not --unit 返工中)
    (["status", "红灯"], "提示：是否为 --light 红灯？"),
    (["log", "T09", "--percent", "60", "--note", "x", "2023-09-01"], "提示：是否为 --date 2023-09-01？"),
    (["problem", "add", "--source", "暗访", "2023-09-01"], None),  # found or deadline: not guessed
    (["log", "T09", "W2023-0001", "--unit", "人社局", "--percent", "60", "--note", "x"], None),
    # kinds of records for history, help words, texts of a missing --note/--reason, 通过 for --pass,
    # the command's one date option (an adversarial try: each of these was offered as --unit)
    (["history", "督办"], "提示：是否为 --kind 督办？"),
    (["history", "notice"], "提示：是否为 --kind notice？"),
    (["history", "20231220-ca9a"], None),
    (["status", "/?"], "提示：查看帮助请用 cc status --help。"),
    (["status", "help"], "提示：查看帮助请用 cc status --help。"),
    (["reply", "2023-5", "已整改", "完毕"], '提示：是否为 --note "已整改 完毕"？'),
    (["void", "2023-8", "测试错误"], "提示：是否为 --reason 测试错误？"),
    (["problem", "extend", "W31", "2024-01-20", "--reason", "施工"], "提示：是否为 --to 2024-01-20？"),
    (["problem", "recheck", "W28", "通过", "--note", "好"], "提示：是否为 --pass？"),
    # a verdict given already: the words after the note are the rest of the note, not the other verdict
    (["problem", "recheck", "W28", "--pass", "--note", "经复查", "不合格"],
     '提示：是否为 --note "经复查 不合格"？含空格的文字要整个加引号。'),
    (["problem", "recheck", "W28", "--fail", "-n", "复查", "通过", "一半", "--days", "5"],
     '提示：是否为 -n "复查 通过 一半"？含空格的文字要整个加引号。'),
    # cc verify takes no verdict (it is the pass): where a failed check goes
    (["verify", "T01", "--pass", "--note", "经复查", "不合格"],
     f"提示：cc verify 就是验收通过（销号），不写 --pass；验收不通过请退回重办：cc --data {DATA} reopen T01 --reason …。"),
    (["verify", "T01", "--fail"],
     f"提示：验收不通过请退回重办：cc --data {DATA} reopen T01 --reason …；cc verify 只用于验收通过（销号）。"),
    (["notice", "人社局", "2023-10-10"], "提示：是否为 --deadline 2023-10-10？"),
])
def test_stray_words_are_explained_by_what_they_probably_were(tmp_path, args, hint):
    """A fresh-eyes try: every stray word was offered as --unit, even with --unit given, a note cut at
    its space or an option typed ——dry-run (a Chinese input method's dash) included."""
    result = run_cc("--data", str(DATA), *args, "--as-of", "2023-09-10", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.startswith("错误：")
    hints = [line for line in result.stderr.splitlines() if line.startswith("提示")]
    assert hints == ([hint] if hint else [])


def test_empty_words_dates_and_arguments_written_as_options_are_explained(tmp_path):
    """An adversarial try: cc status "" said "Got unexpected extra argument(s) ()" (English) and
    "是否为 --unit ？"; a date was offered as --unit; cc log --task T08 suggested --data or --as-of and
    cc notice T08 --unit 人社局 suggested --out; cc ——data 目录 status had no dash hint."""
    def hints(*args):
        result = run_cc("--data", str(DATA), *args, cwd=tmp_path)
        assert result.returncode == 2 and result.stderr.startswith("错误：")
        return result.stderr.splitlines()[0], [line for line in result.stderr.splitlines() if line.startswith("提示")]

    empty = '提示：参数是空的（""）：可能多写了一对引号，或脚本中的变量没有值。'
    assert hints("status", "") == ('错误：多余的参数：""', [empty])
    assert hints("status", "", "") == ('错误：多余的参数："" ""', [empty])
    assert hints("status", "2023-09-10")[1] == ["提示：是否为 --as-of 2023-09-10？"]
    assert hints("status", "2023年9月10日")[1] == ["提示：是否为 --as-of 2023年9月10日？"]
    assert hints("--as-of", "2023-09-10", "status", "2023-09-01")[1] == []  # --as-of given before the command
    assert hints("log", "--task", "T08", "--unit", "人社局", "-p", "5", "--note", "a b") == (
        "错误：没有这个选项：--task",
        [f'提示：任务编号直接写在命令名后，不加 --task：是否为 cc --data {DATA} log T08 --unit 人社局 -p 5 --note "a b"？'])
    assert hints("notice", "T08", "--unit", "人社局")[1] == [
        f"提示：单位直接写在命令名后，不加 --unit：是否为 cc --data {DATA} notice 人社局 --task T08？"]
    # options before the command are kept (a --as-of left out would record on today's date), and
    # a text's own quotes and $ never break the line when it is pasted (a second adversarial try)
    assert hints("--as-of", "2023-12-29", "log", "--task", "T09", "-n", '完成 "重点" $HOME')[1] == [
        f"提示：任务编号直接写在命令名后，不加 --task：是否为 cc --data {DATA} --as-of 2023-12-29 log T09 -n "
        "'完成 “重点” $HOME'？"]
    assert hints("notice", "--unit=人社局")[1] == [f"提示：单位直接写在命令名后，不加 --unit：是否为 cc --data {DATA} notice 人社局？"]
    assert hints("reply", "--notice", "3", "--note", "已整改")[1] == [
        f'提示：通知编号直接写在命令名后，不加 --notice：是否为 cc --data {DATA} reply 3 --note 已整改？']
    assert hints("void", "--id", "20230710-b17e")[1] == [
        f"提示：记录 id 直接写在命令名后，不加 --id：是否为 cc --data {DATA} void 20230710-b17e？"]
    # a Chinese input method's space (U+3000) between an option and its value, or a command and an option
    assert hints("status", "--unit\u3000人社局")[1] == [
        "提示：“--unit\u3000人社局”中间是全角空格（中文输入法打出的空格）：应写作 --unit 人社局（用半角空格分开）。"]
    assert hints("status\u3000--unit", "人社局")[1] == [
        "提示：“status\u3000--unit”中间是全角空格（中文输入法打出的空格）：应写作 status --unit（用半角空格分开）。"]
    # an option of the same meaning under another command's name; no look-alike for --since
    assert hints("problem", "extend", "W2023-0031", "--days", "10", "--reason", "x")[1] == [
        "提示：是否为 --to？延期写新的整改期限日期，如 --to 2024-01-20。"]
    assert hints("reopen", "T01", "--note", "x")[1] == ["提示：是否为 --reason？"]
    assert hints("history", "--since", "2023-12-01")[1] == []  # was 是否为 --strict 或 --kind？
    assert hints("history", "--type", "督办通知")[1] == ["提示：是否为 --kind？"]  # README's 类型 (a fresh-eyes try)
    assert hints("status", "--lite", "red")[1] == ["提示：是否为 --light？"]
    # several units where one belongs; a problem's number where a notice's belongs
    assert hints("--as-of", "2023-12-30", "problem", "add", "-u", "人社局,住建局", "-s", "暗访", "-p", "x", "-d", "y",
                 "--dry-run")[1] == ["提示：一次只能写一个单位，这里写了 2 个（市人力资源和社会保障局、市住房和城乡建设局）；"
                                     "问题的配合单位用 --co，每个单位前都写 --co。"]
    # a command without --co does not point to it (cc status said to use --co, which it has not)
    assert hints("--as-of", "2023-12-30", "status", "-u", "人社局、住建局")[1] == [
        "提示：一次只能写一个单位，这里写了 2 个（市人力资源和社会保障局、市住房和城乡建设局）；请每次写一个单位。"]
    data = copy_data(tmp_path)
    reply = run_cc("--data", str(data), "--as-of", "2023-12-30", "reply", "W5", "--note", "x", "--by", "范某某",
                   cwd=tmp_path)
    assert reply.returncode == 2 and reply.stderr.startswith("错误：找不到督办通知 W5：W5 像是问题清单的问题编号\n"
                                                             "提示：问题用 cc problem show W5、cc problem fix W5 --note … 等办理")
    dash = run_cc("——data", str(DATA), "status", cwd=tmp_path)
    assert dash.returncode == 2 and "提示：选项前的 -- 要用半角（英文输入法）的减号：——data 应写作 --data。" in dash.stderr


def test_an_option_glued_after_chinese_punctuation_is_named_with_the_line(tmp_path):
    """cc log T08 --unit 人社局，--percent 50 … (a full-width comma glued --percent to the unit) said
    缺少必填选项 --percent and 是否为 --percent 50？ though --percent was typed (a new user's try); a
    flag glued on with a full-width space (--note 已完成　--dry-run) was recorded as the note, for
    real. Each is refused naming the mark, with the command line as meant; nothing is written."""
    data = copy_data(tmp_path)
    before = snapshot_files(tmp_path)

    def refused(*args):
        result = run_cc("--data", str(data), *args, cwd=tmp_path)
        assert (result.returncode, result.stdout) == (2, ""), result.stderr
        assert "Traceback" not in result.stderr
        return result.stderr.splitlines()

    log = ["--as-of", "2023-12-01", "log", "T09"]
    line = f"cc --data {data} --as-of 2023-12-01 log T09"
    assert refused(*log, "--unit", "人社局，--percent", "50", "--note", "x", "--by", "范某某") == [
        "错误：“人社局，--percent”中的 --percent 紧跟在中文标点“，”后面，被当成了 --unit 的值的一部分，未执行任何操作",
        f"提示：选项前要用半角空格隔开（中文标点后也要空一格）：应写作 {line} --unit 人社局 --percent 50 --note x --by 范某某"]
    assert refused(*log, "--unit", "人社局", "-p", "95", "--note", "已完成　--dry-run", "--by", "范某某") == [
        "错误：“已完成　--dry-run”中的 --dry-run 紧跟在全角空格（中文输入法打出的空格）后面，被当成了 --note 的值的一部分，"
        "未执行任何操作",
        f"提示：选项前要用半角空格隔开（英文输入法的空格）：应写作 {line} --unit 人社局 -p 95 --note 已完成 --dry-run --by 范某某"]
    # a sentence keeps its 。; an argument, and an option written with =, are parted alike
    assert refused(*log, "--unit", "人社局", "-p", "95", "--note", "已完成。--by", "范某某")[1].endswith(
        "--note 已完成。 --by 范某某")
    assert refused("--as-of", "2023-12-01", "log", "T09、--unit=人社局；-p", "95", "-n", "x")[:2] == [
        "错误：“T09、--unit=人社局；-p”中的 --unit 紧跟在中文标点“、”后面，被当成了任务编号的一部分，未执行任何操作",
        f"提示：选项前要用半角空格隔开（中文标点后也要空一格）：应写作 {line} --unit=人社局 -p 95 -n x"]
    assert refused("status", "--unit", "人社局，--json")[1] == (
        f"提示：选项前要用半角空格隔开（中文标点后也要空一格）：应写作 cc --data {data} status --unit 人社局 --json")
    assert snapshot_files(tmp_path) == before
    # a note that only holds such punctuation before a dash, or a word that is no option, is a note
    kept = run_cc("--data", str(data), "--as-of", "2023-12-30", "log", "T09", "--unit", "人社局", "-p", "95", "--note",
                  "已完成，-见附件", "--by", "范某某", "--dry-run", cwd=tmp_path)
    assert kept.returncode == 0 and '"note":"已完成，-见附件"' in kept.stdout, kept.stderr


def test_an_option_given_twice_with_two_values_is_refused(tmp_path):
    """--note 甲 --note 乙 recorded only 乙, --light 红 --light 黄 showed only the yellow tasks and
    --reason 一 --reason 二 put only 二 in the notice: click keeps the last value silently (an
    adversarial try). Refused with both values named; options that repeat by design still do."""
    data = copy_data(tmp_path)
    before = snapshot_files(data)
    for args, option, values in (
        (["log", "T09", "-u", "人社局", "-p", "90", "--note", "甲", "--note", "乙"], "--note", "甲、乙"),
        (["log", "T09", "-u", "人社局", "-u民政局", "-p", "90", "-n", "x"], "--unit", "人社局、民政局"),
        (["status", "--light", "红", "--light=黄"], "--light", "红、黄"),
        (["notice", "人社局", "--reason", "理由一", "-r", "理由 二", "--yes"], "--reason", '理由一、"理由 二"'),
    ):
        result = run_cc(*args, "--as-of", "2023-12-30", "--by", "范某某", cwd=tmp_path)
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith(f"错误：选项 {option} 写了 2 次（{values}），只能写一次；未执行任何操作")
        assert snapshot_files(data) == before
    same = run_cc("status", "--light", "红", "--light", "红", "--as-of", "2023-12-30", cwd=tmp_path)
    assert same.returncode == 0  # the same value twice changes nothing
    # an option of cc itself and the command's own are two (an alias's --data overridden after the command)
    alias = run_cc("--data", str(tmp_path / "无此目录"), "status", "--data", str(data), "--as-of", "2023-12-30",
                   cwd=tmp_path)
    assert alias.returncode == 0, alias.stderr
    many = run_cc("problem", "add", "-u", "人社局", "--co", "民政局", "--co", "住建局", "-s", "暗访", "-p", "A点",
                  "-d", "问题", "--as-of", "2023-12-30", "--dry-run", cwd=tmp_path)
    assert many.returncode == 0, many.stderr


def test_an_empty_folder_file_or_argument_is_refused(tmp_path):
    """cc init '' made a group's ten files in the current folder, --data '' read the current
    folder, --out '' wrote the default file and cc void '' said 找不到记录 (an adversarial try)."""
    (tmp_path / "keep.txt").write_text("x", encoding="utf-8")
    for args, what in ((["init", ""], "目录名"), (["--data", "", "units"], "--data "), (["status", "--data", " "], "--data "),
                       (["--data", str(DATA), "report", "md", "--out", ""], "--out "),
                       (["--data", str(DATA), "void", "", "--reason", "x"], "记录 id "),
                       (["--data", str(DATA), "show", ""], "任务编号")):
        result = run_cc(*args, cwd=tmp_path)
        assert result.returncode == 2, (args, result.stderr)
        shown = '" "' if " " in args else '""'  # as it was written: a space is no "" (said as "" before)
        assert result.stderr.startswith(f'错误：{what}不能为空（写成了 {shown}），未执行任何操作'), (args, result.stderr)
        assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_a_number_of_days_in_full_width_digits_or_with_天_is_taken(tmp_path):
    """--days １０ and --days 10天 were refused as 应为整数, where --percent ８５ and 85% are taken (an
    adversarial try); 十 and 10个工作日 still are, in Chinese."""
    copy_data(tmp_path)
    add = ["problem", "add", "-u", "人社局", "-s", "暗访", "-p", "x", "-d", "y", "--dry-run", "--as-of", "2023-12-30"]
    for days in (["--days", "１０"], ["--days", "10天"], ["--days=10 天"]):
        result = run_cc(*add, *days, cwd=tmp_path)
        assert result.returncode == 0 and "整改期限2024年1月9日" in result.stdout, (days, result.stderr)
    for days in ("十", "10个工作日"):
        result = run_cc(*add, "--days", days, cwd=tmp_path)
        assert result.returncode == 2 and "--days 的值无效：应为整数" in result.stderr


@pytest.mark.skipif(os.name == "nt", reason="installs into a POSIX shell's start-up file")
def test_install_completion_speaks_chinese_and_takes_no_stray_word(tmp_path):
    """cc --install-completion bogus installed bash's completion (and edited ~/.bashrc), saying so in
    English (an adversarial try)."""
    home = tmp_path / "home"
    home.mkdir()
    refused = run_cc("--install-completion", "bogus", cwd=tmp_path, HOME=str(home), SHELL="/bin/bash")
    assert refused.returncode == 2 and "多余的参数：bogus" in refused.stderr and not list(home.iterdir())
    done = run_cc("--install-completion", cwd=tmp_path, HOME=str(home), SHELL="/bin/bash")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("已为 bash 安装命令补全：") and "重新打开终端后生效。" in done.stdout
    assert "completion" not in done.stdout.replace(str(home), "").replace("bash_completions", "")


def test_path_errors_are_in_chinese(tmp_path):
    """A hostile-input try: click's "path '…' is not readable." came out in English, cc init under a
    file gave the system's English reason, and cc schema --out /dev/null said 文件已存在 (and made
    missing folders of any depth, where report --out refuses a missing one)."""
    from chuangcheng_cli.cli.usage import translate

    assert translate("Invalid value for '--data': path '/srv/组' is not readable.") == "--data：没有权限读取 /srv/组"
    assert translate("Invalid value for '--data': Directory '/x' is not readable.") == "--data：没有权限读取 /x"
    (tmp_path / "a-file").write_text("x")
    init = run_cc("init", str(tmp_path / "a-file" / "组"), cwd=tmp_path)
    assert init.returncode == 2 and "路径中的某一段不是目录" in init.stderr and "directory" not in init.stderr.lower()
    device = run_cc("schema", "--out", "/dev/null", cwd=tmp_path)
    assert device.returncode == 2 and "--out 应为目录：/dev/null 不是目录" in device.stderr
    deep = run_cc("schema", "--out", str(tmp_path / "无" / "此" / "目录"), cwd=tmp_path)
    assert deep.returncode == 2 and "输出目录的上一级不存在" in deep.stderr and not (tmp_path / "无").exists()
    made = run_cc("schema", "--out", str(tmp_path / "schemas"), cwd=tmp_path)
    assert made.returncode == 0 and len(list((tmp_path / "schemas").iterdir())) == 3


def test_an_option_where_a_value_belongs_is_refused_not_written(tmp_path):
    """--reason --dry-run: click took --dry-run as the reason and the void was written for real; so
    was cc log --note --dry-run, by the fast path (an adversarial try). Refused, nothing written;
    --note=--dry-run says the text is meant."""
    copy_data(tmp_path)
    before = snapshot_files(tmp_path / "data")
    void = run_cc("void", "20231229-00b9", "--reason", "--dry-run", "--as-of", "2023-12-30", cwd=tmp_path,
                  CC_USER="周某某")
    assert void.returncode == 2 and "--dry-run 是本命令的选项，像是 --reason 后面漏写了内容" in void.stderr
    log = run_cc("log", "T09", "-u", "人社局", "-p", "90", "--note", "--dry-run", "--by", "范某某",
                 "--as-of", "2023-12-30", cwd=tmp_path)
    assert log.returncode == 2 and "像是 --note 后面漏写了内容" in log.stderr
    assert snapshot_files(tmp_path / "data") == before
    meant = run_cc("void", "20231229-00b9", "--reason=--dry-run", "--dry-run", "--as-of", "2023-12-30",
                   cwd=tmp_path, CC_USER="周某某")
    assert meant.returncode == 0 and "（演练，未写入）" in meant.stdout and "：--dry-run" in meant.stdout


def test_an_option_taken_as_a_value_keeps_its_own_value(tmp_path):
    """cc log T09 --unit --as-of 2023-11-28 (the unit's name left out): --unit took --as-of, and
    2023-11-28 was called an extra argument and asked 是否为 --date 2023-11-28？ (an office try),
    though it is --as-of's own value. A flag's next word is still a stray."""
    copy_data(tmp_path)
    before = snapshot_files(tmp_path / "data")
    r = run_cc("log", "T09", "--unit", "--as-of", "2023-11-28", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr.splitlines()[0] == "错误：--unit 的值无效：--as-of 是本命令的选项，像是 --unit 后面漏写了内容"
    assert "多余的参数" not in r.stderr and "--date" not in r.stderr
    number = run_cc("log", "T09", "--unit", "人社局", "--percent", "--note", "x", cwd=tmp_path)  # no text is meant
    assert number.stderr.splitlines()[0] == "错误：--percent 的值无效：--note 是本命令的选项，像是 --percent 后面漏写了内容"
    day = run_cc("reject", "1", "--note", "x", "--deadline", "--as-of", "2023-12-30", cwd=tmp_path)
    assert day.stderr.splitlines()[0] == "错误：--deadline 的值无效：--as-of 是本命令的选项，像是 --deadline 后面漏写了内容"
    flag = run_cc("log", "T09", "--unit", "--dry-run", "2023-11-28", cwd=tmp_path)
    assert flag.returncode == 2 and "（多余的参数：2023-11-28）" in flag.stderr
    assert snapshot_files(tmp_path / "data") == before

def test_global_as_of_before_the_command():
    a = runner.invoke(app, ["--data", str(DATA), "--as-of", "2023-06-30", "status", "--json"], env=cc_env())
    assert json.loads(a.output)["summary"]["as_of"] == "2023-06-30"


def test_units_shows_escalation_and_counts():
    result = cc("units", "--as-of", "2023-12-31")
    row = next(line for line in result.output.splitlines() if line.startswith("rsj"))
    assert "人社局" in row and "已报告10月16日" in row
    doc = json.loads(cc("units", "--json", "--as-of", "2023-12-31").output)
    rsj = next(u for u in doc["units"] if u["id"] == "rsj")
    assert (rsj["notice_count"], rsj["open_notices"], rsj["escalated"]) == (3, 3, True)
    assert len(doc["units"]) == 20


@pytest.mark.parametrize("columns", ["100", "120", "125", "140", "200"])
def test_units_table_never_cuts_its_headers(tmp_path, columns):
    """At 120 columns the full names and padded columns did not fit: headers came out as 牵… 配…
    and phones cut. The wide table is taken only when it fits whole; else the compact one."""
    result = run_cc("units", "--as-of", "2023-12-31", cwd=tmp_path, COLUMNS=columns, CC_NO_CACHE="1")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    header = next(line for line in lines if "单位" in line and "联络员" in line)
    assert all(h in header for h in ("牵头", "配合", "完成", "滞后", "督办", "未销号", "问题", "逾期", "报告市领导"))
    assert "…" not in header and all(cell_len(line.rstrip()) <= int(columns) for line in lines)
    assert any("0000-60000101" in line for line in lines)  # the liaison's phone whole
    wide = int(columns) >= 130
    assert any(line.lstrip().startswith("sfj") and ("市司法局" in line) == wide for line in lines)


@pytest.mark.parametrize("columns", ["56", "60", "70", "80"])
def test_units_table_on_a_narrow_terminal_drops_columns_before_cutting_headers(tmp_path, columns):
    """At 60 columns the headers came out as 牵… 配… 完… and the liaisons as 吴某…: the liaison's
    column goes first, then the ids, then the headers stand on two lines (牵/头); nothing is cut."""
    result = run_cc("units", "--as-of", "2023-12-31", cwd=tmp_path, COLUMNS=columns, CC_NO_CACHE="1")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    table = lines[:next(i for i, line in enumerate(lines) if line.startswith("牵头单位待办"))]
    assert not [line for line in table if "…" in line] and all(cell_len(line) <= int(columns) for line in lines)
    rule = next(i for i, line in enumerate(lines) if line.startswith("──"))
    header = lines[1:rule]
    rsj = next(line for line in lines if "人社局" in line)
    assert "已报告10月16日" in rsj  # the escalation whole
    said = "窗口较窄，未显示id、联络员列；加宽窗口或用 cc units --json 查看。"  # not silently gone (a fresh-eyes try)
    if int(columns) >= 80:
        assert header[0].split() == ["id", "单位", "牵头", "配合", "完成", "滞后", "督办", "未销号", "问题", "逾期",
                                     "报告市领导", "联络员"] and rsj.startswith("rsj") and "范某某" in rsj
        assert "窗口较窄" not in result.stdout
    elif int(columns) >= 70:
        assert header[0].split() == ["单位", "牵头", "配合", "完成", "滞后", "督办", "未销号", "问题", "逾期",
                                     "报告市领导"] and rsj.startswith("人社局")
        assert said in table
    else:
        assert said.replace(" ", "") in "".join(table).replace(" ", "")  # wrapped at the table's width
        assert [line.split() for line in header] == [["牵", "配", "完", "滞", "督", "未销", "问", "逾", "报告"],
                                                     ["单位", "头", "合", "成", "后", "办", "号", "题", "期", "市领导"]]
        assert rsj.split()[:6] == ["人社局", "2", "0", "1", "1", "3"]


def test_score_title_stays_whole_when_no_unit_has_lost_a_point(tmp_path):
    """Early in a campaign the table is narrow, and rich wrapped the table's title at its width:
    综合评价（截至2023年4月20日，满分100 and then ） alone (fresh-eyes try)."""
    result = run_cc("score", "--as-of", "2023-04-20", cwd=tmp_path, COLUMNS="80", CC_NO_CACHE="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:2] == ["综合评价（截至2023年4月20日，满分100）", "排名 单位       得分 扣分 主要扣分项"]


@pytest.mark.parametrize("args", [["units"], ["score"], ["show", "T05"], ["problem", "list"], ["problem", "show", "1"]])
def test_piped_tables_end_their_lines_without_padding(tmp_path, args):
    """rich pads a table's last column with spaces; piped (no colour), a line ends where its text
    does, so that a file or a diff of the output holds no trailing spaces (fresh-eyes try)."""
    result = run_cc(*args, "--as-of", "2023-12-31", cwd=tmp_path, COLUMNS="100", CC_NO_CACHE="1")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("\n")
    assert len(lines) > 5 and not [line for line in lines if line != line.rstrip()]
    assert result.stdout.endswith("\n")


def test_show_task_has_history_and_assignment():
    result = cc("show", "5", "--as-of", "2023-12-31")
    assert result.exit_code == 0
    out = result.output
    assert "【T05】" in out and "责任分解" in out and "退回重办" in out and "验收销号" in out


def test_show_unknown_task():
    result = cc("show", "T99")
    assert result.exit_code == 2 and "找不到任务" in result.output


def test_history_filters():
    doc = json.loads(cc("history", "--unit", "人社局", "--kind", "notice", "--json").output)
    assert [e["text"][:11] for e in doc["entries"]] == ["法治督〔2023〕2号", "法治督〔2023〕3号", "法治督〔2023〕4号"]
    result = cc("history", "--kind", "督办通知")
    assert result.exit_code == 0 and "法治督〔2023〕1号" in result.output
    assert cc("history", "--kind", "nonsense").exit_code == 2


def _trail(data, ref, *more):
    result = runner.invoke(app, ["--data", str(data), "history", "--notice", ref, "--json", "--as-of", "2023-12-31",
                                 *more], env=cc_env())
    assert result.exit_code == 0, result.output
    return [(e["kind"], e["voided"]) for e in json.loads(result.stdout)["entries"]]


def test_history_notice_lists_one_notice_s_trail(tmp_path):
    """cc history --notice: the notice, the unit's replies, the lead's rejects and close, and the
    报告市领导 that names it, whatever form the number is written in; not another notice's records
    (a user asked what became of 法治督〔2023〕1号 had only cc reprint, which shows the paper)."""
    assert _trail(DATA, "2023-1") == [("notice", False), ("reply", False), ("close", False)]
    for form in ("4", "4号", "法治督〔2023〕4号", "2023—4", "法治督[2023]4号"):
        assert _trail(DATA, form) == [("notice", False), ("escalate", False)], form
    # the 报告市领导 names all three notices of 人社局: it is on each one's trail
    assert ("escalate", False) in _trail(DATA, "2023-2") and ("escalate", False) in _trail(DATA, "2023-3")
    assert _trail(DATA, "2023-2", "--kind", "整改反馈") == [("reply", False)]  # with the other filters
    assert _trail(DATA, "2023-2", "--unit", "民政局") == []


def test_history_notice_shows_a_voided_notice_s_trail_and_its_voids(tmp_path):
    """A voided notice is still found (write commands refuse it: it no longer counts), its records
    marked, and the void, and a void of that void, are on its trail."""
    data = copy_data(tmp_path)

    def run(*args):
        result = runner.invoke(app, ["--data", str(data), *args, "--as-of", "2023-12-31"], env=cc_env())
        assert result.exit_code == 0, result.output
        return result

    run("void", "法治督〔2023〕1号", "--reason", "发错了", "--by", "周某某")
    assert _trail(data, "2023-1") == [("notice", True), ("reply", False), ("close", False), ("void", False)]
    assert _trail(data, "法治督〔2023〕1号")[0] == ("notice", True)
    void_id = json.loads(run("history", "--kind", "作废", "--json").stdout)["entries"][-1]["id"]
    run("void", void_id, "--reason", "作废错了", "--by", "周某某")
    assert _trail(data, "2023-1") == [("notice", False), ("reply", False), ("close", False), ("void", True),
                                      ("void", False)]
    assert _trail(data, "2023-2")[-1] != ("void", False)  # not on another notice's trail


@pytest.mark.parametrize("ref, said", [
    ("99", "找不到督办通知 99"),
    ("W2023-0004", "像是问题清单的问题编号"),
    ("2021-1", "找不到督办通知 2021-1"),
    ("2023-4", "督办通知 法治督〔2023〕4号 于2023年10月16日发出，晚于查看的日期2023年9月10日"),  # not 找不到
])
def test_history_notice_that_is_none_is_refused(ref, said):
    result = cc("history", "--notice", ref, "--as-of", "2023-09-10")
    assert result.exit_code == 2 and said in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("word, kinds", [
    ("问题", {"problem", "fix", "recheck", "extend"}),  # the 问题清单's records, not only 问题交办
    ("整改", {"reply", "reject", "fix"}),  # under a notice and on a problem: 问题整改完成 was left out
    ("销号", {"verify", "close"}),  # every kind whose name holds it (it was 未知的记录类型)
    ("完成", {"fix"}),
    ("复查", {"recheck"}),
])
def test_history_kind_words_that_name_several_kinds(word, kinds):
    result = cc("history", "--kind", word, "--json")
    assert result.exit_code == 0, result.output
    found = {e["kind"] for e in json.loads(result.stdout)["entries"]}
    assert found == kinds
    # what a word that is no kind's name was taken for is said
    assert ("按以下记录类型列出" in result.stderr) == (word != "复查")


def test_validate_clean_data_exits_zero():
    result = cc("validate")
    assert result.exit_code == 0 and "数据校验通过" in result.output


def test_missing_data_dir_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["status", "--data", str(tmp_path / "nope")], env=cc_env())
    assert result.exit_code == 2 and "数据目录不存在" in result.output


def test_bundled_data_is_used_with_a_note(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["status", "--json"], env=cc_env())
    assert result.exit_code == 0
    assert "内置示例数据" in result.output


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("chuangcheng-cli ")


@pytest.mark.parametrize("args, stray", [(["--version", "x"], "x"), (["--version", "status"], "status"),
                                         (["--version", ""], '""'), (["--version", "T01", "T02"], "T01 T02")])
def test_version_refuses_a_stray_word(tmp_path, args, stray):
    """cc --version x printed the version and ignored x; it is refused as any stray word is. cc's own
    --data/--as-of (an alias may add them) are no stray words."""
    result = run_cc(*args, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith(f"错误：--version 不带其他参数（多余的参数：{stray}），未执行任何操作\n提示：")
    assert runner.invoke(app, args).exit_code == 2
    assert list(tmp_path.iterdir()) == []
    for fine in (["--data", str(DATA), "--version"], ["--version", "--as-of=2023-06-30"]):
        kept = run_cc(*fine, cwd=tmp_path)
        assert kept.returncode == 0 and kept.stdout.startswith("chuangcheng-cli "), kept.stderr


def test_help_shows_no_python_type_names(tmp_path):
    """Every command's help names its values and arguments in Chinese, not <str>/{task}."""
    import typer.main
    from concurrent.futures import ThreadPoolExecutor

    from chuangcheng_cli.cli import app

    root = typer.main.get_command(app)
    paths = [[name] for name, cmd in root.commands.items() if not hasattr(cmd, "commands")]
    paths += [[name, sub] for name, cmd in root.commands.items() for sub in getattr(cmd, "commands", {})]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda p: run_cc(*p, "--help", cwd=tmp_path, COLUMNS="200"), paths))
    for path, result in zip(paths, results):
        assert result.returncode == 0, (path, result.stderr)
        for english in ("<str>", "<int>", "<list[", "<path>", "{task}", "{unit}", "NOTICE", "range>"):
            assert english not in result.stdout, (path, english, result.stdout)


def test_the_bundled_example_named_by_its_path_is_still_read_only(tmp_path):
    """--data at the package's own example folder wrote into the installed package (found by a
    hostile-input try): it is the bundled example, read-only, however it is named."""
    from pathlib import Path

    from chuangcheng_cli.cli.locate import BUNDLED
    from helpers import run_cc, snapshot_files

    before = snapshot_files(Path(BUNDLED))
    result = run_cc("--data", BUNDLED, "log", "T09", "--unit", "人社局", "--percent", "90", "--note", "x",
                    "--as-of", "2023-12-30", cwd=tmp_path)
    assert result.returncode == 2 and "只读" in result.stderr, result.stderr
    assert snapshot_files(Path(BUNDLED)) == before
    assert run_cc("--data", BUNDLED, "status", "--as-of", "2023-12-30", cwd=tmp_path).returncode == 0


def test_data_and_as_of_may_stand_between_a_group_and_its_command(tmp_path):
    """`cc problem --as-of … list` and `cc report --as-of … md` as `cc problem list --as-of …`;
    validate takes --as-of too, and says it does not depend on it (found by a fresh-eyes try)."""
    from helpers import copy_data, run_cc

    copy_data(tmp_path)
    for between, after in ((["problem", "--as-of", "2023-06-30", "list"], ["problem", "list", "--as-of", "2023-06-30"]),
                           (["report", "--as-of", "2023-06-30", "md"], ["report", "md", "--as-of", "2023-06-30"]),
                           (["problem", "--data", "data", "--as-of", "2023-06-30", "list", "--json"],
                            ["problem", "list", "--json", "--as-of", "2023-06-30"])):
        a, b = run_cc(*between, cwd=tmp_path), run_cc(*after, cwd=tmp_path)
        assert a.returncode == b.returncode == 0 and a.stdout == b.stdout, a.stderr
    checked = run_cc("validate", "--as-of", "2023-06-30", cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "校验与日期无关" in run_cc("validate", "--help", cwd=tmp_path).stdout
    bad = run_cc("validate", "--as-of", "foo", cwd=tmp_path)
    assert bad.returncode == 2 and "日期无效" in bad.stderr
    # given to cc itself, before a command that takes no date, a mistyped one was passed over
    for args in (["--as-of", "foo", "validate"], ["--as-of", "2023-13-01", "init", "新目录"]):
        bad = run_cc(*args, cwd=tmp_path)
        assert bad.returncode == 2 and "--as-of 的日期无效" in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "新目录").exists()
    alone = run_cc("problem", "--data", "data", cwd=tmp_path)  # a group with no command: in Chinese
    assert alone.returncode == 2 and "缺少命令" in alone.stderr and "Missing" not in alone.stderr


def test_status_of_one_unit_shows_only_its_part_of_the_lead_units_queue():
    """status --unit 中院 on 2023-11-10: the office's queue holds 宣传部's, 民政局's and 司法局's
    办结报告 awaiting 验收; none is 中院's, so none is shown; --unit 宣传部 shows its own; the
    lead unit (司法局) sees its whole queue."""
    def queue(unit):
        doc = json.loads(cc("status", "--unit", unit, "--json", "--as-of", "2023-11-10").output)
        return [q["subject"] for q in doc["summary"]["lead_queue"]]

    assert queue("中院") == []
    assert queue("宣传部") == ["T02"]
    assert set(queue("司法局")) >= {"T01", "T02", "T11"}


def test_attention_rows_of_tasks_and_units_share_their_columns():
    """需要关注: a unit's own row (a problem on no open task) puts its light and name in the same
    columns as the tasks' rows, its reasons where theirs start."""
    out = cc("status", "--as-of", "2023-12-31", COLUMNS="100").output
    block = out[out.index("需要关注："):].splitlines()[1:]
    task = next(line for line in block if line.startswith(" T09 "))
    unit = next(line for line in block if "总工会" in line and "●" in line)
    assert unit.index("●") == task.index("●")
    assert unit.index("问题W2023-0026") == task.index("已逾期")


def test_a_units_long_to_do_shows_the_nearest_and_says_how_many_more():
    import datetime as dt

    from chuangcheng_cli.domain import rules, views
    from chuangcheng_cli.reports import rows as reports
    from chuangcheng_cli.reports.lines import status_lines
    from chuangcheng_cli.store import checks

    snap = rules.snapshot(checks.load_checked(DATA)[0], dt.date(2023, 8, 21))
    base = {**reports.summary_base(snap), "unit_todo": reports.unit_todo(snap, limit=1)}
    table = reports.status_rows(snap)
    name = "市人力资源和社会保障局"
    summary = views.summarize(views.filter_rows(table, name), base, name)
    assert [i["ref"] for i in summary["unit_todo"]["items"]] == ["W2023-0008"] and summary["unit_todo"]["more"] == 1
    text = "\n".join(line.plain for line in status_lines(views.filter_rows(table, name), summary, 100))
    assert f"另有1项，整改期限更晚：cc problem list --unit {name}" in text


@pytest.mark.parametrize("typed", ["人社局，", "“人社局”", "「人社局」", " 人社局、"])
def test_a_unit_typed_with_chinese_quotes_or_a_comma_after_it_is_found(typed):
    result = cc("status", "--unit", typed, "--json", "--as-of", "2023-12-29")
    assert result.exit_code == 0, result.output
    assert {t["id"] for t in json.loads(result.stdout)["tasks"]} == \
        {t["id"] for t in json.loads(cc("status", "--unit", "rsj", "--json", "--as-of", "2023-12-29").stdout)["tasks"]}


def test_a_task_named_by_its_title_is_pointed_to_its_number():
    result = cc("show", "根治欠薪")
    assert result.exit_code == 2 and "找不到任务" in result.output and "任务要写编号：T09（根治欠薪）" in result.output
    assert "T09" in cc("show", "“T09”").output.splitlines()[0]


def test_history_help_names_every_kind_of_record(tmp_path):
    """cc history --help listed the kinds --kind takes but left out 退回整改, which the refusal of an
    unknown kind and README list (a fresh-eyes try)."""
    from chuangcheng_cli.domain.models import ENTRY_KIND_NAMES

    shown = re.sub(r"\s+", "", run_cc("history", "--help", cwd=tmp_path, COLUMNS="200").stdout)
    listed = shown.split("只看某类记录：", 1)[1].split("（", 1)[0].split("、")
    assert listed == list(ENTRY_KIND_NAMES.values())


def test_every_help_fits_the_terminal_by_its_cells():
    """click wrapped help by characters: with Chinese in it a line of `cc history --help` was 136
    columns wide at 80, the option column misaligned (a fresh-eyes try). Every line fits now: each
    command's help at 80 columns, the commands with the longest at 60 (the installed cc: its
    help is translated and wrapped as it starts)."""
    import typer.main

    def paths(command, prefix=()):
        yield prefix
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            if not getattr(sub, "hidden", False):
                yield from paths(sub, (*prefix, name))

    every = list(paths(typer.main.get_command(app)))
    assert len(every) > 20
    for path, width in [(p, 80) for p in every] + [(p, 60) for p in [(), ("history",), ("notice",), ("problem", "import")]]:
        result = run_cc(*path, "--help", cwd=DATA.parent, COLUMNS=str(width))
        assert result.returncode == 0, (path, result.stdout + result.stderr)
        widest = max(result.stdout.splitlines(), key=cell_len)
        assert cell_len(widest) <= width, (path, width, widest)


def test_a_narrow_history_keeps_who_recorded_an_entry_under_it_not_where_the_dates_stand():
    """At 50 columns the heading of an entry was wrapped by the terminal and its recorder stood at
    the start of a line of its own, where each entry's date stands (a fresh-eyes try)."""
    out = run_cc("history", "--task", "T09", "--as-of", "2023-12-29", cwd=DATA.parent, COLUMNS="50").stdout
    lines = out.splitlines()
    assert "4月27日  20230427-a6e8  分解交办  住建局  T09" in lines and "    记录人：唐某某" in lines, out
    assert all(cell_len(line) <= 50 for line in lines)
    assert all(line.startswith((" ", "全程留痕")) or line[:1].isdigit() for line in lines), out
    wide = run_cc("history", "--task", "T09", "--as-of", "2023-12-29", cwd=DATA.parent, COLUMNS="80").stdout
    assert "4月27日  20230427-a6e8  分解交办  住建局  T09  唐某某" in wide.splitlines() and "记录人：" not in wide


@pytest.mark.parametrize("words, shows", [
    (["help"], "用法：cc [选项] 命令 [参数]..."),
    (["help", "status"], "用法：cc status [选项]"),
    (["帮助", "problem", "add"], "用法：cc problem add [选项]"),
    (["help", "help"], "用法：cc [选项] 命令 [参数]..."),
    (["--help", "help"], "用法：cc [选项] 命令 [参数]..."),
])
def test_cc_help_is_read_as_help(tmp_path, words, shows):
    """cc help and cc help status said 没有这个命令：help (a fresh-eyes try): a new user's first guess
    is read as --help of what follows it."""
    result = run_cc(*words, cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith(shows + "\n"), result.stderr


@pytest.mark.parametrize("said, likely", [("督察", "督查"), ("自检", "自查"), ("明察暗访", "暗访")])
def test_a_mistyped_source_is_asked_about(said, likely):
    """--source 督察 got only the list (a fresh-eyes try), while a mistyped unit gets 是否为: the source
    a homophone or a sheet's word names is asked about, never taken (it decides who may record)."""
    result = cc("problem", "list", "--source", said, "--as-of", "2023-12-31")
    assert result.exit_code == 2 and f'提示：是否为 "{likely}"？可选：自查、互查、督查' in result.output


def test_a_dry_run_shows_a_note_s_line_breaks_as_breaks(tmp_path):
    """A dry run's readable line showed a two-line note as 第一行\\x0a第二行 (a fresh-eyes try), where
    cc show and cc history break the line; other control characters stay escapes (none can be given)."""
    copy_data(tmp_path)
    out = run_cc("log", "T09", "--unit", "人社局", "--percent", "90", "--note", "第一行\n第二行", "--by", "范某某",
                 "--as-of", "2023-12-30", "--dry-run", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "  2023年12月30日 市人力资源和社会保障局 T09 报送进度90%：第一行\n    第二行\n" in out.stdout
    from chuangcheng_cli.cli.recording import preview_line
    from chuangcheng_cli.domain import models
    from chuangcheng_cli.store import checks

    project, _ = checks.load_checked(tmp_path / "data")
    entry = models.make(models.Progress, kind="progress", id="20231230-0000fc01", date="2023-12-30",
                        at="2023-12-30T10:00:00+08:00", by="范某某", task="T09", unit="rsj", percent=90, note="a\x1b[31mb")
    assert preview_line(project, entry).endswith("报送进度90%：a\\x1b[31mb")


def test_history_says_how_much_evidence_a_reply_brought(tmp_path):
    """A 整改反馈 with its 整改情况报告 attached read in cc history (and the 台账's 全程留痕 sheet)
    as if it brought none: a progress report and a fix said 佐证材料N件, a reply did not."""
    result = runner.invoke(app, ["--data", str(DATA), "--as-of", "2023-12-29", "history", "--notice", "2023-1",
                                 "--kind", "整改反馈", "--json"], env=cc_env())
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["entries"]
    assert len(rows) == 1 and rows[0]["text"].endswith("；佐证材料1件"), rows


def test_a_unit_given_where_a_task_belongs_is_named_as_a_unit(tmp_path):
    """cc show 人社局 said only 找不到任务: it now says 人社局 is a unit and which commands show a unit's work."""
    result = runner.invoke(app, ["--data", str(DATA), "--as-of", "2023-12-29", "show", "人社局"], env=cc_env())
    assert result.exit_code == 2
    assert "找不到任务“人社局”" in result.output and "“人社局”是单位（市人力资源和社会保障局），不是任务编号" in result.output
    assert "cc status --unit 人社局" in result.output


def test_each_report_s_out_help_names_its_own_file():
    """cc report md --help gave "××推进组台账_YYYY-MM-DD.xlsx" as its example (a fresh-eyes try)."""
    for kind, name in (("md", "周报_YYYY-MM-DD.md"), ("html", "进展_YYYY-MM-DD.html"), ("xlsx", "台账_YYYY-MM-DD.xlsx")):
        shown = "".join(runner.invoke(app, ["report", kind, "--help"], env=cc_env()).output.split())  # unwrapped
        assert f"××推进组{name}" in shown, shown
        assert all(other not in shown for other in ("台账_YYYY", "进展_YYYY", "周报_YYYY") if other not in name)
