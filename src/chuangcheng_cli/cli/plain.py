"""validate, status and units without typer: shared by the typer commands and the fast path.

Importing typer and building its commands costs about 0.3 s, a tenth of a cold `cc status` on a
city's data, so entry.py answers plain invocations of these three commands through here; the
typer commands in read.py call the same functions, so both give the same output.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Optional

from ..diagnostics import DataError, UsageError
from . import locate

FORMATS = ("text", "json", "github")


def note(message: str) -> None:
    print(message, file=sys.stderr)


def usage_error(exc: UsageError) -> int:
    from ..textguard import for_terminal

    note(f"错误：{for_terminal(exc.message)}")
    for line in getattr(exc, "messages", ()):  # ImportRefused: every bad row
        note(f"  {for_terminal(line)}")
    if exc.hint:
        note(f"提示：{for_terminal(exc.hint)}")
    return exc.exit_code


def os_error(exc: OSError) -> int:
    """A file the system would not read or write: one Chinese line naming it, exit 1."""
    from ..diagnostics import os_error_text
    from ..textguard import for_terminal

    note(f"错误：{for_terminal(os_error_text(exc))}")
    return 1


def data_error(exc: DataError) -> int:
    from ..diagnostics import render_text

    note(render_text(exc.problems))
    note(f"数据有误（{len(exc.problems)} 处），请先修正；可运行 cc validate 查看全部问题。")
    return 1


def console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False, markup=False)


def validate(fmt: Optional[str], strict: bool, where: locate.DataDir) -> int:
    """Print every problem of the data folder; the exit code (1 on errors, or warnings with strict)."""
    from ..store.checks import check_folder
    from ..diagnostics import render_github, render_json, render_text, summary_line

    if where.bundled:
        note("提示：未找到数据目录，正在校验内置示例数据。")
    checked = check_folder(where.path, Path.cwd())
    if checked.journal is not None and not where.bundled:  # validate alone reads every archived file
        from ..store.evidence import check_archive
        from ..diagnostics import sort_key

        changed = [p for p in check_archive(checked.journal, where.path.parent, hashes=True)
                   if p.code == "evidence-changed" and p not in checked.problems]
        checked.problems = sorted(checked.problems + changed, key=sort_key)
    if fmt is None:
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    problems = checked.problems
    if fmt == "json":
        print(render_json(problems, checked.files))
    elif fmt == "github":
        if problems:
            print(render_github(problems))
        print(summary_line(problems))
    else:
        if problems:
            print(render_text(problems))
            print()
        print(summary_line(problems))
    failed = bool(checked.errors) or (strict and bool(problems))
    return 1 if failed else 0


def load(where: locate.DataDir, strict: bool = False):
    """The project of the data folder for a read. Journal lines with errors are left out with
    one warning block on stderr (see checks.load_usable); with strict, any error is a DataError."""
    project, warning = load_for_reading(where, strict)
    if warning:
        note(warning)
    return project


def load_for_reading(where: locate.DataDir, strict: bool = False):
    """(project, warning text or "")."""
    from ..store.checks import load_usable, warning_line

    if where.bundled:
        note(locate.BUNDLED_NOTE)
    usable = load_usable(where.path, Path.cwd())
    if usable.errors and strict:
        raise DataError(usable.errors)
    return usable.project, (warning_line(usable) if usable.errors else "")


def snapshot_doc(where: locate.DataDir, today, remember: bool = False, key: Optional[str] = None,
                 strict: bool = False):
    """Load and compute. With remember, also return what status/units show, computed once, and
    cache it (see cache.py) when the files did not change while we read them. key: the files'
    cache key, when the caller has just worked it out (hashing a city's journal is not free)."""
    from ..store import cache
    from ..domain.rules import snapshot

    root = locate.cache_root() if remember else None
    if root is not None and key is None:
        key = cache.data_key(where.path)
    project, warning = load_for_reading(where, strict)
    if warning:
        note(warning)
    snap = snapshot(project, today)
    if not remember:
        return snap, None
    from ..reports import rows as reports

    doc = {
        "status": {"base": reports.summary_base(snap), "rows": reports.status_rows(snap)},
        "units": reports.unit_rows(snap),
        "lookup": reports.lookup_table(project),
        "warning": warning,
    }
    if root is not None and key == cache.data_key(where.path):
        cache.store(root, key, snap.today.isoformat(), doc)
    return snap, doc


def print_status(doc: dict, unit_name: Optional[str], indicator_id: Optional[str], light: Optional[str],
                 as_json: bool) -> None:
    from ..domain import views

    rows = views.filter_rows(doc["status"]["rows"], unit_name, indicator_id, light)
    summary = views.summarize(rows, doc["status"]["base"], unit_name)
    if as_json:
        print(json.dumps({"summary": summary, "tasks": rows}, ensure_ascii=False, indent=2))
        return
    from ..reports.tables import show, status_table

    out = console()
    show(out, status_table(rows, summary, out.width))


def print_units(doc: dict, as_json: bool) -> None:
    base = doc["status"]["base"]
    as_of = base["as_of"]
    from ..textguard import clean

    queue = clean(base.get("lead_queue", []))
    if as_json:
        print(json.dumps({"as_of": as_of, "units": doc["units"], "lead_queue": queue}, ensure_ascii=False, indent=2))
        return
    from ..reports.tables import queue_text, units_table

    out = console()
    out.print(units_table(doc["units"], as_of, out.width))
    if queue:  # the lead unit's own pending work, so its delay is never read as a unit's
        year = int(as_of[:4])
        out.print(f"牵头单位待办（{base.get('lead_unit', '牵头单位')}）：")
        from ..reports.tables import fold

        for q in queue:
            lines = fold(queue_text(q, year), max(out.width - 3, 20))
            out.print(" " + lines[0] + "".join("\n   " + more for more in lines[1:]),
                      style="bold red" if q["overdue"] else None)
