"""Commands that change the record: assign, log, verify, reopen, notice, reply, close."""

from __future__ import annotations

import datetime as dt
import getpass
import os
from pathlib import Path
from typing import Annotated, Callable, Optional

import typer

from .typer_app import app
from .common import AsOfOpt, DataOpt, display_base, find_data_dir, guarded, note, parse_date, today
from ..problems import UsageError

ByOpt = Annotated[Optional[str], typer.Option(
    "--by", help="记录人姓名；默认取环境变量 CC_USER，再默认为系统用户名。", show_default=False)]
DryOpt = Annotated[bool, typer.Option("--dry-run", help="只显示将要写入的记录（和文书），不写入任何文件。")]
EvidenceOpt = Annotated[Optional[list[str]], typer.Option(
    "--evidence", "-e", help="佐证材料：文件路径或网址，可重复使用。", show_default=False)]


def _who(by: Optional[str]) -> str:
    if by is not None:
        return by
    try:
        return os.environ.get("CC_USER") or getpass.getuser()
    except Exception:  # no user name on this system
        return ""


def _evidence(items: Optional[list[str]]) -> list[str]:
    out = []
    for item in items or []:
        value = item.strip()
        if not value or "\n" in value or "\r" in value:
            raise UsageError(f"佐证材料无效：{item!r}", "每个 --evidence 写一个文件路径或网址。")
        if value.startswith(("http://", "https://")):
            out.append(value)
            continue
        if not Path(value).expanduser().exists():
            raise UsageError(f"佐证材料不存在：{value}", "请检查文件路径（相对于当前目录），或改用网址。")
        out.append(value)
    return out


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(display_base().resolve()))
    except ValueError:
        return str(path)


def record(data: Optional[Path], as_of: Optional[str], by: Optional[str], dry_run: bool,
           build: Callable, day: Optional[str] = None, out_dir: Optional[Path] = None,
           scope: Optional[Callable] = None) -> None:
    """Load under the journal lock, build the entries (and documents), then write them all or nothing.

    scope(project) names the tasks the command touches; with it, a journal already known to be
    valid is not checked again in full (see fastappend.py).
    """
    from pydantic import ValidationError

    from .. import cache, fastappend, journal, models, rules
    from ..checks import check_append, check_folder, require_clean
    from ..loading import JOURNAL
    from ..workflow import Stamp, check_stamp
    from .locate import cache_root

    where = find_data_dir(data)
    if where.bundled and not dry_run:
        raise UsageError("内置示例数据是只读的，不能写入",
                         "请先用 cc init 目录 新建数据目录，或用 --data 指定数据目录。")
    now = today(as_of)
    stamp = Stamp(_who(by), parse_date(day, "--date") if day else now, dt.datetime.now().astimezone())
    journal_path = where.path / JOURNAL
    root = cache_root() if scope is not None else None

    def prepare(raw: Optional[bytes]):
        """(checked, index, key, sliced): a slice from a matching index, else a full check."""
        key = cache.plan_key(where.path) if root is not None and raw is not None else None
        if key is not None:
            index = fastappend.load_index(root, key)
            if index is not None and index.digest == cache.digest(raw):
                tasks = scope(models.Project(index.plan, index.units, []))
                part = fastappend.slice_of(index, raw, journal_path, _rel(journal_path), tasks)
                return part, index, key, True
        checked = require_clean(check_folder(where.path, display_base()))
        index = None
        if key is not None and journal_path.exists() and journal_path.read_bytes() == raw:
            index = fastappend.build_index(checked, raw)
            fastappend.store_index(root, key, index)
        return checked, index, key, False

    def run(raw: Optional[bytes]):
        checked, index, key, sliced = prepare(raw)
        project = checked.project
        check_stamp(project, stamp, now)
        if stamp.date > project.plan.campaign.end:
            note(f"提示：创建活动已于{rules.cn_date(project.plan.campaign.end)}结束（见 tasklist.yaml 的 campaign）。")
        snap = rules.snapshot(project, now)
        try:
            entries, docs, message = build(snap, stamp)
        except ValidationError as exc:  # an argument the schema refuses (too long, bad format …)
            from ..loading import translate_error

            err = exc.errors(include_url=False)[0]
            _code, text, hint, _ = translate_error(err, type(None))
            raise UsageError(f"参数无效：{text}", hint) from None
        lines = [journal.to_line(e) for e in entries]
        problems = (fastappend.conflicts(index, checked, entries, lines) if sliced
                    else check_append(checked, entries, lines))
        if problems:
            first = problems[0]
            raise UsageError(f"这条记录与日志中已有的记录冲突：{first.message}",
                             f"冲突位置：{first.file}:{first.line}。补登过去的记录时，请注意与之后的记录保持一致。")
        return entries, docs, lines, message, index, key

    if dry_run:
        raw = journal_path.read_bytes() if journal_path.exists() and not where.bundled else None
        entries, docs, lines, message, _, _ = run(raw)
        for doc, _name in docs:
            from ..officialdoc import render_text

            print(render_text(doc))
            print()
        print("（演练，未写入）将追加到日志：")
        for line in lines:
            print(line)
        return

    with journal.locked(journal_path) as fd:
        raw = journal.read_all(fd)
        entries, docs, lines, message, index, key = run(raw)
        written: list[Path] = []
        try:
            if docs:
                from ..docs_docx import write_docx

                folder = out_dir or (where.path.parent / "notices" / str(stamp.date.year))
                for doc, name in docs:
                    target = folder / name
                    if target.exists():
                        raise UsageError(f"文件已存在：{_rel(target)}，不会覆盖",
                                         "如是上次中断留下的文件，请确认后删除再重试；或用 --out 指定其他目录。")
                for doc, name in docs:
                    write_docx(doc, folder / name)
                    written.append(folder / name)
            payload = journal.append_lines(fd, lines)
        except BaseException:
            for path in written:
                path.unlink(missing_ok=True)
            raise
        if index is not None:  # the journal is still valid: so is the index, extended
            fastappend.store_index(root, key, fastappend.extended(index, raw, payload, entries))
    if docs:  # the documents' text, shown only once they are really issued
        from ..officialdoc import render_text

        for doc, _name in docs:
            print(render_text(doc))
            print()
    print(message)
    for path in written:
        print(f"已生成：{_rel(path)}")
    note(f"已写入 {_rel(journal_path)}（{len(lines)} 条记录）")


def _task_scope(task: str) -> Callable:
    def scope(project):
        from ..reports import resolve_task

        return {resolve_task(project, task).id}

    return scope


def _unit_scope(unit: str) -> Callable:
    def scope(project):
        from ..reports import resolve_unit

        unit_id = resolve_unit(project, unit).id
        return {t.id for t in project.plan.tasks if unit_id in t.units}

    return scope


def _notices_only(project) -> set:
    return set()


@app.command()
@guarded
def assign(
    task: Annotated[str, typer.Argument(help="任务编号，如 T05。", show_default=False)],
    unit: Annotated[str, typer.Option("--unit", "-u", help="责任单位：id、全称或简称。", show_default=False)],
    section: Annotated[str, typer.Option("--section", "-s", help="责任科室（须是 units.yaml 中该单位的科室）。",
                                         show_default=False)],
    person: Annotated[str, typer.Option("--person", "-p", help="责任人姓名。", show_default=False)],
    phone: Annotated[str, typer.Option("--phone", help="责任人电话。")] = "",
    by: ByOpt = None, dry_run: DryOpt = False, data: DataOpt = None, as_of: AsOfOpt = None,
):
    """分解到责任科室、责任人（清单化管理）。"""
    from ..reports import resolve_task, resolve_unit
    from ..workflow import make_assign

    def build(snap, stamp):
        t, u = resolve_task(snap.project, task), resolve_unit(snap.project, unit)
        entry = make_assign(snap.project, stamp, t, u, section, person, phone)
        return [entry], [], f"已分解：{t.id}（{t.label}）{u.name} → {entry.section}，责任人 {entry.person}"

    record(data, as_of, by, dry_run, build, scope=_task_scope(task))


@app.command()
@guarded
def log(
    task: Annotated[str, typer.Argument(help="任务编号，如 T05。", show_default=False)],
    unit: Annotated[str, typer.Option("--unit", "-u", help="报送单位：id、全称或简称。", show_default=False)],
    percent: Annotated[int, typer.Option("--percent", "-p", help="当前完成进度（0–100）；100 即办结报告，待验收。",
                                         show_default=False)],
    note_: Annotated[str, typer.Option("--note", "-n", help="进展情况说明。", show_default=False)],
    evidence: EvidenceOpt = None,
    problem: Annotated[str, typer.Option("--problem", help="自查发现的问题（立行立改）。")] = "",
    correct: Annotated[str, typer.Option("--correct", help="进度低于上次报送时必填：更正原因。")] = "",
    day: Annotated[Optional[str], typer.Option("--date", help="报送日期 YYYY-MM-DD；默认今天（或 --as-of）。",
                                               show_default=False)] = None,
    by: ByOpt = None, dry_run: DryOpt = False, data: DataOpt = None, as_of: AsOfOpt = None,
):
    """进度报送：登记一次进展（可附佐证材料、自查问题）。"""
    from ..reports import resolve_task, resolve_unit
    from ..workflow import make_progress

    files = _evidence(evidence)
    if not 0 <= percent <= 100:
        raise UsageError(f"进度应在 0 到 100 之间，实际是 {percent}")

    def build(snap, stamp):
        t, u = resolve_task(snap.project, task), resolve_unit(snap.project, unit)
        entry = make_progress(snap, stamp, t, u, percent, note_, files, problem, correct)
        st = snap.task(t.id)
        msg = f"已登记：{t.id}（{t.label}）{u.name} 报送进度 {percent}%（序时进度 {st.expected}%）"
        if percent == 100:
            msg += "；已报办结，待牵头单位验收销号"
        return [entry], [], msg

    record(data, as_of, by, dry_run, build, day=day, scope=_task_scope(task))


@app.command()
@guarded
def verify(
    task: Annotated[str, typer.Argument(help="任务编号。", show_default=False)],
    note_: Annotated[str, typer.Option("--note", "-n", help="验收意见。")] = "",
    by: ByOpt = None, dry_run: DryOpt = False, data: DataOpt = None, as_of: AsOfOpt = None,
):
    """验收销号（牵头单位）：任务报送 100% 后确认完成。"""
    from ..reports import resolve_task
    from ..workflow import make_verify

    def build(snap, stamp):
        t = resolve_task(snap.project, task)
        return [make_verify(snap, stamp, t, note_)], [], f"已验收销号：{t.id}（{t.label}）"

    record(data, as_of, by, dry_run, build, scope=_task_scope(task))


@app.command()
@guarded
def reopen(
    task: Annotated[str, typer.Argument(help="任务编号。", show_default=False)],
    reason: Annotated[str, typer.Option("--reason", "-r", help="退回原因。", show_default=False)],
    by: ByOpt = None, dry_run: DryOpt = False, data: DataOpt = None, as_of: AsOfOpt = None,
):
    """退回重办（牵头单位）：已报办结或已验收的任务重新办理。"""
    from ..reports import resolve_task
    from ..workflow import make_reopen

    def build(snap, stamp):
        t = resolve_task(snap.project, task)
        return [make_reopen(snap, stamp, t, reason)], [], f"已退回重办：{t.id}（{t.label}）"

    record(data, as_of, by, dry_run, build, scope=_task_scope(task))


@app.command()
@guarded
def notice(
    unit: Annotated[str, typer.Argument(help="被督办单位：id、全称或简称，如 民政局。", show_default=False)],
    task: Annotated[Optional[list[str]], typer.Option(
        "--task", "-t", help="督办的任务（可重复）；默认为该单位所有红灯、黄灯任务。", show_default=False)] = None,
    reason: Annotated[str, typer.Option("--reason", "-r", help="督办理由（没有滞后任务时必填）。")] = "",
    days: Annotated[Optional[int], typer.Option("--days", min=1, max=365,
                                                help="整改期限天数；默认取 policy.rectification_days。",
                                                show_default=False)] = None,
    deadline: Annotated[Optional[str], typer.Option("--deadline", help="整改期限日期 YYYY-MM-DD（与 --days 二选一）。",
                                                    show_default=False)] = None,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="文书输出目录；默认 notices/<年份>/。",
                                                show_default=False)] = None,
    by: ByOpt = None, dry_run: DryOpt = False, data: DataOpt = None, as_of: AsOfOpt = None,
):
    """发督办通知：编号、第N次督办、差距、整改期限，生成公文格式 .docx；第3次起同时报告市领导。"""
    from ..notice import build_notice
    from ..rules import cn_date
    from ..reports import resolve_task, resolve_unit

    if days is not None and deadline:
        raise UsageError("--days 和 --deadline 只能用一个")
    limit = parse_date(deadline, "--deadline") if deadline else None

    def build(snap, stamp):
        u = resolve_unit(snap.project, unit)
        ids = [resolve_task(snap.project, t).id for t in task or []]
        draft = build_notice(snap, stamp, u, ids, reason, limit, days, _rel(out) if out else "")
        e = draft.entry
        entries, docs = [e], [(draft.doc, draft.file_name)]
        msg = f"已发出督办通知 {e.doc_no}：{u.name} 第{e.seq}次督办（{e.level}色），整改期限{cn_date(e.deadline)}"
        if draft.escalation is not None:
            entries.append(draft.escalation)
            docs.append((draft.report, draft.report_file_name))
            msg += f"\n{u.name} 已累计督办 {e.seq} 次，已报告市领导（问效问责）"
        msg += f"\n被督办单位整改后登记反馈：cc reply {e.ref} --note …"
        return entries, docs, msg

    record(data, as_of, by, dry_run, build, out_dir=out, scope=_unit_scope(unit))


@app.command()
@guarded
def reply(
    notice_ref: Annotated[str, typer.Argument(metavar="NOTICE", help="督办通知：序号 5、2023-5 或发文字号。",
                                              show_default=False)],
    note_: Annotated[str, typer.Option("--note", "-n", help="整改情况。", show_default=False)],
    evidence: EvidenceOpt = None,
    by: ByOpt = None, dry_run: DryOpt = False, data: DataOpt = None, as_of: AsOfOpt = None,
):
    """整改反馈（被督办单位）。"""
    from ..workflow import find_notice, make_reply

    files = _evidence(evidence)

    def build(snap, stamp):
        ns = find_notice(snap, notice_ref)
        entry = make_reply(snap, stamp, ns, note_, files)
        late = "（已超过整改期限）" if stamp.date > ns.notice.deadline else ""
        return [entry], [], f"已登记整改反馈：{ns.notice.doc_no}（{snap.project.unit_label(ns.notice.unit)}）{late}"

    record(data, as_of, by, dry_run, build, scope=_notices_only)


@app.command()
@guarded
def close(
    notice_ref: Annotated[str, typer.Argument(metavar="NOTICE", help="督办通知：序号 5、2023-5 或发文字号。",
                                              show_default=False)],
    note_: Annotated[str, typer.Option("--note", "-n", help="审核意见。")] = "",
    by: ByOpt = None, dry_run: DryOpt = False, data: DataOpt = None, as_of: AsOfOpt = None,
):
    """督办销号（牵头单位审核整改反馈后）。"""
    from ..workflow import find_notice, make_close

    def build(snap, stamp):
        ns = find_notice(snap, notice_ref)
        return [make_close(snap, stamp, ns, note_)], [], f"已销号：{ns.notice.doc_no}"

    record(data, as_of, by, dry_run, build, scope=_notices_only)
