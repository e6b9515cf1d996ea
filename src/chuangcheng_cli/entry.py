"""The console-script entry: plain commands through the fast path (no typer), else the full app."""

from __future__ import annotations

import sys


def refuse_bad_arguments(argv: list[str]) -> int | None:
    """Exit code 2 with a message when an argument holds a character no field may hold (see
    textguard.py; tab and newline are allowed, multi-line notes need them), else None. Checked
    here, once, so that no command, option or future argument can record one."""
    from .textguard import describe, find_bad, for_terminal

    for arg in argv:
        at = find_bad(arg)
        if at >= 0:
            print(f"错误：参数 {for_terminal(arg)} 中含有不允许的字符 {describe(arg[at])}", file=sys.stderr)
            print("提示：请删除不可见的字符后重试；终端请使用 UTF-8 编码。", file=sys.stderr)
            return 2
    return None


def main() -> None:
    try:
        code = refuse_bad_arguments(sys.argv[1:])
        if code is not None:
            sys.exit(code)
        from .cli.fast import run_fast

        code = run_fast(sys.argv[1:])
        if code is None:
            from .cli import main as full_main

            full_main()  # exits
    except KeyboardInterrupt:  # Ctrl-C while still starting up
        print("已中断。", file=sys.stderr)
        sys.exit(130)
    sys.exit(code)
