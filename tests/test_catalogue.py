"""The problem catalogue: one folder per problem code under tests/data/invalid, each a golden test.

A case folder holds only what differs from tests/data/valid:
  units.yaml / tasklist.yaml / journal.jsonl  replace the valid file (raw bytes: GBK, BOM, …);
                                              a directory of that name replaces the file too
  delete.txt    names of files to remove from the copy, one a line
  generate.txt  "<file> <bytes>": pad that file with comment lines to this size (too big to commit)
  pending.jsonl lines of an append cut off half-way: the first half of its bytes is added to the
                journal, and the append described beside the lock as cc does before it writes
  code.txt      the problem code the case is about; default: the folder name
  expected.txt  exactly what `cc validate` prints (rewrite with `pytest --update-goldens`)
A folder named ok-… must validate clean.  Adding a folder adds a test.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import typer.main
import typer.testing
from typer.testing import CliRunner

from chuangcheng_cli.store import checks
from chuangcheng_cli import diagnostics as problems
from chuangcheng_cli.cli import app
from helpers import cc_env

VALID = Path(__file__).resolve().parent / "data" / "valid"
INVALID = VALID.parent / "invalid"

CONTROL_FILES = {"expected.txt", "code.txt", "delete.txt", "generate.txt", "pending.jsonl"}
_PENDING: list[Path] = []  # descriptions written beside the locks (pending.jsonl): removed after the run
CASES = sorted(p.name for p in INVALID.iterdir() if p.is_dir())


def build_case(name: str, target: Path) -> Path:
    """tests/data/valid copied to target, with the case folder laid over it."""
    case = INVALID / name
    shutil.copytree(VALID, target)
    for item in sorted(case.iterdir()):
        if item.name in CONTROL_FILES:
            continue
        dest = target / item.name
        if dest.is_dir():
            shutil.rmtree(dest)
        elif dest.exists():
            dest.unlink()
        if item.is_dir():
            shutil.copytree(item, dest)
        else:
            shutil.copyfile(item, dest)
    for line in _lines(case / "delete.txt"):
        (target / line).unlink()
    for line in _lines(case / "generate.txt"):
        name_, size = line.split()
        path = target / name_
        filler = b"# " + b"-" * 97 + b"\n"
        missing = int(size) - path.stat().st_size
        with path.open("ab") as f:
            f.write(filler * (missing // len(filler) + 1))
    if (case / "pending.jsonl").exists():
        from chuangcheng_cli.store import journal

        path, payload = target / "journal.jsonl", (case / "pending.jsonl").read_bytes()
        before = path.read_bytes()
        _PENDING.append(journal._pending_path(path))
        journal._write_pending(_PENDING[-1], len(before), payload)
        path.write_bytes(before + payload[:len(payload) // 2])
    return target


@pytest.fixture(scope="module", autouse=True)
def _remove_pending():
    yield
    for pending in _PENDING:
        pending.unlink(missing_ok=True)


def _lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()
            if ln.strip() and not ln.startswith("#")]


def case_code(name: str) -> str | None:
    """The code a case is about, or None for an ok- case."""
    if name.startswith("ok-"):
        return None
    code_file = INVALID / name / "code.txt"
    return code_file.read_text(encoding="utf-8").strip() if code_file.exists() else name


def expected_text(name: str) -> str:
    path = INVALID / name / "expected.txt"
    assert path.exists(), f"{path} is missing: run pytest --update-goldens and review it"
    return path.read_text(encoding="utf-8")


def expected_exit(golden: str) -> int:
    """1 when the golden's summary counts any error, else 0 (warnings alone pass)."""
    match = re.search(r"发现 (\d+) 个错误", golden)
    return 1 if match and int(match.group(1)) > 0 else 0


def validate_output(found: list[problems.Diagnostic]) -> str:
    """What `cc validate` prints in text format (see cli/read.py)."""
    body = problems.render_text(found) + "\n\n" if found else ""
    return body + problems.summary_line(found) + "\n"


# ------------------------------------------------------------------ in process


@pytest.mark.parametrize("case", CASES)
def test_golden(case, tmp_path, update_goldens):
    folder = build_case(case, tmp_path / "data")
    checked = checks.check_folder(folder, display_base=folder)
    text = validate_output(checked.problems)
    golden = INVALID / case / "expected.txt"
    if update_goldens:
        golden.write_text(text, encoding="utf-8")
    assert text == expected_text(case)

    code = case_code(case)
    if code is None:
        assert checked.problems == [], "an ok- case must validate clean"
        assert checked.project is not None
    else:
        assert code in {p.code for p in checked.problems}
        for p in checked.problems:  # every problem names a file the user can open
            assert p.file in ("units.yaml", "tasklist.yaml", "journal.jsonl")


@functools.lru_cache(maxsize=1)
def _click_command():
    return typer.main.get_command(app)


@pytest.mark.parametrize("case", CASES)
def test_cli_formats(case, tmp_path, monkeypatch):
    """Through typer's CliRunner: JSON, GitHub annotations, --strict (text: test_golden)."""
    folder = build_case(case, tmp_path / "data")
    monkeypatch.chdir(folder)  # paths print relative to the working directory
    # CliRunner rebuilds the click command from the typer app on every call (~40 ms): reuse one
    monkeypatch.setattr(typer.testing, "_get_command", lambda _app: _click_command(), raising=False)
    runner = CliRunner()
    env = {"GITHUB_ACTIONS": None, "CC_DATA": None, "NO_COLOR": "1"}
    golden = expected_text(case)
    exit_code = expected_exit(golden)

    def cc(*args):
        result = runner.invoke(app, ["validate", *args, "--data", str(folder)], env=env)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        return result

    result = cc("--format", "json")
    assert result.exit_code == exit_code
    doc = json.loads(result.stdout)
    codes = [p["code"] for p in doc["problems"]]
    assert doc["ok"] is (exit_code == 0)
    assert doc["error_count"] + doc["warning_count"] == len(codes)
    if case_code(case):
        assert case_code(case) in codes

    result = cc("--format", "github")
    assert result.exit_code == exit_code
    *annotations, summary = result.stdout.splitlines()
    assert len(annotations) == len(codes)
    for line in annotations:
        assert line.startswith(("::error file=", "::warning file=")), line
    assert summary == golden.splitlines()[-1]

    if exit_code == 0:
        assert cc("--strict").exit_code == (1 if codes else 0)  # warnings fail only with --strict


# ------------------------------------------------- the installed command, for real

# Interpreter start-up costs ~0.6 s of CPU, so by default only a few cases run as real
# subprocesses (an encoding error, billion laughs, a cross-reference error in every format, a
# warning, a clean folder); `pytest --installed-all` runs every case in text format this way.
# They start in the background when this module starts, while the in-process tests run.
INSTALLED = {
    "file-encoding": ("text",),  # GBK: the offending line shown readable on a real stdout
    "yaml-alias": ("text",),  # billion laughs: refused at once, not expanded
    "unknown-unit": ("text", "json", "github"),
    "unit-without-task": ("text", "json"),  # a warning alone exits 0
    "ok-bom": ("text",),
}


def pytest_generate_tests(metafunc):
    if "case_fmt" in metafunc.fixturenames:
        every = ("text",) if metafunc.config.getoption("--installed-all") else ()
        params = [(case, fmt) for case in CASES for fmt in INSTALLED.get(case, every)]
        metafunc.parametrize("case_fmt", params, ids=[f"{case}-{fmt}" for case, fmt in params])


def _run_installed(folder: Path, fmt: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "chuangcheng_cli", "validate", "--format", fmt,
                           "--data", str(folder)],
                          cwd=folder, env=cc_env(), capture_output=True, text=True, encoding="utf-8",
                          timeout=60)


@pytest.fixture(scope="module", autouse=True)
def installed_runs(request, tmp_path_factory):
    """Every selected (case, format) started at once in a pool as wide as the machine."""
    wanted = [tuple(item.callspec.params["case_fmt"]) for item in request.session.items
              if getattr(item, "originalname", "") == "test_installed_command"]
    pool = ThreadPoolExecutor(max_workers=max(os.cpu_count() or 1, 2))
    runs = {}
    for case, fmt in wanted:
        folder = build_case(case, tmp_path_factory.mktemp("installed") / "data")
        runs[case, fmt] = pool.submit(_run_installed, folder, fmt)
    yield runs
    pool.shutdown(wait=True, cancel_futures=True)


def test_installed_command(case_fmt, installed_runs):
    case, fmt = case_fmt
    result = installed_runs[case_fmt].result()
    out = result.stdout
    assert "Traceback" not in out + result.stderr, result.stderr
    golden = expected_text(case)
    assert result.returncode == expected_exit(golden), result.stderr
    if fmt == "text":
        assert out == golden
    elif fmt == "json":
        codes = [p["code"] for p in json.loads(out)["problems"]]
        assert (case_code(case) in codes) if case_code(case) else codes == []
    else:
        *annotations, summary = out.splitlines()
        assert summary == golden.splitlines()[-1]
        for line in annotations:
            assert line.startswith(("::error file=", "::warning file=")), line


def test_every_problem_code_has_a_case():
    """Each code the sources can report has a folder here (codes read from the source text)."""
    src = Path(checks.__file__).parent
    text = (src / "loading.py").read_text(encoding="utf-8") + (src / "checks.py").read_text(encoding="utf-8")
    codes = set(re.findall(r'"([a-z]+(?:-[a-z]+)+)"', text))
    codes -= {"utf-8", "a-z"}  # an encoding and a regex fragment, not codes
    covered = {case_code(c) for c in CASES}
    assert codes - covered == set()
