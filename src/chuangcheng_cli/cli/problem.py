"""`cc problem …`: the 问题清单's commands — add, fix, recheck, extend, list, show, import."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Optional

import typer

from .typer_app import Group, app
from .common import AsOfOpt, DataOpt, chosen_as_of, console, group_options, guarded
from .locate import parse_date
from .recording import Said, evidence_list, notices_only, problem_limit, when_text
from .read import StrictOpt
from .write import ByOpt, DryOpt, EvidenceOpt, record
from ..diagnostics import UsageError
from .plain import print_json

problem_app = typer.Typer(
    cls=Group,
    help="问题清单：登记交办、整改完成、复查销号或返工、延期，查看和导入（暗访、督查问题表）。",
    no_args_is_help=True, rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(problem_app, name="problem")


@problem_app.callback()
def _problem_group(data: DataOpt = None, as_of: AsOfOpt = None) -> None:
    group_options(data, as_of)  # `cc problem --as-of … list`, as before and after it

ProblemArg = Annotated[str, typer.Argument(metavar="问题", help="问题编号，如 W2023-0001（也可写 2023-1，或只写序号：1、W1；几个年度都有这个序号时写完整编号）。",
                                           show_default=False)]
DaysOpt = Annotated[Optional[int], typer.Option("--days", min=1, max=365, help="整改期限天数（与 --deadline 二选一）。",
                                                show_default=False)]
DeadlineOpt = Annotated[Optional[str], typer.Option(
    "--deadline", help="整改期限日期 YYYY-MM-DD（也可写 YYYY/M/D、YYYY.M.D、YYYY年M月D日、YYYYMMDD、M月D日）。", show_default=False)]


_limit, _when = problem_limit, when_text  # also cc problem add's


@problem_app.command("add")
@guarded
def add(
    unit: Annotated[str, typer.Option("--unit", "-u", help="责任单位：id、全称或简称。", show_default=False)],
    source: Annotated[str, typer.Option("--source", "-s", help="问题来源：自查、互查、督查、暗访、测评反馈、群众反映、媒体曝光。",
                                        show_default=False)],
    place: Annotated[str, typer.Option("--place", "-p", help="问题点位（地点）。", show_default=False)],
    desc: Annotated[str, typer.Option("--desc", "-d", help="问题描述。", show_default=False)],
    task: Annotated[Optional[str], typer.Option("--task", "-t", help="所属任务编号（已知时）。", show_default=False)] = None,
    co: Annotated[Optional[list[str]], typer.Option("--co", help="配合单位（可重复）。", show_default=False)] = None,
    found: Annotated[Optional[str], typer.Option("--found", help="发现日期 YYYY-MM-DD（也可写 YYYY/M/D、YYYY.M.D、YYYY年M月D日、YYYYMMDD、M月D日）；默认为登记当天。", show_default=False)] = None,
    found_by: Annotated[str, typer.Option("--found-by", help="发现人或检查组，如 市创城办暗访组。")] = "",
    mode: Annotated[str, typer.Option("--mode", help="整改方式：立行立改、限期整改、长期整改；默认有期限时为限期整改，否则立行立改。")] = "",
    days: DaysOpt = None, deadline: DeadlineOpt = None,
    plan: Annotated[str, typer.Option("--plan", help="整改计划（长期整改必填）。")] = "",
    evidence: EvidenceOpt = None,
    by: ByOpt = None, dry_run: DryOpt = False, data: DataOpt = None, as_of: AsOfOpt = None,
):
    """登记问题并交办：各单位可登记本单位自查发现的问题，其他来源由推进组办公室登记。输出问题编号。"""
    from ..domain.rules import cn_date
    from ..domain.workflow import make_problem
    from ..reports.rows import problem_source_key, resolve_task, resolve_unit
    from .common import GLOBALS, find_data_dir

    src = problem_source_key(source)
    found_on = parse_date(found, "--found", find_data_dir(data)) if found else None
    limit = _limit(days, deadline, data or GLOBALS.data, chosen_as_of(as_of), found_on)  # 1月5日 after 12月20日
    files = evidence_list(evidence)

    def build(snap, stamp, _folder):
        project = snap.project
        u = resolve_unit(project, unit, "问题的配合单位用 --co，每个单位前都写 --co。")
        t = resolve_task(project, task) if task is not None else None
        others = [resolve_unit(project, c) for c in co or []]
        entry, how = make_problem(snap, stamp, u, src, place, desc, found=found_on, found_by=found_by, task=t,
                                  co_units=others, mode=mode.strip(), days=days, deadline=limit, plan=plan,
                                  evidence=list(stamp.evidence))
        how = how.note
        msg = (f"{entry.problem}\n已登记问题 {entry.problem}：{u.name}，{entry.place}（{entry.source}）；"
               f"{entry.mode}，整改期限{cn_date(entry.deadline)}{_when(how)}"
               f"\n整改完成后登记：cc problem fix {entry.problem} --note …")
        notes = [f"整改期限{cn_date(entry.deadline)}{_when(how)}"] if how else []  # what a dry run says too
        if entry.deadline < entry.date:  # overdue on its first day: allowed (a backfill), never silently
            late = (f"提示：{entry.problem} 的整改期限{cn_date(entry.deadline)}早于登记日期{cn_date(entry.date)}，"
                    f"登记当天即已逾期{(entry.date - entry.deadline).days}天，计入{u.name}的逾期问题。"
                    "如该单位此前并未收到交办，")
            msg += (f"\n{late}请作废这一条（cc void {entry.problem} --reason \"期限有误\"），"
                    "再给出新的整改期限（--deadline）重新登记。")
            notes.append(late + "请改给新的整改期限（--deadline）再登记。")
        same = _same_problem(snap, entry)
        if same is not None:  # recorded all the same: two problems at one place do happen
            msg += (f"\n提示：{same.id}（{same.status_text(snap.today)}）的责任单位、点位和描述与此相同。"
                    f"如是重复登记，请作废这一条：cc void {entry.problem} --reason \"重复登记\"")
        return [entry], [], Said(msg, "\n".join(notes))

    record(data, as_of, by, dry_run, build, scope=notices_only, evidence=files)


def _same_problem(snap, entry):
    """A problem not yet 销号 of the same unit, place and description (as typed: width, case and
    spaces aside), or None."""
    import unicodedata

    def norm(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text).split()).casefold()

    place, desc = norm(entry.place), norm(entry.desc)
    return next((ps for ps in snap.problems.values()
                 if ps.closed_on is None and ps.unit == entry.unit and ps.problem is not None
                 and norm(ps.problem.place) == place and norm(ps.problem.desc) == desc), None)


@problem_app.command("fix")
@guarded
def fix(
    problem: ProblemArg,
    note_: Annotated[str, typer.Option("--note", "-n", help="整改情况。", show_default=False)],
    evidence: EvidenceOpt = None,
    by: ByOpt = None, dry_run: DryOpt = False, data: DataOpt = None, as_of: AsOfOpt = None,
):
    """报整改完成（责任单位）：停止计时，转由推进组办公室复查。"""
    from . import recording
    from .common import GLOBALS

    recording.problem_fix(problem, note_, evidence or [], by, dry_run, data or GLOBALS.data, chosen_as_of(as_of))


@problem_app.command("recheck")
@guarded
def recheck(
    problem: ProblemArg,
    note_: Annotated[str, typer.Option("--note", "-n", help="复查意见。", show_default=False)],
    passed: Annotated[bool, typer.Option("--pass", help="复查通过（销号）。")] = False,
    failed: Annotated[bool, typer.Option("--fail", help="复查未通过（返工，给出新的整改期限）。")] = False,
    days: DaysOpt = None, deadline: DeadlineOpt = None,
    by: ByOpt = None, dry_run: DryOpt = False, data: DataOpt = None, as_of: AsOfOpt = None,
):
    """复查（推进组办公室）：通过即销号；未通过为返工，给出新的整改期限（计入返工率）。"""
    from . import recording
    from .common import GLOBALS

    recording.problem_recheck(problem, note_, passed, failed, days, deadline, by, dry_run, data or GLOBALS.data,
                              chosen_as_of(as_of))


@problem_app.command("extend")
@guarded
def extend(
    problem: ProblemArg,
    to: Annotated[str, typer.Option("--to", help="延期后的整改期限 YYYY-MM-DD（也可写 YYYY/M/D、YYYY年M月D日、M月D日；不写年份而早于办理日期的，为次年）。", show_default=False)],
    reason: Annotated[str, typer.Option("--reason", "-r", help="延期理由。", show_default=False)],
    by: ByOpt = None, dry_run: DryOpt = False, data: DataOpt = None, as_of: AsOfOpt = None,
):
    """批准延期（推进组办公室）：整改期限改为 --to（计入延期率）。"""
    from . import recording
    from .common import GLOBALS

    recording.problem_extend(problem, to, reason, by, dry_run, data or GLOBALS.data, chosen_as_of(as_of))


@problem_app.command("list")
@guarded
def list_(
    unit: Annotated[Optional[str], typer.Option("--unit", "-u", help="只看某单位（责任或配合）。", show_default=False)] = None,
    task: Annotated[Optional[str], typer.Option("--task", "-t", help="只看某任务的问题。", show_default=False)] = None,
    source: Annotated[Optional[str], typer.Option("--source", "-s", help="只看某来源，如 暗访。", show_default=False)] = None,
    status: Annotated[Optional[str], typer.Option("--status", help="只看某状态：整改中（含返工中）、返工中、待复查、已销号、逾期（open、rework、fixed、closed、overdue）。",
                                                  show_default=False)] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="只看逾期未整改的问题。")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON。")] = False,
    strict: StrictOpt = False, data: DataOpt = None, as_of: AsOfOpt = None,
):
    """问题清单：编号、来源、责任单位、点位、期限和状态（逾期的标红）。"""
    from ..reports import rows as reports
    from ..domain.problemlist import rates, percent
    from .read import _snapshot

    # an empty value (a script's unset variable) is refused as cc status refuses it, never read
    # as no filter: every unit's problems listed as one unit's (a hostile-input try)
    status_key = reports.problem_status_key(status) if status is not None else None
    source_key = reports.problem_source_key(source) if source is not None else None
    snap, _ = _snapshot(data, as_of, strict=strict)
    unit_id = reports.resolve_unit(snap.project, unit).id if unit is not None else None
    task_id = reports.resolve_task(snap.project, task).id if task is not None else None
    rows = reports.problem_rows(snap, unit_id, task_id, source_key, status_key, overdue)
    if as_json:
        print_json({"as_of": snap.today.isoformat(), "problems": rows})
        return
    if not rows:
        print("没有符合条件的问题。" if snap.problems else "问题清单为空：用 cc problem add 登记，或 cc problem import 导入问题表。")
        return
    from ..reports.tables import problem_lines, show_lines

    out = console()
    chosen = [snap.problems[r["id"]] for r in rows]
    show_lines(out, problem_lines(rows, f"问题清单（截至{reports.views.cn_date(snap.today)}，{len(rows)} 个）",
                                  snap.today.year, out.width))
    # a unit answers for the problems it is responsible for: those it only co-operates on count for
    # their responsible unit (as in cc units), never in this unit's counts and rates
    own = [ps for ps in chosen if ps.unit == unit_id] if unit_id else chosen
    r = rates(own, snap.today)
    line = f"整改中 {r.open}（逾期 {r.overdue}）· 待复查 {r.fixed} · 已销号 {r.closed}"
    if not (status_key or overdue):  # rates of a list cut by state would mislead
        line += (f"；结案率 {percent(r.close_rate)} · 按期结案率 {percent(r.on_time_rate)} · "
                 f"返工率 {percent(r.rework_rate)} · 延期率 {percent(r.extension_rate)}")
    if len(own) < len(chosen):
        from ..textguard import for_terminal

        line = (f"{for_terminal(snap.project.unit_short(unit_id))}为责任单位的 {len(own)} 个：{line}；"
                f"另有 {len(chosen) - len(own)} 个为配合（标 +），计入其责任单位")
    from ..reports.lines import fold_phrases

    for part in fold_phrases(line, max(out.width, 40)):
        print(part)


@problem_app.command("show")
@guarded
def show(
    problem: ProblemArg,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON。")] = False,
    strict: StrictOpt = False, data: DataOpt = None, as_of: AsOfOpt = None,
):
    """查看一个问题：描述、责任单位、期限、状态和全程留痕。"""
    from ..reports import rows as reports
    from ..domain.workflow import find_problem, voided_problem
    from .read import _snapshot

    snap, _ = _snapshot(data, as_of, strict=strict)
    try:
        ps, void = find_problem(snap, problem), None
    except UsageError:
        found = voided_problem(snap, problem)  # shown, marked: the record keeps it, nothing counts it
        if found is None:
            raise
        ps, void = found
    detail = reports.problem_detail(snap, ps)
    if void is not None:
        detail["voided"] = {"date": void.date.isoformat(), "by": void.by, "reason": void.reason, "entry": void.id}
    if as_json:
        print_json(detail)
        return
    from ..reports.tables import problem_view

    out = console()
    out.print(problem_view(detail, snap.today.isoformat(), out.width))


FIELDS = {"desc": "desc", "问题描述": "desc", "place": "place", "点位": "place", "unit": "unit", "责任单位": "unit",
          "co": "co", "配合单位": "co", "co_units": "co",
          "deadline": "deadline", "整改时限": "deadline", "found": "found", "发现时间": "found", "source": "source",
          "来源": "source", "task": "task", "任务": "task",
          # the words cc prints for a field (store.sheets.MAP_ALIASES): 整改期限 as every notice says
          "整改期限": "deadline", "所属任务": "task", "问题来源": "source", "发现日期": "found",
          "不导入": "不导入", "忽略": "不导入", "skip": "不导入"}  # a column read past, said to be so


def _mapping(pairs: Optional[list[str]]) -> dict[str, str]:
    out = {}
    for pair in pairs or []:
        header, sep, field = pair.partition("=")
        if not sep or not header.strip() or not field.strip():
            raise UsageError(f"--map 的写法无效：{pair}", "写成 表头=字段，如 --map 检查点位=点位 或 --map 问题简述=desc。")
        if field.strip() not in FIELDS:
            raise UsageError(f"--map 的字段无效：{field.strip()}",
                             "可选：问题描述（desc）、点位（place）、责任单位（unit）、配合单位（co）、整改时限（deadline）、"
                             "发现时间（found）、来源（source）、任务（task）；不导入这一列写 不导入。")
        known = out.get(header.strip())
        if known is not None and known != FIELDS[field.strip()]:  # the last one won silently
            raise UsageError(f"--map 把表头“{header.strip()}”指定给了两个字段",
                             "一个表头只能对应一个字段；请删去多余的 --map。")
        out[header.strip()] = FIELDS[field.strip()]
    return out


def _row_where(row) -> str:
    from ..store.sheets import sheet_where

    return f"{sheet_where(row.sheet)}第{row.row}行" if row.sheet else f"第{row.row}行"


ORIGIN_MAX = 300  # models.Problem.origin
SHEET_MAX = 60  # of it, for a sheet's name (Excel allows 31 characters; a crafted file more)


def _origin(file_name: str, row) -> str:
    """Where an imported problem came from (file, sheet, row), as the record keeps it: a newline
    or control character in a file or sheet name shown as a visible escape (\\x0a) rather than
    refusing the sheet, and a long name cut (…, never inside an escape) so that the row number
    always fits."""
    from ..textguard import unmarked

    place = f"第{row.row}行"
    if row.sheet:  # format characters dropped, as from any recorded text (textguard.unmarked)
        place = f"工作表“{_escaped_cut(unmarked(row.sheet), SHEET_MAX)}”{place}"
    return f"{_escaped_cut(unmarked(file_name), ORIGIN_MAX - len(place) - 1)} {place}"


def _escaped_cut(text: str, room: int) -> str:
    """text with forbidden characters escaped (textguard.for_terminal), at most room characters:
    cut between whole characters or escapes, ending with … when cut."""
    from ..textguard import for_terminal

    pieces = [for_terminal(ch) for ch in text]
    if sum(map(len, pieces)) <= room:
        return "".join(pieces)
    out, used = [], 1  # the …
    for piece in pieces:
        if used + len(piece) > room:
            break
        out.append(piece)
        used += len(piece)
    return "".join(out) + "…"


def row_deadline(row, start):
    """A sheet row's 整改期限 for a problem recorded (交办) on start: its date, or its span (15天,
    10个工作日) counted from start and moved off rest days, as --days is; None for a blank cell."""
    limit = span_deadline(row, start)
    return row.deadline if limit is None else limit.day


def span_deadline(row, start):
    """The deadlines.Deadline of a row whose 整改时限 is a span, from start; None for any other row."""
    if row.days is None:
        return None
    from ..domain.deadlines import rectification_deadline

    return rectification_deadline(start, row.days, workdays=row.workdays)


def _differences(row, entry, snap) -> list[str]:
    """What a sheet row says that its recorded problem does not: the 整改期限 (neither the first
    nor the one in force now), the task, the co-units; only what the row states."""
    from ..domain.deadlines import rectification_deadline
    from ..domain.views import cn_date

    out = []
    state = snap.problems.get(entry.problem)
    said = row_deadline(row, entry.date)  # a span (15天) from the day it was recorded
    # the row's date as the import recorded it: a rest day moved to the next working day
    moved = rectification_deadline(entry.date, on=said, workdays=snap.project.plan.policy.workdays).day \
        if said else None
    if said and not {said, moved} & {entry.deadline, state.deadline if state else entry.deadline}:
        out.append(f"整改期限为{cn_date(said)}，已登记的是{cn_date(state.deadline if state else entry.deadline)}")
    if row.task and row.task != entry.task:
        out.append(f"所属任务为 {row.task}，已登记的是 {entry.task or '（无）'}")
    if row.co_units and set(row.co_units) != set(entry.co_units):
        names = snap.project.unit_label
        out.append(f"配合单位为{'、'.join(map(names, row.co_units))}，已登记的是"
                   f"{'、'.join(map(names, entry.co_units)) or '（无）'}")
    return out


def _other_source(row, recorded: dict, snap):
    """The problem (not voided) this row already is under another source, or None."""
    from ..store.sheets import SOURCES, problem_key

    for source in SOURCES:
        if source != row.source:
            entry = recorded.get(problem_key(source, row.found, row.unit, row.place, row.desc))
            if entry is not None and entry.id not in snap.voided:
                return entry
    return None


def _repeat_lines(repeats: list[tuple[str, int, str]]) -> list[str]:
    """One line a sheet for the rows read once (a 汇总 sheet's are all of them): 工作表“汇总”第2、3、4行
    （同工作表“6月”第2行 …）, at most ten rows named."""
    by_sheet: dict[str, list[tuple[int, str]]] = {}
    for where, number, first in repeats:
        by_sheet.setdefault(where, []).append((number, first))
    lines = []
    for where, rows in by_sheet.items():
        shown = "、".join(str(n) for n, _ in rows[:10]) + ("…" if len(rows) > 10 else "")
        firsts = "、".join(first for _, first in rows[:3]) + ("等" if len(rows) > 3 else "")
        lines.append(f"{where}第{shown}行" + (f"（共 {len(rows)} 行）" if len(rows) > 10 else "") + f"：同{firsts}")
    return lines


def _import_notes(moved: list[str], alike: list[str], overdue: list[str], done: str,
                  hidden: tuple[str, ...] = (), unknown: tuple[str, ...] = ()) -> str:
    """What an import says of its rows besides the count: rows hidden in the workbook, deadlines
    moved off a rest day, deadlines in a year whose holidays are not announced yet (unknown), rows
    that may repeat a recorded problem, problems overdue on the day they are recorded (allowed: a
    backfill; never silently). done: 已 (imported) or 将 (a dry run)."""
    text = ""
    if hidden:  # a filter or a hidden row shows less than the file holds: every row is read
        text += (f"\n以下行在表格中是隐藏的（隐藏或被筛选掉），{done}照常导入：\n" + "\n".join(f"  {h}" for h in hidden)
                 + ("\n如不应导入，请在表中删除这些行后再导入。" if done == "将" else ""))
    if moved:
        text += f"\n以下问题的整改期限遇休息日，{done}顺延至下一个工作日：\n" + "\n".join(f"  {m}" for m in moved)
    if unknown:
        text += "\n提示：以下问题的整改期限所在年份的节假日安排尚未公布，只避开了周末、未按节假日调整：\n" + "\n".join(f"  {u}" for u in unknown)
    if alike:
        text += (f"\n以下问题{done}作为新问题登记，请核对是否与已登记的问题重复：\n" + "\n".join(f"  {a}" for a in alike)
                 + "\n如是同一问题（只是改了描述），" + ("" if done == "已" else "导入后")
                 + "请作废新登记的交办记录：cc void 问题编号 --reason \"重复登记\"。")
    if overdue:
        text += (f"\n提示：以下问题的整改期限早于登记日期，{'登记' if done == '已' else '导入'}当天即计入责任单位的逾期问题：\n"
                 + "\n".join(f"  {o}" for o in overdue)
                 + ("\n如单位此前并未收到交办，请先改正表中的整改期限再导入。" if done == "将" else
                    "\n如单位此前并未收到交办，请作废这些交办记录，再用 cc problem add 给出新的整改期限重新登记。"))
    return text


def _row_numbers(rows: list) -> str:
    """第3、5、6行 for rows of one sheet, at most ten named (第3、4…12行等 20 行)."""
    numbers = [str(r.row) for r in rows]
    if len(numbers) > 10:
        return f"第{'、'.join(numbers[:10])}…行等 {len(numbers)} 行"
    return f"第{'、'.join(numbers)}行"


def _sourceless_line(sourceless: list, layout: list) -> str:
    """One line for the rows with no 来源: a sheet with no 来源 column once, whatever its rows
    (工作表“暗访”没有“来源”列（6 行）), a sheet whose column is blank in some rows by their numbers."""
    from ..store.sheets import sheet_where

    by_sheet: dict[str, list] = {}
    for row in sorted(sourceless, key=lambda r: r.order):
        by_sheet.setdefault(row.sheet, []).append(row)
    shape = {sheet.sheet: sheet for sheet in layout}
    parts = []
    for name, rows in by_sheet.items():
        sheet = shape.get(name)
        where = sheet.where if sheet else (sheet_where(name) if name else "表")
        if sheet is not None and "source" not in sheet.fields:
            parts.append(f"{where}没有“来源”列（{len(rows)} 行）")
        else:
            parts.append(f"{where}{_row_numbers(rows)}的来源为空")
    return "；".join(parts) + "，也没有用 --source 指定问题来源"


def _unread_note(layout: list) -> str:
    """The columns an import did not read, and how to read one: --map with the sheet's own column
    and, when one is likely, the field it has no column for (no column is dropped silently: a
    deadline column so dropped made every problem 立行立改)."""
    from ..store.sheets import FIELDS, LABELS, likely_field, map_name
    from ..textguard import for_terminal

    def names(sheet) -> str:
        out = [f"“{for_terminal(_cut(t))}”" for t in sheet.unread] + [f"第{c}列（无表头）" for c in sheet.unnamed]
        return "、".join(out[:20]) + (f"等 {len(out)} 列" if len(out) > 20 else "")

    shown = [(sheet.where, names(sheet)) for sheet in layout]
    shown = [(where, said) for where, said in shown if said]
    if not shown:
        return ""
    if len({said for _, said in shown}) == 1 and len(shown) == len(layout):
        text = "以下列没有导入：" + shown[0][1]
    else:
        text = "以下列没有导入：" + "；".join(f"{where}的{said}" for where, said in shown)
    headers = list(dict.fromkeys(t for sheet in layout for t in sheet.unread))
    free = [f for f in FIELDS if any(f not in sheet.fields for sheet in layout)]
    if not headers:  # columns with no header: --map cannot name them
        return text + "。\n如其中有要导入的，请在表中给它写上表头（如“整改时限”）后再导入。"
    if not free:
        return text + "（问题清单的字段在表中都已有对应的列）。"
    likely = next(((h, likely_field(h)) for h in headers if likely_field(h) in free), None)
    header = likely[0] if likely else headers[0]
    name = for_terminal(map_name(header)) if len(header) <= 30 else "原列名"
    example = f"--map {name}={LABELS[likely[1]] if likely else '字段名'}"
    return (text + f"。\n如其中有要导入的，用 --map 原列名=字段名 指明，如 {example}"
            f"（表中还没有列的字段：{'、'.join(LABELS[f] for f in free)}）。")


def _cut(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


@problem_app.command("import")
@guarded
def import_(
    file: Annotated[Path, typer.Argument(metavar="文件", help="问题表：.xlsx 或 .csv（暗访、督查等问题清单）。",
                                         show_default=False)],
    sheet: Annotated[Optional[str], typer.Option(
        "--sheet", help="只导入这一张工作表；默认导入每张有表头的可见工作表（合计、小计行不导入）。",
        show_default=False)] = None,
    source: Annotated[Optional[str], typer.Option(
        "--source", "-s", help="问题来源（表中没有“来源”列或该列为空时使用），如 暗访。", show_default=False)] = None,
    mapping: Annotated[Optional[list[str]], typer.Option(
        "--map", help="表头对应的字段，写成 表头=字段（可重复），如 --map 检查点位=点位；不导入的列写 --map 表头=不导入。",
        show_default=False)] = None,
    found_by: Annotated[str, typer.Option("--found-by", help="发现人或检查组，如 市创城办暗访组。")] = "",
    by: ByOpt = None, dry_run: DryOpt = False, data: DataOpt = None, as_of: AsOfOpt = None,
):
    """导入问题表（.xlsx/.csv）：自动识别表头，全部行无误才导入；同一张表再导入不会重复登记。"""
    from ..domain import problemlist
    from ..domain.views import cn_date
    from ..domain.workflow import make_problem, problem_faults
    from ..reports.rows import problem_source_key
    from ..diagnostics import ImportRefused
    from ..domain.deadlines import rectification_deadline
    from ..store.sheets import SOURCES, problem_key, read_problem_sheet
    from ..textguard import unmarked

    default_source = problem_source_key(source) if source is not None else ""
    if found_by.strip():  # an option's fault, said once (not once for every row: a hostile-input try)
        from ..domain.workflow import _clean

        _clean(found_by, "发现人", 100)
    fields = _mapping(mapping)
    path = file.expanduser()

    def build(snap, stamp, _folder):
        project = snap.project
        # the rows the reader refuses, with what could be read of them: this build checks that too,
        # so that every fault of every row is named in one refusal (not some after a first fix)
        bad_rows: list = []
        totals: list[str] = []  # 合计/小计 rows passed over: said, since a 汇总 sheet is read too
        repeats: list = []  # rows the same as an earlier sheet's: read once, said
        layout: list = []  # each sheet's columns, read and not: those not read are named
        hidden_sheets: list[str] = []  # hidden sheets with the header: not imported, named
        rows = read_problem_sheet(path, project, sheet=sheet, mapping=fields, source=default_source,
                                  bad_rows=bad_rows, totals=totals, repeats=repeats, layout=layout,
                                  today=stamp.date, hidden_sheets=hidden_sheets)
        shape = {s.sheet: s for s in layout}
        # who may register these rows, before what the journal already holds of them: a unit's
        # liaison is told it cannot import a 暗访 sheet, not that its rows were imported before
        from types import SimpleNamespace

        from .recording import require_authority

        require_authority(project, [SimpleNamespace(kind="problem", source=row.source, unit=row.unit, by=stamp.by)
                                    for row in rows + bad_rows if row.source and row.unit], stamp.by_source)
        # a row already imported is skipped (voided ones too: a re-sent sheet must not bring back
        # a problem the office voided); what it now says differently is named, never applied
        recorded: dict = {}
        for e in project.journal:
            if e.kind == "problem" and e.key:
                recorded.setdefault(e.key, e)
                if unmarked(e.place + e.desc) != e.place + e.desc:  # imported before keys left them out
                    recorded.setdefault(problem_key(e.source, e.found, e.unit, e.place, e.desc), e)
        fresh, seen, changed, sourceless, gone = [], set(), [], [], []
        for row in rows:
            if row.key in recorded:
                if recorded[row.key].id in snap.voided:  # voided since: not brought back, but said so
                    gone.append(f"{_row_where(row)}（{recorded[row.key].problem}）")
                    continue
                differs = _differences(row, recorded[row.key], snap)
                if differs:
                    changed.append(f"{_row_where(row)}（已登记为 {recorded[row.key].problem}）：{'；'.join(differs)}")
                continue
            if row.key in seen:
                continue
            seen.add(row.key)
            fresh.append(row)
        numbers = problemlist.free_numbers(project.journal, stamp.date.year, snap.voided, len(fresh))
        entries, moved, alike, overdue, hidden, unknown = [], [], [], [], [], []
        places: dict = {}  # (found, unit, place) of each recorded problem → [(its id, its description)]
        for ps in snap.problems.values():
            places.setdefault((ps.problem.found, ps.problem.unit, ps.problem.place), []).append((ps.id, ps.problem.desc))
        refused = {row.order: (row, list(row.faults)) for row in bad_rows}  # order → (row, its faults)

        def refuse(row, why: str) -> None:
            refused.setdefault(row.order, (row, list(row.faults)))[1].append(why)

        def check(row) -> bool:
            """Name the faults of what the row says, leaving alone what the reader could not read
            of it (and has said so): False when there is any."""
            if not row.source and "source" not in row.unread:
                sourceless.append(row)
            unit = project.unit(row.unit) if row.unit else None
            task = project.task(row.task) if row.task else None
            found = None if "found" in row.unread else row.found or stamp.date
            deadline = row_deadline(row, stamp.date)
            if deadline and row.found and deadline < row.found:  # the reader has said so, in its words
                deadline = None
            if deadline and row.found is None and "found" not in row.unread:
                # no 发现时间: the day of import stands for it, which the sheet's user never typed
                # (and cc problem import has no --found): say so, and what to fill in
                moved = rectification_deadline(stamp.date, on=deadline, workdays=project.plan.policy.workdays).day
                if moved < stamp.date:
                    has_column = "found" in getattr(shape.get(row.sheet), "fields", ("found",))
                    refuse(row, f"整改时限 {cn_date(deadline)} 早于导入当天 {cn_date(stamp.date)}"
                                + ("（发现时间为空，按导入当天计）：请填写发现时间" if has_column else
                                   "（表中没有发现时间列，发现日期按导入当天计）：请在表中加一列“发现时间”写明发现日期"))
                    deadline = None
            for fault in problem_faults(snap, stamp.date, unit=unit, found=found, deadline=deadline, task=task):
                refuse(row, fault.message)
            return row.order not in refused

        for row in bad_rows:
            check(row)
        for row in fresh:
            where = _row_where(row)
            if not check(row):
                continue
            twin = _other_source(row, recorded, snap) if row.source else None
            if twin is not None:
                refuse(row, f"这个问题已以来源“{twin.source}”登记为 {twin.problem}（发现日期、责任单位、点位、"
                            f"描述都相同），这次来源为“{row.source}”，不再重复登记；如原来源有误，先 cc void 作废 "
                            f"{twin.problem} 的交办记录再导入")
                continue
            span = span_deadline(row, stamp.date)  # 15天: the day it comes to, moved off a rest day as every 期限 is
            try:
                # a row with no 来源 is checked as any other (with a stand-in source), so that the
                # refusal asking for --source names its other faults too; it is never recorded
                entry, how = make_problem(
                    snap, stamp, project.unit(row.unit), row.source or SOURCES[0], row.place, row.desc,
                    found=row.found,
                    found_by=found_by, task=project.task(row.task) if row.task else None,
                    co_units=[project.unit(u) for u in row.co_units], deadline=span.day if span else row.deadline,
                    origin=_origin(path.name, row), key=row.key, number=numbers[len(entries)])
            except UsageError as exc:
                refuse(row, exc.message)
                continue
            if not row.source:
                continue
            if span is not None:
                said = f"{row.days}{'个工作日' if row.workdays else '天'}"
                how = span
                if not span.warning and span.day != stamp.date + dt.timedelta(days=row.days) and not row.workdays:
                    moved.append(f"{where}：整改时限{said}，{span.note}")
            elif row.deadline and entry.deadline != row.deadline:  # a rest day: moved, as every 期限 is
                moved.append(f"{where}：{how.note}")
            elif not row.deadline and "顺延" in how.note and not how.warning:
                # the mode's days (立行立改): moved off a rest day as silently as cc problem add says
                # it (a fresh-eyes try found 12月10日 become 12月11日 with no word)
                moved.append(f"{where}：{how.note}")
            if how.warning:  # a year whose holidays are not yet announced: counted in calendar days
                unknown.append(f"{where}（{entry.problem}）：整改期限{cn_date(entry.deadline)}，{how.note}")
            if entry.deadline < entry.date:
                overdue.append(f"{where}（{entry.problem}）：整改期限{cn_date(entry.deadline)}，"
                               f"登记当天即已逾期{(entry.date - entry.deadline).days}天")
            near = next((pid for pid, desc in places.get((entry.found, entry.unit, entry.place), ())
                         if desc != entry.desc), None)
            if near is not None:  # an edited description is a new row to the key: say which one it may repeat
                alike.append(f"{where}（{entry.problem}）与已登记的 {near} 发现日期、责任单位、点位都相同，仅问题描述不同")
            if row.hidden:
                hidden.append(f"{where}（{entry.problem}）")
            entries.append(entry)
        if refused or sourceless:  # one line for each row, in the sheet's order, every fault of it on that line
            from ..store.sheets import refused_hint

            errors = [f"{row.where}：" + "；".join(dict.fromkeys(faults))
                      for _, (row, faults) in sorted(refused.items())]
            hint = refused_hint(path, errors)
            if sourceless:  # one line for them all, first: the sheet has no 来源 column, as a rule
                errors.insert(0, _sourceless_line(sourceless, layout))
                column = all("source" in s.fields for s in layout if any(r.sheet == s.sheet for r in sourceless))
                hint = ("请用 --source 指定问题来源，如 --source 暗访（可写 " + "、".join(SOURCES) + "），"
                        + ("或在空白的“来源”格中填写" if column else "或在表中加一列“来源”")
                        + ("；并" + hint.removeprefix("请") if refused else "。"))
            refused_rows = ImportRefused(errors, hint, rows=len(set(refused) | {r.order for r in sourceless}))
            if sourceless:  # what --source supplies: a usage error, exit 2
                refused_rows.exit_code = 2
            raise refused_rows
        skipped = len(rows) - len(fresh) - len(gone)  # imported before (and not voided since)
        later = ""
        if hidden_sheets:  # Excel does not show them, nor are they imported: never left out unsaid
            later += ("\n以下工作表是隐藏的，其中的问题未导入：" + "、".join(hidden_sheets)
                      + "\n如需导入，请用 --sheet 工作表名 单独导入。")
        if totals:  # every sheet with the header is read: a 汇总 sheet's 合计 row is no problem, nor a 小计
            later += "\n以下是合计（小计、汇总）行，不是问题，不导入：\n" + "\n".join(f"  {t}" for t in totals)
        if repeats:  # a 汇总 sheet copying the month sheets: each problem once, and said
            later += ("\n以下行与前面工作表中的行相同（来源、发现时间、责任单位、点位和问题描述都相同），是同一个问题，"
                      "只按前面的行登记一次：\n" + "\n".join(f"  {line}" for line in _repeat_lines(repeats)))
        if gone:  # a voided problem is not brought back by its row: say how to record it anew
            later += ("\n以下行对应的问题已作废，导入不会重新登记：\n" + "\n".join(f"  {g}" for g in gone)
                      + "\n如确需按表中内容重新登记，请用 cc problem add 逐个登记。")
        if changed:  # the sheet was edited after the import: say so, and how to change a problem
            later += ("\n以下行与已登记的问题不同，导入不会修改已登记的问题：\n"
                     + "\n".join(f"  {c}" for c in changed)
                     + "\n如需改期限请用 cc problem extend 问题编号 --to 日期 --reason …；登记有误请 cc void 交办记录后重新登记。")
        if not rows:  # a header and nothing under it
            return [], [], f"问题表 {path.name} 的表头之下没有问题行，未写入任何内容。" + later
        if not entries:  # recorded before: nothing is written (record() writes no empty append)
            head = f"问题表 {path.name} 的 {len(rows) - len(gone)} 个问题此前都已导入，" if len(rows) > len(gone) \
                else f"问题表 {path.name} 中"
            return [], [], head + "没有新的问题，未写入任何内容。" + later
        first, last = entries[0].problem, entries[-1].problem
        msg = f"已导入 {len(entries)} 个问题（{first if first == last else f'{first} 至 {last}'}）"
        if skipped:
            msg += f"；另有 {skipped} 行此前已导入，已跳过"
        notes = _import_notes(moved, alike, overdue, "已", tuple(hidden), tuple(unknown))
        if unread := _unread_note(layout):  # said with what is (or would be) imported: a column not read
            later = f"\n{unread}" + later
        # a dry run says the same of the rows (as what would happen), after the lines it shows
        dry = "\n".join(([f"另有 {skipped} 行此前已导入，将跳过。"] if skipped else [])
                        + ([_import_notes(moved, alike, overdue, "将", tuple(hidden), tuple(unknown)).lstrip("\n")]
                           if moved or alike or overdue or hidden or unknown else [])
                        + ([later.lstrip("\n")] if later else []))
        return entries, [], Said(msg + notes + later, dry)

    record(data, as_of, by, dry_run, build, scope=notices_only)
