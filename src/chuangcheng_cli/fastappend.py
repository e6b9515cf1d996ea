"""Appending without re-validating the whole journal: an index of a journal already known to be valid.

A full check of a city's 100,000-entry journal takes seconds; one `cc log` must not. After a full
check finds no error, we keep (outside git, see cache.py) the parsed plan and units, and for the
journal: its exact digest, where each entry's line starts, which entries concern which task, the
notice-related entries and every entry id. A later append whose journal still has that exact
digest parses only the entries of the tasks it touches (plus all notice-related ones), builds
its entry from that slice, and checks the new lines against the slice and the id set; every
per-task and per-notice rule of checks.check_journal only looks at those entries, so the slice
answers exactly as the whole would. Any other change to the files means a full check again.
"""

from __future__ import annotations

import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import cache, checks, loading, models

NOTICE_FAMILY = ("notice", "reply", "close", "escalate")


@dataclass
class JournalIndex:
    plan: models.Plan
    units: list
    digest: str  # of the journal bytes this index describes
    offsets: list[int] = field(default_factory=list)  # byte offset of each entry's line
    lines: list[int] = field(default_factory=list)  # 1-based line number of each entry
    by_task: dict[str, list[int]] = field(default_factory=dict)  # task id → entry positions
    notice_family: list[int] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)

    def add(self, entry, offset: int, line: int) -> None:
        k = len(self.offsets)
        self.offsets.append(offset)
        self.lines.append(line)
        self.ids.add(entry.id)
        if entry.kind in NOTICE_FAMILY:
            self.notice_family.append(k)
        else:
            self.by_task.setdefault(entry.task, []).append(k)


def _line_starts(raw: bytes) -> list[int]:
    return [0] + [m.end() for m in re.finditer(b"\n", raw)]


def build_index(checked: checks.Checked, raw: bytes) -> JournalIndex:
    """The index of a journal that a full check found free of errors."""
    assert checked.project is not None and checked.journal is not None
    starts = _line_starts(raw)
    index = JournalIndex(checked.project.plan, checked.project.units, cache.digest(raw))
    for entry, line in zip(checked.journal.entries, checked.journal.lines):
        index.add(entry, starts[line - 1], line)
    return index


def load_index(root: Path, key: str) -> JournalIndex | None:
    try:
        with open(root / f"append-{key}.pickle", "rb") as fh:
            index = pickle.load(fh)
        return index if isinstance(index, JournalIndex) else None
    except Exception:  # a damaged or foreign cache file is simply not used
        return None


def store_index(root: Path, key: str, index: JournalIndex) -> None:
    cache.store_bytes(root, f"append-{key}.pickle", pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))


def slice_of(index: JournalIndex, raw: bytes, path: Path, display: str, tasks: set[str]) -> checks.Checked:
    """A Checked holding only the entries of `tasks` and the notice-related ones, in file order."""
    positions = sorted({k for t in tasks for k in index.by_task.get(t, [])} | set(index.notice_family))
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


def conflicts(index: JournalIndex, part: checks.Checked, entries: list, lines: list[str]):
    """Errors the new entries would bring (checked against the slice and every entry id)."""
    from .problems import Problem

    problems = checks.check_append(part, entries, lines)
    for entry in entries:
        if entry.id in index.ids:
            problems.append(Problem(part.journal.src.display, 0, 0, "duplicate-entry-id",
                                    f'记录 id "{entry.id}" 已存在'))
    return problems


def extended(index: JournalIndex, raw: bytes, payload: bytes, entries: list) -> JournalIndex:
    """The index after payload (the appended bytes, one line per entry) was written."""
    content_end = len(raw)
    first_line = raw.count(b"\n") + 1
    offset = content_end
    if payload.startswith(b"\n"):  # a newline was added before the entries
        offset += 1
        first_line += 1
    out = JournalIndex(index.plan, index.units, cache.digest(raw + payload), list(index.offsets),
                       list(index.lines), {k: list(v) for k, v in index.by_task.items()},
                       list(index.notice_family), set(index.ids))
    for n, entry in enumerate(entries):
        out.add(entry, offset, first_line + n)
        offset = payload.index(b"\n", offset - content_end) + content_end + 1
    return out
