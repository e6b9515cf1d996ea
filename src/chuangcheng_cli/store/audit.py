"""The journal's git history, checked: no committed line changed or removed (append-only), each
added entry's recorder against the commit's author where the roster knows their git identity,
and 补录 entries. Pure: the CLI runs git and hands in the commits and a blob reader.

Lines are compared as a multiset, not as a prefix: `merge=union` puts two branches' lines side by
side, so a merge may interleave lines, but it may never lose one of either parent's. A line that
leaves the file without an entry of the same id appearing is 删除; with one, 改写.

What the journal holds now decides whether that is an error: a line removed and since put back
as it was (the repair the error asks for) is a warning, naming the commit; one of two identical
copies removed (what a bad merge doubled, cc validate asks to delete one) is nothing lost; and a
line put back is no record added by whoever put it back. A fresh-eyes try found CI red for good
after every such repair: each commit was judged against its parent alone.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Optional

from ..diagnostics import ERROR, WARNING, Diagnostic, sort_key
from ..domain.rules import backfill_late, cn_date

WORKTREE = "工作区"
SHOWN_PER_COMMIT = 20  # removed lines named one by one per commit; the rest are counted


@dataclass(frozen=True)
class Commit:
    oid: str  # full object name, or WORKTREE for uncommitted changes
    parents: tuple[str, ...]
    author: str
    email: str
    date: str  # ISO 8601, as git gives it
    blob: Optional[str]  # the journal's blob at this commit; None when the file is absent

    @property
    def short(self) -> str:
        return self.oid[:8] if self.oid != WORKTREE else WORKTREE

    @property
    def label(self) -> str:
        if self.oid == WORKTREE:
            return "工作区中未提交的修改"
        return f"提交 {self.short}（{self.author} <{self.email}>，{self.date[:10]}）"


@dataclass
class _Version:
    lines: list[tuple[int, str]]  # (line number, text) of the non-blank lines
    counts: Counter

    @classmethod
    def of(cls, raw: bytes) -> "_Version":
        text = raw.decode("utf-8", errors="replace")
        if text.startswith("\ufeff"):
            text = text[1:]
        lines = [(n, t.rstrip("\r")) for n, t in enumerate(text.split("\n"), 1) if t.strip()]
        return cls(lines, Counter(t for _, t in lines))


def _entry(text: str) -> dict:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}


def audit(commits: list[Commit], blobs: dict[str, Optional[str]], read: Callable[[str], bytes],
          display: str, identities: dict[str, set[str]], backfill_days: int,
          repo_path: str = "", older: Callable[[str], bool] | None = None) -> list[Diagnostic]:
    """Problems of the commits (parents before children; a parent outside the list is known by
    its blob in `blobs`): rewritten or removed lines (errors), recorder ≠ author and 补录
    (warnings) among the lines each commit added. older(line): whether the line was in the
    journal before the commits audited (--since: a rewrite already there, taken back in them)."""
    cache: dict[str, _Version] = {}

    def version(blob: Optional[str]) -> _Version:
        if blob is None:
            return _Version([], Counter())
        if blob not in cache:
            if len(cache) >= 8:  # a city's journal: keep only the last few versions in memory
                cache.pop(next(iter(cache)))
            cache[blob] = _Version.of(read(blob))
        return cache[blob]

    problems: list[Diagnostic] = []
    last = version(commits[-1].blob) if commits else _Version([], Counter())  # HEAD's, or the worktree's
    now = Counter(last.counts)
    now_ids = {}  # entry id → its line now
    now_lines: dict[str, int] = {}  # line → its number now
    for n, text in last.lines:
        now_lines.setdefault(text, n)
        entry_id = _entry(text).get("id")
        if isinstance(entry_id, str):
            now_ids.setdefault(entry_id, text)
    ever: dict[str, int] = {}  # every line a version audited so far held → when it first appeared
    for k, commit in enumerate(commits):
        parent_blobs = [blobs.get(p) for p in commit.parents]
        if commit.parents and all(b == commit.blob for b in parent_blobs):
            continue  # the journal did not change here
        child = version(commit.blob)
        before: Counter = Counter()
        for b in parent_blobs:
            before |= version(b).counts
        for text in before:
            ever.setdefault(text, -1)
        problems += _removed(commit, parent_blobs, child, version, display, repo_path or display,
                             _Now(now, now_ids, ever, older, now_lines))
        problems += _added(commit, child, before, display, identities, backfill_days, ever)
        for text in child.counts:
            ever.setdefault(text, k)
    problems.sort(key=sort_key)
    return problems


@dataclass(frozen=True)
class _Now:
    """What the journal holds now, for telling a repaired loss from one that stands."""

    counts: Counter  # its lines
    ids: dict  # entry id → its line
    ever: dict  # line → the commit it first appeared in (-1: before those audited)
    older: Callable[[str], bool] | None = None  # see audit
    lines: Optional[dict] = None  # line → its number now

    def repaired(self, text: str, entry_id: str) -> bool:
        """The line is there again as it was; or it was itself a later rewrite of a record that
        is now back as it first was (putting the original back removes the rewrite)."""
        if self.counts[text]:
            return True
        held = self.ids.get(entry_id) if entry_id else None
        if held is None or held == text:
            return False
        if held in self.ever:
            return self.ever[held] < self.ever.get(text, 1 << 62)
        # the record as it is now appears in no version audited before: it is the original when
        # the history before them held it (the rewrite itself came before --since)
        return self.older is not None and text in self.ever and self.older(held)


def _removed(commit: Commit, parent_blobs: list, child: _Version, version, display: str,
             repo_path: str, now: _Now) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    reported: Counter = Counter()
    by_id: dict[str, int] = {}
    for n, text in child.lines:
        entry_id = _entry(text).get("id")
        if isinstance(entry_id, str):
            by_id.setdefault(entry_id, n)
    missing_total = 0
    for blob, parent in zip(parent_blobs, commit.parents):
        if blob == commit.blob or blob is None:
            continue
        old = version(blob)
        lost = old.counts - child.counts
        lost -= reported  # a line lost from both parents of a merge is named once
        if not lost:
            continue
        reported |= lost
        left = Counter(lost)
        for n, text in old.lines:
            if not left[text]:
                continue
            left[text] -= 1
            if not _entry(text) or child.counts[text]:
                # never a record: a merge's conflict markers, half a line a crash left, text that
                # is no JSON object. Deleting them is the repair cc validate asks for, not a
                # rewrite of history (a hostile-input try: audit failed on it). Nor is one of two
                # identical copies, the other kept.
                continue
            entry_id = _entry(text).get("id")
            entry_id = entry_id if isinstance(entry_id, str) else ""
            ident = f"记录 {entry_id}，" if entry_id else ""
            if now.counts[text]:  # put back as it was since: repaired, said (where it is now), no error
                problems.append(Diagnostic(
                    display, (now.lines or {}).get(text, n), 0, "journal-restored",
                    f"已提交的第 {n} 行（{ident}见提交 {parent[:8]}）曾被{commit.label}改写或删除，之后已恢复原样",
                    "", WARNING, text))
                continue
            if now.repaired(text, entry_id):  # a rewrite taken back: the warning above names it
                continue
            missing_total += 1
            if missing_total > SHOWN_PER_COMMIT:
                continue
            if commit.blob is None:
                how = "删除（日志文件被删除）"
            elif entry_id and entry_id in by_id:
                how = f"改写（现为第 {by_id[entry_id]} 行）"
            else:
                how = "删除"
            problems.append(Diagnostic(
                display, n, 0, "journal-rewritten",
                f"已提交的第 {n} 行（{ident}见提交 {parent[:8]}）被{commit.label}{how}；"
                "日志只能追加，已提交的行不能修改或删除",
                f"恢复原行（git show {parent[:8]}:{repo_path} 可看原文）；记错了请用 cc void 追加作废记录。",
                ERROR, text))
    if missing_total > SHOWN_PER_COMMIT:
        problems.append(Diagnostic(display, 0, 0, "journal-rewritten",
                                f"{commit.label}共删除或改写了 {missing_total} 行已提交的记录，"
                                f"以上只列出前 {SHOWN_PER_COMMIT} 行", "", ERROR))
    return problems


def _added(commit: Commit, child: _Version, before: Counter, display: str,
           identities: dict[str, set[str]], backfill_days: int, ever=()) -> list[Diagnostic]:
    """Recorder against author and 补录, of the lines commit added; ever: lines an earlier version
    held (one put back after a rewrite is not a record added by whoever put it back)."""
    problems: list[Diagnostic] = []
    new = child.counts - before
    for n, text in child.lines:
        if not new[text]:
            continue
        new[text] -= 1
        if text in ever:
            continue
        entry = _entry(text)
        by = entry.get("by")
        entry_id = entry.get("id", "")
        # a root commit imports what was recorded before the repository (cc init's example
        # data, an office's earlier records): its author is not the recorder of each line
        if commit.parents and commit.oid != WORKTREE and isinstance(by, str) and identities.get(by.strip()):
            allowed = identities[by.strip()]
            if commit.email.strip().lower() not in allowed:
                problems.append(Diagnostic(
                    display, n, 0, "author-mismatch",
                    f"记录 {entry_id} 的记录人是“{by.strip()}”，但{commit.label}的作者不是此人"
                    f"（名册中此人的 git 身份：{'、'.join(sorted(allowed))}）",
                    "可能是他人代为录入或冒名记录；请核实，并在 units.yaml 的 git 字段中登记每个人真实的提交身份。",
                    WARNING, text))
        try:
            date = dt.date.fromisoformat(entry.get("date", ""))
            at = dt.datetime.fromisoformat(str(entry.get("at", "")).replace("Z", "+00:00"))
        except (TypeError, ValueError):
            continue
        late = backfill_late(date, at, backfill_days)
        if late:
            problems.append(Diagnostic(
                display, n, 0, "backfill",
                f"记录 {entry_id} 是补录：业务日期 {cn_date(date)}，{late} 天后（{cn_date(at.date())} {at:%H:%M}）才记录",
                f"超过 policy.backfill_days（{backfill_days} 天）；补录本身可以，请核实事项确实发生在该日期。",
                WARNING, text))
    return problems
