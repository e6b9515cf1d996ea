"""The fast path: `cc status` / `cc units` served from the cache without typer, yaml or pydantic.

Only plain invocations are handled here; anything else (help, a name that needs a did-you-mean,
a cache miss, an error) returns None and the full typer app answers instead.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

VALUE_OPTIONS = {"--data": "data", "--as-of": "as_of", "--unit": "unit", "-u": "unit",
                 "--indicator": "indicator", "-i": "indicator", "--light": "light", "-l": "light"}
FLAGS = {"--json": "json"}
COMMANDS = {"status": {"data", "as_of", "unit", "indicator", "light", "json"}, "units": {"data", "as_of", "json"}}


def parse(argv: list[str]) -> Optional[tuple[str, dict]]:
    command, opts = None, {}
    args = list(argv)
    while args:
        arg = args.pop(0)
        name, _, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name in VALUE_OPTIONS:
            if inline:
                value = inline
            elif args:
                value = args.pop(0)
            else:
                return None
            key = VALUE_OPTIONS[name]
            if key in opts:
                return None
            opts[key] = value
        elif arg in FLAGS:
            opts[FLAGS[arg]] = True
        elif command is None and arg in COMMANDS:
            command = arg
        else:
            return None
    if command is None or not set(opts) <= COMMANDS[command]:
        return None
    return command, opts


def run_fast(argv: list[str]) -> Optional[int]:
    parsed = parse(argv)
    if parsed is None:
        return None
    command, opts = parsed
    from .. import cache
    from ..problems import UsageError
    from . import locate

    root = locate.cache_root()
    if root is None:
        return None
    try:
        where = locate.find_data_dir(Path(opts["data"]) if "data" in opts else None)
        day = locate.report_day(opts.get("as_of"))
    except UsageError:
        return None
    doc = cache.load(root, cache.data_key(where.path), day.isoformat())
    if doc is None:
        return None
    if command == "status":
        return _status(doc, opts, where.bundled)
    return _units(doc, opts, where.bundled)


def _status(doc: dict, opts: dict, bundled: bool) -> Optional[int]:
    from .. import views

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
    if opts.get("light", "red") not in views.LIGHTS:
        return None
    rows = views.filter_rows(doc["status"]["rows"], unit, indicator, opts.get("light"))
    summary = views.summarize(rows, doc["status"]["base"])
    _note(bundled)
    if opts.get("json"):
        print(json.dumps({"summary": summary, "tasks": rows}, ensure_ascii=False, indent=2))
        return 0
    from rich.console import Console

    from ..tables import show, status_table

    out = Console(highlight=False, soft_wrap=False, markup=False)
    show(out, status_table(rows, summary, out.width))
    return 0


def _units(doc: dict, opts: dict, bundled: bool) -> int:
    _note(bundled)
    if opts.get("json"):
        print(json.dumps({"as_of": doc["status"]["base"]["as_of"], "units": doc["units"]},
                         ensure_ascii=False, indent=2))
        return 0
    from rich.console import Console

    from ..tables import units_table

    out = Console(highlight=False, soft_wrap=False, markup=False)
    out.print(units_table(doc["units"], doc["status"]["base"]["as_of"], out.width))
    return 0


def _note(bundled: bool) -> None:
    if bundled:
        from .locate import BUNDLED_NOTE

        print(BUNDLED_NOTE, file=sys.stderr)
