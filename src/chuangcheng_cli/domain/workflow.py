"""Building the journal entry of each writing command from the current state; pure, refuses with UsageError."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from . import models, problemlist, rules
from .models import phone_fault
from ..diagnostics import Refusal, UsageError, did_you_mean
from ..textguard import DASHES_TO_HYPHEN, unmarked


_MINTED: set = set()  # the ids this process has given: a batch (an import of thousands) never repeats one


def new_entry_id(day: dt.date) -> str:
    """Unique without coordination: the day and 48 random bits, so that two branches, or a day's
    imports of tens of thousands of rows, practically never mint the same id (32 bits, as before,
    gave two equal ids in about one import of 3,000 rows in 1,500, and one in ten at 30,000: the
    import refused as a duplicated record); never one this process gave already."""
    while True:
        made = f"{day:%Y%m%d}-{secrets.token_hex(6)}"
        if made not in _MINTED:
            _MINTED.add(made)
            return made


@dataclass(frozen=True)
class Stamp:
    """Who records an entry, for which working day, and when (the CLI reads the clock)."""

    by: str
    date: dt.date
    at: dt.datetime
    evidence: tuple = ()  # the command's --evidence, archived (models.EvidenceFile) or URLs
    by_source: str = ""  # where the command line took `by` from (--by, CC_USER, git, the system), for refusals


def _base(stamp: Stamp) -> dict:
    return {"id": new_entry_id(stamp.date), "date": stamp.date, "at": stamp.at, "by": stamp.by}


def check_stamp(project: models.Project, stamp: Stamp, today: dt.date, clock_day: dt.date | None = None) -> None:
    """today: the day the command acts as of (--as-of, else the clock's); clock_day: the day it is
    where the command runs, as reads without --as-of take it (the command line reads the clock).
    A write dated after clock_day is a typo (2029 for 2025): an entry every read would hide until
    that day and then take as the latest."""
    camp = project.plan.campaign
    if not stamp.by.strip():
        from .authority import source_said

        said = source_said(stamp.by_source)
        raise UsageError(f"记录人不能为空{f'（{said}）' if said else ''}", "请用 --by 指定，或设置环境变量 CC_USER。")
    if clock_day is not None and today > clock_day:
        raise UsageError(f"--as-of {rules.cn_date(today)} 晚于今天（{rules.cn_date(clock_day)}），不能办理尚未到来的日期的事项",
                         "补录以前的事项请写当天或以前的日期；要看将来某天的灯色，用 cc status --as-of。")
    if stamp.date > today:
        if clock_day is not None and today < clock_day:  # --as-of an earlier day: that is the day meant
            raise UsageError(f"日期 {rules.cn_date(stamp.date)} 晚于办理日期（--as-of {rules.cn_date(today)}）",
                             "--date 写事项发生的日期，不能晚于办理日期。")
        raise UsageError(f"日期 {rules.cn_date(stamp.date)} 晚于今天（{rules.cn_date(today)}）",
                         "不能提前登记未来的事项。")
    if stamp.date < camp.start:
        raise UsageError(f"日期 {rules.cn_date(stamp.date)} 早于创建活动开始日期 {rules.cn_date(camp.start)}")


def _unit_on_task(project: models.Project, task: models.Task, unit: models.Unit) -> None:
    if unit.id not in task.units:
        owners = "、".join(project.unit_label(u) for u in task.units)
        raise UsageError(f"{unit.name} 不是任务 {task.id}（{task.label}）的责任单位",
                         f"该任务的责任单位：{owners}")




def _clean(text: str, what: str, limit: int = 100_000) -> str:
    from ..textguard import looks_blank

    value = unmarked(text).strip()  # zero-width and direction marks copied along: textguard.unmarked
    if looks_blank(value):  # a reason or note only invisible characters or blank fillers make is none
        raise UsageError(f"{what}不能为空", "请写明内容（只有空格或不可见字符的不算）。")
    if len(value) > limit:
        raise UsageError(f"{what}过长（{len(value)} 字，上限 {limit} 字）")
    from ..textguard import describe, find_bad

    at = find_bad(value)  # see textguard.py: controls, bidi marks, noncharacters, lone surrogates
    if at >= 0:
        # also what XML (and so a .docx) cannot hold, and the halves of characters a GBK terminal sends
        raise UsageError(f"{what}中含有不允许的字符 {describe(value[at])}（第 {at + 1} 个字符）",
                         "请删除不可见的字符后重试；终端请使用 UTF-8 编码。")
    return value


def make_assign(project: models.Project, stamp: Stamp, task: models.Task, unit: models.Unit,
                section: str, person: str, phone: str = "", current: models.Assign | None = None) -> models.Assign:
    """分解交办 of task to unit's 科室 and 责任人; current: the unit's assignment of the task in
    force, if any (the same again is refused, as a progress report run twice is)."""
    _unit_on_task(project, task, unit)
    section = unmarked(section)  # a 科室 name copied from a chat, as units and tasks are looked up
    if unit.section(section.strip()) is None:
        names = [s.name for s in unit.sections]
        from ..textguard import quoted

        raise UsageError(f"{unit.name} 没有科室{quoted(section)}",
                         (did_you_mean(section, names) + " " if did_you_mean(section, names) else "")
                         + "该单位的科室：" + "、".join(names) + "（科室在 units.yaml 中维护）")
    entry = models.make(models.Assign, kind="assign", task=task.id, unit=unit.id, section=section.strip(),
                        person=_clean(person, "责任人", 50), phone=_phone(phone), **_base(stamp))
    if current is not None and (current.section, unmarked(current.person).strip(), current.phone) == \
            (entry.section, entry.person, entry.phone):
        # a command run twice wrote the same 分解 twice, silently (a fresh-eyes try)
        raise Refusal(f"{task.id} 的{unit.name}已分解到{current.section}，责任人{current.person}"
                      + (f"（{current.phone}）" if current.phone else "")
                      + f"（{rules.cn_date(current.date)}，记录 {current.id}），与这次相同，未重复登记",
                      "责任科室、责任人或电话有变化时再登记；登记有误可用 cc void 作废。")
    return entry


def _phone(text: str) -> str:
    """A telephone number as phone_fault accepts it, normalized; "" for none; UsageError else."""
    import unicodedata

    phone = unicodedata.normalize("NFKC", unmarked(text)).strip()
    fault = phone_fault(phone)
    if fault:
        shown = phone if len(phone) <= 30 else phone[:20] + "…"
        raise UsageError(f"电话号码“{shown}”不像电话号码（{fault}）",
                         "请写数字，如 0571-87001234、13800000000，分机写 转8012；不知道可以不写 --phone。")
    return phone


def make_progress(snap: rules.Snapshot, stamp: Stamp, task: models.Task, unit: models.Unit,
                  percent: int, note: str, evidence: list[str], problem: str = "",
                  correction: str = "") -> models.Progress:
    _unit_on_task(snap.project, task, unit)
    if unit.id != task.lead:  # one voice per task: a co-unit's 100% must not close the lead's task
        lead = snap.project.unit_label(task.lead)
        raise UsageError(f"{unit.name} 是任务 {task.id} 的配合单位；共同承担的任务由牵头单位 {lead} 统一报送进度",
                         f"请把本单位的进展报给 {lead} 汇总；本单位的责任科室、责任人可用 cc assign 登记。")
    if not 0 <= percent <= 100:
        raise UsageError(f"进度应在 0 到 100 之间，实际是 {percent}", "写整数百分比，如 --percent 80；100 表示已办结（报送办结报告）。")
    state = snap.task(task.id)
    assert state is not None
    if state.done:
        raise Refusal(f"任务 {task.id} 已于{rules.cn_date(state.verified_on)}验收销号，不能再报送进度",
                         f"如需重新办理，请由牵头单位先运行 cc reopen {task.id} --reason …")
    # after a 退回重办 a lower percent is the task's real state (100% sent back as 95%), no correction
    if state.reports and percent < state.percent and not correction.strip() and state.last_reopen is None:
        raise UsageError(f"进度 {percent}% 低于上次报送的 {state.percent}%",
                         f"如是这次的进度写错了，改正后重新运行；如是上次报送的进度填错了，请作废那一条（cc history --task "
                         f"{task.id} 查看记录 id，cc void <id> --reason \"进度填错\"）再报送；如进度确需下调，"
                         "请加 --correct \"更正原因\"。")
    entry = models.make(models.Progress, kind="progress", task=task.id, unit=unit.id, percent=percent,
                        note=_clean(note, "进展说明"), evidence=evidence,
                        problem=_clean(problem, "自查问题") if problem.strip() else "",
                        correction=_clean(correction, "更正原因") if correction.strip() else "",
                        **_base(stamp))
    last = state.last_progress if state.last_reopen is None else None  # sent back since: a new report
    if last is not None and (last.date, last.unit, last.percent, last.note, list(last.evidence), last.problem) == \
            (entry.date, entry.unit, entry.percent, entry.note, list(entry.evidence), entry.problem):
        _same_as(last, f"{task.id} {percent}% 的进度报送")
    return entry


def _same_as(earlier, what: str) -> None:
    """A command run twice (a retry after a slow network drive, a double click): the second, the
    same as what the record already says that day, is refused rather than counted twice."""
    raise Refusal(f"{rules.cn_date(earlier.date)}已登记过完全相同的{what}（记录 {earlier.id}），未重复登记",
                  "如确是新的一次，请在说明中写明不同之处；登记有误可用 cc void 作废。")


def make_verify(snap: rules.Snapshot, stamp: Stamp, task: models.Task, note: str = "") -> models.Verify:
    state = snap.task(task.id)
    assert state is not None
    if state.done:
        raise Refusal(f"任务 {task.id} 已于{rules.cn_date(state.verified_on)}验收销号")
    lead = snap.project.unit_short(task.lead)  # who reports a task's progress (make_progress)
    if state.reopened and not state.reported_complete:
        raise Refusal(f"任务 {task.id} 已退回重办，需牵头单位重新报送办结（100%）后才能验收销号",
                         f"cc log {task.id} --unit {lead} --percent 100 --note …")
    if not state.reported_complete:
        raise Refusal(f"任务 {task.id} 尚未报送办结（当前进度 {state.percent}%），不能验收销号",
                         f"牵头单位报送 100% 后再验收：cc log {task.id} --unit {lead} --percent 100 --note …")
    return models.make(models.Verify, kind="verify", task=task.id, note=note.strip(), **_base(stamp))


def make_reopen(snap: rules.Snapshot, stamp: Stamp, task: models.Task, reason: str,
                days: int | None = None, deadline: dt.date | None = None) -> tuple[models.Reopen, str]:
    """退回重办 with its 重办期限: `deadline`, or `days` (default policy.rectification_days) from
    today; the task is late only after it and after its own deadline (rules.rework_deadline).
    A 办结报告 that came after the deadline then in force is sent back with none: a reopen wipes out
    no lateness, and the record does not show a 重办期限 that counts for nothing.
    Returns the entry and a note on how the 重办期限 was set."""
    state = snap.task(task.id)
    assert state is not None
    if not (state.done or state.reported_complete):
        raise Refusal(f"任务 {task.id} 尚未报送办结或验收，无需退回重办")
    limit = _sent_back_deadline(snap, stamp, days, deadline, "重办期限")
    late = state.completed_on is None or state.completed_on > state.deadline
    day, note = (None, "") if late else (limit.day, limit.note)
    if day is not None and day < state.deadline:
        # recorded as given (what the office decided: a later void of an earlier reopen, or a
        # corrected 完成时限, is judged against it by rules.rework_deadline), but said to count for
        # nothing while the deadline in force is later; the trail says so too (rows.describe_entry)
        named = "重办期限" if state.reworking else "完成时限"
        note = "" if days is None and deadline is None else \
            f"所给重办期限{rules.cn_date(day)}早于{named}{rules.cn_date(state.deadline)}" \
            + ("（顺延后）" if state.moved else "") + f"，按{named}"
    entry = models.make(models.Reopen, kind="reopen", task=task.id, reason=_clean(reason, "退回原因"),
                        deadline=day, **_base(stamp))
    return entry, note


def find_notice(snap: rules.Snapshot, text: str) -> rules.NoticeState:
    """A notice by number (5, 5号), year-number (2023-5) or 发文字号 (法治督〔2023〕5号), as typed in
    a hurry: full-width digits, [2023] or (2023) for 〔2023〕, 第5号 all name the same notice."""
    import re
    import unicodedata

    key = unicodedata.normalize("NFKC", unmarked(text)).translate(DASHES_TO_HYPHEN).strip()
    notices = list(snap.notices.values())
    for ns in notices:
        if key in (ns.notice.ref, ns.notice.doc_no, unicodedata.normalize("NFKC", ns.notice.doc_no)):
            return ns
    m = _notice_pattern(key)
    if m is not None:
        year = int(m["year"]) if "year" in m.re.groupindex else None
        hits = [ns for ns in notices if _numbered_as(ns.notice, m)]
        same_year = [ns for ns in hits if ns.notice.year == snap.today.year]
        if len(same_year) == 1 and year is None:
            return same_year[0]
        if len(hits) == 1:
            return hits[0]
        if hits:
            raise UsageError(f"编号 {text.strip()} 在多个年度都有督办通知",
                             "请写成 年份-序号，例如 " + "、".join(ns.notice.ref for ns in hits))
    for e in snap.entries:  # a voided 报告市领导's own 文号: said so, not 找不到
        if e.kind == "escalate" and e.id in snap.voided and e.doc_no \
                and key in (e.doc_no, unicodedata.normalize("NFKC", e.doc_no)):
            void = snap.voided[e.id]
            raise UsageError(f"{e.doc_no} 是报告市领导的文号，这份报告已于{rules.cn_date(void.date)}作废"
                             f"（{void.reason.strip()}），不再重新生成",
                             "作废的报告不计入问效问责；查看它的记录用 cc history --kind 报告市领导。")
    for us in snap.units.values():  # a 报告市领导's own 文号: the report goes with the notice that triggered it
        for esc in us.escalations:
            if esc.doc_no and key in (esc.doc_no, unicodedata.normalize("NFKC", esc.doc_no)):
                trigger = next((ns for ns in notices if ns.notice.id == esc.trigger), None)
                via = f"cc reprint {trigger.notice.ref}" if trigger else "cc reprint 触发它的督办通知编号"
                raise UsageError(f"{esc.doc_no} 是报告市领导的文号，不是督办通知",
                                 f"报告与触发它的督办通知一起重新生成：{via}")
    _refuse_voided(snap, key, m)
    known = "、".join(ns.notice.doc_no for ns in notices[-5:]) or "（暂无督办通知）"
    example = notices[-1].notice if notices else None
    forms = (f"{example.number}、{example.number}号、{example.ref}" if example else f"5、5号、{snap.today.year}-5")
    prefix = snap.project.plan.policy.problem_prefix
    if re.fullmatch(rf"{re.escape(prefix)}-?(\d{{4}}-)?\d+", unicodedata.normalize("NFKC", key), re.IGNORECASE):
        # cc reply W5: a problem's number where a notice's belongs
        raise UsageError(f"找不到督办通知 {text}：{text.strip()} 像是问题清单的问题编号",
                         f"问题用 cc problem show {text.strip()}、cc problem fix {text.strip()} --note … 等办理；"
                         f"督办通知可写序号、年份-序号或发文字号，如 {forms}。")
    raise UsageError(f"找不到督办通知 {text}", f"可写序号、年份-序号或发文字号，如 {forms}。最近的：{known}")


def _notice_pattern(key: str):
    """The match of a notice's number as typed (5, 第5号, 2023-5, 法治督[2023]5号), or None."""
    import re

    return (re.fullmatch(r"第?(\d+)号?", key)
            or re.fullmatch(r"(?P<year>\d{4})\s*[-/.年]\s*第?(\d+)号?", key)
            or re.fullmatch(r"(?P<prefix>\D*?)\s*[〔\[(【［（]\s*(?P<year>\d{4})\s*[〕\])】］）]\s*第?(\d+)号?", key))


def _numbered_as(e: models.Notice, m) -> bool:
    """Whether the notice has the number m (a _notice_pattern match) names."""
    year = int(m["year"]) if "year" in m.re.groupindex else None
    prefix = m["prefix"] if "prefix" in m.re.groupindex else ""
    return e.number == _number(m.groups()[-1]) and year in (None, e.year) and (not prefix or e.doc_no.startswith(prefix))


def notice_trail_ref(snap: rules.Snapshot, text: str) -> str:
    """The ref of the 督办通知 whose trail cc history --notice lists: a voided one too (its trail
    says why it no longer counts), by its ref or 发文字号; else as find_notice finds one."""
    import unicodedata

    key = unicodedata.normalize("NFKC", unmarked(text)).translate(DASHES_TO_HYPHEN).strip()
    for e in snap.entries:
        if e.kind == "notice" and key in (e.ref, unicodedata.normalize("NFKC", e.doc_no)):
            return e.ref
    m = _notice_pattern(key)
    voided = [e for e in snap.entries if m is not None and e.kind == "notice" and e.id in snap.voided
              and _numbered_as(e, m)]
    if voided and not any(_numbered_as(ns.notice, m) for ns in snap.notices.values()):
        # cc history -n 5 of a voided notice: its trail, as by 2023-5 (a fresh-eyes try was refused)
        if len({e.ref for e in voided}) == 1:
            return voided[0].ref
        raise UsageError(f"编号 {text.strip()} 在多个年度都有（已作废的）督办通知",
                         "请写成 年份-序号，例如 " + "、".join(e.ref for e in voided))
    later = next((e for e in snap.project.journal if e.kind == "notice" and e.date > snap.today
                  and key in (e.ref, unicodedata.normalize("NFKC", e.doc_no))), None)
    if later is not None:  # not "找不到": it is in the record, after the day asked about
        raise UsageError(f"督办通知 {later.doc_no} 于{rules.cn_date(later.date)}发出，晚于查看的日期"
                         f"{rules.cn_date(snap.today)}", "查看它的全程留痕请用更晚的 --as-of（或不写 --as-of）。")
    return find_notice(snap, text).notice.ref


def _number(digits: str) -> int:
    """A 序号 as typed: -1 (no notice's or problem's) when longer than any can be; Python refuses
    to read a number of more than 4,300 digits (a traceback, found by a hostile-input try)."""
    return int(digits) if len(digits) <= 9 else -1


def _refuse_voided(snap: rules.Snapshot, key: str, m) -> None:
    """A notice that was voided is named as such, with the reason, not as one never issued: a
    liaison holding the paper copy learns it no longer counts, and what replaced it."""
    import unicodedata

    for e in snap.entries:
        if e.kind != "notice" or e.id not in snap.voided:
            continue
        named = key in (e.ref, e.doc_no, unicodedata.normalize("NFKC", e.doc_no))
        if not named and m is not None:
            named = _numbered_as(e, m)
        if named:
            void = snap.voided[e.id]
            later = [ns for ns in snap.notices.values() if ns.notice.unit == e.unit and ns.notice.date >= void.date]
            hint = (f"作废后发给该单位的督办通知：{later[0].notice.doc_no}（反馈：cc reply {later[0].notice.ref} --note …）"
                    if later else "作废的督办通知不计入督办次数，无需反馈，也不再重新生成。")
            raise Refusal(f"督办通知 {e.doc_no} 已于{rules.cn_date(void.date)}作废（{void.reason}）", hint)


def make_reply(snap: rules.Snapshot, stamp: Stamp, ns: rules.NoticeState, note: str,
               evidence: list[str]) -> models.Reply:
    _own_notice(snap, stamp, ns)
    if ns.closed:
        raise Refusal(f"督办通知 {ns.notice.doc_no} 已于{rules.cn_date(ns.closed.date)}销号，无需再反馈")
    if stamp.date < ns.notice.date:
        raise UsageError("反馈日期早于督办通知日期")
    entry = models.make(models.Reply, kind="reply", notice=ns.notice.ref, unit=ns.notice.unit,
                        note=_clean(note, "整改反馈"), evidence=evidence, **_base(stamp))
    last = ns.pending  # the reply still waiting for review (one sent back since may be sent again)
    if last is not None and (last.date, last.note, list(last.evidence)) == (entry.date, entry.note, list(entry.evidence)):
        _same_as(last, f"督办通知 {ns.notice.doc_no} 的整改反馈")
    return entry


def _own_notice(snap: rules.Snapshot, stamp: Stamp, ns: rules.NoticeState) -> None:
    """Refuse a reply by a unit's person to a notice sent to another unit, naming whose it is and
    the notices of their own that wait for a reply: a liaison who typed the wrong number was told
    the other unit's notice was 已销号, or that she may not act for that unit (a fresh-eyes try)."""
    from .authority import roster

    ros = roster(snap.project.plan, snap.project.units)
    if ros.is_office(stamp.by) or ros.of_unit(ns.notice.unit, stamp.by):
        return
    mine = [uid for uid in ros.units if ros.of_unit(uid, stamp.by)]
    if len(mine) != 1 or mine[0] not in snap.units:
        return  # no unit's, or several units': the roster's refusal says who may
    label = snap.project.unit_label
    own = [n for n in snap.units[mine[0]].notices if n.is_open]
    # the ones to reply to; the ones replied to wait for the lead unit's review (a second reply is no answer)
    listed = "、".join(f"{n.notice.doc_no}（cc reply {n.notice.ref} --note …）" for n in own if n.pending is None)
    reviewed = "、".join(n.notice.doc_no for n in own if n.pending is not None)
    said = "；".join(part for part in (f"待反馈的：{listed}" if listed else "",
                                      f"已反馈、待牵头单位审核的：{reviewed}" if reviewed else "") if part)
    raise Refusal(f"督办通知 {ns.notice.doc_no} 是发给{label(ns.notice.unit)}的，不是发给{label(mine[0])}的，未写入任何内容",
                  f"{label(mine[0])}未销号的督办通知中，{said}。" if said else
                  f"{label(mine[0])}目前没有未销号的督办通知；请核对通知编号（cc history --kind 督办 --unit {snap.project.unit_short(mine[0])}）。")


def make_close(snap: rules.Snapshot, stamp: Stamp, ns: rules.NoticeState, note: str = "") -> models.Close:
    if ns.closed:
        raise Refusal(f"督办通知 {ns.notice.doc_no} 已于{rules.cn_date(ns.closed.date)}销号")
    if ns.pending is None:
        again = "退回整改后尚未重新收到" if ns.rejects else "尚未收到"
        raise Refusal(f"督办通知 {ns.notice.doc_no} {again}{snap.project.unit_label(ns.notice.unit)}的整改反馈，不能销号",
                         f"请先由该单位报送反馈：cc reply {ns.notice.ref} --note …")
    if stamp.date < ns.pending.date:
        raise UsageError("销号日期早于整改反馈日期")
    return models.make(models.Close, kind="close", notice=ns.notice.ref, note=note.strip(), **_base(stamp))


def make_reject(snap: rules.Snapshot, stamp: Stamp, ns: rules.NoticeState, note: str,
                days: int | None = None, deadline: dt.date | None = None) -> tuple[models.Reject, str]:
    """退回整改: the reply awaiting review goes back with a new 整改期限; the unit's clock restarts.
    Returns the entry and a note on how the deadline was set ("" when nothing to say)."""
    if ns.closed:
        raise Refusal(f"督办通知 {ns.notice.doc_no} 已于{rules.cn_date(ns.closed.date)}销号，不能退回")
    if ns.pending is None:
        raise Refusal(f"督办通知 {ns.notice.doc_no} 没有待审核的整改反馈，无需退回",
                         f"被督办单位反馈后才能退回整改：cc reply {ns.notice.ref} --note …")
    if stamp.date < ns.pending.date:
        raise UsageError("退回日期早于整改反馈日期")
    # A unit that replied early keeps the time it was given: a reject never brings its 整改期限
    # forward (a reply on 12月31日 to a notice due 1月22日, sent back with the default 7 days, was
    # due 1月10日 and 已逾期 on 1月12日, ten days before the date the notice had set).
    current = ns.deadline
    if deadline is not None and deadline <= stamp.date:  # said first: a late reply's deadline is past
        raise UsageError(f"新的整改期限 {rules.cn_date(deadline)} 应晚于退回日期 {rules.cn_date(stamp.date)}")
    if deadline is not None and deadline < current:
        raise UsageError(f"新的整改期限 {rules.cn_date(deadline)} 早于原整改期限 {rules.cn_date(current)}",
                         _KEEPS_ITS_TIME.format(current=rules.cn_date(current)))
    limit = _sent_back_deadline(snap, stamp, days, deadline, "新的整改期限")
    if limit.day < current:
        if days is not None:
            raise UsageError(f"--days {days} 得到的新的整改期限 {rules.cn_date(limit.day)} 早于原整改期限 "
                             f"{rules.cn_date(current)}", _KEEPS_ITS_TIME.format(current=rules.cn_date(current)))
        from .deadlines import Deadline

        limit = Deadline(current, f"原整改期限{rules.cn_date(current)}尚未到，仍以该日为整改期限")
    entry = models.make(models.Reject, kind="reject", notice=ns.notice.ref, note=_clean(note, "退回理由"),
                        deadline=limit.day, **_base(stamp))
    return entry, limit.note


_KEEPS_ITS_TIME_PROBLEM = ("返工不提前整改期限：该单位在期限前报了整改完成，不应因此更早逾期。请写不早于 {current} 的日期，"
                           "或不写 --days、--deadline（默认按 policy.problem_days 计算，早于原期限时仍为原期限）。")
_KEEPS_ITS_TIME = ("退回整改不提前整改期限：该单位在期限前反馈，不应因此更早逾期。请写不早于 {current} 的日期，"
                   "或不写 --days、--deadline（默认按 policy.rectification_days 计算，早于原期限时仍为原期限）。")


def find_entry(project: models.Project, text: str) -> list:
    """The journal entries an argument names: an entry id or an unambiguous prefix of one (as
    cc history shows them), else a notice's 文号 or ref, a 报告市领导's 文号, or a problem's id (its
    交办 entry).
    Several when the argument is ambiguous."""
    key = text.strip()
    if len(key) >= 4:
        exact = [e for e in project.journal if e.id == key]
        if exact:
            return exact
        hits = [e for e in project.journal if e.id.startswith(key)]
        if hits:
            return hits
    return [e for e in project.journal if (e.kind == "notice" and key in (e.doc_no, e.ref))
            or (e.kind == "escalate" and e.doc_no and key == e.doc_no)  # a 报告市领导 by its own 文号
            or (e.kind == "problem" and e.problem.upper() == key.upper())]


def _numbered(project: models.Project, key: str) -> list[str]:
    """What a number (5, 第5号), a year and number (2023-5) or a problem's number with its prefix
    (W5, w0005, W2023-5) may name, each as cc void takes it: the notices of that number (when no
    prefix is written) and the problems; [] for anything else."""
    import re
    import unicodedata

    text = unicodedata.normalize("NFKC", key).strip()
    m = re.fullmatch(r"第?0*(\d{1,9})号?", text) or re.fullmatch(r"(?:([A-Za-z]+)-?)?(?:(\d{4})-)?0*(\d{1,9})", text)
    if m is None:
        return []
    prefix, year, number = (None, None, m[1]) if m.lastindex == 1 else m.groups()
    number, year = int(number), int(year) if year else None
    both = {(e.year, e.number) for e in project.journal if e.kind == "problem"}  # 2023-4 names both: the 文号
    notices = [f"督办通知 {e.doc_no}（cc void {e.doc_no if (e.year, e.number) in both else e.ref}）"
               for e in project.journal
               if prefix is None and e.kind == "notice" and e.number == number and year in (None, e.year)]
    problems = [f"问题 {e.problem}（cc void {e.problem}）" for e in project.journal
                if e.kind == "problem" and e.number == number and year in (None, e.year)
                and (prefix is None or e.problem.upper().startswith(prefix.upper() + str(e.year)))]
    return notices + problems


def make_void(project: models.Project, stamp: Stamp, text: str, reason: str) -> list:
    """作废: a void entry for the entry named by text, and, for a notice a report to 市领导 cites
    (the one that triggered it, or an earlier one it counted), one for that report too: the
    escalation was only as valid as the notices it counted."""
    import re
    import unicodedata

    # as the problem commands and reply take them: an input method's dash (2023—4), W2023-0008号
    plain = unicodedata.normalize("NFKC", unmarked(text)).translate(DASHES_TO_HYPHEN).strip()
    if re.fullmatch(r"[A-Za-z]*\d{4}-\d+号", plain):
        plain = plain[:-1]
    hits = find_entry(project, plain if plain != text.strip() else text)
    if re.fullmatch(r"\d{4}-0*\d+", plain) and hits and all(e.kind == "notice" for e in hits):
        year, number = (int(part) for part in plain.split("-"))
        if any(e.kind == "problem" and (e.year, e.number) == (year, number) for e in project.journal):
            # 2023-4 is the notice 2023-4 to reply and reprint, and problem W2023-0004 to the problem
            # commands: which one to void is asked, never guessed
            raise UsageError(f"{text.strip()} 对应多条记录，请写明是哪一条",
                             f"{text.strip()} 可能指：" + "、".join(_numbered(project, plain)) + "。")
    key = text.strip()
    bad = [i for i in project.invalid if i == key] or \
        ([i for i in project.invalid if i.startswith(key)] if len(key) >= 4 else [])
    both = [i for i in bad if any(e.id == i for e in hits)]
    if both:  # a line copied by hand and edited: voiding the id would void the valid one too
        lines = "、".join(map(str, project.invalid[both[0]]))
        raise UsageError(f"记录 id {both[0]} 既是一条有效记录的 id，也是日志第 {lines} 行不合规的一行的 id，"
                         "作废会把两者一起作废。未写入任何内容",
                         "这是手工复制后改出的一行：请删除那一行不合规的（它从来不是有效记录），"
                         "需要时用相应的命令重新登记。")
    if not hits and bad:  # a line that is no valid entry, named by its id (or a prefix of it)
        if len(bad) > 1:
            raise UsageError(f"{text} 对应多条无效记录，请写出更完整的记录 id", "候选：" + "、".join(bad[:6]))
        v = rules.active_voids(rules.ordered_entries(project.journal, dt.date.max, project.order)).get(bad[0])
        if v is not None:
            raise Refusal(f"日志第 {'、'.join(map(str, project.invalid[bad[0]]))} 行不合规的记录 {bad[0]} "
                          f"已于{rules.cn_date(v.date)}作废（{v.reason}）")
        return [models.make(models.Void, kind="void", entry=bad[0], reason=_clean(reason, "作废原因"),
                            **_base(stamp))]
    if not hits:
        key = text.strip()
        shown = text if len(text) <= 60 else f"{text[:40]}…（共 {len(text)} 字）"  # never a pasted page echoed
        # cc void 5: reply, close and reprint take a notice's number alone; here it may name a
        # notice or a problem, and which one is asked, never guessed
        named = _numbered(project, key)
        said = f"序号 {shown}" if re.fullmatch(r"第?[0-9０-９]+号?", key) else shown
        which = f"{said} 可能指：" + "、".join(named) + "；作废须写明是哪一条（照上面写）。" if named else ""
        short = sum(e.id.startswith(key) for e in project.journal) if 0 < len(key) < 4 else 0
        if short:  # a prefix too short to be taken as one (a slip of the keyboard would void something)
            raise UsageError(f"记录 id 至少要写前 4 位：以 {key} 开头的记录有 {short} 条",
                             which or "请用 cc history 查看记录 id（可只写前几位，能唯一确定即可）；"
                                      "督办通知可写 年份-序号（如 2023-2）或发文字号。")
        raise UsageError(f"找不到记录 {shown}", which or "请用 cc history 查看记录 id（可只写前几位，能唯一确定即可）。")
    if len({e.id for e in hits}) > 1:
        shown = "；".join(f"{e.id}（{models.ENTRY_KIND_NAMES[e.kind]}，{rules.cn_date(e.date)}）" for e in hits[:6])
        count = len({e.id for e in hits})
        more = f"等，共 {count} 条；用 cc history 查看全部" if count > 6 else ""
        raise UsageError(f"{text} 对应 {count} 条记录，请写出更完整的记录 id", f"候选：{shown}{more}")
    target = hits[0]
    if len(hits) > 1:  # the same id on two lines (a bad merge): voiding would void both
        raise UsageError(f"记录 id {target.id} 在日志中出现了 {len(hits)} 次，无法只作废其中一条",
                         "这是合并时同一行被带入了两次：确认两行完全相同后，删除其中一行。")
    reason = _clean(reason, "作废原因")
    ordered = rules.ordered_entries(project.journal, dt.date.max, project.order)  # the whole journal
    voided = rules.active_voids(ordered)
    if target.id in voided:
        v = voided[target.id]
        raise Refusal(f"记录 {target.id} 已于{rules.cn_date(v.date)}作废（{v.reason}）",
                         f"如作废有误，可作废那条作废记录：cc void {v.id} --reason …")
    if stamp.date < target.date:
        raise UsageError(f"作废日期 {rules.cn_date(stamp.date)} 早于被作废记录的日期 {rules.cn_date(target.date)}")
    if target.kind == "void" and target.entry in project.invalid:  # it would bring an error back
        raise UsageError(f"记录 {target.id} 作废的是日志第 {'、'.join(map(str, project.invalid[target.entry]))} "
                         "行不合规的记录，"
                         "不能恢复：恢复后它又是一处错误，所有写入都会被拒绝。未写入任何内容",
                         "如需记下那一行想写的内容，请用相应的命令重新登记一条正确的记录。")
    restored = next((e for e in project.journal if target.kind == "void" and e.id == target.entry), None)
    if restored is not None and restored.kind == "escalate":  # it stands only on notices that count
        gone = [e for e in project.journal if e.kind == "notice" and e.id in voided and e.unit == restored.unit
                and e.ref in restored.notices]
        if gone:
            raise Refusal(f"这份报告市领导所依据的督办通知 {gone[0].doc_no} 已作废，不能单独恢复这份报告",
                          f"如那份通知是误作废的，请先恢复它：cc void {voided[gone[0].id].id} --reason …，"
                          "再恢复这份报告。")
    if target.kind == "reopen":
        # a later 退回重办 of the task was told its deadline with this one in force (the later of
        # the two): voided under it, that deadline would shrink to what the later one gave, and the
        # unit be late by what it was never told (a verification of the fixes found it)
        place = {e.id: k for k, e in enumerate(ordered)}
        later = [e for e in ordered if e.kind == "reopen" and e.task == target.task and e.id not in voided
                 and place[e.id] > place[target.id]]
        if later:
            raise Refusal(f"任务 {target.task} 此后又于{rules.cn_date(later[0].date)}退回重办（记录 {later[0].id}），"
                          "那次告知单位的期限以这一条为前提，不能单独作废这一条",
                          f"如两次退回都有误，请先作废后一次（cc void {later[-1].id} --reason …），再作废这一条。")
    out = [models.make(models.Void, kind="void", entry=target.id, reason=reason, **_base(stamp))]
    notices = [target] if target.kind == "notice" else []
    if target.kind == "void":  # what a void of a void voids again, or brings back, at any depth
        after = rules.active_voids([*ordered, *out])
        by_id = {e.id: e for e in project.journal if e.kind == "notice" and (e.id in after) != (e.id in voided)}
        for e in by_id.values():
            if e.id in voided:
                _refuse_restoring(project, e, voided[e.id], after)
        # a notice voided again (a hostile-input try restored its report in between, and the report
        # stood on a voided notice): its reports go with it, as with a void of the notice itself
        notices = [e for e in by_id.values() if e.id in after]
    if target.kind == "problem":
        # a notice on no task sent for this problem (and problems voided before) rests on nothing
        # once it is voided: it is voided with it, as a report to 市领导 is with its notice (a
        # fairness review found a unit reported to 市领导 partly for a mis-registered problem)
        for e in resting_on_problem(project, target, voided):
            notices.append(e)
            out.append(models.make(models.Void, kind="void", entry=e.id,
                                   reason=f"所依据的问题 {target.problem} 已作废：{reason}", **_base(stamp)))
    for notice in notices:
        for e in rules.citing_escalations(project, notice):
            if e.id in voided or any(v.entry == e.id for v in out):
                continue
            if target.kind == "void" and e.id in after:  # voided anyway once this void is in force
                continue
            out.append(models.make(models.Void, kind="void", entry=e.id,
                                   reason=f"所依据的督办通知 {notice.doc_no} 已作废：{reason}", **_base(stamp)))
    return out


def _refuse_restoring(project: models.Project, notice: models.Notice, void: models.Void, after: dict) -> None:
    """A notice brought back once a later one went to its unit would change that one's place (a
    hostile-input try had two 第3次督办 and two reports to 市领导 on the same notices): refused,
    with the later ones to void first if the restoring is meant."""
    # dated on or after the void, or recorded after it: a notice voided as misdated is issued again
    # dated before the void (documents/notice.py), and bringing the voided one back then gave the
    # unit two 第3次督办 and an extra 督办 (a review of that change)
    recorded = rules.moment(void)[1]
    later = [e for e in project.journal if e.kind == "notice" and e.unit == notice.unit and e.id not in after
             and e.id != notice.id and (e.date >= void.date or rules.moment(e)[1] >= recorded)]
    if later:
        raise Refusal(f"督办通知 {notice.doc_no} 于{rules.cn_date(void.date)}作废后，已向该单位发出 "
                      + "、".join(e.doc_no for e in later[:3]) + "，它们的次序（和报告市领导）以作废为前提，"
                      f"不能恢复 {notice.doc_no}",
                      f"如 {notice.doc_no} 确是误作废的，请先作废之后的通知（cc void {later[0].doc_no} --reason …），再恢复它。")


def resting_on_problem(project: models.Project, problem: models.Problem, voided: dict) -> list:
    """The notices in force that stand on this problem alone: on no task, every problem they cite
    this one or one voided already."""
    gone = {e.problem for e in project.journal if e.kind == "problem" and e.id in voided}
    gone -= {e.problem for e in project.journal if e.kind == "problem" and e.id not in voided}
    gone.add(problem.problem)
    return [e for e in project.journal if e.kind == "notice" and e.id not in voided and not e.tasks
            and problem.problem in e.problems and all(p in gone for p in e.problems)]


def citing_notices(project: models.Project, problem: models.Problem, voided: dict) -> list:
    """The notices in force that cite this problem among other matters: they stand on those."""
    alone = {e.id for e in resting_on_problem(project, problem, voided)}
    return [e for e in project.journal if e.kind == "notice" and e.id not in voided and e.id not in alone
            and problem.problem in e.problems]


# ------------------------------------------------------------------ 问题清单 (problemlist.py)


def voided_problem(snap: rules.Snapshot, text: str) -> tuple[problemlist.ProblemState, models.Void] | None:
    """A voided problem by its id (W2023-0001, as typed in a hurry: any case, full-width), or a short
    form of it (29, 2023-29, W29) that no problem that counts has too, rebuilt from its entries up
    to the snapshot's day, with the void that voided it; None when no voided problem has that id.
    For showing it (cc problem show): it counts nowhere."""
    key = problem_key(text)
    parts = _problem_parts(key)
    if parts is not None and any(_has_parts(ps.problem, *parts) for ps in snap.problems.values()):
        parts = None  # a short form a problem that counts has too: only the full id names a voided one
    named = _named(key, parts, [e for e in snap.entries if e.kind == "problem" and e.id in snap.voided])
    if not named:
        return None
    found = named[0]
    ps = problemlist.new_state(found)
    for e in snap.entries:
        if e.kind in problemlist.PROBLEM_KINDS and e.kind != "problem" and e.problem == found.problem:
            if e.id in snap.voided:
                ps.history.append(e)
            else:
                ps.apply(e)
    return ps, snap.voided[found.id]


def _problem_parts(key: str) -> tuple[str, int | None, int] | None:
    """(prefix, year or None, number) of a problem id written short (2023-1, W2023-1, 1, W1), or None."""
    import re

    m = re.fullmatch(r"([A-Z]*)(\d{4})\s*-\s*0*(\d+)", key) or re.fullmatch(r"()()第?0*(\d+)号?", key) \
        or re.fullmatch(r"([A-Z]+)()\s*-?\s*0*(\d+)", key)
    return None if m is None else (m[1], int(m[2]) if m[2] else None, _number(m[3]))


def _has_parts(problem: models.Problem, prefix: str, year: int | None, number: int) -> bool:
    return ((year is None or problem.year == year) and problem.number == number
            and (not prefix or problem.problem.upper().startswith(prefix)))


def _named(key: str, parts, entries: list) -> list:
    """The 交办 entries among entries whose problem is key: by its id, else by a short form of it
    when only one of them has that form (never a guess between two)."""
    exact = [e for e in entries if e.problem.upper() == key]
    if exact or parts is None:
        return exact
    short = [e for e in entries if _has_parts(e, *parts)]
    return short if len({e.problem for e in short}) == 1 else []


def problem_key(text: str) -> str:
    """A problem's id as typed, as find_problem first looks it up: full-width characters made
    plain, spaces trimmed, upper case (w2023-0001 is W2023-0001)."""
    import unicodedata

    key = unicodedata.normalize("NFKC", unmarked(text)).translate(DASHES_TO_HYPHEN).strip().upper()
    return key[:-1].rstrip() if key.endswith("号") and key[:-1].rstrip()[-1:].isdigit() else key  # W2023-0008号


def find_problem(snap: rules.Snapshot, text: str) -> problemlist.ProblemState:
    """A problem by id as typed in a hurry: W2023-0001, w2023-1, 2023-1, or the number alone (1,
    0001, or after the prefix: W1, w0001) when one problem has it (or one of those that have it is
    not yet 销号); full-width characters too. Voided problems are not found."""
    key = problem_key(text)
    # for the hints: the campaign's year on its days (the bundled example read in a later year too)
    camp = snap.project.plan.campaign
    ours, this_year = snap.project.plan.policy.problem_prefix, min(max(snap.today, camp.start), camp.end).year
    if not key:
        raise UsageError("问题编号不能为空", f"可写完整编号或年份-序号，如 {ours}{this_year}-0001、{this_year}-1。")
    problems = snap.problems
    if key in problems:
        return problems[key]
    parts = _problem_parts(key)
    hits = []
    if parts is not None:
        hits = [ps for ps in problems.values() if _has_parts(ps.problem, *parts)]
        if len(hits) == 1:
            return hits[0]
        # the number alone, in more than one year (January, and last year's problems still open):
        # the one not yet 销号, else the full id is asked for, never a guess at the year
        still_open = [ps for ps in hits if ps.closed is None]
        if len(still_open) == 1:
            return still_open[0]
        if len(hits) > 1:
            listed = "、".join(f"{ps.id}（{snap.project.unit_label(ps.problem.unit)}，"
                              f"{'已销号' if ps.closed is not None else '未销号'}）" for ps in hits[:6])
            raise UsageError(f"序号 {parts[2]} 对应多个问题：{listed}", f"请写完整编号，如 {hits[-1].id}。")
    recent = "、".join(list(problems)[-5:]) or "（暂无问题）"
    voided = _named(key, parts, [e for e in snap.project.journal if e.kind == "problem" and e.id in snap.voided])
    if voided:
        v = snap.voided[voided[0].id]
        raise Refusal(f"问题 {voided[0].problem} 已于{rules.cn_date(v.date)}作废（{v.reason}）")
    later = _named(key, parts, [e for e in snap.project.journal if e.kind == "problem" and e.date > snap.today])
    if later:
        raise UsageError(f"问题 {later[0].problem} 于{rules.cn_date(later[0].date)}登记，晚于所办理的日期"
                         f"（{rules.cn_date(snap.today)}）", "请用更晚的 --as-of（或不写，即今天）。")
    if snap.left_out:  # its 交办 line may be one of those left out (damaged, or refused by a check)
        raise UsageError(f"找不到问题 {text}（{snap.left_out}，它的交办记录可能在其中）",
                         "运行 cc validate 查看未计入的记录和原因；改正后这个问题才会计入。")
    raise UsageError(f"找不到问题 {text}", f"可写完整编号或年份-序号，如 {ours}{this_year}-0001、{this_year}-1；也可只写序号，"
                                          f"如 1 或 {ours}1（只有一个问题是这个序号，或其中只有一个未销号时）。最近的：{recent}")


def problem_deadline(snap: rules.Snapshot, start: dt.date, mode: str, days: int | None,
                     deadline: dt.date | None):
    """The 整改期限 of a problem 交办 on `start`: the date given (an 暗访 list recorded late may
    name one already past), or `days` (else the policy's days for its mode) later, moved off rest
    days like a notice's (deadlines.py)."""
    from .deadlines import rectification_deadline

    policy = snap.project.plan.policy
    if deadline is None and days is None:
        days = policy.immediate_days if mode == "立行立改" else policy.problem_days
    _not_too_far(start, deadline, mode)
    return rectification_deadline(start, days, deadline, policy.workdays)


def _sent_back_deadline(snap: rules.Snapshot, stamp: Stamp, days: int | None, deadline: dt.date | None, what: str):
    """The deadline of something sent back (a reply's 退回整改, a task's 退回重办): `deadline`, or
    `days` (default policy.rectification_days) from today, moved off rest days; within a year."""
    from .deadlines import rectification_deadline

    if deadline is not None and deadline <= stamp.date:
        raise UsageError(f"{what} {rules.cn_date(deadline)} 应晚于退回日期 {rules.cn_date(stamp.date)}")
    policy = snap.project.plan.policy
    limit = rectification_deadline(stamp.date, days if days is not None else policy.rectification_days,
                                   deadline, policy.workdays, what.removeprefix("新的"))
    within_a_year(stamp.date, limit.day, what)  # --days 365 of working days too
    return limit


def within_a_year(start: dt.date, deadline: dt.date | None, what: str) -> None:
    """A notice's, a reject's or a reopen's 期限 years away is a typo (9999-12-31), as a problem's is."""
    if deadline is not None and (deadline - start).days > 366:
        raise UsageError(f"{what} {rules.cn_date(deadline)} 距今超过1年", "请检查日期（期限一般为几天到几个月）。")


def _not_too_far(start: dt.date, deadline: dt.date | None, mode: str = "") -> None:
    """A 期限 years away is a typo (9999-12-31), not a plan: at most a year, three for 长期整改."""
    years = 3 if mode == "长期整改" else 1
    if deadline is not None and (deadline - start).days > 366 * years:
        raise UsageError(f"整改期限 {rules.cn_date(deadline)} 距今超过{years}年",
                         "请检查日期；确需更长的整改，登记为长期整改（--mode 长期整改，最长三年）并写明整改计划。")


def problem_faults(snap: rules.Snapshot, today: dt.date, *, unit: models.Unit | None = None,
                   found: dt.date | None = None, deadline: dt.date | None = None,
                   task: models.Task | None = None, mode: str = "") -> list[UsageError]:
    """Every fault in the dates and task of a problem to record on `today`, in the order make_problem
    names them. A check is made only when the values it needs are given (None: not known), so that
    cc problem import can check what it could read of a row it refuses and name all the row's
    faults at once, none twice: an unreadable 发现时间 is not also "later than the 整改时限", nor a
    发现时间 after today also "later than the 整改时限". found: the 发现日期 to record (the caller
    puts today for a blank one); deadline: the 整改期限 given, if any."""
    out: list[UsageError] = []
    if found is not None and found > today:
        out.append(UsageError(f"发现日期 {rules.cn_date(found)} 晚于登记日期 {rules.cn_date(today)}"))
    elif found is not None and found < snap.project.plan.campaign.start:
        out.append(UsageError(f"发现日期 {rules.cn_date(found)} 早于创建活动开始日期"))
    if deadline is not None:
        try:
            _not_too_far(today, deadline, mode)
        except UsageError as exc:
            out.append(exc)
        if found is not None and found <= today:
            from .deadlines import rectification_deadline

            moved = rectification_deadline(today, on=deadline, workdays=snap.project.plan.policy.workdays).day
            if moved < found:  # the date as typed in the message; as moved to a working day compared
                out.append(UsageError(
                    f"整改期限 {rules.cn_date(deadline)} 早于发现日期 {rules.cn_date(found)}",
                    "整改期限应在发现日期之后；发现日期默认为登记当天，较早发现的问题请用 --found 写明。"))
    if task is not None and unit is not None and unit.id not in task.units:  # its lateness would light a task of others
        out.append(UsageError(f"{unit.name}不是任务 {task.id} 的责任单位，问题不能归入该任务",
                              "该任务的责任单位：" + "、".join(snap.project.unit_label(u) for u in task.units)
                              + "。问题不属于责任单位的任务时，不写所属任务（--task）。"))
    return out


def make_problem(snap: rules.Snapshot, stamp: Stamp, unit: models.Unit, source: str, place: str, desc: str,
                 *, found: dt.date | None = None, found_by: str = "", task: models.Task | None = None,
                 co_units: list[models.Unit] = (), mode: str = "", days: int | None = None,
                 deadline: dt.date | None = None, plan: str = "", evidence: list | None = None,
                 origin: str = "", key: str = "", number: int | None = None) -> tuple[models.Problem, "Deadline"]:
    """A problem recorded (交办) today with the next number of the year; the entry and how its
    deadline was set (deadlines.Deadline: its note, and whether the calendar was unknown). mode: 立行立改 / 限期整改 / 长期整改; "" picks 限期整改 when a deadline or
    days are given, else 立行立改."""
    if source not in models.PROBLEM_SOURCES:
        raise UsageError(f"问题来源“{source}”无效", "可选：" + "、".join(models.PROBLEM_SOURCES))
    inferred = not mode
    if not mode:
        mode = "限期整改" if deadline is not None or days is not None else "立行立改"
    import re
    import unicodedata

    said = re.sub(r"\s+", "", unicodedata.normalize("NFKC", mode))
    # the words inspection sheets use (cc problem import reads them so, store/sheets.IMMEDIATE)
    mode = {"立即整改": "立行立改", "立即": "立行立改", "马上整改": "立行立改", "即知即改": "立行立改", "即查即改": "立行立改",
            "立查立改": "立行立改", "立行": "立行立改", "限期": "限期整改", "长期": "长期整改"}.get(said, said)
    if mode not in models.PROBLEM_MODES:
        raise UsageError(f"整改方式“{mode}”无效", "可选：" + "、".join(models.PROBLEM_MODES))
    if mode == "长期整改" and (deadline is None or not plan.strip()):
        raise UsageError("长期整改的问题须写明整改计划和完成期限", "加 --plan \"整改计划\" --deadline 日期。")
    if mode == "立行立改" and plan.strip():
        # a plan is for a problem fixed over time; recorded as 立行立改 it would be due in a few days
        # and the unit overdue after them: which it is, and by when, is the office's to say, not a guess
        days_now = snap.project.plan.policy.immediate_days
        raise UsageError("写了整改计划（--plan），却没有给出整改期限" if inferred else "立行立改的问题不写整改计划（--plan）",
                         (f"不给期限时按立行立改登记，{days_now} 天内须整改完成，整改计划用不上。" if inferred else "")
                         + "按计划整改的问题请给出期限：限期整改加 --deadline 日期（或 --days 天数），"
                         "长期整改加 --mode 长期整改 --deadline 日期；确是立行立改的，去掉 --plan。")
    found = found or stamp.date
    faults = problem_faults(snap, stamp.date, unit=unit, found=found, deadline=deadline, task=task, mode=mode)
    if faults:
        raise faults[0]
    limit = problem_deadline(snap, stamp.date, mode, days, deadline)
    co = []
    for other in co_units:
        if other.id == unit.id:
            raise UsageError(f"{unit.name} 已是责任单位，不必再列为配合单位")
        if other.id not in co:
            co.append(other.id)
    policy = snap.project.plan.policy
    if not key:  # one typed by hand (an import's rows are matched by their key)
        same = (source, found, unit.id, place.strip(), desc.strip())
        for ps in snap.problems.values():
            p = ps.problem
            if (p.source, p.found, p.unit, p.place, p.desc) == same:
                raise Refusal(f"问题 {p.problem} 已于{rules.cn_date(p.date)}登记，来源、发现日期、责任单位、点位和问题描述"
                              "都与这次相同，未重复登记",
                              f"查看：cc problem show {p.problem}；如确是另一个问题，请在描述中写明不同之处；"
                              f"如是要改正那次登记（如补上所属任务、改整改期限），请先作废它："
                              f"cc void {p.id} --reason \"登记有误\"，再重新登记。")
    year = stamp.date.year
    number = number or problemlist.next_number(snap.project.journal, year, snap.voided)
    entry = models.make(
        models.Problem, kind="problem", problem=problemlist.problem_id(policy.problem_prefix, year, number),
        year=year, number=number, source=source, found=found, found_by=_clean(found_by, "发现人", 100)
        if found_by.strip() else "", place=_clean(place, "问题点位", 200), desc=_clean(desc, "问题描述", 2000),
        unit=unit.id, co_units=co, task=task.id if task else "", mode=mode, deadline=limit.day,
        plan=_clean(plan, "整改计划", 2000) if plan.strip() else "", evidence=list(evidence or []),
        origin=origin, key=key, **_base(stamp))
    return entry, limit


def make_fix(snap: rules.Snapshot, stamp: Stamp, ps: problemlist.ProblemState, note: str,
             evidence: list) -> models.Fix:
    if ps.closed is not None:
        raise Refusal(f"问题 {ps.id} 已于{rules.cn_date(ps.closed.date)}复查销号，无需再报整改完成")
    if ps.pending is not None:
        raise Refusal(f"问题 {ps.id} 已于{rules.cn_date(ps.pending.date)}报整改完成，正待复查",
                      f"复查由推进组办公室办理：cc problem recheck {ps.id} --pass --note …（未通过用 --fail）。")
    if stamp.date < ps.problem.date:
        raise UsageError(f"整改完成日期 {rules.cn_date(stamp.date)} 早于问题交办日期 {rules.cn_date(ps.problem.date)}")
    return models.make(models.Fix, kind="fix", problem=ps.id, unit=ps.unit, note=_clean(note, "整改情况"),
                       evidence=evidence, **_base(stamp))


def make_recheck(snap: rules.Snapshot, stamp: Stamp, ps: problemlist.ProblemState, passed: bool, note: str,
                 days: int | None = None, deadline: dt.date | None = None) -> tuple[models.Recheck, str]:
    """复查: passed is 销号; failed is 返工 with a new 整改期限 (days, else policy.problem_days)."""
    if ps.closed is not None:
        raise Refusal(f"问题 {ps.id} 已于{rules.cn_date(ps.closed.date)}复查销号")
    if ps.pending is None:
        again = "返工后尚未重新" if ps.in_rework else "尚未"
        raise Refusal(f"问题 {ps.id} {again}报整改完成，不能复查",
                      f"请先由{snap.project.unit_label(ps.unit)}报整改完成：cc problem fix {ps.id} --note …")
    if stamp.date < ps.pending.date:
        raise UsageError("复查日期早于整改完成日期")
    if passed and (days is not None or deadline is not None):
        raise UsageError("复查通过（销号）不需要新的整改期限", "--days / --deadline 只用于 --fail（返工）。")
    how = ""
    new_deadline = None
    if not passed:
        if deadline is not None and deadline <= stamp.date:
            raise UsageError(f"新的整改期限 {rules.cn_date(deadline)} 应晚于复查日期 {rules.cn_date(stamp.date)}")
        # as a reject's (make_reject): a unit that reported its fix early keeps the time it had
        current = ps.pending_deadline or ps.deadline
        if deadline is not None and deadline < current:
            raise UsageError(f"新的整改期限 {rules.cn_date(deadline)} 早于原整改期限 {rules.cn_date(current)}",
                             _KEEPS_ITS_TIME_PROBLEM.format(current=rules.cn_date(current)))
        limit = problem_deadline(snap, stamp.date, "限期整改", days, deadline)
        if limit.day < current:
            if days is not None:
                raise UsageError(f"--days {days} 得到的新的整改期限 {rules.cn_date(limit.day)} 早于原整改期限 "
                                 f"{rules.cn_date(current)}", _KEEPS_ITS_TIME_PROBLEM.format(current=rules.cn_date(current)))
            from .deadlines import Deadline

            limit = Deadline(current, f"原整改期限{rules.cn_date(current)}尚未到，仍以该日为整改期限")
        new_deadline, how = limit.day, limit.note
    entry = models.make(models.Recheck, kind="recheck", problem=ps.id, passed=passed, note=_clean(note, "复查意见"),
                        deadline=new_deadline, **_base(stamp))
    return entry, how


def make_extend(snap: rules.Snapshot, stamp: Stamp, ps: problemlist.ProblemState, to: dt.date,
                reason: str) -> models.Extend:
    if ps.closed is not None:
        raise Refusal(f"问题 {ps.id} 已于{rules.cn_date(ps.closed.date)}复查销号，无需延期")
    if stamp.date > ps.deadline and ps.pending is not None:  # fixed, waiting for the office: nothing to extend
        raise Refusal(f"问题 {ps.id} 已于{rules.cn_date(ps.pending.date)}报整改完成，正待复查，不需要延期",
                      f"请复查：cc problem recheck {ps.id} --pass --note …（未通过用 --fail）")
    if stamp.date > ps.deadline:  # 延期 is asked for before the deadline: never one that erases days overdue
        raise Refusal(f"问题 {ps.id} 的整改期限{rules.cn_date(ps.deadline)}已过（已逾期{(stamp.date - ps.deadline).days}天），"
                      "不能再延期",
                      "延期须在整改期限届满前申请并批准；逾期的问题请督促整改（cc problem fix …）。"
                      f"如延期确在期限内批准、只是迟录，请以批准当日登记：--as-of 批准日期（不晚于{rules.cn_date(ps.deadline)}）。")
    if to <= ps.deadline:
        raise UsageError(f"延期后的期限 {rules.cn_date(to)} 应晚于现在的整改期限 {rules.cn_date(ps.deadline)}")
    if to <= stamp.date:
        raise UsageError(f"延期后的期限 {rules.cn_date(to)} 应晚于今天（{rules.cn_date(stamp.date)}）")
    _not_too_far(stamp.date, to, ps.problem.mode)
    from .deadlines import rectification_deadline

    # moved off rest days as every other 期限 is (a problem's, a notice's, a 退回's)
    to = rectification_deadline(stamp.date, None, to, snap.project.plan.policy.workdays).day
    return models.make(models.Extend, kind="extend", problem=ps.id, deadline=to, reason=_clean(reason, "延期理由"),
                       **_base(stamp))
