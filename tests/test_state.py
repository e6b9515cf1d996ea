"""The store (store/state.py): writes and reads through it answer exactly as a full run would."""

from __future__ import annotations

import functools
import json
import re

import pytest

from chuangcheng_cli.store import checks
from helpers import copy_data, run_cc, snapshot_files

SESSION = [
    ("assign", "T09", "--unit", "住建局", "--section", "建筑市场监管科", "--person", "甲", "--as-of", "2023-12-30"),
    ("log", "T09", "--unit", "人社局", "--percent", "85", "--note", "进展", "--as-of", "2023-12-30"),
    ("log", "T09", "--unit", "人社局", "--percent", "80", "--note", "下调", "--as-of", "2023-12-30"),  # refused
    ("log", "T09", "--unit", "人社局", "--percent", "84", "--note", "补登", "--date", "2023-12-19",
     "--as-of", "2023-12-30"),  # refused: the 12-29 report of 80% would then be a decrease
    ("notice", "住建局", "--as-of", "2023-12-30"),
    ("reply", "5", "--note", "已整改", "--as-of", "2023-12-31"),
    ("close", "5", "--as-of", "2023-12-31"),
    ("close", "5", "--as-of", "2023-12-31"),  # refused: already closed
    ("verify", "T09", "--as-of", "2023-12-31"),  # refused: not reported complete
    ("log", "T09", "--unit", "人社局", "--percent", "100", "--note", "完成", "--as-of", "2023-12-31"),
    ("verify", "T09", "--as-of", "2023-12-31"),
    ("reopen", "T09", "--reason", "抽查不合格", "--as-of", "2023-12-31"),
    ("notice", "人社局", "--as-of", "2023-12-31"),
]


def _normalised(path):
    text = (path / "data" / "journal.jsonl").read_text(encoding="utf-8")
    text = re.sub(r'"id":"\d{8}-[0-9a-f]{8,12}"', '"id":"…"', text)
    return re.sub(r'"at":"[^"]+"', '"at":"…"', text)


def _stored(tmp_path) -> dict:
    """The environment of a cc run with the store on and its state used even on small data."""
    return {"CC_NO_CACHE": "", "CC_CACHE_DIR": str(tmp_path / "cache"), "CC_INDEX_MIN_BYTES": "0"}


def _two_repos(tmp_path):
    """Two copies of the data: one run without the cache, one with the store; and the latter's env."""
    plain, fast = tmp_path / "plain", tmp_path / "fast"
    for folder in (plain, fast):
        folder.mkdir()
        copy_data(folder)
    return plain, fast, _stored(tmp_path)


def test_session_with_the_store_equals_session_without(tmp_path):
    plain, fast, env = _two_repos(tmp_path)
    for args in SESSION:
        a = run_cc(*args, cwd=plain)
        b = run_cc(*args, cwd=fast, **env)
        # a record's id is drawn anew by each write: a message naming one names another here
        ids = functools.partial(re.sub, r"\b\d{8}-[0-9a-f]{8,12}\b", "…")
        assert (a.returncode, ids(a.stdout), ids(a.stderr)) == (b.returncode, ids(b.stdout), ids(b.stderr)), args
        assert "Traceback" not in b.stderr
    assert list((tmp_path / "cache").glob("state-*.bin"))
    assert _normalised(plain) == _normalised(fast)
    assert not checks.check_folder(fast / "data").errors


def test_hand_edit_is_noticed_even_with_a_state(tmp_path):
    data = copy_data(tmp_path)
    env = _stored(tmp_path)
    assert run_cc("log", "T09", "--unit", "人社局", "--percent", "85", "--note", "a", "--as-of", "2023-12-31",
                  cwd=tmp_path, **env).returncode == 0
    with open(data / "journal.jsonl", "a", encoding="utf-8") as fh:
        fh.write('{"id": "broken"\n')
    before = snapshot_files(tmp_path / "data")
    result = run_cc("log", "T09", "--unit", "人社局", "--percent", "86", "--note", "b", "--as-of", "2023-12-31",
                    cwd=tmp_path, **env)
    assert result.returncode == 1 and "journal-json" in result.stderr
    assert snapshot_files(tmp_path / "data") == before


@pytest.mark.parametrize("damage", [b"", b"not a state"])
def test_damaged_state_is_ignored(tmp_path, damage):
    data = copy_data(tmp_path)
    env = _stored(tmp_path)
    run_cc("log", "T09", "--unit", "人社局", "--percent", "85", "--note", "a", "--as-of", "2023-12-31",
           cwd=tmp_path, **env)
    for f in (tmp_path / "cache").glob("state-*.bin"):
        f.write_bytes(damage)
    result = run_cc("log", "T09", "--unit", "人社局", "--percent", "86", "--note", "b", "--as-of", "2023-12-31",
                    cwd=tmp_path, **env)
    assert result.returncode == 0, result.stderr
    last = json.loads((data / "journal.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert last["percent"] == 86


# ------------------------------------------- lines added by someone else (a pull, a merge)

from chuangcheng_cli.store import state as store
from chuangcheng_cli.store.state import digest


def _line(**fields) -> str:
    base = {"id": "20231230-0000aaaa", "kind": "progress", "date": "2023-12-30", "at": "2023-12-30T09:00:00+08:00",
            "by": "他人", "task": "T09", "unit": "rsj", "percent": 90, "note": "别的分支报送。"}
    return json.dumps({**base, **fields}, ensure_ascii=False) + "\n"


def _state_of(folder):
    raw = (folder / "journal.jsonl").read_bytes()
    return store.build_state(checks.require_clean(checks.check_folder(folder)), raw), raw


def _same(a, b) -> bool:
    return (a.digest, a.size, list(a.offsets), list(a.lines), {k: list(v) for k, v in a.by_task.items()},
            list(a.family), bytes(a.ids)) == (b.digest, b.size, list(b.offsets), list(b.lines),
                                              {k: list(v) for k, v in b.by_task.items()}, list(b.family), bytes(b.ids))


def test_the_states_ids_are_every_entrys_stored_loaded_and_extended(tmp_path):
    """JournalState.ids: "\n" and each entry's id with a "\n", in journal order, kept through a
    store and a load and extended by an append (a pull's ids are looked up there, see conflicts)."""
    from chuangcheng_cli.store.loading import load_journal

    data = copy_data(tmp_path)
    state, raw = _state_of(data)
    ids = [e.id for e in load_journal(data / "journal.jsonl", "journal.jsonl").entries]
    assert bytes(state.ids) == ("\n" + "".join(i + "\n" for i in ids)).encode()
    root = tmp_path / "store"
    store.store_state(root, "k", state)
    loaded = store.load_state(root, "k")
    assert loaded is not None and _same(loaded, state)
    (data / "journal.jsonl").write_bytes(raw + _line().encode())
    new = (data / "journal.jsonl").read_bytes()
    grown = store.catch_up(loaded, new, store.matching(loaded, new)[1], data / "journal.jsonl", "journal.jsonl")
    assert grown is not None and bytes(grown.ids).endswith(b"\n" + "\n".join([ids[-1], "20231230-0000aaaa"]).encode() + b"\n")
    store.store_state(root, "k", grown)
    assert _same(store.load_state(root, "k"), _state_of(data)[0])


def test_an_id_holding_a_line_break_leaves_the_state_without_ids(tmp_path):
    from types import SimpleNamespace

    state, raw = _state_of(copy_data(tmp_path))
    before = bytes(state.ids)
    state.extend([SimpleNamespace(id="20231230-a", kind="void")], [len(raw)], [9001])
    assert bytes(state.ids) == before + b"20231230-a\n"
    state.extend([SimpleNamespace(id="20231230-b\nx", kind="void")], [len(raw) + 10], [9002])
    assert state.ids is None
    state.extend([SimpleNamespace(id="20231230-c", kind="void")], [len(raw) + 20], [9003])
    assert state.ids is None  # never again for this state: the next full check builds a new one
    root = tmp_path / "store"
    store.store_state(root, "k", state)
    assert store.load_state(root, "k").ids is None


def test_catch_up_equals_a_fresh_state(tmp_path):
    data = copy_data(tmp_path)
    index, _ = _state_of(data)
    with open(data / "journal.jsonl", "a", encoding="utf-8") as fh:
        fh.write(_line() + "\n" + _line(id="20231230-0000bbbb", task="T01", unit="sfj", percent=100,
                                        date="2023-12-30", note="补报。"))
    raw = (data / "journal.jsonl").read_bytes()
    how, state = store.matching(index, raw)
    assert how == "grown"
    grown = store.catch_up(index, raw, state, data / "journal.jsonl", "journal.jsonl")
    fresh, _ = _state_of(data)
    assert grown is not None and _same(grown, fresh)
    assert grown.digest == digest(raw)
    assert store.matching(grown, raw)[0] == "same"


@pytest.mark.parametrize("mark", [1, 7, 64, 1 << 20])
def test_a_prefix_s_digest_from_the_marks_is_its_blake3(monkeypatch, mark):
    """The digest of any prefix, taken from the digest states kept every _MARK bytes, is the
    BLAKE3 of those bytes; the digest state of the whole still extends as BLAKE3 does."""
    from blake3 import blake3

    def b3(data: bytes) -> str:
        return blake3(data).hexdigest()

    monkeypatch.setattr(store, "_MARK", mark)
    store.forget_reads()
    raw = "".join(_line(id=f"20231230-{n:08x}") for n in range(40)).encode()
    for size in sorted({0, 1, mark - 1, mark, mark + 1, 2 * mark, len(raw) // 2, len(raw) - 1, len(raw)}):
        if 0 <= size <= len(raw):
            assert store.digest(raw, size) == b3(raw[:size]), size
            assert store.hasher(raw, size).hexdigest() == b3(raw[:size]), size
    h = store.hasher(raw)
    h.update(b"more")
    assert h.hexdigest() == b3(raw + b"more")
    assert store.hasher(raw).hexdigest() == store.digest(raw) == b3(raw)
    other = raw[:-1] + b" "  # another object: hashed on its own, not taken from the marks of raw
    assert store.digest(other) == b3(other)
    for size in (-1, -mark - 1, -len(raw) - 5, len(raw) + 3):  # what slicing makes of it, as before
        assert store.digest(raw, size) == b3(raw[:size]), size


def test_the_journal_is_read_once_per_command_while_the_file_stays_the_same(tmp_path):
    """journal_raw gives the same bytes object while the file's stat signature holds; an append,
    a rewrite (same size, new times) or a replaced file is read again; forget_reads (as each
    command starts) drops what was kept."""
    import os

    path = tmp_path / "journal.jsonl"
    path.write_bytes(b'{"a":1}\n')
    store.forget_reads()
    first = store.journal_raw(path)
    assert first == b'{"a":1}\n' and store.journal_raw(path) is first
    with open(path, "ab") as fh:
        fh.write(b'{"b":2}\n')
    grown = store.journal_raw(path)
    assert grown == b'{"a":1}\n{"b":2}\n' and grown is not first
    st = os.stat(path)
    path.write_bytes(b'{"a":9}\n{"b":2}\n')  # same size, in place
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert store.journal_raw(path) == b'{"a":9}\n{"b":2}\n'
    kept = store.journal_raw(path)
    assert store.journal_raw(path, keep=False) is kept  # what is kept is given
    store.forget_reads()
    unkept = store.journal_raw(path, keep=False)  # a command without the store: nothing held
    assert unkept == kept and unkept is not kept and store.journal_raw(path, keep=False) is not unkept
    again = store.journal_raw(path)
    assert again == kept and again is not kept
    replacement = tmp_path / "new.jsonl"
    replacement.write_bytes(b'{"c":3}\n{"d":4}\n')
    os.replace(replacement, path)
    assert store.journal_raw(path) == b'{"c":3}\n{"d":4}\n'
    import pathlib

    here = os.getcwd()
    try:
        os.chdir(tmp_path)  # another spelling of the same path: the same read
        kept = store.journal_raw(path)
        assert store.journal_raw("./journal.jsonl") is kept and store.journal_raw(pathlib.Path("journal.jsonl")) is kept
    finally:
        os.chdir(here)
    assert store.journal_raw(tmp_path / "missing.jsonl") is None
    assert store.journal_raw(tmp_path) is None  # a folder


@pytest.mark.parametrize("mark", [1, 7, 64, 1 << 20])
def test_the_journal_digest_streamed_is_the_digest_of_its_bytes(tmp_path, monkeypatch, mark):
    """journal_digest (what a warm read hashes: the file a mark at a time, never held whole) is
    the digest of the file's bytes; a read that then takes the bytes whole uses the marks the
    stream kept, and every prefix's digest from them is still its BLAKE3; an append or a rewrite
    in place (same size, new times) is hashed again."""
    import os

    from blake3 import blake3

    monkeypatch.setattr(store, "_MARK", mark)
    path = tmp_path / "journal.jsonl"
    raw = "".join(_line(id=f"20231230-{n:08x}") for n in range(40)).encode()
    path.write_bytes(raw)
    store.forget_reads()
    assert store.journal_digest(tmp_path) == blake3(raw).hexdigest() == store.journal_digest(tmp_path)
    assert store._STREAMED[0] == os.path.abspath(path) and store._SEEN[2] is None  # streamed, not kept whole
    whole = store.journal_raw(path)
    assert whole == raw and store._HASHED[0] is whole and store._HASHED[1] is store._STREAMED[2]
    for size in sorted({0, 1, mark - 1, mark, mark + 1, len(raw) // 2, len(raw) - 1, len(raw)}):
        if 0 <= size <= len(raw):
            assert store.digest(whole, size) == blake3(raw[:size]).hexdigest(), size
    assert store.journal_digest(tmp_path) == store.digest(whole)
    with open(path, "ab") as fh:
        fh.write(b"\n")
    assert store.journal_digest(tmp_path) == blake3(raw + b"\n").hexdigest()
    st = os.stat(path)
    path.write_bytes(raw[:-1] + b" \n")  # same size, in place
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert store.journal_digest(tmp_path) == blake3(raw[:-1] + b" \n").hexdigest()
    store.forget_reads()
    assert store._STREAMED == [None, None, None, None]
    path.write_bytes(b"")
    assert store.journal_digest(tmp_path) == blake3(b"").hexdigest()
    path.unlink()
    assert store.journal_digest(tmp_path) == "<missing>"


@pytest.mark.parametrize("mark", [1, 7, 64, 1 << 20])
def test_the_journal_streamed_is_read_again_in_parts_as_its_bytes_would_be(tmp_path, monkeypatch, mark):
    """journal_bytes after journal_digest: a FileBytes that gives what the bytes would (slices,
    find, count, startswith, decode, each line at a position, every prefix's digest from the
    stream's marks) without the file read whole; a line longer than a mark, a last line without
    its newline and positions out of order or past the end included."""
    import os

    from blake3 import blake3

    monkeypatch.setattr(store, "_MARK", mark)
    path = tmp_path / "journal.jsonl"
    lines = [_line(id=f"20231230-{n:08x}", note="说明" * (n * 7 % 50 + 1)) for n in range(30)]
    raw = ("".join(lines) + "\n  \n" + _line(id="20231230-ffffffff", note="长" * 200).rstrip("\n")).encode()
    path.write_bytes(raw)
    store.forget_reads()
    store.journal_digest(tmp_path)
    got = store.journal_bytes(path)
    assert type(got) is store.FileBytes and store._SEEN[2] is None  # never read whole
    assert len(got) == len(raw) and got.startswith(raw[:5]) and not got.startswith(b"x")
    assert got.whole() == raw and got.decode("utf-8") == raw.decode("utf-8")
    cuts = sorted({0, 1, mark - 1, mark, mark + 1, len(raw) // 3, len(raw) - 1, len(raw), len(raw) + 5})
    for a in cuts:
        assert got[a:] == raw[a:] and got[:a] == raw[:a]
        for b in cuts:
            assert got[a:b] == raw[a:b]
            assert got.count(b"\n", a, b) == raw.count(b"\n", a, b)
            for sub in (b"\n", b'"id"', "长长".encode(), b""):
                assert got.find(sub, a, b) == raw.find(sub, a, b), (sub, a, b)
        assert got.find(b"\n", a) == raw.find(b"\n", a)
    starts = [0, *(m.end() for m in re.finditer(b"\n", raw))]
    wanted = starts[::-1] + [starts[3], len(raw) + 9, starts[-1]]
    assert got.lines(wanted) == store.lines_at(raw, wanted) == [
        raw[k:] if raw.find(b"\n", k) < 0 else raw[k:raw.find(b"\n", k)] for k in wanted]
    for size in cuts:
        if size <= len(raw):
            assert store.digest(got, size) == blake3(raw[:size]).hexdigest(), size
    assert store.hasher(got).hexdigest() == blake3(raw).hexdigest()
    os.utime(path, ns=(0, 0))  # the file is not the one streamed: every read refuses
    for read in (lambda: got[0:4], lambda: got.lines([0]), lambda: got.find(b"\n"), got.whole):
        with pytest.raises(store.Changed):
            read()
    assert store.journal_bytes(path) == raw  # read whole, as it is now


def test_catch_up_numbers_lines_after_blank_ones(tmp_path):
    """Blank lines inside and at the end of the stored journal: the added lines' numbers (taken
    from the state's last entry, not by counting the whole journal again) are the full run's."""
    data = copy_data(tmp_path)
    path = data / "journal.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:5]) + "\n\n" + "".join(lines[5:]) + "\n\n\n", encoding="utf-8")
    index, _ = _state_of(data)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("\n" + _line() + "\n" + _line(id="20231230-0000bbbb", task="T01", unit="sfj", percent=100,
                                              note="补报。"))
    raw = path.read_bytes()
    how, state = store.matching(index, raw)
    assert how == "grown"
    grown = store.catch_up(index, raw, state, path, "journal.jsonl")
    fresh, _ = _state_of(data)
    assert grown is not None and _same(grown, fresh)
    assert list(grown.lines)[-2:] == [len(lines) + 7, len(lines) + 9]


@pytest.mark.parametrize("tail", [
    '{"id": "broken"\n',  # not JSON
    '{"id": "x", "kind": "progress"}\n',  # not an entry
    _line(percent=50),  # a decrease after the 80% of 12-29, without a correction
    _line(task="T99"),  # unknown task
    _line(id="20230420-3a0d6903"),  # an id the journal already has
    _line() + _line(),  # the same id twice in the new lines
    # two lines that are entries only when joined with a comma: a string left open, then closed
    _line()[:-3] + "}\n" + '{"},' + _line(id="20231230-0000aaab"),
    _line()[:-1] + "\v\n",  # a vertical tab is no JSON white space (bytes.strip took it for one)
    _line()[:-1] + ',"percent" :100}\n',  # a key repeated apart from its colon
])
def test_catch_up_leaves_trouble_to_the_full_check(tmp_path, tail):
    data = copy_data(tmp_path)
    index, raw = _state_of(data)
    if '"20230420-3a0d6903"' in tail:
        assert b'"20230420-3a0d6903"' in raw
    (data / "journal.jsonl").write_bytes(raw + tail.encode())
    new = (data / "journal.jsonl").read_bytes()
    how, state = store.matching(index, new)
    assert how == "grown"
    assert store.catch_up(index, new, state, data / "journal.jsonl", "journal.jsonl") is None


def test_changed_or_unterminated_prefix_is_not_grown(tmp_path):
    data = copy_data(tmp_path)
    index, raw = _state_of(data)
    assert store.matching(index, raw.replace("普法".encode(), "守法".encode(), 1) + _line().encode())[0] is None
    assert store.matching(index, raw[:-1] + b" " + _line().encode())[0] is None
    assert store.matching(index, raw[:-10])[0] is None


def test_session_with_foreign_appends_equals_session_without(tmp_path):
    """Between our commands, lines arrive from elsewhere (written without our index)."""
    plain, fast, env = _two_repos(tmp_path)
    foreign = [_line(id="20231230-0000cccc", task="T09", percent=82),
               _line(id="20231230-0000dddd", task="T09", percent=70),  # a decrease: refused on the next log
               None]
    for n, args in enumerate(SESSION):
        line = foreign[n % len(foreign)] if n in (1, 5) else None
        for folder in (plain, fast):
            if line:
                with open(folder / "data" / "journal.jsonl", "a", encoding="utf-8") as fh:
                    fh.write(line)
        a = run_cc(*args, cwd=plain)
        b = run_cc(*args, cwd=fast, **env)
        assert (a.returncode, a.stdout, a.stderr) == (b.returncode, b.stdout, b.stderr), args
    assert _normalised(plain) == _normalised(fast)


def test_log_after_a_pull_checks_only_the_new_lines(tmp_path, monkeypatch):
    """In process, with the full check made impossible once the index exists."""
    from chuangcheng_cli.cli import fast

    data = copy_data(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CC_NO_CACHE", raising=False)
    monkeypatch.setenv("CC_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("CC_USER", "范某某")
    monkeypatch.setenv("CC_INDEX_MIN_BYTES", "0")
    log = ["--as-of", "2023-12-31", "log", "T09", "-u", "rsj", "-n", "进展。", "-p"]
    assert fast.run_fast([*log, "85"]) == 0
    with open(data / "journal.jsonl", "a", encoding="utf-8") as fh:
        fh.write(_line(id="20231231-0000eeee", task="T01", unit="sfj", percent=100, date="2023-12-31"))

    def no_full_check(*args, **kwargs):
        raise AssertionError("the whole journal was checked again")

    monkeypatch.setattr(checks, "check_folder", no_full_check)
    assert fast.run_fast([*log, "86"]) == 0
    lines = (data / "journal.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["percent"] for x in lines[-3:]] == [85, 100, 86]


def test_a_small_journal_is_checked_in_full_without_a_state(tmp_path):
    """A working group's journal is checked in full faster than a state is loaded and stored."""
    copy_data(tmp_path)
    result = run_cc("log", "T09", "--unit", "人社局", "--percent", "85", "--note", "a", "--as-of", "2023-12-31",
                    cwd=tmp_path, CC_NO_CACHE="", CC_CACHE_DIR=str(tmp_path / "cache"))
    assert result.returncode == 0, result.stderr
    assert not list((tmp_path / "cache").glob("state-*.bin"))


# ----------------------------------------------- reads: the incremental path is the full run


import contextlib
import io
import os
import shutil
import subprocess

from chuangcheng_cli.cli import fast, plain

DAY = "2023-12-31"


def _status_json(monkeypatch, folder, cache: str | None, full_allowed: bool = True, command: str = "status",
                 as_of: str = DAY) -> tuple[dict, int]:
    """status --json of folder (or another command's --json), in process (as cc runs it); with
    cache None, without the store. (the answer, how many full checks it took); full_allowed=False
    makes a full check fail."""
    monkeypatch.chdir(folder)
    if cache is None:
        monkeypatch.setenv("CC_NO_CACHE", "1")
    else:
        monkeypatch.delenv("CC_NO_CACHE", raising=False)
        monkeypatch.setenv("CC_CACHE_DIR", str(cache))
        monkeypatch.setenv("CC_INDEX_MIN_BYTES", "0")
    calls = []
    real = checks.check_folder

    def counted(*args, **kwargs):
        if not full_allowed:
            raise AssertionError("the whole journal was checked again")
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(checks, "check_folder", counted)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = fast.run_fast([command, "--json", "--as-of", as_of])
    monkeypatch.setattr(checks, "check_folder", real)
    assert code == 0, err.getvalue()
    return json.loads(out.getvalue()), len(calls)


def _full(monkeypatch, folder, command: str = "status", as_of: str = DAY) -> dict:
    return _status_json(monkeypatch, folder, None, command=command, as_of=as_of)[0]


def _append(data, *lines: str) -> None:
    with open(data / "journal.jsonl", "a", encoding="utf-8") as fh:
        fh.write("".join(lines))


PULLED = [_line(id="20231231-0000a001", task="T09", percent=92, date=DAY),
          _line(id="20231231-0000a002", task="T01", unit="sfj", percent=100, date=DAY),
          _line(id="20231231-0000a003", task="T09", unit="rsj", percent=100, date=DAY, note="办结。")]


def test_a_read_after_appended_lines_checks_only_them_and_answers_as_the_full_run(tmp_path, monkeypatch):
    data = copy_data(tmp_path)
    cache = tmp_path / "cache"
    _, full_checks = _status_json(monkeypatch, tmp_path, cache)  # no state yet: a full run leaves one
    assert full_checks == 1 and list(cache.glob("state-*.bin"))
    for n in range(1, len(PULLED) + 1):
        _append(data, PULLED[n - 1])
        answer, _ = _status_json(monkeypatch, tmp_path, cache, full_allowed=False)
        assert answer == _full(monkeypatch, tmp_path)
    t09 = next(t for t in answer["tasks"] if t["id"] == "T09")
    assert t09["percent"] == 100 and "待验收" in "".join(t09["reasons"])


def test_a_read_after_a_union_merge_answers_as_the_full_run(tmp_path, monkeypatch):
    if shutil.which("git") is None:
        pytest.skip("没有安装 git")
    from helpers import REPO

    data = copy_data(tmp_path)
    shutil.copy(REPO / ".gitattributes", tmp_path / ".gitattributes")
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@e", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}

    def git(*args):
        done = subprocess.run(["git", *args], cwd=tmp_path, capture_output=True, text=True, env=env)
        assert done.returncode == 0, done.stdout + done.stderr

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-qm", "base")
    git("checkout", "-qb", "other")
    _append(data, PULLED[1])
    git("commit", "-qam", "other unit")
    git("checkout", "-q", "main")
    _append(data, PULLED[0])
    git("commit", "-qam", "this unit")
    cache = tmp_path / "cache"
    _status_json(monkeypatch, tmp_path, cache)  # the state of main's journal
    git("merge", "-q", "--no-edit", "other")
    merged = (data / "journal.jsonl").read_text(encoding="utf-8")
    assert merged.endswith(PULLED[0] + PULLED[1])  # union: ours, then theirs, after the base
    answer, _ = _status_json(monkeypatch, tmp_path, cache, full_allowed=False)
    assert answer == _full(monkeypatch, tmp_path)


@pytest.mark.parametrize("change", ["rewritten line", "removed line", "changed yaml", "last line edited"])
def test_anything_but_a_pure_append_is_a_full_run(tmp_path, monkeypatch, change):
    data = copy_data(tmp_path)
    cache = tmp_path / "cache"
    _append(data, PULLED[0])
    _status_json(monkeypatch, tmp_path, cache)
    journal = data / "journal.jsonl"
    text = journal.read_text(encoding="utf-8")
    if change == "rewritten line":
        assert '"percent": 92' in text
        journal.write_text(text.replace('"percent": 92', '"percent": 93'), encoding="utf-8")
    elif change == "removed line":
        lines = text.splitlines(keepends=True)
        journal.write_text("".join(lines[:100] + lines[101:]), encoding="utf-8")
    elif change == "changed yaml":
        tasklist = data / "tasklist.yaml"
        plan = tasklist.read_text(encoding="utf-8")
        assert "lag_threshold: 10" in plan
        tasklist.write_text(plan.replace("lag_threshold: 10", "lag_threshold: 5"), encoding="utf-8")
    else:  # the last line edited by hand (a space before its newline)
        journal.write_text(text[:-1] + " " + "\n", encoding="utf-8")
    answer, full_checks = _status_json(monkeypatch, tmp_path, cache)
    assert full_checks == 1
    assert answer == _full(monkeypatch, tmp_path)


@pytest.mark.parametrize("tail", [
    _line(percent=50),  # a decrease after the 80% of 12-29, without a correction: left out, with a warning
    '{"id": "broken"\n',  # not JSON
    "\f" + _line(percent=100),  # no JSON either: a form feed before it (counted as 100% once)
])
def test_a_bad_appended_line_is_read_as_the_full_run_reads_it(tmp_path, monkeypatch, tail):
    data = copy_data(tmp_path)
    cache = tmp_path / "cache"
    _status_json(monkeypatch, tmp_path, cache)
    _append(data, tail)
    answer, full_checks = _status_json(monkeypatch, tmp_path, cache)
    assert full_checks == 1
    assert answer == _full(monkeypatch, tmp_path)


def test_a_write_leaves_the_view_current(tmp_path, monkeypatch):
    """cc log with the whole project at hand stores what status shows: the next status loads nothing."""
    data = copy_data(tmp_path)
    cache = tmp_path / "cache"
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CC_NO_CACHE", raising=False)
    monkeypatch.setenv("CC_CACHE_DIR", str(cache))
    monkeypatch.setenv("CC_USER", "范某某")
    with contextlib.redirect_stdout(io.StringIO()):
        assert fast.run_fast(["--as-of", DAY, "log", "T09", "-u", "rsj", "-n", "进展。", "-p", "85"]) == 0
    assert list(cache.glob("view-*.json"))

    def no_read(*args, **kwargs):
        raise AssertionError("the data was read again")

    monkeypatch.setattr(plain, "read_project", no_read)
    answer, _ = _status_json(monkeypatch, tmp_path, cache, full_allowed=False)
    monkeypatch.undo()
    assert answer == _full(monkeypatch, tmp_path)
    assert next(t for t in answer["tasks"] if t["id"] == "T09")["percent"] == 85
    del data


@pytest.mark.parametrize("damage", ["delete", "garbage", "truncate"])
@pytest.mark.parametrize("kind", ["view-", "out-", "state-", "fold-"])
def test_any_store_file_may_be_deleted_or_damaged(tmp_path, monkeypatch, damage, kind):
    data = copy_data(tmp_path)
    cache = tmp_path / "cache"
    _status_json(monkeypatch, tmp_path, cache)
    monkeypatch.chdir(tmp_path)
    with contextlib.redirect_stdout(io.StringIO()):
        assert fast.run_fast(["status", "--json", "--as-of", DAY]) == 0  # leaves an output too
    _append(data, PULLED[0])
    _status_json(monkeypatch, tmp_path, cache)
    files = [f for f in cache.iterdir() if f.name.startswith(kind)]
    assert files
    for f in files:
        if damage == "delete":
            f.unlink()
        elif damage == "garbage":
            f.write_bytes(b"\x00garbage{" * 7)
        else:
            f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])
    expected = _full(monkeypatch, tmp_path)
    assert _status_json(monkeypatch, tmp_path, cache)[0] == expected
    _append(data, PULLED[1])  # and the next append is checked right, whatever was left
    assert _status_json(monkeypatch, tmp_path, cache)[0] == _full(monkeypatch, tmp_path)


# ------------------------------ the fold (store/folds.py): a read applies only what was added

from chuangcheng_cli.store import folds


def _fold_used(monkeypatch) -> list:
    """Whether each read since took its answer from the stored fold (True) or read in full."""
    used: list = []
    real = folds.read

    def spy(*args, **kwargs):
        found = real(*args, **kwargs)
        used.append(found is not None)
        return found

    monkeypatch.setattr(folds, "read", spy)
    return used


def _no_entry_reading(monkeypatch) -> None:
    """Reading every entry of the journal (the state's read path, or a full check) now fails."""
    def no_read(*args, **kwargs):
        raise AssertionError("every entry was read again")

    monkeypatch.setattr(store, "read_project", no_read)


def _both(monkeypatch, folder, cache, as_of: str = DAY) -> tuple[dict, dict]:
    return (_status_json(monkeypatch, folder, cache, as_of=as_of)[0],
            _status_json(monkeypatch, folder, cache, command="units", as_of=as_of)[0])


def _both_full(monkeypatch, folder, as_of: str = DAY) -> tuple[dict, dict]:
    return _full(monkeypatch, folder, as_of=as_of), _full(monkeypatch, folder, "units", as_of)


@pytest.mark.parametrize("keep_after", [0, folds.KEEP_AFTER])
def test_a_read_after_a_pull_applies_only_the_new_lines_to_the_fold(tmp_path, monkeypatch, keep_after):
    """keep_after 0: each read stores the fold it extended, and the next one starts from that."""
    monkeypatch.setattr(folds, "KEEP_AFTER", keep_after)
    data = copy_data(tmp_path)
    cache = tmp_path / "cache"
    _status_json(monkeypatch, tmp_path, cache)  # a full run leaves a state and a fold
    assert list(cache.glob("fold-*.json"))
    for line in PULLED:
        _append(data, line)
        used = _fold_used(monkeypatch)
        _no_entry_reading(monkeypatch)
        answer = _status_json(monkeypatch, tmp_path, cache, full_allowed=False)[0]
        monkeypatch.undo()
        monkeypatch.setattr(folds, "KEEP_AFTER", keep_after)
        assert used == [True]
        assert answer == _full(monkeypatch, tmp_path)
    assert _both(monkeypatch, tmp_path, cache) == _both_full(monkeypatch, tmp_path)


@pytest.mark.parametrize("keep_after", [0, folds.KEEP_AFTER])
def test_a_read_after_a_pull_stores_the_state_with_the_fold_only(tmp_path, monkeypatch, keep_after):
    """A read that checked a pull's few lines leaves the stored state and fold as they were (the
    next read checks those lines again, cheaper than writing a city's state); once KEEP_AFTER
    entries were applied after the fold, both are stored, the state the fold was kept against."""
    monkeypatch.setattr(folds, "KEEP_AFTER", keep_after)
    data = copy_data(tmp_path)
    cache = tmp_path / "cache"
    _status_json(monkeypatch, tmp_path, cache)

    def stored() -> dict:
        return {p.name: p.read_bytes() for p in cache.iterdir() if p.name.startswith(("state-", "fold-"))}

    before = stored()
    assert len(before) == 2
    for line in PULLED:
        _append(data, line)
        assert _status_json(monkeypatch, tmp_path, cache, as_of="2024-01-02")[0] == \
            _full(monkeypatch, tmp_path, as_of="2024-01-02")
        after = stored()
        assert (after == before) is (keep_after > 0)
        assert after.keys() == before.keys()
    assert _both(monkeypatch, tmp_path, cache) == _both_full(monkeypatch, tmp_path)


@pytest.mark.parametrize("earlier", [
    # the same day as T09's last report (80%, 15:13), recorded a minute before it on another branch
    _line(id="20231229-0000b001", task="T09", percent=80, date="2023-12-29", at="2023-12-29T15:12:00+08:00"),
    # a report of 12-20, between the 75% of 12-15 and the 80% of 12-29, merged in late
    _line(id="20231220-0000b002", task="T09", percent=77, date="2023-12-20", at="2023-12-20T10:00:00+08:00"),
    # a 办结 report dated before T01's last entry
    _line(id="20231201-0000b003", task="T01", unit="sfj", percent=100, date="2023-12-01",
          at="2023-12-01T10:00:00+08:00"),
])
def test_a_merged_line_before_its_task_s_own_entries_folds_the_task_again(tmp_path, monkeypatch, earlier):
    data = copy_data(tmp_path)
    cache = tmp_path / "cache"
    _status_json(monkeypatch, tmp_path, cache)
    _append(data, earlier)
    expected = _both_full(monkeypatch, tmp_path)
    used = _fold_used(monkeypatch)
    answer = _both(monkeypatch, tmp_path, cache)
    assert used[0] is True or answer[0] == expected[0]  # a line refused by the checks reads in full
    assert answer == expected


@pytest.mark.parametrize("case", ["void", "earlier day", "earlier notice reply"])
def test_what_the_fold_cannot_take_in_order_is_read_in_full(tmp_path, monkeypatch, case):
    data = copy_data(tmp_path)
    cache = tmp_path / "cache"
    _append(data, PULLED[0])
    _status_json(monkeypatch, tmp_path, cache)
    as_of = DAY
    if case == "void":
        _append(data, json.dumps({"id": "20231231-0000c001", "kind": "void", "date": DAY,
                                  "at": "2023-12-31T10:00:00+08:00", "by": "范某某",
                                  "entry": "20231231-0000a001", "reason": "报错了任务。"}, ensure_ascii=False) + "\n")
    elif case == "earlier day":
        as_of = "2023-12-30"  # before the journal's last entry: the fold holds an entry it must leave out
    else:  # a problem's fix dated before the last entry of the problem list
        _append(data, json.dumps({"id": "20231221-0000c002", "kind": "fix", "date": "2023-12-21",
                                  "at": "2023-12-21T10:00:00+08:00", "by": "苏某某", "problem": "W2023-0027",
                                  "unit": json.loads([x for x in (data / "journal.jsonl").read_text(
                                      encoding="utf-8").splitlines() if '"W2023-0027"' in x][0])["unit"],
                                  "note": "已整改。"}, ensure_ascii=False) + "\n")
    expected = _both_full(monkeypatch, tmp_path, as_of)
    used = _fold_used(monkeypatch)
    assert _both(monkeypatch, tmp_path, cache, as_of) == expected
    assert used and not any(used)


@pytest.mark.parametrize("keep_after", [0, folds.KEEP_AFTER])
def test_writes_then_reads_answer_as_the_full_run(tmp_path, monkeypatch, keep_after):
    """Each write extends the state, not the fold; the next read applies what the fold lacks."""
    monkeypatch.setattr(folds, "KEEP_AFTER", keep_after)
    data = copy_data(tmp_path)
    cache = tmp_path / "cache"
    env = {**_stored(tmp_path), "CC_USER": "范某某"}
    _status_json(monkeypatch, tmp_path, cache)
    done = 0
    for args in SESSION:
        result = run_cc(*args, cwd=tmp_path, **env)
        assert "Traceback" not in result.stderr
        for view in cache.glob("view-*.json"):  # so that the read computes its answer
            view.unlink()
        for out in cache.glob("out-*.txt"):
            out.unlink()
        used = _fold_used(monkeypatch)
        answer = _both(monkeypatch, tmp_path, cache, "2023-12-31")
        monkeypatch.undo()
        monkeypatch.setattr(folds, "KEEP_AFTER", keep_after)
        assert answer == _both_full(monkeypatch, tmp_path, "2023-12-31"), args
        done += used[0]
    assert done == len(SESSION)  # a refused command changes nothing: the fold is as it was
    del data


def test_a_fold_that_does_not_fit_the_journal_is_not_used(tmp_path, monkeypatch):
    data = copy_data(tmp_path)
    cache = tmp_path / "cache"
    _status_json(monkeypatch, tmp_path, cache)
    doc = _fold_doc(cache)
    # one whose positions or kinds do not fit the journal is not used
    doc["tasks"]["T09"][8] = [["rsj", 10 ** 9]]
    _not_used_after_a_pull(monkeypatch, tmp_path, cache, data, doc)


def _fold_doc(cache) -> dict:
    return json.loads(next(cache.glob("fold-*.json")).read_bytes().partition(b"\n")[2])


def _not_used_after_a_pull(monkeypatch, tmp_path, cache, data, doc: dict) -> None:
    """doc stored as the fold (signed as the store signs it), a line pulled: the read that
    follows does not use the fold, and answers as the full run."""
    import hashlib

    body = json.dumps(doc, ensure_ascii=False).encode()
    next(cache.glob("fold-*.json")).write_bytes(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
    _append(data, PULLED[0])
    used = _fold_used(monkeypatch)
    assert _status_json(monkeypatch, tmp_path, cache)[0] == _full(monkeypatch, tmp_path)
    assert used == [False]


@pytest.mark.parametrize("case", ["listed twice", "on no list", "closed row", "row twice"])
def test_a_fold_whose_notices_and_units_disagree_is_not_used(tmp_path, monkeypatch, case):
    """A unit's 督办 count is the length of its list of open notices plus its closed count: a
    stored fold (damaged, or written by a faulty build) that lists an open notice twice or on no
    unit's list, or holds a notice row already 销号 (dump keeps only open ones), would count a
    unit's notices wrong, the count that reports it to 市领导. Such a fold is not used."""
    data = copy_data(tmp_path)
    cache = tmp_path / "cache"
    _status_json(monkeypatch, tmp_path, cache)
    doc = _fold_doc(cache)
    refs = next(row[0] for row in doc["units"].values() if row[0])  # a unit with open notices
    if case == "listed twice":
        refs.append(refs[0])
    elif case == "on no list":
        refs.pop()
    elif case == "closed row":
        lines = (data / "journal.jsonl").read_text(encoding="utf-8").splitlines()
        doc["notices"][0][3] = next(k for k, x in enumerate(lines) if json.loads(x)["kind"] == "close")
    else:
        doc["notices"].append(doc["notices"][0])
    _not_used_after_a_pull(monkeypatch, tmp_path, cache, data, doc)


PROBLEM_SESSION = [
    ("2023-12-31", "problem", "add", "--unit", "民政局", "--task", "T10", "--source", "暗访", "--found-by", "市创城办暗访组",
     "--place", "人民路社区公共法律服务站", "--desc", "工作时间无人值守", "--found", "2023-12-30",
     "--deadline", "2024-01-10"),
    ("2024-01-05", "problem", "fix", "W2023-0029", "--note", "已安排专人值守", "--by", "贺某某"),
    ("2024-01-06", "problem", "recheck", "W2023-0029", "--fail", "--note", "复查时仍无人值守", "--days", "7"),
    ("2024-01-08", "problem", "extend", "W2023-0029", "--to", "2024-01-20", "--reason", "需重新制作公示牌"),
    ("2024-01-12", "problem", "fix", "W2023-0029", "--note", "已落实值班表", "--by", "贺某某"),
    ("2024-01-13", "problem", "recheck", "W2023-0029", "--pass", "--note", "复查已整改到位"),
]


@pytest.mark.parametrize("keep_after", [0, folds.KEEP_AFTER])
def test_a_problem_s_closed_loop_through_the_fold_answers_as_the_full_run(tmp_path, monkeypatch, keep_after):
    """The problem list's entries in order are applied to the fold; a 销号 problem comes back
    from the store as its facts alone (settled), and every day still reads as the full run."""
    monkeypatch.setattr(folds, "KEEP_AFTER", keep_after)
    copy_data(tmp_path)
    cache = tmp_path / "cache"
    env = {**_stored(tmp_path), "CC_USER": "周某某"}  # the office's
    _status_json(monkeypatch, tmp_path, cache)
    used_all = []
    for day, *args in PROBLEM_SESSION:
        result = run_cc(*args, "--as-of", day, cwd=tmp_path, **env)
        assert result.returncode == 0, (args, result.stderr)
        for view in [*cache.glob("view-*.json"), *cache.glob("out-*.txt")]:
            view.unlink()
        used = _fold_used(monkeypatch)
        answer = _both(monkeypatch, tmp_path, cache, day)
        monkeypatch.undo()
        monkeypatch.setattr(folds, "KEEP_AFTER", keep_after)
        assert answer == _both_full(monkeypatch, tmp_path, day), args
        used_all += used
    assert all(used_all)
    mzj = next(u for u in answer[1]["units"] if u["id"] == "mzj")
    assert mzj["problems"]["rework_rate"] is not None


def test_a_write_on_the_state_s_path_leaves_the_view_current(tmp_path, monkeypatch):
    """cc log on a journal the store holds a state of (a large one: no whole project in hand)
    applies its line to the stored fold and stores the day's view: the next status reads nothing."""
    data = copy_data(tmp_path)
    cache = tmp_path / "cache"
    _status_json(monkeypatch, tmp_path, cache)  # a state and a fold
    monkeypatch.setenv("CC_INDEX_MIN_BYTES", "0")
    monkeypatch.setenv("CC_USER", "范某某")
    before = set(cache.glob("view-*.json"))
    used = _fold_used(monkeypatch)
    with contextlib.redirect_stdout(io.StringIO()):
        assert fast.run_fast(["--as-of", DAY, "log", "T09", "-u", "rsj", "-n", "进展。", "-p", "85"]) == 0
    assert used == [True]  # the write left its view from the fold
    assert set(cache.glob("view-*.json")) - before

    def no_read(*args, **kwargs):
        raise AssertionError("the data was read again")

    monkeypatch.setattr(plain, "read_project", no_read)
    answer, _ = _status_json(monkeypatch, tmp_path, cache, full_allowed=False)
    assert used == [True]  # the status was a view hit: no fold read either
    monkeypatch.undo()
    assert answer == _full(monkeypatch, tmp_path)
    assert next(t for t in answer["tasks"] if t["id"] == "T09")["percent"] == 85
    del data


def test_a_write_reads_the_journal_afresh_under_the_lock(tmp_path, monkeypatch):
    """cc notice reads the journal before it takes the lock (to build what it may ask about);
    meanwhile another writer rewrites a line in place, at the same size, on a file system whose
    times are too coarse to show it (the stat signature stays the same). Under the lock the write
    must check the journal it appends to, not the bytes it read before: the line is now invalid,
    so the notice is refused and nothing is appended."""
    from typer.testing import CliRunner

    from chuangcheng_cli.cli import app
    from chuangcheng_cli.store import journal
    from helpers import cc_env

    data = copy_data(tmp_path)
    path = data / "journal.jsonl"
    monkeypatch.setattr(store, "_signature", lambda st: (st.st_dev, st.st_ino, st.st_size))  # coarse times
    real = journal.locked

    @contextlib.contextmanager
    def rewritten_meanwhile(journal_path, waiting=None, recovered=None):
        text = path.read_bytes()
        bad = text.replace(b'"percent":85', b'"percent":05', 1)  # a leading zero: not JSON
        assert bad != text and len(bad) == len(text)
        with open(path, "r+b") as fh:
            fh.write(bad)
        with real(journal_path, waiting, recovered) as fd:
            yield fd

    monkeypatch.setattr(journal, "locked", rewritten_meanwhile)
    before = len(path.read_bytes())
    result = CliRunner().invoke(app, ["--data", str(data), "notice", "住建局", "--reason", "抽查发现台账不全",
                                      "--as-of", "2023-12-30"], env=cc_env())
    assert result.exit_code != 0 and "journal.jsonl" in result.output, result.output
    after = path.read_bytes()
    assert b'"percent":05' in after and len(after) == before  # rewritten by the other writer, nothing appended


@pytest.mark.parametrize("count", [1, 9, 40])  # few ids; many sharing a few days; many over many days
def test_an_id_taken_before_the_stop_is_a_conflict_and_one_after_it_is_not(monkeypatch, count):
    """catch_up hands conflicts the whole journal and where the checked part ends (no copy of
    the prefix): the new lines' own ids, after that end, are no conflict; the same id before it is."""
    from types import SimpleNamespace

    monkeypatch.setattr(checks, "check_append", lambda *args, **kwargs: [])
    days = 1 if count == 9 else 28
    new = [SimpleNamespace(id=f"202312{n % days + 1:02d}-{n:08x}") for n in range(count)]
    old = "".join(_line(id=f"20231130-{n:08x}") for n in range(50)).encode()
    tail = "".join(_line(id=e.id) for e in new).encode()
    raw = old + tail
    assert store.conflicts(None, raw, new, [], stop=len(old)) == []
    assert store.conflicts(None, raw, new, []) is None  # without the stop the new lines' ids are found
    taken = old + _line(id=new[-1].id).encode()  # the last new id is also an old line's
    assert store.conflicts(None, taken + tail, new, [], stop=len(taken)) is None
    # the same, asked of the state's ids of the journal before the stop (not its bytes)
    ids = ("\n" + "".join(f"20231130-{n:08x}\n" for n in range(50))).encode()
    assert store.conflicts(None, raw, new, [], stop=len(old), ids=ids) == []
    assert store.conflicts(None, raw, new, [], stop=len(old), ids=ids + new[-1].id.encode() + b"\n") is None
    assert store.conflicts(None, raw, new, [], stop=len(old), ids=ids + new[0].id.encode() + b"x\n") == []  # longer: another id
    prefix = new[0].id[:-1]  # a shorter id that begins the same way: another id too
    assert store.conflicts(None, raw, new, [], stop=len(old), ids=ids + prefix.encode() + b"\n") == []


def test_the_garbage_collector_is_on_again_after_every_command(tmp_path, monkeypatch):
    """Reads and writes pause the cyclic collector while they rebuild a city's objects
    (loading.gc_paused); it must come back on after an answer, a write and a refusal alike, and
    what it froze meanwhile must stay out of its way, not lost (the answers stay the full run's)."""
    import gc

    data = copy_data(tmp_path)
    cache = tmp_path / "cache"
    assert gc.isenabled()
    _status_json(monkeypatch, tmp_path, cache)  # a full run: snapshot_doc
    assert gc.isenabled()
    _append(data, PULLED[0])
    assert _status_json(monkeypatch, tmp_path, cache, full_allowed=False)[0] == _full(monkeypatch, tmp_path)
    assert gc.isenabled()  # the fold's path: view_from_fold
    monkeypatch.setenv("CC_USER", "范某某")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert fast.run_fast(["--as-of", DAY, "log", "T09", "-u", "rsj", "-n", "进展。", "-p", "93"]) == 0
        assert gc.isenabled()  # a write (recording.record)
        assert fast.run_fast(["--as-of", DAY, "log", "T09", "-u", "rsj", "-n", "进展。", "-p", "10"]) != 0
    assert "低于上次报送的 93%" in err.getvalue() and gc.isenabled()  # a refusal raised inside the paused part
    assert _status_json(monkeypatch, tmp_path, cache, full_allowed=False)[0] == _full(monkeypatch, tmp_path)
    assert gc.isenabled()


def test_a_task_s_own_command_reads_its_task_and_the_voids_alone(tmp_path, monkeypatch):
    """assign, log, verify and reopen build from their task's state and write entries of that task
    (recording.record's tasks_only): the slice they read from the store holds the task's entries
    and the voids, nothing of the notices or the problem list (a city's problem list is most of its
    journal). What they accept or refuse stays the full run's, also after a pulled void changed
    the task's past (a decrease measured against the report the void left standing)."""
    plain, fast_repo, env = _two_repos(tmp_path)
    env = {**env, "CC_USER": "范某某"}

    def both(*args):
        a = run_cc(*args, "--as-of", DAY, cwd=plain, CC_USER="范某某")
        b = run_cc(*args, "--as-of", DAY, cwd=fast_repo, **env)
        assert (a.returncode, a.stdout, a.stderr) == (b.returncode, b.stdout, b.stderr), args
        assert "Traceback" not in b.stderr
        return b.returncode

    assert both("log", "T09", "-u", "rsj", "-p", "90", "-n", "进展。") == 0
    voided = {}
    for folder in (plain, fast_repo):  # a pull brings a void of that 90% report
        journal = folder / "data" / "journal.jsonl"
        voided[folder] = json.loads(journal.read_text(encoding="utf-8").splitlines()[-1])["id"]
        _append(folder / "data", json.dumps({"id": "20231231-0000c101", "kind": "void", "date": DAY,
                                             "at": "2023-12-31T11:00:00+08:00", "by": "范某某",
                                             "entry": voided[folder], "reason": "报错了进度。"},
                                            ensure_ascii=False) + "\n")
    assert both("log", "T09", "-u", "rsj", "-p", "84", "-n", "更正后的进展。") == 0  # 90% no longer counts
    assert both("log", "T09", "-u", "rsj", "-p", "83", "-n", "下调。") != 0
    assert both("verify", "T09") != 0  # not reported complete
    assert both("assign", "T09", "--unit", "住建局", "--section", "建筑市场监管科", "--person", "乙", "--by", "唐某某") == 0
    assert both("log", "T09", "-u", "rsj", "-p", "100", "-n", "办结。") == 0
    assert both("verify", "T09", "--by", "吴某某") == 0
    assert both("reopen", "T09", "--reason", "抽查不合格。", "--by", "吴某某") == 0
    assert _normalised(plain).replace(voided[plain], "…") == _normalised(fast_repo).replace(voided[fast_repo], "…")

    sliced = []
    real = store.slice_of

    def recorded(*args, **kwargs):
        part = real(*args, **kwargs)
        sliced.append(part.journal.entries)
        return part

    monkeypatch.setattr(store, "slice_of", recorded)
    monkeypatch.chdir(fast_repo)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(checks, "check_folder", lambda *a, **k: pytest.fail("the whole journal was checked again"))
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        assert fast.run_fast(["log", "T09", "-u", "rsj", "-p", "100", "-n", "重办完成。", "--as-of", DAY]) == 0, \
            err.getvalue()
    whole = [json.loads(x) for x in (fast_repo / "data" / "journal.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(sliced) == 1
    kinds = {e.kind for e in sliced[0]}
    assert kinds <= {"assign", "progress", "verify", "reopen", "void"} and "void" in kinds
    assert {e.task for e in sliced[0] if e.kind != "void"} == {"T09"}
    assert [e.id for e in sliced[0] if e.kind == "void"] == [x["id"] for x in whole if x["kind"] == "void"]
    assert {"notice", "problem", "fix"} <= {x["kind"] for x in whole}  # what the slice left out is there


ONE_PROBLEM_SESSION = [
    ("problem", "fix", "W2023-0008", "--note", "已整改。", "--by", "范某某"),
    ("problem", "fix", "w2023-0008", "--note", "又整改。", "--by", "范某某"),  # refused: already waiting for 复查
    ("problem", "recheck", "W2023-0008", "--fail", "--note", "未整改到位。", "--days", "10"),
    ("problem", "extend", "Ｗ2023-0008", "--to", "2024-01-20", "--reason", "需要施工。"),
    ("problem", "fix", "8", "--note", "再次整改。", "--by", "范某某"),  # the number alone: found among all
    ("problem", "recheck", "2023-8", "--pass", "--note", "通过。"),
    ("problem", "fix", "W2023-0008", "--note", "销号后。", "--by", "范某某"),  # refused: closed
    ("problem", "recheck", "W2023-0018", "--pass", "--note", "未报整改。"),  # refused: no fix to re-inspect
    ("problem", "fix", "W2099-0001", "--note", "没有这个问题。", "--by", "范某某"),  # refused: not found
    ("problem", "fix", "W2023-0026", "--note", "已整改。", "--by", "苗某某"),  # its pulled fix was voided
    ("problem", "extend", "W2023-0026", "--to", "2024-01-25", "--reason", "已报整改。"),  # refused: its deadline passed
]


def test_a_command_on_one_problem_reads_that_problem_and_the_voids_alone(tmp_path, monkeypatch):
    """problem fix, recheck and extend on a problem named by its id read, from the store, that
    problem's lines and the voids (state.problem_slice), not the whole problem list; what they
    accept or refuse stays the full run's: an id typed in lower case or full width, a number alone
    (all problems are read to find it), a problem closed, waiting, not found, a pulled fix voided."""
    plain, fast_repo, env = _two_repos(tmp_path)
    for folder in (plain, fast_repo):  # pulled: a fix of W2023-0026 by another branch, then its void
        _append(folder / "data", json.dumps({"id": "20231230-0000f001", "kind": "fix", "date": "2023-12-30",
                                             "at": "2023-12-30T09:00:00+08:00", "by": "苗某某", "problem": "W2023-0026",
                                             "unit": "zgh", "note": "别的分支报整改。"}, ensure_ascii=False) + "\n",
                json.dumps({"id": "20231231-0000f002", "kind": "void", "date": DAY, "at": "2023-12-31T08:00:00+08:00",
                            "by": "周某某", "entry": "20231230-0000f001", "reason": "报错了问题。"},
                           ensure_ascii=False) + "\n")
    narrowed = []
    real = store.problem_slice
    monkeypatch.setattr(store, "problem_slice", lambda *a, **k: narrowed.append(real(*a, **k)) or narrowed[-1])
    codes = []
    for args in ONE_PROBLEM_SESSION:
        a = run_cc(*args, "--as-of", DAY, cwd=plain)
        b = run_cc(*args, "--as-of", DAY, cwd=fast_repo, **env)
        assert (a.returncode, a.stdout, a.stderr) == (b.returncode, b.stdout, b.stderr), args
        assert "Traceback" not in b.stderr
        codes.append(b.returncode)
    assert [c == 0 for c in codes] == [True, False, True, True, True, True, False, False, False, True, False]
    assert _normalised(plain) == _normalised(fast_repo)

    # in process: the slice a fix reads holds the problem's own entries and the voids, nothing else
    monkeypatch.chdir(fast_repo)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(checks, "check_folder", lambda *a, **k: pytest.fail("the whole journal was checked again"))
    import sys

    from chuangcheng_cli.cli import usage
    from chuangcheng_cli.cli.typer_app import app

    monkeypatch.setattr(sys, "argv", ["cc", "problem", "recheck", "W2023-0026", "--pass", "--note", "通过。", "--by", "周某某",
                                      "--as-of", DAY])
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = usage.run(app)
    assert code == 0, err.getvalue()
    part = narrowed[-1]
    assert part is not None
    kinds = {e.kind for e in part.journal.entries}
    assert kinds <= {"problem", "fix", "recheck", "extend", "void"} and "void" in kinds
    assert {e.problem for e in part.journal.entries if e.kind != "void"} == {"W2023-0026"}
    whole = [json.loads(x) for x in (fast_repo / "data" / "journal.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {x["kind"] for x in whole} >= {"notice", "progress", "problem"}


def test_a_problem_id_written_with_json_escapes_is_read_through_the_whole_family(tmp_path):
    """A line may spell a problem's id with JSON escapes (\\u0057 for W): a search of the bytes
    for the id would miss it, so such a journal is read the long way, and a fix of a problem
    closed by such a line is still refused."""
    plain, fast_repo, env = _two_repos(tmp_path)
    for folder in (plain, fast_repo):
        _append(folder / "data", '{"id":"20231230-0000f003","kind":"fix","date":"2023-12-30",'
                                 '"at":"2023-12-30T09:00:00+08:00","by":"苗某某","problem":"\\u0057\\u0032023-0026",'
                                 '"unit":"zgh","note":"整改完成。"}\n',
                '{"id":"20231230-0000f004","kind":"recheck","date":"2023-12-30",'
                '"at":"2023-12-30T10:00:00+08:00","by":"周某某","problem":"W2023-002\\u0036","passed":true,'
                '"note":"通过。"}\n')
    assert run_cc("--as-of", DAY, "validate", cwd=plain).returncode == 0
    for args in [("problem", "fix", "W2023-0026", "--note", "再报。", "--by", "苗某某"),
                 ("problem", "extend", "W2023-0026", "--to", "2024-01-25", "--reason", "延期。")]:
        a = run_cc(*args, "--as-of", DAY, cwd=plain)
        b = run_cc(*args, "--as-of", DAY, cwd=fast_repo, **env)
        assert (a.returncode, a.stdout, a.stderr) == (b.returncode, b.stdout, b.stderr), args
        assert b.returncode != 0 and "销号" in b.stderr
    raw = (fast_repo / "data" / "journal.jsonl").read_bytes()
    state, _ = _state_of(fast_repo / "data")
    assert store.problem_slice(state, raw, fast_repo / "data" / "journal.jsonl", "j", "W2023-0026") is None


@pytest.mark.parametrize("case", ["pulled lines, then a report", "a back-dated report", "a notice"])
def test_the_view_a_write_leaves_from_its_fold_is_the_full_run_s(tmp_path, monkeypatch, case):
    """A write on the state's path brings the state up to date through the stored fold
    (folds.read, pulled lines checked against the entries the fold names) and then applies its
    own lines to that fold for the day's view (recording.fold_view); a line that goes before what
    the fold holds (a back-dated report) leaves the view to view_from_fold. Either way the next
    status and units are view hits and answer as the full run."""
    import sys

    from chuangcheng_cli.cli import recording, usage
    from chuangcheng_cli.cli.typer_app import app

    data = copy_data(tmp_path)
    cache = tmp_path / "cache"
    _status_json(monkeypatch, tmp_path, cache)  # a state and a fold
    if case.startswith("pulled"):
        _append(data, *PULLED[:2])
    monkeypatch.setenv("CC_INDEX_MIN_BYTES", "0")
    monkeypatch.setenv("CC_USER", "范某某")
    took, fell_back = [], []
    real_fold_view, real_view = recording.fold_view, plain.view_from_fold
    monkeypatch.setattr(recording, "fold_view", lambda *a, **k: took.append(real_fold_view(*a, **k)) or took[-1])
    monkeypatch.setattr(plain, "view_from_fold", lambda *a, **k: fell_back.append(real_view(*a, **k)) or fell_back[-1])
    argv = {"pulled lines, then a report": ["log", "T09", "-u", "rsj", "-n", "进展。", "-p", "95"],
            "a back-dated report": ["log", "T09", "-u", "rsj", "-n", "补登。", "-p", "77", "--date", "2023-12-20",
                                    "--correct", "补登当时的进度。"],
            "a notice": ["notice", "住建局", "--reason", "抽查发现台账不全。", "--by", "周某某"]}[case]
    monkeypatch.setattr(sys, "argv", ["cc", "--as-of", DAY, *argv])
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = fast.run_fast(sys.argv[1:]) if argv[0] == "log" else usage.run(app)
    assert code == 0, err.getvalue()
    if case == "a back-dated report":
        assert took == [False] and len(fell_back) == 1 and fell_back[0] is not None
    else:
        assert took == [True] and fell_back == []
    monkeypatch.setattr(plain, "read_project", lambda *a, **k: pytest.fail("the data was read again"))
    monkeypatch.setattr(folds, "read", lambda *a, **k: pytest.fail("the fold was read again"))
    answer = (_status_json(monkeypatch, tmp_path, cache, full_allowed=False)[0],
              _status_json(monkeypatch, tmp_path, cache, full_allowed=False, command="units")[0])
    monkeypatch.undo()
    assert answer == _both_full(monkeypatch, tmp_path)
    del data


@pytest.mark.parametrize("pulled", [
    _line(id="20231231-0000b001", date=DAY, at="2023-12-31T09:00:00+08:00", percent=81, note="a\\bb")
    .replace("a\\\\bb", "a\\bb"),
    json.dumps({"id": "20231231-0000b002", "kind": "fix", "date": DAY, "at": "2023-12-31T09:00:00+08:00",
                "by": "范某\\t某", "problem": "W2023-0008", "unit": "rsj", "note": "已整改。"},
               ensure_ascii=False).replace("\\\\t", "\\t") + "\n",
])
def test_a_pulled_line_spelling_a_control_character_is_refused_with_the_store_too(tmp_path, pulled):
    """A line a pull brings that spells a forbidden character with a JSON escape (\\b in a note,
    \\t in a name) is refused by the next write with the store as without it (found by a
    hostile-input review: the store checked such lines by their bytes alone)."""
    assert "\\b" in pulled or "\\t" in pulled
    plain, fast_repo, env = _two_repos(tmp_path)
    log = ("log", "T09", "-u", "rsj", "-p", "81", "-n", "进展。", "--by", "范某某", "--as-of", DAY)
    assert run_cc(*log, cwd=plain).returncode == 0 and run_cc(*log, cwd=fast_repo, **env).returncode == 0
    assert list((tmp_path / "cache").glob("state-*.bin"))
    for folder in (plain, fast_repo):
        _append(folder / "data", pulled)
    for args in [("log", "T09", "-u", "rsj", "-p", "83", "-n", "再报。", "--by", "范某某", "--as-of", DAY),
                 ("problem", "recheck", "W2023-0021", "--pass", "--note", "通过。", "--as-of", DAY)]:
        a = run_cc(*args, cwd=plain)
        b = run_cc(*args, cwd=fast_repo, **env)
        assert (a.returncode, a.stdout, a.stderr) == (b.returncode, b.stdout, b.stderr), args
        assert b.returncode == 1 and "[invalid-character]" in b.stderr, b.stderr
    assert _normalised(plain) == _normalised(fast_repo)


class _Reads:
    """The entry model, recording every entry it reads (loading._ENTRY_LIST stands in for it)."""

    def __init__(self, real):
        self.real, self.read = real, []

    def validate_json(self, data, *args, **kwargs):
        out = self.real.validate_json(data, *args, **kwargs)
        self.read.extend(out)
        return out

    def validate_lines(self, lines):
        out = self.real.validate_lines(lines)
        self.read.extend(out)
        return out

    def __getattr__(self, name):
        return getattr(self.real, name)


@pytest.mark.parametrize("percent", [80, 90])
def test_a_merged_line_among_a_task_s_recent_entries_reads_them_alone(tmp_path, monkeypatch, percent):
    """A line a merge brings that goes before some of its task's recent entries (T09's 80% of
    12-29 was recorded at 15:13; this one at 15:12) folds the task from its mark: its state before
    the cut (14 days before the journal's last date) and its entries since. Neither the fold nor
    the checks read the task's older reports; the answer is the full run's. At 90% (corrected) the
    80% recorded after it becomes a decrease without a correction: the checks of the mark's entries
    find it, as the full run's do."""
    from chuangcheng_cli.domain import rules
    from chuangcheng_cli.store import loading

    data = copy_data(tmp_path)
    cache = tmp_path / "cache"
    _status_json(monkeypatch, tmp_path, cache)
    doc = json.loads((next(cache.glob("fold-*.json")).read_bytes().partition(b"\n")[2]))
    assert doc["cut"] == "2023-12-15" and "T09" in doc["marks"]  # the journal's last date is 12-29
    _append(data, _line(id="20231229-0000b001", task="T09", percent=percent, date="2023-12-29",
                        at="2023-12-29T15:12:00+08:00", correction="更正。"))
    expected = _both_full(monkeypatch, tmp_path)
    reads = _Reads(loading._ENTRY_LIST)
    monkeypatch.setattr(loading, "_ENTRY_LIST", reads)
    used = _fold_used(monkeypatch)
    refolded = []
    real = rules.Fold.refold_from_mark
    monkeypatch.setattr(rules.Fold, "refold_from_mark", lambda self, t, new: refolded.append(t) or real(self, t, new))
    answer = _status_json(monkeypatch, tmp_path, cache, full_allowed=percent == 90)[0]
    t09 = sorted(e.percent for e in reads.read if e.kind == "progress" and e.task == "T09")
    if percent == 80:
        assert used == [True] and refolded == ["T09"]
        assert t09 == [68, 75, 80, 80]  # the state at the cut (68% of 11-24), 12-15, 12-29 and the merged line
    else:  # the checks of the mark's entries refuse it: read in full (as the full run reads it)
        assert used == [False] and refolded == [] and 10 in t09
    monkeypatch.undo()
    assert (answer, _full(monkeypatch, tmp_path, "units")) == expected


def _random_lines(rng, plan_tasks, n: int, days: list, serial: list, corrected: float = 1.0) -> list[str]:
    """n progress reports on random tasks by their lead units, on random days and times: in order,
    before some of their task's own, decreasing (a check refuses those: the read is then a full one)."""
    lines = []
    for _ in range(n):
        task, unit = rng.choice(plan_tasks)
        day = rng.choice(days[-4:] if rng.random() < 0.6 else days)  # most among the last few days
        serial[0] += 1
        fields = {"id": f"{day.replace('-', '')}-{serial[0]:08x}", "task": task, "unit": unit, "date": day,
                  "at": f"{day}T{rng.randrange(8, 18):02d}:{rng.randrange(60):02d}:00+08:00",
                  "percent": rng.choice([rng.randrange(0, 101), 100, 95]), "note": "随机的报送。"}
        if rng.random() < corrected:
            fields["correction"] = "更正。"
        lines.append(_line(**fields))
    return lines


@pytest.mark.parametrize("seed", range(16))
def test_random_pulls_through_the_fold_and_its_marks_answer_as_the_full_run(tmp_path, monkeypatch, seed):
    """Rounds of lines a pull might bring (reports in order, among a task's recent entries, before
    the cut, after a gap that moves the cut; some refused), each read with the store as without:
    status and units are the same. A short MARK_DAYS and KEEP_AFTER 0 store the fold after every
    read, so that marks are stored, read back, extended and moved."""
    import datetime as dt
    import random

    import yaml

    from chuangcheng_cli.domain import rules

    monkeypatch.setattr(folds, "KEEP_AFTER", 0)
    monkeypatch.setattr(rules, "MARK_DAYS", 3)
    rng = random.Random(seed)
    data = copy_data(tmp_path)
    plan = yaml.safe_load((data / "tasklist.yaml").read_text(encoding="utf-8"))
    tasks = [(t["id"], t["lead"]) for t in plan["tasks"]]
    hot = rng.sample(tasks, 3)  # most lines on a few tasks, so that they meet their own entries
    cache = tmp_path / "cache"
    as_of = "2024-01-31"
    _status_json(monkeypatch, tmp_path, cache, as_of=as_of)
    first = dt.date(2023, 12, 20)
    serial = [seed << 16]
    for round_ in range(7):
        # each round a few days later: the journal's last date moves on, and the cut with it; the
        # last round's decreases may lack a correction (refused: every later read is a full one)
        days = [(first + dt.timedelta(days=round_ * 4 + k)).isoformat() for k in range(-8, 3)]
        _append(data, *_random_lines(rng, hot if rng.random() < 0.8 else tasks, rng.randrange(1, 7), days, serial,
                                     0.5 if round_ == 6 else 1.0))
        answer = _both(monkeypatch, tmp_path, cache, as_of)
        assert answer == _both_full(monkeypatch, tmp_path, as_of), (seed, round_)
        stored = _stored_fold(cache, data)
        if stored is not None:  # the fold the read stored is the one a full fold with its cut gives
            assert stored == _full_fold(data, as_of, stored["cut"]), (seed, round_)


def _stored_fold(cache, data) -> dict | None:
    """The store's fold, when it is of the journal as it is now (else None)."""
    found = list(cache.glob("fold-*.json"))
    assert len(found) == 1
    doc = json.loads(found[0].read_bytes().partition(b"\n")[2])
    return doc if doc["size"] == (data / "journal.jsonl").stat().st_size else None


def _full_fold(data, as_of: str, cut: str) -> dict:
    """The fold of the whole journal as of as_of, marks from cut, as the store would keep it."""
    import datetime as dt

    from chuangcheng_cli.domain import rules

    checked = checks.check_folder(data)
    project = checked.project
    entries = rules.ordered_entries(project.journal, dt.date.fromisoformat(as_of))
    fold = rules.Fold(project.plan, project.units, rules.active_voids(entries))
    for e in entries:
        if fold.cut is None and e.date >= dt.date.fromisoformat(cut):
            fold.cut = dt.date.fromisoformat(cut)
        fold.apply(e)
    fold.cut = dt.date.fromisoformat(cut)
    raw = (data / "journal.jsonl").read_bytes()
    body = folds.dump(fold, folds.where(project.journal), len(project.journal), len(raw), digest(raw))
    return json.loads(body.partition(b"\n")[2]) | {"key": ANY}


class _Any:
    def __eq__(self, other):
        return True


ANY = _Any()


def test_a_voided_entry_of_no_known_task_since_the_cut_is_kept_in_no_mark(tmp_path, monkeypatch):
    """A voided entry counts nowhere, so no check looks at its task: one that names no task of
    the plan, dated since the cut, is not given a mark (it had no state to keep: a KeyError and a
    traceback on every read, found by review), with the store or without."""
    data = copy_data(tmp_path)
    _append(data, _line(id="20231229-0000d001", task="T99", percent=10, date="2023-12-29",
                        at="2023-12-29T10:00:00+08:00"),
            json.dumps({"id": "20231229-0000d002", "kind": "void", "date": "2023-12-29",
                        "at": "2023-12-29T10:05:00+08:00", "by": "范某某", "entry": "20231229-0000d001",
                        "reason": "任务编号写错。"}, ensure_ascii=False) + "\n")
    expected = _both_full(monkeypatch, tmp_path)
    assert _both(monkeypatch, tmp_path, tmp_path / "cache") == expected
    _append(data, _line(id="20231229-0000d003", task="T09", percent=80, date="2023-12-29",
                        at="2023-12-29T15:12:00+08:00"))  # a merged line among T09's recent entries
    assert _both(monkeypatch, tmp_path, tmp_path / "cache") == _both_full(monkeypatch, tmp_path)


def test_a_void_that_would_leave_a_later_entry_without_ground_is_refused_with_the_store_too(tmp_path, monkeypatch):
    """Voiding T13's 办结报告 (100%) would leave its later 验收 without ground (it used to be taken,
    and the view it left counted the 验收: found by review). It is refused, with the store as
    without it, writing nothing; the 验收 voided first, the report can go, and the next status
    answers as the full run."""
    plain_repo, fast_repo, env = _two_repos(tmp_path)
    before = snapshot_files(fast_repo / "data")
    report = ("void", "20231103-20d0360f", "--reason", "录错。", "--by", "周某某", "--as-of", "2023-12-29")
    plain, fast = run_cc(*report, cwd=plain_repo), run_cc(*report, cwd=fast_repo, **env)
    assert (plain.returncode, plain.stderr) == (fast.returncode, fast.stderr) and fast.returncode == 2
    assert "的验收销号（记录 " in fast.stderr and "将不再成立" in fast.stderr
    assert snapshot_files(fast_repo / "data") == before
    verify = re.search(r"cc void (\S+) --reason", fast.stderr)[1]
    for repo, extra in ((plain_repo, {}), (fast_repo, env)):
        assert run_cc("void", verify, "--reason", "验收有误。", "--as-of", "2023-12-29", cwd=repo, **extra).returncode == 0
        assert run_cc(*report, cwd=repo, **extra).returncode == 0
    answer = _both(monkeypatch, fast_repo, tmp_path / "cache", "2023-12-29")
    assert answer == _both_full(monkeypatch, plain_repo, "2023-12-29")
    assert next(t for t in answer[0]["tasks"] if t["id"] == "T13")["light"] != "done"


def test_a_pulled_entry_of_no_known_task_voided_in_the_same_pull_is_read_in_full(tmp_path, monkeypatch):
    """A pull that brings an entry naming a task the plan does not have, and a void of it: the
    checks pass (a voided entry counts nowhere), and the fold is not asked to apply the entry (it
    crashed every later read with the store, found by review); the read is a full one."""
    data = copy_data(tmp_path)
    cache = tmp_path / "cache"
    _status_json(monkeypatch, tmp_path, cache)
    _append(data, _line(id="20231229-0000c001", task="T99", percent=10, date="2023-12-29",
                        at="2023-12-29T16:00:00+08:00"),
            json.dumps({"id": "20231229-0000c002", "kind": "void", "date": "2023-12-29",
                        "at": "2023-12-29T16:01:00+08:00", "by": "周某某", "entry": "20231229-0000c001",
                        "reason": "错。"}, ensure_ascii=False) + "\n")
    for _ in range(2):  # and again, with what the first read stored
        assert _both(monkeypatch, tmp_path, cache) == _both_full(monkeypatch, tmp_path)


def test_a_journal_dated_at_the_first_day_there_is_has_a_fold_too(tmp_path, monkeypatch):
    """An entry dated 0001-01-05 (a typo validate warns about) is the journal's last: its cut
    14 days earlier does not exist, so the marks start at the first day there is (it was an
    OverflowError and a traceback, found by review)."""
    data = copy_data(tmp_path)
    (data / "journal.jsonl").write_text(_line(id="00010105-0000aaaa", date="0001-01-05", percent=10), encoding="utf-8")
    expected = _both_full(monkeypatch, tmp_path)
    assert _both(monkeypatch, tmp_path, tmp_path / "cache") == expected


def _rewrite_fold(cache, change) -> None:
    """Edit the stored fold's JSON with change(doc) and store it back with a matching checksum (as
    someone with access to the user's store could)."""
    import hashlib

    path = next(cache.glob("fold-*.json"))
    doc = json.loads(path.read_bytes().partition(b"\n")[2])
    change(doc)
    body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    path.write_bytes(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)


@pytest.mark.parametrize("edit", ["another task's assignment", "a cut far back", "a position twice"])
def test_a_mark_that_does_not_fit_the_journal_is_not_used(tmp_path, monkeypatch, edit):
    """Cheap checks of a stored mark before it is used (found by review: a mark naming another
    task's 分解交办 showed that assignee): it names only its task's own entries, each once, and
    the cut lies where a fold leaves it. The read is then a full one, and answers as such."""
    data = copy_data(tmp_path)
    cache = tmp_path / "cache"
    _status_json(monkeypatch, tmp_path, cache)
    journal = (data / "journal.jsonl").read_text(encoding="utf-8").splitlines()
    other = next(k for k, text in enumerate(journal) if '"assign"' in text and '"T09"' not in text)

    def change(doc):
        mark = doc["marks"]["T09"]
        if edit == "another task's assignment":
            mark[0][8] = [["rsj", other]]
        elif edit == "a cut far back":
            doc["cut"] = "2023-01-01"
        else:
            mark[1] = mark[1] + mark[1][-1:]

    _rewrite_fold(cache, change)
    _append(data, _line(id="20231229-0000b001", task="T09", percent=80, date="2023-12-29",
                        at="2023-12-29T15:12:00+08:00"))
    used = _fold_used(monkeypatch)
    answer = _both(monkeypatch, tmp_path, cache)
    assert used[0] is False
    monkeypatch.undo()
    assert answer == _both_full(monkeypatch, tmp_path)


@pytest.mark.parametrize("edit", ["days from too late", "a day before its since", "more on time than in all",
                                  "an unknown unit", "a count that is not an int"])
def test_problems_settled_that_do_not_fit_are_not_used(tmp_path, monkeypatch, edit):
    """The problems 销号 come back as their units' counts (problemlist.Settled) with the days
    they were recorded and closed from six days before the fold's last entry on: a stored group
    that would leave out a day a week's counts may ask of, or is not counts, means a full read."""
    data = copy_data(tmp_path)
    cache = tmp_path / "cache"
    _status_json(monkeypatch, tmp_path, cache)
    doc = json.loads(next(cache.glob("fold-*.json")).read_bytes().partition(b"\n")[2])
    assert doc["settled"] and all(len(row) == 8 for row in doc["settled"].values())
    unit = next(iter(doc["settled"]))

    def change(doc):
        row = doc["settled"][unit]
        if edit == "days from too late":
            row[5] = doc["last_date"]
        elif edit == "a day before its since":
            row[6] = row[6] + ["2023-01-02"]
        elif edit == "more on time than in all":
            row[1] = row[0] + 1
        elif edit == "an unknown unit":
            doc["settled"]["nobody"] = row
        else:
            row[0] = True

    _rewrite_fold(cache, change)
    _append(data, _line(id="20231229-0000b001", task="T09", percent=80, date="2023-12-29",
                        at="2023-12-29T15:12:00+08:00"))
    used = _fold_used(monkeypatch)
    answer = _both(monkeypatch, tmp_path, cache)
    assert used[0] is False
    monkeypatch.undo()
    assert answer == _both_full(monkeypatch, tmp_path)


def test_a_problem_closed_by_a_pull_joins_its_unit_s_settled_counts(tmp_path, monkeypatch):
    """A 复查 that passes, recorded after the fold was stored, closes a problem the fold holds
    open: the read that applies it answers as the full run, and the fold it stores counts the
    problem with its unit's others (and those the stored fold brought back as counts)."""
    monkeypatch.setattr(folds, "KEEP_AFTER", 0)
    data = copy_data(tmp_path)
    cache = tmp_path / "cache"
    _status_json(monkeypatch, tmp_path, cache)
    before = json.loads(next(cache.glob("fold-*.json")).read_bytes().partition(b"\n")[2])
    env = {**_stored(tmp_path), "CC_USER": "周某某"}
    found = run_cc("problem", "list", "--status", "待复查", "--json", "--as-of", "2023-12-31", cwd=tmp_path, **env)
    assert found.returncode == 0, found.stderr
    pid = json.loads(found.stdout)["problems"][0]["id"]
    result = run_cc("problem", "recheck", pid, "--pass", "--note", "复查已整改到位", "--as-of", "2023-12-31",
                    cwd=tmp_path, **env)
    assert result.returncode == 0, result.stderr
    for view in [*cache.glob("view-*.json"), *cache.glob("out-*.txt")]:
        view.unlink()
    used = _fold_used(monkeypatch)
    answer = _both(monkeypatch, tmp_path, cache, "2023-12-31")
    assert used and all(used)
    monkeypatch.undo()
    assert answer == _both_full(monkeypatch, tmp_path, "2023-12-31")
    after = json.loads(next(cache.glob("fold-*.json")).read_bytes().partition(b"\n")[2])
    assert sum(r[0] for r in after["settled"].values()) == sum(r[0] for r in before["settled"].values()) + 1
    assert len(after["problems"]) == len(before["problems"]) - 1
    assert answer[0]["summary"]["problems"]["closed_this_week"] >= 1
    del data


def test_a_journal_changed_while_a_read_takes_its_parts_is_read_in_full(tmp_path, monkeypatch):
    """A pull's line appended while a read after an earlier pull takes the lines its fold names:
    the fold is not built from the changed file; the answer is the full run's of the file as it
    is then, and so is what the store keeps."""
    data = copy_data(tmp_path)
    cache = tmp_path / "cache"
    _status_json(monkeypatch, tmp_path, cache)
    _append(data, PULLED[0])
    real = folds.read_entries

    def pulled_meanwhile(state, raw, wanted):
        if type(raw) is store.FileBytes and not pulled_meanwhile.done:
            pulled_meanwhile.done = True
            _append(data, PULLED[1])
        return real(state, raw, wanted)
    pulled_meanwhile.done = False
    monkeypatch.setattr(folds, "read_entries", pulled_meanwhile)
    used = _fold_used(monkeypatch)
    answer = _status_json(monkeypatch, tmp_path, cache)[0]
    assert pulled_meanwhile.done and used == [False]
    monkeypatch.setattr(folds, "read_entries", real)
    assert answer == _full(monkeypatch, tmp_path)
    assert _status_json(monkeypatch, tmp_path, cache, full_allowed=False)[0] == answer


def test_a_read_after_a_pull_reads_the_journal_in_parts(tmp_path, monkeypatch):
    """The read after a pull takes the lines it needs from the file (FileBytes), never the
    journal whole, and answers as the full run."""
    data = copy_data(tmp_path)
    cache = tmp_path / "cache"
    _status_json(monkeypatch, tmp_path, cache)
    _append(data, PULLED[0], PULLED[1])
    real = store.journal_raw

    def whole(*args, **kwargs):
        raise AssertionError("the journal was read whole")

    monkeypatch.setattr(store, "journal_raw", whole)
    used = _fold_used(monkeypatch)
    answer = _status_json(monkeypatch, tmp_path, cache, full_allowed=False)[0]
    monkeypatch.setattr(store, "journal_raw", real)
    assert used == [True] and answer == _full(monkeypatch, tmp_path)


@pytest.mark.parametrize("how", ["deleted", "folder", "replaced"])
def test_a_journal_gone_while_a_read_takes_its_parts_is_read_in_full(tmp_path, monkeypatch, how):
    """The journal deleted, made a folder or replaced by a checkout while a read after a pull
    takes its parts: the read is the full run's of what is there then (a hostile-input try got
    exit 1: the error of opening it again escaped as a file error)."""
    import shutil

    data = copy_data(tmp_path)
    cache = tmp_path / "cache"
    _status_json(monkeypatch, tmp_path, cache)
    _append(data, PULLED[0])
    path = data / "journal.jsonl"
    replacement = path.read_bytes() + PULLED[1].encode()
    real = store.matching

    def checkout_meanwhile(state, raw):  # before the first read of its parts, outside the fold's own checks
        if type(raw) is store.FileBytes and not checkout_meanwhile.done:
            checkout_meanwhile.done = True
            path.unlink()
            if how == "folder":
                path.mkdir()
            elif how == "replaced":
                (data / "new.jsonl").write_bytes(replacement)
                os.replace(data / "new.jsonl", path)
        return real(state, raw)
    checkout_meanwhile.done = False
    monkeypatch.setattr(store, "matching", checkout_meanwhile)
    answer = _status_json(monkeypatch, tmp_path, cache)[0]
    monkeypatch.setattr(store, "matching", real)
    assert checkout_meanwhile.done and answer == _full(monkeypatch, tmp_path)
    if how == "folder":
        shutil.rmtree(path)


@pytest.mark.parametrize("keep_after", [0, folds.KEEP_AFTER])
def test_a_notice_closed_is_stored_as_its_unit_s_count_and_reads_as_the_full_run(tmp_path, monkeypatch, keep_after):
    """A notice 销号 is kept in the stored fold as a count on its unit (a city's years hold
    thousands, each with its reply and close to read again); a pull that brings a reply to it
    (another branch answered before the 销号 was merged), another notice to its unit and that
    one's reply and 销号 reads as the full run, the unit's 督办 count included."""
    monkeypatch.setattr(folds, "KEEP_AFTER", keep_after)
    data = copy_data(tmp_path)
    cache = tmp_path / "cache"
    _status_json(monkeypatch, tmp_path, cache)
    stored = _stored_fold(cache, data)
    lines = (data / "journal.jsonl").read_text(encoding="utf-8").splitlines()
    closed = {json.loads(x)["notice"] for x in lines if '"kind":"close"' in x}
    assert closed == {"2023-1"}
    first = next(k for k, x in enumerate(lines) if json.loads(x)["kind"] == "notice")
    assert json.loads(lines[first])["number"] == 1
    assert all(row[0] != first for row in stored["notices"])  # the 销号 notice's lines are not read again
    assert stored["units"]["scjgj"][0] == [] and stored["units"]["scjgj"][2] == 1
    notice = {"id": "20231231-0000d001", "kind": "notice", "date": DAY, "at": "2023-12-31T09:00:00+08:00",
              "by": "周某某", "year": 2023, "number": 9, "doc_no": "法治督〔2023〕9号", "unit": "scjgj", "seq": 2,
              "level": "黄", "tasks": ["T07"], "gaps": ["T07 进度滞后"], "reason": "推进缓慢。", "deadline": "2024-01-10"}
    pulls = [
        [_line(date=DAY, id="20231231-0000d000", kind="reply", notice="2023-1", unit="scjgj", note="再次报告整改情况。",
               by="苏某某", task=None, percent=None, at="2023-12-31T08:00:00+08:00")],
        [json.dumps(notice, ensure_ascii=False) + "\n"],
        [_line(date=DAY, id="20231231-0000d002", kind="reply", notice="2023-9", unit="scjgj", note="已整改。",
               by="苏某某", task=None, percent=None, at="2023-12-31T10:00:00+08:00"),
         _line(date=DAY, id="20231231-0000d003", kind="close", notice="2023-9", note="予以销号。", task=None, percent=None,
               unit=None, by="周某某", at="2023-12-31T11:00:00+08:00")],
    ]
    for lines_ in pulls:
        _append(data, *(json.dumps({k: v for k, v in json.loads(x).items() if v is not None}, ensure_ascii=False)
                        + "\n" for x in lines_))
        used = _fold_used(monkeypatch)
        answer = _both(monkeypatch, tmp_path, cache)
        monkeypatch.undo()
        monkeypatch.setattr(folds, "KEEP_AFTER", keep_after)
        assert used[0] is True, lines_
        assert answer == _both_full(monkeypatch, tmp_path)
    scjgj = next(u for u in answer[1]["units"] if u["id"] == "scjgj")
    assert (scjgj["notice_count"], scjgj["open_notices"]) == (2, 0)
    if keep_after == 0:
        assert _stored_fold(cache, data)["units"]["scjgj"][:3:2] == [[], 2]


def test_a_pulled_second_verify_reads_as_the_full_run(tmp_path, monkeypatch):
    """A 验收 pulled for a task already 验收销号 (verify-twice) was checked against the task's last
    report alone, which names no 验收: the read through the store took it, the full run called it an
    error. A 验收 is checked against the task's every entry: a proper one is still read through the
    store, a second one as the full run reads it."""
    data = copy_data(tmp_path)
    cache = tmp_path / "cache"
    _status_json(monkeypatch, tmp_path, cache)
    verify = {"kind": "verify", "date": DAY, "at": "2023-12-31T10:00:00+08:00", "by": "周某某", "note": "验收。"}
    _append(data, PULLED[2], json.dumps({**verify, "id": "20231231-0000fb05", "task": "T09"}, ensure_ascii=False) + "\n")
    answer, _ = _status_json(monkeypatch, tmp_path, cache, full_allowed=False)
    assert answer == _full(monkeypatch, tmp_path)
    assert next(t for t in answer["tasks"] if t["id"] == "T09")["light"] == "done"
    _append(data, json.dumps({**verify, "id": "20231231-0000fb06", "task": "T08"}, ensure_ascii=False) + "\n")
    answer, full_checks = _status_json(monkeypatch, tmp_path, cache)
    assert answer == _full(monkeypatch, tmp_path) and full_checks == 1
    assert "verify-twice" in run_cc("validate", cwd=tmp_path).stdout
