"""The fast path: plain `cc validate` / `cc status` / `cc units` / `cc log` / `cc problem fix|recheck|extend`
without typer.

A repeated status or units prints what the same command line printed before from the same data
(the store's outputs, store/state.py): it hashes the data files and prints, loading neither
yaml, pydantic nor rich. A status or units whose view is stored (the data did not change, or a
write left it current) renders that view; otherwise these commands run through plain.py and
recording.py, the same functions the typer commands call, minus the 0.2–0.3 s of importing
typer and building its commands. Anything this parser does not know (help, a bad option value,
an unknown option, a missing one) returns None and the full typer app answers instead, with its
messages.
"""

from __future__ import annotations

import os
import sys

VALUE_OPTIONS = {"--data": "data", "--as-of": "as_of", "--unit": "unit", "-u": "unit",
                 "--indicator": "indicator", "-i": "indicator", "--light": "light", "-l": "light",
                 "--format": "format", "-f": "format", "--percent": "percent", "-p": "percent",
                 "--note": "note", "-n": "note", "--evidence": "evidence", "-e": "evidence",
                 "--problem": "problem", "--correct": "correct", "--date": "date", "--by": "by",
                 "--days": "days", "--deadline": "deadline", "--to": "to", "--reason": "reason", "-r": "reason"}
FLAGS = {"--json": "json", "--strict": "strict", "--dry-run": "dry_run", "--pass": "pass", "--fail": "fail"}
REPEATABLE = {"evidence"}
GLOBAL = {"data", "as_of"}  # the options `cc` itself takes before the command
COMMANDS = {  # command: (its options, how many arguments, options it cannot do without)
    "status": ({"data", "as_of", "unit", "indicator", "light", "json", "strict"}, 0, set()),
    "units": ({"data", "as_of", "unit", "json", "strict"}, 0, set()),
    "validate": ({"data", "format", "strict"}, 0, set()),
    "log": ({"data", "as_of", "unit", "percent", "note", "evidence", "problem", "correct", "date", "by",
             "dry_run"}, 1, {"unit", "percent", "note"}),
    "problem fix": ({"data", "as_of", "note", "evidence", "by", "dry_run"}, 1, {"note"}),
    "problem recheck": ({"data", "as_of", "note", "pass", "fail", "days", "deadline", "by", "dry_run"}, 1, {"note"}),
    "problem extend": ({"data", "as_of", "to", "reason", "by", "dry_run"}, 1, {"to", "reason"}),
}
GROUPS = {"problem": {"fix", "recheck", "extend"}}  # command groups: `cc problem fix` …
CHOICES = {"format": ("text", "json", "github")}


def _glued(word: str) -> bool:
    """Whether word may hold an option glued on after Chinese punctuation or a full-width space
    (人社局，--percent, 完成　--dry-run): the typer app refuses it with the line as meant
    (usage.glued_options), where this parser would take it as the value, a flag and all."""
    for mark in "，、；。\u3000":
        for part in word.split(mark)[1:]:
            part = part.lstrip(" ，、；。\u3000")
            if part[:1] == "-" and part[1:2].isascii() and (part[1:2].isalpha() or part[1:2] == "-"):
                return True
    return False


def parse(argv: list[str]) -> tuple[str, dict] | None:
    """(command, options with "args" the arguments), or None for anything not plain."""
    command, opts, positional = None, {}, []
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg.startswith("--"):
            name, eq, inline = arg.partition("=")
        else:
            name, eq, inline = arg, "", ""
        key = VALUE_OPTIONS.get(name) or (FLAGS.get(arg) if not eq else None)
        if key is not None:
            allowed = GLOBAL if command is None else COMMANDS[command][0]
            if key not in allowed or (key in opts and key not in REPEATABLE):
                return None
            if name in VALUE_OPTIONS:
                if eq:
                    value = inline
                elif args:
                    value = args.pop(0)
                    if value.partition("=")[0] in VALUE_OPTIONS or value in FLAGS:
                        return None  # --note --dry-run: a value left out, which typer refuses (i18n.py)
                else:
                    return None
                if value not in CHOICES.get(key, (value,)) or (key == "data" and not value.strip()) or _glued(value):
                    return None  # (--data "": typer's path refuses it, see usage.empty_value)
                if key in REPEATABLE:
                    opts.setdefault(key, []).append(value)
                else:
                    opts[key] = value
            else:
                opts[key] = True
        elif arg.startswith("-") and arg != "-":
            return None  # --help, --, a bundle of short options …: typer's to answer
        elif command is None:
            if arg in GROUPS:  # its command must come next, before any option
                if not args or args[0] not in GROUPS[arg]:
                    return None
                command = f"{arg} {args.pop(0)}"
            elif arg not in COMMANDS:
                return None
            else:
                command = arg
        elif _glued(arg):
            return None
        else:
            positional.append(arg)
    if command is None:
        return None
    _, nargs, required = COMMANDS[command]
    if len(positional) != nargs or not required <= set(opts):
        return None
    if any(not arg.strip() for arg in positional):
        return None  # cc log "" …: typer's 任务编号不能为空 (usage.empty_value), not 找不到任务 ""
    if "days" in opts:  # typer's own messages for anything but a plain number of days it accepts
        days = opts["days"]
        if not (days.isascii() and days.isdigit() and len(days) <= 3 and 1 <= int(days) <= 365):
            return None
        opts["days"] = int(days)
    if command == "validate" and "as_of" in opts:
        return None  # validate takes no date, but a mistyped one is still said (typer_app.root)
    if "percent" in opts:
        from ..diagnostics import UsageError
        from .locate import parse_percent

        try:
            opts["percent"] = parse_percent(opts["percent"])  # as the typer command reads it
        except UsageError:
            return None
    opts["args"] = positional
    return command, opts


def run_fast(argv: list[str]) -> int | None:
    parsed = parse(argv)
    if parsed is None:
        return None
    command, opts = parsed
    from ..store.state import forget_reads, use_store
    from .locate import cache_root

    forget_reads()  # each command reads the journal afresh (tests run many in one process)
    use_store(cache_root())
    stored = _replay(command, opts) if command in ("status", "units") else None
    if stored is not None:  # printed before anything else is loaded
        out, err = stored
        try:
            sys.stderr.write(err)  # notes come before the answer, as when they were first printed
            sys.stderr.flush()
            sys.stdout.write(out)
            sys.stdout.flush()
        except BrokenPipeError:  # `cc status | head`: stop quietly, as below
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except OSError as exc:  # a full disk behind `cc status > 进度.txt`: as below
            from . import plain

            return plain.os_error(exc)
        return 0
    from ..diagnostics import DataError, UsageError
    from . import plain

    try:
        return _run(command, opts)
    except UsageError as exc:
        return plain.usage_error(exc)
    except DataError as exc:
        return plain.data_error(exc)
    except KeyboardInterrupt:  # as the typer app says it (cli/usage.py)
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `cc status | head`: stop quietly, and let exit flush into nothing
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:  # permission, read-only, disk full …: a message, never a traceback
        return plain.os_error(exc)


def _output_key(command: str, opts: dict) -> str:
    """A digest of the command line and of everything that may shape what it prints: the whole
    environment (COLUMNS, NO_COLOR, TERM … and whatever rich may read), the terminal's size and
    whether each stream is one, the streams' encodings. A different terminal or setting is a
    different key: its output is rendered anew, never served from another's."""
    import hashlib

    sizes = []
    for fd in (0, 1, 2):
        try:
            sizes.append(tuple(os.get_terminal_size(fd)))
        except (OSError, ValueError):
            sizes.append(None)
    streams = [(getattr(s, "encoding", None), getattr(s, "errors", None), _isatty(s)) for s in (sys.stdout, sys.stderr)]
    text = repr((command, sorted((k, v) for k, v in opts.items()), sorted(os.environ.items()), sizes, streams,
                 os.name, sys.platform, os.getcwd()))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def _isatty(stream) -> bool | None:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return None


def _replay(command: str, opts: dict) -> tuple[str, str] | None:
    """(stdout, stderr) this very command line printed before from the same data and day
    (store/state.py outputs); None when there is no such output (or anything is unusual)."""
    from . import locate

    root = locate.cache_root()
    if root is None:
        return None
    try:
        where = locate.find_data_dir(opts.get("data"))
        day = locate.report_day(opts.get("as_of"), where).isoformat()
        from ..store import state

        return state.load_output(root, state.data_key(where.folder), day, _output_key(command, opts))
    except Exception:  # a bad folder or date, a vanished working directory: the full path explains it
        return None


class _Tee:
    """A stream that also keeps what is written to it (so the store can print it again)."""

    def __init__(self, stream):
        self._stream = stream
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return self._stream.write(text)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def _run(command: str, opts: dict) -> int | None:
    from . import locate, plain

    if command == "log":
        from pathlib import Path

        from . import recording

        recording.log(opts["args"][0], opts["unit"], opts["percent"], opts["note"], opts.get("evidence", []),
                      opts.get("problem", ""), opts.get("correct", ""), opts.get("date"), opts.get("by"),
                      bool(opts.get("dry_run")), Path(opts["data"]) if "data" in opts else None, opts.get("as_of"))
        return 0
    if command.startswith("problem "):
        from pathlib import Path

        from . import recording

        data = Path(opts["data"]) if "data" in opts else None
        problem, by, dry_run, as_of = opts["args"][0], opts.get("by"), bool(opts.get("dry_run")), opts.get("as_of")
        if command == "problem fix":
            recording.problem_fix(problem, opts["note"], opts.get("evidence", []), by, dry_run, data, as_of)
        elif command == "problem recheck":
            recording.problem_recheck(problem, opts["note"], "pass" in opts, "fail" in opts, opts.get("days"),
                                      opts.get("deadline"), by, dry_run, data, as_of)
        else:
            recording.problem_extend(problem, opts["to"], opts["reason"], by, dry_run, data, as_of)
        return 0
    output_key = _output_key(command, opts) if command in ("status", "units") else ""  # as _replay sees it
    if "light" in opts:
        from ..domain.views import light_key

        opts["light"] = light_key(opts["light"])
    where = locate.find_data_dir(opts.get("data"))
    if command == "validate":
        return plain.validate(opts.get("format"), bool(opts.get("strict")), where)
    day = locate.report_day(opts.get("as_of"), where)
    root = locate.cache_root()
    if root is None:
        _answer(command, opts, where, day, None)
        return 0
    out, err = _Tee(sys.stdout), _Tee(sys.stderr)
    sys.stdout, sys.stderr = out, err
    try:
        key = _answer(command, opts, where, day, root)
    finally:
        sys.stdout, sys.stderr = out._stream, err._stream
    from ..store import state

    if key is not None and not state.unfinished_seen():  # its note would be replayed after the append ends
        state.store_output(root, key, day.isoformat(), output_key, "".join(out.parts), "".join(err.parts))
    return 0


def _answer(command: str, opts: dict, where, day, root) -> str | None:
    """Print the answer; the view key it was printed from, when the store may keep the output."""
    from . import plain

    if root is not None:
        from ..store import state

        key = state.data_key(where.folder)
        doc = state.load_view(root, key, day.isoformat())
        if doc is not None and not (doc.get("warning") and opts.get("strict")):
            done = _status(doc, opts, where.bundled) if command == "status" else _units(doc, opts, where.bundled)
            if done is not None:
                return key
    from ..reports import rows as reports

    def status(snap, doc) -> tuple:  # print_status's arguments
        unit = reports.resolve_unit(snap.project, opts["unit"]).name if "unit" in opts else None
        indicator = reports.resolve_indicator(snap.project, opts["indicator"]).id if "indicator" in opts else None
        return doc, unit, indicator, opts.get("light"), bool(opts.get("json"))

    def render(snap, doc):  # status's text, made while a large journal is checked (plain.snapshot_doc)
        return plain.status_text(*status(snap, doc)) if command == "status" else None

    snap, doc, key, text = plain.snapshot_doc(where, day, remember=True, strict=bool(opts.get("strict")),
                                              render=render)
    if command == "units":
        unit = reports.resolve_unit(snap.project, opts["unit"]).id if "unit" in opts else None
        plain.print_units(doc, bool(opts.get("json")), unit)
        return key
    if text is not None:
        sys.stdout.write(text)
    else:
        plain.print_status(*status(snap, doc))
    return key


def _status(doc: dict, opts: dict, bundled: bool) -> int | None:
    """status from a stored view; None when a name needs the full data to resolve."""
    from . import plain

    lookup = doc["lookup"]
    unit = None
    if "unit" in opts:
        uid = _unit_id(lookup, opts["unit"])
        if uid is None:
            return None
        unit = lookup["unit_names"][uid]
    indicator = None
    if "indicator" in opts:
        # as rows.resolve_indicator: a name first, then an id (a name may be another indicator's id)
        by_name = (iid for iid, names in lookup["indicators"].items() if opts["indicator"] == names[-1])
        by_id = (iid for iid, names in lookup["indicators"].items() if opts["indicator"] == names[0])
        indicator = next(by_name, None) or next(by_id, None)
        if indicator is None:
            return None
    _note(bundled, doc)
    plain.print_status(doc, unit, indicator, opts.get("light"), bool(opts.get("json")))
    return 0


def _unit_id(lookup: dict, text: str) -> str | None:
    """The unit text names, as rows.resolve_unit finds it: an id first, then a name (a name that
    is another unit's id is an error); None when only the full data can say (a near miss, a
    name written another way)."""
    by_id = (uid for uid in lookup["units"] if text == uid)
    by_name = (uid for uid, names in lookup["units"].items() if text in names)
    return next(by_id, None) or next(by_name, None)


def _units(doc: dict, opts: dict, bundled: bool) -> int | None:
    """units from a stored view; None when a name needs the full data to resolve."""
    from . import plain

    unit = None
    if "unit" in opts:
        unit = _unit_id(doc["lookup"], opts["unit"])
        if unit is None:
            return None
    _note(bundled, doc)
    plain.print_units(doc, bool(opts.get("json")), unit)
    return 0


def _note(bundled: bool, doc: dict) -> None:
    if bundled:
        from .locate import BUNDLED_NOTE

        print(BUNDLED_NOTE, file=sys.stderr)
    if doc.get("warning"):  # the same warning block as a run that loads the data
        print(doc["warning"], file=sys.stderr)
