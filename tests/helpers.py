"""Shared test helpers: copying the real data, running the installed command."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

from chuangcheng_cli.cli.recording import DRY_RUN_LINES

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
TODAY = dt.date(2023, 6, 30)
DRY_LINES = DRY_RUN_LINES + "\n"  # what a dry run prints before the journal lines it would write


def copy_data(tmp_path: Path) -> Path:
    """A writable copy of the bundled data in tmp_path/data (a repo-like folder)."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def cc_command() -> list[str]:
    """The installed console script next to this Python, as a user would run it."""
    script = Path(sys.executable).with_name("cc")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "chuangcheng_cli"]


def cc_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CC_", "GITHUB_"))}
    env.update({"NO_COLOR": "1", "COLUMNS": "80", "CC_USER": "周某某", "PYTHONIOENCODING": "utf-8",
                "CC_NO_CACHE": "1"})  # tests/test_cache.py turns the cache on where it is the subject
    env.update(extra)
    return env


def run_cc(*args: str, cwd: Path, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([*cc_command(), *args], cwd=cwd, env=cc_env(**env), capture_output=True,
                          text=True, timeout=timeout)


def snapshot_files(folder: Path) -> dict[str, bytes]:
    """Every file under folder with its bytes, to prove a command wrote nothing."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def early_copy(tmp_path: Path, before: str) -> Path:
    """A repo-like folder whose data holds the bundled entries dated before `before`, the problem
    list's left out (each test of notices or of problems builds the part it is about)."""
    import json

    data = copy_data(tmp_path)
    path = data / "journal.jsonl"
    kept = [line for line in path.read_text(encoding="utf-8").splitlines()
            if line and json.loads(line)["date"] < before
            and json.loads(line)["kind"] not in ("problem", "fix", "recheck", "extend")]
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return tmp_path


def cc_ok(cwd: Path, *args: str, code: int = 0, **env: str) -> subprocess.CompletedProcess:
    """Run the installed cc; assert its exit code and that no traceback reached the user."""
    result = run_cc(*args, cwd=cwd, **env)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == code, result.stdout + result.stderr
    return result
