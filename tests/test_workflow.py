"""The 督办 workflow end to end through the installed `cc`: a scripted session, refusals, safety."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from helpers import DATA, cc_command, cc_env, copy_data, run_cc, snapshot_files


def journal(data: Path) -> list[dict]:
    return [json.loads(line) for line in (data / "journal.jsonl").read_text(encoding="utf-8").splitlines() if line]


def ok(*args, cwd):
    result = run_cc(*args, cwd=cwd)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result


def status_of(cwd, as_of, task):
    doc = json.loads(ok("status", "--json", "--as-of", as_of, cwd=cwd).stdout)
    return next(t for t in doc["tasks"] if t["id"] == task)


def unit_row(cwd, as_of, unit_id):
    doc = json.loads(ok("units", "--json", "--as-of", as_of, cwd=cwd).stdout)
    return next(u for u in doc["units"] if u["id"] == unit_id)


def test_scripted_session(tmp_path):
    """assign → log → three notices to 市住建局 (a co-unit of T09: each with --task and --reason; the
    third forced over the open second and confirmed with --yes) → reply → close → log 100 → verify."""
    data = copy_data(tmp_path)
    before = len(journal(data))

    ok("assign", "T09", "--unit", "住建局", "--section", "建筑市场监管科", "--person", "测试甲",
       "--phone", "0000-1", "--as-of", "2023-12-30", cwd=tmp_path)
    ok("log", "T09", "--unit", "人社局", "--percent", "85", "--note", "完成欠薪线索排查",
       "--as-of", "2023-12-30", cwd=tmp_path)

    part = ["--task", "T09", "--reason", "工程建设领域欠薪线索核查不力"]
    first = ok("notice", "住建局", *part, "--as-of", "2023-12-30", cwd=tmp_path)
    assert "法治督〔2023〕5号" in first.stdout and "第1次督办（蓝色）" in first.stdout
    assert unit_row(tmp_path, "2023-12-30", "zjj")["notice_count"] == 1

    ok("reply", "5", "--note", "已约谈施工企业，落实工资专户", "--as-of", "2023-12-30", cwd=tmp_path)
    ok("close", "2023-5", "--note", "整改到位", "--as-of", "2023-12-30", cwd=tmp_path)
    assert unit_row(tmp_path, "2023-12-30", "zjj")["open_notices"] == 0

    second = ok("notice", "市住房和城乡建设局", *part, "--as-of", "2023-12-31", cwd=tmp_path)
    assert "法治督〔2023〕6号" in second.stdout and "第2次督办（黄色）" in second.stdout
    assert not unit_row(tmp_path, "2023-12-31", "zjj")["escalated"]
    third = ok("notice", "zjj", *part, "--force", "--yes", "--days", "3", "--as-of", "2023-12-31", cwd=tmp_path)
    assert "法治督〔2023〕7号" in third.stdout and "第3次督办（红色）" in third.stdout
    assert "已报告市领导" in third.stdout
    row = unit_row(tmp_path, "2023-12-31", "zjj")
    assert row["escalated"] and row["notice_count"] == 3
    units_table = ok("units", "--as-of", "2023-12-31", cwd=tmp_path).stdout
    assert "已报告12月31日" in next(line for line in units_table.splitlines() if line.startswith("zjj"))
    assert "已报告市领导：市住房和城乡建设局" in ok("status", "--as-of", "2023-12-31", cwd=tmp_path).stdout

    ok("log", "T09", "--unit", "人社局", "--percent", "100", "--note", "欠薪案件全部办结",
       "--as-of", "2023-12-31", cwd=tmp_path)
    finished = status_of(tmp_path, "2023-12-31", "T09")  # waits for 验收, saying it came late;
    assert any("待验收" in r and "晚于完成时限" in r for r in finished["reasons"])  # still red only for
    assert not any(r.startswith("已逾期") for r in finished["reasons"])  # 人社局's unanswered notices
    assert finished["light"] == "red" and any("整改超期" in r for r in finished["reasons"])
    ok("verify", "T09", "--note", "材料齐全", "--as-of", "2023-12-31", cwd=tmp_path)
    assert status_of(tmp_path, "2023-12-31", "T09")["light"] == "done"

    added = journal(data)[before:]
    assert [e["kind"] for e in added] == [
        "assign", "progress", "notice", "reply", "close", "notice", "notice", "escalate", "progress", "verify"]
    notices = [e for e in added if e["kind"] == "notice"]
    assert [(n["number"], n["seq"], n["level"]) for n in notices] == [(5, 1, "蓝"), (6, 2, "黄"), (7, 3, "红")]
    assert notices[2]["deadline"] == "2024-01-03"
    assert all(e["by"] == "周某某" for e in added)
    assert len({e["id"] for e in journal(data)}) == len(journal(data))
    escalation = added[7]
    assert escalation["unit"] == "zjj" and escalation["notices"] == ["2023-5", "2023-6", "2023-7"]

    files = sorted(p.name for p in (tmp_path / "notices" / "2023").iterdir())
    assert files == sorted([
        "法治督〔2023〕5号_市住房和城乡建设局督办通知.docx",
        "法治督〔2023〕6号_市住房和城乡建设局督办通知.docx",
        "法治督〔2023〕7号_市住房和城乡建设局督办通知.docx",
        "法治督报〔2023〕2号_关于市住房和城乡建设局创城工作督办情况的报告.docx",
    ])
    import docx

    text = "\n".join(p.text for p in docx.Document(
        tmp_path / "notices/2023/法治督报〔2023〕2号_关于市住房和城乡建设局创城工作督办情况的报告.docx").paragraphs)
    assert "已被督办3次" in text and "法治督〔2023〕5号" in text and "审核销号" in text and "问效问责" in text
    assert ok("validate", cwd=tmp_path).returncode == 0


REJECTED = [
    (["log", "T01", "--unit", "不存在局", "--percent", "50", "--note", "x"], "找不到单位"),
    (["log", "T01", "--unit", "民政局", "--percent", "50", "--note", "x"], "不是任务 T01"),
    (["log", "T01", "--unit", "司法局", "--percent", "150", "--note", "x"], "0 到 100 之间"),
    (["log", "T09", "--unit", "人社局", "--percent", "50", "--note", "x"], "低于上次报送"),
    (["log", "T09", "--unit", "人社局", "--percent", "90", "--note", "x", "--evidence", "无此文件.pdf"], "佐证材料不存在"),
    (["log", "T09", "--unit", "人社局", "--percent", "90", "--note", "x", "--evidence", "www.gov.cn/a"],
     "如果这是网址，请写完整：https://www.gov.cn/a"),
    (["log", "T99", "--unit", "人社局", "--percent", "90", "--note", "x"], "找不到任务"),
    (["log", "T09", "--unit", "人社局", "--percent", "90", "--note", "x", "--date", "2030-01-01"], "晚于办理日期"),
    (["log", "T01", "--unit", "司法局", "--percent", "100", "--note", "x"], "已于", 1),  # states of the record: 1
    (["assign", "T01", "--unit", "司法局", "--section", "办公室", "--person", "甲"], "没有科室"),
    # a phone that is no phone number (a fresh-eyes try: --phone abc was recorded)
    (["assign", "T09", "--unit", "住建局", "--section", "建筑市场监管科", "--person", "甲", "--phone", "abc"],
     "电话号码“abc”不像电话号码"),
    (["assign", "T09", "--unit", "住建局", "--section", "建筑市场监管科", "--person", "甲", "--phone", "2023-12-05"],
     "电话号码“2023-12-05”不像电话号码（像是日期）"),
    (["assign", "T09", "--unit", "住建局", "--section", "建筑市场监管科", "--person", "甲", "--phone", "0"],
     "电话号码“0”不像电话号码（位数太少）"),
    (["log", "T09", "--unit", "人社局", "--percent", "85", "--note", "x", "--date", "2023-12-19"], "冲突"),
    (["notice", "司法局"], "不需要督办", 1),  # a state of the record, not a bad argument: exit 1
    (["notice", "人社局", "--task", "T01"], "不是任务 T01"),
    (["notice", "人社局", "--days", "0"], "不能小于"),
    (["reply", "99", "--note", "x"], "找不到督办通知"),
    (["close", "3"], "尚未收到", 1),
    (["close", "1"], "已于", 1),
    (["verify", "T09"], "cc log T09 --unit 人社局 --percent 100", 1),  # the lead named: it reports
    (["reopen", "T09", "--reason", "x"], "无需退回", 1),
]


@pytest.mark.parametrize("case", REJECTED, ids=[" ".join(c[0][:2]) + f"-{i}" for i, c in enumerate(REJECTED)])
def test_rejected_commands_change_nothing(tmp_path, case):
    args, message, code = (*case, 2) if len(case) == 2 else case
    copy_data(tmp_path)
    before = snapshot_files(tmp_path)
    result = run_cc(*args, "--as-of", "2023-12-30", cwd=tmp_path)
    assert result.returncode == code, result.stdout + result.stderr
    assert message in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot_files(tmp_path) == before


@pytest.mark.parametrize("args", [
    ["log", "T09", "--unit", "人社局", "--percent", "90", "--note", "x", "--by", "范某某"],
    ["notice", "人社局"],
    ["problem", "add", "-u", "住建局", "-s", "自查", "-p", "某工地", "-d", "围挡破损", "--days", "5"],
], ids=["log", "notice", "problem-add"])
def test_a_write_dated_after_today_is_refused_while_a_read_may_look_ahead(tmp_path, args):
    """--as-of 2999 (a typo for 2023) on a write: an entry every read would hide until that day
    and then take as the latest. Refused, with the reason, before anything is written; a read
    as of that day still works (what the lights would be)."""
    copy_data(tmp_path)
    before = snapshot_files(tmp_path)
    result = run_cc(*args, "--as-of", "2999-01-05", cwd=tmp_path, CC_USER="吴某某")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "--as-of 2999年1月5日 晚于今天" in result.stderr and "不能办理尚未到来的日期的事项" in result.stderr
    assert "year" not in result.stderr and "Traceback" not in result.stderr
    assert snapshot_files(tmp_path) == before
    assert run_cc("status", "--as-of", "2999-01-05", cwd=tmp_path).returncode == 0


def test_the_tool_repository_s_own_example_data_is_read_only(tmp_path):
    """The README's quick start leaves a new user in a checkout of this tool, whose data/ is found
    first: a write there is refused (it would dirty the checkout and conflict at the next git
    pull), as the bundled example is; reads and --dry-run work, and cc init's folder is writable."""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "chuangcheng-cli"\n', encoding="utf-8")
    (tmp_path / "src" / "chuangcheng_cli").mkdir(parents=True)
    (tmp_path / "src" / "chuangcheng_cli" / "__init__.py").write_text("", encoding="utf-8")
    copy_data(tmp_path)
    before = snapshot_files(tmp_path)
    args = ["log", "T09", "--unit", "人社局", "--percent", "90", "--note", "x", "--by", "范某某", "--as-of", "2023-12-30"]
    refused = run_cc(*args, cwd=tmp_path / "src")
    assert refused.returncode == 2 and "工具仓库自带的示例数据" in refused.stderr and "cc init" in refused.stderr
    assert snapshot_files(tmp_path) == before
    assert run_cc(*args, "--dry-run", cwd=tmp_path).returncode == 0
    assert run_cc("status", "--as-of", "2023-12-30", cwd=tmp_path).returncode == 0
    assert snapshot_files(tmp_path) == before
    mine = tmp_path.parent / (tmp_path.name + "-mine")
    mine.mkdir()
    copy_data(mine)
    assert run_cc(*args, cwd=mine).returncode == 0


def test_broken_journal_refuses_to_append_and_names_the_line(tmp_path):
    data = copy_data(tmp_path)
    with open(data / "journal.jsonl", "a", encoding="utf-8") as fh:
        fh.write('{"id": "broken"\n')
    before = snapshot_files(tmp_path)
    result = run_cc("log", "T09", "--unit", "人社局", "--percent", "90", "--note", "x", "--as-of", "2023-12-30",
                    cwd=tmp_path)
    assert result.returncode == 1
    lines = len((data / "journal.jsonl").read_text(encoding="utf-8").splitlines())
    assert f"data/journal.jsonl:{lines}:" in result.stderr and "journal-json" in result.stderr
    assert snapshot_files(tmp_path) == before


def test_bundled_data_is_read_only(tmp_path):
    result = run_cc("log", "T09", "--unit", "人社局", "--percent", "90", "--note", "x", cwd=tmp_path)
    assert result.returncode == 2 and "只读" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_write_outside_any_data_folder_says_where_it_looked(tmp_path):
    """cc log run in the wrong folder said only 内置示例数据是只读的 and to cc init: a liaison whose
    data folder exists elsewhere was not told that none was found here (a fresh-eyes try)."""
    result = run_cc("log", "T09", "--unit", "人社局", "--percent", "90", "--note", "x", "--as-of", "2023-12-30",
                    cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"错误：在当前目录（{tmp_path}）及其上级目录中找不到数据目录（含 data/tasklist.yaml 的目录），"
        "只找到内置示例数据，它是只读的，不能写入",
        "提示：已有数据目录（cc init 建的目录）的，请先 cd 到该目录再运行，或用 --data 指定它；还没有的，用 cc init 目录 新建。"]
    assert list(tmp_path.iterdir()) == []


def test_dry_run_writes_nothing(tmp_path):
    copy_data(tmp_path)
    before = snapshot_files(tmp_path)
    result = run_cc("notice", "人社局", "--dry-run", "--as-of", "2023-12-30", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "法治督〔2023〕5号" in result.stdout and '"kind":"escalate"' in result.stdout
    assert snapshot_files(tmp_path) == before


def test_existing_document_is_never_overwritten(tmp_path):
    copy_data(tmp_path)
    target = tmp_path / "notices" / "2023" / "法治督〔2023〕5号_市人力资源和社会保障局督办通知.docx"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"mine")
    result = run_cc("notice", "人社局", "--yes", "--as-of", "2023-12-30", cwd=tmp_path)
    assert result.returncode == 0, result.stderr  # a stray document never blocks a notice …
    assert target.read_bytes() == b"mine"  # … and is never overwritten: the new one takes another name
    assert (target.parent / "法治督〔2023〕5号_市人力资源和社会保障局督办通知（2）.docx").is_file()


def test_twenty_parallel_logs_leave_twenty_entries(tmp_path):
    data = copy_data(tmp_path)
    before = len(journal(data))
    procs = [subprocess.Popen([*cc_command(), "log", "T09", "--unit", "人社局", "--percent", "80",
                               "--note", f"并发报送{i}", "--as-of", "2023-12-30"],
                              cwd=tmp_path, env=cc_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for i in range(20)]
    codes = [p.wait(timeout=300) for p in procs]
    assert codes == [0] * 20
    entries = journal(data)
    assert len(entries) == before + 20
    assert sorted(e["note"] for e in entries[before:]) == sorted(f"并发报送{i}" for i in range(20))
    assert run_cc("validate", cwd=tmp_path).returncode == 0


def test_killed_log_leaves_a_valid_journal(tmp_path):
    """SIGKILL at varied moments: the journal holds the whole entry or none of it."""
    data = copy_data(tmp_path)
    original = (data / "journal.jsonl").read_bytes()
    for delay in (0.05, 0.2, 0.4, 0.6, 0.9, 1.3):
        proc = subprocess.Popen([*cc_command(), "log", "T09", "--unit", "人社局", "--percent", "80",
                                 "--note", "中途被杀" * 50, "--as-of", "2023-12-30"],
                                cwd=tmp_path, env=cc_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        content = (data / "journal.jsonl").read_bytes()
        assert content.startswith(original) and content.endswith(b"\n")
        for line in content[len(original):].splitlines():
            assert json.loads(line)["note"] == "中途被杀" * 50
        assert run_cc("validate", cwd=tmp_path).returncode == 0


def git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@e"})


@pytest.mark.skipif(shutil.which("git") is None, reason="没有安装 git")
def test_two_branches_appending_merge_without_conflict(tmp_path):
    data = copy_data(tmp_path)
    shutil.copy(Path(__file__).resolve().parents[1] / ".gitattributes", tmp_path / ".gitattributes")
    git("init", "-q", "-b", "main", cwd=tmp_path)
    git("add", "-A", cwd=tmp_path)
    git("commit", "-qm", "start", cwd=tmp_path)
    git("checkout", "-qb", "mzj", cwd=tmp_path)
    ok("log", "T09", "--unit", "人社局", "--percent", "82", "--note", "分支甲", "--as-of", "2023-12-30", cwd=tmp_path)
    git("commit", "-qam", "mzj", cwd=tmp_path)
    git("checkout", "-q", "main", cwd=tmp_path)
    ok("assign", "T09", "--unit", "住建局", "--section", "建筑市场监管科", "--person", "乙", "--as-of", "2023-12-30",
       cwd=tmp_path)
    git("commit", "-qam", "main", cwd=tmp_path)
    git("merge", "-q", "--no-edit", "mzj", cwd=tmp_path)
    notes = [e.get("note") for e in journal(data)]
    assert "分支甲" in notes and any(e.get("person") == "乙" for e in journal(data))
    assert ok("validate", cwd=tmp_path).returncode == 0


def test_validate_flags_a_line_duplicated_by_a_bad_merge(tmp_path):
    data = copy_data(tmp_path)
    lines = (data / "journal.jsonl").read_text(encoding="utf-8").splitlines()
    (data / "journal.jsonl").write_text("\n".join(lines + [lines[5]]) + "\n", encoding="utf-8")
    result = run_cc("validate", cwd=tmp_path)
    assert result.returncode == 1 and "duplicate-entry-id" in result.stdout


def test_a_multi_line_note_keeps_its_indent_in_history_and_show(tmp_path):
    copy_data(tmp_path)
    note = "第一行说明\n第二行说明比较长的一段文字，用来测试折行是否保持缩进，第二行说明比较长的一段文字"
    run = run_cc("log", "T13", "--unit", "民政局", "--percent", "70", "--note", note, "--by", "倪某某",
                 "--as-of", "2023-09-01", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    for args in (("history", "--task", "T13"), ("show", "T13")):
        out = run_cc(*args, "--as-of", "2023-12-30", cwd=tmp_path, COLUMNS="80").stdout
        at = out.splitlines().index("    报送进度70%：第一行说明")
        assert out.splitlines()[at + 1].startswith("    第二行说明"), out


def test_reprint_by_the_report_s_own_number_points_to_its_notice(tmp_path):
    result = run_cc("--data", str(DATA), "reprint", "法治督报〔2023〕1号", "--as-of", "2023-12-31", "-o", str(tmp_path),
                    cwd=tmp_path)
    assert result.returncode == 2 and "是报告市领导的文号" in result.stderr and "cc reprint 2023-4" in result.stderr
    assert not list(tmp_path.iterdir())


def test_reprint_leaves_out_a_voided_report_to_the_leaders(tmp_path):
    """Voiding a notice the 报告市领导 counted voids the report too; cc reprint of the notice that
    triggered it made the report again, counting the voided notice, as if it stood (a fairness
    review). Now the notice alone is made, and why the report is not is said; the report's own
    number is refused as voided, not as unknown."""
    data = copy_data(tmp_path)
    voided = run_cc("void", "法治督〔2023〕2号", "--reason", "发错对象", "--by", "周某某", "--as-of", "2023-12-31",
                    cwd=tmp_path)
    assert voided.returncode == 0 and "同时作废以该通知为依据的报告市领导记录" in voided.stdout, voided.stderr
    out = tmp_path / "out"
    again = run_cc("reprint", "2023-4", "--as-of", "2023-12-31", "-o", str(out), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert [p.name for p in out.iterdir()] == ["法治督〔2023〕4号_市人力资源和社会保障局督办通知.docx"]
    assert "报告市领导法治督报〔2023〕1号已于2023年12月31日作废" in again.stderr and "不再重新生成" in again.stderr
    preview = run_cc("reprint", "2023-4", "--dry-run", "--as-of", "2023-12-31", cwd=tmp_path)
    assert preview.returncode == 0 and "报告" not in preview.stdout.split("（演练，未写入）")[1]
    own = run_cc("reprint", "法治督报〔2023〕1号", "--as-of", "2023-12-31", cwd=tmp_path)
    assert own.returncode == 2 and "这份报告已于2023年12月31日作废" in own.stderr and "Traceback" not in own.stderr
    # a void corrects the record: as of a day before it too, the voided report is not made again
    earlier = run_cc("reprint", "2023-4", "--dry-run", "--as-of", "2023-12-30", cwd=tmp_path)
    assert earlier.stdout.count("（演练，未写入）") == 1 and "已于2023年12月31日作废" in earlier.stderr
    assert (data / "journal.jsonl").exists()



def test_a_backfilled_report_above_a_later_one_is_explained_as_such(tmp_path):
    """45% backfilled on 9月12日 goes before the 40% already reported on a later day: the refusal
    names the later line as the one it conflicts with, not the numbers the other way round
    (found by a fresh-eyes try)."""
    from helpers import copy_data, run_cc, snapshot_files

    copy_data(tmp_path)
    before = snapshot_files(tmp_path)
    result = run_cc("log", "T09", "--unit", "人社局", "--percent", "45", "--note", "补登", "--by", "范某某",
                    "--as-of", "2023-09-12", cwd=tmp_path)
    assert result.returncode == 2 and "补登的这条记录与日志中其后已有的记录冲突：日志第" in result.stderr, result.stderr
    assert "进度 40% 低于上次报送的 45%" in result.stderr and "未写入任何内容" in result.stderr
    # the earlier report is this refused one: named as such, not by an id never written
    assert "（2023年9月12日，即本次要写入的这条）" in result.stderr and "记录 2023" not in result.stderr
    assert "--correct" in result.stderr
    assert snapshot_files(tmp_path) == before


def test_a_command_run_twice_records_once(tmp_path):
    """The same cc problem add, cc log or cc reply run twice the same day (a retry, a double click)
    counted twice: two problems overdue in the score (found by a fresh-eyes try). The second is
    refused naming the first; anything different is recorded."""
    from helpers import copy_data, run_cc, snapshot_files

    copy_data(tmp_path)
    day = ["--as-of", "2023-12-30"]
    commands = [
        ["problem", "add", "--unit", "总工会", "--source", "督查", "--place", "职工服务中心", "--desc", "未公示维权热线",
         "--days", "5", *day],
        ["log", "T09", "--unit", "人社局", "--percent", "90", "--note", "推进中", "--by", "范某某", *day],
        ["reply", "4", "--note", "已整改到位", "--by", "范某某", *day],
    ]
    for args in commands:
        assert run_cc(*args, cwd=tmp_path).returncode == 0
        before = snapshot_files(tmp_path)
        again = run_cc(*args, cwd=tmp_path)
        assert again.returncode == 1 and "未重复登记" in again.stderr, (args, again.stderr)
        assert snapshot_files(tmp_path) == before
    different = run_cc("log", "T09", "--unit", "人社局", "--percent", "90", "--note", "推进中，补充台账", "--by", "范某某",
                       *day, cwd=tmp_path)
    assert different.returncode == 0, different.stderr
    # sent back, the same words may come again: a new round, not a repeat
    assert run_cc("reject", "4", "--note", "台账不全", *day, cwd=tmp_path).returncode == 0
    again = run_cc("reply", "4", "--note", "已整改到位", "--by", "范某某", *day, cwd=tmp_path)
    assert again.returncode == 0, again.stderr


def test_a_reopen_deadline_moved_off_a_rest_day_is_called_the_reopen_deadline(tmp_path):
    """cc reopen's default 重办期限 falls on a Saturday and moves on: the note names it 重办期限,
    not 整改期限 (the deadlines module words its note for a 整改期限; found by a new user)."""
    from helpers import cc_ok, copy_data

    copy_data(tmp_path)
    out = cc_ok(tmp_path, "reopen", "T14", "--reason", "材料不全", "--by", "周某某", "--as-of", "2023-12-20").stdout
    assert "重办期限2024年1月2日（2023年12月30日为休息日，重办期限顺延至2024年1月2日）" in out


def test_a_reopen_well_before_the_deadline_says_which_deadline_the_task_is_held_to(tmp_path):
    """T04 sent back on 7月7日 with its 完成时限 2023年9月30日 (moved to 10月7日): the default
    重办期限 7月17日 counts for nothing (rules.rework_deadline: the later one stands), yet the trail
    said 重办期限2023年7月17日 while cc reopen said 10月7日 (found by a fresh-eyes try). The record
    keeps what was given (a later void of an earlier reopen is judged against it); the trail says
    it is overruled, and cc reopen says so of one given so."""
    import json

    from helpers import cc_ok, early_copy

    early_copy(tmp_path, "2023-07-01")
    day = ("--as-of", "2023-07-07")
    cc_ok(tmp_path, "log", "T04", "--unit", "司法局", "--percent", "100", "--note", "三大平台全部建成", "--by", "吴某某",
          "--as-of", "2023-07-05")
    dry = cc_ok(tmp_path, "reopen", "T04", "--reason", "拨测发现热线夜间无人接听", "--deadline", "2023-07-20",
                "--by", "周某某", "--dry-run", *day).stdout
    assert ("须在2023年10月7日前重新报办结（完成时限2023年9月30日为休息日，顺延至此；所给重办期限2023年7月20日"
            "早于完成时限2023年10月7日（顺延后），按完成时限）") in dry
    out = cc_ok(tmp_path, "reopen", "T04", "--reason", "拨测发现热线夜间无人接听", "--by", "周某某", *day).stdout
    assert "须在2023年10月7日前重新报办结（完成时限2023年9月30日为休息日，顺延至此）" in out and "7月17日" not in out
    journal = tmp_path / "data" / "journal.jsonl"
    assert json.loads(journal.read_text(encoding="utf-8").splitlines()[-1])["deadline"] == "2023-07-17"
    trail = "".join(cc_ok(tmp_path, "history", "--task", "T04", "--kind", "reopen", *day).stdout.split())
    assert ("重办期限2023年7月17日（早于完成时限，按完成时限：2023年9月30日为休息日，顺延至2023年10月7日）"
            "：拨测发现热线夜间无人接听") in trail
    row = next(t for t in json.loads(cc_ok(tmp_path, "status", "--json", "--as-of", "2023-07-20").stdout)["tasks"]
               if t["id"] == "T04")
    assert row["light"] != "red"


def test_a_report_to_the_leaders_is_voided_by_its_own_number(tmp_path):
    """cc reprint knew 法治督报〔2023〕1号, cc void said 找不到记录 (a hostile-input try): the report's
    own 文号 names its record for a void too."""
    copy_data(tmp_path)
    done = run_cc("void", "法治督报〔2023〕1号", "--reason", "报告有误", "--by", "周某某", "--as-of", "2023-12-31",
                  "--dry-run", cwd=tmp_path)
    assert done.returncode == 0 and "被作废的记录：2023年10月16日 市人力资源和社会保障局 累计督办3次，报告市领导" in done.stdout


def test_entry_ids_never_repeat_within_a_command_and_have_48_random_bits(monkeypatch):
    """An import of 3,000 rows minted two equal ids about once in 1,500 imports (32 random bits;
    one in ten at 30,000 rows) and was refused as a duplicated record: ids now carry 48 bits, and
    a command never gives one it gave already, even when the random source repeats itself."""
    import datetime as dt
    import re

    from chuangcheng_cli.domain import workflow

    day = dt.date(2023, 11, 21)
    made = workflow.new_entry_id(day)
    assert re.fullmatch(r"20231121-[0-9a-f]{12}", made)
    draws = iter(["aaaaaaaaaaaa", "aaaaaaaaaaaa", "bbbbbbbbbbbb", "aaaaaaaaaaaa", "bbbbbbbbbbbb", "cccccccccccc"])
    monkeypatch.setattr(workflow.secrets, "token_hex", lambda n: next(draws))
    monkeypatch.setattr(workflow, "_MINTED", set())
    assert [workflow.new_entry_id(day) for _ in range(3)] == [
        "20231121-aaaaaaaaaaaa", "20231121-bbbbbbbbbbbb", "20231121-cccccccccccc"]


def test_a_lower_percent_is_refused_with_each_way_to_mend_it(tmp_path):
    """A percent below the last report: this one mistyped, the last one wrong (void it, as the
    README's table of corrections says), or a real step back (--correct); a fresh-eyes try was
    shown only the last."""
    from helpers import copy_data, run_cc, snapshot_files

    copy_data(tmp_path)
    before = snapshot_files(tmp_path)
    result = run_cc("log", "T09", "--unit", "人社局", "--percent", "8", "--note", "推进中", "--by", "范某某",
                    "--as-of", "2023-12-31", cwd=tmp_path)
    text = result.stderr.replace("\n", "")
    assert result.returncode == 2 and "低于上次报送的" in text, text
    assert "改正后重新运行" in text and "cc history --task T09" in text and 'cc void <id> --reason "进度填错"' in text
    assert '--correct "更正原因"' in text
    assert snapshot_files(tmp_path) == before



def test_a_voided_progress_report_says_how_to_report_again(tmp_path):
    """A progress report voided (进度填错): the output names the cc log that reports it again, as a
    voided notice's names cc notice (a fresh-eyes try was left without a next step)."""
    from helpers import cc_ok, copy_data

    copy_data(tmp_path)
    cc_ok(tmp_path, "log", "T09", "--unit", "人社局", "--percent", "85", "--note", "推进中", "--by", "范某某",
          "--as-of", "2023-12-31")
    lines = (tmp_path / "data" / "journal.jsonl").read_text(encoding="utf-8").splitlines()
    last = json.loads(lines[-1])["id"]
    out = cc_ok(tmp_path, "void", last, "--reason", "进度填错", "--by", "范某某", "--as-of", "2023-12-31").stdout
    assert "如需重新报送：cc log T09 --unit 人社局 --percent … --note …" in out, out


def test_after_a_reopen_a_lower_percent_is_the_task_s_state_not_a_correction(tmp_path):
    """A task sent back from 100% is not 100% done: the unit's next report (95%) was refused as
    进度下调 and wanted --correct, or the void of the 100% report that the 验收 rests on (a
    fresh-eyes try). The first report after a reopen may be lower; the one after it is held to it,
    and validate agrees with both."""
    from helpers import cc_ok, early_copy

    early_copy(tmp_path, "2023-07-01")
    cc_ok(tmp_path, "log", "T04", "--unit", "司法局", "--percent", "100", "--note", "三大平台全部建成", "--by", "吴某某",
          "--as-of", "2023-07-05")
    cc_ok(tmp_path, "verify", "T04", "--note", "台账齐全", "--by", "周某某", "--as-of", "2023-07-06")
    cc_ok(tmp_path, "reopen", "T04", "--reason", "拨测发现热线夜间无人接听", "--by", "周某某", "--as-of", "2023-07-07")
    lower = cc_ok(tmp_path, "log", "T04", "--unit", "司法局", "--percent", "95", "--note", "夜间值守整改中", "--by", "吴某某",
                  "--as-of", "2023-07-10")
    assert "报送进度 95%" in lower.stdout, lower.stdout
    again = run_cc("log", "T04", "--unit", "司法局", "--percent", "90", "--note", "又下调", "--by", "吴某某",
                   "--as-of", "2023-07-11", cwd=tmp_path)
    assert again.returncode == 2 and "进度 90% 低于上次报送的 95%" in again.stderr, again.stderr
    checked = run_cc("validate", "--strict", cwd=tmp_path)
    assert checked.returncode == 0 and "progress-decrease" not in checked.stdout, checked.stdout


def test_the_same_assignment_twice_is_refused_not_written_again(tmp_path):
    """cc assign run twice wrote the same 分解 twice (a fresh-eyes try), where log, reply and
    problem add refuse a repeat. A change of 责任人 is a new assignment; the same one is refused."""
    copy_data(tmp_path)
    args = ("assign", "T09", "--unit", "住建局", "--section", "建筑市场监管科", "--person", "唐某某", "--by", "周某某",
            "--as-of", "2023-12-30")
    assert run_cc(*args, cwd=tmp_path).returncode == 0
    before = snapshot_files(tmp_path)
    again = run_cc(*args, cwd=tmp_path)
    assert again.returncode == 1 and "已分解到建筑市场监管科，责任人唐某某" in again.stderr, again.stderr
    assert "与这次相同，未重复登记" in again.stderr and snapshot_files(tmp_path) == before
    changed = run_cc(*args[:7], "李某", *args[8:], cwd=tmp_path)
    assert changed.returncode == 0 and "责任人 李某" in changed.stdout, changed.stderr


def test_a_dry_run_on_read_only_example_data_says_the_real_run_will_be_refused(tmp_path):
    """--dry-run on the tool repository's data (or the built-in example) previewed the record and
    exited 0, and the same command without --dry-run was refused: the preview now says so."""
    from helpers import REPO

    args = ("log", "T09", "--unit", "人社局", "--percent", "90", "--note", "演练", "--by", "范某某",
            "--as-of", "2023-12-31", "--dry-run")
    for where, said in ((REPO, "工具仓库自带的 data"), (tmp_path, "内置示例")):
        before = snapshot_files(REPO / "data")
        dry = run_cc(*args, cwd=where)
        assert dry.returncode == 0 and "（演练，未写入）" in dry.stdout, dry.stderr
        assert f"注意：这是只读的示例数据（{said}），去掉 --dry-run 正式运行会被拒绝" in dry.stderr, dry.stderr
        assert snapshot_files(REPO / "data") == before
    mine = copy_data(tmp_path / "mine")
    dry = run_cc(*args, "--data", str(mine), cwd=tmp_path)
    assert dry.returncode == 0 and "注意" not in dry.stderr
