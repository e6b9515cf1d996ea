"""Regenerate (or, with --check, verify) the command outputs shown in README.md.

Each block in README.md of the form

    <!-- cc status --as-of 2023-06-30 -->
    ```text
    …output…
    ```

is the real output of that command, run in order in a scratch folder holding a copy of data/
(so writing commands in the tour change only the copy), at 80 columns without colour.
Entry ids and timestamps, which differ on every run, are masked.

A block marked `<!-- [broken] cc validate -->` runs in a second scratch folder whose data/ copy
carries the mistakes BROKEN describes, so the README's example of a failing check stays true too.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
BLOCK = re.compile(r"<!-- (?:\[(\w+)\] )?(cc [^>]*?) -->\n```text\n(.*?)```\n", re.S)
# Mistakes typed into a copy of the bundled plan for the README's failing `cc validate`:
# (file, the line's text, what it becomes); the first line that matches is changed.
BROKEN = [
    ("tasklist.yaml", "    deadline: 2023-10-31", "    deadline: 2023-10-32"),
    ("tasklist.yaml", "    lead: mzj", "    lead: mzjj"),
]


def make_broken(folder: Path) -> None:
    shutil.copytree(REPO / "data", folder / "data")
    for name, old, new in BROKEN:
        path = folder / "data" / name
        lines = path.read_text(encoding="utf-8").split("\n")
        at = lines.index(old)  # ValueError if the bundled plan no longer has the line: fix BROKEN
        lines[at] = new
        path.write_text("\n".join(lines), encoding="utf-8")
MASKS = [
    (re.compile(r'"id":"(\d{8})-[0-9a-f]{8,12}"'), r'"id":"\1-xxxxxxxx"'),
    (re.compile(r'"at":"[^"]+"'), '"at":"…"'),
]


def cc_command() -> list[str]:
    script = Path(sys.executable).with_name("cc")
    return [str(script)] if script.exists() else [sys.executable, "-m", "chuangcheng_cli"]


def run_blocks(text: str) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copytree(REPO / "data", work / "data")
        make_broken(work / "broken")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CC_", "GITHUB_"))}
        env.update({"NO_COLOR": "1", "COLUMNS": "80", "CC_USER": "周某某", "PYTHONUNBUFFERED": "1",
                    "PYTHONIOENCODING": "utf-8"})

        def replace(m: re.Match) -> str:
            tag, command = m.group(1), m.group(2)
            args = shlex.split(command)[1:]
            if tag not in (None, "broken"):
                raise SystemExit(f"README: unknown folder [{tag}] for {command}")
            proc = subprocess.run([*cc_command(), *args], cwd=work / tag if tag else work, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
            out = "\n".join(line.rstrip() for line in proc.stdout.rstrip("\n").splitlines())
            for pattern, repl in MASKS:
                out = pattern.sub(repl, out)
            if proc.returncode not in (0, 1, 2):
                raise SystemExit(f"{command} exited {proc.returncode}:\n{out}")
            marker = f"[{tag}] {command}" if tag else command
            return f"<!-- {marker} -->\n```text\n{out}\n```\n"

        return BLOCK.sub(replace, text)


def main() -> int:
    current = README.read_text(encoding="utf-8")
    fresh = run_blocks(current)
    if "--check" in sys.argv:
        if fresh != current:
            import difflib

            sys.stdout.writelines(difflib.unified_diff(current.splitlines(True), fresh.splitlines(True),
                                                       "README.md", "README.md (regenerated)"))
            print("\nREADME 中的命令输出已过期：运行 python scripts/readme_outputs.py 重新生成。")
            return 1
        return 0
    README.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
