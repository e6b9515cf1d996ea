"""What every command shares: finding the data folder, reading --as-of, consoles, error exits."""

from __future__ import annotations

import datetime as dt
import functools
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..diagnostics import DataError, UsageError
from . import locate
from .locate import DataDir

DataOpt = Annotated[Optional[Path], typer.Option(
    "--data", metavar="DIR", help="数据目录（含 tasklist.yaml、units.yaml、journal.jsonl）；默认依次为 CC_DATA、"
                   "当前目录向上最近的 data/、内置示例数据。", show_default=False)]
AsOfOpt = Annotated[Optional[str], typer.Option(
    "--as-of", metavar="YYYY-MM-DD", help="按指定日期查看或办理，忽略此日期之后的记录（作废记录除外：作废的记录在任何日期都不计）；默认今天。也可写 YYYY/M/D、YYYY.M.D、YYYY年M月D日、YYYYMMDD、M月D日（不写年份时取 tasklist.yaml 的 campaign.year）。",
    show_default=False)]


@dataclass
class Globals:
    data: Optional[Path] = None
    as_of: Optional[str] = None


GLOBALS = Globals()


def find_data_dir(option: Optional[Path]) -> DataDir:
    return locate.find_data_dir(option or GLOBALS.data)


def group_options(data: Optional[Path], as_of: Optional[str]) -> None:
    """--data and --as-of given between a command group (problem, report) and its command: as
    if given before it."""
    if data is not None:
        GLOBALS.data = data
    if as_of is not None:
        GLOBALS.as_of = as_of


def display_base() -> Path:
    return Path.cwd()


parse_date = locate.parse_date


def chosen_as_of(as_of: Optional[str]) -> Optional[str]:
    """The command's --as-of, else the one given before it; "" stays "" (a bad date, not today)."""
    return as_of if as_of is not None else GLOBALS.as_of


def today(as_of: Optional[str], where: Optional[DataDir] = None) -> dt.date:
    """The day to act as of; where: the data folder, whose campaign year completes a 9月12日."""
    return locate.report_day(chosen_as_of(as_of), where)


def note(message: str) -> None:
    print(message, file=sys.stderr)


def console(stderr: bool = False):
    from .plain import console as make

    return make(stderr)


def fail_usage(exc: UsageError) -> "typer.Exit":
    from .plain import usage_error

    return typer.Exit(usage_error(exc))


def guarded(fn):
    """Turn our exceptions into Chinese messages and exit codes (1 data, 2 usage)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except UsageError as exc:
            raise fail_usage(exc) from None
        except DataError as exc:
            from .plain import data_error

            raise typer.Exit(data_error(exc)) from None
        except BrokenPipeError:
            raise typer.Exit(0) from None
        except OSError as exc:  # permission, read-only, disk full, name too long …: never a traceback
            from .plain import os_error

            raise typer.Exit(os_error(exc)) from None

    return wrapper


def load(data: Optional[Path], strict: bool = False):
    """The project of the chosen data folder for a read (see plain.load)."""
    from .plain import load as load_project

    where = find_data_dir(data)
    return where, load_project(where, strict)
