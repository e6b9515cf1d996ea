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


def ascii_only() -> bool:
    """Whether stdout's encoding is not UTF-8 (a GBK or ASCII console, LANG=C): text it cannot hold
    becomes "?" there (entry.portable_streams), which JSON must not (unit names read "????", exit 0:
    a hostile-input try), so JSON is written with \\u escapes, which every JSON reader decodes."""
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    return encoding not in ("utf8", "utf8sig")


def print_json(doc) -> None:
    """doc as indented JSON on stdout (ascii_only: escaped where stdout is not UTF-8)."""
    print(json.dumps(doc, ensure_ascii=ascii_only(), indent=2))


def usage_error(exc: UsageError) -> int:
    from ..textguard import for_terminal

    note(f"错误：{for_terminal(exc.message)}")
    for line in getattr(exc, "messages", ()):  # ImportRefused: every bad row
        note(f"  {for_terminal(line)}")
    if exc.hint:
        note(f"提示：{for_terminal(exc.hint)}")
    return exc.exit_code


def os_error(exc: OSError) -> int:
    """A file the system would not read or write: one Chinese line naming it (and what to do where
    the user can do something), exit 1."""
    from ..diagnostics import os_error_hint, os_error_text
    from ..textguard import for_terminal

    note(f"错误：{for_terminal(os_error_text(exc))}")
    hint = os_error_hint(exc)
    if hint:
        note(f"提示：{hint}")
    return 1


def data_error(exc: DataError) -> int:
    from ..diagnostics import foreign_hint, render_text

    note(render_text(exc.problems))
    note(f"数据有误（{len(exc.problems)} 处），请先修正；可运行 cc validate 查看全部问题。")
    if exc.office:
        note(f"提示：提示中的作废等修正由推进组办公室（{'、'.join(exc.office)}）办理（本单位自己的记录也可由本单位作废）："
             "请把上面的内容转告办公室；修正之前暂时不能写入。")
    hint = foreign_hint(exc.problems)
    if hint:
        note(hint)
    return 1


def plain_width() -> Optional[int]:
    """The width rich's Console would lay stdout out at, when it would add no colour or style
    to it (not a terminal: a pipe or a file), else None. Decided as rich decides (TTY_COMPATIBLE,
    FORCE_COLOR, isatty; COLUMNS, then the terminal's size, then 80) without importing rich;
    on Windows, where rich also weighs the console's capabilities, always None."""
    if os.name == "nt":
        return None
    env = os.environ
    tty = env.get("TTY_COMPATIBLE", "")
    if tty == "1":
        return None
    if tty != "0":
        force = env.get("FORCE_COLOR")
        if force is not None:
            if force != "":
                return None
        else:
            try:
                if sys.stdout.isatty():
                    return None
            except (AttributeError, ValueError):
                pass
    columns = env.get("COLUMNS")
    if columns is not None and columns.isascii() and columns.isdigit() and len(columns) <= 6:
        return int(columns)
    for fd in (0, 1, 2):
        try:
            width = os.get_terminal_size(fd)[0]
        except (AttributeError, ValueError, OSError):
            continue
        return width or 80
    return 80


def console(stderr: bool = False, **options):
    """The console cc prints with (options: rich's Console's, for tests' files and widths)."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            """`cc units | head`: the reader left. rich would exit with status 1 (a data problem
            to a script under pipefail); raised on, it stops quietly with 0, as plain output does."""
            self.quiet = True
            raise BrokenPipeError

        def print(self, *objects, **kwargs) -> None:
            """Without colour (piped, redirected, NO_COLOR), each line without the spaces rich pads
            a table's last column with: a file or `diff` of `cc units` shows none at line ends."""
            if self.color_system is not None or self.record or self.quiet:
                return super().print(*objects, **kwargs)
            with self.capture() as captured:
                super().print(*objects, **kwargs)
            text = captured.get()
            self.file.write("\n".join(line.rstrip(" ") for line in text.split("\n")))
            self.file.flush()

    return _Console(stderr=stderr, **{"highlight": False, "soft_wrap": False, "markup": False, **options})


def validate(fmt: Optional[str], strict: bool, where: locate.DataDir) -> int:
    """Print every problem of the data folder; the exit code (1 on errors, or warnings with strict)."""
    from ..store.checks import check_folder
    from ..diagnostics import foreign_hint, render_github, render_json, render_text, summary_line

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
        print(render_json(problems, checked.files, ascii_only()))
    elif fmt == "github":
        if problems:
            print(render_github(problems))
        print(summary_line(problems))
    else:
        if problems:
            print(render_text(problems))
            print()
        print(summary_line(problems))
        hint = foreign_hint(problems)
        if hint:
            print(hint)
    failed = bool(checked.errors) or (strict and bool(problems))
    return 1 if failed else 0


def load(where: locate.DataDir, strict: bool = False):
    """The project of the data folder for a read. Journal lines with errors are left out with
    one warning block on stderr (see checks.load_usable); with strict, any error is a DataError."""
    project, warning, _ = read_project(where, strict)
    if warning:
        note(warning)
    return project


def read_project(where: locate.DataDir, strict: bool = False):
    """(project, warning text or "", view key or None) for a read (see _read)."""
    return _read(where, strict)[:3]


def _read(where: locate.DataDir, strict: bool = False, beside=None):
    """(project, warning text or "", view key or None, plan key, state, what a report made from it
    must say it left out: checks.report_note) for a read; state: the
    store's state of the journal when the project's journal is exactly its entries in file order
    (a fold of them may then be kept, store/folds.py), else None.

    With the store on (store/state.py) and a journal it holds a state of, the journal is not
    checked again: only lines added since are (a pull, a merge), and the entries are read into
    the project without the checks. Otherwise the full check (checks.load_usable), after which a
    journal free of errors leaves a state for the next read. The view key is that of the bytes
    read, when they did not change while we read them (None when the store is off).
    beside: a function of the project, run while a large journal is checked (checks.check_folder);
    a seventh item is its value for the project returned, or None (then make it here)."""
    from ..store import state as store
    from ..store.checks import check_folder, report_note, usable_from, warning_line
    from ..store.loading import JOURNAL

    if where.bundled:
        note(locate.BUNDLED_NOTE)
    root = locate.cache_root()
    raw = plan = None
    journal_path = where.path / JOURNAL
    if root is not None:
        plan = store.plan_key(where.folder)
        raw = store.journal_raw(journal_path)
        if store.usable_raw(raw):
            found = store.read_project(root, plan, raw, journal_path, _shown(journal_path))
            if found is not None:
                _say_unfinished(journal_path)
                return found[0], "", store.view_key(plan, found[1].digest), plan, found[1], "", None
    # as the store's state judges
    checked = check_folder(where.path, Path.cwd(), authority=False, files=False, beside=beside)
    key = held = None
    if root is not None and raw is not None and store.data_key(where.folder) == store.view_key(plan, store.digest(raw)):
        key = store.view_key(plan, store.digest(raw))  # nothing changed while we read
        if not checked.errors and store.usable_raw(raw):
            held = store.build_state(checked, raw)
            store.store_state(root, plan, held)
    usable = usable_from(checked)
    if usable.errors and strict:
        raise DataError(usable.errors)
    _say_unfinished(journal_path)
    ahead = checked.ahead if usable.project is checked.project else None
    return (usable.project, (warning_line(usable) if usable.errors else ""), key, plan, held, report_note(usable),
            ahead)


def _say_unfinished(journal_path: Path) -> None:
    """Say that the journal was read without the part of an append not complete, when it was."""
    from ..store import state as store

    cut = store.unfinished(journal_path)
    if cut is not None:
        from ..store.loading import unfinished_problem, Source

        problem = unfinished_problem(Source(journal_path, ""), cut)
        note(f"注意：{problem.message}。{problem.hint}")


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def document(snap, warning: str = "") -> dict:
    """What status and units show, computed once from a snapshot: the view the store keeps."""
    from ..reports import rows as reports

    return {
        "status": {"base": reports.summary_base(snap), "rows": reports.status_rows(snap)},
        "units": reports.unit_rows(snap),
        "lookup": reports.lookup_table(snap.project),
        "warning": warning,
    }


def judged_snapshot(where: locate.DataDir, today, strict: bool, refused: str):
    """The snapshot a report or score judges units by: refused (refused: what is not done, and
    why) when the journal holds not one usable record (Notepad saved it as UTF-16: every task
    would read as never reported, every unit as silent); with records left out, snap.left_out
    says so for the output to say."""
    snap = snapshot_doc(where, today, strict=strict)[0]
    if snap.left_out and not snap.project.journal:
        from ..diagnostics import Refusal

        raise Refusal(f"{snap.left_out}，日志中没有一条能计入的记录，{refused}",
                      "请先运行 cc validate 查看并修正日志（如文件被另存为 UTF-16 或其他编码，请改回 UTF-8）。")
    return snap


def snapshot_doc(where: locate.DataDir, today, remember: bool = False, strict: bool = False, render=None):
    """(snapshot, document or None, view key or None, output or None). With remember, also what
    status/units show (document), kept in the store as the view of the data read on that day.
    render: a function of the snapshot and document making the command's output, run with them
    while a large journal is checked (checks.check_folder); the output is its value, or None when
    it did not run there or failed (then the caller makes the output itself)."""
    from ..store.loading import gc_paused
    from ..store.state import hold

    with gc_paused():  # see there: a city's fold, snapshot and document are some hundred thousand objects
        return hold(_snapshot_doc(where, today, remember, strict, render))  # freed with the process (entry.run)


def _snapshot_doc(where: locate.DataDir, today, remember: bool, strict: bool, render=None):
    from ..domain.rules import snapshot

    root = locate.cache_root()
    if remember and root is not None:
        found = view_from_fold(where, today, root)
        if found is not None:
            return (*found, None)

    def beside(project):  # while a large journal is checked (store/parallel.py)
        snap = snapshot(project, today)
        doc = document(snap) if remember else None
        text = None
        if render is not None:
            try:
                text = render(snap, doc)
            except Exception:  # noqa: BLE001 - an unknown --unit, say: said by the caller's own rendering,
                pass  # after the check's findings, as without this
        return snap, doc, text

    project, warning, key, plan, held, left_out, ahead = _read(where, strict, beside)
    if warning:
        note(warning)
    snap, doc, text = ahead if ahead is not None else (snapshot(project, today), None, None)
    snap.left_out = left_out
    if held is not None and snap.fold.count == len(project.journal):  # every entry: a fold for later reads
        from ..store import folds

        folds.keep(root, plan, snap.fold, folds.where(project.journal), len(project.journal), held.size,
                   held.digest)
    if not remember:
        return snap, None, key, text
    if doc is None:
        doc = document(snap, warning)
    if root is not None and key is not None:
        from ..store import state as store

        store.store_view(root, key, snap.today.isoformat(), doc)
    return snap, doc, key, text


def view_from_fold(where: locate.DataDir, today, root, quiet: bool = False, state=None):
    """snapshot_doc's answer from the store's fold of the journal (store/folds.py), or None;
    quiet: for a write leaving the view behind (no note about the bundled data); state: the
    store's state of the journal when the caller holds it (a write has just stored it)."""
    from ..store.loading import gc_paused

    with gc_paused():  # as in snapshot_doc (a write calls this one alone)
        return _view_from_fold(where, today, root, quiet, state)


def _view_from_fold(where: locate.DataDir, today, root, quiet: bool, state):
    from ..store import folds, state as store
    from ..store.loading import JOURNAL

    journal_path = where.path / JOURNAL
    # the parts of the journal the fold needs, not the whole (store.FileBytes): when the command
    # has just streamed it for its digest, a city's journal is not read into memory again
    raw = store.journal_bytes(journal_path)
    plan = store.plan_key(where.folder)
    try:
        if not store.usable_raw(raw):
            return None
        found = folds.read(root, plan, raw, journal_path, _shown(journal_path), today, state)
    except store.Changed:  # changed while read: the full read that follows takes it as it is now
        return None
    if found is None:
        return None
    from ..domain import models, rules

    fold, held = found
    if where.bundled and not quiet:
        note(locate.BUNDLED_NOTE)
    if not quiet:
        _say_unfinished(journal_path)
    snap = rules.finish(models.Project(held.plan, held.units, []), fold, today, [])
    doc = document(snap)
    key = store.view_key(plan, held.digest)
    store.store_view(root, key, today.isoformat(), doc)
    return snap, doc, key


def print_status(doc: dict, unit_name: Optional[str], indicator_id: Optional[str], light: Optional[str],
                 as_json: bool) -> None:
    text = status_text(doc, unit_name, indicator_id, light, as_json)
    if text is not None:
        sys.stdout.write(text)
        return
    from ..domain import views
    from ..reports.lines import status_lines
    from ..reports.tables import show

    rows = views.filter_rows(doc["status"]["rows"], unit_name, indicator_id, light)
    summary = views.summarize(rows, doc["status"]["base"], unit_name, indicator_id, light)
    out = console()
    show(out, status_lines(rows, summary, out.width))


def status_text(doc: dict, unit_name: Optional[str], indicator_id: Optional[str], light: Optional[str],
                as_json: bool) -> Optional[str]:
    """What print_status writes, when it is plain text: JSON, or the table's lines where rich
    would add no colour (plain_width); None when rich lays it out."""
    from ..domain import views

    width = None if as_json else plain_width()
    if not as_json and width is None:
        return None
    rows = views.filter_rows(doc["status"]["rows"], unit_name, indicator_id, light)
    summary = views.summarize(rows, doc["status"]["base"], unit_name, indicator_id, light)
    if as_json:
        return json.dumps({"summary": summary, "tasks": rows}, ensure_ascii=ascii_only(), indent=2) + "\n"
    from ..reports.lines import status_lines

    # no colour to add: the lines as they are, without loading rich
    return "".join(line.plain + "\n" for line in status_lines(rows, summary, width))


def print_units(doc: dict, as_json: bool, unit_id: Optional[str] = None) -> None:
    """The units' table and the lead unit's queue; unit_id: that unit's row alone, and the items
    of the queue that are its (what the lead unit owes it)."""
    base = doc["status"]["base"]
    as_of = base["as_of"]
    from ..textguard import clean

    units = doc["units"]
    queue = base.get("lead_queue", [])
    if unit_id is not None:
        units = [u for u in units if u["id"] == unit_id]
        names = {u["name"] for u in units}
        queue = [q for q in queue if q["unit_name"] in names]
    queue = clean(queue)
    if as_json:
        print_json({"as_of": as_of, "units": units, "lead_queue": queue})
        return
    from ..reports.lines import queue_text
    from ..reports.tables import units_table

    out = console()
    out.print(units_table(units, as_of, out.width, out))
    if queue:  # the lead unit's own pending work, so its delay is never read as a unit's
        year = int(as_of[:4])
        out.print(f"牵头单位待办（{base.get('lead_unit', '牵头单位')}）：")
        from ..reports.lines import fold

        for q in queue:
            lines = fold(queue_text(q, year), max(out.width - 3, 20))
            out.print(" " + lines[0] + "".join("\n   " + more for more in lines[1:]),
                      style="bold red" if q["overdue"] else None)
