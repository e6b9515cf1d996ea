"""Tests for report_xlsx: the workbook read back with openpyxl, and `cc report xlsx` end to end."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest
from typer.testing import CliRunner

from chuangcheng_cli.store import checks
from chuangcheng_cli.reports import rows as reports
from chuangcheng_cli.domain import rules, views
from chuangcheng_cli.cli import app
from chuangcheng_cli.reports.xlsx import DATE_FORMAT, LIGHT_COLOURS, LINE_HEIGHT, build_workbook, text_width, workbook_bytes, write_workbook
from helpers import DATA, cc_env

runner = CliRunner()
MID = dt.date(2023, 9, 10)
YEAR_END = dt.date(2023, 12, 31)
SHEETS = ["任务台账", "单位汇总", "督办记录", "问题清单", "问题整改率", "综合评价", "进度日志"]
TASK_HEADER = ["编号", "创建指标", "具体任务", "牵头单位", "配合单位", "责任科室/责任人", "进度", "序时进度", "状态",
               "原因", "最近报送", "完成时限", "牵头单位被督办次数"]  # the unit's count, not the task's


@pytest.fixture(scope="module")
def project():
    return checks.load_checked(DATA)[0]


@pytest.fixture
def book(project, tmp_path):
    """book(day) -> (snapshot, workbook read back from disk)."""

    def make(day: dt.date):
        snap = rules.snapshot(project, day)
        path = tmp_path / f"{day.isoformat()}.xlsx"
        write_workbook(snap, path)
        return snap, openpyxl.load_workbook(path)

    return make


def data_rows(ws) -> list[tuple]:
    """The table body: from below the header to the last row of the auto filter range."""
    last = int(ws.auto_filter.ref.split(":")[1].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    return [row for row in ws.iter_rows(min_row=3, max_row=last)] if last >= 3 else []


def by_id(ws) -> dict[str, tuple]:
    return {row[0].value: row for row in data_rows(ws)}


def fill_of(cell) -> str:
    return cell.fill.fgColor.rgb[-6:]


# ----------------------------------------------------------------- workbook


def test_sheets_in_order_and_properties(book):
    _, wb = book(MID)
    assert wb.sheetnames == SHEETS
    assert "法治环境工作推进组" in wb.properties.title and "2023年9月10日" in wb.properties.title
    assert wb.properties.creator


def test_task_sheet_title_header_and_one_row_per_task(book):
    snap, wb = book(MID)
    ws = wb["任务台账"]
    assert ws["A1"].value == "法治环境工作推进组 任务台账（截至2023年9月10日）"
    assert [c.value for c in ws[2]] == TASK_HEADER
    rows = data_rows(ws)
    assert [r[0].value for r in rows] == [r["id"] for r in reports.status_rows(snap)]
    assert len(rows) == 14
    # the summary line sits below the table, outside the filter range
    # T13 is yellow for 妇联's overdue problem W2023-0018 (the example journal's 问题清单)
    assert any(str(c.value).startswith("红灯 1 · 黄灯 2 · 绿灯 11") for c in ws["A"] if c.value)


def test_task_rows_match_status_json(book):
    """Light, fill, percents and dates agree with the rows `cc status --json` prints."""
    snap, wb = book(MID)
    cells = by_id(wb["任务台账"])
    for row in reports.status_rows(snap):
        c = cells[row["id"]]
        assert c[8].value == rules.LIGHT_NAMES[row["light"]]
        assert fill_of(c[8]) == LIGHT_COLOURS[row["light"]][0]
        assert c[6].value == pytest.approx(row["percent"] / 100)
        assert c[7].value == pytest.approx(row["expected_percent"] / 100)
        assert c[6].number_format == c[7].number_format == "0%"
        assert c[9].value == views.cause_prefix(row) + "；".join(row["reasons"])
        assert c[11].value.date() == dt.date.fromisoformat(row["deadline"])
        assert c[12].value == row["notice_count"]
    # yellow for 妇联's problem alone: the lead unit's row says so, as cc status does (it said nothing)
    assert cells["T13"][9].value.startswith("非本单位原因：妇联问题W2023-0018")
    t09 = cells["T09"]
    assert (t09[8].value, fill_of(t09[8])) == ("红灯", "FFC7CE")
    assert (cells["T08"][8].value, fill_of(cells["T08"][8])) == ("黄灯", "FFEB9C")
    assert (cells["T01"][8].value, fill_of(cells["T01"][8])) == ("绿灯", "C6EFCE")


def test_task_rows_match_the_real_json_command(book):
    _, wb = book(MID)
    result = runner.invoke(app, ["--data", str(DATA), "status", "--as-of", "2023-09-10", "--json"], env=cc_env())
    tasks = {t["id"]: t for t in json.loads(result.stdout)["tasks"]}
    t09 = by_id(wb["任务台账"])["T09"]
    assert t09[8].value == rules.LIGHT_NAMES[tasks["T09"]["light"]]
    assert round(t09[6].value * 100) == tasks["T09"]["percent"]


def test_task_row_full_names_assignments_and_real_dates(book):
    _, wb = book(MID)
    t10 = by_id(wb["任务台账"])["T10"]
    assert t10[1].value == "I4 基层民主法治与特殊群体权益保障"
    assert t10[2].value.startswith("依法开展村（居）民委员会选举")
    assert t10[3].value == "市民政局"
    assert t10[4].value == "市委组织部"
    assert t10[5].value.split("\n") == ["市民政局：基层政权建设和社区治理科/倪某某", "市委组织部：基层组织建设科/郝某某"]
    assert isinstance(t10[10].value, dt.datetime) and t10[10].value.date() == dt.date(2023, 8, 15)
    assert t10[10].number_format == t10[11].number_format == DATE_FORMAT
    t03 = by_id(wb["任务台账"])["T03"]
    assert t03[4].value == "市公安局、市科学技术协会"


def test_done_tasks_are_blue_at_year_end(book):
    _, wb = book(YEAR_END)
    t04 = by_id(wb["任务台账"])["T04"]
    assert (t04[8].value, fill_of(t04[8])) == ("已完成", LIGHT_COLOURS[rules.DONE][0])
    assert t04[6].value == 1


def test_every_sheet_is_ready_to_print(book):
    _, wb = book(MID)
    for ws in wb:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.freeze_panes == "A3"
        assert ws.print_title_rows == "$2:$2"
        assert ws.auto_filter.ref.startswith("A2:")
        header = ws[2]
        assert all(c.font.b and fill_of(c) == "D9E1F2" and c.border.left.style == "thin" for c in header)
        assert ws.auto_filter.ref.split(":")[1].startswith(header[-1].column_letter)
        widths = [ws.column_dimensions[c.column_letter].width for c in header]
        assert all(5 <= w <= 60 for w in widths), (ws.title, widths)
    task = wb["任务台账"]
    assert task.auto_filter.ref == "A2:M16"
    assert task["C3"].alignment.wrap_text and task.column_dimensions["C"].width <= 50
    assert task["C3"].border.bottom.style == "thin"


def test_title_is_merged_over_the_table_and_rows_are_sized(book):
    """The layout a streamed (write-only) sheet must set before or while its rows are appended."""
    _, wb = book(YEAR_END)
    for ws in wb:
        last = ws[2][-1].column_letter
        assert [str(r) for r in ws.merged_cells.ranges] == [f"A1:{last}1"], ws.title
        assert ws["A1"].font.b and ws["A1"].font.sz == 14 and ws["A1"].alignment.horizontal == "center"
        assert ws.row_dimensions[1].height == 26
        assert ws.row_dimensions[2].height >= LINE_HEIGHT + 4  # header: at least one line
    task = wb["任务台账"]
    t10 = next(r for r in data_rows(task) if r[0].value == "T10")
    # two assignment lines in 责任科室/责任人, so the row is at least two lines tall
    assert task.row_dimensions[t10[0].row].height >= 2 * LINE_HEIGHT + 3
    assert task.column_dimensions["C"].width == 32  # 具体任务 capped at its max width
    assert all(task.column_dimensions[c].width for c in "ABCDEFGHIJKLM")


def test_footer_leaves_one_blank_row_below_the_table(book):
    _, wb = book(YEAR_END)
    ws = wb["任务台账"]
    end = int(ws.auto_filter.ref.split(":")[1][1:])
    assert ws.cell(end + 1, 1).value is None
    assert ws.cell(end + 2, 1).value.startswith("红灯 ")
    assert ws.cell(end + 3, 1).value.startswith("已报告市领导：")
    assert ws.max_row == end + 3


def test_sheets_declare_their_used_range(project, tmp_path):
    """Streamed sheets still carry <dimension>, which read-only readers use for the sheet size."""
    path = tmp_path / "x.xlsx"
    path.write_bytes(workbook_bytes(rules.snapshot(project, YEAR_END)))
    wb = openpyxl.load_workbook(path, read_only=True)
    task, log = wb["任务台账"], wb["进度日志"]
    assert task.calculate_dimension() == "A1:M19"
    assert (log.max_row, log.max_column) == (2 + len(reports.history_rows(rules.snapshot(project, YEAR_END))), 7)
    wb.close()


def test_built_workbook_is_streamed(project, tmp_path):
    """build_workbook hands back a write-only workbook: rows already streamed, to be saved once."""
    wb = build_workbook(rules.snapshot(project, MID))
    assert wb.write_only
    wb.save(tmp_path / "a.xlsx")
    assert openpyxl.load_workbook(tmp_path / "a.xlsx").sheetnames == SHEETS


def test_units_sheet(book):
    snap, wb = book(YEAR_END)
    ws = wb["单位汇总"]
    assert [c.value for c in ws[2]] == ["单位", "牵头任务数", "配合任务数", "已完成", "滞后", "督办次数", "未销号",
                                        "问题数", "逾期问题", "是否报告市领导", "主要负责人", "联络员", "电话"]
    rows = by_id(ws)
    assert len(rows) == len(snap.units) == 20
    rsj = [c.value for c in rows["市人力资源和社会保障局"]]
    assert rsj[1:7] == [2, 0, 1, 1, 3, 3] and rsj[9] == "已报告（2023年10月16日）"
    assert rows["市司法局"][9].value == "否"
    # the problem columns cc units has (a fresh-eyes try missed them here): the same figures
    from chuangcheng_cli.reports import rows as reports

    for r in reports.unit_rows(snap):
        assert [rows[r["name"]][k].value for k in (7, 8)] == [r["problems"]["total"], r["problems"]["overdue"]]
    assert any(r["problems"]["overdue"] for r in reports.unit_rows(snap))


def test_notices_sheet_at_year_end(book):
    snap, wb = book(YEAR_END)
    ws = wb["督办记录"]
    assert [c.value for c in ws[2]] == ["文号", "日期", "单位", "第N次", "等级", "督办任务", "差距", "整改期限",
                                        "反馈情况", "销号日期", "状态", "是否已报告市领导"]
    rows = data_rows(ws)
    assert [r[0].value for r in rows] == [f"法治督〔2023〕{n}号" for n in (1, 2, 3, 4)]
    states = list(snap.notices.values())
    assert [r[10].value for r in rows] == [ns.status(snap.today) for ns in states]
    first, second, third, _ = ([c.value for c in r] for r in rows)
    assert first[1].date() == dt.date(2023, 7, 10) and first[7].date() == dt.date(2023, 7, 20)
    assert first[8] == "2023年7月18日反馈" and first[9].date() == dt.date(2023, 7, 21)
    assert first[11] == "否"
    assert second[8] == "2023年8月10日反馈（逾期7天）\n2023年8月14日退回整改，期限2023年8月24日"
    assert second[7].date() == dt.date(2023, 8, 24)  # the 整改期限 in force after the reject
    assert second[9] == "未销号" and second[11] == "是"
    assert third[2] == "市人力资源和社会保障局" and third[3] == "第2次" and third[4] == "黄"
    assert third[5] == "T09 根治欠薪\nT08 和谐劳动关系" and third[8] == "未反馈"


def test_a_notice_naming_no_task_says_what_it_is_about():
    from chuangcheng_cli.reports.xlsx import _notice_subject

    class N:
        problems = ["W2023-0026"]

    assert _notice_subject(N()) == "问题W2023-0026"  # sent over a problem: not "all the unit's tasks"
    N.problems = []
    assert _notice_subject(N()) == "全部牵头和配合任务"


def test_log_sheet_has_every_entry_up_to_as_of(book):
    snap, wb = book(MID)
    ws = wb["进度日志"]
    assert [c.value for c in ws[2]] == ["日期", "类型", "单位", "任务", "内容", "记录人", "记录id"]
    expected = reports.history_rows(snap)
    rows = data_rows(ws)
    assert [r[6].value for r in rows] == [r["id"] for r in expected]
    assert all(r[0].value.date() <= MID for r in rows)
    assert rows[0][0].number_format == DATE_FORMAT


def test_empty_tables_say_so(book):
    _, wb = book(dt.date(2023, 4, 13))  # before the campaign started: nothing recorded yet
    notices, log = wb["督办记录"], wb["进度日志"]
    assert notices["A3"].value == "暂无督办通知。" and notices.auto_filter.ref == "A2:L2"
    assert log["A3"].value == "暂无记录。"
    assert len(data_rows(wb["任务台账"])) == 14


def test_text_width_counts_cjk_double():
    assert text_width("T09") == 3
    assert text_width("市司法局") == pytest.approx(8.4)
    assert text_width("法治督〔2023〕1号") == pytest.approx(4 * 2.1 + 2 * 2.1 + 5)


# ------------------------------------------------------------------ command


def invoke(*args):
    return runner.invoke(app, ["--data", str(DATA), "report", "xlsx", *args], env=cc_env())


def test_command_writes_and_refuses_to_overwrite(tmp_path):
    out = tmp_path / "x.xlsx"
    result = invoke("--out", str(out), "--as-of", "2023-09-10")
    assert result.exit_code == 0, result.output
    assert out.exists() and str(out) in result.stdout
    assert openpyxl.load_workbook(out).sheetnames[0] == "任务台账"
    before = out.read_bytes()

    again = invoke("--out", str(out), "--as-of", "2023-12-31")
    assert again.exit_code == 2
    assert "已存在" in again.stderr
    assert out.read_bytes() == before

    forced = invoke("--out", str(out), "--as-of", "2023-12-31", "--force")
    assert forced.exit_code == 0, forced.output
    assert "2023年12月31日" in openpyxl.load_workbook(out)["任务台账"]["A1"].value
    assert [p.name for p in tmp_path.iterdir()] == ["x.xlsx"]  # no temp file left behind


# ------------------------------------------------- 问题清单, 问题整改率, 综合评价 (problem_scenario)


@pytest.fixture(scope="module")
def scenario_book(tmp_path_factory):
    from problem_scenario import snapshot

    tmp = tmp_path_factory.mktemp("xlsx")
    snap = snapshot(tmp)
    write_workbook(snap, tmp / "s.xlsx")
    return snap, openpyxl.load_workbook(tmp / "s.xlsx")


def values(row) -> list:
    return [c.value.date() if isinstance(c.value, dt.datetime) else c.value for c in row]


def test_problem_sheet_one_row_per_problem(scenario_book):
    snap, wb = scenario_book
    ws = wb["问题清单"]
    assert ws["A1"].value == "法治环境工作推进组 问题清单（截至2023年7月31日）"
    assert [c.value for c in ws[2]] == ["编号", "来源", "发现日期", "点位", "问题描述", "责任单位", "配合单位", "所属任务",
                                        "整改方式", "整改期限", "状态", "逾期天数", "返工次数", "延期次数", "销号日期",
                                        "是否按期"]
    rows = by_id(ws)
    assert list(rows) == [f"W2023-000{n}" for n in range(1, 7)]  # W2023-0007 was voided
    assert values(rows["W2023-0001"]) == [
        "W2023-0001", "暗访", dt.date(2023, 6, 10), "点位1", "问题1", "市人力资源和社会保障局", "—", "—", "限期整改",
        dt.date(2023, 7, 10), "已销号（2023年7月8日，按期）", 0, 1, 0, dt.date(2023, 7, 8), "是"]
    assert values(rows["W2023-0004"])[9:] == [dt.date(2023, 7, 25), "已销号（2023年7月26日，按期）", 0, 0, 1,
                                              dt.date(2023, 7, 26), "是"]
    assert values(rows["W2023-0005"])[7] == "T10 村居依法自治"
    assert values(rows["W2023-0005"])[10:14] == ["返工整改中", 0, 1, 0]
    assert values(rows["W2023-0003"])[10] == "已报整改完成，待复查"
    assert rows["W2023-0001"][2].number_format == DATE_FORMAT and rows["W2023-0001"][11].data_type == "n"
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref == "A2:P8"
    assert ws["A10"].value == ("全部问题：共6个，已销号2个，待复查1个，整改中3个（逾期1个）；结案率50%，按期结案率50%，"
                               "返工率66.7%，延期率33.3%")


def test_overdue_problems_are_highlighted_across_the_row(scenario_book):
    _, wb = scenario_book
    rows = by_id(wb["问题清单"])
    late = rows["W2023-0002"]
    assert values(late)[10:12] == ["整改中（逾期16天）", 16]
    assert all(fill_of(c) == LIGHT_COLOURS[rules.RED][0] for c in late)
    assert late[10].font.b and late[10].font.color.rgb.endswith(LIGHT_COLOURS[rules.RED][1])
    assert not late[0].font.b  # the row is filled; only its status is bold
    assert fill_of(rows["W2023-0001"][10]) == LIGHT_COLOURS[rules.DONE][0]
    assert rows["W2023-0006"][0].fill.fill_type is None


def test_problem_rates_sheet_has_real_percentages(scenario_book):
    _, wb = scenario_book
    ws = wb["问题整改率"]
    assert [c.value for c in ws[2]] == ["单位", "问题数", "已销号", "待复查", "整改中", "逾期", "应结案数", "结案率",
                                        "按期结案率", "返工率", "延期率"]
    rows = by_id(ws)
    assert list(rows) == ["市人力资源和社会保障局", "市民政局"]  # units without problems are left out
    rsj = values(rows["市人力资源和社会保障局"])
    assert rsj[:7] == ["市人力资源和社会保障局", 4, 2, 1, 1, 1, 3]
    assert rsj[7:] == [pytest.approx(0.6667), pytest.approx(0.6667), 0.5, 0.25]
    assert all(c.number_format == "0.0%" for c in rows["市人力资源和社会保障局"][7:])
    # W2023-0005 in 返工 past its own 期限: 应结案, not 销号 (a 返工 does not take it out of the rates)
    assert values(rows["市民政局"])[6:] == [1, 0, 0, 1, 0.5]
    assert fill_of(rows["市人力资源和社会保障局"][5]) == LIGHT_COLOURS[rules.RED][0]


def test_score_sheet(scenario_book):
    _, wb = scenario_book
    ws = wb["综合评价"]
    assert [c.value for c in ws[2]] == ["排名", "单位", "得分", "扣分合计", "红灯任务扣分", "黄灯任务扣分", "督办通知扣分",
                                        "报告市领导扣分", "督办整改超期扣分", "逾期问题扣分", "按期整改率扣分", "返工率扣分",
                                        "延期率扣分", "逾期审核扣分", "扣分明细"]
    rows = data_rows(ws)
    assert len(rows) == 20 and [r[0].value for r in rows][-3:] == [18, 19, 20]
    rsj = values(rows[-1])
    assert rsj[:14] == [20, "市人力资源和社会保障局", 84, 16, 0, 2, 2, 0, 5, 2, 2.5, 2.5, 0, 0]
    assert rsj[14].split("\n")[0] == "黄灯任务1项 × 2 = 2" and len(rsj[14].split("\n")) == 6
    assert values(rows[0])[2:4] == [100, 0] and values(rows[0])[14] == "无扣分"
    footer = [c.value for c in ws["A"][len(rows) + 3:] if c.value]
    assert footer[0].startswith("满分100，扣完为止。各项分值：红灯任务每项5分")


def test_every_new_sheet_prints_like_the_others(scenario_book):
    _, wb = scenario_book
    for name in ("问题清单", "问题整改率", "综合评价"):
        ws = wb[name]
        assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$2:$2"
        assert all(c.font.b and fill_of(c) == "D9E1F2" for c in ws[2])
        assert all(5 <= ws.column_dimensions[c.column_letter].width <= 60 for c in ws[2])


def test_a_cell_never_exceeds_excels_limit():
    """A note of 100,000 characters (the journal allows it) is cut to Excel's 32,767 UTF-16 units per
    cell, saying so and how long the whole is; shorter text, and text of characters outside the
    BMP, stays within the limit as Excel counts it."""
    from chuangcheng_cli.reports import xlsx

    assert xlsx._fit_cell("短") == "短"
    exact = "A" * xlsx.MAX_CELL
    assert xlsx._fit_cell(exact) == exact
    for text in ("A" * 100_000, "汉" * 40_000, "😀" * 20_000):
        cut = xlsx._fit_cell(text)
        assert len(cut.encode("utf-16-le")) // 2 <= xlsx.MAX_CELL
        assert cut.startswith(text[:100]) and f"全文共 {len(text)} 字" in cut
    cell = xlsx._cell_xml("A1", 0, "B" * 50_000)
    assert "超出 Excel 单元格上限" in cell and cell.count("B") < xlsx.MAX_CELL


def test_a_long_note_is_cut_in_the_workbook_itself(tmp_path):
    """The common cells were written by an inlined path that skipped the cut: a 40,000-character
    note reached 进度日志 whole (found by a hostile-input try). Every cell of the workbook is
    within Excel's limit."""
    import openpyxl

    from helpers import copy_data, run_cc
    from chuangcheng_cli.reports import xlsx

    copy_data(tmp_path)
    logged = run_cc("log", "T09", "-u", "人社局", "-p", "40", "-n", "中" * 40_000, "--by", "范某某",
                    "--as-of", "2023-10-16", cwd=tmp_path)
    assert logged.returncode == 0, logged.stderr
    out = tmp_path / "r.xlsx"
    assert run_cc("report", "xlsx", "--as-of", "2023-10-16", "-o", str(out), cwd=tmp_path).returncode == 0
    book = openpyxl.load_workbook(out, read_only=True)
    texts = [c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert max(len(t) for t in texts) <= xlsx.MAX_CELL
    assert any("中" * 100 in t and "超出 Excel 单元格上限" in t for t in texts)
