"""The one store of validated state outside git: what a full check found, extended by appends, and what reads computed from it.

A full check of a city's journal (100,000 entries) takes seconds, and the record only grows, so
no command should pay for it twice. After a full check finds no error, the store keeps, under a
key of the two YAML files (and this code and the folder's path), the validated plan and units
and an index of the journal: its exact digest and length, where each entry's line starts, and
which entries concern which task (the others: the entries checks.NOTICE_FAMILY says every check
must see). Both writes and reads then bring it up to date the same way (`bring_up_to_date`):

- the journal is byte for byte the one the state describes: nothing to check;
- lines were added at its end (an append by `cc`, a git pull, a union merge, another unit's
  append): only the new lines are validated, by the very functions a full run uses (the entry
  model through loading._ENTRY_LIST, checks.check_append on the slice of the journal they concern;
  see `catch_up` for what that slice assumes of the checks), and the index is extended;
- anything else (a line changed or removed, a YAML file changed, a damaged or foreign store
  file): a full check, and a new state.

What reads compute from a journal (status and units: plain.snapshot_doc) is kept beside the state
as a *view*, keyed by the plan key and the journal's digest, one per day; a command line's output
from a view is kept too (`out` files), so that a repeated `cc status` only hashes the data files
and prints. A write that has the whole project at hand leaves the view of its day current.

What a read computes after a pull: status and units take the fold of the journal kept beside
the state (folds.py) and apply only the added entries; when the fold cannot take them (a void,
an entry out of order, an earlier day) a read takes every entry from the state (by the entry model
alone, no checks) and runs rules.snapshot over them. A status of a journal whose view is stored
(the data did not change, or a write with the whole project at hand left it) computes nothing. Files outside the three data files (documents, archived evidence) are not part of the
keys, and no read or write judges the record by them (checks.check_folder(files=False)): cc
validate, and so CI, reports a changed evidence file or a missing document. What the journal
says of such files (a path that leaves the repository) is the journal's, checked on every line.

The journal's validator is built from the core schema pydantic generated for the entry models,
kept here too (keep_validator, load_validator): pydantic takes 30-40 ms to build it, a fifth of a
`cc log` on a small journal and a tenth of a city's read after a pull. So are the YAML files'
models' (model_validator: 15-20 ms more). Every command names the store it may use for them
(use_store), small journals (without a state) included. The package ships the same schemas for
its own models.py and pydantic (shipped_validator, scripts/build_validators.py), so that a
command with no store yet does not wait for pydantic either.

Keys hash the content, so nothing here is ever stale: a changed byte is a different key. Nothing
is pickled: the state is JSON and raw int64 arrays with a SHA-256 checksum, rebuilt field by
field with every value's type checked; views are JSON; outputs are text. Any file here may be
deleted or damaged at any time: it is then not used, and the command does a full run.
The store lives in CC_CACHE_DIR or ~/.cache/chuangcheng-cli (0700, files 0600); CC_NO_CACHE=1
turns it off. This module's top imports only os and hashlib: the warm path of cli/fast.py uses
its key functions before anything else is loaded.
"""

from __future__ import annotations

import hashlib
import os
import sys

FORMAT = 9  # of the state file; a state of another format is not used (7: its key inside; 8: BLAKE3; 9: ids)
VIEW_FORMAT = 2  # 2: a checksum, its key and day inside
DATA_FILES = ("tasklist.yaml", "units.yaml", "journal.jsonl")
KEEP = 64  # views and outputs kept; older ones are pruned
KEEP_STATES = 8  # states (a city's is a few MB): one per data folder and version of its YAML files
# Below this size a full check is quicker than loading and storing a state (a working group's
# few hundred entries: ~0.4 s checked in full, ~0.55 s through the state); CC_INDEX_MIN_BYTES
# overrides it (tests use 0 to exercise the state on small data).
MIN_BYTES = 256 * 1024
MAGIC = b"chuangcheng-cli state\n"
OUT_MAGIC = b"cc-out 2\n"


# ----------------------------------------------------------------------- keys


def _code_stamp() -> bytes:
    """This package's version and its modules' modification times, and the holiday calendar's
    tables (chinesecalendar, upgraded once a year's 放假安排 is announced: every deadline moved
    off a rest day may move): new code or calendar, new keys."""
    import sys

    from .. import __version__

    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    parts = [f"{__version__}:{FORMAT}:{VIEW_FORMAT}"]
    for sub in ("", "cli", "domain", "store", "documents", "reports"):
        folder = os.path.join(package, sub) if sub else package
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if entry.name.endswith(".py"):
                parts.append(f"{sub}/{entry.name}:{entry.stat().st_mtime_ns}")
    for folder in sys.path:  # as import would find it, without importlib.util (~6 ms on the warm path)
        try:
            found = os.stat(os.path.join(folder or ".", "chinese_calendar", "constants.py"))
        except OSError:
            continue
        parts.append(f"chinese_calendar:{found.st_mtime_ns}:{found.st_size}")
        break
    return "|".join(parts).encode()


class NotARegularFile(OSError):
    """A data file that is a device, a pipe or a socket: never read (/dev/zero has no end, a FIFO
    waits for a writer)."""


class LinkedFile(OSError):
    """A data file that is a symbolic link (git commits the link itself): never followed. A unit
    that commits journal.jsonl → ../../secret.env would have cc validate print that file's lines
    into CI's log, and journal.jsonl → a path of its choosing would take the office's next writes
    out of the repository."""


def no_link(path) -> None:
    """LinkedFile when path itself (not a folder above it) is a symbolic link or a junction: where
    open cannot refuse one (Windows has no O_NOFOLLOW), and before a file is created there."""
    if os.path.islink(path) or getattr(os.path, "isjunction", lambda _p: False)(path):
        import errno

        raise LinkedFile(errno.ELOOP, "symbolic link", os.fspath(path))


def open_regular(path):
    """path opened for reading in binary, when it is a regular file and no symbolic link (see
    LinkedFile); else OSError (IsADirectoryError for a folder, LinkedFile for a link,
    NotARegularFile for the rest), before a byte is read. A FIFO is opened without waiting for a
    writer."""
    import stat

    nofollow = getattr(os, "O_NOFOLLOW", 0)
    if not nofollow:
        no_link(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0) | nofollow)
    except OSError as exc:
        if nofollow and os.path.islink(path):  # ELOOP on Linux, EMLINK or EFTYPE on the BSDs
            raise LinkedFile(exc.errno, "symbolic link", os.fspath(path)) from None
        raise
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(21, "Is a directory", os.fspath(path))
        if not stat.S_ISREG(mode):
            raise NotARegularFile(22, "not a regular file", os.fspath(path))
        if getattr(os, "O_NONBLOCK", 0) and hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _file_bytes(path: str) -> bytes | None:
    try:
        with open_regular(path) as fh:
            return fh.read()
    except OSError:  # missing, a folder, unreadable: the loader explains it; never stored as good
        return None


def plan_key(data_dir) -> str:
    """Key of the two YAML files, this code and the folder: what a state was checked against."""
    folder = os.fspath(data_dir)
    h = hashlib.sha256(_code_stamp())
    for name in DATA_FILES[:2]:
        raw = _file_bytes(os.path.join(folder, name))
        h.update(b"\0" + name.encode() + b"\0")
        h.update(b"<missing>" if raw is None else raw)
    h.update(os.path.realpath(folder).encode("utf-8", "surrogateescape"))
    return h.hexdigest()


# One read and one hash of the journal per command. A read that misses the stored output hashes
# the journal for its key, then for the view's key, then matches the state against a prefix of
# it: three passes over a city's 22 MB (0.06 s), over 110 MB at 500,000 entries (0.3 s). The
# bytes last read are kept with their file's stat signature, and their digest with the digest
# state at every _MARK bytes, so that the digest of any prefix costs at most _MARK bytes more.
# Every key of one command is then a digest of the very bytes it read and used.
# A warm read needs the journal's digest alone: it streams the file through the hash a mark at a
# time (journal_digest) instead of reading it whole, a third of the time (110 MB at 500,000
# entries: 0.03 s against 0.08 s), and keeps the marks, so that a read that then misses and
# reads the bytes whole does not hash them again.
_MARK = 1 << 20
_SEEN: list = [None, None, None]  # path, stat signature, bytes of the journal read last
_HASHED: list = [None, None, None]  # bytes (kept alive: compared by identity), marks, digest state of all
_STREAMED: list = [None, None, None, None]  # path, stat signature, marks, digest state of all (journal_digest)


def _signature(st) -> tuple:
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


_ROOT: list = [None]  # the store a command may take the kept validators from (use_store)


def use_store(root) -> None:
    """Name the store (or None: none) whose kept journal validator the command's reads use, and
    where one pydantic builds is kept: called by the command line as each command starts."""
    _ROOT[0] = root


def store_root():
    return _ROOT[0]


def forget_reads() -> None:
    """Drop the journal bytes and digests kept so far, and what the last command held (hold):
    called as each command starts, so that the stat signature only ever vouches for a file
    within one command."""
    _SEEN[:] = None, None, None
    _HASHED[:] = None, None, None
    _STREAMED[:] = None, None, None, None
    _UNFINISHED.clear()
    _HELD.clear()


# What a command loaded, held until the next command starts or the process ends: a city's
# journal is some hundred thousand objects, and a console run leaves without freeing them one
# by one (entry.run), which it can only skip for what is still alive when it leaves.
_HELD: list = []


def hold(loaded):
    """loaded, kept alive until forget_reads (see _HELD)."""
    _HELD.append(loaded)
    return loaded


def journal_raw(path, keep: bool = True) -> bytes | None:
    """The journal file's bytes; the same object again while the file's stat signature (device,
    inode, size, modification and change times) holds; None when it cannot be read. keep=False:
    bytes read here are not kept (a command without the store would hold a journal's worth of
    memory for nothing), but kept ones are still given."""
    path = os.path.abspath(path)  # data/journal.jsonl and ./data/journal.jsonl: one file, one read
    try:
        with open_regular(path) as fh:
            seen = _signature(os.fstat(fh.fileno()))
            if _SEEN[0] == path and _SEEN[1] == seen:
                return _SEEN[2]
            raw = fh.read()
            stable = _signature(os.fstat(fh.fileno())) == seen and len(raw) == seen[2]
    except OSError:  # missing, a folder, unreadable: the loader explains it; never stored as good
        return None
    cut = _unfinished(path, raw)
    if cut is not None:  # without the part of an append not complete (journal.unfinished)
        raw = raw[:cut[0]]
    if not stable:
        return raw  # changing while read: not kept
    if keep:
        _SEEN[:] = path, seen, raw
        if cut is None and _STREAMED[0] == path and _STREAMED[1] == seen:  # hashed as it streamed by: not again
            _HASHED[:] = raw, _STREAMED[2], _STREAMED[3]
    return raw


_UNFINISHED: dict = {}  # journal path → what journal.unfinished found in it this command


def _unfinished(path: str, raw: bytes):
    """journal.unfinished of the journal at path read as raw, remembered for unfinished()."""
    from .journal import unfinished as find

    found = find(path, raw)
    if found is None:
        _UNFINISHED.pop(path, None)
    else:
        _UNFINISHED[path] = found
    return found


def unfinished_seen() -> bool:
    """Whether a read of this command left out part of an append not complete (unfinished)."""
    return bool(_UNFINISHED)


def unfinished(path) -> tuple[int, int, int, bool] | None:
    """What the last read of the journal at path left out, as journal.unfinished says it (the size
    it was read to, the line the append not complete begins on, its whole lines, whether a
    cut-off line follows), or None."""
    return _UNFINISHED.get(os.path.abspath(path))


class Changed(OSError):
    """The journal changed after a command streamed it (FileBytes): what was read of it may not
    be the bytes its digest describes, so nothing is built from it."""


class FileBytes:
    """The journal's bytes as journal_digest streamed them, read again only where asked. A read
    after a pull needs the lines the store's fold names, the lines the pull added and the digest
    of the part the state describes, not the whole journal in memory: reading 500,000 entries
    (110 MB) into fresh memory took 60 ms on the development machine, twice as long as hashing
    them, and as much memory as the rest of the command. Offers what the store's reads use of
    bytes (len, slices, find, count, startswith, decode) and lines (lines_at); the digest states
    of the stream are used for every digest (hasher). Each read checks after it that the file is
    still the one streamed (its stat signature, as journal_raw's reuse does) and raises Changed
    when it is not; the file is open only during a read (Windows would refuse a pull's rename of
    an open file)."""

    def __init__(self, path: str, seen: tuple, marks: list, h):
        self.path, self.seen, self.marks, self.h = path, seen, marks, h

    def __len__(self) -> int:
        return self.seen[2]

    def _read(self, work):
        """work(file) under the stat check, before and after; any failure to read it (gone, a
        folder or a FIFO now: a checkout replaces the file) is Changed too, so that the full read
        follows and says what it finds (a hostile-input try got exit 1 instead)."""
        try:
            with open_regular(self.path) as fh:
                if _signature(os.fstat(fh.fileno())) != self.seen:
                    raise Changed(f"{self.path} changed")
                out = work(fh)
                if _signature(os.fstat(fh.fileno())) != self.seen:
                    raise Changed(f"{self.path} changed")
        except Changed:
            raise
        except OSError as exc:
            raise Changed(f"{self.path}: {exc}") from None
        return out

    def _range(self, start: int, stop: int) -> bytes:
        if start >= stop:
            return b""

        def work(fh):
            fh.seek(start)
            return fh.read(stop - start)
        return self._read(work)

    def __getitem__(self, key) -> bytes:
        if type(key) is not slice or key.step not in (None, 1):
            raise TypeError("FileBytes takes slices")
        start, stop, _ = key.indices(len(self))
        return self._range(start, stop)

    def whole(self) -> bytes:
        return self._range(0, len(self))

    def decode(self, *args, **kwargs) -> str:
        return self.whole().decode(*args, **kwargs)

    def startswith(self, prefix: bytes) -> bool:
        return self[:len(prefix)] == prefix

    def count(self, sub: bytes, start: int = 0, end: int | None = None) -> int:
        return self[start:end].count(sub)

    def find(self, sub: bytes, start: int = 0, end: int | None = None) -> int:
        """As bytes.find, reading a mark at a time from start."""
        if not sub:  # found where the search starts, if that is within the bytes and the range
            size = len(self)
            at = max(start + size if start < 0 else start, 0)
            stop = size if end is None else min(max(end + size if end < 0 else end, 0), size)
            return at if at <= size and at <= stop else -1
        start, end, _ = slice(start, end).indices(len(self))
        overlap = max(len(sub) - 1, 0)

        def work(fh):
            at = start
            while at < end:
                fh.seek(at)
                chunk = fh.read(min(_MARK + overlap, end - at))
                found = chunk.find(sub)
                if found >= 0:
                    return at + found
                if at + len(chunk) >= end or not chunk:
                    return -1
                at += len(chunk) - overlap
            return -1
        return self._read(work)

    def lines(self, starts: list[int]) -> list[bytes]:
        """The line beginning at each of starts (to its newline, or the end), as lines_at gives
        them; read a mark at a time, each part once."""
        size = len(self)
        out: list = [b""] * len(starts)

        def work(fh):
            buf = bytearray(_MARK)
            view = memoryview(buf)
            base = n = 0  # buf[:n] holds the file's bytes from base
            for i in sorted(range(len(starts)), key=starts.__getitem__):
                start = starts[i]
                if start >= size:
                    continue
                end = buf.find(b"\n", start - base, n) if base <= start < base + n else -1
                if end < 0:  # not in the buffer whole: read on from the line's start
                    fh.seek(start)
                    base, n = start, fh.readinto(buf)
                    end = buf.find(b"\n", 0, n)
                    if end < 0 and base + n < size:  # longer than a mark (MAX_LINE_BYTES allows one)
                        fh.seek(start)
                        line = bytearray()
                        while True:
                            chunk = fh.read(_MARK)
                            cut = chunk.find(b"\n")
                            line += chunk if cut < 0 else chunk[:cut]
                            if cut >= 0 or not chunk:
                                break
                        out[i] = bytes(line)
                        base = n = 0
                        continue
                    if end < 0:
                        end = n
                out[i] = bytes(view[start - base:end])
        self._read(work)
        return out


def lines_at(raw, starts: list[int]) -> list[bytes]:
    """The line of raw (bytes or FileBytes) beginning at each of starts, without its newline."""
    if type(raw) is FileBytes:
        return raw.lines(starts)
    out = []
    for start in starts:
        end = raw.find(b"\n", start)
        out.append(raw[start:] if end < 0 else raw[start:end])
    return out


def journal_bytes(path):
    """The journal's bytes for a read that needs only parts of them: those journal_raw holds,
    or, when journal_digest streamed the file and it has not changed since, a FileBytes reading
    only what is asked; else journal_raw's."""
    path = os.path.abspath(path)
    if _SEEN[0] != path and _STREAMED[0] == path:
        try:
            with open_regular(path) as fh:
                seen = _signature(os.fstat(fh.fileno()))
        except OSError:
            return None
        from .journal import pending

        if seen == _STREAMED[1] and not pending(path):  # else read whole, without what is not written yet
            return FileBytes(path, seen, _STREAMED[2], _STREAMED[3])
    return journal_raw(path)


def _streamed_digest(path) -> str | None:
    """The digest of the journal at path, read a mark at a time (see _STREAMED); None when it
    cannot be read."""
    path = os.path.abspath(path)
    try:
        with open_regular(path) as fh:
            seen = _signature(os.fstat(fh.fileno()))
            if _SEEN[0] == path and _SEEN[1] == seen:
                return hasher(_SEEN[2]).hexdigest()
            if _STREAMED[0] == path and _STREAMED[1] == seen:
                return _STREAMED[3].hexdigest()
            h, marks, buf, size, n = _journal_hash(), [], bytearray(_MARK), 0, _MARK
            view = memoryview(buf)
            while n == _MARK:  # a buffered reader fills buf whole but at the end
                n = fh.readinto(buf)
                if n:
                    marks.append(h.copy())
                    h.update(view[:n])
                    size += n
            stable = fh.read(1) == b"" and _signature(os.fstat(fh.fileno())) == seen and size == seen[2]
    except OSError:
        return None
    if not stable:  # changing while read: its bytes whole, as any other read takes them
        raw = journal_raw(path)
        return None if raw is None else digest(raw)
    _STREAMED[:] = path, seen, marks, h
    return h.hexdigest()


def _marked(raw: bytes):
    """(marks, digest state of raw): marks[k] is the digest state of raw[:k * _MARK]."""
    if _HASHED[0] is not raw:
        h, marks, view = _journal_hash(), [], memoryview(raw)
        for at in range(0, len(raw), _MARK):
            marks.append(h.copy())
            h.update(view[at:at + _MARK])
        _HASHED[:] = raw, marks, h
    return _HASHED[1], _HASHED[2]


def hasher(raw: bytes, size: int | None = None):
    """The digest state of raw (or of raw[:size]): .hexdigest() is its digest; .copy().update()
    extends it. Every digest of the journal goes through here, so it is hashed once."""
    if size is not None and not 0 <= size <= len(raw):  # what slicing makes of it, never from the marks
        return _journal_hash(raw[:size])
    streamed = type(raw) is FileBytes
    marks, whole = (raw.marks, raw.h) if streamed else _marked(raw)
    if size is None or size == len(raw):
        return whole.copy()
    k = size // _MARK
    h = marks[k].copy() if k < len(marks) else whole.copy()
    h.update(raw[k * _MARK:size] if streamed else memoryview(raw)[k * _MARK:size])
    return h


def _journal_hash(data: bytes = b""):
    """A digest state for the journal's bytes (and the state file's checksum): BLAKE3, a
    cryptographic hash (a rewritten history cannot be made to look like the stored one), using
    both cores on large inputs. Measured on the development machine (benchmarks/): a city's 30 MB
    journal hashed in 1 MB marks in 3.4 ms against sha256's 12.5 ms, 500,000 entries (150 MB) in
    15 ms against 62 ms; it is hashed on every run, warm hits included."""
    from blake3 import blake3

    # a forked child (parallel.py, which made it: imported) has none of the parent's worker
    # threads: it hashes on its own. Not imported here: warm reads hash and need nothing of it.
    parallel = sys.modules.get(f"{__package__}.parallel")
    return blake3(data, max_threads=1 if parallel is not None and parallel.in_child() else blake3.AUTO)


def digest(raw: bytes, size: int | None = None) -> str:
    return hasher(raw, size).hexdigest()


def journal_digest(data_dir) -> str:
    found = _streamed_digest(os.path.join(os.fspath(data_dir), DATA_FILES[2]))
    return "<missing>" if found is None else found


def view_key(plan: str, journal: str) -> str:
    """Key of what the data folder shows: the plan key and the journal's digest."""
    return hashlib.sha256(f"{plan}:{journal}".encode()).hexdigest()


def data_key(data_dir) -> str:
    """The view key of the data folder as it is now."""
    return view_key(plan_key(data_dir), journal_digest(data_dir))


# ------------------------------------------------------------------ the files


def private_folder(root) -> str:
    """root, created if missing readable and writable by this user only (0700, whatever the umask):
    the store holds the data's contents. A folder that exists (CC_CACHE_DIR naming one of the
    user's own) is left as it is: its files are 0600, and read_private trusts only a file of this
    user that no one else may write."""
    root = os.fspath(root)
    parent = os.path.dirname(os.path.abspath(root))
    os.makedirs(parent, exist_ok=True)
    try:
        os.mkdir(root, 0o700)
    except FileExistsError:
        return root
    if os.name != "nt" and (os.stat(root).st_mode & 0o777) != 0o700:
        os.chmod(root, 0o700)
    return root


def _stored_name(name: str, prefix: str) -> bool:
    """Whether name is one the store writes with that prefix (view-<hex>-<day>.json …): pruning
    never removes a file of the user's that merely starts alike (CC_CACHE_DIR may be any folder)."""
    stem, dot, ext = name[len(prefix):].rpartition(".")
    return bool(dot and stem) and ext in ("json", "txt", "bin") and not stem.strip("0123456789abcdef-")


def _write_private(target: str, payload: bytes) -> None:
    """payload to target atomically, the file 0600 (created so: a umask can only take bits away)."""
    tmp = os.path.join(os.path.dirname(target), f".{os.path.basename(target)}.{os.urandom(4).hex()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.replace(tmp, target)
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass


def read_private(root, name: str) -> bytes | None:
    """The bytes of a store file, or None when it is missing, not a regular file, or (POSIX) owned
    by someone else or writable by others: such a file is not ours to trust."""
    try:
        with open_regular(os.path.join(os.fspath(root), name)) as fh:  # a FIFO planted here never blocks
            st = os.fstat(fh.fileno())
            if os.name != "nt" and (st.st_uid != os.getuid() or st.st_mode & 0o022):
                return None
            return fh.read()
    except (OSError, ValueError):
        return None


def store_bytes(root, name: str, payload: bytes, prune: str = "", keep: int = KEEP) -> None:
    """Best effort, atomic, private: a store that cannot be written is simply not used. prune: a
    file name prefix whose older files beyond the newest `keep` are removed."""
    try:
        folder = private_folder(root)
        _write_private(os.path.join(folder, name), payload)
        if prune:
            files = [e for e in os.scandir(folder) if e.name.startswith(prune) and _stored_name(e.name, prune)
                     and e.is_file(follow_symlinks=False)]
            files.sort(key=lambda e: e.stat().st_mtime_ns)
            for old in files[:-keep]:
                os.unlink(old.path)
    except OSError:
        pass


def signed(body: bytes) -> bytes:
    """A store file's bytes: the SHA-256 of body on the first line, then body (read_signed)."""
    return hashlib.sha256(body).hexdigest().encode() + b"\n" + body


def read_signed(root, name: str):
    """The JSON of a store file `signed` wrote, or None: missing, not ours (read_private), its
    checksum failing (damaged, truncated) or not JSON."""
    raw = read_private(root, name)
    if raw is None:
        return None
    import json

    check, _, body = raw.partition(b"\n")
    if hashlib.sha256(body).hexdigest().encode() != check:
        return None
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


# ---------------------------------------------------------------------- views


def _view_name(key: str, day: str) -> str:
    return f"view-{key}-{day}.json"


def load_view(root, key: str, day: str) -> dict | None:
    """The document status/units showed on day for the data of view key, or None: a file whose
    checksum fails, or that holds another key's or day's view (copied or renamed), is not used."""
    doc = read_signed(root, _view_name(key, day))
    if not (isinstance(doc, dict) and doc.get("format") == VIEW_FORMAT and doc.get("key") == key
            and doc.get("day") == day):
        return None
    return doc


def store_view(root, key: str, day: str, doc: dict) -> None:
    import json

    body = json.dumps({**doc, "format": VIEW_FORMAT, "key": key, "day": day}, ensure_ascii=False).encode("utf-8")
    store_bytes(root, _view_name(key, day), signed(body), prune="view-")


def _out_name(key: str, day: str, command: str) -> str:
    return f"out-{key}-{day}-{command}.txt"


def load_output(root, key: str, day: str, command: str) -> tuple[str, str] | None:
    """(stdout, stderr) a command line printed from the view (key, day), or None. command: a
    digest of the command line and of everything that shapes its output (see cli/fast.py)."""
    raw = read_private(root, _out_name(key, day, command))
    if raw is None or not raw.startswith(OUT_MAGIC):
        return None
    check, _, rest = raw[len(OUT_MAGIC):].partition(b"\n")
    if _out_check(key, day, command, rest) != check:  # damaged, or another command line's output
        return None
    try:
        head, _, body = rest.partition(b"\n")
        size = int(head)
        if not 0 <= size <= len(body):
            return None
        text = body.decode("utf-8", "surrogatepass")
        out = body[:size].decode("utf-8", "surrogatepass")
    except (ValueError, UnicodeDecodeError):
        return None
    return out, text[len(out):]


def _out_check(key: str, day: str, command: str, rest: bytes) -> bytes:
    return hashlib.sha256(f"{key}\0{day}\0{command}\0".encode() + rest).hexdigest().encode()


def store_output(root, key: str, day: str, command: str, out: str, err: str) -> None:
    body = out.encode("utf-8", "surrogatepass")
    rest = str(len(body)).encode() + b"\n" + body + err.encode("utf-8", "surrogatepass")
    store_bytes(root, _out_name(key, day, command),
                OUT_MAGIC + _out_check(key, day, command, rest) + b"\n" + rest, prune="out-")


# ------------------------------------------------------------------ validator

VALIDATOR_FORMAT = 1


def _validator_key(name: str = "") -> str:
    """Key of a validator's core schema: what it validates (name: "" for the journal, else the
    YAML file's model), this code (the models), pydantic and pydantic-core (which generate and
    read it) and Python."""
    import sys

    import pydantic
    import pydantic_core

    return hashlib.sha256(b"\0".join([_code_stamp(), pydantic.VERSION.encode(), pydantic_core.__version__.encode(),
                                       sys.version.encode(), str(VALIDATOR_FORMAT).encode(),
                                       name.encode()])).hexdigest()


def _entry_classes() -> dict:
    """The classes the journal validator's core schema names, by name."""
    from ..domain import models

    return {cls.__name__: cls for cls in (*models.ENTRY_TYPES.values(), models.EvidenceFile)}


def _factories() -> dict:
    """The default factories a kept schema may name, by name: list, and the models' own
    (models.DEFAULT_FACTORIES: the blocks a YAML file may leave out)."""
    from ..domain import models

    return {"list": list, **models.DEFAULT_FACTORIES}


def _schema_json(value, names: dict):
    """A core schema as JSON values: each class it names as {"$class": name} (names: class or
    factory → name, see _factories), each default factory as {"$factory": name}, metadata
    (pydantic's JSON-schema hooks, which pydantic-core never reads) left out; TypeError for
    anything else, so that a schema this cannot write exactly is not kept."""
    if type(value) is dict:
        if not all(type(k) is str for k in value):
            raise TypeError("key")
        return {k: _schema_json(v, names) for k, v in value.items() if not (k == "metadata" and "type" in value)}
    if type(value) in (list, tuple):
        return [_schema_json(v, names) for v in value]
    if value is None or type(value) in (str, int, bool):
        return value
    found = names.get(value) if isinstance(value, type) or callable(value) else None
    if found is not None:
        return found
    raise TypeError(type(value).__name__)


def _names(classes: dict) -> dict:
    """What _schema_json writes for each class and factory a schema may name."""
    return {**{cls: {"$class": name} for name, cls in classes.items()},
            **{fn: {"$factory": name} for name, fn in _factories().items()}}


def _plain(value):
    """A core schema as _schema_value gives it back: tuples as lists, metadata left out."""
    if type(value) is dict:
        return {k: _plain(v) for k, v in value.items() if not (k == "metadata" and "type" in value)}
    if type(value) in (list, tuple):
        return [_plain(v) for v in value]
    return value


def _schema_value(value, classes: dict, key: str = "", factories: dict | None = None):
    """_schema_json's JSON back as a core schema; KeyError for a class or factory it does not know,
    or one anywhere but where pydantic-core takes it (a class as a `cls`, a factory as a
    `default_factory`)."""
    if type(value) is dict:
        if len(value) == 1 and "$class" in value:
            if key != "cls":
                raise KeyError(key)
            return classes[value["$class"]]
        if len(value) == 1 and "$factory" in value:
            if key != "default_factory" or type(value["$factory"]) is not str:
                raise KeyError(key)
            return (factories if factories is not None else _factories())[value["$factory"]]
        factories = factories if factories is not None else _factories()
        return {k: _schema_value(v, classes, k, factories) for k, v in value.items()}
    if type(value) is list:
        return [_schema_value(v, classes, "", factories) for v in value]
    return value


def _kinds_match(schema) -> bool:
    """Whether each choice of the journal's tagged union builds the entry class of its own kind
    (a file naming Fix for "problem" would build entries the rules cannot read)."""
    from ..domain import models

    stack, unions = [schema], 0
    while stack:
        node = stack.pop()
        if type(node) is dict:
            if node.get("type") == "tagged-union":
                unions += 1
                choices = node.get("choices")
                if type(choices) is not dict or choices.keys() != models.ENTRY_TYPES.keys() or any(
                        type(c) is not dict or c.get("cls") is not models.ENTRY_TYPES[k] for k, c in choices.items()):
                    return False
            stack.extend(node.values())
        elif type(node) is list:
            stack.extend(node)
    return unions == 1


def _yaml_classes() -> dict:
    """The classes the YAML files' models' core schemas name (every model of domain/models.py), by name."""
    from ..domain import models

    out, stack = {}, [models.Strict]
    while stack:
        cls = stack.pop()
        if cls.__module__ == models.__name__:
            out[cls.__name__] = cls
        stack.extend(cls.__subclasses__())
    return out


def _builds(model: type):
    """A check that a core schema builds model at its root (a file naming another class would
    build objects the rules cannot read)."""
    def check(schema) -> bool:
        if type(schema) is dict and schema.get("type") == "definitions":
            schema = schema.get("schema")
        return type(schema) is dict and schema.get("type") == "model" and schema.get("cls") is model
    return check


def keep_validator(root, validator, model: type | None = None) -> None:
    """Keep the core schema (and config) of a validator pydantic built, the journal's (model None)
    or a YAML file's model's, when it can be written exactly (read back, it is the same schema),
    for load_validator (best effort)."""
    import json

    from pydantic_core import SchemaValidator

    if type(validator) is not SchemaValidator:  # a pydantic plugin's wrapper: its hooks are not ours to drop
        return
    try:
        schema, config = validator.__reduce__()[1][:2]
        classes = _entry_classes() if model is None else _yaml_classes()
        names = _names(classes)
        key = _validator_key("" if model is None else model.__name__)
        doc = {"format": VALIDATOR_FORMAT, "key": key, "schema": _schema_json(schema, names),
               "config": _schema_json(config, names)}
        body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        if _schema_value(json.loads(body)["schema"], classes) != _plain(schema):  # not exactly
            return
    except (TypeError, ValueError, KeyError, IndexError, RecursionError):
        return
    store_bytes(root, f"validator-{key}.json", signed(body), prune="validator-", keep=12)


def load_validator(root, model: type | None = None):
    """The journal's validator (model None), or a YAML file's model's, built from the core schema
    keep_validator kept for this code and these versions of pydantic, pydantic-core and Python;
    None when there is none (or it is damaged, or builds another class)."""
    key = _validator_key("" if model is None else model.__name__)
    doc = read_signed(root, f"validator-{key}.json")
    if type(doc) is not dict or doc.get("format") != VALIDATOR_FORMAT or doc.get("key") != key:
        return None
    return _validator_from(doc, model)


def _validator_from(doc: dict, model: type | None):
    """The validator of doc's schema and config (_schema_json's JSON), when it builds the journal's
    entries (model None) or model; None when it is damaged or builds another class."""
    from pydantic_core import SchemaError, SchemaValidator

    from ..interrupts import held

    try:
        classes = _entry_classes() if model is None else _yaml_classes()
        schema = _schema_value(doc["schema"], classes)
        if not (_kinds_match(schema) if model is None else _builds(model)(schema)):
            return None
        config = _schema_value(doc["config"], classes)
        with held():  # a Ctrl-C now would leave its patterns matching nothing (interrupts.py)
            return SchemaValidator(schema, config)
    except (ValueError, TypeError, KeyError, RecursionError, SchemaError):
        return None


# --------------------------------------------------------- shipped validators
#
# The same core schemas, generated when the package is built (scripts/build_validators.py) and
# shipped beside this module: a command with no store yet (the first after an install or an
# upgrade, CI's `cc validate` on a fresh machine, CC_NO_CACHE=1) builds its validators from them
# in a few ms instead of 35-40 ms of pydantic's generation. They are used only for the models.py
# they were generated from (its bytes' hash) and the same pydantic, pydantic-core and Python
# (major.minor): anything else and pydantic builds them, as without the file.

SHIPPED = "validators.json"
SHIPPED_FORMAT = 1


def _models_source() -> bytes:
    from ..domain import models

    with open(models.__file__, "rb") as fh:
        return fh.read().replace(b"\r\n", b"\n")  # a Windows checkout's line ends: the same code


def shipped_key() -> dict:
    """What the shipped schemas are good for: models.py's hash and the versions that generate them."""
    import sys

    import pydantic
    import pydantic_core

    return {"format": SHIPPED_FORMAT, "models": hashlib.sha256(_models_source()).hexdigest(),
            "pydantic": pydantic.VERSION, "pydantic_core": pydantic_core.__version__,
            "python": "%d.%d" % sys.version_info[:2]}


def shipped_document() -> bytes:
    """The shipped file's bytes, generated now by pydantic (for scripts/build_validators.py and the
    test that keeps the file current); ValueError when a schema cannot be written exactly."""
    import json

    from pydantic import TypeAdapter

    from ..domain import models

    schemas = {}
    for name, model in (("", None), ("Plan", models.Plan), ("UnitsFile", models.UnitsFile)):
        if model is None:
            validator = TypeAdapter(list[models.Entry]).validator
            classes = _entry_classes()
        else:
            model.model_rebuild()
            validator, classes = model.__pydantic_validator__, _yaml_classes()
        schema, config = validator.__reduce__()[1][:2]
        names = _names(classes)
        try:
            doc = {"schema": _schema_json(schema, names), "config": _schema_json(config, names)}
        except TypeError as exc:
            raise ValueError(f"{name or 'Entry'}: {exc}") from None
        if _schema_value(json.loads(json.dumps(doc["schema"])), classes) != _plain(schema):
            raise ValueError(f"{name or 'Entry'}: not written exactly")
        schemas[name] = _stable_refs(doc)
    # keys in pydantic's order, not sorted: a union's choices are listed in its errors in that order
    return (json.dumps({**shipped_key(), "schemas": schemas}, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _stable_refs(doc: dict) -> dict:
    """doc with each definition's name (pydantic's "module.Class:<the class's id() in this
    process>") without the id, so that the file is the same whenever it is generated; ValueError
    when two would then share a name. The names only pair a definition with its uses."""
    import json
    import re

    text = json.dumps(doc, ensure_ascii=False)
    pattern = re.compile(r'("(?:schema_)?ref": ")([^"]*?):\d+"')
    before = {m[2] + ":" + m[0].rsplit(":", 1)[1] for m in pattern.finditer(text)}
    after = {m[2] for m in pattern.finditer(text)}
    if len(before) != len(after):
        raise ValueError("two definitions of one name")
    return json.loads(pattern.sub(r'\1\2"', text))


_SHIPPED_DOC: list = []  # [the shipped file's schemas for this code and these versions, or None], once read


def _shipped_schemas() -> dict | None:
    if not _SHIPPED_DOC:
        import json

        found = None
        try:
            with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), SHIPPED), "rb") as fh:
                doc = json.loads(fh.read())
            if type(doc) is dict and type(doc.get("schemas")) is dict and \
                    {k: doc.get(k) for k in shipped_key()} == shipped_key():
                found = doc["schemas"]
        except (OSError, ValueError, RecursionError):
            pass  # not shipped (a source checkout before the script ran) or damaged: pydantic builds them
        _SHIPPED_DOC.append(found)
    return _SHIPPED_DOC[0]


def shipped_validator(model: type | None = None):
    """The journal's validator (model None), or a YAML file's model's, built from the shipped
    schema; None when there is none for this code and these versions (or it builds another class)."""
    schemas = _shipped_schemas()
    doc = None if schemas is None else schemas.get("" if model is None else model.__name__)
    return _validator_from(doc, model) if type(doc) is dict else None


def model_validator(model: type):
    """The validator of a YAML file's model (models.Plan, models.UnitsFile): pydantic's when it
    has built it, else the shipped one (shipped_validator), else the one kept in the store
    (use_store), else pydantic's, built now (15-20 ms for a plan: a tenth of a `cc log`) and kept.
    The models are defer_build: pydantic builds a model's validator and serializer when first
    used; a command that only validates needs no serializer."""
    if model.__pydantic_complete__:
        return model.__pydantic_validator__
    found = _MODEL_VALIDATORS.get(model)
    if found is not None:
        return found
    root = store_root()
    found = shipped_validator(model)
    if found is None and root is not None:
        found = load_validator(root, model)
    if found is None:
        from ..interrupts import held

        with held():  # a Ctrl-C now would leave its patterns matching nothing (interrupts.py)
            model.model_rebuild()
        found = model.__pydantic_validator__
        if root is not None:
            keep_validator(root, found, model)
    _MODEL_VALIDATORS[model] = found
    return found


_MODEL_VALIDATORS: dict = {}  # model → its validator, once model_validator has it (the same for every store)


# ---------------------------------------------------------------------- state


def _positions():
    from array import array

    return array("q")


class JournalState:
    """The validated plan and units, and the index of a journal a full check found free of errors.
    Arrays rather than lists of ints, so that loading and storing a city's state is quick."""

    def __init__(self, plan, units: list, digest: str, size: int = 0):
        self.plan = plan
        self.units = units
        self.digest = digest  # of the journal bytes this state describes
        self.size = size  # their length
        self.offsets = _positions()  # byte offset of each entry's line
        self.lines = _positions()  # 1-based line number of each entry
        self.by_task: dict = {}  # task id → entry positions
        self.family = _positions()  # the entries every check sees (checks.NOTICE_FAMILY)
        self.voids = _positions()  # the family's voids: what a check of one task's entries needs of it
        self.added: list = []  # the entries catch_up last added (see catch_up)
        # every entry's id, each as "\n" id, then a last "\n" (b"\n" for none), as the entries
        # read them: whether an added entry's id is taken is found here, not by searching a
        # city's journal (see conflicts); None when an id holds a line break
        self.ids: bytes | bytearray | None = bytearray(b"\n")
        self.static = b""  # the plan and units as stored (JSON), kept so that a store need not dump them again

    def add(self, entry, offset: int, line: int) -> None:
        self.extend([entry], [offset], [line])

    def extend(self, entries, offsets, lines) -> None:
        """Index entries (with their lines' byte offsets and numbers) after those already indexed.
        One pass with everything in locals: a city's cold run indexes 150,000 of them."""
        from .checks import NOTICE_FAMILY

        k = len(self.offsets)
        family, voids, by_task = [], [], {}
        if self.ids is not None and entries:
            added = "\n".join([entry.id for entry in entries])
            if added.count("\n") != len(entries) - 1:  # an id holding a line break: no index
                self.ids = None
            else:
                if type(self.ids) is not bytearray:  # as loaded: copied once, then appended to
                    self.ids = bytearray(self.ids)
                self.ids += added.encode("utf-8") + b"\n"
        for entry in entries:
            kind = entry.kind
            if kind in NOTICE_FAMILY:
                family.append(k)
                if kind == "void":
                    voids.append(k)
            else:
                task = entry.task
                at = by_task.get(task)
                if at is None:
                    by_task[task] = [k]
                else:
                    at.append(k)
            k += 1
        self.offsets.extend(offsets)
        self.lines.extend(lines)
        self.family.extend(family)
        self.voids.extend(voids)
        for task, items in by_task.items():
            at = self.by_task.get(task)
            if at is None:
                self.by_task[task] = at = _positions()
            at.extend(items)


def build_state(checked, raw: bytes) -> JournalState:
    """The state of a journal that a full check found free of errors."""
    assert checked.project is not None and checked.journal is not None
    starts = [0]
    find = raw.find
    pos = find(b"\n")
    while pos >= 0:
        starts.append(pos + 1)
        pos = find(b"\n", pos + 1)
    state = JournalState(checked.project.plan, checked.project.units, digest(raw), len(raw))
    lines = checked.journal.lines
    state.extend(checked.journal.entries, [starts[line - 1] for line in lines], lines)
    return state


# The state file: MAGIC, then FORMAT, two lengths and the BLAKE3 of everything after them (_HEAD),
# then the plan and units as JSON, a JSON header (digest, size, the arrays' names and lengths),
# then the arrays' raw int64 items. Data only: reading it can never run code (pickle could), and
# the plan and units are rebuilt field by field with every value's type checked (_construct).
def _head():
    import struct

    return struct.Struct("<IQQ32s")  # format, length of the plan-and-units JSON, of the header JSON, BLAKE3


def _state_name(key: str) -> str:
    return f"state-{key}.bin"


def load_state(root, key: str) -> JournalState | None:
    """The stored state, or None when there is none or it is damaged, foreign or of another format
    (the caller then checks in full and stores a new one)."""
    import json
    import struct
    import sys

    from ..domain import models
    from . import loading

    use_store(root)  # the entries this state leads to are read by the kept validator
    raw = read_private(root, _state_name(key))
    head_struct = _head()
    if raw is None or not raw.startswith(MAGIC) or len(raw) < len(MAGIC) + head_struct.size:
        return None
    try:
        fmt, static_len, head_len, checksum = head_struct.unpack_from(raw, len(MAGIC))
        body = memoryview(raw)[len(MAGIC) + head_struct.size:]
        if fmt != FORMAT or _journal_hash(body).digest() != checksum:
            return None
        static = bytes(body[:static_len])
        fixed = json.loads(static)
        head = json.loads(bytes(body[static_len:static_len + head_len]))
        if head.get("byteorder") != sys.byteorder or head.get("key") != key:  # another folder's, copied
            return None
        state = JournalState(_construct(models.Plan, fixed["plan"]),
                             [_construct(models.Unit, u) for u in _typed(fixed["units"], list)],
                             _typed(head["digest"], str), _typed(head["size"], int))
        if state.size < 0:
            return None
        state.static = static
        at = static_len + head_len
        for name, count in head["arrays"]:
            items = _positions()
            items.frombytes(body[at:at + 8 * count])
            at += 8 * count
            if name in ("offsets", "lines", "family", "voids"):
                setattr(state, name, items)
            else:
                state.by_task[name.removeprefix("task:")] = items
        ids = _typed(head["ids"], int)
        if ids >= 0:
            state.ids = bytes(body[at:at + ids])  # a bytearray once extended
            at += ids
            if len(state.ids) != ids or not state.ids.startswith(b"\n") or not state.ids.endswith(b"\n"):
                return None
        else:
            state.ids = None
        if at != len(body) or len(state.offsets) != len(state.lines):
            return None
        return state
    except (ValueError, TypeError, KeyError, AttributeError, struct.error, RecursionError):
        return None  # a damaged store file is simply not used


def store_state(root, key: str, state: JournalState) -> None:
    import json
    import sys

    from . import loading

    if loading._ENTRY_LIST.built:  # pydantic built the journal's validator: keep its schema for later commands
        loading._ENTRY_LIST.built = False
        keep_validator(root, loading._ENTRY_LIST.validator)

    if not state.static:  # the plan and units do not change while a state is extended: dumped once
        state.static = b"".join([b'{"plan":', state.plan.model_dump_json().encode("utf-8"), b',"units":[',
                                 b",".join(u.model_dump_json().encode("utf-8") for u in state.units), b"]}"])
    arrays = [("offsets", state.offsets), ("lines", state.lines), ("family", state.family), ("voids", state.voids),
              *((f"task:{t}", a) for t, a in state.by_task.items())]
    head = json.dumps({"byteorder": sys.byteorder, "key": key, "digest": state.digest, "size": state.size,
                       "arrays": [[name, len(a)] for name, a in arrays],
                       "ids": -1 if state.ids is None else len(state.ids)},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    body = b"".join([state.static, head, *(a.tobytes() for _, a in arrays), state.ids or b""])
    store_bytes(root, _state_name(key), MAGIC + _head().pack(FORMAT, len(state.static), len(head),
                                                             _journal_hash(body).digest()) + body,
                prune="state-", keep=KEEP_STATES)


def _typed(value, kind: type):
    if type(value) is not kind:
        raise TypeError(kind.__name__)
    return value


def _construct(annotation, value):
    """value (from the state's JSON) as annotation says: models built without re-validating
    (model_construct, quick), but each value's type checked, so that a damaged or forged file
    cannot put a text where a date belongs; anything else raises TypeError/ValueError/KeyError."""
    return _converter(annotation)(value)


_CONVERTERS: dict = {}  # by id of an annotation (pydantic keeps them alive)


def _converter(annotation):
    found = _CONVERTERS.get(id(annotation))
    if found is None:
        found = _CONVERTERS[id(annotation)] = _make_converter(annotation)
    return found


def _make_converter(annotation):
    import datetime as dt
    import types
    import typing

    from ..domain import models

    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _converter(typing.get_args(annotation)[0])
    if isinstance(annotation, type) and issubclass(annotation, models.BaseModel):
        cls = annotation
        fields = {name: _converter(info.annotation) for name, info in cls.model_fields.items()}
        names = fields.keys()
        new, setattr_ = cls.__new__, object.__setattr__

        def model(value):
            # store_state dumps every field: exactly those keys, or the file is not ours
            if type(value) is not dict or value.keys() != names:
                raise TypeError(cls.__name__)
            # what model_construct does, minus its handling of defaults and aliases: a third of the time
            obj = new(cls)
            setattr_(obj, "__dict__", {name: fields[name](item) for name, item in value.items()})
            setattr_(obj, "__pydantic_fields_set__", set(names))
            setattr_(obj, "__pydantic_extra__", None)
            setattr_(obj, "__pydantic_private__", None)
            return obj
        return model
    if origin is list:
        item = _converter(typing.get_args(annotation)[0])
        return lambda value: [item(v) for v in _typed(value, list)]
    if annotation is dt.date:
        return lambda value: dt.date.fromisoformat(_typed(value, str))
    if annotation in (int, str, bool):
        return lambda value: _typed(value, annotation)
    if origin in (typing.Union, types.UnionType) and type(None) in typing.get_args(annotation):
        inner = _converter(next(a for a in typing.get_args(annotation) if a is not type(None)))
        return lambda value: None if value is None else inner(value)
    if origin is typing.Literal:
        allowed = set(typing.get_args(annotation))

        def literal(value):
            if value not in allowed:
                raise ValueError(value)
            return value
        return literal
    raise TypeError(f"unexpected field type {annotation!r}")


def matching(state: JournalState | None, raw: bytes):
    """How state relates to the journal bytes raw: ("same", hash) when it describes them,
    ("grown", hash) when it describes a prefix of them ending at a line end (lines were added at
    the end: a pull, a union merge, another unit's append), else (None, hash); hash is the
    digest state of raw (see hasher)."""
    if state is None or state.size > len(raw) or hasher(raw, state.size).hexdigest() != state.digest:
        return None, hasher(raw)
    h = hasher(raw)
    if state.size == len(raw):
        return "same", h
    if state.size and raw[state.size - 1:state.size] != b"\n":
        return None, h
    return "grown", h


def _prefix_lines(state: JournalState, raw: bytes) -> int:
    """Newlines in raw[:state.size], the bytes the state describes: its last entry's line number
    and those after it (counting the whole of a city's journal again costs a tenth of a second)."""
    if len(state.offsets):
        return state.lines[-1] - 1 + raw.count(b"\n", state.offsets[-1], state.size)
    return raw.count(b"\n", 0, state.size)


def _tail_lines(state: JournalState, raw: bytes) -> list | None:
    """[(line number, text)] of the lines added after state.size, when they pass what loading's
    fast path checks before it parses (no long line, no character textguard forbids, UTF-8; that
    each is one object, the entry model sees line by line); None otherwise (or when there is no
    such line)."""
    from . import loading

    tail = raw[state.size:]
    chunks = tail.split(b"\n")
    if max(map(len, chunks)) > loading.MAX_LINE_BYTES or loading._suspect(tail):
        return None
    try:
        texts = [c.decode("utf-8").rstrip("\r") for c in chunks]
    except UnicodeDecodeError:
        return None
    first_line = _prefix_lines(state, raw) + 1
    blank = loading.BLANK.decode()
    return [(first_line + n, text) for n, text in enumerate(texts) if text.strip(blank)] or None


def catch_up(state: JournalState, raw: bytes, h, path, display: str, entries: list | None = None,
             witness=None, known: dict | None = None):
    """The state extended over the lines added after state.size, when they are valid entries that
    break no rule with what came before; None when they are not, or cannot be told apart from
    trouble cheaply, so that the caller checks everything in full. entries: every entry of raw
    in file order, when the caller has read them all (a read does): the new ones and the slice
    are then taken from them instead of being parsed again.

    The new lines go through what the full run's fast path does to a journal (loading: one
    object per line, no long line, no character textguard forbids, no repeated key, the entry
    model) and then checks.check_append against the slice of the journal it needs. What that
    assumes of the checks is what check_append itself assumes and says: every rule between
    entries looks at the entries of one task, or at the entries of checks.NOTICE_FAMILY, which
    every slice holds in full (with ids: an id found anywhere in the journal's bytes sends the
    append to the full check, see `conflicts`).

    witness: a function of the new entries giving the positions of a smaller slice that checks
    them exactly as the whole one would, or None (see folds.witnesses). known: position → entry
    of lines already read, taken from there and given what the slice reads (folds.read folds the
    same tasks' entries again right after)."""
    from . import loading
    from .checks import NOTICE_FAMILY

    numbered = _tail_lines(state, raw)
    if numbered is None:
        return None
    old = len(state.offsets)
    if entries is None:
        try:
            new = loading._ENTRY_LIST.validate_lines([t.encode("utf-8") for _, t in numbered])
        except Exception:  # ValidationError, bad JSON: the full check explains it
            return None
    elif len(entries) != old + len(numbered):
        return None
    else:
        new = entries[old:]
    if len(new) != len(numbered) or len({e.id for e in new}) != len(new):
        return None
    if loading.may_repeat_keys(new, [t.encode("utf-8") for _, t in numbered]):
        return None
    touched = {e.task for e in new if e.kind not in NOTICE_FAMILY}
    family = any(e.kind in NOTICE_FAMILY for e in new)
    chosen = witness(new) if witness is not None else None
    # the slice reads only lines of the prefix, so it takes raw whole (a copy of the prefix would
    # cost a city's journal once more in time and memory); the search for ids stops at its end
    part = slice_of(state, raw, path, display, touched, entries, family, chosen, known)
    base = _prefix_lines(state, raw) + 1  # the first added line's number
    problems = conflicts(part, raw, new, [t for _, t in numbered],
                         None if entries is None else {e.id for e in entries[:old]}, base, state.size, state.ids)
    if problems is None or problems:
        return None
    starts, at = [], state.size  # of each added line
    for chunk in raw[state.size:].split(b"\n"):
        starts.append(at)
        at += len(chunk) + 1
    for (line, _), entry in zip(numbered, new):
        state.add(entry, starts[line - base], line)
    state.size, state.digest = len(raw), h.hexdigest()
    state.added = list(new)
    return state


def slice_of(state: JournalState, raw: bytes, path, display: str, tasks: set, read: list | None = None,
             family: bool = True, positions: list | None = None, known: dict | None = None):
    """A checks.Checked holding only the entries of `tasks` and of the family, in file order.
    read: the journal's entries in file order, when already read (else the slice is parsed).
    family=False: of the family only the voids, enough to check entries of those tasks alone
    (checks.check_journal's rules for a task's entries read the task's entries and what voids
    them; the notices' and the problem list's rules are not reached). positions: the slice's
    entries, when the caller knows a smaller one that checks the same (catch_up's witness).
    known: position → entry of lines already read (see catch_up), extended with those read here."""
    from . import checks, loading
    from ..domain import models

    if positions is None:
        positions = sorted({k for t in tasks for k in state.by_task.get(t, ())}
                           | set(state.family if family else state.voids))
    if read is not None:
        entries = [read[k] for k in positions]
    else:
        have = known if known is not None else {}
        missing = [k for k in positions if k not in have]
        if missing:
            chunks = lines_at(raw, [state.offsets[k] for k in missing])
            have.update(zip(missing, loading._ENTRY_LIST.validate_lines(chunks)))
        entries = [have[k] for k in positions]
    src = loading.Source(path, display, raw=raw)
    journal = loading.JournalFile(src, list(entries), [state.lines[k] for k in positions])
    project = models.Project(state.plan, state.units, journal.entries)
    return checks.Checked(project, [], [], journal)


def problem_slice(state: JournalState, raw: bytes, path, display: str, key: str):
    """A slice (as slice_of gives) holding the entries about problem key (its 交办, 整改, 复查 and
    延期, found as the lines that hold "key" as a JSON string in the state's part of raw) and the
    voids: what a command on one problem builds from, and all that checks.check_journal's rules
    for such an entry read (checks._check_problem_entry looks at that problem's entries alone).
    None when the bytes cannot tell: a key that is not an id's spelling, or a JSON escape of an
    ASCII character anywhere before the state's end (the id could be written so)."""
    import bisect
    import re

    from . import loading
    from ..domain.problemlist import PROBLEM_KINDS

    if not re.fullmatch(r"[A-Z0-9][A-Z0-9-]{0,62}", key) or raw.find(b"\\u00", 0, state.size) >= 0:
        return None
    needle, offsets, found = b'"' + key.encode() + b'"', state.offsets, set()
    at = raw.find(needle, 0, state.size)
    while at >= 0:
        found.add(bisect.bisect_right(offsets, at) - 1)
        at = raw.find(needle, at + 1, state.size)
    known: dict = {}
    if found:
        lines = sorted(found)
        try:
            entries = loading._ENTRY_LIST.validate_lines(lines_at(raw, [offsets[k] for k in lines]))
        except Exception:  # pragma: no cover - the state vouches for these very lines
            return None
        known = {k: e for k, e in zip(lines, entries) if e.kind in PROBLEM_KINDS and e.problem == key}
    positions = sorted(set(known) | set(state.voids))
    return slice_of(state, raw, path, display, set(), family=False, positions=positions, known=known)


def _ids_taken(ids, wanted: list[str]) -> bool:
    """Whether one of wanted is in ids (JournalState.ids), or cannot be told (an id holding a line
    break). The ids beginning as a wanted one does (its day, 20231201-…) are collected, by a quick
    search for each beginning; for many beginnings (a pull of many days), all of them."""
    if any("\n" in w for w in wanted):
        return True
    heads = {w[:9] for w in wanted}
    if len(heads) > 8:
        seen = set(bytes(ids).split(b"\n"))
    else:
        seen = set()
        for head in heads:
            needle = b"\n" + head.encode("utf-8")
            at = ids.find(needle)
            while at >= 0:
                end = ids.find(b"\n", at + 1)
                seen.add(bytes(ids[at + 1:end]))
                at = ids.find(needle, end)
    return any(w.encode("utf-8") in seen for w in wanted)


def conflicts(part, raw: bytes, entries: list, lines: list[str], taken: set | None = None,
              first: int | None = None, stop: int | None = None, ids=None) -> list | None:
    """Errors the new entries would bring, checked against the slice; None when the slice cannot
    tell: a new entry's id appears somewhere in the journal's bytes (entry ids are random, so in
    practice never), and only a full check can say whether that is an entry's id. taken: the ids
    of every entry of raw, when known (then they are what is compared); ids: the same as the
    state's index (JournalState.ids) of raw[:stop], searched instead of the journal's bytes (a
    tenth of their size: a pull's check stays as quick as the journal grows). stop: the
    journal's bytes end there (raw[:stop], without copying a city's journal to cut it)."""
    import re

    from .checks import check_append

    if stop is None:
        stop = len(raw)
    if taken is not None:
        if any(entry.id in taken for entry in entries):
            return None
    elif ids is not None:
        if _ids_taken(ids, [entry.id for entry in entries]):
            return None
    elif len(entries) <= 8:
        if any(raw.find(b'"' + entry.id.encode() + b'"', 0, stop) >= 0 for entry in entries):
            return None
    elif len(heads := {entry.id[:9] for entry in entries}) <= 8:
        # many, sharing a few beginnings (ids begin with their day, 20231201-…): every quoted
        # value that begins so, found by a quick search for each beginning
        seen: set[bytes] = set()
        for head in heads:
            needle = b'"' + head.encode()
            at = raw.find(needle, 0, stop)
            while at >= 0:
                end = raw.find(b'"', at + 1, stop)
                if end < 0:
                    seen.add(raw[at + 1:stop])
                    break
                seen.add(raw[at + 1:end])
                at = raw.find(needle, end + 1, stop)
        if any(entry.id.encode() in seen for entry in entries):
            return None
    else:  # many (lines from a pull): one pass collecting every quoted value after an "id" key
        whole = raw.whole() if type(raw) is FileBytes else raw
        taken = set(re.findall(rb'"id"\s*:\s*"([^"\\]*)"', memoryview(whole)[:stop]))
        if any(entry.id.encode() in taken for entry in entries):
            return None
    return check_append(part, entries, lines, first)


def extend(state: JournalState, raw: bytes, h, payload: bytes, entries: list) -> JournalState:
    """The state, changed in place, after payload (the appended bytes, one line per entry) was
    written to the journal raw whose digest state (see hasher) is h."""
    content_end = len(raw)
    first_line = raw.count(b"\n") + 1
    offset = content_end
    if payload.startswith(b"\n"):  # a newline was added before the entries
        offset += 1
        first_line += 1
    h = h.copy()
    h.update(payload)
    state.digest = h.hexdigest()
    state.size = len(raw) + len(payload)
    for n, entry in enumerate(entries):
        state.add(entry, offset, first_line + n)
        offset = payload.index(b"\n", offset - content_end) + content_end + 1
    return state


def bring_up_to_date(root, key: str, raw: bytes, path, display: str):
    """(state, hash) when the stored state of plan key describes raw or a prefix of it whose new
    lines pass (see catch_up; the state is then stored extended), else (None, hash of raw)."""
    state = load_state(root, key)
    how, h = matching(state, raw)
    if how == "grown":  # lines added since (a pull, a merge): check just those
        state = catch_up(state, raw, h, path, display)
        if state is not None:
            store_state(root, key, state)
        how = "same" if state is not None else None
    return (state, h) if how == "same" else (None, h)


def read_project(root, key: str, raw: bytes, path, display: str):
    """(project, state) of the journal raw for a read, from the stored state of plan key: its
    entries read by the entry model alone (every check already passed on these very bytes),
    and lines added since checked as catch_up does (the state is then stored extended); None when
    the store cannot vouch for raw (the caller then checks in full)."""
    from . import loading
    from ..domain import models

    state = load_state(root, key)
    how, h = matching(state, raw)
    if how is None or (how == "grown" and _tail_lines(state, raw) is None):
        return None
    with loading.gc_paused():
        chunks = [c for c in (line.strip(loading.BLANK) for line in raw.split(b"\n")) if c]
        try:
            entries = loading._ENTRY_LIST.validate_lines(chunks)
        except Exception:  # ValidationError, bad JSON in the new lines: the full check explains it
            return None
    if how == "grown":
        state = catch_up(state, raw, h, path, display, entries)
        if state is None:
            return None
        store_state(root, key, state)
    if len(entries) != len(state.offsets):
        return None
    return models.Project(state.plan, state.units, entries), state


def min_bytes() -> int:
    try:
        return int(os.environ.get("CC_INDEX_MIN_BYTES", MIN_BYTES))
    except ValueError:
        return MIN_BYTES


def usable_raw(raw: bytes | None) -> bool:
    """Whether a journal of these bytes gets a state: large enough for one to pay (MIN_BYTES), and
    without a byte-order mark (loading drops it, so lines would not start where the state says)."""
    return raw is not None and len(raw) >= min_bytes() and not raw.startswith(b"\xef\xbb\xbf")
