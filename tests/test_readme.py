"""README stays true: its command list matches the program, its set-up commands are what CI runs,
and the outputs it shows are what the program prints today."""

from __future__ import annotations

import re
import subprocess
import sys

from typer.main import get_command

from chuangcheng_cli.cli import app
from helpers import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def program_commands() -> set[str]:
    root = get_command(app)
    names = set()
    for name, cmd in root.commands.items():
        sub = getattr(cmd, "commands", None)
        if sub:
            names |= {f"{name} {s}" for s in sub}
        else:
            names.add(name)
    return names


def readme_commands() -> set[str]:
    section = README.split("## 命令一览", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `cc ([a-z]+(?: [a-z]+)?)` \|", section, re.M))


def test_readme_lists_every_command_and_no_other():
    assert readme_commands() == program_commands()


def test_every_command_has_a_tour_section():
    for name in program_commands():
        assert f"### `cc {name}`" in README or f"`cc {name}`" in README.split("## 命令导览", 1)[1], name


def test_ci_runs_the_readme_test_command():
    commands = re.findall(r"^(python3 -m venv .*)$", README, re.M)
    assert len(commands) == 2
    status_cmd, test_cmd = commands
    assert status_cmd.endswith("cc status") and test_cmd.endswith("python -m pytest")
    assert test_cmd in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_outputs_are_current():
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "readme_outputs.py"), "--check"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
