"""Ctrl-C held off while pydantic-core builds a validator, and never lost.

pydantic-core compiles a field's pattern (an id's "^[A-Za-z0-9]…$") as it builds a validator. A
Ctrl-C that arrives just then is raised inside its call back into Python, which it does not pass
on: it prints the KeyboardInterrupt as "Exception ignored" (a traceback) and builds the validator
with the pattern "<unprintable str object>", which matches nothing. The command would go on and
report every id of the record as wrong. So:

- `held()` keeps Ctrl-C waiting while a validator is built (a few ms) and raises it once the
  validator is whole, before anything uses it;
- `swallowed`, the CLI's sys.unraisablehook, is the net under the validators pydantic builds on
  its own (a model's, on its first use): it prints no traceback and marks the run interrupted
  (`was_swallowed`), for the CLI to end it as any Ctrl-C (已中断。, exit code 130). Such a
  validator only ever refuses more than it should, so nothing it let through was written.
"""

from __future__ import annotations

import contextlib
import signal
import sys

_SWALLOWED: list[bool] = []


@contextlib.contextmanager
def held():
    """Ctrl-C (SIGINT) held off for the with-block and raised when it ends, as it would have been.
    Only in the main thread (the only one that may set a handler), and only where Python's own or
    another callable handler is in place (ignored or the system's default: left as they are)."""
    arrived: list[int] = []
    try:
        previous = signal.getsignal(signal.SIGINT)
        if not callable(previous):
            raise ValueError("not a Python handler")
        signal.signal(signal.SIGINT, lambda signum, frame: arrived.append(signum))
    except ValueError:  # not the main thread, or nothing to hold
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if arrived:
            previous(signal.SIGINT, None)  # Python's own raises KeyboardInterrupt


def swallowed(unraisable) -> None:
    """sys.unraisablehook: an interrupt a library did not pass on marks the run interrupted, and
    prints no traceback; anything else is printed as Python would."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt):
        _SWALLOWED.append(True)
        return
    sys.__unraisablehook__(unraisable)


def was_swallowed() -> bool:
    return bool(_SWALLOWED)
