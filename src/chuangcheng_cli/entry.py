"""The console-script entry: plain commands through the fast path (no typer), else the full app."""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from .cli.fast import run_fast

        code = run_fast(sys.argv[1:])
    except KeyboardInterrupt:  # Ctrl-C while still starting up
        print("已中断。", file=sys.stderr)
        sys.exit(130)
    if code is not None:
        sys.exit(code)
    from .cli import main as full_main

    full_main()
