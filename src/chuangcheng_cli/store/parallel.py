"""One call run in a forked child beside the parent's own work: a cold read's journal check.

A cold read of a city's journal checks every entry (checks.check_journal, about 0.15 s for
100,000 lines and 0.3 s with a year's 问题清单) and then folds them into the snapshot that status
and units show (about 0.1-0.3 s more). Neither needs the other: the check only decides whether
the snapshot stands. On a machine with a second core the check runs in a child forked after the
journal is validated, sharing its memory copy-on-write, while the parent folds; the parent takes
the child's findings (a short list, usually empty) through a pipe and drops its snapshot when they
hold an error. With the child's findings the answer is the same one the sequential run gives
(tests/test_parallel.py compares them), only sooner.

Only where fork is safe and cheap: Linux (macOS system libraries may not survive a fork without
exec, and Windows has none), two or more usable cores, no other thread in the process (a lock
another thread held at the fork would stay held in the child). When the child cannot be started,
fails or is interrupted, the caller runs the call itself: start returns None, and
Pending.result says the child gave nothing.
"""

from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path

# A journal of fewer bytes (about 5,000 lines) is read and checked in some tens of milliseconds:
# not worth a process. CC_PARALLEL_MIN_BYTES sets another size (tests: 0), as CC_INDEX_MIN_BYTES
# does the store's (state.min_bytes).
LARGE_JOURNAL = 1 << 20


def large(journal: Path) -> bool:
    """Whether the journal at journal is large enough for work beside its reading and check."""
    try:
        least = int(os.environ.get("CC_PARALLEL_MIN_BYTES", LARGE_JOURNAL))
    except ValueError:
        least = LARGE_JOURNAL
    try:
        return journal.stat().st_size >= least
    except OSError:
        return False


def usable() -> bool:
    """Whether a child may be forked for work beside the parent's (see the module docstring)."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    threading = sys.modules.get("threading")  # not imported: no thread was started through it
    if threading is not None and threading.active_count() > 1:
        return False
    try:
        return len(os.sched_getaffinity(0)) >= 2
    except (AttributeError, OSError):
        return False


class Pending:
    """A call running in a forked child; result() waits for it (once)."""

    def __init__(self, pid: int, fd: int):
        self.pid, self.fd = pid, fd

    def result(self, missing=None):
        """The call's value, or missing when the child gave none (it failed, was killed, or its
        answer did not arrive whole): the caller then runs the call itself."""
        chunks = []
        try:
            while True:
                chunk = os.read(self.fd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
        except OSError:
            chunks = []
        finally:
            os.close(self.fd)
            status = self._reap()
        if status != 0 or not chunks:
            return missing
        try:
            # our own child's answer through a pipe of our own, never a file: nothing else can
            # have written it (the store's files, which others could, are never pickled)
            return pickle.loads(b"".join(chunks))
        except Exception:  # noqa: BLE001 - a cut-off answer: the caller does the work itself
            return missing

    def cancel(self) -> None:
        """Stop the child (the parent's own work failed or was interrupted) and reap it."""
        import signal

        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            os.close(self.fd)
        except OSError:
            pass
        self._reap()

    def _reap(self) -> int | None:
        while True:
            try:
                _, status = os.waitpid(self.pid, 0)
            except ChildProcessError:
                return None
            except InterruptedError:  # pragma: no cover - retried by Python itself since 3.5
                continue
            return os.waitstatus_to_exitcode(status)


def start(call) -> Pending | None:
    """Run call() in a forked child and return at once; None when no child can be forked
    (usable() says no, or fork fails: too many processes, no memory)."""
    if not usable():
        return None
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the child: never returns, never runs the parent's cleanup, prints nothing
        code = 1
        try:
            os.close(read_end)
            data = pickle.dumps(call(), protocol=pickle.HIGHEST_PROTOCOL)
            view = memoryview(data)
            while view:
                view = view[os.write(write_end, view):]
            code = 0
        except BaseException:  # noqa: BLE001 - any failure, a Ctrl-C too: the parent does the work
            pass
        finally:
            os._exit(code)
    os.close(write_end)
    return Pending(pid, read_end)
