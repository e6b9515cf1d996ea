"""Appending without re-validating the whole journal: an index of a journal already known to be valid.

A full check of a city's 100,000-entry journal takes seconds; one `cc log` must not. After a full
check finds no error, we keep (outside git, see cache.py) the parsed plan and units, and for the
journal: its exact digest, where each entry's line starts, which entries concern which task and
the notice-related entries. A later append whose journal still has that exact digest parses
only the entries of the tasks it touches (plus all notice-related ones), builds its entry from
that slice, and checks the new lines against the slice (and each new id against the journal's
bytes: an id found there sends the append to a full check); every per-task and per-notice rule
of checks.check_journal only looks at those entries, so the slice answers exactly as the whole
would. Any other change to the files means a full check again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import struct
import sys
import types
import typing
from array import array
from dataclasses import dataclass, field
from pathlib import Path

from . import cache, checks, loading
from ..domain import models

NOTICE_FAMILY = checks.NOTICE_FAMILY
FORMAT = 4  # of the stored index; an index of another format is not used
# The stored index: MAGIC, then FORMAT, two lengths and the sha256 of everything after them
# (struct _HEAD), then the plan and units as JSON, a JSON header (digest, size, the arrays' names
# and lengths), then the arrays' raw int64 items. Data only: reading it can never run code (pickle could), and
# the plan and units are rebuilt field by field with every value's type checked (_construct).
MAGIC = b"chuangcheng-cli append index\n"
_HEAD = struct.Struct("<IQQ32s")  # format, length of the plan-and-units JSON, of the header JSON, sha256
# Below this size a full check is quicker than loading and storing an index (a working group's
# few hundred entries: ~0.4 s checked in full, ~0.55 s through the index); CC_INDEX_MIN_BYTES
# overrides it (tests use 0 to exercise the index on small data).
MIN_BYTES = 256 * 1024


def _positions() -> array:
    return array("q")


@dataclass
class JournalIndex:
    """Arrays rather than lists of ints, so that loading and storing a city's index is quick."""

    plan: models.Plan
    units: list
    digest: str  # of the journal bytes this index describes
    size: int = 0  # their length
    offsets: array = field(default_factory=_positions)  # byte offset of each entry's line
    lines: array = field(default_factory=_positions)  # 1-based line number of each entry
    by_task: dict[str, array] = field(default_factory=dict)  # task id → entry positions
    notice_family: array = field(default_factory=_positions)
    static: bytes = b""  # the plan and units as stored (JSON), kept so that a store need not dump them again

    def add(self, entry, offset: int, line: int) -> None:
        k = len(self.offsets)
        self.offsets.append(offset)
        self.lines.append(line)
        if entry.kind in NOTICE_FAMILY:
            self.notice_family.append(k)
        else:
            self.by_task.setdefault(entry.task, _positions()).append(k)


def hasher(raw: bytes):
    """The digest state of raw: .hexdigest() is cache.digest(raw); .copy().update() extends it."""
    return hashlib.sha256(raw)


def build_index(checked: checks.Checked, raw: bytes) -> JournalIndex:
    """The index of a journal that a full check found free of errors."""
    assert checked.project is not None and checked.journal is not None
    starts = [0]
    find = raw.find
    pos = find(b"\n")
    while pos >= 0:
        starts.append(pos + 1)
        pos = find(b"\n", pos + 1)
    index = JournalIndex(checked.project.plan, checked.project.units, cache.digest(raw), len(raw))
    for entry, line in zip(checked.journal.entries, checked.journal.lines):
        index.add(entry, starts[line - 1], line)
    return index


def _name(key: str) -> str:
    return f"append-{key}.index"


def load_index(root: Path, key: str) -> JournalIndex | None:
    """The stored index, or None when there is none or it is damaged, foreign or of another format
    (the caller then checks in full and stores a new one)."""
    raw = cache.read_private(root, _name(key))
    if raw is None or not raw.startswith(MAGIC) or len(raw) < len(MAGIC) + _HEAD.size:
        return None
    try:
        fmt, static_len, head_len, checksum = _HEAD.unpack_from(raw, len(MAGIC))
        body = memoryview(raw)[len(MAGIC) + _HEAD.size:]
        if fmt != FORMAT or hashlib.sha256(body).digest() != checksum:
            return None
        static = bytes(body[:static_len])
        fixed = json.loads(static)
        head = json.loads(bytes(body[static_len:static_len + head_len]))
        if head.get("byteorder") != sys.byteorder:
            return None
        index = JournalIndex(_construct(models.Plan, fixed["plan"]),
                             [_construct(models.Unit, u) for u in _typed(fixed["units"], list)],
                             _typed(head["digest"], str), _typed(head["size"], int))
        index.static = static
        at = static_len + head_len
        for name, count in head["arrays"]:
            items = _positions()
            items.frombytes(body[at:at + 8 * count])
            at += 8 * count
            if name in ("offsets", "lines", "notice_family"):
                setattr(index, name, items)
            else:
                index.by_task[name.removeprefix("task:")] = items
        if at != len(body) or len(index.offsets) != len(index.lines):
            return None
        return index
    except (ValueError, TypeError, KeyError, AttributeError, struct.error, RecursionError):
        return None  # a damaged cache file is simply not used


def store_index(root: Path, key: str, index: JournalIndex) -> None:
    if not index.static:  # the plan and units do not change while an index is extended: dumped once
        index.static = b"".join([b'{"plan":', index.plan.model_dump_json().encode("utf-8"), b',"units":[',
                                 b",".join(u.model_dump_json().encode("utf-8") for u in index.units), b"]}"])
    arrays = [("offsets", index.offsets), ("lines", index.lines), ("notice_family", index.notice_family),
              *((f"task:{t}", a) for t, a in index.by_task.items())]
    head = json.dumps({"byteorder": sys.byteorder, "digest": index.digest, "size": index.size,
                       "arrays": [[name, len(a)] for name, a in arrays]},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    body = b"".join([index.static, head, *(a.tobytes() for _, a in arrays)])
    cache.store_bytes(root, _name(key), MAGIC + _HEAD.pack(FORMAT, len(index.static), len(head),
                                                           hashlib.sha256(body).digest()) + body)


def _typed(value, kind: type):
    if type(value) is not kind:
        raise TypeError(kind.__name__)
    return value


def _construct(annotation, value):
    """value (from the index's JSON) as annotation says: models built without re-validating
    (model_construct, quick), but each value's type checked, so that a damaged or forged file
    cannot put a text where a date belongs; anything else raises TypeError/ValueError/KeyError."""
    return _converter(annotation)(value)


_CONVERTERS: dict[int, typing.Callable] = {}  # by id of an annotation (pydantic keeps them alive)


def _converter(annotation) -> typing.Callable:
    found = _CONVERTERS.get(id(annotation))
    if found is None:
        found = _CONVERTERS[id(annotation)] = _make_converter(annotation)
    return found


def _make_converter(annotation) -> typing.Callable:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _converter(typing.get_args(annotation)[0])
    if isinstance(annotation, type) and issubclass(annotation, models.BaseModel):
        cls = annotation
        fields = {name: _converter(info.annotation) for name, info in cls.model_fields.items()}
        names = fields.keys()
        new, setattr_ = cls.__new__, object.__setattr__

        def model(value):
            # store_index dumps every field: exactly those keys, or the file is not ours
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


def matching(index: JournalIndex | None, raw: bytes):
    """How index relates to the journal bytes raw: ("same", state) when it describes them,
    ("grown", state) when it describes a prefix of them ending at a line end (lines were added at
    the end: a pull, a union merge, another unit's append), else (None, state); state is the
    digest state of raw (see hasher)."""
    if index is None or index.size > len(raw):
        return None, hasher(raw)
    view = memoryview(raw)
    state = hasher(view[:index.size])
    if state.hexdigest() != index.digest:
        return None, hasher(raw)
    if index.size == len(raw):
        return "same", state
    if index.size and raw[index.size - 1:index.size] != b"\n":
        state.update(view[index.size:])
        return None, state
    state.update(view[index.size:])
    return "grown", state


def catch_up(index: JournalIndex, raw: bytes, state, path: Path, display: str) -> JournalIndex | None:
    """The index extended over the lines added after index.size, when they are valid entries that
    break no rule with what came before (checked as an append is); None when they are not, or
    cannot be told apart from trouble cheaply, so that the caller checks everything in full."""
    tail = raw[index.size:]
    chunks = tail.split(b"\n")
    if any(c.strip() and (c.strip()[:1] != b"{" or c.strip()[-1:] != b"}") for c in chunks):
        return None
    # what loading's fast path refuses to take on trust: long lines, characters textguard forbids
    if max(map(len, chunks)) > loading.MAX_LINE_BYTES or loading._suspect(tail):
        return None
    try:
        texts = [c.decode("utf-8").rstrip("\r") for c in chunks]
    except UnicodeDecodeError:
        return None
    first_line = raw.count(b"\n", 0, index.size) + 1
    numbered = [(first_line + n, text) for n, text in enumerate(texts) if text.strip()]
    if not numbered:
        return None
    try:
        entries = loading._ENTRY_LIST.validate_json(b"[" + ",".join(t for _, t in numbered).encode() + b"]")
    except Exception:  # ValidationError, bad JSON: the full check explains it
        return None
    if len(entries) != len(numbered) or len({e.id for e in entries}) != len(entries):
        return None
    if loading.may_repeat_keys(entries, [t.encode("utf-8") for _, t in numbered]):
        return None
    prefix = raw[:index.size]
    touched = {e.task for e in entries if e.kind not in NOTICE_FAMILY}
    part = slice_of(index, prefix, path, display, touched)
    problems = conflicts(part, prefix, entries, [t for _, t in numbered])
    if problems is None or problems:
        return None
    offsets, at = [], index.size
    for chunk in chunks:
        offsets.append(at)
        at += len(chunk) + 1
    for (line, _), entry in zip(numbered, entries):
        index.add(entry, offsets[line - first_line], line)
    index.size, index.digest = len(raw), state.hexdigest()
    return index


def slice_of(index: JournalIndex, raw: bytes, path: Path, display: str, tasks: set[str]) -> checks.Checked:
    """A Checked holding only the entries of `tasks` and the notice-related ones, in file order."""
    positions = sorted({k for t in tasks for k in index.by_task.get(t, ())} | set(index.notice_family))
    chunks = []
    for k in positions:
        start = index.offsets[k]
        end = raw.find(b"\n", start)
        chunks.append(raw[start:] if end < 0 else raw[start:end])
    entries = loading._ENTRY_LIST.validate_json(b"[" + b",".join(chunks) + b"]") if chunks else []
    src = loading.Source(path, display, raw=raw)
    journal = loading.JournalFile(src, list(entries), [index.lines[k] for k in positions])
    project = models.Project(index.plan, index.units, journal.entries)
    return checks.Checked(project, [], [], journal)


def conflicts(part: checks.Checked, raw: bytes, entries: list, lines: list[str]) -> list | None:
    """Errors the new entries would bring, checked against the slice; None when the slice cannot
    tell: a new entry's id appears somewhere in the journal's bytes (entry ids are random, so in
    practice never), and only a full check can say whether that is an entry's id."""
    if len(entries) <= 8:
        if any(b'"' + entry.id.encode() + b'"' in raw for entry in entries):
            return None
    else:  # many (lines from a pull): one pass collecting every quoted value after an "id" key
        taken = set(re.findall(rb'"id"\s*:\s*"([^"\\]*)"', raw))
        if any(entry.id.encode() in taken for entry in entries):
            return None
    return checks.check_append(part, entries, lines)


def extend(index: JournalIndex, raw: bytes, state, payload: bytes, entries: list) -> JournalIndex:
    """The index, changed in place, after payload (the appended bytes, one line per entry) was
    written to the journal raw whose digest state (see hasher) is state."""
    content_end = len(raw)
    first_line = raw.count(b"\n") + 1
    offset = content_end
    if payload.startswith(b"\n"):  # a newline was added before the entries
        offset += 1
        first_line += 1
    state = state.copy()
    state.update(payload)
    index.digest = state.hexdigest()
    index.size = len(raw) + len(payload)
    for n, entry in enumerate(entries):
        index.add(entry, offset, first_line + n)
        offset = payload.index(b"\n", offset - content_end) + content_end + 1
    return index
