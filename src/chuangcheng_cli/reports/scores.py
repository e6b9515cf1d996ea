"""Rows of the 综合评价 (domain/score.py) as plain data: what cc score --json prints and the table,
the xlsx sheet and the leaders' page show."""

from __future__ import annotations

from ..domain import rules, score


def weights(snap: rules.Snapshot) -> dict:
    return snap.project.plan.score.model_dump()


def component_row(c: score.Component) -> dict:
    return {"key": c.key, "name": c.name, "count": c.count, "of": c.of, "rate": c.rate, "weight": c.weight,
            "points": c.points, "items": list(c.items), "explain": c.explain()}


def score_rows(snap: rules.Snapshot) -> list[dict]:
    """One row per unit, best first, with every component (those that cost nothing too)."""
    project = snap.project
    return [{
        "rank": s.rank,
        "id": s.unit.id,
        "name": s.unit.name,
        "short_name": project.unit_short(s.unit.id),
        "score": s.score,
        "deducted": s.deducted,
        "main": [c.key for c in s.main_deductions()],
        "components": [component_row(c) for c in s.components],
    } for s in score.scores(snap)]


def score_doc(snap: rules.Snapshot) -> dict:
    """What cc score --json prints."""
    return {"as_of": snap.today.isoformat(), "weights": weights(snap), "units": score_rows(snap)}


def deduction_text(row: dict, limit: int | None = None, sep: str = "；") -> str:
    """红灯任务2项 −10；报告市领导1次 −10 … (the main deductions, or all with limit None)."""
    costly = [c for c in row["components"] if c["points"] > 0]
    costly.sort(key=lambda c: -c["points"])
    parts = [short_line(c) for c in costly[:limit] if c]
    return sep.join(parts) or "无扣分"


def short_line(c: dict) -> str:
    if c["of"] is None:
        unit = score.UNITS[c["key"]]
        return f"{c['name']}{c['count']}{unit} −{score.number(c['points'])}"
    return f"{c['name']}{percent_of(c)} −{score.number(c['points'])}"


def percent_of(c: dict) -> str:
    """The rate a component shows (its rate: 按期整改率 as achieved, 75%), or — without one."""
    from ..domain.problemlist import percent

    if not c["of"]:
        return "—"
    return percent(c["rate"])
