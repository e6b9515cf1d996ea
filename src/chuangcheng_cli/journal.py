"""The append-only journal: entry ids, serialising an entry, and appending lines safely (lock, one write, fsync)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import secrets
from pathlib import Path

from .problems import UsageError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


def new_entry_id(day: dt.date) -> str:
    """Unique without coordination: two branches never mint the same id."""
    return f"{day:%Y%m%d}-{secrets.token_hex(4)}"


def to_line(entry) -> str:
    """One compact JSON line, Chinese kept readable, keys in model order, defaults left out."""
    from .models import dump

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


@contextlib.contextmanager
def locked(path: Path):
    """Hold an exclusive lock on the journal (created if missing) for read-check-append."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
    except PermissionError:
        raise UsageError(f"没有权限写入日志文件：{path}") from None
    except OSError as exc:
        raise UsageError(f"无法打开日志文件：{path}（{exc.strerror}）") from None
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)  # closing releases the lock


def append_lines(fd: int, lines: list[str]) -> bytes:
    """Append whole lines with a single write, then fsync; a kill leaves all of them or none.
    Returns the bytes written."""
    size = os.fstat(fd).st_size
    prefix = b""
    if size:
        os.lseek(fd, size - 1, os.SEEK_SET)
        if os.read(fd, 1) != b"\n":
            prefix = b"\n"  # a hand edit left no final newline: never glue two entries together
    payload = prefix + "".join(line + "\n" for line in lines).encode("utf-8")
    written = os.write(fd, payload)
    if written != len(payload):  # pragma: no cover - disk full
        os.ftruncate(fd, size)
        raise OSError("写入日志不完整，已撤销")
    os.fsync(fd)
    return payload


def atomic_write_text(path: Path, text: str) -> None:
    """Write a generated file via a temp file and rename, so no half-written file is ever seen."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, payload: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
