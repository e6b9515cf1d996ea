"""The store's views and outputs behind a repeated `cc status` (store/state.py): same answers, no heavy imports, never stale."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from helpers import copy_data, run_cc

CASES = [
    ("status", "--as-of", "2023-09-10"),
    ("status", "--json", "--as-of", "2023-09-10"),
    ("status", "--unit", "民政局", "--as-of", "2023-06-30"),
    ("status", "--light", "red", "--indicator", "I3", "--as-of", "2023-12-31"),
    ("units", "--as-of", "2023-12-31"),
    ("units", "--json", "--as-of", "2023-12-31"),
]


@pytest.fixture()
def cached(tmp_path):
    copy_data(tmp_path)
    return tmp_path, {"CC_NO_CACHE": "", "CC_CACHE_DIR": str(tmp_path / "cache")}


@pytest.mark.parametrize("args", CASES, ids=[" ".join(c) for c in CASES])
def test_warm_answer_equals_cold(cached, args):
    cwd, env = cached
    cold = run_cc(*args, cwd=cwd)
    first = run_cc(*args, cwd=cwd, **env)  # fills the cache
    warm = run_cc(*args, cwd=cwd, **env)
    assert cold.returncode == first.returncode == warm.returncode == 0
    assert cold.stdout == first.stdout == warm.stdout
    assert list((cwd / "cache").glob("*.json"))


def test_warm_status_needs_neither_yaml_pydantic_typer_nor_rich(cached):
    """A repeated command prints what it printed before (store/state.py outputs): nor pathlib, nor
    what a cold read alone uses (store/parallel.py: once asked by every hash, some 4 ms of 40)."""
    cwd, env = cached
    run_cc("status", "--as-of", "2023-09-10", cwd=cwd, **env)
    probe = ("import sys; sys.argv=['cc','status','--as-of','2023-09-10']\n"
             "from chuangcheng_cli.entry import main\n"  # main: run leaves before the print below
             "try:\n    main()\n"
             "except SystemExit: pass\n"
             "print('LOADED', sorted(m for m in ('yaml','pydantic','typer','rich','pathlib',"
             "'chuangcheng_cli.store.parallel') if m in sys.modules), file=sys.stderr)")
    from helpers import cc_env

    result = subprocess.run([sys.executable, "-c", probe], cwd=cwd, env=cc_env(**env), capture_output=True,
                            text=True, timeout=60)
    assert "LOADED []" in result.stderr, result.stderr


def test_changed_data_is_never_served_stale(cached):
    cwd, env = cached
    args = ("status", "--json", "--as-of", "2023-12-31")
    before = json.loads(run_cc(*args, cwd=cwd, **env).stdout)
    journal = cwd / "data" / "journal.jsonl"
    original = journal.read_bytes()
    assert run_cc("log", "T09", "--unit", "人社局", "--percent", "95", "--note", "新进展", "--as-of", "2023-12-31",
                  cwd=cwd, **env).returncode == 0
    after = json.loads(run_cc(*args, cwd=cwd, **env).stdout)
    t09 = next(t for t in after["tasks"] if t["id"] == "T09")
    assert t09["percent"] == 95
    journal.write_bytes(original)  # as after `git checkout -- data/journal.jsonl`
    again = json.loads(run_cc(*args, cwd=cwd, **env).stdout)
    assert again == before


def test_broken_data_is_reported_even_with_a_cache(cached):
    cwd, env = cached
    run_cc("status", cwd=cwd, **env)
    tasklist = cwd / "data" / "tasklist.yaml"
    tasklist.write_text(tasklist.read_text(encoding="utf-8").replace("lead: mzj", "lead: mzjj", 1), encoding="utf-8")
    result = run_cc("status", cwd=cwd, **env)
    assert result.returncode == 1 and "unknown-unit" in result.stderr


def test_corrupt_or_unwritable_cache_is_ignored(cached):
    cwd, env = cached
    args = ("status", "--json", "--as-of", "2023-09-10")
    expected = run_cc(*args, cwd=cwd).stdout
    run_cc(*args, cwd=cwd, **env)
    for f in (cwd / "cache").glob("*.json"):
        f.write_text("{not json", encoding="utf-8")
    assert run_cc(*args, cwd=cwd, **env).stdout == expected
    blocker = cwd / "not-a-dir"
    blocker.write_text("x", encoding="utf-8")
    result = run_cc(*args, cwd=cwd, CC_NO_CACHE="", CC_CACHE_DIR=str(blocker / "cache"))
    assert result.returncode == 0 and result.stdout == expected


def test_unusual_arguments_fall_back_to_the_full_program(cached):
    cwd, env = cached
    run_cc("status", cwd=cwd, **env)
    typo = run_cc("status", "--unit", "民正局", cwd=cwd, **env)
    assert typo.returncode == 2 and "民政局" in typo.stderr  # did-you-mean comes from the full path
    assert run_cc("status", "--help", cwd=cwd, **env).returncode == 0


def test_an_indicator_named_like_another_ones_id_resolves_alike(cached):
    """--indicator takes a name first, then an id, with a stored view as without (found by a
    hostile-input try: the stored view matched I1's id where a full run matched I2's name "I1")."""
    cwd, env = cached
    plan = cwd / "data" / "tasklist.yaml"
    text = plan.read_text(encoding="utf-8")
    assert text.count("    name: 公共法律服务与公正司法") == 1
    plan.write_text(text.replace("    name: 公共法律服务与公正司法", "    name: I1"), encoding="utf-8")
    args = ("status", "--indicator", "I1", "--json", "--as-of", "2023-09-10")
    run_cc("status", "--as-of", "2023-09-10", cwd=cwd, **env)  # a view of the day is stored
    warm, cold = run_cc(*args, cwd=cwd, **env), run_cc(*args, cwd=cwd)
    assert warm.returncode == cold.returncode == 0 and warm.stdout == cold.stdout
    assert [t["id"] for t in json.loads(cold.stdout)["tasks"]] == ["T04", "T05", "T06"]


def test_a_store_file_edited_copied_or_of_another_shape_is_not_used(cached, tmp_path):
    """Every store file carries a checksum and the key it was stored under: a view of another
    shape, an edited output, another folder's state copied over this one's are not used (found by
    a hostile-input try: a traceback, an edited figure printed as fact, another plan's lights)."""
    import shutil

    cwd, env = cached
    store = cwd / "cache"
    env = {**env, "CC_INDEX_MIN_BYTES": "0"}
    args = ("status", "--json", "--as-of", "2023-09-10")
    expected = run_cc(*args, cwd=cwd).stdout
    run_cc(*args, cwd=cwd, **env)
    for f in store.glob("out-*"):
        f.unlink()
    for f in store.glob("view-*"):
        f.write_text('{"format":2}', encoding="utf-8")
    result = run_cc(*args, cwd=cwd, **env)
    assert result.returncode == 0 and "Traceback" not in result.stderr and result.stdout == expected
    for f in store.glob("out-*"):  # an edited output: its checksum fails
        f.write_bytes(f.read_bytes().replace(b'"yellow": 2', b'"yellow": 7'))
    assert run_cc(*args, cwd=cwd, **env).stdout == expected
    # another folder, the same journal, a different plan: its state copied over this one's
    other = tmp_path / "other"
    other.mkdir()
    shutil.copytree(cwd / "data", other / "data")
    plan = other / "data" / "tasklist.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("lag_threshold: 10", "lag_threshold: 60"),
                    encoding="utf-8")
    before = set(store.glob("state-*"))
    assert run_cc(*args, cwd=other, **env).returncode == 0
    (theirs,) = set(store.glob("state-*")) - before
    want = run_cc(*args, cwd=other).stdout
    assert want != expected
    for f in before:
        shutil.copyfile(f, theirs)  # this folder's state under the other folder's name
    for f in [*store.glob("view-*"), *store.glob("out-*"), *store.glob("fold-*")]:
        f.unlink()
    assert run_cc(*args, cwd=other, **env).stdout == want


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_an_existing_cache_folder_keeps_its_mode_and_files(cached, tmp_path):
    """CC_CACHE_DIR naming a folder of the user's: its mode is left alone, and pruning removes only
    files the store wrote (found by a hostile-input try: chmod 0700 of a 1777 folder, and files
    named out-report-*.txt pruned)."""
    import os

    cwd, _ = cached
    folder = tmp_path / "shared"
    folder.mkdir()
    os.chmod(folder, 0o1777)
    mine = []
    for n in range(80):
        f = folder / f"out-report-{n}.txt"
        f.write_text("mine", encoding="utf-8")
        os.utime(f, (1_577_836_800, 1_577_836_800))  # 2020: older than anything the store writes
        mine.append(f)
    env = {"CC_NO_CACHE": "", "CC_CACHE_DIR": str(folder)}
    for day in range(1, 30):  # more outputs than the store keeps: it prunes its own
        assert run_cc("status", "--as-of", f"2023-09-{day:02d}", cwd=cwd, **env).returncode == 0
    assert os.stat(folder).st_mode & 0o7777 == 0o1777
    assert all(f.exists() for f in mine)
    fresh = tmp_path / "new" / "store"
    assert run_cc("status", "--as-of", "2023-09-10", cwd=cwd, CC_NO_CACHE="", CC_CACHE_DIR=str(fresh)).returncode == 0
    assert os.stat(fresh).st_mode & 0o777 == 0o700  # one the store makes is private


def test_the_keys_follow_the_holiday_calendar(tmp_path, monkeypatch):
    """A stored status kept saying 已逾期 after chinesecalendar was upgraded (a fairness review): the
    keys followed this package's code alone. The calendar's tables are part of them now."""
    import os
    import sys

    from chuangcheng_cli.store import state

    tables = tmp_path / "chinese_calendar" / "constants.py"
    tables.parent.mkdir()
    tables.write_text("holidays = {}\n", encoding="utf-8")
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    before = state._code_stamp()
    assert f"chinese_calendar:{tables.stat().st_mtime_ns}".encode() in before
    tables.write_text("holidays = {1: 2}\n", encoding="utf-8")
    os.utime(tables, ns=(tables.stat().st_atime_ns, tables.stat().st_mtime_ns + 10**9))
    assert state._code_stamp() != before
