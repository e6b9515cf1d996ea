"""SIGKILL at random moments: the journal keeps the whole entry or none of it, no half-written
.docx ever appears under its final name, and a document never exists without its record (the
record is written first; `cc reprint` makes any document the kill prevented)."""

from __future__ import annotations

import json
import random
import re
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest

from chuangcheng_cli.store import checks
from chuangcheng_cli.diagnostics import render_text
from helpers import cc_command, cc_env, copy_data, run_cc, snapshot_files

AS_OF = "2023-12-31"
NOTICE_NAME = "法治督〔2023〕5号_市人力资源和社会保障局督办通知.docx"
REPORT_NAME = "法治督报〔2023〕2号_关于市人力资源和社会保障局创城工作督办情况的报告.docx"
NOTICE = ["notice", "人社局", "--yes", "--as-of", AS_OF]
TEMP_NAME = re.compile(r"^\..+\.docx\.[0-9a-f]{8}\.tmp$")


def assert_journal_clean(repo: Path) -> None:
    checked = checks.check_folder(repo / "data", repo)
    assert checked.errors == [], render_text(checked.errors)


def added_entries(before: bytes, after: bytes) -> list[dict]:
    """The entries appended to a journal that held `before`; it must still start with those bytes."""
    assert after.startswith(before), "the journal was rewritten, not appended to"
    tail = after[len(before):]
    assert tail == b"" or tail.endswith(b"\n"), f"a partial line was left: {tail[-200:]!r}"
    return [json.loads(line) for line in tail.decode("utf-8").splitlines()]


def kill_after(args: list[str], cwd: Path, delay: float) -> int | None:
    """Start cc, SIGKILL it after delay seconds; the exit code if it finished first."""
    proc = subprocess.Popen([*cc_command(), *args], cwd=cwd, env=cc_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        return proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return None


def timed_run(args: list[str], cwd: Path) -> float:
    started = time.monotonic()
    result = run_cc(*args, cwd=cwd)
    assert result.returncode == 0, result.stdout + result.stderr
    return time.monotonic() - started


def kill_delays(rng: random.Random, duration: float, count: int) -> list[float]:
    """A third anywhere in the run, the rest in its second half where the writing happens."""
    return [duration * (rng.uniform(0, 1.05) if i % 3 == 0 else rng.uniform(0.5, 1.05)) for i in range(count)]


def test_killed_log_leaves_the_whole_entry_or_none(tmp_path):
    copy_data(tmp_path)
    journal = tmp_path / "data" / "journal.jsonl"
    rng = random.Random(20231231)
    note = "中途被杀的进度报送" * 200  # a long line: one write, or nothing

    def args(i: int) -> list[str]:
        return ["log", "T09", "--unit", "人社局", "--percent", str(81 + i // 3), "--note", f"{i}:{note}",
                "--as-of", AS_OF]

    before = journal.read_bytes()
    duration = timed_run(args(0), tmp_path)  # calibration run, to spread the kills over a real run
    assert [e["note"] for e in added_entries(before, journal.read_bytes())] == [f"0:{note}"]
    outcomes = []
    for i, delay in enumerate(kill_delays(rng, duration, 25), start=1):
        before = journal.read_bytes()
        code = kill_after(args(i), tmp_path, delay)
        entries = added_entries(before, journal.read_bytes())
        assert len(entries) <= 1
        for entry in entries:
            assert entry["kind"] == "progress" and entry["note"] == f"{i}:{note}"
            assert entry["percent"] == 81 + i // 3 and entry["unit"] == "rsj"
        if code is not None:
            assert code == 0 and len(entries) == 1
        outcomes.append("done" if code is not None else f"killed-{len(entries)}")
        assert_journal_clean(tmp_path)
    assert run_cc("validate", cwd=tmp_path).returncode == 0
    assert "killed-0" in outcomes, outcomes  # some kills did land before the write


def docx_opens(path: Path) -> None:
    import docx

    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "市人力资源和社会保障局" in text and "2023年12月31日" in text


def check_notice_folder(repo: Path, original: bytes, leftovers: list[str]) -> tuple[list[dict], list[str]]:
    """After a (killed) `cc notice`: journal whole-or-nothing, every .docx readable; returns (entries, docx names)."""
    entries = added_entries(original, (repo / "data" / "journal.jsonl").read_bytes())
    assert [e["kind"] for e in entries] in ([], ["notice", "escalate"])
    if entries:
        assert entries[0]["doc_no"] == "法治督〔2023〕5号" and entries[1]["notices"][-1] == "2023-5"
    folder = repo / "notices" / "2023"
    names = sorted(p.name for p in folder.iterdir()) if folder.exists() else []
    docs = [n for n in names if n.endswith(".docx")]
    assert set(docs) <= {NOTICE_NAME, REPORT_NAME}, names
    for name in docs:
        docx_opens(folder / name)
    temps = [n for n in names if not n.endswith(".docx")]
    assert all(TEMP_NAME.match(n) for n in temps), temps
    leftovers.extend(temps)
    if docs:
        assert entries  # the record is written before its documents
    assert_journal_clean(repo)
    return entries, docs


def test_killed_notice_leaves_no_broken_document(tmp_path):
    rng = random.Random(5)
    calibration = tmp_path / "calibration"
    copy_data(calibration)
    original = (calibration / "data" / "journal.jsonl").read_bytes()
    duration = timed_run(NOTICE, calibration)
    leftovers: list[str] = []
    assert check_notice_folder(calibration, original, leftovers)[0]

    outcomes, reprinted = [], 0
    for i, delay in enumerate(kill_delays(rng, duration, 15)):
        repo = tmp_path / f"run{i}"
        copy_data(repo)
        code = kill_after(NOTICE, repo, delay)
        entries, docs = check_notice_folder(repo, original, leftovers)
        if code is not None:
            assert code == 0 and entries
        outcomes.append((round(delay, 2), "done" if code is not None else "killed", len(entries), len(docs)))
        if entries and len(docs) < 2:
            # the record without (all of) its documents: cc reprint makes them from the record
            reprinted += 1
            again = run_cc("reprint", "5", "--as-of", AS_OF, cwd=repo)
            assert again.returncode == 0 and "Traceback" not in again.stderr, again.stderr
            assert check_notice_folder(repo, original, [])[1] == sorted([NOTICE_NAME, REPORT_NAME])
            assert not [p for p in (repo / "notices" / "2023").iterdir() if p.name.endswith(".tmp")]
    if leftovers:
        warnings.warn(f"killed cc notice left {len(leftovers)} temporary file(s) behind: {leftovers[:3]}")
    print("notice kill outcomes (delay, result, entries, documents):", outcomes)


# Deterministic kills at the two dangerous moments, by wrapping the functions cc calls.
KILL_IN = """
import os, sys
import chuangcheng_cli.documents.docx as d
where = sys.argv.pop(1)
if where == "save":  # the temporary file is fully written, not yet linked to its final name
    save = d._save
    def _save(document, handle):
        save(document, handle)
        handle.flush()
        os.kill(os.getpid(), 9)
    d._save = _save
elif where == "append":  # both documents are in place, the journal entry is not
    import chuangcheng_cli.store.journal as j
    def append_lines(fd, lines):
        os.kill(os.getpid(), 9)
    j.append_lines = append_lines
elif where == "half":  # the journal's one write() has put down half of its bytes
    import chuangcheng_cli.store.journal as j
    write = os.write
    def half(fd, data):
        if fd in j._OPEN:
            write(fd, data[: len(data) // 2])
            os.kill(os.getpid(), 9)
        return write(fd, data)
    os.write = half
sys.argv[0] = "cc"
from chuangcheng_cli.entry import main
main()
"""


def run_killed_in(where: str, repo: Path, args: tuple | list = NOTICE) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", KILL_IN, where, *args], cwd=repo,
                          env=cc_env(), capture_output=True, text=True, timeout=120)


def test_kill_while_saving_a_document_leaves_the_record_and_reprint_restores(tmp_path):
    copy_data(tmp_path)
    original = (tmp_path / "data" / "journal.jsonl").read_bytes()
    result = run_killed_in("save", tmp_path)
    assert result.returncode == -signal.SIGKILL, result.stderr
    leftovers: list[str] = []
    entries, docs = check_notice_folder(tmp_path, original, leftovers)
    assert [e["kind"] for e in entries] == ["notice", "escalate"] and docs == []
    assert len(leftovers) == 1 and leftovers[0].startswith(f".{NOTICE_NAME}.")
    warned = run_cc("validate", cwd=tmp_path)
    assert warned.returncode == 0 and "document-missing" in warned.stdout and "cc reprint 2023-5" in warned.stdout
    again = run_cc("reprint", "2023-5", "--as-of", AS_OF, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    after: list[str] = []
    assert check_notice_folder(tmp_path, original, after)[1] == sorted([NOTICE_NAME, REPORT_NAME])
    assert after == []  # reprint removed the killed run's temporary file
    assert run_cc("validate", "--strict", cwd=tmp_path).returncode == 0


def test_reprint_removes_a_temporary_file_left_beside_a_whole_document(tmp_path):
    """A cc notice killed after linking its notice to its name but before removing the temporary
    file leaves the notice whole, the report missing and the temporary file behind: cc reprint made
    the report and left the temporary file, as it skips a document that exists (the random kills of
    test_killed_notice_leaves_no_broken_document hit this once in CI)."""
    copy_data(tmp_path)
    original = (tmp_path / "data" / "journal.jsonl").read_bytes()
    assert run_cc(*NOTICE, cwd=tmp_path).returncode == 0
    folder = tmp_path / "notices" / "2023"
    (folder / REPORT_NAME).unlink()
    stale = folder / f".{NOTICE_NAME}.d0948856.tmp"
    stale.write_bytes((folder / NOTICE_NAME).read_bytes())
    again = run_cc("reprint", "2023-5", "--as-of", AS_OF, cwd=tmp_path)
    assert again.returncode == 0 and "已存在，未覆盖" in again.stdout, again.stderr
    after: list[str] = []
    assert check_notice_folder(tmp_path, original, after)[1] == sorted([NOTICE_NAME, REPORT_NAME])
    assert after == [] and not stale.exists()


def test_kill_before_the_journal_append_leaves_nothing(tmp_path):
    copy_data(tmp_path)
    original = (tmp_path / "data" / "journal.jsonl").read_bytes()
    result = run_killed_in("append", tmp_path)
    assert result.returncode == -signal.SIGKILL, result.stderr
    entries, docs = check_notice_folder(tmp_path, original, [])
    assert entries == [] and docs == []
    again = run_cc(*NOTICE, cwd=tmp_path)
    assert again.returncode == 0 and "法治督〔2023〕5号" in again.stdout


def _big_import(repo: Path, rows: int = 2000) -> Path:
    sheet = repo / "rows.csv"
    sheet.write_text("问题描述,点位,责任单位,发现时间,整改时限\n"
                     + "".join(f"描述{i},点位{i},司法局,2023-06-05,2023-12-29\n" for i in range(rows)), encoding="utf-8")
    return sheet


def _signal_once_writing(repo: Path, args: list[str], signum: int) -> bytes:
    """Run cc, send signum as soon as the journal starts to grow; the journal's bytes before."""
    journal = repo / "data" / "journal.jsonl"
    before = journal.read_bytes()
    proc = subprocess.Popen([*cc_command(), *args], cwd=repo, env=cc_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    while proc.poll() is None:
        if journal.stat().st_size != len(before):
            proc.send_signal(signum)
            break
    proc.wait(timeout=60)
    return before


def test_sigterm_while_a_large_import_is_written_leaves_all_of_it_or_none(tmp_path):
    """A single write() of a large append is cut short by a fatal signal: a hostile-input try
    stopped `cc problem import` of 2,000 rows with SIGTERM (what timeout, a cancelled CI job and
    systemd send) and found 87 problems registered and the last line cut off. SIGTERM and SIGHUP
    now wait until the write is whole."""
    copy_data(tmp_path)
    _big_import(tmp_path)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        before = _signal_once_writing(tmp_path, ["problem", "import", "rows.csv", "--source", "暗访", "--as-of", AS_OF,
                                                 "--by", "周某某"], signum)
        after = (tmp_path / "data" / "journal.jsonl").read_bytes()
        added = added_entries(before, after)
        assert len(added) in (0, 2000), len(added)
        assert_journal_clean(tmp_path)


def test_an_append_cut_off_by_sigkill_is_taken_back_by_the_next_write(tmp_path):
    """SIGKILL cannot wait: the next cc to take the lock finds the append it described beforehand
    half-written, truncates the journal back to its size before it and says so; the import run
    again registers every row once."""
    copy_data(tmp_path)
    _big_import(tmp_path)
    args = ["problem", "import", "rows.csv", "--source", "暗访", "--as-of", AS_OF, "--by", "周某某"]
    journal = tmp_path / "data" / "journal.jsonl"
    before = journal.read_bytes()
    # killed inside its one write() (a signal sent from outside landed there one time in a few,
    # and the test was skipped when it never did)
    killed = run_killed_in("half", tmp_path, args)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    after = journal.read_bytes()
    assert after.startswith(before) and len(after) > len(before) and not after.endswith(b"\n")
    again = run_cc(*args, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "写了一半的内容" in again.stderr and "已撤回" in again.stderr
    added = added_entries(before, journal.read_bytes())
    assert [e["kind"] for e in added] == ["problem"] * 2000
    assert_journal_clean(tmp_path)


def test_taking_back_a_half_written_append_touches_nothing_else(tmp_path):
    """_take_back truncates only the journal's size before the append plus a part of the very bytes
    the append described; an append that completed, a description torn as it was written, or a
    journal changed otherwise since (a pull over it) is left as it is, and the description goes."""
    from chuangcheng_cli.store import journal

    path = tmp_path / "journal.jsonl"
    start = b'{"a":1}\n'
    payload = b'{"b":2}\n{"c":3}\n'
    pending = journal._pending_path(path)

    def after_kill(journal_bytes: bytes, torn: bool = False) -> tuple[bytes, list[str]]:
        path.write_bytes(journal_bytes)
        journal._write_pending(pending, len(start), payload)
        if torn:
            pending.write_bytes(pending.read_bytes()[:-3])
        said: list[str] = []
        with journal.locked(path, recovered=said.append):
            pass
        assert not pending.exists()
        return path.read_bytes(), said

    for cut in range(1, len(payload)):
        kept, said = after_kill(start + payload[:cut])
        whole = payload[:cut].count(b"\n")
        assert kept == start and len(said) == 1 and f"{whole} 条完整记录" in said[0], cut
    assert after_kill(start + payload) == (start + payload, [])  # it completed
    assert after_kill(start) == (start, [])  # nothing written yet
    assert after_kill(start + payload[:5], torn=True) == (start + payload[:5], [])
    assert after_kill(start + b'{"x":9}') == (start + b'{"x":9}', [])  # not these bytes
    assert after_kill(b'{"a":1}') == (b'{"a":1}', [])  # shorter: rewritten since
    said: list[str] = []
    path.write_bytes(start + payload[:4])
    with journal.locked(path, recovered=said.append):  # no description: nothing to take back
        pass
    assert path.read_bytes() == start + payload[:4] and said == []


def _half_written(repo: Path, lines: int = 3, cut_in_line: bool = True) -> tuple[bytes, bytes]:
    """The journal as a kill in the middle of an append of `lines` progress reports leaves it, with
    the append described beside the lock (as append_lines does): (the journal before, the bytes
    the append was to write)."""
    import json as json_

    from chuangcheng_cli.store import journal

    path = repo / "data" / "journal.jsonl"
    before = path.read_bytes()
    payload = "".join(json_.dumps({"id": f"20231229-dead{n:04x}", "kind": "progress", "date": "2023-12-29",
                                   "at": "2023-12-29T09:00:00+08:00", "by": "范某某", "task": "T09",
                                   "unit": "rsj", "percent": 90 + n, "note": "半截写入。"}, ensure_ascii=False) + "\n"
                      for n in range(lines)).encode()
    journal._write_pending(journal._pending_path(path), len(before), payload)
    cut = payload.index(b"\n", len(payload) // 2) + (-7 if cut_in_line else 1)
    path.write_bytes(before + payload[:cut])
    return before, payload


@pytest.mark.parametrize("store", ["on", "off"])
@pytest.mark.parametrize("cut_in_line", [True, False])
def test_reads_leave_out_an_append_not_complete_until_the_next_write_takes_it_back(tmp_path, store, cut_in_line):
    """A read between a kill in the middle of an append and the next write counted the whole lines
    already written (a hostile-input try: 87 of 2,000 imported problems listed, gone again at
    the next write), or, with the cut inside a line, reported a damaged journal. Reads now take
    the journal as it was before that append and say so; validate warns; the next write takes it
    back and reads are as before, nothing left behind in the store."""
    import pytest as pytest_

    copy_data(tmp_path)
    env = {"CC_NO_CACHE": "1"} if store == "off" else {"CC_INDEX_MIN_BYTES": "0", "CC_CACHE_DIR": str(tmp_path / "c")}
    clean = run_cc("status", "--json", "--as-of", AS_OF, cwd=tmp_path, **env)
    assert clean.returncode == 0, clean.stderr
    before, _ = _half_written(tmp_path, cut_in_line=cut_in_line)
    for _ in range(2):  # a second read too: nothing the first one kept replays the note wrongly
        status = run_cc("status", "--json", "--as-of", AS_OF, cwd=tmp_path, **env)
        assert status.returncode == 0, status.stderr
        assert json.loads(status.stdout) == json.loads(clean.stdout)
        assert "还没有完成的写入" in status.stderr and "暂不计入" in status.stderr and "Traceback" not in status.stderr
        assert "处问题" not in status.stderr  # no other line of the journal is left out
    checked = run_cc("validate", cwd=tmp_path, **env)  # an error: the pre-commit hook and CI never let it in
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "[journal-write-unfinished]" in checked.stdout and "journal-json" not in checked.stdout
    assert "发现 1 个错误" in checked.stdout
    t09 = next(t for t in json.loads(clean.stdout)["tasks"] if t["id"] == "T09")
    wrote = run_cc("log", "T09", "--unit", "人社局", "--percent", str(min(t09["percent"] + 1, 99)), "--note", "继续推进。",
                   "--as-of", AS_OF, "--by", "范某某", cwd=tmp_path, **env)
    assert wrote.returncode == 0, wrote.stderr
    assert "已撤回" in wrote.stderr
    after = (tmp_path / "data" / "journal.jsonl").read_bytes()
    assert after.startswith(before) and after[len(before):].count(b"\n") == 1
    status = run_cc("status", "--json", "--as-of", AS_OF, cwd=tmp_path, **env)
    assert status.returncode == 0 and "还没有完成的写入" not in status.stderr
    full = run_cc("status", "--json", "--as-of", AS_OF, cwd=tmp_path, CC_NO_CACHE="1")
    assert json.loads(status.stdout) == json.loads(full.stdout)


def test_a_read_ignores_a_description_that_does_not_fit_the_journal(tmp_path):
    """The description of an append only counts for the very bytes it describes after the size it
    names: a completed append, nothing written yet, other bytes (a pull since), or a description
    in a folder that is not the user's own leave the journal read whole."""
    from chuangcheng_cli.store import journal, state

    path = tmp_path / "journal.jsonl"
    start, payload = b'{"a":1}\n', b'{"b":2}\n{"c":3}\n'
    pending = journal._pending_path(path)
    journal._write_pending(pending, len(start), payload)
    try:
        for data, cut in ((start + payload[:3], len(start)), (start + payload[:8], len(start)),
                          (start + payload, None), (start, None), (start + b'{"x":9}\n', None)):
            path.write_bytes(data)
            state.forget_reads()
            assert state.journal_raw(path) == (data if cut is None else data[:cut]), data
            assert (state.unfinished(path) is None) == (cut is None)
        assert state.unfinished(path) is None
        path.write_bytes(start + payload[:8])
        state.forget_reads()
        assert journal.unfinished(path, start + payload[:8]) == (len(start), 2, 1, False)
        assert journal.unfinished(path, start + payload[:10]) == (len(start), 2, 1, True)
        assert journal.unfinished(path, start + payload[:3]) == (len(start), 2, 0, True)
    finally:
        pending.unlink()
        state.forget_reads()
