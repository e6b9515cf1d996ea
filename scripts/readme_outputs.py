"""Regenerate (or, with --check, verify) the command outputs shown in README.md.

Each block in README.md of the form

    <!-- cc status --as-of 2023-06-30 -->
    ```text
    …output…
    ```

is the real output of that command, run in order in a scratch folder holding a copy of data/
(so writing commands in the tour change only the copy), at 80 columns without colour.
Entry ids and timestamps, which differ on every run, are masked.
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
BLOCK = re.compile(r"<!-- (cc [^>]*?) -->\n```text\n(.*?)```\n", re.S)
MASKS = [
    (re.compile(r'"id":"(\d{8})-[0-9a-f]{8}"'), r'"id":"\1-xxxxxxxx"'),
    (re.compile(r'"at":"[^"]+"'), '"at":"…"'),
]


def cc_command() -> list[str]:
    script = Path(sys.executable).with_name("cc")
    return [str(script)] if script.exists() else [sys.executable, "-m", "chuangcheng_cli"]


def run_blocks(text: str) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copytree(REPO / "data", work / "data")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CC_", "GITHUB_"))}
        env.update({"NO_COLOR": "1", "COLUMNS": "80", "CC_USER": "周某某", "PYTHONUNBUFFERED": "1",
                    "PYTHONIOENCODING": "utf-8"})

        def replace(m: re.Match) -> str:
            args = shlex.split(m.group(1))[1:]
            proc = subprocess.run([*cc_command(), *args], cwd=work, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, timeout=300)
            out = "\n".join(line.rstrip() for line in proc.stdout.rstrip("\n").splitlines())
            for pattern, repl in MASKS:
                out = pattern.sub(repl, out)
            if proc.returncode not in (0, 1, 2):
                raise SystemExit(f"{m.group(1)} exited {proc.returncode}:\n{out}")
            return f"<!-- {m.group(1)} -->\n```text\n{out}\n```\n"

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
