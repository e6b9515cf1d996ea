"""The fast path: plain `cc validate` / `cc status` / `cc units` / `cc log` without typer.

A repeated status or units is served from the cache (no yaml or pydantic either); otherwise
these commands run through plain.py and recording.py, the same functions the typer commands
call, minus the 0.2–0.3 s of importing typer and building its commands. Anything this parser
does not know (help, a bad option value, an unknown option, a missing one) returns None and the
full typer app answers instead, with its messages.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

VALUE_OPTIONS = {"--data": "data", "--as-of": "as_of", "--unit": "unit", "-u": "unit",
                 "--indicator": "indicator", "-i": "indicator", "--light": "light", "-l": "light",
                 "--format": "format", "-f": "format", "--percent": "percent", "-p": "percent",
                 "--note": "note", "-n": "note", "--evidence": "evidence", "-e": "evidence",
                 "--problem": "problem", "--correct": "correct", "--date": "date", "--by": "by"}
FLAGS = {"--json": "json", "--strict": "strict", "--dry-run": "dry_run"}
REPEATABLE = {"evidence"}
GLOBAL = {"data", "as_of"}  # the options `cc` itself takes before the command
COMMANDS = {  # command: (its options, how many arguments, options it cannot do without)
    "status": ({"data", "as_of", "unit", "indicator", "light", "json", "strict"}, 0, set()),
    "units": ({"data", "as_of", "json", "strict"}, 0, set()),
    "validate": ({"data", "format", "strict"}, 0, set()),
    "log": ({"data", "as_of", "unit", "percent", "note", "evidence", "problem", "correct", "date", "by",
             "dry_run"}, 1, {"unit", "percent", "note"}),
}
CHOICES = {"format": ("text", "json", "github")}


def parse(argv: list[str]) -> Optional[tuple[str, dict]]:
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
                else:
                    return None
                if value not in CHOICES.get(key, (value,)):
                    return None
                if key in REPEATABLE:
                    opts.setdefault(key, []).append(value)
                else:
                    opts[key] = value
            else:
                opts[key] = True
        elif arg.startswith("-") and arg != "-":
            return None  # --help, --, a bundle of short options …: typer's to answer
        elif command is None:
            if arg not in COMMANDS:
                return None
            command = arg
        else:
            positional.append(arg)
    if command is None:
        return None
    _, nargs, required = COMMANDS[command]
    if len(positional) != nargs or not required <= set(opts):
        return None
    if "percent" in opts:
        from ..diagnostics import UsageError
        from .locate import parse_percent

        try:
            opts["percent"] = parse_percent(opts["percent"])  # as the typer command reads it
        except UsageError:
            return None
    opts["args"] = positional
    return command, opts


def run_fast(argv: list[str]) -> Optional[int]:
    parsed = parse(argv)
    if parsed is None:
        return None
    command, opts = parsed
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


def _run(command: str, opts: dict) -> Optional[int]:
    from . import locate, plain

    if command == "log":
        from . import recording

        recording.log(opts["args"][0], opts["unit"], opts["percent"], opts["note"], opts.get("evidence", []),
                      opts.get("problem", ""), opts.get("correct", ""), opts.get("date"), opts.get("by"),
                      bool(opts.get("dry_run")), Path(opts["data"]) if "data" in opts else None, opts.get("as_of"))
        return 0
    if "light" in opts:
        from ..domain.views import light_key

        opts["light"] = light_key(opts["light"])
    where = locate.find_data_dir(Path(opts["data"]) if "data" in opts else None)
    if command == "validate":
        return plain.validate(opts.get("format"), bool(opts.get("strict")), where)
    day = locate.report_day(opts.get("as_of"))
    root = locate.cache_root()
    key = None
    if root is not None:
        from ..store import cache

        key = cache.data_key(where.path)
        doc = cache.load(root, key, day.isoformat())
        if doc is not None and not (doc.get("warning") and opts.get("strict")):
            code = _status(doc, opts, where.bundled) if command == "status" else _units(doc, opts, where.bundled)
            if code is not None:
                return code
    snap, doc = plain.snapshot_doc(where, day, remember=True, key=key, strict=bool(opts.get("strict")))
    if command == "units":
        plain.print_units(doc, bool(opts.get("json")))
        return 0
    from ..reports import rows as reports

    unit = reports.resolve_unit(snap.project, opts["unit"]).name if "unit" in opts else None
    indicator = reports.resolve_indicator(snap.project, opts["indicator"]).id if "indicator" in opts else None
    plain.print_status(doc, unit, indicator, opts.get("light"), bool(opts.get("json")))
    return 0


def _status(doc: dict, opts: dict, bundled: bool) -> Optional[int]:
    """status from a cached document; None when a name needs the full data to resolve."""
    from . import plain

    lookup = doc["lookup"]
    unit = None
    if "unit" in opts:
        unit = next((lookup["unit_names"][uid] for uid, names in lookup["units"].items() if opts["unit"] in names),
                    None)
        if unit is None:
            return None
    indicator = None
    if "indicator" in opts:
        indicator = next((iid for iid, names in lookup["indicators"].items() if opts["indicator"] in names), None)
        if indicator is None:
            return None
    _note(bundled, doc)
    plain.print_status(doc, unit, indicator, opts.get("light"), bool(opts.get("json")))
    return 0


def _units(doc: dict, opts: dict, bundled: bool) -> int:
    from . import plain

    _note(bundled, doc)
    plain.print_units(doc, bool(opts.get("json")))
    return 0


def _note(bundled: bool, doc: dict) -> None:
    if bundled:
        from .locate import BUNDLED_NOTE

        print(BUNDLED_NOTE, file=sys.stderr)
    if doc.get("warning"):  # the same warning block as a run that loads the data
        print(doc["warning"], file=sys.stderr)
