"""The append-only journal: entry ids, serialising an entry, and appending lines safely (lock, one write, fsync)."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import secrets
from pathlib import Path

from ..diagnostics import with_path

def to_line(entry) -> str:
    """One compact JSON line, Chinese kept readable, keys in model order, defaults left out."""
    from ..domain.models import dump

    data = dump(entry)
    data = {"id": data.pop("id"), "kind": entry.kind, **data}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def read_all(fd: int) -> bytes:
    """The whole journal, read through the locked descriptor."""
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while chunk := os.read(fd, 1 << 22):
        chunks.append(chunk)
    return b"".join(chunks)


def lock_path(path: Path) -> Path:
    """The lock file of the journal at path: outside the repository (a lock file in data/ would show
    in `git status` and in every copy), in a per-user folder of the system's temporary directory,
    named after the journal's real path so that every process appending to it finds the same one."""
    folder, name = _lock_place(path)
    folder.mkdir(mode=0o700, exist_ok=True)
    if not _ours(folder):  # a shared /tmp: a folder someone else made (or may write) could hold our locks
        from ..diagnostics import UsageError

        raise UsageError(f"锁文件夹 {folder} 不属于当前用户或他人可写，不能用它保证写入不冲突，未写入任何内容",
                         "请删除这个文件夹（或请管理员处理）后重试；它只存放写入时的锁文件。")
    return folder / name


def _lock_place(path) -> tuple[Path, str]:
    """(the lock folder, the lock file's name) of the journal at path, nothing created."""
    import hashlib
    import tempfile

    real = os.path.realpath(path)
    if os.name == "nt":
        real = real.lower()  # one file, however its path is spelt on a case-insensitive system
    try:
        owner = str(os.getuid())
    except AttributeError:  # Windows: the temporary directory is per user already
        owner = "user"
    folder = Path(tempfile.gettempdir()) / f"chuangcheng-cli-locks-{owner}"
    return folder, hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:32] + ".lock"


def _ours(folder: Path) -> bool:
    """Whether folder is a folder of this user's that no one else may write (always on Windows,
    whose temporary directory is the user's own)."""
    if os.name == "nt":
        return True
    import stat

    st = os.lstat(folder)
    return stat.S_ISDIR(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o022


_OPEN = {}  # descriptor → journal path, so that an error on write() can name the file


LOCK_NOTICE_SECONDS = 2.0  # a write holds the lock for a moment: past this, say that we wait
LOCK_GIVE_UP_SECONDS = 120.0  # and past this, that something holds it for good


@contextlib.contextmanager
def locked(path: Path, waiting=None, recovered=None):
    """Hold an exclusive lock on the journal (created if missing) for read-check-append.

    The lock is filelock's (fcntl.flock on Linux and macOS, msvcrt.locking on Windows) on a
    companion lock file (see lock_path), and, on Linux and macOS, a flock of the journal itself,
    which another user's `cc` takes too (_lock_the_file): another `cc` appending to the same
    journal waits here until this one has read, checked and appended. waiting() is called once when that takes more
    than LOCK_NOTICE_SECONDS (the CLI says so); after LOCK_GIVE_UP_SECONDS it is a Refusal.
    recovered(text) is called when an append a killed process left half-written was taken back
    first (see append_lines)."""
    import time

    from filelock import FileLock, Timeout

    started, told = time.monotonic(), []

    def wait_said() -> None:
        if not told and waiting is not None:
            waiting()
        told.append(True)

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        guard = FileLock(str(lock_path(path)))
        try:
            guard.acquire(timeout=LOCK_NOTICE_SECONDS)
        except Timeout:
            wait_said()
            try:
                guard.acquire(timeout=LOCK_GIVE_UP_SECONDS - LOCK_NOTICE_SECONDS)
            except Timeout:
                _give_up()
    except OSError as exc:
        raise with_path(exc, path) from None
    try:
        from .state import LinkedFile, no_link

        try:
            # O_BINARY: on Windows a descriptor is otherwise in text mode and writes \r\n;
            # O_NONBLOCK: a FIFO put in its place is refused below, not waited on;
            # O_NOFOLLOW: a symbolic link (committed in its place) is never written through
            no_link(path)
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND | getattr(os, "O_BINARY", 0)
                         | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0), 0o644)
        except OSError as exc:
            if isinstance(exc, LinkedFile) or os.path.islink(path):
                from ..diagnostics import UsageError

                raise UsageError(f"日志 {path} 是一个符号链接，不是数据文件本身，未写入任何内容",
                                 "数据文件必须是仓库中的普通文件：写入链接会写到它指向的地方（可能在仓库之外）。"
                                 "请恢复原文件（git log -- 该文件 查看是谁改成了链接）。") from None
            raise with_path(exc, path) from None
        import stat

        if not stat.S_ISREG(os.fstat(fd).st_mode):  # /dev/zero would be read without end
            os.close(fd)
            from ..diagnostics import UsageError

            raise UsageError(f"日志 {path} 不是普通文件（是设备、管道或套接字），未写入任何内容",
                             "请确认数据目录中的 journal.jsonl 是正常的文本文件（不是指向 /dev/… 的链接）。")
        if getattr(os, "O_NONBLOCK", 0) and hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        _OPEN[fd] = path
        try:
            _lock_the_file(fd, started, wait_said)
            said = _take_back(fd, path)
            if said and recovered is not None:
                recovered(said)
            yield fd
        finally:
            _OPEN.pop(fd, None)
            os.close(fd)
    finally:
        guard.release()


def _give_up() -> None:
    from ..diagnostics import Refusal

    raise Refusal(f"等待了 {LOCK_GIVE_UP_SECONDS:.0f} 秒，日志仍被另一个正在写入的 cc 占用，未写入任何内容",
                  "请确认本机没有卡住的 cc 命令（例如数据在很慢的网络盘上），结束它后重试；进程结束时锁随之释放。") from None


def _lock_the_file(fd: int, started: float, wait_said) -> None:
    """flock the journal itself as well, where the system has it (Linux, macOS): the lock file
    is per user (lock_path), and two users writing one journal (a shared folder on a server, two
    accounts on one computer) each held their own and took one problem number twice (a
    hostile-input try). Held until the descriptor is closed. A file system without such locks
    (ENOLCK, EOPNOTSUPP on some network mounts) leaves the per-user lock alone, as before."""
    try:
        import fcntl
    except ImportError:  # Windows: its temporary folder is per user; see the note in lock_path
        return
    import time

    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        except OSError as exc:
            if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL):
                return
            raise with_path(exc, _OPEN.get(fd, "journal.jsonl")) from None
        waited = time.monotonic() - started
        if waited >= LOCK_GIVE_UP_SECONDS:
            _give_up()
        if waited >= LOCK_NOTICE_SECONDS:
            wait_said()
        time.sleep(0.02)


def append_lines(fd: int, lines: list[str]) -> bytes:
    """Append whole lines with a single write, then fsync; returns the bytes written.

    All of them or none: a failed write is truncated away at once; SIGTERM and SIGHUP (a CI job
    cancelled, `timeout`, a closed terminal) wait until the write is whole; and for what cannot
    wait (SIGKILL, the OOM killer, a power cut), the bytes and where they go are written first to
    the lock's folder (pending), so that the next `cc` to take the lock truncates a half-written
    append away (_take_back). A single write() of a large append (an import of thousands of
    problems) is not atomic: a hostile-input try killed one part-way, 87 of 2,000 problems
    registered and the last line cut off."""
    size = os.fstat(fd).st_size
    prefix = b""
    if size:
        os.lseek(fd, size - 1, os.SEEK_SET)
        if os.read(fd, 1) != b"\n":
            prefix = b"\n"  # a hand edit left no final newline: never glue two entries together
    payload = prefix + "".join(line + "\n" for line in lines).encode("utf-8")
    path = _OPEN.get(fd, "journal.jsonl")
    pending = _pending_path(path) if fd in _OPEN else None
    if pending is not None:
        try:
            _write_pending(pending, size, payload)
        except OSError:
            pending = None  # the temporary folder full or gone: the append itself still goes ahead
    try:
        with _termination_held():
            written = os.write(fd, payload)
            if written != len(payload):  # disk full after a part: nothing of it may stay
                raise OSError(errno.ENOSPC, "写入日志不完整")
            os.fsync(fd)
            if pending is not None:
                with contextlib.suppress(OSError):
                    os.unlink(pending)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.ftruncate(fd, size)  # the journal as it was, byte for byte
        if pending is not None:
            with contextlib.suppress(OSError):
                os.unlink(pending)
        raise with_path(exc, path) from None
    return payload


_PENDING_MAGIC = b"cc-pending 1\n"


def take_back(path: Path, recovered) -> None:
    """Take back a half-written append (see _take_back) now, when one is pending: for a command
    that reads the journal before it takes the lock (a confirmation first)."""
    try:
        if not _pending_path(path).exists():
            return
    except Exception:  # the lock folder refused: locked() says why, when the write takes the lock
        return
    with locked(path, recovered=recovered):
        pass


def _pending_path(path) -> Path:
    """Where an append in progress is described: beside the journal's lock file (outside the
    repository), one per journal."""
    return lock_path(Path(path)).with_suffix(".pending")


def _write_pending(pending: Path, size: int, payload: bytes) -> None:
    """The append about to be made: the journal's size before it, the bytes, and a digest of both
    (a file torn by a kill as it was written is known by it), written and synced before the
    journal is touched."""
    import hashlib
    import struct

    body = struct.pack("<QQ", size, len(payload)) + payload
    data = _PENDING_MAGIC + hashlib.sha256(body).digest() + body
    fd = os.open(pending, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def _read_pending(pending: Path) -> tuple[int, bytes] | None:
    import hashlib
    import struct

    try:
        with open(pending, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    head = len(_PENDING_MAGIC)
    if not data.startswith(_PENDING_MAGIC) or len(data) < head + 32 + 16:
        return None
    digest, body = data[head:head + 32], data[head + 32:]
    if hashlib.sha256(body).digest() != digest:
        return None
    size, length = struct.unpack_from("<QQ", body)
    payload = body[16:]
    return (size, payload) if len(payload) == length else None


def pending(path) -> bool:
    """Whether an append to the journal at path is described as under way (see unfinished)."""
    try:
        folder, name = _lock_place(path)
        return (folder / name).with_suffix(".pending").exists()
    except Exception:
        return False


def unfinished(path, raw: bytes) -> tuple[int, int, int, bool] | None:
    """When raw, the journal at path as a read just took it, ends in part of an append that is not
    complete (another cc writing it now, or one killed as it wrote: see append_lines): (the size
    before that append, the line it begins on, the whole lines of it raw holds, whether a cut-off
    line follows them);
    else None. A read takes the journal without that part: a write under way completes it, and
    the next write takes back a killed one (_take_back), so that no read counts entries that may
    never be (a hostile-input try listed 87 problems of an import killed part-way, gone again at
    the next write). Nothing is created or changed."""
    try:
        folder, name = _lock_place(path)
        described = (folder / name).with_suffix(".pending")
        if not described.exists() or not _ours(folder):
            return None
    except Exception:  # no lock folder, or none to trust: no append is described there
        return None
    found = _read_pending(described)
    if found is None:
        return None
    size, payload = found
    cut = _cut_off(size, payload, len(raw), lambda at, n: raw[at:at + n])
    if cut is None:
        return None
    line = raw.count(b"\n", 0, size) + 1 + (1 if size and raw[size - 1:size] != b"\n" else 0)
    return size, line, *cut


def _cut_off(size: int, payload: bytes, length: int, read) -> tuple[int, bool] | None:
    """When a journal of length bytes holds, after its first size, part of payload and nothing
    else (read(at, n): its n bytes from at): (the whole lines of payload it holds, whether a
    cut-off line follows them); else None (the append completed, had not begun, or the journal
    changed otherwise since)."""
    part = length - size
    if not 0 < part < len(payload) or read(size, part) != payload[:part]:
        return None
    written = payload[:part].lstrip(b"\n")
    return written.count(b"\n"), not written.endswith(b"\n")


def _take_back(fd: int, path) -> str:
    """Under the lock: when the last append was cut off by a kill (the journal holds the size it
    had before it and part of its bytes, and nothing else), truncate it back to that size; what
    was done is said in a sentence ("" when nothing was). An append that completed, or a journal
    changed otherwise since (a pull over it, a hand edit), is left as it is."""
    try:
        pending = _pending_path(path)
    except Exception:  # the lock folder refused (see lock_path): the lock was taken, so rarely
        return ""
    found = _read_pending(pending)
    if found is None:
        with contextlib.suppress(OSError):
            if pending.exists():
                pending.unlink()  # torn as it was written: the journal was not touched yet
        return ""
    size, payload = found
    cut = _cut_off(size, payload, os.fstat(fd).st_size, lambda at, n: _read_at(fd, at, n))
    said = ""
    if cut is not None:
        try:
            os.ftruncate(fd, size)
            os.fsync(fd)
        except OSError as exc:
            raise with_path(exc, path) from None
        whole, broken = cut
        said = (f"上一次写入日志时进程在中途被结束，写了一半的内容（{whole} 条完整记录"
                f"{'和 1 行残缺记录' if broken else ''}）已撤回，日志恢复为那次写入之前的样子；"
                "那条命令没有完成，需要的话请重新运行。")
    with contextlib.suppress(OSError):
        pending.unlink()
    return said


def _read_at(fd: int, offset: int, count: int) -> bytes:
    """count bytes of the file from offset (fewer at its end); os.pread is not on Windows."""
    os.lseek(fd, offset, os.SEEK_SET)
    chunks, left = [], count
    while left > 0 and (chunk := os.read(fd, min(left, 1 << 22))):
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


@contextlib.contextmanager
def _termination_held():
    """SIGTERM and SIGHUP blocked for the with-block (they end the process when it is over):
    where the system can (not Windows, and only in the main thread's process as a whole)."""
    import signal

    held = {getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)}
    try:
        before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    except (AttributeError, ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def atomic_write_text(path: Path, text: str) -> None:
    """Write a generated file via a temp file and rename, so no half-written file is ever seen."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, payload: bytes) -> None:
    """Errors (permission, disk full, a name too long …) are OSErrors naming path; no temp file stays."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        named = OSError(exc.errno, exc.strerror or str(exc), str(path))  # the file meant, not the temp
        raise named from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
