"""What every command shares: finding the data folder, reading --as-of, consoles, error exits."""

from __future__ import annotations

import datetime as dt
import functools
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..problems import DataError, UsageError, render_text
from . import locate
from .locate import DataDir

DataOpt = Annotated[Optional[Path], typer.Option(
    "--data", metavar="DIR", help="数据目录（含 tasklist.yaml、units.yaml、journal.jsonl）；默认依次为 CC_DATA、"
                   "当前目录向上最近的 data/、内置示例数据。", show_default=False)]
AsOfOpt = Annotated[Optional[str], typer.Option(
    "--as-of", metavar="YYYY-MM-DD", help="按指定日期查看或办理，忽略此日期之后的记录；默认今天。",
    show_default=False)]


@dataclass
class Globals:
    data: Optional[Path] = None
    as_of: Optional[str] = None


GLOBALS = Globals()


def find_data_dir(option: Optional[Path]) -> DataDir:
    return locate.find_data_dir(option or GLOBALS.data)


def display_base() -> Path:
    return Path.cwd()


parse_date = locate.parse_date


def today(as_of: Optional[str]) -> dt.date:
    return locate.report_day(as_of or GLOBALS.as_of)


def note(message: str) -> None:
    print(message, file=sys.stderr)


def console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False, markup=False)


def fail_usage(exc: UsageError) -> "typer.Exit":
    note(f"错误：{exc.message}")
    if exc.hint:
        note(f"提示：{exc.hint}")
    return typer.Exit(2)


def guarded(fn):
    """Turn our exceptions into Chinese messages and exit codes (1 data, 2 usage)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except UsageError as exc:
            raise fail_usage(exc) from None
        except DataError as exc:
            note(render_text(exc.problems))
            note(f"数据有误（{len(exc.problems)} 处），请先修正；可运行 cc validate 查看全部问题。")
            raise typer.Exit(1) from None
        except BrokenPipeError:
            raise typer.Exit(0) from None

    return wrapper


def load(data: Optional[Path]):
    """The checked project of the chosen data folder (warnings are ignored here)."""
    from ..checks import load_checked

    where = find_data_dir(data)
    if where.bundled:
        note(locate.BUNDLED_NOTE)
    project, _warnings = load_checked(where.path, display_base())
    return where, project
