"""Finding the data folder and the day to report on, and reading dates and percentages as a
hurried user types them; no typer, so the fast path can use it too."""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..diagnostics import UsageError

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


_DATE = re.compile(r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?")


def halfwidth(text: str) -> str:
    """Full-width digits, letters and punctuation (２０２３／９／１０, ４６％) as ASCII."""
    return unicodedata.normalize("NFKC", text).strip()


def parse_date(text: str, option: str = "--as-of") -> dt.date:
    """2023-09-10, 2023-9-10, 2023/9/10, 2023.9.10 or 2023年9月10日 (full-width digits too)."""
    m = _DATE.fullmatch(halfwidth(text))
    try:
        if m is None:
            raise ValueError
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        year = re.match(r"\d{4}", halfwidth(text))  # examples in the year the user meant, if any
        y = year.group() if year else "YYYY"
        raise UsageError(f"{option} 的日期无效：{text!r}",
                         f"请写成 {y}-06-30、{y}/6/30、{y}.6.30 或 {y}年6月30日，并确认该日期存在。") from None


def parse_percent(text: str, option: str = "--percent") -> int:
    """46, 46% or ４６％ as the whole number 46."""
    value = halfwidth(text).removesuffix("%").strip()
    if not re.fullmatch(r"-?\d+", value):
        raise UsageError(f"{option} 的值 {text!r} 不是整数", "写完成百分比的整数，例如 60 或 60%。")
    return int(value)  # the range is checked where the entry is made, with its own message


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
