"""Finding the data folder and the day to report on; no typer, so the fast path can use it too."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..problems import UsageError

BUNDLED = Path(__file__).resolve().parent.parent / "example"


@dataclass(frozen=True)
class DataDir:
    path: Path
    bundled: bool
    how: str


def find_data_dir(chosen: Optional[Path]) -> DataDir:
    """--data, else CC_DATA, else the nearest ancestor holding data/tasklist.yaml, else bundled."""
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
        if (folder / "data" / "tasklist.yaml").exists():  # a folder of that name is reported, not skipped
            return DataDir(folder / "data", False, "上级目录")
    return DataDir(BUNDLED, True, "内置示例")


def parse_date(text: str, option: str = "--as-of") -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"{option} 的日期无效：{text!r}", "请写成 YYYY-MM-DD，例如 2023-06-30。") from None


def report_day(value: Optional[str]) -> dt.date:
    """The only place that reads the clock."""
    return parse_date(value) if value else dt.date.today()


BUNDLED_NOTE = "提示：未找到数据目录，正在使用内置示例数据（只读）。用 cc init 创建自己的数据目录。"


def cache_root() -> Optional[Path]:
    """Where computed reports are cached (outside git), or None when caching is off."""
    if os.environ.get("CC_NO_CACHE"):
        return None
    if os.environ.get("CC_CACHE_DIR"):
        return Path(os.environ["CC_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "chuangcheng-cli"
