"""`cc report xlsx|html|md`: the 台账 workbook, the leaders' page and the weekly brief."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .typer_app import Group, app
from .common import AsOfOpt, DataOpt, group_options, guarded, note, today
from ..diagnostics import UsageError

report_app = typer.Typer(cls=Group, help="生成报表：台账工作簿（xlsx）、领导阅览页（html）、周报（md）。",
                         no_args_is_help=True)
app.add_typer(report_app, name="report")


@report_app.callback()
def _report_group(data: DataOpt = None, as_of: AsOfOpt = None) -> None:
    group_options(data, as_of)  # `cc report --as-of … md`, as before and after it

def _out_option(example: str, screen: bool = False):
    """--out, its help naming what this report's default file is called."""
    name = f"××推进组{example}（××为推进组名称）"
    return Annotated[Optional[Path], typer.Option(
        "--out", "-o", help=(f"输出文件或文件夹，写到文件夹时文件名为 {name}；不加此项时输出到屏幕。" if screen else
                             f"输出文件或文件夹；不加此项时写到当前文件夹，文件名为 {name}。"), show_default=False)]


XlsxOut = _out_option("台账_YYYY-MM-DD.xlsx")
HtmlOut = _out_option("进展_YYYY-MM-DD.html")
MdOut = _out_option("周报_YYYY-MM-DD.md", screen=True)
ForceOpt = Annotated[bool, typer.Option("--force", help="输出文件已存在时覆盖。")]


StrictOpt = Annotated[bool, typer.Option(
    "--strict", help="日志中有错误的记录时不生成报表，退出码 1（默认：跳过这些记录并在标准错误中提示）。")]


def _snapshot(data, as_of, strict: bool = False):
    from . import plain
    from .common import find_data_dir

    where = find_data_dir(data)
    return plain.judged_snapshot(where, today(as_of, where), strict, "不生成报表（报表会把所有任务显示为从未报送）")


def _file_name(snap, what: str, ext: str) -> str:
    """法治环境工作推进组台账_2023-06-30.xlsx: the group's own name, the kind of report, the day."""
    group = re.sub(r'[\\/:*?"<>|\s]+', "", snap.project.plan.campaign.group) or "推进组"
    return f"{group}{what}_{snap.today.isoformat()}.{ext}"


def _target(out: Optional[Path], default: str, force: bool, data=None, suffix: tuple[str, ...] = ()) -> Path:
    """The file to write: --out as given, or the default name (made safe, see safepath.py) in
    --out when that is a folder, or in the current folder. Never one of the data files (data:
    the --data option), and with suffix ((".xlsx",)), a name that ends so: Excel will not open a
    workbook named .csv, nor a browser a page without .html; and "--out 新文件夹/" (a folder not
    made yet: the shell's trailing slash does not reach us) is not written as a file of that name."""
    from ..store.safepath import output_in

    from ..store.safepath import refuse_windows_path

    refuse_windows_path("--out", out, "报表/周报.md")
    if out is None:
        path = output_in(Path("."), default)
    elif out.is_dir():
        path = output_in(out, default)
    else:
        path = out
    if path.is_dir():
        raise UsageError(f"输出路径是一个目录：{path}", "请用 --out 指定文件名。")
    if path.exists() and not path.is_file():  # /dev/full, a FIFO …: never replaced by a file
        raise UsageError(f"输出路径不是普通文件：{path}", "请用 --out 指定一个普通文件名。")
    _not_a_data_file(path, data)
    from ..store.safepath import windows_device

    if windows_device(path.name):  # NUL.xlsx: a device on Windows, the report lost
        raise UsageError(f"输出文件名 {path.name} 在 Windows 上是设备名，文件写不出来", "请换一个文件名。")
    if suffix and path.suffix.lower() not in suffix:
        hint = f"例如 --out {(Path(path.name.rstrip('.')).stem.lstrip('.') or '报表') + suffix[0]}"
        if not path.suffix and not path.name.endswith("."):
            hint += f"；如 {path.name} 是要新建的文件夹，请先建好它（mkdir {path.name}）再运行"
        raise UsageError(f"输出文件名应以 {' 或 '.join(suffix)} 结尾：{path}", hint)
    if path.exists() and not force:
        raise UsageError(f"文件已存在：{path}，不会覆盖", "加 --force 覆盖，或用 --out 指定其他文件名。")
    if not path.parent.exists():
        raise UsageError(f"输出目录不存在：{path.parent}",
                         f"请先建好这个文件夹（mkdir {path.parent}），或只写文件名（--out {path.name}）写到当前目录。")
    return path


def _not_a_data_file(path: Path, data) -> None:
    """A report written over journal.jsonl or a YAML file (with --force) would replace the record
    itself, without its lock: refused, whatever the path's spelling (found by a hostile-input try)."""
    import os

    from .common import find_data_dir
    from ..store.loading import JOURNAL, TASKLIST, UNITS

    if path.name in (TASKLIST, UNITS, JOURNAL) and (path.parent / TASKLIST).exists():  # any data folder's
        raise UsageError(f"输出路径是数据文件：{path}", "报表不能写在数据文件上；请用 --out 指定其他文件名。")
    folder = find_data_dir(data).path
    for name in (TASKLIST, UNITS, JOURNAL):
        f = folder / name
        try:
            same = os.path.samefile(path, f) if path.exists() and f.exists() else path.resolve() == f.resolve()
        except (OSError, ValueError):
            same = False
        if same:
            raise UsageError(f"输出路径是数据文件：{path}", "报表不能写在数据文件上；请用 --out 指定其他文件名。")


@report_app.command("xlsx")
@guarded
def report_xlsx(out: XlsxOut = None, force: ForceOpt = False, strict: StrictOpt = False,
                data: DataOpt = None, as_of: AsOfOpt = None):
    """台账工作簿：任务台账、单位汇总、督办记录、问题清单、问题整改率、综合评价、进度日志七张表，A4 横向可直接打印。"""
    snap = _snapshot(data, as_of, strict)
    path = _target(out, _file_name(snap, "台账", "xlsx"), force, data, (".xlsx",))
    from ..reports.xlsx import write_workbook
    from ..store.loading import gc_paused

    with gc_paused():  # a city's 进度日志 sheet is some hundred thousand rows of cells, none in a cycle
        write_workbook(snap, path)
    _generated(path)


@report_app.command("html")
@guarded
def report_html(out: HtmlOut = None, force: ForceOpt = False, strict: StrictOpt = False,
                data: DataOpt = None, as_of: AsOfOpt = None):
    """领导阅览页：单个离线 HTML 文件（内嵌 SVG 图表），可直接打印为 A4。"""
    snap = _snapshot(data, as_of, strict)
    path = _target(out, _file_name(snap, "进展", "html"), force, data, (".html", ".htm"))
    from ..reports.html import render_html

    from ..store.journal import atomic_write_text

    atomic_write_text(path, render_html(snap))
    _generated(path)


def _generated(path) -> None:
    """已生成：path on stdout; when stdout cannot take it (a full disk, a reader gone), on stderr
    before the error: the file is there, and a retry without --force would be refused."""
    try:
        print(f"已生成：{path}")
        sys.stdout.flush()
    except OSError:
        note(f"已生成：{path}（这一行没能写到标准输出）")
        raise


@report_app.command("md")
@guarded
def report_md(out: MdOut = None, force: ForceOpt = False, strict: StrictOpt = False,
                data: DataOpt = None, as_of: AsOfOpt = None):
    """周报（Markdown）：本周进展、滞后任务、未销号督办、报告市领导情况；默认输出到屏幕。"""
    snap = _snapshot(data, as_of, strict)
    from ..reports.md import render_markdown

    text = render_markdown(snap)
    if out is None:
        print(text, end="" if text.endswith("\n") else "\n")
        return
    path = _target(out, _file_name(snap, "周报", "md"), force, data, (".md", ".markdown", ".txt"))
    from ..store.journal import atomic_write_text

    atomic_write_text(path, text)
    note(f"已生成：{path}")
