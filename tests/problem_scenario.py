"""A hand-built journal with known problem-list and score figures, on the bundled plan and units.

As of 2023-07-31 (the weekly brief's week: 2023-07-25 — 2023-07-31):

- every task has one progress report on 2023-07-20 at its 序时进度 of 2023-07-31, except T08
  (人社局, 10%: yellow, behind 序时进度) and T09 (人社局, 45% against 52%: on pace);
- 督办通知 法治督〔2023〕1号 to 人社局 (蓝) on 2023-07-10 about T09, 整改期限 2023-07-20, never
  answered: T09 is red for 人社局 (not for 住建局, its co-unit); a second notice (2号, 黄) was
  voided and counts nowhere;
- 人社局's problems:
    W2023-0001 暗访, 期限 6月30日; fixed 6月25日, 复查 failed 6月28日 (new 期限 7月10日), fixed
               7月5日, passed 7月8日: closed on time, reworked;
    W2023-0002 期限 7月15日, never fixed: overdue 16 days;
    W2023-0003 期限 7月20日, fixed 7月18日, awaiting 复查 13 days: the lead unit's late item;
    W2023-0004 期限 7月10日, extended on 7月9日 to 7月25日, fixed 7月24日, passed 7月26日: on time;
    W2023-0007 overdue, voided on 7月30日: counts nowhere.
  So 4 problems, 2 closed (both on time), 1 awaiting 复查, 1 overdue; 应结案 3, 按期 2:
  按期结案率 2/3, 结案率 2/3; 返工率 1/2 (W2023-0001 of the two rechecked); 延期率 1/4. The score's
  按期整改率 counts W2023-0003 too, by its fix (on time): 应完成整改 4, 按期 3.
- 民政局's problems:
    W2023-0005 on T10, recorded 7月20日, 期限 7月27日, fixed 7月26日, 复查 failed 7月28日
               (new 期限 8月4日): in 返工 this week, not overdue, yet 应结案 (past its own 期限,
               not 销号: a 返工's 期限 does not take a problem out, problemlist.ProblemState.due_by);
    W2023-0006 recorded 7月27日 (new this week), 期限 8月10日, extended on 7月29日 to 8月20日.
  返工率 1/1, 延期率 1/2, 应结案 1 (W2023-0005): 结案率 0/1, 按期结案率 0/1.
All six: 应结案 4, 销号 2 (both on time): 结案率 and 按期结案率 2/4.

Scores (default weights): 人社局 100 − 5 (T09 red) − 2 (T08 yellow) − 2 (notice 蓝) − 2 (one
overdue problem) − 2.5 (10 × 1/4) − 2.5 (5 × 1/2) = 84; 民政局 100 − 5 (返工率 100%) = 95 (T10
is yellow for W2023-0005 alone, counted in the rates, not again as a yellow task); 市司法局
100 − 1 (W2023-0003 awaiting its 复查 past review_days) = 99; every other unit 100.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from helpers import DATA

AS_OF = dt.date(2023, 7, 31)
OFFICE = "周某某"
LIAISONS = {"sfj": "吴某某", "zy": "郑某某", "xcb": "韩某某", "tzb": "孔某某", "scjgj": "苏某某", "rsj": "范某某",
            "mzj": "贺某某"}


def _line(kind: str, day: str, n: int, by: str = OFFICE, **fields) -> dict:
    return {"id": f"{day.replace('-', '')}-{n:08x}", "kind": kind, "date": day, "at": f"{day}T10:{n % 60:02d}:00+08:00",
            "by": by, **fields}


def entries() -> list[dict]:
    from chuangcheng_cli.domain import models, rules
    from chuangcheng_cli.store.checks import load_checked

    plan = load_checked(DATA)[0].plan
    out: list[dict] = []
    n = 0

    def add(kind: str, day: str, by: str = OFFICE, **fields) -> dict:
        nonlocal n
        n += 1
        out.append(_line(kind, day, n, by, **fields))
        return out[-1]

    for task in plan.tasks:
        percent = {"T08": 10, "T09": 45}.get(task.id, rules.expected_percent(task, plan.campaign.start, AS_OF))
        add("progress", "2023-07-20", LIAISONS[task.lead], task=task.id, unit=task.lead, percent=percent,
            note="按计划推进。")

    def problem(number: int, day: str, unit: str, deadline: str, **more) -> str:
        pid = f"W2023-{number:04d}"
        add("problem", day, problem=pid, year=2023, number=number, source="暗访", found=day,
            place=f"点位{number}", desc=f"问题{number}", unit=unit, mode="限期整改", deadline=deadline, **more)
        return pid

    def fix(pid: str, day: str, unit: str) -> None:
        add("fix", day, LIAISONS[unit], problem=pid, unit=unit, note="已整改。")

    def recheck(pid: str, day: str, passed: bool, deadline: str | None = None) -> None:
        fields = {"deadline": deadline} if deadline else {}
        add("recheck", day, problem=pid, passed=passed, note="复查通过。" if passed else "复查未通过。", **fields)

    p1 = problem(1, "2023-06-10", "rsj", "2023-06-30")
    fix(p1, "2023-06-25", "rsj")
    recheck(p1, "2023-06-28", False, "2023-07-10")
    p2 = problem(2, "2023-07-01", "rsj", "2023-07-15")
    p3 = problem(3, "2023-07-01", "rsj", "2023-07-20")
    p4 = problem(4, "2023-07-02", "rsj", "2023-07-10")
    fix(p1, "2023-07-05", "rsj")
    recheck(p1, "2023-07-08", True)
    add("extend", "2023-07-09", problem=p4, deadline="2023-07-25", reason="需重新制作公示牌。")
    add("notice", "2023-07-10", year=2023, number=1, doc_no="法治督〔2023〕1号", unit="rsj", seq=1, level="蓝",
        tasks=["T09"], gaps=["根治欠薪进度滞后"], deadline="2023-07-20")
    wrong = add("notice", "2023-07-11", year=2023, number=2, doc_no="法治督〔2023〕2号", unit="rsj", seq=2,
                level="黄", tasks=["T08"], gaps=["误发"], deadline="2023-07-21")
    add("void", "2023-07-11", entry=wrong["id"], reason="重复发文。")
    fix(p3, "2023-07-18", "rsj")
    p5 = problem(5, "2023-07-20", "mzj", "2023-07-27", task="T10")
    fix(p4, "2023-07-24", "rsj")
    fix(p5, "2023-07-26", "mzj")
    recheck(p4, "2023-07-26", True)
    p6 = problem(6, "2023-07-27", "mzj", "2023-08-10")
    recheck(p5, "2023-07-28", False, "2023-08-04")
    add("extend", "2023-07-29", problem=p6, deadline="2023-08-20", reason="涉及多部门协调。")
    p7 = problem(7, "2023-07-01", "rsj", "2023-07-05")
    add("void", "2023-07-30", entry=out[-1]["id"], reason="登记错误。")
    assert {p2, p7} and models  # ids used above only through the journal
    return out


def make_data(tmp_path: Path) -> Path:
    """A data folder: the bundled plan and units, and the journal above."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    lines = sorted(entries(), key=lambda e: (e["date"], e["at"]))
    (target / "journal.jsonl").write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in lines),
                                          encoding="utf-8")
    return target


def snapshot(tmp_path: Path, day: dt.date = AS_OF):
    from chuangcheng_cli.domain import rules
    from chuangcheng_cli.store.checks import load_checked

    project, warnings = load_checked(make_data(tmp_path))
    assert warnings == [], warnings
    return rules.snapshot(project, day)
