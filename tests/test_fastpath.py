"""The fast path (cli/fast.py) answers exactly as the typer app does, or leaves the answer to it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from chuangcheng_cli.cli import fast
from helpers import cc_command, cc_env, copy_data, snapshot_files

TYPER_ONLY = [sys.executable, "-c",
              "import sys; sys.argv[0] = 'cc'; from chuangcheng_cli.cli import main; main()"]


def _run(prefix: list[str], args: list[str], cwd: Path, **env: str) -> tuple[int, str, str]:
    result = subprocess.run([*prefix, *args], cwd=cwd, env=cc_env(**env), capture_output=True, text=True,
                            timeout=120)
    return result.returncode, result.stdout, result.stderr


READ_CASES = [
    ["status"],
    ["status", "--json"],
    ["status", "-u", "民政局", "--light", "green"],
    ["status", "--unit=民政"],  # a partial name: resolved against the data, not the cache
    ["status", "-u", "不存在"],
    ["status", "-i", "I1"],
    ["status", "-l", "黄"],
    ["status", "--light", "purple"],
    ["status", "-i", "I9"],
    ["--as-of", "2023-12-29", "status", "-l", "done"],
    ["status", "--as-of", "2023-02-30"],
    ["status", "--as-of", "2023/9/10"],  # the spellings of a date people type
    ["--as-of", "2023年9月10日", "units"],
    ["status", "--as-of", "２０２３.９.１０", "-u", "人社局"],  # one unit: only its escalation
    ["units"],
    ["units", "--json"],
    ["--as-of", "2023-12-29", "units", "--unit", "scjgj"],  # its row and what the lead unit owes it
    ["--as-of", "2023-12-29", "units", "-u", "人社局", "--json"],
    ["units", "-u", "民政"],  # a partial name: resolved against the data
    ["units", "-u", "人设局"],
    ["validate"],
    ["validate", "-f", "json"],
    ["validate", "--format=github", "--strict"],
    ["--data", "nowhere", "status"],
    ["status", "--data", "data/journal.jsonl"],
]


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("repo")
    copy_data(root)
    return root


@pytest.mark.parametrize("args", READ_CASES, ids=[" ".join(a) for a in READ_CASES])
@pytest.mark.parametrize("cache", ["off", "on"])
def test_read_commands_match_typer(args, cache, repo, tmp_path):
    env: dict[str, str] = {}
    if cache == "on":  # a warm cache: the second run is served from it
        env = {"CC_NO_CACHE": "", "CC_CACHE_DIR": str(tmp_path / "cache")}
        _run(cc_command(), args, repo, **env)
    if "--as-of" not in args:
        args = ["--as-of", "2023-06-30", *args]
    with ThreadPoolExecutor(2) as pool:
        ours, theirs = pool.map(lambda prefix: _run(prefix, args, repo, **env), [cc_command(), TYPER_ONLY])
    assert ours == theirs


def test_bad_data_is_reported_alike(tmp_path):
    data = copy_data(tmp_path)
    bad = f"journal.jsonl:{len((data / 'journal.jsonl').read_text(encoding='utf-8').splitlines()) + 1}"
    with open(data / "journal.jsonl", "a", encoding="utf-8") as fh:
        fh.write('{"id": "x"}\n')
    for args in (["status"], ["units"], ["validate"], ["log", "T01", "-u", "sfj", "-p", "50", "-n", "说明。"]):
        ours = _run(cc_command(), ["--as-of", "2023-06-30", *args], tmp_path)
        theirs = _run(TYPER_ONLY, ["--as-of", "2023-06-30", *args], tmp_path)
        assert ours == theirs
        if args[0] in ("status", "units"):  # reads run on the usable entries, with a warning
            assert ours[0] == 0 and "1 条记录未计入" in ours[2]
        else:
            assert ours[0] == 1 and bad in ours[1] + ours[2]
    for args in (["status", "--strict"], ["units", "--strict"]):
        ours = _run(cc_command(), ["--as-of", "2023-06-30", *args], tmp_path)
        theirs = _run(TYPER_ONLY, ["--as-of", "2023-06-30", *args], tmp_path)
        assert ours == theirs and ours[0] == 1 and bad in ours[2]


LOG_CASES = [  # the first, second, fourth and last succeed; the others are refused
    ["log", "T09", "-u", "rsj", "-p", "90", "-n", "欠薪案件已基本清零。"],
    ["log", "T09", "--unit=人社局", "--percent=90", "--note=说明。", "-e", "https://example.org/a", "-e",
     "https://example.org/b", "--problem", "台账不全。", "--by", "范某某", "--date", "2023-12-29"],
    ["log", "T09", "-u", "rsj", "-p", "50", "-n", "下调。"],  # a decrease without --correct
    ["log", "T09", "-u", "rsj", "-p", "50", "-n", "下调。", "--correct", "上次多报了。"],
    ["log", "T09", "-u", "rsj", "-p", "101", "-n", "说明。"],
    ["log", "T09", "-u", "rsj", "-p", "90", "-n", ""],
    ["log", "T09", "-u", "mzj", "-p", "90", "-n", "说明。"],  # not this task's unit
    ["log", "T99", "-u", "rsj", "-p", "90", "-n", "说明。"],
    ["log", "T09", "-u", "rsj", "-p", "90", "-n", "说明。", "-e", "no/such/file.pdf"],
    ["log", "", "-u", "rsj", "-p", "90", "-n", "说明。"],  # 任务编号不能为空 on both paths, not 找不到任务 ""
    ["log", " ", "-u", "rsj", "-p", "90", "-n", "说明。"],
    ["log", "T09", "-u", "rsj", "-p", "90", "-n", "说明。", "--dry-run"],
]


def _normalize(text: str) -> str:
    text = re.sub(r'"id":\s*"[^"]+"', '"id":"…"', text)
    return re.sub(r'"at":\s*"[^"]+"', '"at":"…"', text)


def _written_alike(args: list[str], tmp_path: Path, as_of: str) -> tuple:
    """Run a writing command line on two copies of the data, by us and by typer alone; assert
    the same answer and the same journal (ids and times aside); the answer."""
    results, journals = [], []
    for name, prefix in (("ours", cc_command()), ("typer", TYPER_ONLY)):
        root = tmp_path / name
        data = copy_data(root)
        code, out, err = _run(prefix, ["--as-of", as_of, *args], root)
        results.append((code, _normalize(out), err))
        journals.append(_normalize((data / "journal.jsonl").read_text(encoding="utf-8")))
    assert results[0] == results[1]
    assert journals[0] == journals[1]
    return results[0]


@pytest.mark.parametrize("args", LOG_CASES, ids=[" ".join(a[1:]) for a in LOG_CASES])
def test_log_matches_typer(args, tmp_path):
    result = _written_alike(args, tmp_path, "2023-12-29")
    k = LOG_CASES.index(args)
    assert result[0] == (0 if k in (0, 1, 3, len(LOG_CASES) - 1) else 2), result


FIX_CASES = [  # the first, second, fifth and eighth succeed; the others are refused
    ["problem", "fix", "W2023-0008", "-n", "已整改。", "--by", "范某某"],
    ["problem", "fix", "w2023-0026", "--note=已整改。", "-e", "https://example.org/a", "--by", "苗某某"],
    ["problem", "fix", "W2023-0021", "-n", "又报一次。", "--by", "周某某"],  # already waiting for 复查
    ["problem", "fix", "W2023-0001", "-n", "已销号的。", "--by", "周某某"],
    ["problem", "fix", "8", "-n", "只写序号。", "--by", "范某某"],
    ["problem", "fix", "W2099-0001", "-n", "没有这个问题。"],
    ["problem", "fix", "W2023-0008", "-n", "", "--by", "范某某"],
    ["problem", "fix", "W2023-0008", "-n", "演练。", "--dry-run", "--by", "范某某"],
    ["problem", "fix", "W2023-0008", "-n", "代报。", "--by", "不在名册的人"],
    ["problem", "fix", "W2023-0008", "-n", "说明。", "-e", "no/such/file.pdf", "--by", "范某某"],
    ["problem", "fix", "", "-n", "说明。", "--by", "范某某"],  # 问题编号不能为空 on both paths
]


@pytest.mark.parametrize("args", FIX_CASES, ids=[" ".join(a[2:]) for a in FIX_CASES])
def test_problem_fix_matches_typer(args, tmp_path):
    result = _written_alike(args, tmp_path, "2023-12-31")
    k = FIX_CASES.index(args)
    assert (result[0] == 0) == (k in (0, 1, 4, 7)), result
    assert fast.parse(["--as-of", "2023-12-31", *args]) is None if not args[2] else \
        fast.parse(["--as-of", "2023-12-31", *args])[0] == "problem fix"


OFFICE_CASES = [  # (command line, whether it succeeds): the office's 复查 and 延期
    (["problem", "recheck", "W2023-0021", "--pass", "-n", "通过。"], True),
    (["problem", "recheck", "W2023-0028", "--fail", "-n", "未通过。", "--days", "10"], True),
    (["problem", "recheck", "w2023-0028", "--fail", "--note=未通过。", "--deadline", "2024/1/20"], True),
    (["problem", "recheck", "W2023-0021", "-n", "没写结果。"], False),
    (["problem", "recheck", "W2023-0021", "--pass", "--fail", "-n", "两个结果。"], False),  # not the last one's
    (["problem", "recheck", "W2023-0008", "--pass", "-n", "未报整改。"], False),
    (["problem", "recheck", "W2023-0028", "--fail", "-n", "两个期限。", "--days", "10", "--deadline", "2024-01-20"], False),
    (["problem", "recheck", "W2023-0021", "--pass", "-n", "代办。", "--by", "范某某"], False),
    (["problem", "recheck", "28", "--pass", "-n", "演练。", "--dry-run"], True),
    (["problem", "extend", "W2023-0026", "--to", "2024-01-25", "-r", "需要施工。"], False),  # its deadline passed
    (["problem", "extend", "W2023-0026", "--to", "2023-12-01", "--reason", "早于原期限。"], False),
    (["problem", "extend", "W2023-0001", "--to", "2024-01-25", "-r", "已销号的。"], False),
    (["problem", "extend", "W2023-0026", "--to", "不是日期", "-r", "写错日期。"], False),
    (["problem", "recheck", "", "--pass", "-n", "通过。"], False),  # an empty number: 问题编号不能为空
    (["problem", "extend", "", "--to", "2024-01-25", "-r", "x"], False),
]


@pytest.mark.parametrize("args, ok", OFFICE_CASES, ids=[" ".join(a[1:]) for a, _ in OFFICE_CASES])
def test_problem_recheck_and_extend_match_typer(args, ok, tmp_path):
    result = _written_alike(args, tmp_path, "2023-12-31")
    assert (result[0] == 0) == ok, result
    assert fast.parse(["--as-of", "2023-12-31", *args]) is None if not args[2] else \
        fast.parse(["--as-of", "2023-12-31", *args])[0] == " ".join(args[:2])


def test_an_empty_argument_is_refused_as_the_typer_app_refuses_it(tmp_path):
    """cc log '' … said 找不到任务 "" on the fast path where cc show '' says 任务编号不能为空: an
    empty task or problem number is left to the typer app (usage.empty_value), which says it."""
    data = copy_data(tmp_path)
    before = snapshot_files(data)
    for args, said in ((["log", "", "-u", "rsj", "-p", "90", "-n", "x"], "任务编号"),
                       (["log", " ", "-u", "rsj", "-p", "90", "-n", "x"], "任务编号"),  # 写成了 " "
                       (["problem", "fix", "", "-n", "x"], "问题编号"),
                       (["problem", "recheck", "", "--pass", "-n", "x"], "问题编号"),
                       (["problem", "extend", "", "--to", "2024-01-25", "-r", "x"], "问题编号"),
                       (["show", ""], "任务编号")):
        assert fast.parse(args) is None
        code, out, err = _run(cc_command(), ["--as-of", "2023-12-29", *args], tmp_path)
        assert (code, out) == (2, ""), err
        shown = '" "' if " " in args else '""'
        assert err.startswith(f"错误：{said}不能为空（写成了 {shown}），未执行任何操作\n"), err
        assert "Traceback" not in err
    assert snapshot_files(data) == before


def test_log_fast_path_appends_one_valid_line(tmp_path):
    data = copy_data(tmp_path)
    before = (data / "journal.jsonl").read_bytes()
    code, _, err = _run(cc_command(), ["--as-of", "2023-12-29", "log", "T09", "-u", "rsj", "-p", "90", "-n",
                                       "说明。"], tmp_path)
    assert code == 0, err
    after = (data / "journal.jsonl").read_bytes()
    assert after.startswith(before)
    added = json.loads(after[len(before):])
    assert (added["task"], added["unit"], added["percent"], added["by"]) == ("T09", "rsj", 90, "周某某")
    assert _run(cc_command(), ["validate", "--strict"], tmp_path)[0] == 0


@pytest.mark.parametrize("argv", [
    [], ["--help"], ["status", "--help"], ["-h"], ["status", "extra"], ["status", "--bogus"],
    ["--unit", "x", "status"], ["validate", "-f", "xml"],
    ["validate", "--as-of", "2023-06-30"], ["status", "--data"], ["status", "-u", "a", "-u", "b"],
    ["log", "T01", "-u", "sfj", "-p", "60"], ["log", "-u", "sfj", "-p", "60", "-n", "x"],
    ["log", "T01", "T02", "-u", "sfj", "-p", "60", "-n", "x"], ["log", "T01", "-u", "sfj", "-p", "6x", "-n", "x"],
    ["log", "T01", "-u", "sfj", "-p60", "-n", "x"], ["log", "T01", "-u", "sfj", "-p", "60", "-n", "x", "--"],
    ["--dry-run", "log", "T01", "-u", "sfj", "-p", "60", "-n", "x"], ["status", "--json=1"], ["show", "T01"],
    ["problem"], ["problem", "list"], ["problem", "--data", "d", "fix", "W1", "-n", "x"], ["problem", "fix", "W1"],
    ["problem", "fix", "-n", "x"], ["problem", "fix", "W1", "W2", "-n", "x"], ["problem", "fix", "W1", "-n", "x", "-u", "u"],
    ["problem", "fix", "W1", "-n", "x", "--help"], ["fix", "W1", "-n", "x"], ["problem", "add", "-u", "u"],
    ["problem", "recheck", "W1", "-n", "x", "--pass", "--pass"], ["problem", "recheck", "W1", "-n", "x", "--days", "0"],
    ["problem", "recheck", "W1", "-n", "x", "--days", "abc"], ["problem", "recheck", "W1", "-n", "x", "--days", "366"],
    ["problem", "recheck", "W1", "-n", "x", "--days", "+5"], ["problem", "recheck", "W1", "-n", "x", "--pass=1"],
    ["problem", "recheck", "W1", "--pass"], ["problem", "extend", "W1", "--to", "2024-01-01"],
    ["problem", "extend", "W1", "--to", "2024-01-01", "-r", "x", "-n", "y"],
])
def test_parse_leaves_the_unusual_to_typer(argv):
    assert fast.parse(argv) is None


def test_parse_reads_what_typer_reads():
    command, opts = fast.parse(["--data", "d", "log", "T01", "--note=", "-u", "sfj", "-p", " 7", "-e", "a", "-e", "b",
                                "--dry-run", "-n", "x"]) or (None, None)
    assert command is None  # --note given twice
    command, opts = fast.parse(["--data", "d", "log", "T01", "--note=", "-u", "sfj", "-p", " 7", "-e", "a",
                                "-e", "b", "--dry-run"])
    assert command == "log"
    assert opts == {"data": "d", "args": ["T01"], "note": "", "unit": "sfj", "percent": 7,
                    "evidence": ["a", "b"], "dry_run": True}
    assert fast.parse(["status", "--unit", "-x"]) == ("status", {"unit": "-x", "args": []})


def test_bundled_data_note_matches(tmp_path):
    ours = _run(cc_command(), ["--as-of", "2023-06-30", "status"], tmp_path)
    theirs = _run(TYPER_ONLY, ["--as-of", "2023-06-30", "status"], tmp_path)
    assert ours == theirs
    assert "内置示例数据" in ours[2]


def _generator():
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "generate.py"
    spec = importlib.util.spec_from_file_location("cc_benchmark_generate", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def slow_data(tmp_path_factory) -> Path:
    """A city's data of 60,000 entries (benchmarks/generate.py): every command below reads it for
    a second or more, so the interrupt always arrives while our code runs, never after it ended."""
    root = tmp_path_factory.mktemp("slow")
    _generator().generate(root, groups=4, tasks=200, units=40, entries=60_000, seed=1)
    return root


@pytest.mark.parametrize("seed", [1, 2])
def test_the_benchmarks_data_passes_every_check_without_a_warning(tmp_path, seed):
    """What benchmarks/ measures is data the tool would have written: no error and no warning
    (a unit noticed again while its notice was open, as cc notice never does, was 488 of them)."""
    from chuangcheng_cli.store import checks

    _generator().generate(tmp_path, groups=4, tasks=120, units=30, entries=15_000, seed=seed, problems=1500)
    assert [(p.code, p.line) for p in checks.check_folder(tmp_path / "data").problems] == []


def own_ctrl_c() -> None:
    """A process group of its own, and Ctrl-C as a terminal gives it: a shell's background job
    (`pytest … &`) ignores SIGINT, its children with it, and Python then leaves it ignored."""
    import os
    import signal

    os.setsid()
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("args", [["validate"], ["show", "T0001"], ["report", "md"]])
def test_interrupt_is_reported_not_a_traceback(slow_data, args):
    """Ctrl-C on the fast path and on the typer app: 已中断。 and exit code 130."""
    import os
    import signal
    import time

    command = [*cc_command(), "--as-of", "2025-12-31", *args]
    for _ in range(2):  # the second run is timed: the first may fill the store, and later ones then hit it
        started = time.perf_counter()  # how long the whole command takes on this machine, now
        subprocess.run(command, cwd=slow_data, env=cc_env(), capture_output=True, timeout=120)
        whole = time.perf_counter() - started
    delay = max(whole * 0.45, 0.2)  # inside imports or the load, well before the end (a faster cc, a quicker machine)
    for _ in range(6):
        proc = subprocess.Popen(command, cwd=slow_data, env=cc_env(), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, preexec_fn=own_ctrl_c)
        time.sleep(delay)
        if proc.poll() is None:
            break
        proc.communicate()  # it ended before the interrupt (a run quicker than the timed one): sooner
        delay /= 2
    else:
        pytest.fail(f"cc {' '.join(args)} always ended within {delay * 2:.3f} s, before any interrupt")
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    if ("Traceback" in err and "chuangcheng_cli" not in err) or (proc.returncode == -signal.SIGINT and not err):
        # killed by the signal itself, silently: Python had not yet put in its handler (a slow,
        # loaded machine); an interrupt our code let through would print a traceback
        pytest.skip("the interrupt arrived while Python itself was starting, before any of our code ran")
    assert "Traceback" not in err
    assert proc.returncode == 130 and "已中断。" in err, (proc.returncode, err[-500:])
