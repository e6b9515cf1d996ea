"""Commands that change the record: assign, log, verify, reopen, notice, reply, close."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .typer_app import app
from .common import GLOBALS, AsOfOpt, DataOpt, chosen_as_of, guarded
from . import recording
from .locate import report_day
from .recording import (Said, deadline_date, evidence_list, notices_only, shown_path, task_scope, unit_scope,
                        write_documents)
from ..diagnostics import UsageError


def record(data: Optional[Path], as_of: Optional[str], *args, **kwargs) -> None:
    """recording.record with the options given before the command (cc --data … log …) filled in."""
    recording.record(data or GLOBALS.data, chosen_as_of(as_of), *args, **kwargs)

ByOpt = Annotated[Optional[str], typer.Option(
    "--by", help="记录人姓名（须是名册允许办理此事的人）；默认取环境变量 CC_USER，"
                  "再默认为 git config user.name，最后为系统用户名。", show_default=False)]
DryOpt = Annotated[bool, typer.Option("--dry-run", help="只显示将要写入的记录（和文书），不写入任何文件。")]
EvidenceOpt = Annotated[Optional[list[str]], typer.Option(
    "--evidence", "-e", help="佐证材料：文件路径或网址，可重复使用。", show_default=False)]


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
    from ..reports.rows import resolve_task, resolve_unit
    from ..domain.workflow import make_assign

    def build(snap, stamp, _folder):
        t, u = resolve_task(snap.project, task), resolve_unit(snap.project, unit)
        state = snap.task(t.id)
        entry = make_assign(snap.project, stamp, t, u, section, person, phone,
                            state.assignments.get(u.id) if state is not None else None)
        return [entry], [], f"已分解：{t.id}（{t.label}）{u.name} → {entry.section}，责任人 {entry.person}"

    record(data, as_of, by, dry_run, build, scope=task_scope(task), tasks_only=True)


@app.command()
@guarded
def log(
    task: Annotated[str, typer.Argument(help="任务编号，如 T05。", show_default=False)],
    unit: Annotated[str, typer.Option("--unit", "-u", help="报送单位：id、全称或简称。", show_default=False)],
    percent: Annotated[str, typer.Option("--percent", "-p", metavar="<0–100>",
                                         help="当前完成进度（0–100，可带 %）；100 即办结报告，待验收。",
                                         show_default=False)],
    note_: Annotated[str, typer.Option("--note", "-n", help="进展情况说明。", show_default=False)],
    evidence: EvidenceOpt = None,
    problem: Annotated[str, typer.Option("--problem", help="自查发现并已立行立改的问题，记入本次报送（周报、报表中列出）；"
                                         "需要限期整改、复查销号的问题请登记到问题清单：cc problem add --source 自查。")] = "",
    correct: Annotated[str, typer.Option("--correct", help="进度低于上次报送时必填：更正原因。")] = "",
    day: Annotated[Optional[str], typer.Option("--date", metavar="YYYY-MM-DD", help="报送日期，补录以前的报送时用（也可写 YYYY/M/D、YYYY.M.D、YYYY年M月D日、YYYYMMDD、M月D日）；默认为办理日期（今天或 --as-of），不得晚于办理日期：--as-of 是办理这件事的日期，按它检查日志。",
                                               show_default=False)] = None,
    by: ByOpt = None, dry_run: DryOpt = False, data: DataOpt = None, as_of: AsOfOpt = None,
):
    """进度报送：登记一次进展（可附佐证材料、自查问题）。"""
    from .locate import parse_percent

    recording.log(task, unit, parse_percent(percent), note_, evidence or [], problem, correct, day, by, dry_run,
                  data or GLOBALS.data, chosen_as_of(as_of))


@app.command()
@guarded
def verify(
    task: Annotated[str, typer.Argument(help="任务编号。", show_default=False)],
    note_: Annotated[str, typer.Option("--note", "-n", help="验收意见。")] = "",
    by: ByOpt = None, dry_run: DryOpt = False, data: DataOpt = None, as_of: AsOfOpt = None,
):
    """验收销号（牵头单位）：任务报送 100% 后确认完成。"""
    from ..reports.rows import resolve_task
    from ..domain.workflow import make_verify

    def build(snap, stamp, _folder):
        t = resolve_task(snap.project, task)
        return [make_verify(snap, stamp, t, note_)], [], f"已验收销号：{t.id}（{t.label}）"

    record(data, as_of, by, dry_run, build, scope=task_scope(task), lead_act="verify", tasks_only=True)


@app.command()
@guarded
def reopen(
    task: Annotated[str, typer.Argument(help="任务编号。", show_default=False)],
    reason: Annotated[str, typer.Option("--reason", "-r", help="退回原因。", show_default=False)],
    days: Annotated[Optional[int], typer.Option("--days", min=1, max=365,
                                                help="重办期限天数；默认取 policy.rectification_days。",
                                                show_default=False)] = None,
    deadline: Annotated[Optional[str], typer.Option("--deadline", help="重办期限日期 YYYY-MM-DD（与 --days 二选一）。",
                                                    show_default=False)] = None,
    by: ByOpt = None, dry_run: DryOpt = False, data: DataOpt = None, as_of: AsOfOpt = None,
):
    """退回重办（牵头单位）：已报办结或已验收的任务重新办理，给出重办期限。

    任务在重办期限和原完成时限都过了之后才算逾期：牵头单位验收所用的时间不算责任单位的延误。"""
    from ..domain.rules import cn_date
    from ..reports.rows import resolve_task
    from ..domain.workflow import make_reopen

    if days is not None and deadline:
        raise UsageError("--days 和 --deadline 只能用一个")
    limit = deadline_date(deadline, "--deadline", data or GLOBALS.data, chosen_as_of(as_of)) if deadline else None

    def build(snap, stamp, _folder):
        t = resolve_task(snap.project, task)
        st = snap.task(t.id)
        entry, how = make_reopen(snap, stamp, t, reason, days, limit)
        named = "重办期限" if st.reworking else "完成时限"
        dry = ""  # what a dry run says too: how the 重办期限 was set, when it was moved
        if entry.deadline is None:
            when = f"办结报告晚于{named}{cn_date(st.deadline)}，不另给重办期限（退回不抹去逾期）"
        elif entry.deadline > st.deadline:
            when = f"重办期限{cn_date(entry.deadline)}" + (f"（{how}）" if how else "")
            dry = f"{when}。" if how else ""
        elif st.moved:  # a 完成时限 on a rest day: the one written (cc status shows it) and the day it moved to
            when = (f"须在{cn_date(st.deadline)}前重新报办结（完成时限{cn_date(t.deadline)}为休息日，顺延至此"
                    + (f"；{how}" if how else "") + "）")
            dry = f"{when}。" if how else ""
        else:
            when = f"须在{named}{cn_date(st.deadline)}前重新报办结" + (f"（{how}）" if how else "")
            dry = f"{when}。" if how else ""
        return [entry], [], Said(f"已退回重办：{t.id}（{t.label}），{when}", dry)

    record(data, as_of, by, dry_run, build, scope=task_scope(task), lead_act="reopen", tasks_only=True)


def _out_is_a_folder(out: Optional[Path]) -> None:
    """--out of notice and reprint names a folder (made when missing): anything else there is
    refused before a word is written (a file or /dev/null took the record and made no document)."""
    if out is None:
        return
    from ..store.safepath import refuse_windows_path

    refuse_windows_path("--out", out, "notices/2023")
    try:
        there = out.expanduser().absolute()
        existing = next(p for p in (there, *there.parents) if p.exists())  # the root exists
        bad = not existing.is_dir()  # a file (or /dev/null) on the way: the folder cannot be made
    except (OSError, ValueError):
        bad = True
    if bad:
        raise UsageError(f"--out 应是文书的输出目录，{shown_path(out)} 不是目录",
                         "请给出一个目录（不存在时会自动创建），如 --out notices/2023；未写入任何内容。")


def _recorded_folder(out: Optional[Path], data: Optional[Path]) -> tuple[str, str]:
    """(the folder of --out as the journal records it: relative to the repository, with forward
    slashes; "" for the default notices/<year>; why it is not recorded: "仓库之外", "隐藏目录中"
    or ""). The journal holds no path outside the repository or in a hidden folder (validate
    refuses one, see checks.unsafe_document): a document written there is recorded at the
    default place, where cc reprint makes it."""
    if out is None:
        return "", ""
    from .locate import find_data_dir

    root = find_data_dir(data).path.parent.resolve()
    try:
        rel = out.expanduser().resolve().relative_to(root)
    except (ValueError, OSError):
        return "", "仓库之外"
    text = rel.as_posix()
    if any(part.startswith(".") for part in rel.parts):  # .git, .github …: never a document's recorded place
        return "", "隐藏目录中"
    return ("" if text == "." else text), ""


@app.command()
@guarded
def notice(
    unit: Annotated[str, typer.Argument(help="被督办单位：id、全称或简称，如 民政局。", show_default=False)],
    task: Annotated[Optional[list[str]], typer.Option(
        "--task", "-t", help="督办的任务（可重复）；默认为因该单位自身原因亮红灯、黄灯的任务：它牵头且本单位有差距的，和它的问题逾期或返工所在的。", show_default=False)] = None,
    reason: Annotated[str, typer.Option("--reason", "-r", help="督办理由（没有滞后任务时必填）：作为一项督办事项写入通知，并记入日志；请写成通知中的一句话。")] = "",
    days: Annotated[Optional[int], typer.Option("--days", min=1, max=365,
                                                help="整改期限天数；默认取 policy.rectification_days。",
                                                show_default=False)] = None,
    deadline: Annotated[Optional[str], typer.Option("--deadline", help="整改期限日期 YYYY-MM-DD（也可写 YYYY/M/D、YYYY.M.D、YYYY年M月D日、YYYYMMDD、M月D日；与 --days 二选一）。",
                                                    show_default=False)] = None,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="文书输出目录；默认 notices/<年份>/。",
                                                show_default=False)] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="该单位已有未到期或待审核的督办通知时仍然发文（须用 --reason 写明理由：理由写入通知的督办事项，强制督办记入日志）。")] = False,
    yes: Annotated[bool, typer.Option(
        "--yes", "-y", help="本次督办达到报告市领导的次数时，确认同时报告市领导（非交互使用时必须）。")] = False,
    copy_to: Annotated[Optional[list[str]], typer.Option(
        "--cc", help="本通知的抄送机关（可重复）；默认取 tasklist.yaml 的 documents.copy_to。", show_default=False)] = None,
    by: ByOpt = None, dry_run: DryOpt = False, data: DataOpt = None, as_of: AsOfOpt = None,
):
    """发督办通知：编号、第N次督办、差距、整改期限，生成公文格式 .docx；达到规定次数时经确认同时报告市领导。"""
    from ..documents.notice import build_notice
    from ..domain.rules import cn_date
    from ..reports.rows import resolve_task, resolve_unit

    if days is not None and deadline:
        raise UsageError("--days 和 --deadline 只能用一个")
    limit = deadline_date(deadline, "--deadline", data or GLOBALS.data, chosen_as_of(as_of)) if deadline else None

    _out_is_a_folder(out)
    recorded, outside = _recorded_folder(out, data)

    def build(snap, stamp, folder):
        u = resolve_unit(snap.project, unit)
        ids = [resolve_task(snap.project, t).id for t in task or []]
        taken = frozenset(p.name for p in folder.iterdir()) if folder.is_dir() else frozenset()
        draft = build_notice(snap, stamp, u, ids, reason, limit, days, recorded,
                             force=force, taken=taken, copy_to=copy_to or [])
        e = draft.entry
        entries, docs = [e], [(draft.doc, draft.file_name)]
        msg = f"已发出督办通知 {e.doc_no}：{u.name} 第{e.seq}次督办（{e.level}色），整改期限{cn_date(e.deadline)}"
        for extra in draft.notes:
            msg += f"\n{extra}"
        if e.forced:
            msg += "\n（强制督办：该单位另有未办结的督办通知，理由已记入日志）"
        if draft.escalation is not None:
            entries.append(draft.escalation)
            docs.append((draft.report, draft.report_file_name))
            msg += (f"\n{u.name} 已累计督办 {e.seq} 次，已报告市领导（{draft.escalation.doc_no}，问效问责）")
        msg += f"\n被督办单位整改后登记反馈：cc reply {e.ref} --note …"
        if outside:
            msg += (f"\n文书另存在{outside}（{shown_path(out)}），日志中记录的是默认位置 notices/{e.year}/；"
                    f"需要时可用 cc reprint {e.ref} 在仓库中重新生成。")
        return entries, docs, Said(msg, "\n".join(draft.notes))  # a dry run says how the 期限 was set too

    def confirm(entries, docs):
        if len(entries) < 2 or yes:
            return
        e, esc = entries[0], entries[1]
        what = (f"这将是对该单位的第{e.seq}次督办（{e.doc_no}），达到报告市领导的次数："
                f"将同时生成报告 {esc.doc_no}，建议对其主要负责人问效问责。")
        if not sys.stdin.isatty():
            from ..diagnostics import Refusal

            raise Refusal(what + "未写入任何内容。",
                          "确认后加 --yes 重新运行；先看两份文书的内容可加 --dry-run。")
        from .plain import note

        note(what)
        try:
            answer = input("确认发出督办通知并报告市领导？[y/N] ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes", "是"):
            from ..diagnostics import Refusal

            raise Refusal("已取消，未写入任何内容。")

    record(data, as_of, by, dry_run, build, out_dir=out, scope=unit_scope(unit), confirm=confirm,
           lead_act="notice")


@app.command()
@guarded
def reject(
    notice_ref: Annotated[str, typer.Argument(metavar="通知", help="督办通知：序号 5、2023-5 或发文字号。",
                                              show_default=False)],
    note_: Annotated[str, typer.Option("--note", "-n", help="退回理由（整改不到位之处）。", show_default=False)],
    days: Annotated[Optional[int], typer.Option("--days", min=1, max=365,
                                                help="新的整改期限天数；默认取 policy.rectification_days（早于原整改期限时仍为原期限）。",
                                                show_default=False)] = None,
    deadline: Annotated[Optional[str], typer.Option("--deadline", help="新的整改期限日期 YYYY-MM-DD（与 --days 二选一；不早于原整改期限）。",
                                                    show_default=False)] = None,
    by: ByOpt = None, dry_run: DryOpt = False, data: DataOpt = None, as_of: AsOfOpt = None,
):
    """退回整改（牵头单位审核反馈后）：整改不到位，给出新的整改期限，重新计时。"""
    from ..domain.rules import cn_date
    from ..domain.workflow import find_notice, make_reject

    if days is not None and deadline:
        raise UsageError("--days 和 --deadline 只能用一个")
    limit = deadline_date(deadline, "--deadline", data or GLOBALS.data, chosen_as_of(as_of)) if deadline else None

    def build(snap, stamp, _folder):
        ns = find_notice(snap, notice_ref)
        entry, how = make_reject(snap, stamp, ns, note_, days, limit)
        msg = (f"已退回整改：{ns.notice.doc_no}（{snap.project.unit_label(ns.notice.unit)}），"
               f"新的整改期限{cn_date(entry.deadline)}" + (f"（{how}）" if how else ""))
        return [entry], [], msg + f"\n该单位整改后再次反馈：cc reply {ns.notice.ref} --note …"

    record(data, as_of, by, dry_run, build, scope=notices_only, lead_act="reject")


def _recounted(snap, gone: set) -> str:
    """What a void of notices changes in the count of the later ones of their units: a notice
    issued as 第3次督办（红色） is the second once an earlier one is voided, and the next notice is
    the third again (a hostile-input try saw two "第3次" documents and was told nothing). The
    documents stay as issued; cc reprint says the count they now have."""
    from ..domain import rules

    units = {e.unit for e in snap.project.journal if e.id in gone and e.kind == "notice"}
    if not units:
        return ""
    # in the order, and up to the day, that the 督办 count takes them (rules.notice_rank)
    notices = [e for e in rules.ordered_entries(snap.project.journal, snap.today)
               if e.kind == "notice" and e.unit in units and e.id not in gone and e.id not in snap.voided]
    out = []
    for unit in sorted(units):
        standing = [e for e in notices if e.unit == unit]
        moved = [f"{e.doc_no}（发文时为第{e.seq}次，现为第{k}次）" for k, e in enumerate(standing, 1) if e.seq != k]
        if moved:
            out.append(f"\n{snap.project.unit_label(unit)}的督办通知按现在的记录重新计次：" + "、".join(moved)
                       + f"；下一次督办为第{len(standing) + 1}次。已发出的文书不变（cc reprint 重印时会说明现在的次数）。")
    return "".join(out)


@app.command()
@guarded
def void(
    entry_id: Annotated[str, typer.Argument(metavar="记录", help="要作废的记录 id（cc history 中显示，可只写能唯一确定的前几位；"
                                                           "日志中不合规的一行也按它的 id），或督办通知的发文字号、问题编号。", show_default=False)],
    reason: Annotated[str, typer.Option("--reason", "-r", help="作废原因。", show_default=False)],
    by: ByOpt = None, dry_run: DryOpt = False, data: DataOpt = None, as_of: AsOfOpt = None,
):
    """作废一条记录（改错）：追加一条作废记录，原记录保留并标明作废，不再计入任何统计。"""
    from ..domain import models, rules
    from ..domain.workflow import make_void

    def build(snap, stamp, _folder):
        entries = make_void(snap.project, stamp, entry_id, reason)
        target = next((e for e in snap.project.journal if e.id == entries[0].entry), None)
        if target is None:  # a line that is no valid entry (see models.Project.invalid)
            lines = "、".join(map(str, snap.project.invalid[entries[0].entry]))
            return entries, [], (f"已作废：{entries[0].entry}（日志第 {lines} 行，不合规的记录）；"
                                 "不再计入任何统计，校验只作为警告列出")
        what = models.ENTRY_KIND_NAMES[target.kind] + (f" {target.doc_no}" if target.kind == "notice" else "")
        msg = f"已作废：{target.id}（{what}，{rules.cn_date(target.date)}）"
        if target.kind == "void":
            back = next((e for e in snap.project.journal if e.id == target.entry), None)
            if back is not None and back.kind == "void":  # a void of a void of a void: back in force
                again = next((e for e in snap.project.journal if e.id == back.entry), None)
                named = (models.ENTRY_KIND_NAMES[again.kind] + (f" {again.doc_no}" if again.kind == "notice" else "")
                         + f"（{again.id}）") if again is not None else back.entry
                msg += f"；它所作废的作废记录 {back.id} 重新生效：{named} 再次作废"
            else:
                msg += "；它所作废的记录重新计入"
            if back is not None and back.kind == "notice":  # the reports voided with it stay voided
                still = [snap.voided[e.id] for e in rules.citing_escalations(snap.project, back)
                         if e.id in snap.voided]
                if still:
                    msg += ("\n随该通知一并作废的报告市领导记录仍为作废；如也应恢复：" +
                            "；".join(f"cc void {v.id} --reason …" for v in still))
            if back is not None and back.kind == "problem":  # the notices voided with it stay voided
                # the voids written with the problem's (cc void of a problem: one write, one moment)
                notice_ids = {e.id for e in snap.project.journal if e.kind == "notice"}
                still = [v for v in {id(v): v for v in snap.voided.values()}.values()
                         if v.at == target.at and v.by == target.by and v.entry in notice_ids]
                if still:
                    msg += ("\n随该问题一并作废的督办通知仍为作废；如也应恢复：" +
                            "；".join(f"cc void {v.id} --reason …" for v in still))
        with_it = {v.entry for v in entries[1:]}  # what the write voids with its target
        by_id = {e.id: e for e in snap.project.journal if e.id in with_it}
        also = [by_id[v.entry] for v in entries[1:] if v.entry in by_id]
        if target.kind == "problem":
            from ..domain.workflow import citing_notices

            sent = [e for e in also if e.kind == "notice"]
            if sent:
                undo = "；".join(f"cc void {v.id} --reason …" for v in entries[1:]
                                if v.entry in {e.id for e in sent})
                msg += ("\n同时作废仅以该问题为依据的督办通知 " + "、".join(e.doc_no for e in sent)
                        + f"（不再计入督办次数）；如通知另有依据应当保留，可撤销对它的作废：{undo}")
            others = citing_notices(snap.project, target, snap.voided)
            if others:
                msg += ("\n督办通知 " + "、".join(e.doc_no for e in others)
                        + " 也列有该问题，但另有其他督办事项，照常计入督办次数；如也属误发，请另行作废")
        escalations = [e for e in also if e.kind == "escalate"]
        if escalations:
            msg += f"\n同时作废以该通知为依据的报告市领导记录 {'、'.join(e.id for e in escalations)}"
        if target.kind == "notice" and target.unit in snap.units:
            # its unit answered it, and another notice of the unit stands unanswered: the unit is
            # now late on that one (a fresh-eyes try voided the answered one of two sent on two branches)
            answers = [e for e in snap.project.journal if e.kind == "reply" and e.notice == target.ref
                       and e.unit == target.unit and e.id not in snap.voided]
            left = [ns.notice.doc_no for ns in snap.units[target.unit].notices
                    if ns.notice.ref != target.ref and ns.is_open and ns.pending is None]
            if answers and left:
                unit = snap.project.unit_label(target.unit)
                msg += (f"\n注意：{unit}已对这份通知作出整改反馈（{rules.cn_date(answers[-1].date)}），作废后这条反馈不再计入；"
                        f"它对仍有效的 {'、'.join(left)} 没有反馈，将按整改期限计逾期。如作废的应是另一份："
                        f'cc void {entries[0].id} --reason "作废错了"，再作废另一份。')
        if target.kind == "notice" or any(e.kind == "notice" for e in also):
            msg += "\n作废的督办通知不计入督办次数，其文号不再使用；如需重新发文：cc notice …"
            msg += _recounted(snap, {target.id, *with_it})
            gone = {target.id, *with_it}
            files = list(dict.fromkeys(e.file for e in snap.project.journal if e.id in gone and getattr(e, "file", "")))
            # a notice still in force under the same file name (one number issued twice to one
            # unit on two branches: git kept one side's document): that file is not to be deleted,
            # and may hold the voided one's text (a fresh-eyes try was told to delete it)
            kept = {e.file: e for e in snap.project.journal if e.kind in ("notice", "escalate") and e.id not in gone
                    and e.id not in snap.voided and getattr(e, "file", "")}
            shared = [f for f in files if f in kept]
            files = [f for f in files if f not in kept]
            if files:
                msg += "\n已生成的文书随之作废，请勿再发送（可删除或另行标注）：" + "、".join(files)
            notices = {e.id: e for e in snap.project.journal if e.kind == "notice"}
            for f in shared:
                other = kept[f]
                of = other if other.kind == "notice" else notices.get(other.trigger)  # a report: its notice's
                again = f"再用 cc reprint {of.ref} 按记录重新生成" if of is not None else "再按记录重新生成"
                msg += (f"\n文书 {f} 也是仍然有效的 {other.doc_no or other.id} 的文件，不要删除；它的内容可能是"
                        f"被作废的这一份：请移走它，{again}。")
        if target.kind == "progress":  # the usual next step, as after a voided notice
            msg += (f"\n如需重新报送：cc log {target.task} --unit {snap.project.unit_short(target.unit)} "
                    "--percent … --note …（低于此前仍有效的报送时加 --correct）")
        if entries[0].id not in msg:  # how to take this void back, with the id it is written under
            from ..domain.authority import office_to_void, roster

            # only the office takes a void back (a fresh-eyes try was shown a command that refused them)
            office = office_to_void(roster(snap.project.plan, snap.project.units), stamp.by, entries[0])
            msg += (f"\n作废记录 {entries[0].id}；如作废错了，{office + '撤销' if office else '可撤销'}这次作废："
                    f'cc void {entries[0].id} --reason "作废错了"')
        return entries, [], msg

    record(data, as_of, by, dry_run, build, tolerant=True)


@app.command()
@guarded
def reprint(
    notice_ref: Annotated[str, typer.Argument(metavar="通知", help="督办通知：序号 5、2023-5 或发文字号。",
                                              show_default=False)],
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="输出目录；默认为日志中记录的位置。",
                                                show_default=False)] = None,
    by: ByOpt = None, dry_run: DryOpt = False, data: DataOpt = None, as_of: AsOfOpt = None,
):
    """按日志重新生成督办通知（及其引起的报告市领导）的 .docx，内容与发文时相同；已存在的文件不覆盖。"""
    from ..documents.notice import documents_of
    from .common import load
    from ..domain.workflow import find_notice
    from ..domain import rules

    _out_is_a_folder(out)
    where, project = load(data)
    snap = rules.snapshot(project, report_day(chosen_as_of(as_of), where))
    ns = find_notice(snap, notice_ref)
    docs = documents_of(project, ns.notice, snap.voided)
    esc = rules.triggered_escalation(project, ns.notice)
    from .plain import note

    if esc is not None and esc.id in snap.voided:  # the void took it back: never sent again as if it stood
        void = snap.voided[esc.id]
        note(f"提示：这份通知引起的报告市领导{esc.doc_no}已于{rules.cn_date(void.date)}作废"
             f"（{void.reason.strip()}），不再重新生成。")
    rank, level = rules.notice_rank(snap, ns)
    if rank != ns.notice.seq:  # the document is the one sent; its reader is told what counts now
        e = ns.notice
        note(f"提示：重新生成的通知与发文时相同，写的是第{e.seq}次督办（{e.level}色）；按现在的记录它是第{rank}次（{level}色）"
             f"（{rules.rank_note(snap, ns, rank)}），督办次数、灯色和是否报告市领导都按现在的记录计算（见 cc units、cc report）。")
    if dry_run:  # reprint writes no journal entry; --by is accepted like every command's
        from ..documents.officialdoc import render_text

        for doc, recorded in docs:
            print(render_text(doc))
            print(f"（演练，未写入）{recorded}\n")
        return
    base = where.path.parent
    written = 0
    from ..store.safepath import inside

    from ..store.checks import unsafe_document

    for _doc, recorded in docs:  # all of them before any is written
        if unsafe_document(recorded):  # cc validate's error too: never written, wherever --out points
            from ..diagnostics import Refusal

            raise Refusal(f"日志记录的文书路径不是仓库中的 .docx 文件：{recorded}，不予生成",
                          "这一行可能被手工改过，请运行 cc validate 查看，并用 git 查看和恢复。")
    places = [(doc, Path(recorded).name, out if out is not None else inside(base, base / Path(recorded).parent))
              for doc, recorded in docs]  # the record is data: its folder is kept inside the repository
    for folder in dict.fromkeys(folder for _doc, name, folder in places if not (folder / name).exists()):
        recording.writable_folder(folder, "文书未能生成，文书目录无法写入")  # why (--out /proc), before any is written
    for doc, name, folder in places:
        target = folder / name
        if target.exists():
            print(f"已存在，未覆盖：{shown_path(target)}（如需重新生成，请先移走它或用 --out 另存）")
            from ..store.safepath import remove_stale_temps

            remove_stale_temps(target)  # a killed cc notice's, left after the document was whole
            continue
        for path in write_documents([(doc, name)], folder, reprint=True):
            print(f"已生成：{shown_path(path)}")
            written += 1
    if not written:
        print("没有需要重新生成的文书。")


@app.command()
@guarded
def reply(
    notice_ref: Annotated[str, typer.Argument(metavar="通知", help="督办通知：序号（5 或 5号）、年份-序号（如 2025-5）或发文字号。",
                                              show_default=False)],
    note_: Annotated[str, typer.Option("--note", "-n", help="整改情况。", show_default=False)],
    evidence: EvidenceOpt = None,
    by: ByOpt = None, dry_run: DryOpt = False, data: DataOpt = None, as_of: AsOfOpt = None,
):
    """整改反馈（被督办单位）：按期反馈即停止计时，转由牵头单位审核。"""
    from ..domain.rules import cn_date
    from ..domain.workflow import find_notice, make_reply

    files = evidence_list(evidence)

    def build(snap, stamp, _folder):
        ns = find_notice(snap, notice_ref)
        entry = make_reply(snap, stamp, ns, note_, list(stamp.evidence))
        late = (f"（晚于整改期限{cn_date(ns.deadline)}{(stamp.date - ns.deadline).days}天）"
                if stamp.date > ns.deadline else "（按期）")
        return [entry], [], (f"已登记整改反馈：{ns.notice.doc_no}（{snap.project.unit_label(ns.notice.unit)}）{late}，"
                             f"待牵头单位审核（cc close 销号或 cc reject 退回整改）")

    record(data, as_of, by, dry_run, build, scope=notices_only, evidence=files)


@app.command()
@guarded
def close(
    notice_ref: Annotated[str, typer.Argument(metavar="通知", help="督办通知：序号（5 或 5号）、年份-序号（如 2025-5）或发文字号。",
                                              show_default=False)],
    note_: Annotated[str, typer.Option("--note", "-n", help="审核意见。")] = "",
    by: ByOpt = None, dry_run: DryOpt = False, data: DataOpt = None, as_of: AsOfOpt = None,
):
    """督办销号（牵头单位审核整改反馈后）。"""
    from ..domain.workflow import find_notice, make_close

    def build(snap, stamp, _folder):
        ns = find_notice(snap, notice_ref)
        entry = make_close(snap, stamp, ns, note_)
        return [entry], [], f"已销号：{ns.notice.doc_no}" + "".join("\n" + t for t in _problems_left(snap, ns, entry.date))

    record(data, as_of, by, dry_run, build, scope=notices_only, lead_act="close")


def _problems_left(snap, ns, day) -> list[str]:
    """What a 销号 leaves open of the problems the notice cited: a problem is 销号 by its own 复查,
    not by its notice's (a fresh-eyes try closed a notice on its unit's reply while the problem
    cited stayed 整改中, overdue, and the unit was noticed for it again the next day)."""
    from ..domain import problemlist, rules

    out = []
    for pid in ns.notice.problems:
        ps = snap.problems.get(pid)
        if ps is None or ps.status == problemlist.CLOSED:
            continue
        label, state = ps.label if ps.problem is not None else pid, ps.status_text(day)
        if ps.status == problemlist.FIXED:
            out.append(f"提示：督办事项中的问题 {label}{state}；通知销号不等于问题销号，"
                       f"请复查：cc problem recheck {pid} --pass（或 --fail）--note …")
        else:
            out.append(f"提示：督办事项中的问题 {label}仍为{state}，{snap.project.unit_label(ps.unit)}尚未报整改完成；"
                       f"通知销号不等于问题销号，问题仍按整改期限{rules.cn_date(ps.deadline)}计算。"
                       f"如已整改，请责任单位登记：cc problem fix {pid} --note …")
    return out
