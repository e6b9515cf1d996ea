"""The 督办通知 and the escalation report to 市领导: selection, numbering, gaps, deadline, documents."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import models, rules
from .officialdoc import Block, OfficialDoc, cn_date
from .problems import UsageError
from .workflow import Stamp, _base, _clean


@dataclass(frozen=True)
class NoticeDraft:
    entry: models.Notice
    doc: OfficialDoc
    file_name: str
    escalation: models.Escalate | None = None
    report: OfficialDoc | None = None
    report_file_name: str = ""


def next_number(snap: rules.Snapshot, year: int) -> int:
    """Numbers run per year without gaps; all notices in the journal count, whatever --as-of says."""
    used = [e.number for e in snap.project.journal if e.kind == "notice" and e.year == year]
    return max(used, default=0) + 1


def doc_number(prefix: str, year: int, number: int) -> str:
    """法治督〔2023〕5号: full year in 〔〕, no zero padding, no 第."""
    return f"{prefix}〔{year}〕{number}号"


def lagging_tasks(snap: rules.Snapshot, unit_id: str) -> list[rules.TaskState]:
    return [st for st in snap.tasks
            if unit_id in st.task.units and st.light in (rules.RED, rules.YELLOW)]


def gap_reasons(st: rules.TaskState, unit_id: str, today) -> list[str]:
    """The gaps of a lagging task as they concern one unit: notices sent to other units are theirs."""
    if st.light not in (rules.RED, rules.YELLOW):
        return []
    everyone = rules.late_notices_reason(st.late_notices, today) if st.late_notices else None
    own = [ns for ns in st.late_notices if ns.notice.unit == unit_id]
    out = []
    for r in st.reasons:
        if r == "已报办结，待验收":
            continue
        if r == everyone:
            if own:
                out.append(rules.late_notices_reason(own, today))
            continue
        out.append(r)
    return out


def gap_text(st: rules.TaskState, unit_id: str, today) -> str:
    return f"{st.task.id}（{st.task.label}）" + ("；".join(gap_reasons(st, unit_id, today)) or "见督办理由")


def build_notice(snap: rules.Snapshot, stamp: Stamp, unit: models.Unit, task_ids: list[str],
                 reason: str, deadline: dt.date | None, days: int | None, folder: str = "") -> NoticeDraft:
    """folder: where the documents go, as recorded in the journal (default notices/<year>)."""
    project = snap.project
    policy = project.plan.policy
    if task_ids:
        chosen = []
        for tid in task_ids:
            st = snap.task(tid)
            assert st is not None
            if unit.id not in st.task.units:
                raise UsageError(f"{unit.name} 不是任务 {tid}（{st.task.label}）的责任单位")
            if st.done:
                raise UsageError(f"任务 {tid} 已验收销号，无需督办")
            chosen.append(st)
    else:
        chosen = lagging_tasks(snap, unit.id)
    reason = _clean(reason, "督办理由") if reason.strip() else ""
    if not reason and not any(st.light in (rules.RED, rules.YELLOW) for st in chosen):
        what = "所选任务没有滞后（红灯或黄灯）" if task_ids else f"{unit.name} 目前没有滞后的任务（红灯或黄灯）"
        raise UsageError(f"{what}，不需要督办",
                         "如确有问题需要督办，请用 --reason 说明理由。")
    if deadline is None:
        deadline = stamp.date + dt.timedelta(days=days if days is not None else policy.rectification_days)
    if deadline <= stamp.date:
        raise UsageError(f"整改期限 {cn_date(deadline)} 应晚于发文日期 {cn_date(stamp.date)}")
    later = [e for e in project.journal if e.kind == "notice" and e.date > stamp.date]
    if later:
        raise UsageError(f"日志中已有{cn_date(later[-1].date)}发出的督办通知 {later[-1].doc_no}，"
                         f"不能再补发{cn_date(stamp.date)}的督办通知",
                         "督办通知的编号和次数按发文先后计算；请以今天（或更晚的 --as-of）发文。")
    year = stamp.date.year
    number = next_number(snap, year)
    seq = len([e for e in project.journal if e.kind == "notice" and e.unit == unit.id]) + 1
    level = rules.notice_level(seq)
    doc_no = doc_number(policy.notice_prefix, year, number)
    gaps = [gap_text(st, unit.id, stamp.date) for st in chosen]
    file_name = f"{doc_no}_{unit.name}督办通知.docx"
    entry = models.make(models.Notice, kind="notice", year=year, number=number, doc_no=doc_no, unit=unit.id, seq=seq,
                          level=level, tasks=[st.task.id for st in chosen], gaps=gaps, reason=reason,
                          deadline=deadline, file=f"{folder or f'notices/{year}'}/{file_name}", **_base(stamp))
    doc = notice_doc(project, entry, chosen)
    draft = NoticeDraft(entry, doc, file_name)
    if seq >= policy.escalation_threshold:
        previous = [ns for ns in snap.notices.values() if ns.notice.unit == unit.id]
        report_name = f"关于{unit.name}创城工作督办情况的报告_{doc_no}.docx"
        esc = models.make(models.Escalate, kind="escalate", unit=unit.id,
                              notices=[ns.notice.ref for ns in previous] + [entry.ref],
                              note=f"{unit.name}已被督办{seq}次，报告市领导，建议对主要负责人问效问责",
                              file=f"{folder or f'notices/{year}'}/{report_name}", **_base(stamp))
        report = escalation_doc(snap, unit, previous, entry, stamp.date)
        draft = NoticeDraft(entry, doc, file_name, esc, report, report_name)
    return draft


def notice_doc(project: models.Project, entry: models.Notice, chosen: list[rules.TaskState]) -> OfficialDoc:
    camp, policy = project.plan.campaign, project.plan.policy
    indicators = {i.id: i.name for i in project.plan.indicators}
    unit = project.unit(entry.unit)
    assert unit is not None
    blocks = []
    if chosen:
        blocks.append(Block("para", f"根据{camp.name}任务清单和市创建全国文明城市指挥部工作要求，"
                                    f"{camp.group}对各责任单位任务推进情况进行了跟踪督导。截至{cn_date(entry.date)}，"
                                    f"你单位承担的以下任务推进滞后，现予督办。"))
    else:
        blocks.append(Block("para", f"{camp.group}在日常督导检查中发现，你单位在创城工作中存在以下问题，现予督办。"))
    blocks.append(Block("h1", "一、督办事项"))
    for i, st in enumerate(chosen, 1):
        t = st.task
        role = "牵头" if t.lead == unit.id else "配合"
        gaps = "；".join(gap_reasons(st, unit.id, entry.date))
        blocks.append(Block("para", f"{i}. {t.id} {t.title.rstrip('。')}（创建指标：{indicators[t.indicator]}；"
                                    f"你单位{role}；完成时限{cn_date(t.deadline)}）。"
                                    + (f"存在差距：{gaps}。" if gaps else "")))
    if entry.reason:
        blocks.append(Block("para", f"{len(chosen) + 1 if chosen else 1}. {entry.reason.rstrip('。')}。"))
    blocks.append(Block("h1", "二、整改要求"))
    blocks.append(Block("para", "请你单位高度重视，主要负责人亲自过问，分管领导具体负责，对照任务清单和测评标准逐项查找原因，"
                                "落实到责任科室、责任人，立行立改，确保按时完成。"))
    blocks.append(Block("para", f"请于{cn_date(entry.deadline)}前将整改情况以书面形式报送{camp.group}办公室，"
                                f"同时附整改佐证材料。"))
    blocks.append(Block("h1", "三、有关事项"))
    threshold = policy.escalation_threshold
    if entry.seq >= threshold:
        consequence = (f"本通知为对你单位的第{entry.seq}次督办。按照督办规则，{camp.group}将同时报告市领导，"
                       f"并建议对你单位主要负责人予以问效问责。")
    else:
        consequence = (f"本通知为对你单位的第{entry.seq}次督办。对经{threshold}次督办仍整改不力的单位，"
                       f"将报告市领导，并对单位负责人予以问效问责。")
    blocks.append(Block("para", consequence))
    return OfficialDoc(
        issuer=camp.issuer, doc_no=entry.doc_no,
        title=f"关于对{unit.name}创城工作任务进行督办的通知",
        recipient=unit.name, blocks=tuple(blocks), signature=project.plan.documents.signature or camp.issuer,
        date=entry.date, note=f"（联系人：{camp.contact.name}；联系电话：{camp.contact.phone}）",
        mark=f"第{entry.seq}次督办（{entry.level}色）",
        copy_to=tuple(project.plan.documents.copy_to), printer=project.plan.documents.printer or camp.office,
        fonts=project.plan.documents.fonts, author=camp.issuer, created=entry.at, names=(unit.name,),
    )


def escalation_doc(snap: rules.Snapshot, unit: models.Unit, previous: list[rules.NoticeState],
                   entry: models.Notice, day: dt.date) -> OfficialDoc:
    project = snap.project
    camp = project.plan.campaign
    n = len(previous) + 1
    blocks = [Block("para", f"按照{camp.name.removesuffix('工作')}工作部署，{camp.group}对各责任单位任务推进情况实行清单化管理和督办。"
                            f"{unit.name}（主要负责人：{unit.head.name}{unit.head.title}；分管领导："
                            f"{unit.deputy.name}{unit.deputy.title}）承担的创城任务推进不力，截至{cn_date(day)}"
                            f"已被督办{n}次。现将有关情况报告如下。"),
              Block("h1", "一、督办情况")]
    for i, ns in enumerate(previous, 1):
        e = ns.notice
        if ns.closed:
            answer = f"已于{cn_date(ns.replies[-1].date) if ns.replies else cn_date(ns.closed.date)}反馈，已销号"
        elif ns.replies:
            late = ns.replies[0].date > e.deadline
            answer = f"于{cn_date(ns.replies[0].date)}反馈{'（超期）' if late else ''}，整改未到位，未销号"
        else:
            answer = "未按期反馈" if day > e.deadline else "整改期限未到，尚未反馈"
        blocks.append(Block("para", f"{i}. {cn_date(e.date)}，{e.doc_no}（第{e.seq}次督办，{e.level}色），"
                                    f"督办事项：{'、'.join(e.tasks) or e.reason}；整改期限{cn_date(e.deadline)}；{answer}。"))
    blocks.append(Block("para", f"{n}. {cn_date(entry.date)}，{entry.doc_no}（第{entry.seq}次督办，{entry.level}色），"
                                f"督办事项：{'、'.join(entry.tasks) or entry.reason}；整改期限{cn_date(entry.deadline)}。"))
    blocks.append(Block("h1", "二、当前差距"))
    gaps = [gap_text(st, unit.id, day) for st in lagging_tasks(snap, unit.id)]
    for g in gaps or ["暂无红灯、黄灯任务，但督办事项整改未到位。"]:
        blocks.append(Block("para", g.rstrip("。") + "。"))
    blocks.append(Block("h1", "三、问效问责建议"))
    blocks.append(Block("para", f"根据{camp.group}督办规则，对三次督办的单位负责人应及时报告市领导，并予以问效问责。"
                                f"建议由市领导约谈{unit.name}主要负责人{unit.head.name}同志，责令限期整改、书面说明情况；"
                                f"对整改仍不到位的，按照有关规定予以问效问责。"))
    blocks.append(Block("para", "妥否，请批示。"))
    return OfficialDoc(
        issuer=camp.issuer, doc_no="", title=f"关于{unit.name}创城工作督办情况的报告",
        recipient=project.plan.policy.escalate_to, blocks=tuple(blocks), signature=project.plan.documents.signature or camp.issuer,
        date=day, note=f"（联系人：{camp.contact.name}；联系电话：{camp.contact.phone}）",
        copy_to=tuple(project.plan.documents.copy_to), printer=project.plan.documents.printer or camp.office,
        fonts=project.plan.documents.fonts, signer=project.plan.documents.signer, author=camp.issuer,
        created=entry.at, names=(unit.name,),
    )
