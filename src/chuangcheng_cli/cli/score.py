"""`cc score`: the 综合评价 of every unit (domain/score.py), as a table, one unit line by line, or JSON."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from .typer_app import app
from .common import AsOfOpt, DataOpt, console, find_data_dir, guarded, today
from .plain import print_json


@app.command(short_help="综合评价：每个单位的得分、排名和扣分明细。")
@guarded
def score(
    unit: Annotated[Optional[str], typer.Option(
        "--unit", "-u", help="只看某单位的逐项扣分：id、全称或简称均可，如 人社局。", show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON：每个单位的得分和每一项的计数、分值、扣分。")] = False,
    strict: Annotated[bool, typer.Option(
        "--strict", help="日志中有错误的记录时不显示结果，退出码 1（默认：跳过这些记录并在标准错误中提示）。")] = False,
    data: DataOpt = None,
    as_of: AsOfOpt = None,
):
    """综合评价：每个单位的得分、排名和扣分明细（任务灯色、督办、问题整改），分值在 tasklist.yaml 的 score 中设定。"""
    from . import plain
    from ..reports.rows import resolve_unit
    from ..reports.scores import score_doc

    where = find_data_dir(data)
    snap = plain.judged_snapshot(where, today(as_of, where), strict, "不评分（所有单位都会按从未报送扣分）")
    wanted = resolve_unit(snap.project, unit).id if unit is not None else None
    doc = score_doc(snap)
    if wanted:
        doc["units"] = [r for r in doc["units"] if r["id"] == wanted]
    if snap.left_out:  # in the output, not only on stderr: the score is what units are ranked by
        doc["left_out"] = snap.left_out
    if as_json:
        print_json(doc)
        return
    from ..reports.tables import score_table, score_view

    out = console()
    if snap.left_out:
        print(f"注意：{snap.left_out}，以下得分可能不准确；请推进组办公室运行 cc validate 查看并修正。")
    base = doc["weights"]["base"]
    if wanted:
        out.print(score_view(doc["units"][0], doc["as_of"], base, out.width))
        return
    out.print(score_table(doc["units"], doc["as_of"], base, out.width))
    from ..reports.lines import fold_phrases

    for line in fold_phrases("分值见 tasklist.yaml 的 score；cc score --unit 单位 查看逐项扣分，--json 输出全部明细。", out.width):
        print(line)
