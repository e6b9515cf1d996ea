"""store/parallel.py: work in a forked child beside the parent's, and the cold read that uses it
(the YAML files read in a child while the journal is validated; the journal checked in a child
while the snapshot and the output are made): the same answer as one after another, always."""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import sys
import threading

import pytest

from chuangcheng_cli.cli import fast
from chuangcheng_cli.diagnostics import render_text
from chuangcheng_cli.store import checks, parallel
from helpers import copy_data

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork is used on Linux only")

DAY = "2023-12-31"


@pytest.fixture(autouse=True)
def two_cores(monkeypatch):
    """A second core, as on the machines this is for (the tests' own may have one)."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})


def _no_children() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


# ------------------------------------------------------------------ the mechanism


def test_a_child_s_value_comes_back_and_the_child_is_reaped():
    pending = parallel.start(lambda: {"problems": ["一", 2, None], "big": "字" * 300_000})
    assert pending is not None
    assert pending.result() == {"problems": ["一", 2, None], "big": "字" * 300_000}  # more than a pipe holds
    assert _no_children()


@pytest.mark.parametrize("failure", ["raises", "killed", "exits"])
def test_a_child_that_gives_no_answer_is_told_apart_from_any_answer(failure):
    """The caller then does the work itself: a failure is never read as "no problems"."""
    def call():
        if failure == "raises":
            raise ValueError("坏了")
        if failure == "killed":
            os.kill(os.getpid(), signal.SIGKILL)
        os._exit(0)  # ends before writing

    missing = object()
    assert parallel.start(call).result(missing) is missing
    assert _no_children()


def test_a_child_may_answer_none_or_an_empty_list():
    assert parallel.start(list).result("missing") == []
    assert parallel.start(lambda: None).result("missing") is None


def test_cancel_stops_a_child_still_working_and_reaps_it():
    r, w = os.pipe()
    try:
        # waits for ever (nothing is written); the alarm ends it after a minute should cancel not
        pending = parallel.start(lambda: (signal.alarm(60), os.read(r, 1)))
        pending.cancel()
        assert _no_children()
    finally:
        os.close(r)
        os.close(w)


def test_no_child_where_fork_is_not_safe_or_not_worth_it(monkeypatch):
    assert parallel.usable()
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0})
    assert not parallel.usable() and parallel.start(list) is None  # one core: nothing runs beside
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(sys, "platform", "darwin")
    assert not parallel.usable()
    monkeypatch.setattr(sys, "platform", "linux")
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not parallel.usable()  # a lock another thread holds would stay held in the child
    finally:
        stop.set()
        thread.join()
    assert parallel.usable()


def test_a_ctrl_c_as_the_child_is_made_ends_the_child_not_the_parent_s_work(tmp_path, monkeypatch):
    """A Ctrl-C reaching the child before it is set up must end it, never let it run on as a
    copy of the parent (a review found it printing 已中断。 and running the parent's cleanup)."""
    seen = tmp_path / "seen"
    real_fork = os.fork

    def fork_then_ctrl_c():
        pid = real_fork()
        if pid == 0:
            blocked = signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, [])
            seen.write_text("held" if blocked else "not held", encoding="utf-8")
            if not blocked:
                os._exit(99)  # this test's own child must not run on either
            os.kill(os.getpid(), signal.SIGINT)  # waits until the child is set up, then ends it
        return pid

    monkeypatch.setattr(os, "fork", fork_then_ctrl_c)
    missing = object()
    pending = parallel.start(lambda: "答案")
    assert pending.result(missing) is missing  # ended by the Ctrl-C: no answer, the caller works alone
    assert seen.read_text(encoding="utf-8") == "held" and _no_children()
    assert signal.SIGINT not in signal.pthread_sigmask(signal.SIG_BLOCK, [])  # the parent's mask as it was


def test_a_ctrl_c_waiting_in_the_parent_is_raised_and_its_child_reaped(monkeypatch):
    real_fork = os.fork

    def fork_in_the_parent_s_ctrl_c():
        pid = real_fork()
        if pid:
            os.kill(os.getpid(), signal.SIGINT)  # held off until the child is made
        return pid

    monkeypatch.setattr(os, "fork", fork_in_the_parent_s_ctrl_c)
    with pytest.raises(KeyboardInterrupt):
        parallel.start(lambda: "答案")
    assert _no_children()


def test_no_child_when_the_system_reaps_children(monkeypatch):
    """SIGCHLD ignored (some supervisors start programs so): a child's exit could not be read,
    and every answer would be taken for a failure and the work done twice."""
    previous = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        assert not parallel.usable()
    finally:
        signal.signal(signal.SIGCHLD, previous)
    assert parallel.usable()


def test_a_child_hashes_without_the_parent_s_worker_threads():
    """BLAKE3's workers (state._journal_hash) are threads of the parent, not of a child: a child
    that hashed through them would wait for ever."""
    from chuangcheng_cli.store import state

    data = os.urandom(8 << 20)
    here = state.digest(data)  # the parent's workers now exist
    # through the workers it would wait for ever: the alarm ends it after a minute
    assert parallel.start(lambda: (signal.alarm(60), state.digest(data))[1]).result() == here
    assert not parallel.in_child()


def test_without_posix_signals_the_module_loads_and_makes_no_child(monkeypatch):
    """On Windows (no fork, no SIGHUP, SIGCHLD or pthread_sigmask) every read imports this
    module: it must load, and stand aside."""
    import importlib.util
    import types

    windows = types.ModuleType("signal")
    for name in dir(signal):
        if name not in ("SIGHUP", "SIGCHLD", "pthread_sigmask", "SIG_BLOCK", "SIG_SETMASK"):
            setattr(windows, name, getattr(signal, name))
    monkeypatch.setitem(sys.modules, "signal", windows)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.delattr(os, "fork")
    spec = importlib.util.spec_from_file_location("parallel_on_windows", parallel.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert not module.usable() and module.start(list) is None and not module.in_child()


def test_no_child_when_fork_fails(monkeypatch):
    def refused():
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)
    assert parallel.start(list) is None


def test_large_follows_the_journal_s_size(tmp_path, monkeypatch):
    journal = tmp_path / "journal.jsonl"
    journal.write_bytes(b"x" * 100)
    monkeypatch.delenv("CC_PARALLEL_MIN_BYTES", raising=False)
    assert not parallel.large(journal) and not parallel.large(tmp_path / "missing")
    monkeypatch.setenv("CC_PARALLEL_MIN_BYTES", "100")
    assert parallel.large(journal)
    monkeypatch.setenv("CC_PARALLEL_MIN_BYTES", "很多")
    assert not parallel.large(journal)  # not a number: the default


# ------------------------------------------------------------------ check_folder


def _broken(tmp_path):
    """The bundled data with a warning (an entry before the campaign) and an error (an unknown
    task) in the journal."""
    data = copy_data(tmp_path)
    lines = (data / "journal.jsonl").read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    early = {**first, "id": "20200101-0000e001", "date": "2020-01-01", "at": "2020-01-01T09:00:00+08:00"}
    wrong = {**json.loads(next(x for x in lines if '"progress"' in x)), "id": "20231201-0000e002", "task": "T99"}
    with open(data / "journal.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps(early, ensure_ascii=False) + "\n" + json.dumps(wrong, ensure_ascii=False) + "\n")
    return data


@pytest.mark.parametrize("case", ["bundled", "broken"])
def test_check_folder_beside_a_child_finds_what_it_finds_alone(tmp_path, case):
    data = copy_data(tmp_path) if case == "bundled" else _broken(tmp_path)
    alone = checks.check_folder(data, tmp_path, parallel=False)
    seen = []

    def beside(project):
        seen.append(project)
        return "快照"

    both = checks.check_folder(data, tmp_path, parallel=True, beside=beside)
    assert render_text(both.problems) == render_text(alone.problems)
    assert both.plan == alone.plan and both.units == alone.units  # read in the child, the same
    assert [e.id for e in both.journal.entries] == [e.id for e in alone.journal.entries]
    assert len(seen) == 1 and _no_children()
    if case == "bundled":
        assert both.project is seen[0] and both.ahead == "快照"
        assert alone.ahead is None  # no child: beside is the caller's to run
    else:
        assert alone.errors and both.project is None and both.ahead is None  # dropped: the check found errors


def test_check_folder_checks_here_when_the_child_gives_no_answer(tmp_path, monkeypatch):
    data = _broken(tmp_path)
    alone = checks.check_folder(data, tmp_path, parallel=False)
    parent = os.getpid()
    real = checks.check_journal

    def only_here(*args, **kwargs):
        if os.getpid() != parent:
            os._exit(3)  # the child dies
        return real(*args, **kwargs)

    monkeypatch.setattr(checks, "check_journal", only_here)
    both = checks.check_folder(data, tmp_path, parallel=True, beside=lambda project: "快照")
    assert render_text(both.problems) == render_text(alone.problems) and alone.errors


def test_check_folder_reads_the_yaml_here_when_the_child_gives_no_answer(tmp_path, monkeypatch):
    data = copy_data(tmp_path)
    alone = checks.check_folder(data, tmp_path, parallel=False)
    parent = os.getpid()
    real = checks.loading.load_yaml_model

    def only_here(*args, **kwargs):
        if os.getpid() != parent:
            raise MemoryError
        return real(*args, **kwargs)

    monkeypatch.setattr(checks.loading, "load_yaml_model", only_here)
    both = checks.check_folder(data, tmp_path, parallel=True)
    assert both.plan == alone.plan and render_text(both.problems) == render_text(alone.problems)


def test_a_failure_beside_the_child_stops_it_and_is_raised(tmp_path):
    data = copy_data(tmp_path)

    def beside(project):
        raise KeyboardInterrupt  # Ctrl-C while the snapshot is made

    with pytest.raises(KeyboardInterrupt):
        checks.check_folder(data, tmp_path, parallel=True, beside=beside)
    assert _no_children()


def test_a_fault_beside_the_check_counts_only_on_a_record_free_of_errors(tmp_path):
    """The snapshot is made before the check has judged the journal: on one with errors its fold
    may fail (an entry of a task the plan lacks), which the check's findings then explain; on a
    record free of errors a failure is ours and is raised."""
    def beside(project):
        raise ValueError("折叠失败")

    broken = checks.check_folder(_broken(tmp_path / "a"), tmp_path, parallel=True, beside=beside)
    assert broken.errors and broken.ahead is None and _no_children()
    with pytest.raises(ValueError, match="折叠失败"):
        checks.check_folder(copy_data(tmp_path / "b"), tmp_path, parallel=True, beside=beside)
    assert _no_children()


# ------------------------------------------------------------------ what a user sees


def _run(monkeypatch, folder, parallel_on: bool, *args: str, cache: bool = False) -> tuple[int, str, str, int]:
    """(exit code, stdout, stderr, children made) of a command run in process, as cc runs it."""
    monkeypatch.chdir(folder)
    if cache:
        monkeypatch.delenv("CC_NO_CACHE", raising=False)
    else:
        monkeypatch.setenv("CC_NO_CACHE", "1")
    monkeypatch.setenv("CC_PARALLEL_MIN_BYTES", "0" if parallel_on else str(1 << 40))
    children, answers = [], []
    real_start, real_result = parallel.start, parallel.Pending.result

    def counted(call):
        pending = real_start(call)
        children.append(pending)
        return pending

    def answered(self, missing=None):
        found = real_result(self, missing)
        answers.append(found is not missing)
        return found

    monkeypatch.setattr(parallel, "start", counted)
    monkeypatch.setattr(parallel.Pending, "result", answered)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = fast.run_fast(list(args))
    assert _no_children()
    if parallel_on:  # each child made gave its answer, and it was used
        assert children and None not in children and answers == [True] * len(children)
    else:
        assert not children
    return code, out.getvalue(), err.getvalue(), len(children)


@pytest.mark.parametrize("case", ["bundled", "broken"])
@pytest.mark.parametrize("args", [["status"], ["status", "--json"], ["status", "--unit", "民政局"],
                                  ["status", "--light", "红"], ["status", "--unit", "没有这个单位"],
                                  ["status", "--indicator", "没有这个指标"], ["units"], ["units", "--json"],
                                  ["status", "--strict"], ["validate"]])
@pytest.mark.parametrize("cache", [False, True])
def test_status_and_units_say_the_same_with_the_check_in_a_child(tmp_path, monkeypatch, case, args, cache):
    """Every output and exit code as one after another: the usable part of a damaged journal with
    what was skipped, an unknown --unit (said after the check's findings), --strict; with the
    store on, what it keeps for the next read too (the state, the fold, the view)."""
    folder = tmp_path / "repo"
    folder.mkdir()
    data = copy_data(folder) if case == "bundled" else _broken(folder)
    assert data.parent == folder
    command = [*args] if args == ["validate"] else [*args, "--as-of", DAY]
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    stores = []
    for parallel_on in (False, True):
        if cache:
            stores.append(tmp_path / f"store-{parallel_on}")
            monkeypatch.setenv("CC_CACHE_DIR", str(stores[-1]))
            monkeypatch.setenv("CC_INDEX_MIN_BYTES", "0")
        found = _run(monkeypatch, folder, parallel_on, *command, cache=cache)
        if parallel_on:
            assert found[:3] == alone[:3]
            # the YAML files read in one child; the journal checked in another, unless an error
            # was found before (none here) or the command checks it with others (validate)
            assert found[3] == (1 if args == ["validate"] else 2)
        alone = found
    if cache:  # the same files kept, with the same bytes: the next read answers from them alike
        kept = [{p.name: p.read_bytes() for p in sorted(store.rglob("*")) if p.is_file()} for store in stores]
        # a printed output is kept under a digest of the whole environment (fast._output_key),
        # CC_PARALLEL_MIN_BYTES included, and checked with it: what was printed is compared
        outputs = [sorted(v.split(b"\n", 2)[2] for k, v in files.items() if k.startswith("out-")) for files in kept]
        kept = [{k: v for k, v in files.items() if not k.startswith("out-")} for files in kept]
        assert kept[0] == kept[1] and outputs[0] == outputs[1]
        assert kept[0] or args == ["validate"] or alone[0] != 0  # validate, a refusal: nothing to keep
    if case == "broken":
        assert "1 条记录未计入" in alone[2] or alone[0] != 0  # the unknown task left out (--strict: refused)
