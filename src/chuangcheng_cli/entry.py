"""The console-script entry: plain commands through the fast path (no typer), else the full app."""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from .cli.fast import run_fast

        code = run_fast(sys.argv[1:])
        if code is None:
            from .cli import main as full_main

            full_main()  # exits
    except KeyboardInterrupt:  # Ctrl-C while still starting up
        print("已中断。", file=sys.stderr)
        sys.exit(130)
    sys.exit(code)
