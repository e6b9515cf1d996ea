"""Content-keyed cache of computed report documents, so a repeated `cc status` needs neither yaml nor pydantic.

The key hashes the bytes of the three data files together with this package's version and the
modification times of its own modules, so an edited data file, a `git checkout`, a merge or an
upgraded tool can never be served a stale answer. The cache lives outside the repository
(~/.cache/chuangcheng-cli by default) and any file in it may be deleted at any time.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from pathlib import Path

FORMAT = 2
DATA_FILES = ("tasklist.yaml", "units.yaml", "journal.jsonl")
KEEP = 64  # cached documents kept; older ones are pruned


def _code_stamp() -> bytes:
    from .. import __version__

    package = Path(__file__).resolve().parent.parent
    parts = [f"{__version__}:{FORMAT}"]
    for folder in (package, *(package / sub for sub in ("cli", "domain", "store", "documents", "reports"))):
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.name.endswith(".py"):
                parts.append(f"{folder.name}/{entry.name}:{entry.stat().st_mtime_ns}")
    return "|".join(parts).encode()


def data_key(data_dir: Path) -> str:
    h = hashlib.sha256(_code_stamp())
    for name in DATA_FILES:
        h.update(b"\0" + name.encode() + b"\0")
        try:
            with open(data_dir / name, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    h.update(chunk)
        except OSError:  # missing, a folder, unreadable: the loader explains it; never cached as good
            h.update(b"<missing>")
    h.update(str(data_dir.resolve()).encode())
    return h.hexdigest()


def digest(raw: bytes) -> str:
    # sha256 throughout: CPUs hash it in hardware, twice as fast as blake2b on a city's 22 MB journal
    return hashlib.sha256(raw).hexdigest()


def plan_key(data_dir: Path) -> str:
    """Key of the two YAML files (and this code): what a journal index was checked against."""
    h = hashlib.sha256(_code_stamp())
    for name in DATA_FILES[:2]:
        h.update(b"\0" + name.encode() + b"\0")
        try:
            h.update((data_dir / name).read_bytes())
        except OSError:
            h.update(b"<missing>")
    h.update(str(data_dir.resolve()).encode())
    return h.hexdigest()


def private_folder(root: Path) -> Path:
    """root, created if missing, readable and writable by this user only (0700, whatever the umask):
    the cache holds the data's contents, and a file planted there is read by every later command."""
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name != "nt" and (os.stat(root).st_mode & 0o777) != 0o700:
        os.chmod(root, 0o700)
    return root


def _write_private(target: Path, payload: bytes) -> None:
    """payload to target atomically, the file 0600 (created so: a umask can only take bits away)."""
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def read_private(root: Path, name: str) -> bytes | None:
    """The bytes of a cache file, or None when it is missing, not a regular file, or (POSIX) owned
    by someone else or writable by others: such a file is not ours to trust."""
    try:
        with open(root / name, "rb") as fh:
            st = os.fstat(fh.fileno())
            if os.name != "nt":
                import stat

                if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o022:
                    return None
            return fh.read()
    except OSError:
        return None


def store_bytes(root: Path, name: str, payload: bytes) -> None:
    """Best effort, atomic, private."""
    try:
        _write_private(private_folder(root) / name, payload)
    except OSError:
        pass


def _path(root: Path, key: str, day: str) -> Path:
    return root / f"{key}-{day}.json"


def load(root: Path, key: str, day: str) -> dict | None:
    raw = read_private(root, _path(root, key, day).name)
    if raw is None:
        return None
    try:
        doc = json.loads(raw)
        return doc if isinstance(doc, dict) and doc.get("format") == FORMAT else None
    except (ValueError, RecursionError):
        return None


def store(root: Path, key: str, day: str, doc: dict) -> None:
    """Best effort: a cache that cannot be written is simply not used."""
    try:
        private_folder(root)
        target = _path(root, key, day)
        _write_private(target, json.dumps({**doc, "format": FORMAT}, ensure_ascii=False).encode("utf-8"))
        files = sorted(root.glob("*.json"), key=lambda p: p.stat().st_mtime)
        for old in files[:-KEEP]:
            old.unlink(missing_ok=True)
    except OSError:
        pass
