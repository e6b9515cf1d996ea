"""The console-script entry: answer a repeated `cc status`/`cc units` from the cache, else run the full app."""

from __future__ import annotations

import sys


def main() -> None:
    from .cli.fast import run_fast

    code = run_fast(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from .cli import main as full_main

    full_main()
