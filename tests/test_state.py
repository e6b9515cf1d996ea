"""The store (store/state.py): writes and reads through it answer exactly as a full run would."""

from __future__ import annotations

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
    text = re.sub(r'"id":"\d{8}-[0-9a-f]{8}"', '"id":"…"', text)
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
        assert (a.returncode, a.stdout, a.stderr) == (b.returncode, b.stdout, b.stderr), args
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
            list(a.family)) == (b.digest, b.size, list(b.offsets), list(b.lines),
                                       {k: list(v) for k, v in b.by_task.items()}, list(b.family))


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


@pytest.mark.parametrize("tail", [
    '{"id": "broken"\n',  # not JSON
    '{"id": "x", "kind": "progress"}\n',  # not an entry
    _line(percent=50),  # a decrease after the 80% of 12-29, without a correction
    _line(task="T99"),  # unknown task
    _line(id="20230420-3a0d6903"),  # an id the journal already has
    _line() + _line(),  # the same id twice in the new lines
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
