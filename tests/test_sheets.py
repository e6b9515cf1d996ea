"""store/sheets.py: 问题清单 spreadsheets as people make them, read all-or-nothing (issue 12, import)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from chuangcheng_cli.diagnostics import ImportRefused, UsageError
from chuangcheng_cli.store import checks, sheets
from chuangcheng_cli.store.sheets import SheetRow, read_problem_sheet
from helpers import DATA, REPO

D = dt.date
HEADER = ["序号", "问题描述", "点位", "责任单位", "发现时间", "整改时限", "任务编号", "来源"]
TITLE = "2023年6月创建全国文明城市暗访问题清单（法治环境工作推进组）"


@pytest.fixture(scope="module")
def project():
    loaded, _ = checks.load_checked(DATA)
    return loaded


def write_xlsx(path: Path, rows: list[list], *, title: str = "6月暗访", merges: tuple[str, ...] = (),
               more: dict[str, list[list]] | None = None) -> Path:
    """A workbook whose first sheet holds rows (row 1 first); merges like "A1:H1"."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = title
    for row in rows:
        ws.append(row)
    for ref in merges:
        ws.merge_cells(ref)
    for name, extra in (more or {}).items():
        other = book.create_sheet(name)
        for row in extra:
            other.append(row)
    book.save(path)
    return path


def messy_rows() -> list[list]:
    """The 'Done means' sheet: a merged title over the header, a blank row and a 序号-only row,
    full-width 序号, dates as Excel dates, as a serial number and as three text forms, short and
    full unit names, a lead and a co-unit in one cell, a full-width task id."""
    return [
        [TITLE],
        HEADER,
        ["１", "法治宣传栏内容陈旧，仍为2021年宣传材料", "人民公园法治文化广场", "市司法局",
         dt.datetime(2023, 6, 5), dt.datetime(2023, 6, 20), "Ｔ０１", "暗访"],
        ["２", "社区公共法律服务工作室无人值守，\n\n未公示值班律师电话", "幸福路社区党群服务中心", "司法局",
         "2023-6-6", "2023/7/5", "", "市创城办暗访"],
        [None] * 8,
        ["３", None, None, None, None, None, None, None],
        ["４", "社区志愿服务站未公示服务项目", "阳光社区志愿服务站", "民政局、社会工作部",
         "２０２３年６月７日", "2023年6月30日", "T11", ""],  # full-width digits
        ["５", "诉讼服务中心导诉台无人", "市中级人民法院诉讼服务中心", "中院",
         "6月8日", 45117, "t6", "督查"],  # 45117: an Excel serial number (2023-07-10)
    ]


def test_the_messy_sheet_gives_every_problem(tmp_path, project):
    path = write_xlsx(tmp_path / "暗访.xlsx", messy_rows(), merges=("A1:H1",))
    rows = read_problem_sheet(path, project, source="自查")
    assert [(r.sheet, r.row) for r in rows] == [("6月暗访", 3), ("6月暗访", 4), ("6月暗访", 7), ("6月暗访", 8)]
    first, second, third, fourth = rows
    assert first == SheetRow(sheet="6月暗访", row=3, desc="法治宣传栏内容陈旧，仍为2021年宣传材料",
                             place="人民公园法治文化广场", unit="sfj", co_units=(), task="T01",
                             deadline=D(2023, 6, 20), found=D(2023, 6, 5), source="暗访", key=first.key)
    assert second.desc == "社区公共法律服务工作室无人值守，\n未公示值班律师电话"  # blank line collapsed
    assert (second.unit, second.found, second.deadline, second.task, second.source) == (
        "sfj", D(2023, 6, 6), D(2023, 7, 5), "", "暗访")
    assert (third.unit, third.co_units, third.found, third.deadline, third.task, third.source) == (
        "mzj", ("shgzb",), D(2023, 6, 7), D(2023, 6, 30), "T11", "自查")  # blank 来源: the default
    assert (fourth.unit, fourth.found, fourth.deadline, fourth.task, fourth.source) == (
        "zy", D(2023, 6, 8), D(2023, 7, 10), "T06", "督查")  # 6月8日 takes the campaign year
    assert all(len(r.key) == 16 and int(r.key, 16) >= 0 for r in rows)
    assert len({r.key for r in rows}) == 4


def test_without_a_source_column_or_default_the_source_is_empty(tmp_path, project):
    path = write_xlsx(tmp_path / "a.xlsx", [["问题描述", "点位", "责任单位"], ["宣传栏破损", "人民广场", "市司法局"]])
    (row,) = read_problem_sheet(path, project)
    assert (row.source, row.found, row.deadline, row.task, row.row) == ("", None, None, "", 2)


def test_header_on_row_3_under_two_title_rows(tmp_path, project):
    rows = [[TITLE], ["填报单位：市创城办", None, None, "填报日期：2023年6月10日"],
            ["序号", "存在问题", "问题点位", "责任单位", "整改期限", "检查时间"],
            [1, "法律援助指引未张贴", "市公共法律服务中心", "市司法局", "2023.6.30", "2023.6.9"]]
    path = write_xlsx(tmp_path / "b.xlsx", rows, merges=("A1:F1", "A2:C2", "D2:F2"))
    (row,) = read_problem_sheet(path, project, source="督查")
    assert (row.row, row.desc, row.place, row.deadline, row.found, row.source) == (
        4, "法律援助指引未张贴", "市公共法律服务中心", D(2023, 6, 30), D(2023, 6, 9), "督查")


def test_a_header_merged_over_columns_of_their_own_is_refused_not_half_read(tmp_path, project):
    """发现时间 merged over the 整改时限 column too: the first column was taken and the deadlines
    under the other dropped silently (found by a hostile-input review). Columns under one merged
    header that agree (or are empty) are still one column."""
    rows = [["存在问题", "点位", "责任单位", "发现时间", None],
            ["宣传栏破损", "人民广场", "司法局", "2023.6.9", "2023.6.30"]]
    path = write_xlsx(tmp_path / "m.xlsx", rows, merges=("D1:E1",))
    with pytest.raises(UsageError) as caught:
        read_problem_sheet(path, project, source="督查")
    assert caught.value.message == (f"工作表“6月暗访”的表头“发现时间”合并了第4至5列，但到第2行这几列的内容对不上，"
                                    f"不知道该取哪一列：{path}")
    assert caught.value.hint == "请拆开这个合并的表头单元格，给每一列写上自己的表头后重新导入。"
    rows[1][4] = None
    (row,) = read_problem_sheet(write_xlsx(tmp_path / "n.xlsx", rows, merges=("D1:E1",)), project, source="督查")
    assert row.found == D(2023, 6, 9) and row.deadline is None
    rows[1][3:5] = [None, "2023.6.9"]  # the values under the merge's second column: that one is read
    (row,) = read_problem_sheet(write_xlsx(tmp_path / "o.xlsx", rows, merges=("D1:E1",)), project, source="督查")
    assert row.found == D(2023, 6, 9)
    rows.append(["导诉台无人", "诉讼服务中心", "市中级人民法院", "2023.6.12", None])  # values spread over both
    with pytest.raises(UsageError) as caught:
        read_problem_sheet(write_xlsx(tmp_path / "p.xlsx", rows, merges=("D1:E1",)), project, source="督查")
    assert "但到第3行这几列的内容对不上" in caught.value.message


def test_headers_with_spaces_notes_and_line_breaks_are_recognised(tmp_path, project):
    rows = [["问 题", "点位\n名称", "责任单位*", "整改时限（年月日）"],
            ["宣传栏破损", "人民广场", "司法局", "2023年7月1日"]]
    (row,) = read_problem_sheet(write_xlsx(tmp_path / "c.xlsx", rows), project)
    assert (row.desc, row.place, row.deadline) == ("宣传栏破损", "人民广场", D(2023, 7, 1))


def test_every_date_form_reads_as_the_same_day(tmp_path, project):
    forms = [dt.date(2023, 7, 5), dt.datetime(2023, 7, 5, 9, 30), 45112, 20230705, "20230705", "2023.7.5",
             "２０２３／７／５", "2023 年 7 月 5 日", "2023-07-05 00:00:00", "2023/7/5 0:00", "7月5号"]
    rows = [["问题描述", "点位", "责任单位", "发现时间"]] + [[f"问题{n}", "人民广场", "司法局", f] for n, f in enumerate(forms)]
    read = read_problem_sheet(write_xlsx(tmp_path / "dates.xlsx", rows), project)
    assert [r.found for r in read] == [D(2023, 7, 5)] * len(forms)


def test_a_deadline_without_its_year_after_a_december_finding_is_next_january(tmp_path, project):
    """整改时限 1月5日 for a problem found 12月20日 read as 2023-01-05, before its finding (refused as
    such); it is the next year's, as the command line's --deadline 1月5日 (domain/dates.py)."""
    rows = [["问题描述", "点位", "责任单位", "发现时间", "整改时限"],
            ["宣传栏破损", "人民广场", "司法局", "12月20日", "1月5日"],
            ["宣传栏陈旧", "人民公园", "司法局", "12月20日", "12月25号"]]
    first, second = read_problem_sheet(write_xlsx(tmp_path / "d.xlsx", rows), project)
    assert (first.found, first.deadline) == (D(2023, 12, 20), D(2024, 1, 5))
    assert (second.found, second.deadline) == (D(2023, 12, 20), D(2023, 12, 25))


def test_a_deadline_of_lixingligai_reads_as_fix_at_once(tmp_path, project):
    """Inspection sheets write 立行立改 (or 立即整改) in the 整改时限 column (found by a fresh-eyes
    try: the whole sheet was refused as “无法识别为日期”): read as a blank cell, which the import
    records as 立行立改 with the policy's days; any other word is still refused."""
    rows = [["问题描述", "点位", "责任单位", "整改时限"], ["问题一", "人民广场", "司法局", "立行立改"],
            ["问题二", "人民广场", "司法局", " 立即整改 "], ["问题三", "人民广场", "司法局", "2023-7-5"]]
    read = read_problem_sheet(write_xlsx(tmp_path / "now.xlsx", rows), project)
    assert [r.deadline for r in read] == [None, None, D(2023, 7, 5)]
    rows.append(["问题四", "人民广场", "司法局", "尽快"])
    with pytest.raises(ImportRefused) as refused:
        read_problem_sheet(write_xlsx(tmp_path / "soon.xlsx", rows), project)
    assert "整改时限“尽快”无法识别为日期" in str(refused.value)


@pytest.mark.parametrize("given, source", [
    ("暗访", "暗访"), ("市创城办暗访", "暗访"), ("第三方测评", "测评反馈"), ("测评", "测评反馈"),
    ("12345热线", "群众反映"), ("市民投诉", "群众反映"), ("群众投诉", "群众反映"), ("新闻报道", "媒体曝光"),
    ("媒体", "媒体曝光"), ("督导", "督查"), ("督查", "督查"), (" 自查 ", "自查"), ("交叉检查", "互查")])
def test_source_names_and_their_usual_variants(tmp_path, project, given, source):
    rows = [["问题描述", "点位", "责任单位", "来源"], ["宣传栏破损", "人民广场", "司法局", given],
            ["热线无人接听", "12348热线", "司法局", None]]
    path = write_xlsx(tmp_path / "src.xlsx", rows)
    assert [r.source for r in read_problem_sheet(path, project, source=given)] == [source, source]


def test_a_source_naming_two_kinds_is_not_guessed(tmp_path, project):
    rows = [["问题描述", "点位", "责任单位", "来源"], ["宣传栏破损", "人民广场", "司法局", "督查暗访"]]
    with pytest.raises(ImportRefused) as caught:
        read_problem_sheet(write_xlsx(tmp_path / "two.xlsx", rows), project)
    assert caught.value.messages == [
        "工作表“6月暗访”第2行：来源“督查暗访”无法识别（应为 自查、互查、督查、暗访、测评反馈、群众反映、媒体曝光 之一）"]


def test_a_mapping_names_unusual_headers(tmp_path, project):
    rows = [["编号", "情况说明", "所在位置", "承办单位", "截止日期", "问题"],
            [1, "调解室无调解记录", "东城街道人民调解委员会", "市司法局", "2023-07-10", "（旧列，不用）"]]
    path = write_xlsx(tmp_path / "d.xlsx", rows)
    mapping = {"情况说明": "desc", "所在位置": "点位", "承办单位": "责任单位", "截止日期": "deadline"}
    (row,) = read_problem_sheet(path, project, mapping=mapping)
    assert (row.desc, row.place, row.unit, row.deadline) == (
        "调解室无调解记录", "东城街道人民调解委员会", "sfj", D(2023, 7, 10))  # the mapped 问题描述 wins over 问题


def test_a_mapping_takes_the_words_cc_prints_for_a_field(tmp_path, project):
    """--map 整改时间=整改期限 was refused (不认识字段“整改期限”) though every notice and problem cc
    prints says 整改期限, and its header of that name is read (a fresh-eyes try)."""
    rows = [["问题描述", "点位", "责任单位", "整改时间", "任务号"], ["宣传栏破损", "人民广场", "市司法局", "2023-07-10", "T01"]]
    path = write_xlsx(tmp_path / "alias.xlsx", rows)
    (row,) = read_problem_sheet(path, project, mapping={"整改时间": "整改期限", "任务号": "所属任务"})
    assert (row.deadline, row.task) == (D(2023, 7, 10), "T01")


def test_a_deadline_written_as_by_that_day_is_that_day(tmp_path, project):
    """暗访 sheets write the 整改时限 as 7月20日前 or 2023年7月20日前完成: each row was refused as
    无法识别为日期 (a fresh-eyes try). It is that day; a 发现时间 so written is still refused."""
    rows = [["问题描述", "点位", "责任单位", "发现时间", "整改时限"],
            ["宣传栏破损", "人民广场", "市司法局", "2023-07-03", "7月20日前"],
            ["调解室无台账", "城东街道", "市司法局", "2023-07-03", "2023年7月21日 前完成"],
            ["导诉台无人", "诉讼服务中心", "市司法局", "2023-07-03", "2023/7/22之前整改到位"]]
    got = read_problem_sheet(write_xlsx(tmp_path / "by.xlsx", rows), project)
    assert [row.deadline for row in got] == [D(2023, 7, 20), D(2023, 7, 21), D(2023, 7, 22)]
    rows = [["问题描述", "点位", "责任单位", "发现时间"], ["宣传栏破损", "人民广场", "市司法局", "7月3日前"]]
    with pytest.raises(ImportRefused) as caught:
        read_problem_sheet(write_xlsx(tmp_path / "found.xlsx", rows), project)
    assert caught.value.messages == [
        "工作表“6月暗访”第2行：发现时间“7月3日前”无法识别为日期（可写 2023-7-5、2023/7/5、2023年7月5日）"]


@pytest.mark.parametrize(("said", "days", "workdays"), [
    ("15天", 15, False), ("15 天", 15, False), ("１５天内", 15, False), ("15日内", 15, False), ("限15日", 15, False),
    ("限期15天整改", 15, False), ("15天内整改到位", 15, False), ("须在7天内完成", 7, False),
    ("10个工作日内完成", 10, True), ("10个工作日", 10, True), ("5个自然日", 5, False), ("三天", 3, False),
    ("两天内", 2, False), ("十五天", 15, False), ("二十五个工作日", 25, True), ("三十天", 30, False),
    ("15天内整改完毕", 15, False), ("限期整改15天", 15, False), ("要求7日内整改到位", 7, False),
    ("15\u200b天", 15, False)])  # a zero-width space pasted from a web page
def test_a_deadline_written_as_a_span_is_read_as_days(tmp_path, project, said, days, workdays):
    rows = [["问题描述", "点位", "责任单位", "发现时间", "整改时限"], ["宣传栏破损", "人民广场", "市司法局", "2023-07-03", said]]
    (row,) = read_problem_sheet(write_xlsx(tmp_path / "span.xlsx", rows), project)
    assert (row.deadline, row.days, row.workdays) == (None, days, workdays)


@pytest.mark.parametrize(("said", "why"), [
    ("15日", "整改时限“15日”不明确：是某月15日，还是15日内？请写明日期（如 7月15日）或期限（如 15日内、15天）"),
    ("0天", "整改时限“0天”超出范围（应为 1 到 365 天）"),
    ("1000天", "整改时限“1000天”超出范围（应为 1 到 365 天）"),
    ("99999999999天", "整改时限“99999999999天”超出范围（应为 1 到 365 天）"),
    ("1 5天", "整改时限“1 5天”无法识别为日期（可写 2023-7-5、2023/7/5、2023年7月5日，或写天数，如 15天、10个工作日）"),
    ("十五日", "整改时限“十五日”不明确：是某月十五日，还是十五日内？请写明日期（如 7月十五日）或期限（如 十五日内、十五天）"),
    ("十十天", "整改时限“十十天”无法识别为日期（可写 2023-7-5、2023/7/5、2023年7月5日，或写天数，如 15天、10个工作日）"),
    ("15个日", "整改时限“15个日”无法识别为日期（可写 2023-7-5、2023/7/5、2023年7月5日，或写天数，如 15天、10个工作日）"),
    (15, "整改时限“15”不是日期；如指 15 天内整改，请写成 15天")])
def test_a_span_that_is_unclear_or_out_of_range_is_refused(tmp_path, project, said, why):
    rows = [["问题描述", "点位", "责任单位", "发现时间", "整改时限"], ["宣传栏破损", "人民广场", "市司法局", "2023-07-03", said]]
    with pytest.raises(ImportRefused) as caught:
        read_problem_sheet(write_xlsx(tmp_path / "span.xlsx", rows), project)
    assert caught.value.messages == [f"工作表“6月暗访”第2行：{why}"]


def test_a_mapping_naming_a_header_the_sheet_lacks_is_a_usage_error(tmp_path, project):
    path = write_xlsx(tmp_path / "e.xlsx", [["问题描述", "点位", "责任单位"], ["宣传栏破损", "人民广场", "市司法局"]])
    with pytest.raises(UsageError) as caught:
        read_problem_sheet(path, project, mapping={"检查地点": "place"})
    assert caught.value.message == f"工作表“6月暗访”的表头行（第1行）中没有“检查地点”（--map 指定）：{path}"
    assert caught.value.hint == "表头行有：“问题描述”、“点位”、“责任单位”。"
    with pytest.raises(UsageError) as caught:
        read_problem_sheet(path, project, mapping={"点位": "地址"})
    assert caught.value.message == "--map 点位=地址：不认识字段“地址”"
    assert caught.value.hint.startswith("字段可写：问题描述（desc）、点位（place）、责任单位（unit）")


def test_a_missing_required_column_is_a_usage_error(tmp_path, project):
    """The hint's --map example names the sheet's own column likely to be the one missing (it said
    --map 地址=点位 whatever was missing: a fresh-eyes try); 原列名 when none is."""
    path = write_xlsx(tmp_path / "f.xlsx", [["序号", "情况说明", "检查区域", "责任单位", "检查组", "发现时间"],
                                            [1, "宣传栏破损", "人民广场", "市司法局", "一组", "2023-6-5"]])
    with pytest.raises(UsageError) as caught:
        read_problem_sheet(path, project)
    assert caught.value.message == f"工作表“6月暗访”的表头（第1行）缺少必需的列：问题描述、点位（{path}）"
    assert caught.value.hint == ("表头行有：“序号”、“情况说明”、“检查区域”、“责任单位”、“检查组”、“发现时间”。"
                                 "表头不同时可用 --map 原列名=字段名 指定，如 --map 情况说明=问题描述 --map 检查区域=点位。")
    path = write_xlsx(tmp_path / "g.xlsx", [["序号", "备注", "点位", "责任单位"], [1, "宣传栏破损", "人民广场", "市司法局"]])
    with pytest.raises(UsageError) as caught:
        read_problem_sheet(path, project)
    assert caught.value.message == f"工作表“6月暗访”的表头（第1行）缺少必需的列：问题描述（{path}）"
    assert caught.value.hint.endswith("表头不同时可用 --map 原列名=字段名 指定，如 --map 原列名=问题描述。")
    (row,) = read_problem_sheet(path, project, mapping={"备注": "问题描述"})
    assert row.desc == "宣传栏破损"


@pytest.mark.parametrize("header", ["完成期限", "时限要求", "完成时限", "整改期限", "截止日期", "要求完成时间",
                                    "整改时限（年月日）"])
def test_the_names_sheets_give_a_deadline_column_are_read(tmp_path, project, header):
    """A deadline column headed 完成期限 (or 时限要求 …) was not read: every row became 立行立改 with
    the policy's days, and 长期整改 or 2024-02-30 in it passed unseen (a fresh-eyes try)."""
    rows = [["序号", "问题情况", "点位", "责任单位", "暗访日期", header],
            [1, "宣传栏破损", "人民广场", "司法局", "2023-12-20", "2024-01-10"]]
    (row,) = read_problem_sheet(write_xlsx(tmp_path / "t.xlsx", rows), project, source="暗访")
    assert (row.desc, row.found, row.deadline) == ("宣传栏破损", D(2023, 12, 20), D(2024, 1, 10))
    rows += [[2, "公示牌过期", "人力资源市场", "人社局", "2023-12-20", "长期整改"],
             [3, "导诉台无人", "诉讼服务中心", "中院", "2023-12-20", "2024-02-30"]]
    with pytest.raises(ImportRefused) as caught:
        read_problem_sheet(write_xlsx(tmp_path / "u.xlsx", rows), project, source="暗访")
    assert caught.value.messages == [
        "工作表“6月暗访”第3行：整改时限“长期整改”不是日期：请写明完成期限（长期整改的问题另须整改计划，"
        "请用 cc problem add --mode 长期整改 --plan … --deadline 日期 逐个登记）",
        "工作表“6月暗访”第4行：整改时限“2024-02-30”不是有效日期"]


def test_an_address_is_the_place_only_when_the_sheet_has_no_other(tmp_path, project):
    """地址 and 位置 are read as the 点位 of a sheet that has no 点位 column; beside one (a 点位 and its
    address, as sheets often give them) the 点位 is read and the 地址 named as not read."""
    rows = [["问题描述", "地址", "责任单位"], ["宣传栏破损", "人民路1号", "司法局"]]
    (row,) = read_problem_sheet(write_xlsx(tmp_path / "a.xlsx", rows), project)
    assert row.place == "人民路1号"
    rows = [["问题描述", "点位", "地址", "责任单位"], ["宣传栏破损", "人民广场", "人民路1号", "司法局"]]
    layout = []
    (row,) = read_problem_sheet(write_xlsx(tmp_path / "b.xlsx", rows), project, layout=layout)
    assert row.place == "人民广场" and layout[0].unread == ("地址",)
    (row,) = read_problem_sheet(write_xlsx(tmp_path / "b.xlsx", rows), project, mapping={"地址": "点位"}, layout=layout)
    assert row.place == "人民路1号" and layout[1].unread == ("点位",)  # the user's choice; the other named


def test_a_date_column_it_does_not_know_is_refused_when_the_sheet_lacks_that_date(tmp_path, project):
    """整改时间 is written for the deadline and for the day a problem was fixed: not read as either.
    Dropped silently, the sheet's deadlines became 立行立改 ones; so while the sheet has no 整改时限
    column such a column is refused until --map says what it is (or =不导入). Beside a 整改时限
    column it is only named as not read (SheetLayout), as is any column not known."""
    rows = [["序号", "问题描述", "点位", "责任单位", "发现时间", "整改时间"],
            [1, "宣传栏破损", "人民广场", "司法局", "2023-12-20", "2024-01-10"]]
    path = write_xlsx(tmp_path / "t.xlsx", rows)
    with pytest.raises(UsageError) as caught:
        read_problem_sheet(path, project, source="暗访")
    assert caught.value.message == (f"工作表“6月暗访”的“整改时间”列不知道是不是整改时限；表中没有整改时限列，略过的话，"
                                    f"每个问题都会按立行立改登记（整改期限为登记后 3 天）（{path}）")
    assert caught.value.hint == ("如“整改时间”是整改时限，加 --map 整改时间=整改时限；"
                                 "如不用导入（如整改完成的日期），加 --map 整改时间=不导入。")
    (row,) = read_problem_sheet(path, project, source="暗访", mapping={"整改时间": "整改时限"})
    assert row.deadline == D(2024, 1, 10)
    layout = []
    (row,) = read_problem_sheet(path, project, source="暗访", mapping={"整改时间": "不导入"}, layout=layout)
    assert row.deadline is None and layout[0].unread == ()  # left out as asked: not named
    # two of them, one the 发现时间 the sheet lacks too
    rows = [["问题描述", "点位", "责任单位", "日期", "整改 时间（年月日）"], ["宣传栏破损", "人民广场", "司法局", "2023-12-20", "2024-1-10"]]
    path = write_xlsx(tmp_path / "u.xlsx", rows)
    with pytest.raises(UsageError) as caught:
        read_problem_sheet(path, project, source="暗访")
    assert caught.value.message == (
        f"工作表“6月暗访”的“日期”、“整改 时间（年月日）”这几列不知道是什么日期；表中没有发现时间、整改时限列，略过的话，"
        f"每个问题的发现时间都会记为导入当天；每个问题都会按立行立改登记（整改期限为登记后 3 天）（{path}）")
    assert caught.value.hint == ("如“日期”是发现时间，加 --map 日期=发现时间；"
                                 "如“整改 时间（年月日）”是整改时限，加 --map 整改时间（年月日）=整改时限；"
                                 "如不用导入（如整改完成的日期），加 --map 日期=不导入。")
    (row,) = read_problem_sheet(path, project, source="暗访", mapping={"日期": "found", "整改时间（年月日）": "deadline"})
    assert (row.found, row.deadline) == (D(2023, 12, 20), D(2024, 1, 10))
    # beside the sheet's 整改时限 and 发现时间, another date column is only named
    rows = [["序号", "问题类型", "问题描述", "点位", "责任单位", "发现时间", "整改时限", "整改完成时间", None],
            [1, "环境", "宣传栏破损", "人民广场", "司法局", "2023-12-20", "2024-01-10", "2024-01-05", "已通知"],
            [None, None, None, None, None, None, None, None, None],
            ["填表人：张某", None, None, None, None, None, None, None, "联系电话：123"]]
    layout = []
    (row,) = read_problem_sheet(write_xlsx(tmp_path / "v.xlsx", rows), project, source="暗访", layout=layout)
    assert row.deadline == D(2024, 1, 10)
    assert layout == [sheets.SheetLayout("6月暗访", "工作表“6月暗访”", 1,
                                         ("desc", "place", "unit", "found", "deadline"), ("问题类型", "整改完成时间"), (9,))]


def test_two_columns_for_one_field_ask_for_a_mapping(tmp_path, project):
    path = write_xlsx(tmp_path / "g.xlsx", [["存在问题", "问题描述", "点位", "责任单位"], ["a", "b", "c", "市司法局"]])
    with pytest.raises(UsageError) as caught:
        read_problem_sheet(path, project)
    assert caught.value.message == f"工作表“6月暗访”的表头“存在问题”和“问题描述”都可作为问题描述列：{path}"
    assert caught.value.hint == "请用 --map 指定其中一个，如 --map 存在问题=问题描述。"
    (row,) = read_problem_sheet(path, project, mapping={"问题描述": "问题描述"})
    assert row.desc == "b"


CSV_TEXT = ("序号,问题描述,点位,责任单位,发现时间,整改时限,来源\n"
            "1,\"劳动保障维权公示牌信息过期，\n投诉电话无法接通\",人力资源市场,人社局,2023/6/6,2023/6/26,12345热线\n"
            ",,,,,,\n"
            "２,志愿服务站点未公示服务时间,市民中心志愿服务站,\"民政局，团市委\",2023年6月7日,2023-6-21,第三方测评\n")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk", "utf-8"])
def test_csv_in_utf8_with_or_without_bom_and_in_gbk(tmp_path, project, encoding):
    path = tmp_path / "清单.csv"
    path.write_bytes(CSV_TEXT.replace("\n", "\r\n").encode(encoding))
    rows = read_problem_sheet(path, project)
    assert [(r.sheet, r.row, r.unit, r.co_units, r.source, r.found, r.deadline) for r in rows] == [
        ("", 2, "rsj", (), "群众反映", D(2023, 6, 6), D(2023, 6, 26)),
        ("", 4, "mzj", ("tsw",), "测评反馈", D(2023, 6, 7), D(2023, 6, 21))]  # a quoted line break stays in its row, as Excel shows it
    assert rows[0].desc == "劳动保障维权公示牌信息过期，\n投诉电话无法接通"


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_a_csv_separated_by_semicolons_or_tabs_is_read(tmp_path, project, delimiter):
    """Excel saves "CSV" with semicolons where the comma is the decimal mark, and its Unicode text
    with tabs; the separator was guessed from the first line's commas and tabs, so a semicolon
    file, or a tab file under a title row, was "找不到表头行". The one that finds the header is
    used, whatever the title row and the cells hold (a 问题描述 with commas in it)."""
    lines = ["2023年6月暗访问题清单" + delimiter * 4, delimiter.join(["序号", "问题描述", "点位", "责任单位", "来源"]),
             delimiter.join(["1", "宣传栏破损, 内容陈旧", "人民广场", "司法局", "暗访"]),
             delimiter.join(["2", '"调解室无人;\n未公示电话"', "东城街道", "民政局", "暗访"])]
    path = tmp_path / "分号.csv"
    path.write_bytes("\r\n".join(lines).encode("utf-8-sig"))
    rows = read_problem_sheet(path, project)
    assert [(r.row, r.desc, r.place, r.unit) for r in rows] == [
        (3, "宣传栏破损, 内容陈旧", "人民广场", "sfj"), (4, "调解室无人;\n未公示电话", "东城街道", "mzj")]
    lines[0] = "2023年6月暗访问题清单"  # a title with no separator at all
    path.write_bytes("\r\n".join(lines).encode("utf-8"))
    assert [r.row for r in read_problem_sheet(path, project)] == [3, 4]


def test_excel_s_sep_line_names_the_separator_and_is_no_row(tmp_path, project):
    path = tmp_path / "sep.csv"
    path.write_text("sep=;\n问题描述;点位;责任单位\n宣传栏破损;人民广场;司法局\n调解室无人;;民政局\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as caught:  # row 3 as Excel shows it (the sep= line is hidden)
        read_problem_sheet(path, project)
    assert caught.value.messages == ["文件“sep.csv”第3行：点位为空"]
    path.write_text('sep=;\n问题描述;点位;责任单位\n"宣传栏;x;司法局\n', encoding="utf-8")  # a stray quote
    with pytest.raises(UsageError) as caught:  # the record as Excel counts, the line as a text editor does
        read_problem_sheet(path, project)
    assert caught.value.message == f"CSV 文件格式有误：{path}（第 2 条记录，约第 3 行：引号不成对或格式不规范）"


def test_a_csv_in_no_known_encoding_is_a_usage_error(tmp_path, project):
    path = tmp_path / "乱码.csv"
    path.write_bytes(b"\x81\x30\xff\xfe\x80,\xff\n")
    with pytest.raises(UsageError) as caught:
        read_problem_sheet(path, project)
    assert caught.value.message == f"无法识别 CSV 文件的编码：{path}（不是 UTF-8，也不是 GBK/GB18030）"
    assert caught.value.hint == "请在 Excel 或 WPS 中打开，另存为“CSV UTF-8（逗号分隔）”或 .xlsx 后再导入。"


def test_a_csv_in_gb18030_keeps_the_characters_gbk_lacks(tmp_path, project):
    """Excel and WPS on Chinese Windows save "CSV" in the ANSI code page, GBK; GB18030 is its
    superset, so a rare character of a name (𬌗, four bytes) comes through as typed."""
    path = tmp_path / "gb.csv"
    path.write_bytes("问题描述,点位,责任单位\r\n窗口服务差,𬌗山社区,司法局\r\n".encode("gb18030"))
    assert [r.place for r in read_problem_sheet(path, project)] == ["𬌗山社区"]


def test_a_csv_of_two_encodings_names_the_line_where_the_second_starts(tmp_path, project):
    """A UTF-8 list with a line pasted in from a GBK file (or the other way round) decodes as
    neither: "无法识别编码" left the user nothing to look for."""
    head = "问题描述,点位,责任单位\r\n宣传栏破损,人民广场,司法局\r\n"
    tail = "窗口服务差,政务中心,人社局\r\n"
    for first, second, name in (("utf-8-sig", "gbk", "UTF-8"), ("gbk", "utf-8", "GBK/GB18030")):
        path = tmp_path / f"{name[:3]}.csv"
        path.write_bytes(head.encode(first) + tail.encode(second))
        with pytest.raises(UsageError) as caught:
            read_problem_sheet(path, project)
        assert caught.value.message == f"CSV 文件的编码前后不一致：第 3 行之前是 {name} 编码，第 3 行不是：{path}"
        assert "重新输入第 3 行起显示为乱码的文字" in caught.value.hint


def test_a_csv_neither_utf8_nor_gbk_that_reads_as_gbk_is_said_to_be_read_so(tmp_path, project):
    """A Big5 file (繁体) decodes as GBK, into nonsense: the message says how it was read."""
    path = tmp_path / "big5.csv"
    path.write_bytes("問題描述,點位,責任單位\r\n宣傳欄破損,人民廣場,司法局\r\n".encode("big5"))
    with pytest.raises(UsageError) as caught:
        read_problem_sheet(path, project)
    assert "找不到表头行" in caught.value.message
    assert caught.value.hint.endswith("文件不是 UTF-8 编码，已按 GBK/GB18030 读取：如看到的是乱码，文件是别的编码（如繁体的 Big5），"
                                      "请在 Excel 或 WPS 中打开，另存为“CSV UTF-8（逗号分隔）”或 .xlsx 后再导入。")


def test_the_same_problems_reordered_and_renumbered_give_the_same_keys(tmp_path, project):
    first = messy_rows()
    body = [r for r in first[2:] if r[1]]
    again = [["某某推进组问题清单（第二次报送）"], HEADER] + [
        [str(n), desc + "  ", " " + place, unit, found, deadline, task, source]
        for n, (_, desc, place, unit, found, deadline, task, source) in enumerate(reversed(body), 11)]
    again[2][3] = "市中级人民法院"  # the full name where the first sheet had 中院
    a = read_problem_sheet(write_xlsx(tmp_path / "1.xlsx", first, merges=("A1:H1",)), project, source="自查")
    b = read_problem_sheet(write_xlsx(tmp_path / "2.xlsx", again), project, source="自查")
    assert sorted(r.key for r in a) == sorted(r.key for r in b)
    assert sheets.problem_key("暗访", D(2023, 6, 5), "sfj", "人民 公园", "宣传栏") == \
        sheets.problem_key("暗访", D(2023, 6, 5), "sfj", "人民公园", "宣传栏\n")
    assert sheets.problem_key("暗访", None, "sfj", "p", "d") != sheets.problem_key("督查", None, "sfj", "p", "d")


def test_one_bad_row_refuses_the_whole_sheet_and_names_the_row(tmp_path, project):
    rows = messy_rows()
    rows[6][3] = "市民正局"  # row 7
    path = write_xlsx(tmp_path / "bad.xlsx", rows, merges=("A1:H1",))
    with pytest.raises(ImportRefused) as caught:
        read_problem_sheet(path, project)
    assert caught.value.messages == ["工作表“6月暗访”第7行：责任单位“市民正局”不存在（是否为“市民政局”？）"]
    assert str(caught.value) == caught.value.messages[0]
    assert caught.value.exit_code == 1
    assert caught.value.message == "表格中有 1 行不能导入，本次没有导入任何问题："


def test_a_unit_named_by_part_of_its_name_as_unit_takes_it(tmp_path, project):
    """--unit 民政 is 市民政局 on the command line; the import refused 民政 (a fresh-eyes try). A part
    of a name that more than one unit's names hold is still refused, with no guess."""
    rows = messy_rows()
    rows[6][3] = "民政、人社"
    got = read_problem_sheet(write_xlsx(tmp_path / "part.xlsx", rows, merges=("A1:H1",)), project)
    assert [(r.unit, r.co_units) for r in got if r.place == "阳光社区志愿服务站"] == [("mzj", ("rsj",))]
    rows[6][3] = "市委"  # 市委宣传部, 市委党校, 市委统战部 …
    with pytest.raises(ImportRefused) as caught:
        read_problem_sheet(write_xlsx(tmp_path / "many.xlsx", rows, merges=("A1:H1",)), project)
    assert "责任单位“市委”不存在" in caught.value.messages[0]


def test_every_bad_row_is_listed(tmp_path, project):
    rows = [HEADER,
            [1, "宣传栏破损", "人民广场", "市司法局", "2023-6-5", "2023-6-20", "", "暗访"],
            [2, "宣传栏破损", "", "市司法局", "2023-2-30", "下周", "", ""],
            [3, "调解室无人", "东城街道", "市场局", "2023-6-10", "2023-6-1", "T99", "领导交办"],
            [4, "窗口\u202e服务差", "政务中心", "人社局", "", "", "", ""],
            [5, "长" * 2001, "点" * 201, "foo", "", "", "", ""],
            [6, "宣传栏破损", "人民广场", "司法局", "2023年6月5日", "2023-6-30", "", "市创城办暗访"],
            [7, "#N/A", "人民广场", "司法局", "", "", "", ""]]
    path = write_xlsx(tmp_path / "bad.xlsx", rows, title="督查")
    with pytest.raises(ImportRefused) as caught:
        read_problem_sheet(path, project)
    assert caught.value.messages == [
        "工作表“督查”第3行：点位为空；发现时间“2023-2-30”不是有效日期；"
        "整改时限“下周”无法识别为日期（可写 2023-7-5、2023/7/5、2023年7月5日，或写天数，如 15天、10个工作日）",
        "工作表“督查”第4行：责任单位“市场局”不存在（是否为“市市场监督管理局”？）；任务“T99”不存在（任务编号如 T01、T02、T03…）；"
        "来源“领导交办”无法识别（应为 自查、互查、督查、暗访、测评反馈、群众反映、媒体曝光 之一）；"
        "整改时限（2023年6月1日）早于发现时间（2023年6月10日）",
        "工作表“督查”第5行：问题描述含有不可见的字符 U+202E（双向文字控制符）",
        "工作表“督查”第6行：问题描述过长（2001 字，上限 2000 字）；点位过长（201 字，上限 200 字）；责任单位“foo”不存在",
        "工作表“督查”第7行：与工作表“督查”第2行重复（来源、发现时间、责任单位、点位和问题描述都相同）",
        "工作表“督查”第8行：问题描述是错误值 #N/A（公式出错）",
    ]


def test_a_refused_row_is_read_in_full_and_says_what_could_not_be_read(tmp_path, project):
    """Given bad_rows, the reader hands over each row it refuses with every fault of it (a formula's
    error value no longer hides the other cells' faults), the fields it could read, and those it
    could not, which the import must not fault again (an unreadable date is not a blank one)."""
    rows = [HEADER,
            [1, "#N/A", "人民广场", "foo", "2023-6-5", "2023-6-20", "T10", "xx"],
            [2, "宣传栏破损", "", "司法局", "2023-2-30", "下周", "T01", "暗访"],
            [3, "热线无人", "12348热线", "司法局", "2023-6-5", "", "", ""]]
    bad: list[SheetRow] = []
    good = read_problem_sheet(write_xlsx(tmp_path / "b.xlsx", rows, title="督查"), project, bad_rows=bad)
    assert [(r.row, r.faults, r.unread) for r in good] == [(4, (), frozenset())]
    assert [(r.where, r.order) for r in (*bad, *good)] == [
        ("工作表“督查”第2行", 0), ("工作表“督查”第3行", 1), ("工作表“督查”第4行", 2)]
    first, second = bad
    assert first.faults == ("问题描述是错误值 #N/A（公式出错）", "责任单位“foo”不存在",
                            "来源“xx”无法识别（应为 自查、互查、督查、暗访、测评反馈、群众反映、媒体曝光 之一）")
    assert first.unread == {"desc", "unit", "source"} and first.key == ""
    assert (first.place, first.task, first.found, first.deadline) == ("人民广场", "T10", D(2023, 6, 5), D(2023, 6, 20))
    assert second.faults == ("点位为空", "发现时间“2023-2-30”不是有效日期",
                             "整改时限“下周”无法识别为日期（可写 2023-7-5、2023/7/5、2023年7月5日，或写天数，如 15天、10个工作日）")
    assert second.unread == {"found", "deadline"} and second.found is None and second.deadline is None
    assert (second.unit, second.task, second.source) == ("sfj", "T01", "暗访")
    with pytest.raises(ImportRefused) as caught:  # without bad_rows: refused as before, every fault named
        read_problem_sheet(tmp_path / "b.xlsx", project)
    assert caught.value.messages[0] == "工作表“督查”第2行：" + "；".join(first.faults)


def test_a_control_character_in_a_csv_cell_is_a_row_error(tmp_path, project):
    path = tmp_path / "c.csv"
    path.write_text("问题描述,点位,责任单位\n窗口\x1b[2J服务差,政务中心,人社局\n好,政务中心,人社局\r\n", encoding="utf-8")
    with pytest.raises(ImportRefused) as caught:
        read_problem_sheet(path, project)
    assert caught.value.messages == ["文件“c.csv”第2行：问题描述含有不可见的字符 U+001B（控制字符）"]


def test_the_cli_prints_every_bad_row(capsys):
    from chuangcheng_cli.cli import plain

    code = plain.usage_error(ImportRefused(["工作表“a”第2行：点位为空", "工作表“a”第5行：责任单位为空"], "请改正"))
    assert code == 1
    assert capsys.readouterr().err == ("错误：表格中有 2 行不能导入，本次没有导入任何问题：\n"
                                       "  工作表“a”第2行：点位为空\n  工作表“a”第5行：责任单位为空\n提示：请改正\n")


def test_merged_unit_cells_and_role_marks(tmp_path, project):
    rows = [["问题描述", "点位", "责任单位"],
            ["未成年人保护工作站未挂牌", "城南街道", "市教育局（配合）；市民政局（牵头）"],
            ["救助站制度未上墙", "市救助站", "牵头单位：民政局\n配合单位：团委、妇联"],
            ["儿童之家活动记录缺失", "城北社区", None],
            ["问题描述", "点位", "责任单位"],  # a second list pasted below the first
            ["无障碍通道被占用", "残疾人之家", "市残联 市卫健委"],
            ["法律援助指引未张贴", "公共法律服务中心", "市 司法局"]]
    path = write_xlsx(tmp_path / "m.xlsx", rows, merges=("C3:C4",))
    rows = read_problem_sheet(path, project)
    assert [(r.row, r.unit, r.co_units) for r in rows] == [
        (2, "mzj", ("jyj",)), (3, "mzj", ("tsw", "fl")), (4, "mzj", ("tsw", "fl")), (6, "cl", ("wjw",)), (7, "sfj", ())]


def test_a_note_row_merged_across_the_table_is_not_a_problem(tmp_path, project):
    rows = [["问题描述", "点位", "责任单位"], ["一、公共法律服务"], ["热线无人接听", "12348热线", "司法局"],
            ["注：请于7月10日前报送整改情况"]]
    path = write_xlsx(tmp_path / "n.xlsx", rows, merges=("A2:C2", "A4:C4"))
    assert [r.row for r in read_problem_sheet(path, project)] == [3]


def test_a_form_s_footer_rows_are_not_problems(tmp_path, project):
    """填表人/联系电话/备注 under the list, in cells of their own and not merged, as forms end."""
    rows = [["问题描述", "点位", "责任单位", "整改时限"], ["热线无人接听", "12348热线", "司法局", "2023-7-5"],
            ["填表人：张三", None, "联系电话：0000-1234567", "填报日期: 2023年6月8日"],
            [" 备注：请于7月10日前报送整改情况"], ["注:整改时限为空的按15天计"]]
    path = write_xlsx(tmp_path / "f.xlsx", rows)
    assert [r.row for r in read_problem_sheet(path, project)] == [2]


def test_a_problem_row_that_starts_with_a_label_is_still_read_or_refused(tmp_path, project):
    rows = [["问题描述", "点位", "责任单位"], ["注：宣传栏破损", "人民广场", "民政局"], ["说明：热线无人接听", "12348热线", None]]
    path = write_xlsx(tmp_path / "f.xlsx", rows)
    with pytest.raises(ImportRefused) as caught:
        read_problem_sheet(path, project)
    assert caught.value.messages == ["工作表“6月暗访”第3行：责任单位为空"]
    path = write_xlsx(tmp_path / "g.xlsx", rows[:2])
    assert [(r.row, r.desc) for r in read_problem_sheet(path, project)] == [(2, "注：宣传栏破损")]


def test_the_workbook_s_own_escapes_are_decoded(tmp_path, project):
    """Excel stores a line break typed in a cell as _x000D_ and a newline (ECMA-376 ST_Xstring),
    which openpyxl leaves as text: decoded, so the description reads as typed, a control
    character so written is refused like any other, and _x005F_ keeps a literal underscore."""
    rows = [["问题描述", "点位", "责任单位"],
            ["热线无人接听_x000D_\n未公示值班电话", "12348热线_x005F_x0031_", "司法局"],
            ["宣传栏破损_x0007_", "人民广场", "民政局"]]
    path = write_xlsx(tmp_path / "x.xlsx", rows)
    with pytest.raises(ImportRefused) as caught:
        read_problem_sheet(path, project)
    assert caught.value.messages == ["工作表“6月暗访”第3行：问题描述含有不可见的字符 U+0007（控制字符）"]
    path = write_xlsx(tmp_path / "y.xlsx", rows[:2])
    assert [(r.desc, r.place) for r in read_problem_sheet(path, project)] == [
        ("热线无人接听\n未公示值班电话", "12348热线_x0031_")]


def test_invisible_marks_copied_with_a_name_do_not_hide_the_unit(tmp_path, project):
    """A unit, task or source copied from a web page with a zero-width space or a direction mark:
    it is the one it looks like (it was "不存在（是否为“市司法局”？）" over a name that read the same)."""
    rows = [["问题描述", "点位", "责任单位", "任务编号", "来源"],
            ["热线无人接听", "12348热线", "司法局\u200f、\u200b民政局", "T0\u200b1", "暗\ufeff访"]]
    path = write_xlsx(tmp_path / "z.xlsx", rows)
    assert [(r.unit, r.co_units, r.task, r.source) for r in read_problem_sheet(path, project)] == [
        ("sfj", ("mzj",), "T01", "暗访")]


def test_hidden_rows_are_read_and_formulas_give_their_values(tmp_path, project):
    path = write_xlsx(tmp_path / "h.xlsx", [["问题描述", "点位", "责任单位"], ["热线无人接听", "12348热线", "司法局"]])
    book = openpyxl.load_workbook(path)
    book.active.row_dimensions[2].hidden = True
    book.save(path)
    assert [r.row for r in read_problem_sheet(path, project)] == [2]


def test_every_visible_sheet_with_a_header_is_read_unless_one_is_named(tmp_path, project):
    body = [["问题描述", "点位", "责任单位"], ["热线无人接听", "12348热线", "司法局"]]
    path = write_xlsx(tmp_path / "s.xlsx", [["填表说明：每个组一张表"]], title="说明",
                      more={"一组": body, "二组": [body[0], ["宣传栏破损", "人民广场", "民政局"]]})
    assert [(r.sheet, r.row, r.unit) for r in read_problem_sheet(path, project)] == [
        ("一组", 2, "sfj"), ("二组", 2, "mzj")]
    assert [r.sheet for r in read_problem_sheet(path, project, sheet="二组")] == ["二组"]


def test_a_hidden_sheet_with_the_header_is_named_not_imported(tmp_path, project):
    """A hidden (or veryHidden) worksheet is not read, as Excel does not show it, but one holding
    the list's header is named with its rows, on an import and in the refusal when no visible
    sheet has the header (a hostile-input try found its problems passed over without a word);
    --sheet reads it; a hidden sheet without the header (a list for drop-downs) is not named."""
    body = [["问题描述", "点位", "责任单位"], ["热线无人接听", "12348热线", "司法局"]]
    path = write_xlsx(tmp_path / "h.xlsx", body, title="6月",
                      more={"7月": [body[0], ["宣传栏破损", "人民广场", "民政局"], ["路灯不亮", "解放路", "民政局"]],
                            "8月": body, "单位": [["市司法局"], ["市民政局"]]})
    book = openpyxl.load_workbook(path)
    book["7月"].sheet_state, book["8月"].sheet_state, book["单位"].sheet_state = "hidden", "veryHidden", "hidden"
    book.save(path)
    named: list[str] = []
    assert [r.sheet for r in read_problem_sheet(path, project, hidden_sheets=named)] == ["6月"]
    assert named == ["工作表“7月”（隐藏，2 行）", "工作表“8月”（深度隐藏，1 行）"]
    assert [r.row for r in read_problem_sheet(path, project, sheet="7月")] == [2, 3]
    book = openpyxl.load_workbook(path)
    book["6月"].delete_rows(1, 2)
    book["6月"]["A1"] = "本表为7月暗访问题清单"
    book.save(path)
    with pytest.raises(UsageError) as refused:
        read_problem_sheet(path, project)
    assert "文件中有表头的隐藏工作表：工作表“7月”（隐藏，2 行）、工作表“8月”（深度隐藏，1 行）" in refused.value.hint


def test_a_sheet_name_is_shown_escaped_and_recorded_without_format_characters(tmp_path):
    """A crafted workbook's sheet name with a bidi override, C1 controls or a line separator was
    printed raw in an import's lines (a hostile-input try): every message shows it escaped, and
    the record's origin keeps no format character (textguard.unmarked), the rest escaped."""
    import json
    import shutil

    from helpers import run_cc

    shutil.copytree(DATA, tmp_path / "data")
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "暗访\u202e\u009b2J\u0085\u2028\u200b"
    ws.append(["问题描述", "点位", "责任单位", "发现时间", "整改时限"])
    ws.append(["描述1", "点位1", "司法局", dt.datetime(2023, 6, 5), dt.datetime(2023, 6, 20)])
    ws.row_dimensions[2].hidden = True
    book.save(tmp_path / "s.xlsx")
    done = run_cc("problem", "import", "s.xlsx", "--source", "暗访", "--as-of", "2023-12-31", "--by", "周某某", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for bad in ("\u202e", "\u009b", "\u0085", "\u2028"):
        assert bad not in done.stdout + done.stderr
    assert "工作表“暗访\\u202e\\x9b2J\\x85\\u2028”第2行" in done.stdout  # the zero-width space left out
    last = (tmp_path / "data" / "journal.jsonl").read_text(encoding="utf-8").splitlines()[-1]
    assert json.loads(last)["origin"] == "s.xlsx 工作表“暗访\\x9b2J\\x85\\u2028”第2行"


def test_a_totals_row_is_never_a_problem_and_is_named(tmp_path, project):
    """Every visible sheet with the header is read, a 汇总 sheet too: its 合计 row named a unit and
    a 点位 and was imported as a problem. A row whose 序号 cell or first filled cell says 合计, 小计,
    总计, 汇总 … is passed over whatever else it holds, and named for the import to say so; a
    问题描述 that merely starts with such a word is read as the problem it is."""
    month = [HEADER, [1, "宣传栏破损", "人民广场", "司法局", "2023-6-5", "2023-6-20", "", "暗访"],
             ["小 计", "1个问题", "1处", "司法局", None, None, None, None],
             [None, "累计3次投诉未办结", "12345热线", "司法局", "2023-6-6", "", "", "群众反映"]]
    summary = [HEADER, ["合计", "共2个问题", "人民广场等2处", "市司法局", None, None, None, "暗访"],
               [None, "汇总：2个问题", "2处", "市司法局", None, None, None, "暗访"],
               [None, "总计（2）", "", "", None, None, None, None]]
    path = write_xlsx(tmp_path / "t.xlsx", month, title="6月", more={"汇总": summary})
    totals: list[str] = []
    rows = read_problem_sheet(path, project, totals=totals)
    assert [(r.sheet, r.row, r.desc) for r in rows] == [("6月", 2, "宣传栏破损"), ("6月", 4, "累计3次投诉未办结")]
    assert totals == ["工作表“6月”第3行（小计）", "工作表“汇总”第2行（合计）", "工作表“汇总”第3行（汇总:2个问题）",
                      "工作表“汇总”第4行（总计(2)）"]
    assert len(read_problem_sheet(path, project)) == 2  # the same without asking for the names


def test_a_row_repeating_an_earlier_sheet_s_is_read_once(tmp_path, project):
    """A 汇总 sheet copying the month sheets' rows refused the whole workbook, every row "重复",
    with the hint to correct them. Importing the sheets one by one takes a repeated row as the
    problem already imported; so does one import of them all, naming the rows read once. Two
    rows alike in one sheet, or alike with no 发现时间, are still refused, to be told apart."""
    june = [HEADER, [1, "宣传栏破损", "人民广场", "司法局", "2023-6-5", "2023-6-20", "", "暗访"],
            [2, "调解室无人", "东城街道", "民政局", "", "2023-6-21", "", "暗访"]]
    summary = [HEADER, [1, "宣传栏破损", "人民广场", "市司法局", dt.datetime(2023, 6, 5), "2023-6-20", "", "暗访"],
               [2, "窗口无人", "政务中心", "司法局", "2023-6-7", "", "", "暗访"]]
    path = write_xlsx(tmp_path / "r.xlsx", june, title="6月", more={"汇总": summary})
    repeats: list = []
    rows = read_problem_sheet(path, project, repeats=repeats)
    assert [(r.sheet, r.row) for r in rows] == [("6月", 2), ("6月", 3), ("汇总", 3)]
    assert repeats == [("工作表“汇总”", 2, "工作表“6月”第2行")]
    summary.append([3, "调解室无人", "东城街道", "民政局", None, "2023-6-21", "", "暗访"])  # no 发现时间
    summary.append([4, "窗口无人", "政务中心", "司法局", "2023-6-7", "", "", "暗访"])  # twice in one sheet
    path = write_xlsx(tmp_path / "r2.xlsx", june, title="6月", more={"汇总": summary})
    with pytest.raises(ImportRefused) as caught:
        read_problem_sheet(path, project)
    assert caught.value.messages == [
        "工作表“汇总”第4行：与工作表“6月”第3行重复（来源、发现时间、责任单位、点位和问题描述都相同）",
        "工作表“汇总”第5行：与工作表“汇总”第3行重复（来源、发现时间、责任单位、点位和问题描述都相同）"]


def test_an_unknown_sheet_name_lists_the_sheets(tmp_path, project):
    path = write_xlsx(tmp_path / "s.xlsx", messy_rows(), more={"5月督查": []})
    with pytest.raises(UsageError) as caught:
        read_problem_sheet(path, project, sheet="6月督查")
    assert caught.value.message == f"工作表“6月督查”不存在：{path}"
    assert caught.value.hint == "文件中的工作表有：“6月暗访”、“5月督查”"


def test_no_header_row_says_what_was_looked_for_and_seen(tmp_path, project):
    path = write_xlsx(tmp_path / "x.xlsx", [[TITLE], ["名称", "地址", "电话"], ["人民公园", "人民路1号", "12345"]])
    with pytest.raises(UsageError) as caught:
        read_problem_sheet(path, project)
    assert caught.value.message == f"工作表“6月暗访”的前 20 行中找不到表头行：{path}"
    assert caught.value.hint == (
        "要找的表头：问题描述/存在问题/问题/问题内容/具体问题等；点位/问题点位/地点/点位名称/检查点位等；"
        "责任单位/整改责任单位/整改单位/责任部门/整改责任部门等；配合单位/配合部门/协办单位/协助单位/协同单位等；"
        "整改时限/整改期限/完成时限/整改完成时限/完成期限等；"
        "发现时间/发现日期/检查时间/检查日期/暗访时间等；来源/问题来源/来源渠道/问题来源渠道/发现渠道等；"
        "任务/任务编号/所属任务/所属任务编号。"
        "看到的是：“名称”、“地址”、“电话”。"
        "表头不同时可用 --map 原列名=字段名 指定，如 --map 原列名=问题描述；表头是乱码时请另存为 UTF-8 CSV 或 .xlsx。")
    path = write_xlsx(tmp_path / "y.xlsx", [[TITLE], ["序号", "情况说明", "所在片区", "责任单位"], [1, "宣传栏破损", "城东", "司法局"]])
    with pytest.raises(UsageError) as caught:
        read_problem_sheet(path, project)
    assert "如 --map 情况说明=问题描述 --map 所在片区=点位；" in caught.value.hint  # the sheet's own, as likely


def test_file_level_refusals(tmp_path, project, monkeypatch):
    def message(path, **kw):
        with pytest.raises(UsageError) as caught:
            read_problem_sheet(path, project, **kw)
        return caught.value.message

    assert message(tmp_path / "无.xlsx") == f"找不到文件：{tmp_path / '无.xlsx'}"
    old = tmp_path / "旧.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    assert message(old) == f"不能读取 .xls 格式的表格：{old}（只能导入 .xlsx 或 .csv）"
    renamed = tmp_path / "改名.xlsx"
    renamed.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    assert message(renamed) == f"文件是旧版 Excel（.xls）格式或设置了打开密码：{renamed}"
    text = tmp_path / "清单.docx"
    text.write_bytes(b"PK")
    assert message(text) == f"不是表格文件：{text}（只能导入 .xlsx 或 .csv）"
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"not a zip at all")
    assert message(broken) == f"不是有效的 .xlsx 文件（可能已损坏）：{broken}"
    assert message(tmp_path / "坏.xlsx", source="领导交办") == "--source“领导交办”无法识别"

    big = write_xlsx(tmp_path / "大.xlsx", messy_rows())
    monkeypatch.setattr(sheets, "MAX_BYTES", 1024)
    size = big.stat().st_size / 1024 / 1024
    assert message(big) == f"文件过大：{big}（{size:.1f} MB，上限 {1024 / 1024 / 1024:g} MB）"
    monkeypatch.setattr(sheets, "MAX_BYTES", 20 * 1024 * 1024)
    monkeypatch.setattr(sheets, "MAX_ROWS", 5)
    assert message(big) == f"工作表“6月暗访”行数过多：{big}（8 行以上，上限 5 行）"
    import openpyxl

    real_load = openpyxl.load_workbook

    def only_a_glance(*args, **kwargs):  # the size is known before the workbook is loaded
        assert kwargs.get("read_only"), "the whole workbook was loaded before its size was checked"
        return real_load(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", only_a_glance)
    assert message(big) == f"工作表“6月暗访”行数过多：{big}（8 行以上，上限 5 行）"
    # a writer that records no size (<dimension>): its rows are counted in the file
    bare = tmp_path / "无尺寸.xlsx"
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("表")
    for n in range(7):
        sheet.append([n, "民政局", f"点位{n}"])
    book.save(bare)
    assert message(bare) == f"工作表“表”行数过多：{bare}（7 行以上，上限 5 行）"
    monkeypatch.setattr(openpyxl, "load_workbook", real_load)
    monkeypatch.setattr(sheets, "MAX_UNZIPPED", 1000)
    assert message(big).startswith(f"文件解压后过大：{big}")


def test_the_bundled_example_sheet_reads_cleanly(project):
    path = REPO / "data" / "imports" / "2023-06暗访问题清单.xlsx"
    rows = read_problem_sheet(path, project, source="暗访")
    assert 18 <= len(rows) <= 22
    assert {r.source for r in rows} == {"暗访"}
    assert all(D(2023, 6, 5) <= r.found <= D(2023, 6, 9) for r in rows)
    assert all(D(2023, 6, 20) <= r.deadline <= D(2023, 7, 10) for r in rows)
    assert len({r.unit for r in rows}) >= 10 and any(r.co_units for r in rows)
    assert any(r.task for r in rows) and any(not r.task for r in rows)
    assert len({r.key for r in rows}) == len(rows)


def test_the_bundled_example_sheet_is_what_its_script_writes():
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(REPO / "scripts" / "make_example_sheet.py"), "--check"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_a_header_twice_an_empty_list_and_an_unsaved_formula_are_said_plainly(tmp_path):
    """Two 问题描述 columns (the second was dropped silently), a sheet with a header and no rows
    (said to be all imported before), a formula with no saved result (said to be empty, nothing
    more): found by a hostile-input try."""
    import openpyxl

    from helpers import copy_data, run_cc

    copy_data(tmp_path)
    twice = tmp_path / "两列.csv"
    twice.write_text("来源,发现时间,责任单位,点位,问题描述,问题描述\n暗访,2023-06-10,人社局,工地,欠薪,公示牌\n",
                     encoding="utf-8")
    result = run_cc("problem", "import", str(twice), "--as-of", "2023-06-12", cwd=tmp_path)
    assert result.returncode == 2 and "表头“问题描述”出现在两列（第5列和第6列）" in result.stderr, result.stderr
    empty = tmp_path / "空.csv"
    empty.write_text("来源,发现时间,责任单位,点位,问题描述\n", encoding="utf-8")
    result = run_cc("problem", "import", str(empty), "--as-of", "2023-06-12", cwd=tmp_path)
    assert result.returncode == 0 and "表头之下没有问题行" in result.stdout, result.stdout + result.stderr
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["来源", "发现时间", "责任单位", "点位", "问题描述"])
    ws.append(["暗访", "2023-06-10", "人社局", "工地", '=CONCATENATE("欠","薪")'])  # never computed
    path = tmp_path / "公式.xlsx"
    book.save(path)
    result = run_cc("problem", "import", str(path), "--as-of", "2023-06-12", cwd=tmp_path)
    assert result.returncode == 1 and "第2行：问题描述是公式，文件中没有保存它的计算结果" in result.stderr, result.stderr
    assert "请在其中打开该文件、保存一次后再导入" in result.stderr


def test_a_formula_never_computed_is_not_read_as_a_blank_cell(tmp_path, project):
    """A 整改时限 of ="15天" in a workbook a script wrote (no saved result) was read as blank: the
    problem recorded as 立行立改 with the policy's 3 days, unsaid (a hostile-input try). A formula
    Excel computed (its value saved, "" too) is read as that value; a row of formulas alone is refused."""
    import zipfile

    rows = [["问题描述", "点位", "责任单位", "发现时间", "整改时限", "来源"],
            ["宣传栏破损", "人民广场", "市司法局", "2023-07-03", '="15天"', "暗访"],
            ["=A2", "=B2", "=C2", "=D2", "=E2", "=F2"]]
    path = write_xlsx(tmp_path / "f.xlsx", rows)
    with pytest.raises(ImportRefused) as caught:
        read_problem_sheet(path, project)
    assert caught.value.messages == [
        "工作表“6月暗访”第2行：整改时限是公式，文件中没有保存它的计算结果",
        "工作表“6月暗访”第3行：问题描述、点位、责任单位、发现时间、整改时限、来源是公式，文件中没有保存它们的计算结果"]
    # the same cell as Excel saves it: its text result ("15天"), or an empty one (t="str", <v></v>)
    import re

    for cell, days in (('<c r="E2" t="str"><f>"15&#22825;"</f><v>15&#22825;</v></c>', 15),
                       ('<c r="E2" t="str"><f>""</f><v></v></c>', None)):
        saved = tmp_path / f"saved{days}.xlsx"
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(saved, "w") as out:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    data = re.sub(rb'<row r="3">.*?</row>', b"", data.replace(
                        b'<c r="E2"><f>"15&#22825;"</f><v></v></c>', cell.encode()), flags=re.S)
                    assert cell.encode() in data and b'r="A3"' not in data
                out.writestr(item, data)
        (row,) = read_problem_sheet(saved, project)
        assert (row.days, row.deadline) == (days, None)  # None, None: blank, 立行立改


def test_the_formula_hint_is_given_for_empty_cells_only(tmp_path):
    """An empty cell in a workbook is likely an unsaved formula; a missing 来源 is not a cell."""
    sourceless = ["工作表“6月暗访”第2、3行的来源为空，也没有用 --source 指定问题来源"]
    assert "公式" not in sheets.refused_hint(tmp_path / "a.xlsx", sourceless)
    assert "公式" in sheets.refused_hint(tmp_path / "a.xlsx", ["工作表“6月暗访”第3行：责任单位为空"])
    assert "公式" not in sheets.refused_hint(tmp_path / "a.csv", ["文件“a.csv”第3行：责任单位为空"])


def test_messages_quote_a_huge_cell_by_its_beginning(tmp_path, project):
    rows = [["问题描述", "点位", "责任单位", "整改时限", "任务编号"],
            ["热线无人接听", "12348热线", "司法局", "9" * 5000, 1e308]]
    with pytest.raises(ImportRefused) as caught:
        read_problem_sheet(write_xlsx(tmp_path / "h.xlsx", rows), project)
    (message,) = caught.value.messages
    assert len(message) < 300 and "…（共 5000 字）" in message and "…（共 309 字）" in message


def test_a_csv_that_is_a_workbook_or_has_a_huge_cell_is_explained_in_chinese(tmp_path, project):
    book = write_xlsx(tmp_path / "b.xlsx", [["问题描述", "点位", "责任单位"]])
    renamed = tmp_path / "b.csv"
    renamed.write_bytes(book.read_bytes())
    with pytest.raises(UsageError) as caught:
        read_problem_sheet(renamed, project)
    assert "实际上是 Excel 工作簿" in caught.value.message and ".xlsx" in caught.value.hint
    huge = tmp_path / "h.csv"
    huge.write_text("问题描述,点位,责任单位\n" + "宣" * 200_000 + ",人民广场,司法局\n", encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        read_problem_sheet(huge, project)
    assert "某一格超过" in caught.value.message and "field" not in caught.value.message


def test_a_stray_quote_in_a_csv_is_refused_not_read_as_one_cell_over_many_lines(tmp_path, project):
    """An opening " never closed ran on over the next rows: four problems were offered as one,
    the last row's 点位 on the first row's text (found by a hostile-input try). Refused, with
    where; quotes as Excel writes them (a cell over two lines, "" inside) still read."""
    head = "问题描述,点位,责任单位,来源\n"
    bad = tmp_path / "bad.csv"
    bad.write_text(head + '"垃圾满溢,广场A,民政局,暗访\n路灯损坏,广场B,民政局,暗访\n他说"好",广场D,民政局,暗访\n',
                   encoding="utf-8")
    with pytest.raises(UsageError) as refused:
        read_problem_sheet(bad, project)
    assert "引号不成对或格式不规范" in refused.value.message
    lone = tmp_path / "lone.csv"
    lone.write_text(head + '"垃圾满溢,广场A,民政局,暗访\n', encoding="utf-8")
    with pytest.raises(UsageError, match="引号不成对"):
        read_problem_sheet(lone, project)
    good = tmp_path / "good.csv"
    good.write_text(head + '"多行\n描述",广场A,民政局,暗访\n他说"好",广场D,民政局,暗访\n"引""号",广场E,民政局,暗访\n',
                    encoding="utf-8")
    assert [r.desc for r in read_problem_sheet(good, project)] == ["多行\n描述", '他说"好"', '引"号']


def test_one_cell_merged_over_two_fields_is_refused_not_copied_into_both(tmp_path, project):
    """B6:C6 merged over 问题描述 and 点位 gave both the same text, imported without a word (found
    by a hostile-input try): the row is refused, naming the merge. A cell merged down a column
    (one unit for several rows) and a note merged across the whole table still read as before."""
    rows = [["问题描述", "点位", "责任单位", "来源"], ["宣传栏陈旧", "人民公园", "司法局", "暗访"],
            ["合并单元格", None, "司法局", "暗访"], ["无人值守", "幸福路社区", "民政局", "暗访"],
            ["导诉台无人", "诉讼服务中心", None, "暗访"]]
    with pytest.raises(ImportRefused) as refused:
        read_problem_sheet(write_xlsx(tmp_path / "m.xlsx", rows, merges=("A3:B3",)), project)
    assert "工作表“6月暗访”第3行：问题描述、点位是同一个合并单元格（A3:B3），无法分开" in str(refused.value)
    fine = read_problem_sheet(write_xlsx(tmp_path / "ok.xlsx", [rows[0], rows[1], rows[3], rows[4]],
                                         merges=("C3:C4",)), project)
    assert [r.unit for r in fine] == ["sfj", "mzj", "mzj"]


def test_a_sheet_that_declares_fewer_rows_than_it_holds_is_counted(tmp_path, project, monkeypatch):
    """A <dimension> of two rows over a million and a half rows was trusted: refused only after
    20 s and 800 MB (found by a hostile-input try). The rows are counted before the full load."""
    import re
    import zipfile

    monkeypatch.setattr(sheets, "MAX_ROWS", 5)
    rows = [["问题描述", "点位", "责任单位"]] + [[f"问题{n}", "广场", "司法局"] for n in range(10)]
    honest = write_xlsx(tmp_path / "honest.xlsx", rows)
    liar = tmp_path / "liar.xlsx"
    with zipfile.ZipFile(honest) as src, zipfile.ZipFile(liar, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:C2"/>', data)
            out.writestr(item, data)
    monkeypatch.setattr(sheets, "_sheet_table", lambda *a: pytest.fail("loaded in full before counting"))
    with pytest.raises(UsageError, match="11"):
        read_problem_sheet(liar, project)


def test_a_nul_in_a_csv_is_named_with_its_line_and_utf16_without_its_bom_is_an_encoding(tmp_path, project):
    """A NUL pasted into a UTF-8 CSV was reported as "不是 UTF-8，也不是 GBK" (a hostile-input try):
    the line is named; NULs at every other byte are UTF-16 without its BOM, read as such."""
    path = tmp_path / "nul.csv"
    path.write_bytes("问题描述,点位,责任单位\n宣传栏\x00破损,人民广场,市司法局\n".encode())
    with pytest.raises(UsageError) as caught:
        read_problem_sheet(path, project)
    assert caught.value.message == f"CSV 文件第 2 行含有空字符（\\x00）：{path}"
    # read as what it is (it was refused, and with a tab-separated file called one of mixed
    # encodings: a hostile-input try), little- or big-endian
    for codec in ("utf-16-le", "utf-16-be"):
        wide = tmp_path / f"{codec}.csv"
        wide.write_bytes("问题描述\t点位\t责任单位\n宣传栏破损一处\t人民广场\t市司法局\n".encode(codec))
        assert [(r.desc, r.unit) for r in read_problem_sheet(wide, project)] == [("宣传栏破损一处", "sfj")]
