"""The 督办通知 and the escalation report to 市领导: selection, numbering, gaps, deadline, documents."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from ..domain import models, rules
from .officialdoc import Block, OfficialDoc, cn_date
from ..domain.deadlines import rectification_deadline
from ..diagnostics import Refusal, UsageError
from ..store.safepath import safe_file_name
from ..domain.workflow import Stamp, _base, _clean


PROBLEM_GAP = "问题整改不力："  # a recorded gap about a problem on no task (notice.gaps)


@dataclass(frozen=True)
class NoticeDraft:
    entry: models.Notice
    doc: OfficialDoc
    file_name: str
    escalation: models.Escalate | None = None
    report: OfficialDoc | None = None
    report_file_name: str = ""
    notes: tuple[str, ...] = ()  # what the user should know (a deadline moved past a holiday …)


def next_number(snap: rules.Snapshot, year: int) -> int:
    """Numbers run per year without gaps; every notice in the journal counts, whatever --as-of
    says, voided ones too: a 文号 once issued is never issued again."""
    used = [e.number for e in snap.project.journal if e.kind == "notice" and e.year == year]
    return max(used, default=0) + 1


def next_report_number(snap: rules.Snapshot, year: int) -> int:
    """The reports to 市领导 have their own series, per year, never reused either."""
    used = [e.number for e in snap.project.journal if e.kind == "escalate" and e.date.year == year]
    return max(used, default=0) + 1


def doc_number(prefix: str, year: int, number: int) -> str:
    """法治督〔2023〕5号: full year in 〔〕, no zero padding, no 第."""
    return f"{prefix}〔{year}〕{number}号"


def report_prefix(policy: models.Policy) -> str:
    return policy.report_prefix or f"{policy.notice_prefix}报"


def lagging_tasks(snap: rules.Snapshot, unit_id: str) -> list[rules.TaskState]:
    """The tasks that lag for reasons the unit answers for (see rules.own_gaps): those it leads,
    and those of any unit's where its own problems are overdue or in 返工."""
    return [st for st in snap.tasks
            if (st.task.lead == unit_id or any(ps.unit == unit_id for ps in st.problem_gaps))
            and st.light in (rules.RED, rules.YELLOW) and rules.own_gaps(st, unit_id, snap.today)]


def _others_lag(snap: rules.Snapshot, unit_id: str, tasks: list[rules.TaskState]) -> list[str]:
    """For each of these tasks red or yellow for what other units answer for (not unit_id):
    "T13 亮黄灯是市妇女联合会的原因（cc notice 妇联）", the units as rules.own_gaps assigns them."""
    out = []
    for st in tasks:
        if st.light not in (rules.RED, rules.YELLOW) or rules.own_gaps(st, unit_id, snap.today):
            continue
        whose = [u for u in st.task.units if u != unit_id and rules.own_gaps(st, u, snap.today)]
        if whose:
            names = "、".join(snap.project.unit_label(u) for u in whose)
            hints = "、".join(f"cc notice {snap.project.unit_short(u)}" for u in whose)
            out.append(f"{st.task.id} 亮{rules.LIGHT_NAMES[st.light]}是{names}的原因（{hints}）")
    return out


def problem_gaps(snap: rules.Snapshot, unit_id: str, tasks: list[rules.TaskState]) -> list:
    """The unit's problems to cite as 问题整改不力: those on the chosen tasks, and those on no open task."""
    on_tasks = [ps for st in tasks for ps in st.problem_gaps if ps.unit == unit_id]
    return on_tasks + list(snap.units[unit_id].problem_gaps)


def gap_text(st: rules.TaskState, unit_id: str, today) -> str:
    return f"{st.task.id}（{st.task.label}）" + ("；".join(rules.own_gaps(st, unit_id, today)) or "见督办理由")


def blocking_notices(snap: rules.Snapshot, unit_id: str) -> list[rules.NoticeState]:
    return [ns for ns in snap.units[unit_id].notices if ns.blocks_new_notice(snap.today)]


def _refuse_open(unit: models.Unit, open_ones: list[rules.NoticeState], today) -> None:
    ns = open_ones[0]
    if ns.awaiting_review():
        raise Refusal(f"{unit.name} 已于{cn_date(ns.pending.date)}对督办通知 {ns.notice.doc_no} 作出整改反馈"
                      f"（整改期限{cn_date(ns.deadline)}），正待牵头单位审核，不能再次督办",
                      f"请先审核这份反馈：整改到位的 cc close {ns.notice.ref}；不到位的 cc reject {ns.notice.ref} "
                      f"--note \"退回理由\"（给出新的整改期限）。确需另行督办，加 --force --reason \"理由\"。")
    raise Refusal(f"{unit.name} 的督办通知 {ns.notice.doc_no} 整改期限{cn_date(ns.deadline)}尚未届满，不能再次督办",
                  f"请等整改期限过后再督办（期限内该单位可用 cc reply {ns.notice.ref} 反馈整改情况）。"
                  f"确需另行督办，加 --force --reason \"理由\"（理由作为督办事项写入通知，强制督办记入日志）。")


def build_notice(snap: rules.Snapshot, stamp: Stamp, unit: models.Unit, task_ids: list[str],
                 reason: str, deadline: dt.date | None, days: int | None, folder: str = "",
                 force: bool = False, taken: frozenset[str] = frozenset(),
                 copy_to: list[str] | None = None) -> NoticeDraft:
    """folder: where the documents go, as recorded in the journal (default notices/<year>);
    taken: file names already present there (a stray document never blocks a notice)."""
    project = snap.project
    policy = project.plan.policy
    reason = _clean(reason, "督办理由") if reason.strip() else ""
    # one item of the notice: its line breaks and tabs as spaces (a line break inside a justified
    # paragraph stretches the line before it), and no comma left before the 。 the notice adds
    reason = " ".join(reason.split()).rstrip("，,；;、：: ")
    if force and not reason:
        raise UsageError("--force 须同时用 --reason 写明强制督办的理由", "理由作为一项督办事项写入通知；强制督办及其理由记入日志，在全程留痕中显示。")
    open_ones = blocking_notices(snap, unit.id)
    if open_ones and not force:
        _refuse_open(unit, open_ones, snap.today)
    if task_ids:
        chosen = []
        for tid in task_ids:
            st = snap.task(tid)
            assert st is not None
            if unit.id not in st.task.units:
                raise UsageError(f"{unit.name} 不是任务 {tid}（{st.task.label}）的责任单位")
            if st.done:
                raise UsageError(f"任务 {tid} 已验收销号，无需督办")
            if st.task.lead != unit.id and not reason and not any(ps.unit == unit.id for ps in st.problem_gaps):
                lead = project.unit_label(st.task.lead)
                raise UsageError(f"{unit.name} 是任务 {tid} 的配合单位；任务的进度和时限由牵头单位 {lead} 负责",
                                 "督办配合单位须用 --reason 写明其本单位承担部分的问题；"
                                 f"任务整体滞后请督办牵头单位：cc notice {project.unit_short(st.task.lead)}")
            chosen.append(st)
    else:
        chosen = lagging_tasks(snap, unit.id)
    cited = problem_gaps(snap, unit.id, chosen)
    loose = list(snap.units[unit.id].problem_gaps)  # on no open task: cited on their own
    if not reason and not loose and not any(rules.own_gaps(st, unit.id, snap.today) for st in chosen):
        what = ("所选任务没有该单位负责的滞后问题" if task_ids else
                f"{unit.name} 目前没有因本单位原因滞后（红灯或黄灯）的任务，也没有逾期或返工的问题")
        hint = "如确有问题需要督办，请用 --reason 说明理由。"
        mine = [st for st in snap.tasks if unit.id in st.task.units]
        others = _others_lag(snap, unit.id, mine)
        if others:  # its tasks that status shows red or yellow: whose they are, so none is blamed on it
            # what the unit is to them: a lead is not noticed for a co-unit's part, a co-unit answers
            # for its own part only (a lead was told the co-unit's rule: a fresh-eyes try)
            lagging = [st for st in mine if st.light in (rules.RED, rules.YELLOW)
                       and not rules.own_gaps(st, unit.id, snap.today)]
            roles = []
            if any(st.task.lead == unit.id for st in lagging):
                roles.append("牵头单位不因配合单位承担部分的滞后被督办")
            if any(st.task.lead != unit.id for st in lagging):
                roles.append("配合单位只对本单位承担的部分负责")
            hint = "；".join(others) + "。" + hint + ("；".join(roles) + "。" if roles else "")
        raise Refusal(f"{what}，不需要督办", hint)
    if deadline is not None and deadline <= stamp.date:
        raise UsageError(f"整改期限 {cn_date(deadline)} 应晚于发文日期 {cn_date(stamp.date)}")
    limit = rectification_deadline(stamp.date, days if days is not None else policy.rectification_days,
                                   deadline, policy.workdays)
    from ..domain.workflow import within_a_year

    within_a_year(stamp.date, limit.day, "整改期限")  # --days 365 of working days too
    limit = _not_before_rework(limit, [*cited, *loose], stamp.date, deadline is None and days is None)
    # a voided notice counts in no unit's 督办次数 and sets no order (its 文号 stays burnt:
    # next_number); a clerk who dated one wrong voids it and issues it again on the right day
    later = [e for e in project.journal if e.kind == "notice" and e.date > stamp.date and e.id not in snap.voided]
    if later:
        last = max(later, key=lambda e: e.date)
        raise Refusal(f"日志中已有{cn_date(last.date)}发出的督办通知 {last.doc_no}，"
                      f"不能再补发{cn_date(stamp.date)}的督办通知",
                      "督办通知的编号和次数按发文先后计算：最早只能以"
                      f"{cn_date(last.date)}发文（--as-of {last.date.isoformat()} 或更晚；不写 --as-of 即为今天）。")
    year = stamp.date.year
    number = next_number(snap, year)
    seq = snap.units[unit.id].notice_count + 1
    level = rules.notice_level(seq)
    doc_no = doc_number(policy.notice_prefix, year, number)
    gaps = [gap_text(st, unit.id, stamp.date) for st in chosen]
    gaps += [PROBLEM_GAP + ps.gap(stamp.date) for ps in loose]
    where = folder or f"notices/{year}"
    file_name = free_name(safe_file_name(f"{doc_no}_{unit.name}督办通知.docx"), taken)
    entry = models.make(models.Notice, kind="notice", year=year, number=number, doc_no=doc_no, unit=unit.id, seq=seq,
                          level=level, tasks=[st.task.id for st in chosen], gaps=gaps, reason=reason,
                          deadline=limit.day, file=f"{where}/{file_name}", forced=bool(open_ones) and force,
                          copy_to=[_clean(c, "抄送机关", 100) for c in copy_to or [] if c.strip()],
                          problems=[ps.id for ps in cited], layout=_layout(gaps, chosen, _task_lag(chosen, unit.id)), **_base(stamp))
    doc = notice_doc(project, entry)
    notes = (f"整改期限：{limit.note}",) if limit.note else ()
    draft = NoticeDraft(entry, doc, file_name, notes=notes)
    if seq >= policy.escalation_threshold:
        r_number = next_report_number(snap, year)
        r_no = doc_number(report_prefix(policy), year, r_number)
        report_name = free_name(safe_file_name(f"{r_no}_关于{unit.name}创城工作督办情况的报告.docx"),
                                taken | {file_name})
        previous = list(snap.units[unit.id].notices)
        esc = models.make(models.Escalate, kind="escalate", unit=unit.id,
                              notices=[ns.notice.ref for ns in previous] + [entry.ref],
                              note=f"{unit.name}已被督办{seq}次，报告市领导，建议对主要负责人问效问责",
                              file=f"{where}/{report_name}", trigger=entry.id, number=r_number, doc_no=r_no,
                              layout=REPORT_LAYOUT, **_base(stamp))
        report = escalation_doc(snap, unit, previous, entry, esc)
        draft = NoticeDraft(entry, doc, file_name, esc, report, report_name, notes)
    return draft


def _not_before_rework(limit, problems: list, today: dt.date, default: bool):
    """The notice's 整改期限 (limit, deadlines.Deadline) beside the problems it cites: one in 返工
    (复查未通过) and not yet late has a 整改期限 the office itself set, and a notice asking for the
    整改情况 before that day gave the unit less time than that (a try of a new group). A default
    期限 is moved to the latest such day; one given (--deadline, --days) is kept, and said."""
    pending = [ps for ps in problems if ps.deadline is not None and ps.deadline > limit.day and ps.deadline >= today]
    if not pending:
        return limit
    last = max(pending, key=lambda ps: ps.deadline)
    if default:
        return replace(limit, day=last.deadline,
                       note=f"所列问题{last.label}的返工整改期限为{cn_date(last.deadline)}，通知的整改期限定为同一天（不早于它）")
    return replace(limit, note=(limit.note + "；" if limit.note else "")
                   + f"所列问题{last.label}的返工整改期限{cn_date(last.deadline)}晚于本通知的整改期限{cn_date(limit.day)}")


def free_name(name: str, taken: frozenset[str] | set[str]) -> str:
    """name, or name with (2), (3) … before the extension when a file of that name is already
    there (a document left by hand or by an older version: it never blocks a notice)."""
    if name not in taken:
        return name
    stem, dot, ext = name.rpartition(".")
    for n in range(2, 1000):
        candidate = f"{stem}（{n}）.{ext}"
        if candidate not in taken:
            return candidate
    raise UsageError(f"文件名 {name} 已被占用过多次")


def _task_gaps(entry: models.Notice, task: models.Task) -> str:
    """What the notice recorded against one task, without the task's name in front."""
    for gap in entry.gaps:
        if gap.startswith(f"{task.id}（"):
            rest = gap[len(task.id):]
            label = f"（{task.label}）"
            if rest.startswith(label):
                return rest[len(label):]
            return rest[rest.find("）") + 1:] if "）" in rest else rest
    return ""


def authority(project: models.Project) -> str:
    """Whose requirements the group's notices cite (data: campaign.authority)."""
    return project.plan.campaign.authority or project.plan.policy.escalate_to


LAYOUT = 2  # the wording new notices are recorded with (models.Notice.layout), when it differs
PROBLEMS_LAYOUT = 3  # … when the unit's gaps on its tasks are its problems alone
NO_TASK_LAYOUT = 4  # … when it is on no task (its problems or its reason alone): titled so
REPORT_LAYOUT = 6  # the wording new reports to 市领导 are recorded with (models.Escalate.layout)


def _layout(gaps: list[str], chosen: list, task_lag: bool = True) -> int:
    """LAYOUT when a notice's wording differs by layout (tasks with no gap of the unit's own, see
    notice_doc), PROBLEMS_LAYOUT when its gaps on them are its problems alone (task_lag False: it
    leads none of them that lags, and no notice of its on them is overdue), NO_TASK_LAYOUT when it
    names no task, else 1, which the journal leaves unwritten: a line an older cc can still read."""
    if not chosen:
        return NO_TASK_LAYOUT
    own = [g for g in gaps[:len(chosen)] if not g.endswith("见督办理由")]
    if chosen and not own:
        return LAYOUT
    return PROBLEMS_LAYOUT if chosen and not task_lag else 1


def _task_lag(chosen: list, unit_id: str) -> bool:
    """Whether the unit has a lag of its own on one of these tasks other than its problems: the
    lateness, lag or silence of a task it leads, or a notice of its on it not answered in time
    (rules.own_gaps)."""
    return any((st.task.lead == unit_id and st.lead_gaps) or any(ns.notice.unit == unit_id for ns in st.late_notices)
               for st in chosen if not st.done)


def notice_doc(project: models.Project, entry: models.Notice) -> OfficialDoc:
    """The 督办通知 as a rendering of its journal entry: the same text whenever it is made (its
    layout, recorded with it, keeps the wording it was sent with)."""
    camp, policy = project.plan.campaign, project.plan.policy
    indicators = {i.id: i.name for i in project.plan.indicators}
    unit = project.unit(entry.unit)
    assert unit is not None
    chosen = [project.task(t) for t in entry.tasks if project.task(t) is not None]
    gaps_of = {t.id: ("" if _task_gaps(entry, t) == "见督办理由" else _task_gaps(entry, t)) for t in chosen}
    # since layout 2: tasks are said to lag only when the unit has a lag of its own on one of them
    # (a co-unit notified for its part, with a reason, is not told its tasks lag), and the reason
    # of a notice on one such task is that task's 存在问题, not an item of its own
    # since layout 3: nor when its gaps on them are its problems alone (the task itself may be on time)
    lag = entry.layout < 2 or (entry.layout == 2 and any(gaps_of.values()))
    reason_on_task = entry.layout >= 2 and entry.reason and len(chosen) == 1 and not any(gaps_of.values())
    blocks = []
    if chosen:
        said = "推进滞后" if lag else "存在问题"
        blocks.append(Block("para", f"根据{camp.name}任务清单和{authority(project)}工作要求，"
                                    f"{camp.group}对各责任单位任务推进情况进行了跟踪督导。截至{cn_date(entry.date)}，"
                                    f"你单位承担的以下任务{said}，现予督办。"))
    else:
        blocks.append(Block("para", f"{camp.group}在日常督导检查中发现，你单位在创城工作中存在以下问题，现予督办。"))
    blocks.append(Block("h1", "一、督办事项"))
    for i, t in enumerate(chosen, 1):
        role = "牵头" if t.lead == unit.id else "配合"
        gaps = gaps_of[t.id]
        text = (f"{i}. {t.id} {t.title.rstrip('。')}（创建指标：{indicators[t.indicator]}；"
                f"你单位{role}；完成时限{cn_date(t.deadline)}）。" + (f"存在差距：{gaps}。" if gaps else ""))
        if reason_on_task:
            text += f"存在问题：{entry.reason.rstrip('。')}。"
        blocks.append(Block("para", text))
    loose = [g[len(PROBLEM_GAP):] for g in entry.gaps if g.startswith(PROBLEM_GAP)]
    for i, gap in enumerate(loose, len(chosen) + 1):
        blocks.append(Block("para", f"{i}. 问题整改不力：{gap.rstrip('。')}。"))
    if entry.reason and not reason_on_task:
        blocks.append(Block("para", f"{len(chosen) + len(loose) + 1}. {entry.reason.rstrip('。')}。"))
    blocks.append(Block("h1", "二、整改要求"))
    blocks.append(Block("para", "请你单位高度重视，主要负责人亲自过问，分管领导具体负责，对照任务清单和测评标准逐项查找原因，"
                                "落实到责任科室、责任人，立行立改，确保按时完成。"))
    blocks.append(Block("para", f"请于{cn_date(entry.deadline)}前将整改情况以书面形式报送{camp.group}办公室，"
                                f"同时附整改佐证材料。"))
    blocks.append(Block("h1", "三、有关事项"))
    threshold = policy.escalation_threshold
    if entry.seq >= threshold:
        consequence = (f"本通知为对你单位的第{entry.seq}次督办。按照督办规则（累计督办{threshold}次即报告市领导），"
                       f"{camp.group}将同时报告市领导，并建议对你单位主要负责人予以问效问责。")
    else:
        consequence = (f"本通知为对你单位的第{entry.seq}次督办。对经{threshold}次督办仍整改不力的单位，"
                       f"将报告市领导，并对单位负责人予以问效问责。")
    blocks.append(Block("para", consequence))
    return OfficialDoc(
        issuer=camp.issuer, doc_no=entry.doc_no,
        # since layout 4 a notice on no task (its problems or its reason alone) is not titled 任务
        title=f"关于对{unit.name}创城工作{'存在问题' if entry.layout >= NO_TASK_LAYOUT and not entry.tasks else '任务'}进行督办的通知",
        recipient=unit.name, blocks=tuple(blocks), signature=project.plan.documents.signature or camp.issuer,
        date=entry.date, note=_contact_note(camp),
        mark=f"第{entry.seq}次督办（{entry.level}色）",
        copy_to=tuple(entry.copy_to or project.plan.documents.copy_to), printer=project.plan.documents.printer or camp.office,
        fonts=project.plan.documents.fonts, author=camp.issuer, created=entry.at, names=(unit.name,),
    )


def escalation_doc(snap: rules.Snapshot, unit: models.Unit, previous: list[rules.NoticeState],
                   entry: models.Notice, esc: models.Escalate) -> OfficialDoc:
    """The report to 市领导: each earlier notice with what became of it by the day of this one
    (snap is the state just before this notice), then this notice and the unit's own gaps."""
    project = snap.project
    camp = project.plan.campaign
    threshold = project.plan.policy.escalation_threshold
    day = entry.date
    n = len(previous) + 1
    # since layout 3 a later report names the ones sent before it on the unit (the leaders read
    # that this is not the first), as the record held them when this notice was sent
    earlier = ""
    if esc.layout >= 3 and snap.units[unit.id].escalations:
        sent = [f"{cn_date(e.date)}" + (f"以{e.doc_no}" if e.doc_no else "") for e in snap.units[unit.id].escalations]
        earlier = f"此前已于{'、'.join(sent)}报告，本次为第{len(sent) + 1}次报告。"
    # since layout 4 each notice's 督办事项 name its tasks and problems (the leaders do not read
    # task ids), and a unit noticed on problems alone is said to fail at rectifying them
    v4 = esc.layout >= 4
    sent = [ns.notice for ns in previous] + [entry]
    cited = _cited_problems(project, sent) if v4 else {}
    failing = "承担的创城任务推进不力"
    if v4 and not any(e.tasks for e in sent):
        failing = "创城工作中存在的问题整改不力"
    elif v4 and any(cited[p].task not in e.tasks for e in sent for p in e.problems if p in cited):
        failing = "承担的创城任务推进和问题整改不力"

    def matters(e: models.Notice) -> str:
        if not v4:
            return '、'.join(e.tasks) or e.reason
        tasks = [f"{t}（{project.task(t).label}）" if project.task(t) is not None else t for t in e.tasks]
        # a problem on one of the notice's tasks is said with that task (its gap is the task's)
        loose = [f"问题{p}（{cited[p].place}）整改不力" if p in cited else f"问题{p}整改不力"
                 for p in e.problems if p not in cited or cited[p].task not in e.tasks]
        return "、".join(tasks + loose + ([e.reason.rstrip("。")] if e.reason and not e.tasks else [])) or "见督办通知"

    blocks = [Block("para", f"按照{camp.name.removesuffix('工作')}工作部署，{camp.group}对各责任单位任务推进情况实行清单化管理和督办。"
                            f"{unit.name}（主要负责人：{unit.head.name}{unit.head.title}；分管领导："
                            f"{unit.deputy.name}{unit.deputy.title}）{failing}，截至{cn_date(day)}"
                            f"已被督办{n}次。{earlier}现将有关情况报告如下。"),
              Block("h1", "一、督办情况")]
    # since layout 2 the report also says which notices were forced (sent while an earlier one was
    # open: --force --reason) and when a reply waits past the lead unit's review time: the leaders
    # who read it are told of the lead unit's part too
    v2 = esc.layout >= 2
    review = project.plan.policy if v2 else None
    if review is not None and review.workdays and not v4:  # counted in calendar days before layout 4
        review = review.model_copy(update={"workdays": False})
    moved = esc.layout >= 5  # since layout 5 a review time in calendar days ends on a working day

    def kind(e, rank: int) -> str:
        if not v2 or rank == e.seq:
            return f"第{e.seq}次督办，{e.level}色" + ("，强制督办" if v2 and e.forced else "")
        # counted by its place among those that count: an earlier notice voided since it was sent,
        # or (said so since layout 6; before, as if voided) one sent on another branch, merged, or
        # one void when this was sent and restored since
        moved = (rules.seq_note(e, rank, rules.restored_before(snap.project, e, sent[:rank - 1])) if esc.layout >= 6
                 else f"发文时为第{e.seq}次、{e.level}色，此前的通知作废后重计")
        return f"第{rank}次督办，{rules.notice_level(rank)}色" + ("，强制督办" if e.forced else "") + "；" + moved

    for i, ns in enumerate(previous, 1):
        e = ns.notice
        blocks.append(Block("para", f"{i}. {cn_date(e.date)}，{e.doc_no}（{kind(e, i)}），"
                                    f"督办事项：{matters(e)}；整改期限{cn_date(e.deadline)}；"
                                    f"{notice_outcome(ns, day, review, moved, esc.layout >= 6)}。"))
    blocks.append(Block("para", f"{n}. {cn_date(entry.date)}，{entry.doc_no}（{kind(entry, n)}），"
                                f"督办事项：{matters(entry)}；整改期限{cn_date(entry.deadline)}。"))
    blocks.append(Block("h1", "二、当前差距"))
    gaps = list(entry.gaps) + ([entry.reason] if entry.reason else [])
    for g in gaps or ["暂无红灯、黄灯任务，但督办事项整改未到位。"]:
        blocks.append(Block("para", g.rstrip("。") + "。"))
    blocks.append(Block("h1", "三、问效问责建议"))
    blocks.append(Block("para", f"根据{camp.group}督办规则，对累计督办{threshold}次的单位负责人应及时报告市领导，并予以问效问责。"
                                f"建议由市领导约谈{unit.name}主要负责人{unit.head.name}同志，责令限期整改、书面说明情况；"
                                f"对整改仍不到位的，按照有关规定予以问效问责。"))
    # a 报告 asks for no instructions (党政机关公文处理工作条例: 报告不得夹带请示事项); the first
    # reports closed with 请示 wording, and reprint as they were sent
    blocks.append(Block("para", "特此报告。" if esc.layout >= 2 else "妥否，请批示。"))
    return OfficialDoc(
        issuer=camp.issuer, doc_no=esc.doc_no, title=f"关于{unit.name}创城工作督办情况的报告",
        recipient=project.plan.policy.escalate_to, blocks=tuple(blocks), signature=project.plan.documents.signature or camp.issuer,
        date=day, note=_contact_note(camp),
        copy_to=tuple(project.plan.documents.copy_to), printer=project.plan.documents.printer or camp.office,
        fonts=project.plan.documents.fonts, signer=project.plan.documents.signer, author=camp.issuer,
        created=entry.at, names=(unit.name,),
    )


def _cited_problems(project: models.Project, notices: list[models.Notice]) -> dict[str, models.Problem]:
    """The problem entries these notices cite, by id, read from the whole journal (a problem
    closed or voided since keeps its place and task: the report says what was cited)."""
    wanted = {p for e in notices for p in e.problems}
    found: dict[str, models.Problem] = {}
    for e in project.journal if wanted else ():
        if e.kind == "problem" and e.problem in wanted and e.problem not in found:
            found[e.problem] = e
    return found


def notice_outcome(ns: rules.NoticeState, day: dt.date, review: models.Policy | None = None,
                   moved: bool = True, reviewed_late: bool = True) -> str:
    """What became of an earlier notice by `day`: answered or not, on time or late, rejected,
    closed — each stated, since the report is what a unit head is held to account on.
    review: the policy whose review time (review_days, in 工作日 when workdays) a reply that has
    waited longer is said to have passed; None: not said (reports before layout 2). moved: see
    rules.review_over. reviewed_late: a 退回 or 销号 the lead unit made after its review time is
    said so too, as rules.late_reviews (and cc score) count it (reports before layout 6 did not:
    the leaders read of the unit's lateness and not of the lead unit's)."""
    parts = []
    last, closed_said = len(ns.rounds) - 1, False

    def late_review(reply, act) -> str:
        over = rules.review_over(review, reply.date, act.date, moved) if review is not None and reviewed_late else 0
        return f"牵头单位审核超过时限{over}天" if over else ""

    for k, (deadline, reply, reject) in enumerate(ns.rounds):
        if reply is None:
            continue
        late = (reply.date - deadline).days
        said = f"{cn_date(reply.date)}反馈" + (f"（超过整改期限{late}天）" if late > 0 else "（按期）")
        if reject is not None:
            over = late_review(reply, reject)
            said += (f"，{cn_date(reject.date)}退回整改（新的整改期限{cn_date(reject.deadline)}"
                     + (f"；{over}" if over else "") + "）")
        elif k == last and ns.closed is not None:  # the reply the 销号 ends the wait of (rules.late_reviews)
            over = late_review(reply, ns.closed)
            said += f"，{cn_date(ns.closed.date)}审核销号" + (f"（{over}）" if over else "")
            closed_said = True
        parts.append(said)
    if ns.closed is not None:
        if not closed_said:
            parts.append(f"{cn_date(ns.closed.date)}审核销号")
    elif ns.pending is not None:
        waited = (day - ns.pending.date).days
        over = rules.review_over(review, ns.pending.date, day, moved) if review is not None else 0
        if over:
            parts.append(f"反馈待牵头单位审核（已等待{waited}天，超过审核时限{over}天，牵头单位逾期）")
        else:
            parts.append("反馈待审核")
    elif day > ns.deadline:
        parts.append(f"{'退回后' if ns.rejects else ''}逾期{(day - ns.deadline).days}天未反馈")
    else:
        parts.append("整改期限未到，尚未反馈")
    return "，".join(parts)


def before(project: models.Project, entry) -> rules.Snapshot:
    """The group's state just before entry took effect, on its day (for reprinting)."""
    order = project.order
    position = next(k for k, i in enumerate(order) if project.journal[i] is entry)
    earlier = models.Project(project.plan, project.units, [project.journal[i] for i in order[:position]])
    return rules.snapshot(earlier, entry.date)


def documents_of(project: models.Project, entry: models.Notice,
                 voided: dict | None = None) -> list[tuple[OfficialDoc, str]]:
    """A recorded notice's documents, made again from the journal: the notice, and the report to
    市领导 when this notice triggered one, unless the report is voided (voided: entry id → its
    Void, the snapshot's). (doc, recorded file)."""
    unit = project.unit(entry.unit)
    assert unit is not None
    where = f"notices/{entry.year}"  # for records made before file paths were recorded
    out = [(notice_doc(project, entry),
            entry.file or f"{where}/{safe_file_name(f'{entry.doc_no}_{unit.name}督办通知.docx')}")]
    esc = rules.triggered_escalation(project, entry)
    if esc is not None and esc.id not in (voided or {}):
        snap = before(project, entry)
        previous = list(snap.units[unit.id].notices)
        name = f"关于{unit.name}创城工作督办情况的报告.docx"
        out.append((escalation_doc(snap, unit, previous, entry, esc),
                    esc.file or f"{where}/{safe_file_name(f'{esc.doc_no or entry.doc_no}_{name}')}"))
    return out


def _contact_note(camp) -> str:
    """The 附注: the office's contact, and the phone when tasklist.yaml gives one (an empty 联系电话：
    was printed without it, found by a try of a new group)."""
    phone = camp.contact.phone.strip()
    return f"（联系人：{camp.contact.name}" + (f"；联系电话：{phone}）" if phone else "）")
