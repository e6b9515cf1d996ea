"""What every command shares: finding the data folder, reading --as-of, consoles, error exits."""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..problems import DataError, UsageError, render_text

BUNDLED = Path(__file__).resolve().parent.parent / "example"

DataOpt = Annotated[Optional[Path], typer.Option(
    "--data", help="数据目录（含 tasklist.yaml、units.yaml、journal.jsonl）；默认依次为 CC_DATA、"
                   "当前目录向上最近的 data/、内置示例数据。", show_default=False)]
AsOfOpt = Annotated[Optional[str], typer.Option(
    "--as-of", help="按指定日期（YYYY-MM-DD）查看，忽略此日期之后的记录；默认今天。",
    show_default=False)]


@dataclass
class Globals:
    data: Optional[Path] = None
    as_of: Optional[str] = None


GLOBALS = Globals()


@dataclass(frozen=True)
class DataDir:
    path: Path
    bundled: bool
    how: str


def find_data_dir(option: Optional[Path]) -> DataDir:
    """--data, else CC_DATA, else the nearest ancestor holding data/tasklist.yaml, else bundled."""
    chosen = option or GLOBALS.data
    how = "--data"
    if chosen is None and os.environ.get("CC_DATA"):
        chosen, how = Path(os.environ["CC_DATA"]), "CC_DATA"
    if chosen is not None:
        path = chosen.expanduser()
        if not path.exists():
            raise UsageError(f"数据目录不存在：{path}（由 {how} 指定）",
                             "请检查路径；新建数据目录可用 cc init。")
        if not path.is_dir():
            raise UsageError(f"不是目录：{path}（由 {how} 指定）", "--data 应指向含 tasklist.yaml 的目录。")
        if not os.access(path, os.R_OK | os.X_OK):
            raise UsageError(f"没有权限读取数据目录：{path}")
        if not (path / "tasklist.yaml").exists() and (path / "data" / "tasklist.yaml").exists():
            path = path / "data"
        return DataDir(path, False, how)
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "data" / "tasklist.yaml").is_file():
            return DataDir(folder / "data", False, "上级目录")
    return DataDir(BUNDLED, True, "内置示例")


def display_base() -> Path:
    return Path.cwd()


def parse_date(text: str, option: str = "--as-of") -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{option} 的日期无效：{text!r}", "请写成 YYYY-MM-DD，例如 2023-06-30。") from None


def today(as_of: Optional[str]) -> dt.date:
    """The only place that reads the clock."""
    value = as_of or GLOBALS.as_of
    return parse_date(value) if value else dt.date.today()


def note(message: str) -> None:
    print(message, file=sys.stderr)


def console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


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
        note("提示：未找到数据目录，正在使用内置示例数据（只读）。用 cc init 创建自己的数据目录。")
    project, _warnings = load_checked(where.path, display_base())
    return where, project
