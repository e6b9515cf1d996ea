"""Twenty units working on their own git branches: union merges of the journal lose nothing, duplicate
nothing, conflict nowhere, and the merged status is the replay of all entries (sorted by date, at)."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from chuangcheng_cli.store import checks, journal as journal_mod
from chuangcheng_cli.reports import rows as reports
from chuangcheng_cli.domain import rules, workflow
from helpers import REPO, copy_data, run_cc

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="没有安装 git")

CACHE: dict[str, str] = {}  # the environment of every cc run (set per test: with or without the cache)
AS_OF = "2023-12-31"
DAY = dt.date(2023, 12, 31)
CST = dt.timezone(dt.timedelta(hours=8))


def git(*args, cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@e", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env)
    if check:
        assert result.returncode == 0, f"git {' '.join(args)}: {result.stdout}{result.stderr}"
    return result


def ok(*args, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    result = run_cc(*args, cwd=cwd, **{**CACHE, **env})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    return result


def journal_lines(data: Path) -> list[str]:
    return [ln for ln in (data / "journal.jsonl").read_text(encoding="utf-8").split("\n") if ln]


def start_repo(tmp_path: Path) -> Path:
    data = copy_data(tmp_path)
    shutil.copy(REPO / ".gitattributes", tmp_path / ".gitattributes")
    git("init", "-q", "-b", "main", cwd=tmp_path)
    return data


def reopen_done_tasks(data: Path) -> None:
    """Base commit setup: the lead unit sends every verified task back (退回重办) and each lead reports a
    corrected 50%, so that every unit has an open task to report on at 2023-12-31."""
    project, _ = checks.load_checked(data)
    snap = rules.snapshot(project, DAY)
    lines = []
    at = dt.datetime(2023, 12, 31, 8, 0, tzinfo=CST)
    for st in snap.tasks:
        if not st.done:
            continue
        # written as documented in the README (journal.jsonl), then checked below
        for kind, fields in (("reopen", {"reason": "年终复核：台账材料不全，退回重办"}),
                             ("progress", {"unit": st.task.lead, "percent": 50, "note": "按复核意见重新核定进度",
                                           "correction": "退回重办后重新核定"})):
            at += dt.timedelta(minutes=1)
            lines.append(json.dumps({"id": workflow.new_entry_id(DAY), "kind": kind, "date": DAY.isoformat(),
                                     "at": at.isoformat(), "by": "周某某", "task": st.task.id, **fields},
                                    ensure_ascii=False, separators=(",", ":")))
    with open(data / "journal.jsonl", "a", encoding="utf-8") as fh:
        fh.write("".join(line + "\n" for line in lines))
    checked = checks.check_folder(data)
    assert checked.errors == [], checked.errors


def current_percents(cwd: Path) -> dict[str, int]:
    doc = json.loads(ok("status", "--json", "--as-of", AS_OF, cwd=cwd).stdout)
    assert not [t for t in doc["tasks"] if t["light"] == "done"]
    return {t["id"]: t["percent"] for t in doc["tasks"]}


def status_from_library(data: Path) -> dict:
    project, _warnings = checks.load_checked(data)
    snap = rules.snapshot(project, DAY)
    rows = reports.status_rows(snap)
    return json.loads(json.dumps({"summary": reports.status_summary(snap, rows), "tasks": rows},
                                 ensure_ascii=False))


@pytest.fixture(params=["no-cache", "cache"])
def cache_mode(request, tmp_path, monkeypatch):
    """Without the cache, and with one cache shared by every branch (journal indexes keyed by the
    plan, so an index made on one branch meets the journal of another, and the merged one)."""
    env = {}
    if request.param == "cache":
        env = {"CC_NO_CACHE": "", "CC_CACHE_DIR": str(tmp_path.with_name(tmp_path.name + "-cache")),
               "CC_INDEX_MIN_BYTES": "0"}  # the index, even on this small journal
    monkeypatch.setitem(globals(), "CACHE", env)
    return request.param


def test_twenty_branches_merge_cleanly_and_status_is_the_replay(tmp_path, cache_mode):
    data = start_repo(tmp_path)
    reopen_done_tasks(data)
    git("add", "-A", cwd=tmp_path)
    git("commit", "-qm", "base", cwd=tmp_path)
    git("tag", "base", cwd=tmp_path)
    base_lines = journal_lines(data)

    project, _ = checks.load_checked(data)
    percent = current_percents(tmp_path)
    units = project.units
    assert len(units) == 20
    added: dict[str, list[str]] = {}
    last_reported: dict[str, int] = {}
    main_added: list[str] = []

    for n, unit in enumerate(units):
        if n == len(units) // 2:
            # meanwhile on main: the lead unit (市司法局) issues a 督办通知 to the lagging 人社局
            git("checkout", "-q", "main", cwd=tmp_path)
            out = ok("notice", "人社局", "--yes", "--as-of", AS_OF, "--by", "周某某", cwd=tmp_path).stdout
            assert "法治督〔2023〕5号" in out
            main_added = journal_lines(data)[len(base_lines):]
            assert [json.loads(ln)["kind"] for ln in main_added] == ["notice", "escalate"]
            git("add", "-A", cwd=tmp_path)
            git("commit", "-qm", "notice 5", cwd=tmp_path)
        git("checkout", "-q", "-b", f"unit-{unit.id}", "base", cwd=tmp_path)
        led = [t.id for t in project.plan.tasks if t.lead == unit.id]
        name = unit.short_names[0] if unit.short_names else unit.name
        if led:  # a lead unit reports progress on its tasks
            for k, task in enumerate([led[0], led[1 % len(led)]]):
                # percents rise with every report on a task, across all branches, in recording order
                percent[task] += 1
                last_reported[task] = percent[task]
                ok("log", task, "--unit", name, "--percent", str(percent[task]),
                   "--note", f"{unit.name}第{k + 1}次报送（{task}）", "--as-of", AS_OF, cwd=tmp_path)
        else:  # a co-unit reports through the lead, and records its own 责任科室/责任人
            task = next(t.id for t in project.plan.tasks if unit.id in t.co_units)
            for k, section in enumerate([unit.sections[0], unit.sections[-1]]):
                ok("assign", task, "--unit", name, "--section", section.name, "--person", f"联络人{k + 1}",
                   "--as-of", AS_OF, cwd=tmp_path)
        lines = journal_lines(data)
        assert lines[: len(base_lines)] == base_lines
        added[unit.id] = lines[len(base_lines):]
        assert len(added[unit.id]) == 2
        git("commit", "-qam", f"{unit.id} reports", cwd=tmp_path)

    git("checkout", "-q", "main", cwd=tmp_path)
    order = list(added)
    random.Random(20231231).shuffle(order)  # merge order differs from recording order
    for branch in order:
        result = git("merge", "--no-edit", f"unit-{branch}", cwd=tmp_path, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
        assert git("diff", "--name-only", "--diff-filter=U", cwd=tmp_path).stdout == ""
        assert "<<<<<<<" not in (data / "journal.jsonl").read_text(encoding="utf-8")

    merged = journal_lines(data)
    ids = Counter(json.loads(ln)["id"] for ln in merged)
    assert [i for i, c in ids.items() if c > 1] == []
    expected_lines = base_lines + main_added + [ln for lines in added.values() for ln in lines]
    assert sorted(merged) == sorted(expected_lines)  # every entry, byte for byte, exactly once
    assert merged[: len(base_lines)] == base_lines
    # the union merge left entries out of recording order in the file: only sorting by (date, at)
    # makes the status right, which is what this test is about (each task has one reporting unit,
    # its lead, so per-task order is kept; the branches' entries interleave as a whole)
    recorded = [json.loads(ln)["at"] for ln in merged[len(base_lines):]]
    assert recorded != sorted(recorded)

    validate = ok("validate", cwd=tmp_path)
    assert "数据校验通过" in validate.stdout

    cli = json.loads(ok("status", "--json", "--as-of", AS_OF, cwd=tmp_path).stdout)
    assert cli == status_from_library(data)
    by_task = {t["id"]: t for t in cli["tasks"]}
    assert {t: by_task[t]["percent"] for t in last_reported} == last_reported
    assert by_task["T09"]["notice_count"] == 4 and by_task["T09"]["escalated"]

    # and work goes on after the merges: one more report, then a clean journal
    task = next(iter(last_reported))
    ok("log", task, "--unit", project.task(task).lead, "--percent", str(last_reported[task] + 1),
       "--note", "合并后继续报送", "--as-of", AS_OF, cwd=tmp_path)
    assert "数据校验通过" in ok("validate", cwd=tmp_path).stdout


def test_same_task_reported_on_two_branches_fails_validation_after_a_clean_merge(tmp_path):
    """Documents a limit of merge=union (see the report): two branches each report T09 from the
    same base, the later-recorded one with a lower percent.  Each branch validates; git merges
    without conflict; the merged journal has a progress-decrease. Reads go on without that entry
    and say so; validate names it; cc void takes it back (a command, not a hand edit)."""
    data = start_repo(tmp_path)
    git("add", "-A", cwd=tmp_path)
    git("commit", "-qm", "base", cwd=tmp_path)
    git("checkout", "-q", "-b", "rsj", cwd=tmp_path)
    ok("log", "T09", "--unit", "人社局", "--percent", "90", "--note", "人社局：欠薪线索基本清零", "--as-of", AS_OF,
       cwd=tmp_path)
    git("commit", "-qam", "rsj", cwd=tmp_path)
    git("checkout", "-q", "main", cwd=tmp_path)
    git("checkout", "-q", "-b", "zjj", cwd=tmp_path)
    ok("log", "T09", "--unit", "人社局", "--percent", "85", "--note", "住建局：工程项目欠薪排查完毕", "--as-of", AS_OF,
       cwd=tmp_path)  # recorded later than the 90% on the other branch, by a colleague of the same unit
    assert ok("validate", cwd=tmp_path).returncode == 0
    git("commit", "-qam", "zjj", cwd=tmp_path)
    git("checkout", "-q", "main", cwd=tmp_path)
    for branch in ("zjj", "rsj"):
        assert git("merge", "--no-edit", branch, cwd=tmp_path, check=False).returncode == 0

    lines = journal_lines(data)
    zjj_line = next(n for n, ln in enumerate(lines, 1) if "住建局：工程项目欠薪排查完毕" in ln)
    result = run_cc("validate", cwd=tmp_path)
    assert result.returncode == 1
    assert f"data/journal.jsonl:{zjj_line}:" in result.stdout and "[progress-decrease]" in result.stdout
    # …reads still run on the rest, with one warning block
    read = run_cc("status", "--as-of", AS_OF, cwd=tmp_path)
    assert read.returncode == 0 and "1 条记录未计入" in read.stderr
    assert "Traceback" not in read.stderr
    assert run_cc("status", "--strict", "--as-of", AS_OF, cwd=tmp_path).returncode == 1
    # …and the fix is a command: void the lower report, then report again with --correct if needed
    zjj_id = json.loads(lines[zjj_line - 1])["id"]
    ok("void", zjj_id, "--reason", "两个分支重复报送，以90%为准", "--as-of", AS_OF, cwd=tmp_path)
    assert "数据校验通过" in ok("validate", cwd=tmp_path).stdout


def _issued_on_two_branches(tmp_path, second: tuple[str, ...]) -> tuple[Path, bytes, bytes, bytes]:
    """The early data; 人社局 noticed on 7月3日 on one branch, `second` (a notice command's
    arguments) on another that had neither that line nor its documents: (journal, the lines
    before, the first's line, the second's line), the journal left as it was before both."""
    import shutil

    from helpers import cc_ok, early_copy

    early_copy(tmp_path, "2023-07-01")
    journal = tmp_path / "data" / "journal.jsonl"
    start = journal.read_bytes()
    cc_ok(tmp_path, "notice", "人社局", "--as-of", "2023-07-03")
    first = journal.read_bytes()[len(start):]
    journal.write_bytes(start)
    shutil.rmtree(tmp_path / "notices")  # the other branch has none of the first's files
    cc_ok(tmp_path, "notice", *second)
    two = journal.read_bytes()[len(start):]
    journal.write_bytes(start)
    return journal, start, first, two


def test_a_number_issued_twice_on_two_branches_names_the_notice_nothing_depends_on(tmp_path):
    """Two clerks each issued 法治督〔2023〕N号 (merged afterwards); the unit of the one issued first
    replied. cc validate named the first in the file to void, already answered: voiding it left
    the reply pointing at the other notice, and every unit's writes refused (a fresh-eyes try).
    It names the unanswered one; the reply is no error while the number is doubled; and a reply
    whose notice was voided by mistake says how to undo it."""
    import json

    from helpers import cc_ok, run_cc

    journal, start, first, second = _issued_on_two_branches(
        tmp_path, ("民政局", "--reason", "工作台账不全", "--as-of", "2023-07-04"))
    reply = {"id": "20230705-aaaa0001", "kind": "reply", "date": "2023-07-05", "at": "2023-07-05T09:00:00+08:00",
             "by": "范某某", "notice": json.loads(first)["year"] and f"2023-{json.loads(first)['number']}",
             "unit": "rsj", "note": "已整改"}
    # the merge: the later notice first in the file (who merged decides the order)
    journal.write_bytes(start + second + first + json.dumps(reply, ensure_ascii=False).encode() + b"\n")
    out = cc_ok(tmp_path, "validate", code=1).stdout
    later_id, first_id = json.loads(second)["id"], json.loads(first)["id"]
    assert "[duplicate-notice-number]" in out and "reply-wrong-unit" not in out
    assert f"另一份已有市人力资源和社会保障局的整改反馈，请作废没有反馈的这一份（发给市民政局" in out
    assert f"cc void {later_id}" in out and f"cc void {first_id}" not in out
    wrong = run_cc("void", first_id, "--reason", "编号重复", "--as-of", "2023-07-05", cwd=tmp_path)
    assert wrong.returncode != 0, wrong.stdout
    assert "将不再成立" in wrong.stderr  # the answered one: refused, nothing written
    cc_ok(tmp_path, "void", later_id, "--reason", "编号重复", "--as-of", "2023-07-05")
    cc_ok(tmp_path, "validate")
    # voided by hand all the same (a void line merged in): the reply says how to undo it
    lines = journal.read_text(encoding="utf-8").splitlines()
    void = json.loads(lines[-1])
    lines[-1] = json.dumps({**void, "id": "20230705-bbbb0002", "entry": first_id}, ensure_ascii=False)
    lines.append(json.dumps({**void, "id": "20230705-bbbb0003", "entry": "20230705-bbbb0002"}, ensure_ascii=False))
    journal.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    out = cc_ok(tmp_path, "validate", code=1).stdout
    assert "[reply-wrong-unit]" in out and "这条反馈是对它的" in out and f"cc void {later_id}" in out


def test_voiding_one_of_two_notices_of_one_file_keeps_the_other_s_document(tmp_path):
    """One number issued twice to one unit on two branches: both notices name one .docx, and git
    kept one side's. cc void of one told the clerk to delete the file the notice in force uses
    (a fresh-eyes try); it says to keep it, move it away and reprint the notice in force."""
    import json

    from helpers import cc_ok

    journal, start, first, second = _issued_on_two_branches(
        tmp_path, ("人社局", "--reason", "台账不全", "--as-of", "2023-07-04"))
    journal.write_bytes(start + first + second)
    assert json.loads(first)["file"] == json.loads(second)["file"]
    said = cc_ok(tmp_path, "validate", code=1).stdout
    assert "两份发给的是同一单位，作废一份即可，不必重新发文" in said and "重新发文（取下一个编号" not in said
    done = cc_ok(tmp_path, "void", json.loads(second)["id"], "--reason", "编号重复", "--as-of", "2023-07-05").stdout
    assert "已生成的文书随之作废" not in done
    assert "也是仍然有效的 法治督〔2023〕1号 的文件，不要删除" in done and "cc reprint 2023-1" in done
    # the file git kept is the voided one's: said until the notice in force is printed again, and
    # then no more (it stood for good, and CI with --strict stayed red: a fresh-eyes try)
    document = tmp_path / json.loads(first)["file"]
    checked = cc_ok(tmp_path, "validate", "--strict", code=1).stdout
    assert "[document-shared]" in checked
    document.rename(tmp_path / "moved.docx")
    cc_ok(tmp_path, "reprint", "2023-1")
    assert "[document-shared]" not in cc_ok(tmp_path, "validate", "--strict").stdout


def test_a_number_issued_twice_and_answered_twice_names_both_voids(tmp_path):
    """Both notices of a doubled number answered by their units: the hint named the later notice
    to void, which cc void refused while its unit's reply stood (a review found it): the hint
    names that reply's void first, and following it leaves the record valid."""
    from helpers import cc_ok

    journal, start, first, second = _issued_on_two_branches(
        tmp_path, ("民政局", "--reason", "工作台账不全", "--as-of", "2023-07-04"))
    number = json.loads(first)["number"]
    replies = [{"id": f"20230705-aaaa000{n}", "kind": "reply", "date": "2023-07-05", "at": "2023-07-05T09:00:00+08:00",
                "by": by, "notice": f"2023-{number}", "unit": unit, "note": "已整改"}
               for n, (by, unit) in enumerate((("范某某", "rsj"), ("贺某某", "mzj")), 1)]
    journal.write_bytes(start + first + second
                        + b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in replies))
    out = "".join(cc_ok(tmp_path, "validate", code=1).stdout.split())
    later_id = json.loads(second)["id"]
    assert f'先作废其单位对它的整改反馈（ccvoid20230705-aaaa0002--reason"编号重复"），再ccvoid{later_id}' in out
    cc_ok(tmp_path, "void", "20230705-aaaa0002", "--reason", "编号重复", "--as-of", "2023-07-06")
    cc_ok(tmp_path, "void", later_id, "--reason", "编号重复", "--as-of", "2023-07-06")
    cc_ok(tmp_path, "validate")


def test_two_branches_noticing_one_unit_name_the_unanswered_notice_to_void(tmp_path):
    """Two clerks noticed one unit on two branches (two numbers); its unit replied to the later.
    cc validate names the earlier, unanswered one to void; voiding the answered one as well is
    not silent: the unit would be late on the other (a fresh-eyes try)."""
    import json

    from helpers import cc_ok

    journal, start, first, second = _issued_on_two_branches(
        tmp_path, ("人社局", "--reason", "台账不全", "--as-of", "2023-07-04"))
    other = json.loads(second)
    other.update(number=other["number"] + 5, doc_no=other["doc_no"].replace(f"〕{other['number']}号", f"〕{other['number'] + 5}号"))
    reply = {"id": "20230706-aaaa0001", "kind": "reply", "date": "2023-07-06", "at": "2023-07-06T09:00:00+08:00",
             "by": "范某某", "notice": f"2023-{other['number']}", "unit": "rsj", "note": "已整改。"}
    journal.write_bytes(start + first + (json.dumps(other, ensure_ascii=False) + "\n").encode()
                        + (json.dumps(reply, ensure_ascii=False) + "\n").encode())
    said = cc_ok(tmp_path, "validate").stdout
    first_id = json.loads(first)["id"]
    assert "[notice-while-open]" in said and f"请作废没有反馈的 {json.loads(first)['doc_no']}：cc void {first_id}" in said
    done = cc_ok(tmp_path, "void", other["id"], "--reason", "重复督办", "--as-of", "2023-07-07").stdout
    assert "已对这份通知作出整改反馈" in done and "将按整改期限计逾期" in done and "作废错了" in done
