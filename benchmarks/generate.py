"""Generate a synthetic but valid city-scale data folder (units.yaml, tasklist.yaml, journal.jsonl).

Deterministic: everything comes from random.Random(seed); the clock is never read.

    python benchmarks/generate.py OUT_DIR [--groups 12] [--tasks 1000] [--units 200]
                                          [--entries 100000] [--seed 1] [--problems 0]
    python benchmarks/generate.py OUT_DIR --scale N

--problems N adds a 问题清单 on top: N problems found in the campaign's last year (2025), each
with its lifecycle (整改完成 → 复查 passed, some 返工 once, some 延期, some still open and overdue):
about 3.3 journal lines a problem. Off by default, so the sizes without it stay what they were.

--scale N means N times the bundled data folder (4 indicators, 14 tasks, 20 units, 150 entries):
    tasks   = 14·N
    units   = min(20·N, 200)          (a city has about 200 departments, not 2,000)
    groups  = min(4·N, 12)            (indicator groups; each group has 1..8 indicators)
    entries = 150·N
Explicit --groups/--tasks/--units/--entries given together with --scale override it.

The campaign runs 2023-04-14 to 2025-12-31 (the 3-year city run). Every generated folder passes
`cc validate` with exit code 0: all cross-references of checks.py hold, progress never decreases
without a `correction`, verifies follow a 100% report, notices are numbered consecutively per
year with seq/level consistent per unit (蓝 1, 黄 2, 红 ≥3), a unit is noticed again only when
cc notice would (its last notice's 整改期限 passed and no reply awaiting review: else another
unit that lags is), replies/closes/escalations refer to existing notices; problems are numbered W2025-00001… with year and number to match, each fix is
its own unit's, each 复查 follows a fix, each 延期 moves the 期限 later. Every dependent entry is
dated strictly after what it depends on, so the journal (sorted by date, then time) is
consistent at every prefix.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from pathlib import Path

START = dt.date(2023, 4, 14)
END = dt.date(2025, 12, 31)
SPAN = (END - START).days

BUNDLED = {"groups": 4, "tasks": 14, "units": 20, "entries": 150}

SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
            "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段")
DEPTS = ("司法", "公安", "民政", "人社", "住建", "教育", "卫健", "财政", "商务", "文旅", "交通", "水务",
         "城管", "生态环境", "自然资源", "应急管理", "市场监管", "统计", "审计", "农业农村", "科技", "工信",
         "退役军人事务", "医保", "林业", "体育", "信访", "金融", "数据", "乡村振兴")
SECTION_NAMES = ("办公室", "法规科", "综合科", "政策法规科", "执法监督科", "宣传教育科", "业务一科", "业务二科",
                 "审批服务科", "督查科", "规划科", "财务科")
GROUP_NAMES = ("法治宣传教育", "公共法律服务", "公正司法", "市场主体权益保护", "劳动者权益保障", "基层民主法治",
               "特殊群体权益保障", "行政执法规范", "社会治安综合治理", "矛盾纠纷化解", "法治政府建设", "诚信建设",
               "网络空间治理", "生态环境法治", "安全生产法治", "民族宗教事务")
TASK_VERBS = ("健全", "完善", "推进", "落实", "深化", "规范", "加强", "开展")
TASK_OBJECTS = ("普法责任制", "法治文化阵地", "法律援助", "人民调解", "诉讼服务", "消费维权", "欠薪治理",
                "社区自治", "社会组织管理", "未成年人保护", "执法公示", "信用信息公示", "知识产权保护",
                "矛盾纠纷排查", "法治宣传栏", "公共法律服务站", "劳动争议调解", "村规民约")
PROBLEM_SOURCES = ("自查", "互查", "督查", "暗访", "测评反馈", "群众反映", "媒体曝光")
PLACES = ("人民路与解放路交叉口", "中山公园东门", "火车站广场", "滨江路农贸市场", "文化路社区", "实验小学周边",
          "长途汽车站", "建设路公交站台", "城南老旧小区", "商业步行街")
FLAWS = ("共享单车乱停放，占用盲道", "公益广告破损未更换", "垃圾分类桶满溢未清运", "店外经营占道",
         "围挡破损、宣传画褪色", "公厕无人保洁、缺少洗手液", "车辆乱停乱放", "绿化带内堆放杂物", "路面坑洼积水",
         "志愿服务站无人值守")
NOTES = ("按计划推进，已完成阶段性工作。", "召开专题会议部署，细化工作方案。", "开展实地督查，发现问题已立行立改。",
         "完成台账整理，材料已归档。", "组织培训一次，覆盖全部责任科室。", "推进中，部分指标已达到测评要求。",
         "与配合单位联合检查，问题清单已下发。", "专项行动开展中，进度符合序时要求。")


def scale_args(n: int) -> dict:
    return {"groups": min(4 * n, 12), "tasks": 14 * n, "units": min(20 * n, 200), "entries": 150 * n}


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(("某", "某某"))


def phone(rng: random.Random) -> str:
    return f"0000-6{rng.randrange(10**7):07d}"


def q(text: str) -> str:
    """A YAML scalar: a JSON string is a valid YAML double-quoted scalar."""
    return json.dumps(text, ensure_ascii=False)


# ------------------------------------------------------------------ units


def make_units(rng: random.Random, n: int) -> list[dict]:
    width = max(3, len(str(n)))
    units = []
    for i in range(1, n + 1):
        dept = DEPTS[(i - 1) % len(DEPTS)]
        sections = rng.sample(SECTION_NAMES, rng.randint(1, 3))
        units.append({
            "id": f"u{i:0{width}d}",
            "name": f"市{dept}局{i}",
            "short_names": [f"{dept}局{i}"],
            "head": {"name": person(rng), "title": "局长"},
            "deputy": {"name": person(rng), "title": "副局长"},
            "liaison": {"name": person(rng), "title": "办公室科员", "phone": phone(rng)},
            "sections": [{"name": s, "head": person(rng), "phone": phone(rng)} for s in sections],
        })
    return units


def units_yaml(units: list[dict]) -> str:
    out = ["# 合成数据（benchmarks/generate.py 生成），单位名称、人名、电话均为虚构。", "units:"]
    for u in units:
        out.append(f"  - id: {u['id']}")
        out.append(f"    name: {q(u['name'])}")
        out.append(f"    short_names: [{', '.join(q(s) for s in u['short_names'])}]")
        for role in ("head", "deputy", "liaison"):
            p = u[role]
            out.append(f"    {role}:")
            for key, value in p.items():
                out.append(f"      {key}: {q(value)}")
        out.append("    sections:")
        for s in u["sections"]:
            out.append(f"      - name: {q(s['name'])}")
            out.append(f"        head: {q(s['head'])}")
            out.append(f"        phone: {q(s['phone'])}")
    return "\n".join(out) + "\n"


# --------------------------------------------------------------- tasklist


def make_plan(rng: random.Random, n_groups: int, n_tasks: int, units: list[dict]) -> tuple[list[dict], list[dict]]:
    if n_tasks < 1:
        raise SystemExit("--tasks must be at least 1")
    per_group = max(1, min(8, -(-n_tasks // (n_groups * 15))))
    indicators = []
    for g in range(1, n_groups + 1):
        gname = GROUP_NAMES[(g - 1) % len(GROUP_NAMES)]
        for k in range(1, per_group + 1):
            indicators.append({
                "id": f"G{g:02d}-I{k:02d}",
                "name": f"{gname}（{k}）",
                "content": f"{gname}第{k}项测评内容：按照全国文明城市测评体系要求落实。",
                "method": rng.choice(("材料审核", "实地考察", "材料审核、实地考察", "问卷调查、材料审核")),
            })
    indicators = indicators[:n_tasks]  # every indicator gets at least one task
    unit_ids = [u["id"] for u in units]
    width = max(4, len(str(n_tasks)))
    tasks = []
    for i in range(n_tasks):
        ind = indicators[i % len(indicators)]
        lead = unit_ids[i] if i < len(unit_ids) else rng.choice(unit_ids)
        n_co = rng.choice((0, 0, 1, 1, 2, 3))
        co = [u for u in rng.sample(unit_ids, min(len(unit_ids), n_co + 1)) if u != lead][:n_co]
        deadline = START + dt.timedelta(days=rng.randint(min(120, SPAN), SPAN))
        milestones = []
        if rng.random() < 0.4:
            room = (deadline - START).days - 1
            count = min(rng.randint(1, 3), max(room, 0))
            days = sorted(rng.sample(range(1, room + 1), count)) if count else []
            pcts = sorted(rng.sample(range(5, 96), len(days)))
            milestones = [{"date": START + dt.timedelta(days=d), "percent": p} for d, p in zip(days, pcts)]
        obj = rng.choice(TASK_OBJECTS)
        tasks.append({
            "id": f"T{i + 1:0{width}d}",
            "indicator": ind["id"],
            "title": f"{rng.choice(TASK_VERBS)}{obj}工作，确保达到测评要求（第{i + 1}项）。",
            "short_title": f"{obj}{i + 1}",
            "requirement": f"按期完成{obj}各项工作，台账齐全，测评达标。",
            "lead": lead,
            "co_units": co,
            "deadline": deadline,
            "milestones": milestones,
            "materials": [f"{obj}工作台账", "工作照片及记录"],
        })
    # units not yet on any task (fewer tasks than units) become co-units, so each unit owns a task
    owned = {u for t in tasks for u in (t["lead"], *t["co_units"])}
    spare = [u for u in unit_ids if u not in owned]
    for j, uid in enumerate(spare):
        tasks[j % len(tasks)]["co_units"].append(uid)
    return indicators, tasks


def tasklist_yaml(indicators: list[dict], tasks: list[dict], lead_unit: str, contact: str) -> str:
    out = [
        "# 合成数据（benchmarks/generate.py 生成）。",
        "campaign:",
        f"  name: {q('2023—2025年创建全国文明城市工作（合成数据）')}",
        f"  group: {q('法治环境工作推进组')}",
        f"  lead_unit: {lead_unit}",
        "  year: 2023",
        f"  start: {START}",
        f"  end: {END}",
        f"  issuer: {q('市创建全国文明城市指挥部法治环境工作推进组')}",
        f"  office: {q('法治环境工作推进组办公室')}",
        "  contact:",
        f"    name: {q(contact)}",
        f"    title: {q('推进组办公室联络员')}",
        '    phone: "0000-60000100"',
        "  office_staff:",  # the contact records the office's acts (authority.py)
        f"    - {q(contact)}",
        "policy:",
        "  escalation_threshold: 3",
        "  report_interval_days: 30",
        "  lag_threshold: 10",
        "  rectification_days: 10",
        "  notice_prefix: 法治督",
        "indicators:",
    ]
    for ind in indicators:
        out.append(f"  - id: {ind['id']}")
        for key in ("name", "content", "method"):
            out.append(f"    {key}: {q(ind[key])}")
    out.append("tasks:")
    for t in tasks:
        out.append(f"  - id: {t['id']}")
        out.append(f"    indicator: {t['indicator']}")
        for key in ("title", "short_title", "requirement"):
            out.append(f"    {key}: {q(t[key])}")
        out.append(f"    lead: {t['lead']}")
        if t["co_units"]:
            out.append(f"    co_units: [{', '.join(t['co_units'])}]")
        out.append(f"    deadline: {t['deadline']}")
        if t["milestones"]:
            out.append("    milestones:")
            for m in t["milestones"]:
                out.append(f"      - date: {m['date']}")
                out.append(f"        percent: {m['percent']}")
        out.append("    materials:")
        for m in t["materials"]:
            out.append(f"      - {q(m)}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- journal


class Journal:
    """Collects entries as (date, minute, dict); ids unique, `at` on the same day, +08:00."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.rows: list[tuple] = []
        self.ids: set[str] = set()

    def add(self, day: dt.date, kind: str, by: str, minute: int | None = None, **fields) -> None:
        rng = self.rng
        while True:
            eid = f"{day:%Y%m%d}-{rng.getrandbits(32):08x}"
            if eid not in self.ids:
                break
        self.ids.add(eid)
        if minute is None:
            minute = rng.randint(8 * 60 + 30, 17 * 60 + 59)
        entry = {"id": eid, "kind": kind, "date": day.isoformat(),
                 "at": f"{day.isoformat()}T{minute // 60:02d}:{minute % 60:02d}:00+08:00", "by": by}
        entry.update(fields)
        self.rows.append((day, minute, len(self.rows), entry))

    def lines(self) -> list[str]:
        self.rows.sort(key=lambda r: r[:3])
        return [json.dumps(r[3], ensure_ascii=False, separators=(",", ":")) for r in self.rows]


def day(offset: int) -> dt.date:
    return START + dt.timedelta(days=offset)


def make_journal(rng: random.Random, units: list[dict], tasks: list[dict], n_entries: int,
                 contact: str, problems: int = 0) -> list[str]:
    j = Journal(rng)
    by_id = {u["id"]: u for u in units}
    liaison = {u["id"]: u["liaison"]["name"] for u in units}
    n_tasks = len(tasks)
    budget = n_entries

    # 1. assignments: every lead first, then co-units, within the first weeks
    pairs = [(t, t["lead"]) for t in tasks] + [(t, c) for t in tasks for c in t["co_units"]]
    n_assign = min(len(pairs), max(min(n_tasks, budget // 3), budget // 50), budget)
    assigned_on: dict[str, int] = {}
    for t, uid in pairs[:n_assign]:
        off = rng.randint(3, 30)
        assigned_on.setdefault(t["id"], off)
        s = rng.choice(by_id[uid]["sections"])
        j.add(day(off), "assign", liaison[uid], task=t["id"], unit=uid, section=s["name"],
              person=s["head"], phone=s["phone"])
    budget -= n_assign

    # 2. notices (≈1 per 100 entries) with replies, closes (all but some of the last weeks') and
    # one escalation per unit at seq 3
    n_notice = min(budget // 3, n_entries // 100)
    tasks_of: dict[str, list[str]] = {}
    for t in tasks:
        tasks_of.setdefault(t["lead"], []).append(t["id"])
    leads = sorted(tasks_of)
    troubled = rng.sample(leads, max(1, len(leads) // 3)) if leads else []
    plan = []
    for _ in range(n_notice):
        uid = rng.choice(troubled) if rng.random() < 0.7 else rng.choice(leads)
        plan.append((rng.randint(60, SPAN - 40), rng.random(), uid))
    plan.sort()
    numbers: dict[int, int] = {}
    seqs: dict[str, int] = {}
    refs_of: dict[str, list[str]] = {}
    levels = ("蓝", "黄", "红")
    extra = 0
    same_day: dict[int, int] = {}
    # days each unit cannot be noticed again (cc notice refuses it, and cc validate names a notice
    # sent so: notice-while-open): its notice's 整改期限 not come, or its reply awaiting review
    blocked: dict[str, list[tuple[int, float]]] = {}

    def free(uid: str, off: int) -> bool:
        return not any(a <= off <= b for a, b in blocked.get(uid, ()))

    for off, _, uid in plan:
        if not free(uid, off):  # another unit that lags, or none that day
            others = [u for u in leads if free(u, off)]
            if not others:
                extra -= 1  # not sent
                continue
            uid = rng.choice(others)
        d = day(off)
        same_day[off] = same_day.get(off, -1) + 1  # notices of one day keep their number order
        numbers[d.year] = numbers.get(d.year, 0) + 1
        num = numbers[d.year]
        seq = seqs[uid] = seqs.get(uid, 0) + 1
        ref = f"{d.year}-{num}"
        refs_of.setdefault(uid, []).append(ref)
        picked = rng.sample(tasks_of[uid], min(len(tasks_of[uid]), rng.randint(1, 2)))
        j.add(d, "notice", contact, minute=9 * 60 + same_day[off], year=d.year, number=num,
              doc_no=f"法治督〔{d.year}〕{num}号", unit=uid,
              seq=seq, level=levels[min(seq, 3) - 1], tasks=picked,
              gaps=[f"{t}进度低于序时进度" for t in picked], reason="任务推进缓慢，进度明显低于序时进度。",
              deadline=(d + dt.timedelta(days=10)).isoformat())
        if seq == 3:
            j.add(d + dt.timedelta(days=1), "escalate", contact, unit=uid, notices=list(refs_of[uid]),
                  note="累计3次被督办，已报告市领导，建议问效问责。")
            extra += 1
        blocked.setdefault(uid, []).append((off, off + 10))
        if rng.random() < 0.8:
            back = rng.randint(1, 15)
            r = d + dt.timedelta(days=back)
            j.add(r, "reply", liaison[uid], notice=ref, unit=uid,
                  note=f"关于法治督〔{d.year}〕{num}号督办通知的整改情况报告：已完成整改。")
            extra += 1
            # the office reviews a reply within days (cc notice refuses the unit another notice
            # while one waits): only those of the last weeks may still wait at the journal's end
            if off < SPAN - 70 or rng.random() < 0.75:
                closed = rng.randint(1, 5)
                j.add(r + dt.timedelta(days=closed), "close", contact, notice=ref,
                      note="经核查已按要求完成整改，予以销号。")
                extra += 1
                blocked[uid].append((off + back, off + back + closed))  # its day: the close may come after
            else:
                blocked[uid].append((off + back, float("inf")))
    budget -= n_notice + extra

    # 3. outcomes per task: verified (some reopened and verified again) or still in progress
    order = sorted(tasks, key=lambda t: t["deadline"])
    n_verified = min(int(0.6 * n_tasks), max(budget, 0) // 4)
    n_reopen = min(int(0.05 * n_tasks) if n_tasks >= 20 else (1 if n_verified >= 2 else 0),
                   n_verified, max(budget, 0) // 20)
    verified = {t["id"] for t in order[:n_verified]}
    reopened = set(rng.sample(sorted(verified), n_reopen))
    budget -= n_verified + 2 * n_reopen  # verify (+ reopen and a second verify)
    # each verified task needs its 100% report (reopened: two); the rest is spread evenly
    need = {t["id"]: (2 if t["id"] in reopened else 1) if t["id"] in verified else 0 for t in tasks}
    progress_total = max(budget, 0)
    if progress_total < sum(need.values()):
        raise SystemExit("--entries too small for the number of tasks")
    reports = dict(need)
    rest = progress_total - sum(need.values())
    base, more = divmod(rest, n_tasks)
    lucky = set(rng.sample(range(n_tasks), more))
    for i, t in enumerate(tasks):
        reports[t["id"]] += base + (1 if i in lucky else 0)

    for t in tasks:
        tid = t["id"]
        k = reports[tid]
        first = assigned_on.get(tid, 2) + 1
        units_on = [t["lead"], *t["co_units"]]
        if tid in verified:
            dl = (t["deadline"] - START).days
            done_off = max(first + k + 1, min(dl + rng.randint(-30, 10), SPAN - 80))
            done_off = min(done_off, SPAN - 80)
            main_k = k - (1 if tid in reopened else 0)
            pcts = sorted(rng.randint(0, 99) for _ in range(main_k - 1)) + [100]
            window = (first, done_off)
        else:
            final = 100 if rng.random() < 0.1 else rng.randint(10, 99)
            main_k = k
            pcts = sorted(rng.randint(0, final) for _ in range(k - 1)) + [final] if k else []
            window = (first, SPAN - rng.randint(0, 6))
        lo, hi = window
        count = len(pcts)
        if count > hi - lo + 1:  # more reports than days: widen to the whole campaign
            lo = min(lo, max(1, hi - count + 1))
            if count > hi - lo + 1:
                raise SystemExit("--entries too large: more reports than days for a task")
        offs = sorted(rng.sample(range(lo, hi), count - 1)) + [hi] if count else []
        prev = None
        for n, (off, pct) in enumerate(zip(offs, pcts)):
            uid = t["lead"] if rng.random() < 0.85 else rng.choice(units_on)
            fields = {"task": tid, "unit": uid, "percent": pct, "note": rng.choice(NOTES)}
            if prev is not None and 10 <= prev < 100 and n < count - 1 and rng.random() < 0.01:
                fields["percent"] = pct = prev - rng.randint(5, 10)
                fields["correction"] = "上次报送误将计划数计入完成数，予以更正。"
            elif rng.random() < 0.05:
                fields["evidence"] = [f"台账/{tid}/工作记录（第{n + 1}次）.pdf"]
            if rng.random() < 0.03:
                fields["problem"] = "台账材料不够规范，已立行立改。"
            j.add(day(off), "progress", liaison[uid], **fields)
            prev = pct
        if tid in verified:
            v = hi + rng.randint(1, 7)
            j.add(day(v), "verify", contact, task=tid, note="经审核台账材料并实地抽查，达到测评要求，予以验收销号。")
            if tid in reopened:
                r = v + rng.randint(3, 20)
                j.add(day(r), "reopen", contact, task=tid, reason="实地抽查发现台账不全，不符合测评要求，退回重办。")
                p = r + rng.randint(5, 30)
                j.add(day(p), "progress", liaison[t["lead"]], task=tid, unit=t["lead"], percent=100,
                      note="退回问题已全部整改到位，再次报送办结。")
                j.add(day(p + rng.randint(1, 7)), "verify", contact, task=tid, note="经复查，予以验收销号。")
    added = add_problems(j, rng, units, tasks, problems, contact) if problems else 0
    lines = j.lines()
    assert len(lines) == n_entries + added, (len(lines), n_entries, added)
    return lines


def add_problems(j: Journal, rng: random.Random, units: list[dict], tasks: list[dict], n: int,
                 contact: str) -> int:
    """n problems found in 2025 and what followed each; the number of entries added."""
    first, last = dt.date(2025, 1, 2), END
    liaison = {u["id"]: u["liaison"]["name"] for u in units}
    tasks_of: dict[str, list[str]] = {}
    for t in tasks:
        for uid in (t["lead"], *t["co_units"]):
            tasks_of.setdefault(uid, []).append(t["id"])
    unit_ids = [u["id"] for u in units]
    days = sorted(first + dt.timedelta(days=rng.randint(0, (last - first).days - 5)) for _ in range(n))
    width = max(4, len(str(n)))
    count = 0

    def add(d: dt.date, kind: str, by: str, **fields) -> bool:
        nonlocal count
        if d > last:
            return False
        j.add(d, kind, by, **fields)
        count += 1
        return True

    for number, d in enumerate(days, 1):
        pid = f"W{d.year}-{number:0{width}d}"
        uid = rng.choice(unit_ids)
        source = rng.choice(PROBLEM_SOURCES)
        roll = rng.random()
        mode = "立行立改" if roll < 0.3 else ("限期整改" if roll < 0.9 else "长期整改")
        deadline = d + dt.timedelta(days=3 if mode == "立行立改" else 15) if mode != "长期整改" else last
        fields = {"problem": pid, "year": d.year, "number": number, "source": source,
                  "found": (d - dt.timedelta(days=rng.randint(0, 3))).isoformat(),
                  "found_by": "本单位自查" if source == "自查" else "市创城办" + source + "组",
                  "place": rng.choice(PLACES), "desc": rng.choice(FLAWS) + "。", "unit": uid}
        if rng.random() < 0.5 and tasks_of.get(uid):
            fields["task"] = rng.choice(tasks_of[uid])
        fields["mode"] = mode
        fields["deadline"] = deadline.isoformat()
        if mode == "长期整改":
            fields["plan"] = "分三个阶段整改：排查、集中整治、巩固提升。"
        add(d, "problem", liaison[uid] if source == "自查" else contact, **fields)
        at = d
        if rng.random() < 0.1:  # 延期, approved before the 期限 runs out
            at = d + dt.timedelta(days=1)
            deadline = deadline + dt.timedelta(days=rng.randint(10, 30))
            if not add(at, "extend", contact, problem=pid, deadline=deadline.isoformat(), reason="涉及施工审批，申请延期。"):
                continue
        if rng.random() < 0.2:  # still open: overdue once its 期限 has passed
            continue
        for attempt in range(2):
            at = at + dt.timedelta(days=rng.randint(1, 20 if attempt == 0 else 12))
            if not add(at, "fix", liaison[uid], problem=pid, unit=uid, note="已按要求整改到位。"):
                break
            at = at + dt.timedelta(days=rng.randint(1, 5))
            passed = attempt == 1 or rng.random() < 0.85
            extra = {} if passed else {"deadline": (at + dt.timedelta(days=10)).isoformat()}
            if not add(at, "recheck", contact, problem=pid, passed=passed,
                       note="经复查已整改到位，予以销号。" if passed else "复查发现整改不彻底，退回返工。", **extra):
                break
            if passed:
                break
    return count


# ------------------------------------------------------------------- main


def generate(out_dir: Path, groups: int, tasks: int, units: int, entries: int, seed: int, problems: int = 0) -> Path:
    rng = random.Random(seed)
    unit_list = make_units(rng, units)
    contact = person(rng)
    indicators, task_list = make_plan(rng, groups, tasks, unit_list)
    lines = make_journal(rng, unit_list, task_list, entries, contact, problems)
    data = out_dir / "data"
    data.mkdir(parents=True, exist_ok=True)
    (data / "units.yaml").write_text(units_yaml(unit_list), encoding="utf-8")
    (data / "tasklist.yaml").write_text(tasklist_yaml(indicators, task_list, unit_list[0]["id"], contact),
                                        encoding="utf-8")
    (data / "journal.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return data


def last_date(data: Path) -> str:
    """The date of the last journal entry (the journal is sorted by date)."""
    with open(data / "journal.jsonl", "rb") as fh:
        fh.seek(max(0, fh.seek(0, 2) - 4096))
        tail = fh.read().decode("utf-8", errors="replace").strip().splitlines()[-1]
    return json.loads(tail)["date"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--scale", type=int, help="N× the bundled data (14·N tasks, min(20·N,200) units, "
                                              "min(4·N,12) groups, 150·N entries)")
    ap.add_argument("--groups", type=int)
    ap.add_argument("--tasks", type=int)
    ap.add_argument("--units", type=int)
    ap.add_argument("--entries", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--problems", type=int, default=0,
                    help="also a 问题清单 of this many problems found in 2025, with their lifecycle (default none)")
    args = ap.parse_args(argv)
    sizes = scale_args(args.scale) if args.scale else {"groups": 12, "tasks": 1000, "units": 200,
                                                        "entries": 100_000}
    for key in sizes:
        if getattr(args, key) is not None:
            sizes[key] = getattr(args, key)
    if min(sizes.values()) < 1:
        ap.error("sizes must be at least 1")
    data = generate(args.out_dir, seed=args.seed, problems=args.problems, **sizes)
    print(f"{data}: {sizes['groups']} groups, {sizes['tasks']} tasks, {sizes['units']} units, "
          f"{sizes['entries']} entries" + (f" and {args.problems} problems" if args.problems else "")
          + f"; last journal date {last_date(data)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
