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
    assert re.search(r"cc status( --as-of [\d-]+)?$", status_cmd) and test_cmd.endswith("python -m pytest")
    assert test_cmd in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_outputs_are_current():
    result = subprocess.run([sys.executable, str(REPO / "scripts" / "readme_outputs.py"), "--check"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def _outside_fences(text: str) -> str:
    """README without its fenced blocks (``` … ```), as a Markdown renderer builds the outline."""
    return re.sub(r"^(`{3,})[^\n]*\n.*?^\1[ \t]*$", "", text, flags=re.M | re.S)


def test_the_embedded_weekly_brief_adds_no_headings():
    """The weekly brief shown in README is Markdown with its own headings: it is fenced, so the
    README keeps one title, and its outline has none of the brief's headings."""
    outline = re.findall(r"^(#{1,6}) (.*)$", _outside_fences(README), re.M)
    assert [title for level, title in outline if level == "#"] == [README.splitlines()[0][2:]]
    assert not [title for _, title in outline if "工作周报" in title or title.startswith("本周进展")]
    block = README.split("<!-- cc report md", 1)[1]
    assert block.split("\n", 2)[1].startswith("```"), "the brief is not fenced"


def test_the_first_command_looks_at_the_example_on_a_day_in_its_campaign():
    """The bundled example is a campaign that has ended: run as of today every open task is overdue,
    so the first command a newcomer runs names a day inside it, and the README says how to look back."""
    first = re.search(r"^python3 -m venv .*$", README, re.M).group()
    assert re.search(r"cc status --as-of 2023-\d\d-\d\d$", first), first
    assert "已经结束" in README.split("## 命令一览", 1)[0] and "--as-of" in README.split("## 命令一览", 1)[0]
