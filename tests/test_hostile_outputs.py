"""Outputs safe from hostile data: each case a reproduction from issue 10 that failed before the fix.

Every case through the installed `cc` asserts the exit code, a Chinese message (with file and line
where there is one), no traceback, and every data file byte-for-byte unchanged. The validate
messages themselves are golden files in tests/data/invalid (unsafe-name, name-too-long,
invalid-character*, duplicate-key-journal, wrong-type-journal-*, invalid-value-huge-number*).
"""

from __future__ import annotations

import dataclasses
import errno
import html as html_module
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tracemalloc
from pathlib import Path

import markdown_it
import pytest
from typer.testing import CliRunner

from chuangcheng_cli.store import checks, journal, loading, safepath, state as store
from chuangcheng_cli.reports import md as report_md, xlsx as report_xlsx
from chuangcheng_cli.domain import rules
from chuangcheng_cli.reports import tables
from chuangcheng_cli import textguard
from chuangcheng_cli.cli import app
from chuangcheng_cli.diagnostics import Diagnostic, UsageError, render_text
from helpers import DATA, TODAY, cc_command, cc_env, copy_data, run_cc, snapshot_files

AS_OF = ("--as-of", "2023-12-31")


def refused(result, code: int, *needles: str) -> None:
    out = result.stdout + result.stderr
    assert "Traceback" not in out, out[-2000:]
    assert result.returncode == code, out[-2000:]
    assert re.search(r"[\u4e00-\u9fff]", out), out
    for needle in needles:
        assert needle in out, out[-2000:]


def append_line(data: Path, line: str) -> None:
    with open(data / "journal.jsonl", "a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def progress_line(**fields) -> str:
    base = {"id": "20231230-0000beef", "kind": "progress", "date": "2023-12-30", "at": "2023-12-30T09:00:00+08:00",
            "by": "测试员", "task": "T09", "unit": "rsj", "percent": 90, "note": "正常报送。"}
    return json.dumps({**base, **fields}, ensure_ascii=False, separators=(",", ":"))


# ------------------------------------------------------------------ safepath


@pytest.mark.parametrize("text", ["人社局/../../../escaped/pwn", "..", ".", "a\\b", "x\x1by", "CON", "nul.txt",
                                  "a<b>c:d\"e|f?g*h", "名\u202etxt.exe", " 尾部点. ", "..隐藏台账.xlsx",
                                  "../../../../tmp/PWN/x台账.xlsx"])
def test_safe_file_name_is_one_plain_name(text):
    name = safepath.safe_file_name(text)
    assert name and "/" not in name and "\\" not in name and name not in (".", "..")
    assert textguard.find_bad(name, multiline=False) < 0
    assert not re.search(r'[<>:"|?*]', name)
    assert name.split(".")[0].upper() not in ("CON", "NUL")
    assert not name.endswith((".", " ")) and not name.startswith(".")  # never a hidden file


def test_safe_file_name_fits_255_bytes_and_keeps_the_extension():
    name = safepath.safe_file_name("关于" + "很长的单位名称" * 40 + "创城工作督办情况的报告_法治督〔2023〕5号.docx")
    assert len(name.encode("utf-8")) <= 255 and name.endswith(".docx")
    name.encode("utf-8").decode("utf-8")  # never half a character


def test_inside_refuses_a_path_outside_its_folder(tmp_path):
    folder = tmp_path / "notices"
    folder.mkdir()
    assert safepath.output_in(folder, "人社局/../../x.docx").parent == folder
    with pytest.raises(UsageError, match="目录之外"):
        safepath.inside(folder, folder / ".." / "x.docx")
    (folder / "link").symlink_to(tmp_path)
    with pytest.raises(UsageError):
        safepath.inside(folder, folder / "link" / "x.docx")


def test_notice_for_a_unit_named_with_dot_dot_writes_nothing_anywhere(tmp_path):
    data = copy_data(tmp_path)
    units = (data / "units.yaml").read_text(encoding="utf-8")
    (data / "units.yaml").write_text(units.replace("name: 市人力资源和社会保障局", "name: 人社局/../../../escaped/pwn", 1),
                                     encoding="utf-8")
    before = snapshot_files(tmp_path)
    result = run_cc("notice", "人社局", *AS_OF, cwd=tmp_path)
    refused(result, 1, "units.yaml:", "[unsafe-name]")
    assert snapshot_files(tmp_path) == before
    assert not (tmp_path.parent / "escaped").exists() and not (tmp_path / "escaped").exists()


# ---------------------------------------------------------------------- xlsx


def test_xlsx_stores_formula_like_text_as_text(tmp_path):
    from openpyxl import load_workbook

    data = copy_data(tmp_path)
    note = "=HYPERLINK(\"http://evil.example\",\"点此\")"
    by = "=cmd|' /C calc'!A0"
    plan = data / "tasklist.yaml"  # names a hostile roster could hold: authorised, still only text
    plan.write_text(plan.read_text(encoding="utf-8").replace(
        "  office_staff:", "  office_staff:\n    - \"=cmd|' /C calc'!A0\"\n    - \"-2+3\"", 1), encoding="utf-8")
    ok = run_cc("log", "T09", "--unit", "人社局", "--percent", "90", "--note", note, "--by", by, *AS_OF, cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    ok = run_cc("log", "T09", "--unit", "人社局", "--percent", "91", "--note", "+1+1", "--problem", "@SUM(1)",
                "--by", "-2+3", *AS_OF, cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    out = tmp_path / "台账.xlsx"
    result = run_cc("report", "xlsx", "--out", str(out), *AS_OF, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    cells = [c for ws in load_workbook(out).worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert any(note in t for t in texts) and any(by in t for t in texts)
    assert any(t.startswith(("+1+1", "-2+3", "@SUM")) or "+1+1" in t for t in texts)
    # and marked as typed with a leading ': editing the cell or saving as CSV does not make it a formula
    # (a hostile-input try); the look of its column kept (borders, wrapping)
    like = [c for c in cells if isinstance(c.value, str) and c.value.lstrip(" \u3000").startswith(tuple("=+-@＝＋－＠"))]
    assert {c.value for c in like} >= {by, "-2+3"} and all(c.quotePrefix for c in like)
    assert all(c.border.left.style == "thin" for c in like if c.row > 3)
    assert not [c.coordinate for c in cells if c.quotePrefix and not (isinstance(c.value, str) and c in like)]


def test_xlsx_footer_shows_the_group_s_name_as_written(tmp_path):
    """& is a code in a page footer (&P the page, &F the file, &"Arial,Bold" a font): a group named
    法治&F&P环境 printed a file name and a page number in it (a hostile-input try); and Excel takes
    255 characters for a footer."""
    from chuangcheng_cli.reports.xlsx import FOOTER_ROOM, _footer_text

    assert _footer_text('法治&F&P环境&&"Arial,Bold"') == '法治&&F&&P环境&&&&"Arial,Bold"'
    long = _footer_text("&" * 300)
    assert len(long) <= FOOTER_ROOM and long.endswith("…") and long[:-1] == "&" * (len(long) - 1)
    assert len(long[:-1]) % 2 == 0  # never half of an &&
    assert _footer_text("法" * FOOTER_ROOM) == "法" * FOOTER_ROOM  # cut only when too long
    assert _footer_text("法" * (FOOTER_ROOM + 1)) == "法" * (FOOTER_ROOM - 1) + "…"
    data = copy_data(tmp_path)
    plan = data / "tasklist.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("  group: 法治环境工作推进组", '  group: "法治&F&P环境工作推进组"', 1), encoding="utf-8")
    out = tmp_path / "台账.xlsx"
    result = run_cc("report", "xlsx", "--out", str(out), *AS_OF, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    from openpyxl import load_workbook

    footer = load_workbook(out).worksheets[0].oddFooter.left.text
    assert footer.startswith("法治&&F&&P环境工作推进组")


def test_xlsx_survives_control_characters_that_slipped_into_the_data():
    project, _ = checks.load_checked(DATA)
    bad = [dataclasses.replace(e, note="范某某\x1b[2J\x01\x0b") if e.kind == "progress" else e
           for e in project.journal]
    snap = rules.snapshot(dataclasses.replace(project, journal=bad), TODAY)
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(report_xlsx.workbook_bytes(snap)))
    texts = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("范某某\\x1b[2J\\x01\\x0b" in t for t in texts)


# ------------------------------------------------------------- textguard


@pytest.mark.parametrize("ch", ["\x00", "\x1b", "\x7f", "\x85", "\x9b", "\u2028", "\u2029", "\u202a", "\u202e", "\u2066", "\u2069",
                                "\ufdd0", "\ufdef", "\ufffe", "\uffff", "\U0001fffe", "\U0010ffff", "\ud800", "\r"])
def test_find_bad_knows_every_forbidden_character(ch):
    assert textguard.find_bad(f"好{ch}的") == 1
    shown = textguard.for_terminal(f"好{ch}的")
    assert textguard.find_bad(shown) < 0 and "\\" in shown


@pytest.mark.parametrize("text", ["多行\n说明\t对齐", "emoji 👨‍👩‍👧", "全角　空格", "\u200b零宽", "普通"])
def test_find_bad_lets_ordinary_text_pass(text):
    assert textguard.find_bad(text) < 0
    assert textguard.find_bad("a\nb", multiline=False) == 1


@pytest.mark.parametrize("args", [
    ("log", "T09", "--unit", "人社局", "--percent", "90", "--note", "正常\x1b[2J"),
    ("log", "T09", "--unit", "人社局", "--percent", "90", "--note", "正常", "--by", "范某某\x1b[2J"),
    ("log", "T09", "--unit", "人社局", "--percent", "90", "--note", "正常", "--evidence", "https://x/\u202egpj.exe"),
    ("assign", "T09", "--unit", "人社局", "--section", "劳动关系科", "--person", "王某\u2066", "--phone", "1\x01"),
    ("close", "2023-1", "--note", "销号\x7f"),
    ("verify", "T01", "--note", "\ufffe"),
])
def test_write_commands_refuse_forbidden_characters_in_every_argument(tmp_path, args):
    copy_data(tmp_path)
    before = snapshot_files(tmp_path)
    result = run_cc(*args, *AS_OF, cwd=tmp_path)
    refused(result, 2, "不允许的字符")
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr
    assert snapshot_files(tmp_path) == before


def test_cc_user_with_a_control_character_is_refused(tmp_path):
    copy_data(tmp_path)
    before = snapshot_files(tmp_path)
    result = run_cc("log", "T09", "--unit", "人社局", "--percent", "90", "--note", "正常", *AS_OF, cwd=tmp_path,
                    CC_USER="范某某\u202e")
    refused(result, 2, "CC_USER", "U+202E")
    assert snapshot_files(tmp_path) == before


@pytest.mark.parametrize("field,value", [("note", "\u001b[2J"), ("note", "\u0000"), ("note", "\uffff"),
                                         ("by", "\u202e某某"), ("note", "\u0085"), ("note", "甲\u2028乙")])
def test_status_skips_a_journal_line_with_forbidden_characters_and_names_it(tmp_path, field, value):
    data = copy_data(tmp_path)
    append_line(data, progress_line(**{field: value}))
    line = (data / "journal.jsonl").read_text(encoding="utf-8").count("\n")
    before = snapshot_files(tmp_path)
    read = run_cc("status", *AS_OF, cwd=tmp_path)  # reads go on without the line, and say so
    assert read.returncode == 0 and "1 条记录未计入" in read.stderr and "Traceback" not in read.stderr
    assert "\x1b" not in read.stdout + read.stderr and "\u202e" not in read.stdout + read.stderr
    result = run_cc("status", "--strict", *AS_OF, cwd=tmp_path)
    refused(result, 1, f"journal.jsonl:{line}:", "[invalid-character]")
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr
    assert snapshot_files(tmp_path) == before


def test_tables_escape_what_still_arrives():
    rows = [{"id": "x", "date": "2023-06-30", "kind": "progress", "kind_name": "进度报送", "unit": "人社局\x1b[2J",
             "tasks": ["T09"], "text": "说明\u202e反转", "by": "某\x07"}]
    from rich.console import Console

    table = tables.history_table(rows, "全程留痕", 2023)
    out = io.StringIO()
    Console(file=out, width=200, color_system=None).print(table)
    text = out.getvalue()
    assert "\x1b" not in text and "\u202e" not in text and "\\x1b" in text


def _rich_history_list(rows, title, year, width):
    """The history list as rich alone lays it out: a Text per heading and per folded line of text,
    each wrapped by rich. tables.history_lines must print exactly this, faster."""
    from rich.console import Group
    from rich.text import Text

    from chuangcheng_cli.reports.lines import cell_len, fold, short_date

    rows = textguard.clean(rows)
    ids = tables.short_ids([r["id"] for r in rows])
    parts = [Text(title, style="bold")]
    for r in rows:
        head = Text(f"{short_date(r['date'], year)}  {ids[r['id']]}  ")
        head.append(r["kind_name"] + ("（已作废）" if r.get("voided") else ""),
                    style="strike dim" if r.get("voided") else "bold")
        shown = (r["unit"], ",".join(r["tasks"]), r["by"])
        # a heading too wide for the terminal: 记录人 on a line of its own under it
        moved = r["by"] and cell_len(head.plain + "  " + "  ".join(x for x in shown if x)) > width
        head.append("  " + "  ".join(x for x in shown[:2 if moved else 3] if x))
        parts.append(head)
        if moved:
            parts.append(Text("    记录人：" + r["by"]))
        parts += [Text("    " + line) for line in fold(r["text"], max(width - 4, 20))]
    return Group(*parts)


HOSTILE_TEXTS = ["前\t后 制表符", "第一行\n第二行\n\n第四行", "https://x.example/" + "a" * 200,
                 "零宽\u200b字符 e\u0301 👍🏽 ❤️ ＷＩＤＥ 👨\u200d👩\u200d👧", "很长的说明" * 40, "", " 首尾 空格 ",
                 "控制\x1b[2J字符\x07", "\u202e反转", "（括号）“引号”，。、；：？！", "T01、T02、95%、2023-09-10"]


def _hostile_history_rows() -> list[dict]:
    units = ["人社局", "精神文明建设指导委员会办公室联合工作专班第一组协调推进小组临时机构", "", "a" * 90]
    return [{"id": f"20230{n % 9 + 1}01-{n:08x}", "date": f"2023-0{n % 9 + 1}-01", "kind": "progress",
             "kind_name": "进度报送", "voided": n % 3 == 0, "unit": units[n % len(units)],
             "tasks": [f"T{k:02d}" for k in range(n % 12)], "text": text, "by": ["某某", "范某某\t", "长" * 50][n % 3]}
            for n, text in enumerate(HOSTILE_TEXTS * 2)]


def _printed(width: int, colour: str | None, *renderables, lines=None) -> str:
    """What cc's console of width prints (colour None: to a pipe, lines without rich's padding) of
    renderables, or of lines by tables.show_lines in small batches."""
    from chuangcheng_cli.cli import plain

    out = io.StringIO()
    console = plain.console(file=out, width=width, color_system=colour, force_terminal=colour is not None)
    for renderable in renderables:
        console.print(renderable)
    if lines is not None:
        tables.show_lines(console, lines, batch=3)
    return out.getvalue()


@pytest.mark.parametrize("width", [8, 12, 20, 23, 24, 25, 40, 60, 80, 100, 119])
def test_history_lines_print_as_rich_alone_would(width):
    """`cc history` lays its list out line by line (a city's journal in seconds); what it prints,
    plain or in colour, is what rich printed when it laid out every line itself: tabs expanded,
    line breaks kept, wide and zero-width characters, over-long headings wrapped by rich."""
    rows = _hostile_history_rows()
    title = f"全程留痕（{len(rows)} 条）"
    for colour in (None, "truecolor"):
        expected = _printed(width, colour, _rich_history_list(rows, title, 2023, width))
        got = _printed(width, colour, lines=tables.history_lines(rows, title, 2023, width))
        assert got == expected
        assert _printed(width, colour, tables.history_table(rows, title, 2023, width)) == expected  # cc show's
    assert "\x1b[2J" not in got and "\u202e" not in got


@pytest.mark.parametrize("width", [120, 121, 133, 160, 200, 250])
def test_history_table_printed_line_by_line_is_rich_s_table(width):
    """At 120 columns and more `cc history` prints its table row by row (rich's Table took minutes
    and gigabytes for a city); the text and colours are rich's table's, hostile text included."""
    rows = _hostile_history_rows()
    title = f"全程留痕（{len(rows)} 条）"
    _printed_alike(width, lambda: tables.history_table(rows, title, 2023, width),
                   lambda: tables.history_wide_lines(rows, title, 2023, width))


def _printed_alike(width: int, whole, lines) -> str:
    """What lines() prints by tables.show_lines, asserted to be what rich prints of whole(), plain
    and in colour, with no control sequence or bidi mark of the data left in; the colour one."""
    for colour in (None, "truecolor"):
        got = _printed(width, colour, lines=lines())
        assert got == _printed(width, colour, whole())
    assert "\x1b[2J" not in got and "\u202e" not in got
    return got


def _hostile_problem_rows() -> list[dict]:
    units = ["住建局", "精神文明建设指导委员会办公室联合工作专班", "", "b" * 40]
    states = [("open", 0, "整改中"), ("open", 12, "整改中（逾期12天）"), ("open", 3, "返工整改中（逾期3天）"),
              ("fixed", 0, "已报整改完成，待复查（逾期2天完成）"), ("closed", 0, "已销号")]
    rows = []
    for n, text in enumerate(HOSTILE_TEXTS * 2):
        status, late, status_text = states[n % len(states)]
        rows.append({"id": f"W2023-{n:04d}" + ("\u202e" if n == 7 else ""), "source": ["暗访", "群众反映\t", "测评"][n % 3],
                     "unit": units[n % len(units)], "place": HOSTILE_TEXTS[(n + 3) % len(HOSTILE_TEXTS)],
                     "desc": text, "deadline": f"202{2 + n % 2}-0{n % 9 + 1}-15", "status": status,
                     "overdue_days": late, "status_text": status_text, "closed_on": "2023-06-01",
                     "on_time": n % 2 == 0, "co_units": [["总工会"], [], ["妇联", "c" * 30], ["科\t协"]][n % 4]})
    return rows


@pytest.mark.parametrize("width", [8, 20, 30, 40, 60, 80, 100, 119, 120, 133, 160, 250])
def test_problem_list_printed_line_by_line_is_rich_s_table(width):
    """`cc problem list` prints its table row by row (a city's year of problems took rich's table a
    quarter of a minute); the text and colours (red for the overdue) are rich's table's, hostile
    text included, and a terminal too narrow for our widths gets a few lines per problem."""
    rows = _hostile_problem_rows()
    title = f"问题清单（截至2023年12月31日，{len(rows)} 个）"
    got = _printed_alike(width, lambda: tables.problems_table(rows, title, 2023, width),
                         lambda: tables.problem_lines(rows, title, 2023, width))
    if width >= 60:  # narrower, the lines of a problem may not show the overdue one's 状态 on its own
        assert "\x1b[1;31m" in got  # the overdue in red


@pytest.mark.parametrize("text", ["", "abc", "a\tb", "\x1b", "说明", "❤️", "❤\ufe0f x", "👨\u200d👩\u200d👧", "e\u0301",
                                  "零宽\u200b字", "ＷＩＤＥ", "👍🏽", "\u0085", "\U000e0001", "很长的说明" * 200])
def test_text_cells_counts_as_rich_does(text):
    from rich.cells import cell_len

    from chuangcheng_cli.reports.lines import text_cells

    assert text_cells(text) == cell_len(text)
    assert text_cells(text) == cell_len(text)  # again, now that its characters are cached


def test_problem_rendering_escapes_controls_and_bidi():
    p = Diagnostic("j\x1b.jsonl", 3, 2, "x", "消息\x1b[2J", "提示\u202e", source="a\u202eb\x1bc")
    text = render_text([p])
    assert "\x1b" not in text and "\u202e" not in text


# ------------------------------------------------------------------ markdown


def test_markdown_escapes_html_links_and_bare_cr():
    project, _ = checks.load_checked(DATA)
    hostile = ("<script>alert(1)</script>[点此](javascript:alert(1))![i](http://x/a.png)\r- 伪造的列表项 *粗*"
               "，详见 https://evil.example/a www.evil.example 见evil.com/x 见例子.com 或 a@例子.cn")
    bad = [dataclasses.replace(e, note=hostile) if e.kind == "progress" else e for e in project.journal]
    bad = [dataclasses.replace(e, reason=hostile) if e.kind == "reopen" else e for e in bad]
    text = report_md.render_markdown(rules.snapshot(dataclasses.replace(project, journal=bad), TODAY))
    assert "\r" not in text
    assert "\\<script\\>" in text
    # rendered as GitHub would, bare addresses linked too (markdown-it with linkify: it links even
    # evil.example without www.): no tag and no link comes from the data, which reads as written;
    # the addresses show as code
    html = markdown_it.MarkdownIt("gfm-like").render(text)
    shown = html_module.unescape(re.sub(r"<[^>]+>", "", html))
    assert hostile.split("\r")[0] in shown and hostile.split("\r")[1] in shown
    assert not re.search(r"<(a|img|script)\b", html), re.findall(r"<(?:a|img|script)\b[^>]*>", html)
    assert "<code>https://evil.example/a</code>" in html and "<code>见evil.com/x</code>" in html
    assert "<code>www.evil.example</code>" in html and "<code>见例子.com</code>" in html and "<code>a@例子.cn</code>" in html
    assert not any(ln.startswith("- 伪造") for ln in text.splitlines())
    # the units' names too, the lead unit's in its queue's heading included (a hostile-input try
    # found it raw there, escaped everywhere else)
    marked = "<img src=x onerror=alert(1)>"
    units = [u.model_copy(update={"name": marked + u.name, "short_names": [marked + s for s in u.short_names]})
             for u in project.units]
    text = report_md.render_markdown(rules.snapshot(dataclasses.replace(project, units=units), TODAY))
    assert "牵头单位待办（\\<img" in text and not re.search(r"(?<!\\)<img", text)


# ------------------------------------------------------- huge numbers, huge lines


def test_a_5000_digit_number_in_the_journal_is_a_located_error(tmp_path):
    data = copy_data(tmp_path)
    append_line(data, progress_line().replace('"percent":90', '"percent":' + "9" * 5000))
    before = snapshot_files(tmp_path)
    for args in (("status", "--strict"), ("log", "T09", "--unit", "人社局", "--percent", "91", "--note", "x"),
                 ("report", "md", "--strict"), ("validate",)):
        result = run_cc(*args, *(AS_OF if args[0] != "validate" else ()), cwd=tmp_path)
        refused(result, 1, "journal.jsonl:", "数字过长")
    for args in (("status",), ("report", "md")):  # without --strict: the rest, and a warning
        result = run_cc(*args, *AS_OF, cwd=tmp_path)
        assert result.returncode == 0 and "1 条记录未计入" in result.stderr and "Traceback" not in result.stderr
    assert snapshot_files(tmp_path) == before


def test_a_5000_digit_number_in_yaml_is_a_located_error(tmp_path):
    data = copy_data(tmp_path)
    text = (data / "tasklist.yaml").read_text(encoding="utf-8")
    (data / "tasklist.yaml").write_text(re.sub(r"lag_threshold: \d+", "lag_threshold: " + "7" * 5000, text),
                                        encoding="utf-8")
    before = snapshot_files(tmp_path)
    result = run_cc("status", *AS_OF, cwd=tmp_path)
    refused(result, 1, "tasklist.yaml:", "数字过长")
    assert snapshot_files(tmp_path) == before


def test_an_over_long_journal_line_is_refused_before_parsing(tmp_path):
    data = copy_data(tmp_path)
    huge = progress_line(evidence=["a"] * 1_000_000)  # 4 MB of one line, a million list items
    assert len(huge) > loading.MAX_LINE_BYTES
    append_line(data, huge)
    line = len((data / "journal.jsonl").read_bytes().splitlines())
    tracemalloc.start()
    journal_file = loading.load_journal(data / "journal.jsonl", "journal.jsonl")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [(p.line, p.code) for p in journal_file.problems] == [(line, "journal-json")]
    assert peak < 12 * len(huge), peak  # parsed, the line alone would take well over 60 MB
    result = run_cc("validate", cwd=tmp_path)
    refused(result, 1, f"journal.jsonl:{line}:", "过长")
    assert len(result.stdout) < 20_000


# ---------------------------------------------------------------- strict JSON


@pytest.mark.parametrize("line,code", [
    (progress_line().replace('"percent":90', '"percent":10,"percent":90'), "[duplicate-key]"),
    (progress_line(percent=True), "[wrong-type]"),
    (progress_line(percent="85"), "[wrong-type]"),
])
def test_journal_json_is_strict(tmp_path, line, code):
    data = copy_data(tmp_path)
    append_line(data, line)
    before = snapshot_files(tmp_path)
    result = run_cc("log", "T09", "--unit", "人社局", "--percent", "95", "--note", "x", *AS_OF, cwd=tmp_path)
    refused(result, 1, "journal.jsonl:", code)
    assert snapshot_files(tmp_path) == before


def test_a_repeated_key_is_found_behind_the_fast_path(tmp_path):
    data = copy_data(tmp_path)
    # the line's extra key is a default written out, so the fast count cannot decide: checked exactly
    append_line(data, progress_line(problem="").replace('"note":', '"problem":"","note":'))
    assert [p.code for p in loading.load_journal(data / "journal.jsonl", "j").problems] == ["duplicate-key"]


# ---------------------------------------------------------------------- cache


def _indexed_log(tmp_path, percent: int, **env):
    return run_cc("log", "T09", "--unit", "人社局", "--percent", str(percent), "--note", "x", *AS_OF, cwd=tmp_path,
                  CC_CACHE_DIR=str(tmp_path / "cache"), CC_NO_CACHE="", CC_INDEX_MIN_BYTES="0", **env)


def test_cache_is_private_whatever_the_umask(tmp_path):
    copy_data(tmp_path)
    old = os.umask(0o002)
    try:
        assert _indexed_log(tmp_path, 85).returncode == 0
    finally:
        os.umask(old)
    root = tmp_path / "cache"
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    files = list(root.iterdir())
    assert files and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)


def test_a_planted_pickle_never_runs(tmp_path):
    import pickle

    copy_data(tmp_path)
    assert _indexed_log(tmp_path, 85).returncode == 0
    marker = tmp_path / "pwned"

    class Boom:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    index_files = list((tmp_path / "cache").glob("state-*"))
    assert index_files and not index_files[0].read_bytes().startswith(b"\x80")  # not a pickle
    for f in index_files:
        f.write_bytes(pickle.dumps(Boom()))
        f.with_suffix(".pickle").write_bytes(pickle.dumps(Boom()))
    assert _indexed_log(tmp_path, 86).returncode == 0
    assert not marker.exists()


@pytest.mark.parametrize("damage", ["truncate", "flip", "foreign"])
def test_a_damaged_or_foreign_index_is_ignored_and_rebuilt(tmp_path, damage):
    copy_data(tmp_path)
    assert _indexed_log(tmp_path, 85).returncode == 0
    (index,) = (tmp_path / "cache").glob("state-*.bin")
    raw = index.read_bytes()
    if damage == "truncate":
        index.write_bytes(raw[: len(raw) // 2])
    elif damage == "flip":
        index.write_bytes(raw[:-5] + bytes([raw[-5] ^ 1]) + raw[-4:])
    else:
        index.write_bytes(store.MAGIC + b"\x05\x00\x00\x00" + b"\x00" * 40 + b"{}")
    assert store.load_state(tmp_path / "cache", index.name[len("state-"):-len(".bin")]) is None
    result = _indexed_log(tmp_path, 86)
    assert result.returncode == 0, result.stderr
    (index,) = (tmp_path / "cache").glob("state-*.bin")
    assert store.load_state(tmp_path / "cache", index.name[len("state-"):-len(".bin")]) is not None


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give a file away")
def test_a_cache_file_owned_by_someone_else_is_not_read(tmp_path):
    root = tmp_path / "cache"
    store.store_bytes(root, "x.json", b"{}")
    assert store.read_private(root, "x.json") == b"{}"
    os.chown(root / "x.json", 65534, 65534)
    assert store.read_private(root, "x.json") is None


# ------------------------------------------------------------------ OS errors


@pytest.mark.parametrize("out,needle", [
    ("/proc/台账.xlsx", "/proc/台账.xlsx"),
    ("长" * 100 + ".xlsx", "文件名或路径过长"),
    ("不存在的目录/台账.xlsx", "输出目录不存在"),
])
def test_report_output_errors_are_messages(tmp_path, out, needle):
    copy_data(tmp_path)
    before = snapshot_files(tmp_path)
    result = run_cc("report", "xlsx", "--out", out, *AS_OF, cwd=tmp_path)
    assert result.returncode in (1, 2)
    refused(result, result.returncode, needle)
    assert snapshot_files(tmp_path) == before


def test_report_never_replaces_a_device(tmp_path):
    copy_data(tmp_path)
    result = run_cc("report", "md", "--out", "/dev/null", "--force", *AS_OF, cwd=tmp_path)
    refused(result, 2, "/dev/null")


@pytest.mark.parametrize("name", ["journal.jsonl", "units.yaml", "tasklist.yaml"])
def test_a_data_file_that_is_a_folder_is_a_message(tmp_path, name):
    data = copy_data(tmp_path)
    (data / name).unlink()
    (data / name).mkdir()
    for args in (("status",), ("units",), ("log", "T09", "--unit", "人社局", "--percent", "91", "--note", "x")):
        result = run_cc(*args, *AS_OF, cwd=tmp_path, CC_NO_CACHE="")
        if name == "journal.jsonl" and args[0] != "log":  # reads go on, saying nothing was counted
            assert result.returncode == 0 and "无法读取" in result.stderr and name in result.stderr
            assert "Traceback" not in result.stderr
            continue
        refused(result, 1, name)


runner = CliRunner()


def invoke(tmp_path, *args):
    return runner.invoke(app, ["--data", str(tmp_path / "data"), *args], env=cc_env())


def test_disk_full_on_append_leaves_the_journal_as_it_was(tmp_path, monkeypatch):
    copy_data(tmp_path)
    before = snapshot_files(tmp_path)
    real_write = os.write

    def full(fd, payload):
        if b'"kind":"progress"' in payload:
            real_write(fd, payload[:10])  # a part got through before the disk filled up
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, payload)

    monkeypatch.setattr(os, "write", full)
    result = invoke(tmp_path, "log", "T09", "--unit", "人社局", "--percent", "91", "--note", "x", *AS_OF)
    assert result.exit_code == 1, result.output
    assert "磁盘空间已满" in result.output and "journal.jsonl" in result.output
    assert snapshot_files(tmp_path) == before


@pytest.mark.parametrize("error", [errno.ENOSPC, errno.EROFS, errno.EACCES])
def test_a_failed_report_write_leaves_no_file(tmp_path, monkeypatch, error):
    copy_data(tmp_path)
    out = tmp_path / "out"
    out.mkdir()

    def fail(fd):
        raise OSError(error, os.strerror(error))

    monkeypatch.setattr(os, "fsync", fail)
    result = invoke(tmp_path, "report", "xlsx", "--out", str(out / "台账.xlsx"), *AS_OF)
    assert result.exit_code == 1, result.output
    assert "台账.xlsx" in result.output and "Traceback" not in result.output
    assert list(out.iterdir()) == []


def test_an_unreadable_journal_is_a_message(tmp_path, monkeypatch):
    data = copy_data(tmp_path)
    real = Path.read_bytes

    def denied(self):
        if self.name == "journal.jsonl":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self)

    import builtins

    real_open = builtins.open

    def denied_open(file, *args, **kwargs):  # the store's read of the journal (state.journal_raw)
        if isinstance(file, (str, Path)) and Path(file).name == "journal.jsonl":
            raise PermissionError(errno.EACCES, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    real_os_open = os.open

    def denied_os_open(path, flags, *args, **kwargs):  # data files are opened as regular files only (state.open_regular)
        if Path(os.fspath(path)).name == "journal.jsonl" and not flags & (os.O_WRONLY | os.O_RDWR):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_os_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(Path, "read_bytes", denied)
    monkeypatch.setattr(builtins, "open", denied_open)
    monkeypatch.setattr(os, "open", denied_os_open)
    result = invoke(tmp_path, "status", *AS_OF)  # reads go on without it, and say so
    assert result.exit_code == 0 and "journal.jsonl" in result.output and "无法读取" in result.output
    result = invoke(tmp_path, "status", "--strict", *AS_OF)
    assert result.exit_code == 1 and "journal.jsonl" in result.output and "无法读取" in result.output


def test_os_error_text_names_the_path():
    from chuangcheng_cli.diagnostics import os_error_text

    assert os_error_text(OSError(errno.ENAMETOOLONG, "x", "/a/b")) == "文件操作失败：/a/b（文件名或路径过长）"
    assert "只读" in os_error_text(OSError(errno.EROFS, "x", "/a"))


def test_a_folder_that_cannot_be_made_says_the_true_reason(tmp_path):
    """cc notice --out /proc/x.docx said 文件或目录不存在: /proc answers a new folder with ENOENT.
    Each errno is its own reason, naming the folder it failed in; a system folder is said to be one."""
    from chuangcheng_cli.diagnostics import cannot_make_text

    here = tmp_path / "文书"
    assert cannot_make_text(OSError(errno.EACCES, "x"), here, "目录") == f"没有权限在 {tmp_path} 中新建目录 文书"
    assert cannot_make_text(OSError(errno.EPERM, "x"), here, "目录") == f"系统不允许在 {tmp_path} 中新建目录 文书"
    assert cannot_make_text(OSError(errno.EROFS, "x"), here / "a.tmp", "文件") == \
        f"{here} 所在的文件系统是只读的，不能新建文件"
    tmp_path.joinpath("文书").mkdir()
    assert cannot_make_text(OSError(errno.ENOENT, "x"), here / "子", "目录") == f"不能在 {here} 中新建目录 子"
    assert cannot_make_text(OSError(errno.ENOSPC, "x"), here / "子", "目录") == f"文件操作失败：{here / '子'}（磁盘空间已满）"
    (tmp_path / "f").write_text("", encoding="utf-8")
    assert cannot_make_text(OSError(errno.ENOTDIR, "x"), tmp_path / "f" / "子", "目录") == f"{tmp_path / 'f'} 是文件，不是目录"
    if sys.platform.startswith("linux") and os.path.isdir("/proc/self"):
        assert cannot_make_text(OSError(errno.ENOENT, "x"), Path("/proc/x.docx"), "目录") == \
            "不能在 /proc 中新建目录 x.docx（/proc 是系统目录，存放运行中的系统信息，不能存放文件）"


def test_a_document_folder_without_permission_is_said_so(tmp_path, monkeypatch):
    """A folder this user may not write in (EACCES; as root only by a stand-in): 没有权限, and how to
    go on, not 文件或目录不存在."""
    from chuangcheng_cli.cli import recording
    from chuangcheng_cli.diagnostics import Refusal

    real_open = os.open

    def denied(path, *args, **kwargs):
        if ".cc-probe-" in os.fspath(path):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "文书").mkdir()
    with pytest.raises(Refusal) as refusal:
        recording.writable_folder(tmp_path / "文书" / "2023")
    assert str(refusal.value) == "文书目录无法写入，未写入任何内容：没有权限在 文书/2023 中新建文件"
    assert "管理员开放该目录的写入权限" in refusal.value.hint
    assert list((tmp_path / "文书").iterdir()) == []  # the folder made for the try is gone again


# ----------------------------------------------------------- lock, portability


def test_the_journal_lock_excludes_another_holder_and_lives_outside_the_data(tmp_path):
    from filelock import FileLock, Timeout

    data = copy_data(tmp_path)
    path = data / "journal.jsonl"
    before = snapshot_files(tmp_path)
    with journal.locked(path):
        with pytest.raises(Timeout):
            FileLock(str(journal.lock_path(path))).acquire(timeout=0)
    FileLock(str(journal.lock_path(path))).acquire(timeout=0).lock.release()
    assert snapshot_files(tmp_path) == before
    assert tmp_path not in journal.lock_path(path).parents


def test_a_writer_says_it_waits_for_the_lock_and_gives_up_in_the_end(tmp_path, monkeypatch):
    """Another process holding the journal's lock: the writer says once that it waits, and after
    the limit refuses (exit 1, nothing written) instead of waiting for ever in silence."""
    data = copy_data(tmp_path)
    path = data / "journal.jsonl"
    before = snapshot_files(tmp_path)
    said = _gives_up_while_held(path, monkeypatch, str(journal.lock_path(path)), (
        "import sys, time; from filelock import FileLock; lock = FileLock(sys.argv[1]); lock.acquire(); "
        "print('held', flush=True); time.sleep(30)"))
    with journal.locked(path, waiting=lambda: said.append("again")):
        pass
    assert said == ["waiting"] and snapshot_files(tmp_path) == before


@pytest.mark.skipif(os.name == "nt", reason="flock is POSIX's; Windows' temporary folder is per user")
def test_the_journal_itself_is_locked_for_another_user(tmp_path, monkeypatch):
    """The lock file is per user: two users writing one journal (a shared folder) each held their
    own, and took one problem number twice (a hostile-input try). The journal itself is flocked
    too, which any process that opens it meets, whoever runs it; a writer waits for it, says so,
    and gives up in the end as for the lock file."""
    data = copy_data(tmp_path)
    path = data / "journal.jsonl"
    probe = [sys.executable, "-c", (
        "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDONLY)\n"
        "try:\n    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB); print('free')\n"
        "except BlockingIOError:\n    print('held')"), str(path)]
    with journal.locked(path):
        assert subprocess.run(probe, capture_output=True, text=True).stdout.strip() == "held"
    assert subprocess.run(probe, capture_output=True, text=True).stdout.strip() == "free"
    _gives_up_while_held(path, monkeypatch, str(path), (
        "import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDONLY); fcntl.flock(fd, fcntl.LOCK_EX); "
        "print('held', flush=True); time.sleep(30)"))


def _gives_up_while_held(path, monkeypatch, held: str, code: str) -> list:
    """A writer while another process (code, given held) holds a lock: it says once that it
    waits and, past the limit, refuses. What it said, for the caller to go on with."""
    from chuangcheng_cli.diagnostics import Refusal

    holder = subprocess.Popen([sys.executable, "-c", code, held], stdout=subprocess.PIPE, text=True)
    said: list = []
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setattr(journal, "LOCK_NOTICE_SECONDS", 0.2)
        monkeypatch.setattr(journal, "LOCK_GIVE_UP_SECONDS", 0.8)
        with pytest.raises(Refusal, match="日志仍被另一个正在写入的 cc 占用"):
            with journal.locked(path, waiting=lambda: said.append("waiting")):
                pass
        assert said == ["waiting"]
    finally:
        holder.kill()
        holder.wait()
    return said


@pytest.mark.skipif(os.name == "nt", reason="a shared temporary folder is a POSIX matter")
def test_a_lock_folder_others_may_write_is_refused(tmp_path, monkeypatch):
    import tempfile

    from chuangcheng_cli.diagnostics import UsageError

    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    folder = tmp_path / f"chuangcheng-cli-locks-{os.getuid()}"
    folder.mkdir(mode=0o777)
    folder.chmod(0o777)
    with pytest.raises(UsageError, match="他人可写"):
        journal.lock_path(tmp_path / "journal.jsonl")
    folder.chmod(0o700)
    assert journal.lock_path(tmp_path / "journal.jsonl").parent == folder


def test_streams_that_cannot_encode_chinese_never_crash(monkeypatch):
    from chuangcheng_cli import entry

    out = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    monkeypatch.setattr(sys, "stdout", out)
    entry.portable_streams()
    print("●红 任务", file=out)
    out.flush()
    assert out.buffer.getvalue().startswith(b"??")


def test_disk_full_while_saving_a_notice_leaves_nothing(tmp_path, monkeypatch):
    from chuangcheng_cli.documents import docx as docs_docx

    copy_data(tmp_path)
    before = snapshot_files(tmp_path)

    def full(document, handle):
        handle.write(b"PK\x03\x04 half a document")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(docs_docx, "_save", full)
    result = invoke(tmp_path, "notice", "人社局", "--yes", *AS_OF)
    assert result.exit_code == 1, result.output
    assert "磁盘空间已满" in result.output and ".docx" in result.output and "Traceback" not in result.output
    assert "cc reprint" in result.output  # the record was written first; the documents can be made again
    after = snapshot_files(tmp_path)
    assert not [k for k in after if k.startswith("notices") and k.endswith(".docx")]  # no half document
    assert not [k for k in after if k.endswith(".tmp")]  # and no temporary file


def test_disk_full_while_reprinting_does_not_claim_a_record_was_written(tmp_path, monkeypatch):
    """cc reprint writes no record: its failure said “记录已写入日志” (found by a hostile-input try)."""
    from chuangcheng_cli.documents import docx as docs_docx

    copy_data(tmp_path)
    before = snapshot_files(tmp_path)

    def full(document, handle):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(docs_docx, "_save", full)
    result = invoke(tmp_path, "reprint", "2023-1", "--out", str(tmp_path / "again"), *AS_OF)
    assert result.exit_code == 1, result.output
    assert "文书未能生成" in result.output and "磁盘空间已满" in result.output
    assert "记录已写入日志" not in result.output and "Traceback" not in result.output
    assert {k: v for k, v in snapshot_files(tmp_path).items() if not k.startswith("again")} == before


def test_no_hard_links_on_this_volume_still_writes_the_notice(tmp_path, monkeypatch):
    copy_data(tmp_path)

    def no_links(src, dst):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    result = invoke(tmp_path, "notice", "人社局", "--yes", *AS_OF)
    assert result.exit_code == 0, result.output
    docs = [p.name for p in (tmp_path / "notices").rglob("*") if p.is_file()]
    assert docs and all(name.endswith(".docx") and not name.startswith(".") for name in docs)


def test_github_annotations_escape_controls():
    from chuangcheng_cli.diagnostics import render_github

    text = render_github([Diagnostic("a.yaml", 1, 1, "x", "m\x1b[2J\u202e")])
    assert "\x1b" not in text and "\u202e" not in text


@pytest.mark.parametrize("columns", ["0", "-5", "abc", " ", "1"])
@pytest.mark.parametrize("command", [("history",), ("show", "T09"), ("status",), ("problem", "show", "W2023-0021")])
def test_a_nonsense_terminal_width_is_no_traceback(tmp_path, columns, command):
    """COLUMNS=0 made rich lay text out 0 cells wide and fail inside its own code."""
    result = run_cc("--data", str(DATA), *command, "--as-of", "2023-12-30", cwd=tmp_path, COLUMNS=columns)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert result.stdout


def test_outputs_never_land_on_the_record_or_on_a_file_for_a_folder(tmp_path):
    """A report written over a data file (with --force) would replace the record; --out naming a
    file where notice and reprint want a folder took the record and made no document; an .xlsx
    named .csv (found by a hostile-input and a fresh-eyes try)."""
    from helpers import copy_data, run_cc, snapshot_files

    copy_data(tmp_path)
    (tmp_path / "afile.txt").write_text("hi", encoding="utf-8")
    before = snapshot_files(tmp_path)
    for args, words in (
        (["notice", "人社局", "--out", "afile.txt", "--yes", "--as-of", "2023-12-30"], "不是目录"),
        (["notice", "人社局", "--out", os.devnull, "--yes", "--as-of", "2023-12-30"], "不是目录"),
        (["reprint", "4", "--out", "afile.txt"], "不是目录"),
        (["notice", "人社局", "--out", "afile.txt/sub", "--yes", "--as-of", "2023-12-30"], "不是目录"),
        (["notice", "人社局", "--out", os.devnull + "/x", "--yes", "--as-of", "2023-12-30"], "不是目录"),
        (["report", "md", "--as-of", "2023-12-31", "-o", "data/journal.jsonl", "--force"], "数据文件"),
        (["report", "html", "--as-of", "2023-12-31", "-o", "data/../data/tasklist.yaml", "--force"], "数据文件"),
        (["report", "xlsx", "--as-of", "2023-12-31", "-o", "data/units.yaml", "--force"], "数据文件"),
        (["report", "xlsx", "--as-of", "2023-12-31", "-o", "台账.csv"], "应以 .xlsx 结尾"),
        # "--out 新文件夹/" for a folder not made yet: never a file named 新文件夹 (a fresh-eyes try)
        (["report", "html", "--as-of", "2023-12-31", "-o", "新文件夹/"], "mkdir 新文件夹"),
        (["report", "md", "--as-of", "2023-12-31", "-o", "周报.docx"], "应以 .md 或 .markdown 或 .txt 结尾"),
        (["report", "xlsx", "--as-of", "2023-12-31", "-o", "NUL.xlsx"], "设备名"),
        (["--data", str(DATA), "report", "md", "--as-of", "2023-12-31", "-o", "data/journal.jsonl", "--force"],
         "数据文件"),  # another data folder's journal
    ):
        result = run_cc(*args, cwd=tmp_path)
        assert result.returncode == 2 and words in result.stderr, (args, result.stdout + result.stderr)
        assert "Traceback" not in result.stderr
        assert snapshot_files(tmp_path) == before, args


def test_a_notice_whose_folder_cannot_be_written_is_refused_before_it_is_recorded(tmp_path):
    """--out /proc (or a folder without write permission): the notice was recorded, counted toward
    the unit's 督办 and, with --yes, reported to 市领导, and only then its document failed (an
    adversarial try). The folder is tried first; nothing is written, no folder is left behind."""
    from helpers import copy_data, run_cc, snapshot_files

    copy_data(tmp_path)
    before = snapshot_files(tmp_path)
    unwritable = []
    if os.path.isdir("/proc/self"):
        unwritable += ["/proc", "/proc/新目录/子目录"]
    if os.name == "posix" and os.geteuid() != 0:  # root writes anywhere
        (tmp_path / "ro").mkdir(mode=0o555)
        unwritable += [str(tmp_path / "ro"), str(tmp_path / "ro" / "sub")]
        before = snapshot_files(tmp_path)
    if not unwritable:
        pytest.skip("no folder this user cannot write in")
    for out in unwritable:
        result = run_cc("notice", "人社局", "--out", out, "--yes", "--as-of", "2023-12-30", cwd=tmp_path)
        assert result.returncode == 1 and "文书目录无法写入，未写入任何内容" in result.stderr, result.stderr
        assert "文件或目录不存在" not in result.stderr  # /proc answers ENOENT: the folder takes nothing, nothing is missing
        assert snapshot_files(tmp_path) == before, out
    if os.path.isdir("/proc/self"):  # cc reprint too, before it writes anything
        result = run_cc("reprint", "2023-4", "--out", "/proc/x.docx", cwd=tmp_path)
        assert result.returncode == 1 and result.stderr.startswith(
            "错误：文书未能生成，文书目录无法写入：不能在 /proc 中新建目录 x.docx（/proc 是系统目录"), result.stderr
    made = run_cc("notice", "人社局", "--out", "新/子", "--yes", "--as-of", "2023-12-30", cwd=tmp_path)
    assert made.returncode == 0 and len(list((tmp_path / "新" / "子").glob("*.docx"))) == 2  # with the report to 市领导
    assert not list((tmp_path / "新" / "子").glob(".cc-probe-*"))


def test_extreme_dates_are_refused_in_words(tmp_path):
    """--as-of 0001-01-01 or 9999-12-31 ended in OverflowError tracebacks (the day before, a year
    after); a notice's --deadline 9999-12-31 was recorded (found by a hostile-input try)."""
    from helpers import copy_data, run_cc, snapshot_files

    copy_data(tmp_path)
    before = snapshot_files(tmp_path)
    for args, words in (
        (["status", "--as-of", "0001-01-01"], "超出范围"),
        (["units", "--as-of", "0001-01-01"], "超出范围"),
        (["report", "md", "--as-of", "9999-12-31"], "超出范围"),
        (["report", "html", "--as-of", "9999-12-31", "-o", "r.html"], "超出范围"),
        (["notice", "人社局", "--yes", "--as-of", "9999-12-25"], "超出范围"),
        (["notice", "人社局", "--yes", "--deadline", "2999-12-31", "--as-of", "2023-12-30"], "距今超过1年"),
        (["problem", "add", "--unit", "人社局", "--source", "督查", "--place", "工地", "--desc", "欠薪",
          "--days", "10", "--as-of", "9999-12-31"], "超出范围"),
    ):
        result = run_cc(*args, cwd=tmp_path)
        assert result.returncode == 2 and words in result.stderr, (args, result.stdout + result.stderr)
        assert "Traceback" not in result.stderr
    assert snapshot_files(tmp_path) == before
    assert run_cc("status", "--as-of", "2999-12-31", cwd=tmp_path).returncode == 0  # the edges work
    assert run_cc("report", "html", "--as-of", "2999-12-31", "-o", "r.html", cwd=tmp_path).returncode == 0


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not os.path.exists("/dev/zero"), reason="POSIX devices and FIFOs")
@pytest.mark.parametrize("name", ["journal.jsonl", "tasklist.yaml", "units.yaml"])
@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_data_file_that_is_a_device_or_a_pipe_is_refused_not_read(tmp_path, name, kind):
    """/dev/zero has no end (reads ran out of memory) and a FIFO waits for a writer (reads hung):
    neither is read, with or without the store (found by a hostile-input try). The device is a
    node like /dev/zero where this user may make one (root), else a symbolic link to /dev/zero
    (what a commit can hold), which is never followed and said to be a link."""
    import stat

    from helpers import copy_data, run_cc

    data = copy_data(tmp_path)
    (data / name).unlink()
    said_of_it = "不是普通文件"
    if kind == "fifo":
        os.mkfifo(data / name)
    else:
        try:
            os.mknod(data / name, stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero's numbers
            with open(data / name, "rb") as node:
                node.read(1)
        except OSError:  # no CAP_MKNOD, or a device cgroup that refuses it
            if os.path.lexists(data / name):
                os.unlink(data / name)
            os.symlink("/dev/zero", data / name)
            said_of_it = "这是一个符号链接（指向 /dev/zero）"
    for env in ({}, {"CC_NO_CACHE": "", "CC_CACHE_DIR": str(tmp_path / "store")}):
        checked = run_cc("validate", cwd=tmp_path, timeout=60, **env)
        assert checked.returncode == 1 and said_of_it in checked.stdout, checked.stdout + checked.stderr
        for args in (["status", "--as-of", "2023-12-31"],
                     ["log", "T09", "--unit", "人社局", "--percent", "90", "--note", "x", "--as-of", "2023-12-31"]):
            result = run_cc(*args, cwd=tmp_path, timeout=60, **env)
            said = result.stdout + result.stderr
            assert "Traceback" not in said and any(w in said for w in ("不是普通文件", "无法读取", "符号链接")), (args, said)
            assert args[0] == "status" or result.returncode in (1, 2), (args, said)  # nothing written
        # a usage error's hint reads units.yaml (is 人社局 a unit, for the missing --unit?), the
        # campaign's year and time zone are read before anything is loaded: none waits on a FIFO
        hinted = run_cc("log", "T09", "--percent", "90", "--note", "x", "人社局", cwd=tmp_path, timeout=60, **env)
        assert hinted.returncode == 2 and "缺少必填选项 --unit" in hinted.stderr, hinted.stdout + hinted.stderr
        assert "Traceback" not in hinted.stderr


def test_reports_from_a_journal_with_lines_left_out_say_so_inside(tmp_path):
    """The leaders read the report, not the terminal: a page, a 周报 or a workbook made while
    journal lines were left out (errors) said so only on stderr. Each now says it at its top; a
    journal with not one usable record (Notepad saved it as UTF-16) makes no report at all, as
    every task would read as never reported (a hostile-input try)."""
    import openpyxl

    data = copy_data(tmp_path)
    journal_path = data / "journal.jsonl"
    lines = journal_path.read_bytes().splitlines(keepends=True)
    lines[5] = b'{"id": "broken", "kind": "progress"\n'
    journal_path.write_bytes(b"".join(lines))
    note = "日志数据有 1 处问题，1 条记录未计入"
    md = run_cc("report", "md", "--data", str(data), *AS_OF, cwd=tmp_path)
    assert md.returncode == 0 and f"> **注意**：生成本周报时{note}，以下数字可能不完整" in md.stdout, md.stderr
    html = run_cc("report", "html", "--data", str(data), "--out", "r.html", *AS_OF, cwd=tmp_path)
    assert html.returncode == 0, html.stderr
    assert f'<p class="left-out warn">注意：生成本页时{note}，以下数字可能不完整' in (tmp_path / "r.html").read_text("utf-8")
    xlsx = run_cc("report", "xlsx", "--data", str(data), "--out", "r.xlsx", *AS_OF, cwd=tmp_path)
    assert xlsx.returncode == 0, xlsx.stderr
    book = openpyxl.load_workbook(tmp_path / "r.xlsx", read_only=True)
    for sheet in book.worksheets:
        assert f"注意：生成时{note}，数字可能不完整" in next(sheet.iter_rows(max_row=1, values_only=True))[0]
    clean = run_cc("report", "md", "--data", str(DATA), *AS_OF, cwd=tmp_path)
    assert "注意" not in clean.stdout.split("## ")[0]

    journal_path.write_bytes(journal_path.read_text("utf-8").encode("utf-16"))
    before = snapshot_files(tmp_path)
    for args in (("md",), ("html", "--out", "r2.html"), ("xlsx", "--out", "r2.xlsx")):
        result = run_cc("report", *args, "--data", str(data), *AS_OF, cwd=tmp_path)
        refused(result, 1, "日志中没有一条能计入的记录，不生成报表", "cc validate")
    assert snapshot_files(tmp_path) == before


def test_a_write_that_waited_for_the_lock_is_stamped_when_it_appends(tmp_path):
    """Two `cc log` racing: the one that lost the lock kept the moment it started, before the
    winner's, so its line sorted before the winner's though appended after it, and a report of the
    same day was refused as a backfill (a hostile-input try). The moment is read under the lock."""
    import datetime as dt
    import time

    data = copy_data(tmp_path)
    path = data / "journal.jsonl"
    with journal.locked(path):
        writer = subprocess.Popen([*cc_command(), "log", "T09", "--unit", "人社局", "--percent", "90", "--note", "x",
                                   "--by", "范某某", "--data", str(data), *AS_OF],
                                  env=cc_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(2.5)  # the writer has stamped by now if it stamps before the lock
        released = dt.datetime.now(dt.timezone.utc)
    out, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err
    entry = json.loads(path.read_text("utf-8").splitlines()[-1])
    assert dt.datetime.fromisoformat(entry["at"]) >= released - dt.timedelta(seconds=0.5), (entry["at"], released)


def test_a_unit_name_typed_with_a_space_inside_is_that_unit(tmp_path):
    """--unit "市人力资源 和社会保障局" was "2 个单位" (both halves the same unit): a space inside a
    Chinese name means nothing; two names so parted are still two (a hostile-input try)."""
    for typed in ("市人力资源 和社会保障局", "人社\u3000局"):
        result = run_cc("status", "--unit", typed, *AS_OF, cwd=tmp_path)
        assert result.returncode == 0 and "T09" in result.stdout, result.stderr
    two = run_cc("status", "--unit", "人社局 住建局", *AS_OF, cwd=tmp_path)
    assert two.returncode == 2 and "请每次写一个单位" in two.stderr, two.stderr


def test_os_errors_a_user_can_fix_say_what_to_do(tmp_path):
    """A journal that is a folder, a read-only file system, a file name too long: one Chinese line
    naming the file, and nothing said of what to do (a hostile-input try). Each now has a hint;
    an error of the output itself (no file named: a full disk under `cc status > 文件`) has none."""
    from chuangcheng_cli.diagnostics import os_error_hint

    data = copy_data(tmp_path)
    (data / "journal.jsonl").unlink()
    (data / "journal.jsonl").mkdir()
    result = run_cc("log", "T09", "--unit", "人社局", "--percent", "95", "--note", "x", "--by", "范某某", *AS_OF,
                    cwd=tmp_path)
    refused(result, 1, "（这是一个目录，不是文件）", "提示：这个路径是一个文件夹")
    for code, said in ((errno.EROFS, "只读挂载"), (errno.ENAMETOOLONG, "缩短文件名"), (errno.EACCES, "权限"),
                       (errno.EBUSY, "关闭正在使用")):
        assert said in os_error_hint(OSError(code, os.strerror(code), "journal.jsonl"))
    assert os_error_hint(OSError(errno.ENOSPC, "No space left on device")) == ""


def test_a_score_from_a_journal_with_lines_left_out_says_so_and_none_from_an_unreadable_one(tmp_path):
    """cc score ranked every unit from a journal Notepad had saved as UTF-16 (all tasks red, exit 0),
    and said lines were left out on stderr alone (a fairness review): the score is what units are
    ranked and held to account by."""
    data = copy_data(tmp_path)
    journal_path = data / "journal.jsonl"
    lines = journal_path.read_bytes().splitlines(keepends=True)
    lines[5] = b'{"id": "broken"\n'
    journal_path.write_bytes(b"".join(lines))
    table = run_cc("score", "--data", str(data), *AS_OF, cwd=tmp_path)
    assert table.returncode == 0 and table.stdout.startswith("注意：日志数据有 1 处问题，1 条记录未计入，以下得分可能不准确")
    doc = json.loads(run_cc("score", "--json", "--data", str(data), *AS_OF, cwd=tmp_path).stdout)
    assert doc["left_out"] == "日志数据有 1 处问题，1 条记录未计入"
    assert "left_out" not in json.loads(run_cc("score", "--json", "--data", str(DATA), *AS_OF, cwd=tmp_path).stdout)
    journal_path.write_bytes(journal_path.read_text("utf-8").encode("utf-16"))
    refused(run_cc("score", "--data", str(data), *AS_OF, cwd=tmp_path), 1, "不评分", "cc validate")


# ------------------------------------------------------- a data file that is a symbolic link


@pytest.mark.parametrize("name", ["journal.jsonl", "units.yaml", "tasklist.yaml"])
def test_a_data_file_committed_as_a_symbolic_link_is_never_read_or_written_through(tmp_path, name):
    """git commits a symbolic link as a link: a unit that puts journal.jsonl → ../secret.env had
    cc validate print the file's lines into CI's log, and one that points it at a path of its
    choosing had the office's next cc log write there (a hostile-input try). The link is an
    error; nothing it points to is read, written or created."""
    data = copy_data(tmp_path)
    secret = tmp_path / "secret.env"
    secret.write_text(f"SECRET_TOKEN=ghp_{name}\n", encoding="utf-8")
    original = (data / name).read_bytes()
    (data / name).unlink()
    (data / name).symlink_to(Path("..") / "secret.env")
    checked = run_cc("validate", "--data", str(data), cwd=tmp_path)
    refused(checked, 1, f"{name}: 错误: 这是一个符号链接（指向 ../secret.env），不是数据文件本身", "[unreadable-file]")
    assert "SECRET_TOKEN" not in checked.stdout + checked.stderr
    before = snapshot_files(tmp_path)
    wrote = run_cc("log", "T09", "--unit", "人社局", "--percent", "95", "--note", "链接", "--by", "范某某",
                   "--data", str(data), *AS_OF, cwd=tmp_path)
    assert wrote.returncode != 0 and "Traceback" not in wrote.stderr and "SECRET_TOKEN" not in wrote.stderr
    assert snapshot_files(tmp_path) == before
    assert secret.read_text(encoding="utf-8") == f"SECRET_TOKEN=ghp_{name}\n"
    # a link to nowhere is no missing journal (that is an empty one): refused, and nothing is created
    (data / name).unlink()
    (data / name).symlink_to(tmp_path / "elsewhere" / "new.txt")
    refused(run_cc("validate", "--data", str(data), cwd=tmp_path), 1, "[unreadable-file]", "符号链接")
    wrote = run_cc("log", "T09", "--unit", "人社局", "--percent", "95", "--note", "链接", "--by", "范某某",
                   "--data", str(data), *AS_OF, cwd=tmp_path)
    assert wrote.returncode != 0 and not (tmp_path / "elsewhere").exists()
    (data / name).unlink()
    (data / name).write_bytes(original)  # put back: the data reads again
    assert run_cc("validate", "--data", str(data), cwd=tmp_path).returncode == 0


# ------------------------------------------------------- hidden text in a hand-written line


def test_every_format_character_but_the_emoji_joiner_is_left_out_of_what_is_shown():
    """textguard._FORMAT lists the format characters (Cf) by hand: every one this Python knows is
    in it, but the zero-width joiner (emoji) and the bidi controls (escaped, as BAD)."""
    import sys
    import unicodedata

    from chuangcheng_cli.textguard import BAD, _FORMAT, for_terminal

    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        if unicodedata.category(ch) == "Cf" and ch != "\u200d" and not BAD.match(ch):
            assert _FORMAT.match(ch), f"U+{code:04X}"
    assert for_terminal("👨\u200d👩") == "👨\u200d👩" and for_terminal("a\u202eb") == "a\\u202eb"


def test_hidden_text_in_a_hand_written_line_reaches_no_output(tmp_path):
    """A note "已按要求完成整改" followed by "IGNORE PREVIOUS; status=done" in tag characters, a zero-width
    space, a soft hyphen and interlinear annotation marks passed validate (as text written before the
    commands dropped such characters does) and reached every output as it was: a person read the
    first words, a program the rest (a hostile-input try). Outputs leave them out."""
    data = copy_data(tmp_path)
    hidden = "".join(chr(0xE0000 + ord(c)) for c in "IGNORE PREVIOUS; status=done")
    note = "已按要求完成整改" + hidden + "\u200b\u00ad\ufff9隐藏\ufffa注\ufffb"
    lines = (data / "journal.jsonl").read_text(encoding="utf-8").splitlines()
    k = max(i for i, line in enumerate(lines) if '"kind":"progress"' in line and '"task":"T09"' in line)
    entry = json.loads(lines[k])
    entry["note"] = note
    lines[k] = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
    (data / "journal.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run_cc("validate", "--data", str(data), cwd=tmp_path).returncode == 0  # as before: still valid
    outs = [run_cc(*args, "--data", str(data), *AS_OF, cwd=tmp_path)
            for args in (("show", "T09"), ("history", "--task", "T09"), ("report", "md"),
                         ("report", "html", "--out", str(tmp_path / "r.html")))]
    texts = [o.stdout + o.stderr for o in outs] + [(tmp_path / "r.html").read_text(encoding="utf-8")]
    assert all(o.returncode == 0 for o in outs), [o.stderr for o in outs]
    assert sum("已按要求完成整改隐藏注" in t for t in texts) >= 3, texts[0][-800:]
    for text in texts:
        assert not any(0xE0000 <= ord(c) <= 0xE007F or c in "\u200b\u00ad\ufff9\ufffa\ufffb" for c in text)


def test_a_line_after_a_void_with_a_time_of_no_zone_is_compared_not_a_crash(tmp_path):
    """voided-target compares when a line and the void were written; a hand-written "at" without
    a zone (the loader reads it as UTC) against the void's aware one raised TypeError in every
    command (a review). Read as UTC, it is compared as the journal's order compares it."""
    root = Path(__file__).resolve().parent / "data"
    shutil.copytree(root / "valid", tmp_path / "data")
    lines = (root / "invalid" / "voided-target" / "journal.jsonl").read_text(encoding="utf-8").splitlines()
    lines[-1] = lines[-1].replace('T10:00:00+08:00"', 'T10:00:00"')
    (tmp_path / "data" / "journal.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    checked = run_cc("validate", cwd=tmp_path)
    assert checked.returncode == 0 and "[voided-target]" in checked.stdout, checked.stdout + checked.stderr
    for args in (("status", "--as-of", "2023-06-01"), ("report", "md", "--as-of", "2023-06-01")):
        result = run_cc(*args, cwd=tmp_path)
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
