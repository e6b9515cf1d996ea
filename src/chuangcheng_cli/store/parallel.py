"""Work in a forked child beside the parent's own: a cold read's YAML files and journal check.

A cold read of a city's journal validates every line (about 0.25 s for 100,000 lines), checks
every entry against the others (checks.check_journal, about 0.15 s, and 0.3 s with a year's
问题清单) and folds them into the snapshot that status and units show (about 0.1-0.3 s more).
The two YAML files need nothing of the journal, and the check and the fold need nothing of each
other: the check only decides whether the snapshot stands. So, on a machine with a second core,
the YAML files are read in a child while the journal is validated, and the journal is checked in
a child forked after it is validated, sharing its memory copy-on-write, while the parent folds
(checks.check_folder). The parent takes the child's answer through a pipe (the YAML files' models;
the check's findings, a short list, usually empty) and drops its snapshot when the findings hold
an error: the answer is the one the sequential run gives (tests/test_parallel.py compares them),
only sooner.

Only where fork is safe and cheap: Linux (macOS system libraries may not survive a fork without
exec, and Windows has none), two or more usable cores, no other Python thread (a lock another
thread held at the fork would stay held in the child) and children not reaped by the system
(SIGCHLD ignored: no answer could be told from a failure). The one other thread there may be is
one of BLAKE3's workers (state._journal_hash), idle between hashes: a child hashes on one thread
(in_child), never through the workers it does not have. A Ctrl-C is held off while the child is
made (else the child could go on as a copy of the parent) and ends the child at once, as the
system's default. When the child cannot be made, fails or is interrupted, the caller does the
work itself: start returns None, and Pending.result says the child gave nothing.
"""

from __future__ import annotations

import os
import signal
import sys
import typing

if typing.TYPE_CHECKING:
    from pathlib import Path

# A journal of fewer bytes (about 5,000 lines) is read and checked in some tens of milliseconds:
# not worth a process. CC_PARALLEL_MIN_BYTES sets another size (tests: 0), as CC_INDEX_MIN_BYTES
# does the store's (state.min_bytes).
LARGE_JOURNAL = 1 << 20

# Signals whose Python handlers must not run in a child before it is set up (see start); those
# the system has (Windows has no SIGHUP, and no child is made there).
_HELD = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))

_IN_CHILD: list[bool] = []


def in_child() -> bool:
    """Whether this process is a child made by start (it has no other thread: no BLAKE3 workers)."""
    return bool(_IN_CHILD)


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
    if not sys.platform.startswith("linux") or not hasattr(os, "fork") or in_child():
        return False
    threading = sys.modules.get("threading")  # not imported: no thread was started through it
    if threading is not None and threading.active_count() > 1:
        return False
    if signal.getsignal(signal.SIGCHLD) == signal.SIG_IGN:
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
        answer did not arrive whole): the caller then does the work itself."""
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
        import pickle

        try:
            # our own child's answer through a pipe of our own, never a file: nothing else can
            # have written it (the store's files, which others could, are never pickled)
            return pickle.loads(b"".join(chunks))
        except Exception:  # noqa: BLE001 - a cut-off answer: the caller does the work itself
            return missing

    def cancel(self) -> None:
        """Stop the child (the parent's own work failed or was interrupted) and reap it."""
        try:
            os.close(self.fd)
        except OSError:
            pass
        self._kill()
        self._reap()

    def _kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass

    def _reap(self) -> int | None:
        """The child's exit code once it has ended (None when the system reaped it); a Ctrl-C
        while waiting ends the child and is raised once it is reaped (no zombie is left)."""
        interrupted = None
        while True:
            try:
                _, status = os.waitpid(self.pid, 0)
            except ChildProcessError:
                status = None
            except KeyboardInterrupt as exc:
                interrupted = exc
                self._kill()
                continue
            if interrupted is not None:
                raise interrupted
            return None if status is None else os.waitstatus_to_exitcode(status)


def start(call) -> Pending | None:
    """Run call() in a forked child and return at once; None when no child can be made
    (usable() says no, or fork fails: too many processes, no memory)."""
    if not usable():
        return None
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    # Held off (blocked) while the child is made: a Ctrl-C arriving between the fork and the
    # child's try below would raise in the child and run the parent's code on from there.
    held = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        pid = _fork()
    except OSError:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:
        _child(call, read_end, write_end, held)  # never returns
    pending = Pending(pid, read_end)
    try:
        os.close(write_end)
        signal.pthread_sigmask(signal.SIG_SETMASK, held)  # a Ctrl-C that waited is raised now
    except BaseException:
        pending.cancel()
        raise
    return pending


def _fork() -> int:
    import warnings

    with warnings.catch_warnings():
        # Python 3.12+ warns of a fork while other threads exist: BLAKE3's idle workers, which a
        # child never uses (see the module docstring)
        warnings.simplefilter("ignore", DeprecationWarning)
        return os.fork()


def _child(call, read_end: int, write_end: int, held) -> None:
    """The child: runs call, writes its value to the pipe, and ends without running any of the
    parent's cleanup or printing anything. A Ctrl-C ends it at once (the system's default; an
    ignored one stays ignored)."""
    code = 1
    try:
        _IN_CHILD.append(True)
        for signum in _HELD:
            if callable(signal.getsignal(signum)):
                signal.signal(signum, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
        os.close(read_end)
        import pickle

        data = pickle.dumps(call(), protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(data)
        while view:
            view = view[os.write(write_end, view):]
        code = 0
    except BaseException:  # noqa: BLE001 - any failure: the parent does the work
        pass
    finally:
        os._exit(code)
