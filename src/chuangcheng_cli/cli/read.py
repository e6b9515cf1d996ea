"""Commands that only read: validate, status, units, show, history."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

from .typer_app import app
from .common import AsOfOpt, DataOpt, console, find_data_dir, guarded, note, parse_date, today
from ..diagnostics import UsageError
from .plain import print_json


class Format(str, Enum):
    text = "text"
    json = "json"
    github = "github"


StrictOpt = Annotated[bool, typer.Option(
    "--strict", help="日志中有错误的记录时不显示结果，退出码 1（默认：跳过这些记录并在标准错误中提示）。")]


@app.command()
@guarded
def validate(
    fmt: Annotated[Optional[Format], typer.Option(
        "--format", "-f", help="输出格式：text（默认）、json、github（GitHub Actions 注释；"
                               "GITHUB_ACTIONS=true 时默认）。", show_default=False)] = None,
    strict: Annotated[bool, typer.Option("--strict", help="警告也算失败（退出码 1）。")] = False,
    data: DataOpt = None,
    as_of: Annotated[Optional[str], typer.Option(
        "--as-of", metavar="YYYY-MM-DD", help="校验与日期无关，可省略（为与其他命令一致而接受，不起作用）。",
        show_default=False)] = None,
):
    """校验数据目录：列出所有问题（文件:行:列、问题代码、说明和修改提示）。"""
    from . import plain

    if as_of is not None:
        parse_date(as_of, "--as-of", 2000)  # unused, but a bad date is said to be bad, as every command says it

    raise typer.Exit(plain.validate(fmt.value if fmt else None, strict, find_data_dir(data)))


def _snapshot(data, as_of, remember: bool = False, strict: bool = False):
    from . import plain

    where = find_data_dir(data)
    return plain.snapshot_doc(where, today(as_of, where), remember, strict=strict)[:2]


@app.command()
@guarded
def status(
    unit: Annotated[Optional[str], typer.Option(
        "--unit", "-u", help="只看某单位承担（牵头或配合）的任务：id、全称或简称均可，如 民政局。",
        show_default=False)] = None,
    indicator: Annotated[Optional[str], typer.Option(
        "--indicator", "-i", help="只看某创建指标（id 或名称）。", show_default=False)] = None,
    light: Annotated[Optional[str], typer.Option(
        "--light", "-l", help="只看某种灯：red 红、yellow 黄、review 待审核、accept 待验收、green 绿、done 已完成（中文、英文均可）。",
        show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON（键名稳定，供脚本使用）。")] = False,
    strict: StrictOpt = False,
    data: DataOpt = None,
    as_of: AsOfOpt = None,
):
    """任务进度总表：按创建指标分组，显示进度、序时进度、红黄绿灯及原因。"""
    from ..reports import rows as reports
    from . import plain

    from ..domain.views import light_key

    light = light_key(light) if light is not None else None  # before the data is loaded
    snap, doc = _snapshot(data, as_of, remember=True, strict=strict)
    unit_name = reports.resolve_unit(snap.project, unit).name if unit is not None else None
    ind_id = reports.resolve_indicator(snap.project, indicator).id if indicator is not None else None
    plain.print_status(doc, unit_name, ind_id, light, as_json)


@app.command()
@guarded
def units(
    unit: Annotated[Optional[str], typer.Option(
        "--unit", "-u", help="只看某单位的一行（及牵头单位待办中它的事项）：id、全称或简称均可。",
        show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON。")] = False,
    strict: StrictOpt = False,
    data: DataOpt = None,
    as_of: AsOfOpt = None,
):
    """责任单位一览：牵头/配合任务数、完成、滞后、督办次数、是否已报告市领导。"""
    from ..reports import rows as reports
    from . import plain

    snap, doc = _snapshot(data, as_of, remember=True, strict=strict)
    unit_id = reports.resolve_unit(snap.project, unit).id if unit is not None else None
    plain.print_units(doc, as_json, unit_id)


@app.command()
@guarded
def show(
    task: Annotated[str, typer.Argument(help="任务编号，如 T05（也可写 5）。", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON。")] = False,
    strict: StrictOpt = False,
    data: DataOpt = None,
    as_of: AsOfOpt = None,
):
    """查看一项任务的全部信息：要求、责任分解、进度、灯和全程留痕（作废的记录标明作废）。"""
    from ..reports import rows as reports

    snap, _ = _snapshot(data, as_of, strict=strict)
    try:
        task_id = reports.resolve_task(snap.project, task).id
    except UsageError as exc:  # cc show 2023-4, cc show W2023-0004: what shows a notice or a problem
        import importlib

        from .usage import click_module, ref_pointer

        context = importlib.import_module(click_module().__name__ + ".globals").get_current_context()
        prog = context.command_path.split()[0]
        pointer = ref_pointer(prog, "show", task)
        if not pointer:
            raise
        raise UsageError(exc.message, pointer) from None
    detail = reports.task_detail(snap, task_id)
    if as_json:
        print_json(detail)
        return
    from ..reports.tables import task_view

    out = console()
    out.print(task_view(detail, snap.today.isoformat(), out.width))


@app.command()
@guarded
def history(
    unit: Annotated[Optional[str], typer.Option("--unit", "-u", help="只看某单位。", show_default=False)] = None,
    task: Annotated[Optional[str], typer.Option("--task", "-t", help="只看某任务。", show_default=False)] = None,
    kind: Annotated[Optional[str], typer.Option(
        "--kind", "-k", help="只看某类记录：分解交办、进度报送、验收销号、退回重办、督办通知、整改反馈、"
                             "退回整改、督办销号、报告市领导、问题交办、问题整改完成、问题复查、问题延期、作废（可简写，如 督办、复查；"
                             "英文名 assign、progress … 亦可；问题 = 问题清单的四类记录，整改 = 整改反馈、退回整改和"
                             "问题整改完成，其他词列出名称中含有它的各类，如 销号）。",
        show_default=False)] = None,
    notice: Annotated[Optional[str], typer.Option(
        "--notice", "-n", metavar="通知",
        help="只看一份督办通知的全程留痕：通知本身、整改反馈、退回整改、督办销号、报告市领导和作废它们的记录"
             "（写序号、年份-序号如 2025-5，或发文字号；已作废的通知也可查）。", show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON。")] = False,
    strict: StrictOpt = False,
    data: DataOpt = None,
    as_of: AsOfOpt = None,
):
    """全程留痕：按日期列出每条记录及其 id（供 cc void 作废），作废的记录标明作废及原因。"""
    from ..reports import rows as reports
    from ..domain.views import KIND_NAMES, kind_keys, kind_name

    kinds = kind_keys(kind) if kind is not None else None  # before the data is loaded
    if kinds is not None and (len(kinds) > 1 or kind.strip() not in KIND_NAMES and kind.strip().lower() != kinds[0]):
        note(f"提示：“{kind.strip()}”按以下记录类型列出：" + "、".join(kind_name(k) for k in kinds) + "。")
    snap, _ = _snapshot(data, as_of, strict=strict)
    unit_id = reports.resolve_unit(snap.project, unit).id if unit is not None else None
    task_id = reports.resolve_task(snap.project, task).id if task is not None else None
    if notice is not None:
        from ..domain.workflow import notice_trail_ref

        notice = notice_trail_ref(snap, notice)
    rows = reports.history_rows(snap, unit_id, task_id, kinds, notice)
    if as_json:
        print_json({"as_of": snap.today.isoformat(), "entries": rows})
        return
    from ..reports.tables import WIDE, history_lines, history_wide_lines, show_lines

    if not rows:
        print("没有符合条件的记录。")
        return
    out = console()
    title = f"全程留痕（{len(rows)} 条）"
    lay_out = history_lines if out.width < WIDE else history_wide_lines  # a list, or a table
    show_lines(out, lay_out(rows, title, snap.today.year, out.width))
