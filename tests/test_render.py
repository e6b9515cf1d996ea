"""The status table laid out as plain lines (reports/lines.py): the text printed to a pipe without
rich is exactly what rich prints to a terminal once its colours are taken away, at every width."""

from __future__ import annotations

import io
import re

import pytest

from chuangcheng_cli.cli import plain
from chuangcheng_cli.reports import lines
from helpers import REPO, TODAY, cc_ok

ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.mark.parametrize("columns", ["60", "80", "100", "140"])
def test_coloured_status_is_the_plain_text_in_colour(columns, tmp_path):
    piped = cc_ok(REPO, "status", "--as-of", TODAY.isoformat(), COLUMNS=columns).stdout
    coloured = cc_ok(REPO, "status", "--as-of", TODAY.isoformat(), COLUMNS=columns,
                     NO_COLOR="", FORCE_COLOR="1").stdout
    assert "\x1b[" in coloured  # a terminal gets its lights in colour
    assert ANSI.sub("", coloured) == piped
    assert max(lines.cell_len(line) for line in piped.splitlines()) <= int(columns)


def test_hostile_text_is_escaped_in_both_paths(tmp_path):
    import json

    shown = json.loads(cc_ok(REPO, "status", "--as-of", TODAY.isoformat(), "--json").stdout)
    rows, summary = shown["tasks"], shown["summary"]
    rows[0].update(short_title="标题\x1b[2J清屏\u202e", lead="单位\x07", light="red",
                   reasons=["原因\x1b]0;x\x07"])
    out = lines.status_lines(rows, summary, 80)
    text = "".join(line.plain + "\n" for line in out)
    assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "\\x1b[2J" in text and "\\u202e" in text
    assert "".join(line.rich().plain + "\n" for line in out) == text


def test_fit_cuts_wide_text_to_the_cell():
    assert lines.fit("法治宣传教育责任制", 9) == "法治宣传…"
    assert lines.cell_len(lines.fit("法治宣传教育责任制", 9)) == 9
    assert lines.fit("12", 4, "right") == "  12"
    assert lines.cell_len("中a…") == 4


@pytest.mark.parametrize("env, tty, expected", [
    ({"COLUMNS": "97"}, False, 97),
    ({}, False, 80),
    ({"COLUMNS": "97"}, True, None),           # a terminal: rich prints (colour)
    ({"COLUMNS": "97", "FORCE_COLOR": "1"}, False, None),
    ({"COLUMNS": "97", "FORCE_COLOR": ""}, False, 97),
    ({"COLUMNS": "97", "TTY_COMPATIBLE": "1"}, False, None),
    ({"COLUMNS": "97", "TTY_COMPATIBLE": "0"}, True, 97),
    ({"COLUMNS": "wide"}, False, 80),
])
def test_plain_width_decides_as_rich_does(env, tty, expected, monkeypatch):
    for name in ("COLUMNS", "FORCE_COLOR", "TTY_COMPATIBLE", "LINES"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    class Out(io.StringIO):
        def isatty(self):
            return tty

    monkeypatch.setattr("sys.stdout", Out())
    monkeypatch.setattr("os.get_terminal_size", lambda fd: (_ for _ in ()).throw(OSError()))
    assert plain.plain_width() == (None if plain.os.name == "nt" else expected)
    if expected is not None and plain.os.name != "nt":
        from rich.console import Console

        console = Console(highlight=False, soft_wrap=False, markup=False)
        assert console.color_system is None and console.width == expected


def _fold_token_by_token(text: str, width: int) -> list[str]:
    """The rule of lines.fold applied to every token in turn: what the quick fold must equal."""
    width = max(width, 2)
    out: list[list[str]] = [[]]
    used = 0
    for token in lines._tokens(text):
        used = lines._place(out, used, token, lines.cell_len(token), width)
    return ["".join(line) for line in out]


def test_fold_takes_what_fits_in_one_step_and_breaks_as_token_by_token():
    """Thousands of random texts of CJK characters, numbers, Latin words, closing and opening
    marks, narrow and zero-width characters and over-long numbers, at every width from 1 to 40:
    the quick fold (a bisection over running widths) gives exactly the token-by-token lines."""
    import random

    rng = random.Random(13)
    pieces = ["法", "治", "环", "境", "督", "办", "，", "。", "、", "）", "》", "”", "（", "《", "“", "…", "%",
              "12338", "95%", "2023-09-10", "0000-60000112", "T01", "a", "ok", " ", "·", "\u200b", "é",
              "https://example.org/a/very/long/path/that/never/fits", "9" * 45]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 60)))
        for width in (1, 2, 3, 5, 8, 13, 20, 27, 40):
            assert lines.fold(text, width) == _fold_token_by_token(text, width), (text, width)
    assert lines.fold("", 10) == [""]
    assert lines.fold("进度63%，低于序时进度100%；问题", 10) == _fold_token_by_token("进度63%，低于序时进度100%；问题", 10)


def test_a_multi_line_note_folds_line_by_line():
    """A note's own line breaks stay line breaks: each line is folded, none leaks into a line (it
    would print at column 0, out of the indent every later line has)."""
    text = "第一行说明\n第二行说明比较长的一段文字，用来测试折行是否保持缩进\n\n末行"
    for width in (10, 20, 40, 80):
        folded = lines.fold(text, width)
        assert not any("\n" in line for line in folded)
        assert folded == [x for part in text.split("\n") for x in lines.fold(part, width)]
    assert lines.fold("甲\n乙", 80) == ["甲", "乙"]


def test_no_line_of_text_starts_with_the_space_it_broke_at():
    """fold_text (status's indented paragraphs) drops it; fold keeps every character, for table
    cells whose pieces must add up to the text."""
    text = "已等待4天：cc problem recheck W2023-0021 --pass（或 --fail）--note …"
    for width in range(12, 70):
        folded = lines.fold_text(text, width)
        assert not any(line.startswith(" ") for line in folded), (width, folded)
        assert "".join(folded).replace(" ", "") == text.replace(" ", "")
        assert "".join(lines.fold(text, width)) == text


def test_fold_keeps_a_command_line_option_whole():
    for text in ("已等待5天：cc problem recheck W2023-0021 --pass 或 --fail --note …",
                 "已等待5天：cc problem recheck W2023-0021 --pass（或 --fail）--note …"):
        for width in range(20, 70):
            folded = lines.fold(text, width)
            assert not any(line.rstrip().endswith("-") for line in folded), (width, folded)
            assert all(any(option in line for line in folded) for option in ("--pass", "--fail", "--note")), width
    assert lines._tokens("-n x --dry-run -5 a-b") == ["-n", " ", "x", " ", "--dry-run", " ", "-", "5", " ", "a-b"]


def test_fold_keeps_a_date_and_a_count_whole():
    """A reason folded in a narrow terminal read "（整改期限2023" over "年6月27日）" and "已逾期44" over
    "天": a date as the outputs write it and a count with its measure word are one piece."""
    text = ("●红 已逾期44天（时限2023年11月15日）；3份督办通知整改超期未反馈（最早超期127天）；"
            "问题W2023-0008（城南安置房建设项目工地）逾期185天未整改（整改期限2023年6月27日），12月31日前；佐证材料12件")
    whole = ("44天", "2023年11月15日", "3份", "127天", "185天", "2023年6月27日", "12月31日", "12件")
    for width in range(16, 80):
        folded = lines.fold(text, width)
        assert "".join(folded) == text and all(lines.cell_len(line) <= width for line in folded), width
        assert all(any(piece in line for line in folded) for piece in whole), (width, folded)
    assert lines._tokens("2023年6月、6月27日、3个、2023年度") == [
        "2023年6月", "、", "6月27日", "、", "3个", "、", "2023", "年", "度"]


def test_the_problem_lists_state_column_keeps_its_dates_whole():
    """At 60 columns the list's 状态 was 6 cells wide: "已销号 6月" over "19日"."""
    import io

    from rich.console import Console

    from chuangcheng_cli.reports.tables import problem_lines

    rows = [{"id": f"W2023-{n:04d}", "source": "暗访", "unit": "人社局", "co_units": ["总工会"],
             "place": "市劳动人事争议仲裁院办事大厅", "desc": "投诉电话公示不醒目", "deadline": "2023-06-30",
             "status": "closed", "closed_on": f"2023-{month:02d}-19", "on_time": n % 2 == 0, "overdue_days": 0}
            for n, month in ((1, 6), (2, 12))]
    for width in range(46, 72):  # below 46 columns rich lays the list out by itself (_problem_widths None)
        out = io.StringIO()
        console = Console(file=out, width=width, color_system=None)
        for part in problem_lines(rows, "问题清单", 2023, width):
            console.print(part.rich() if hasattr(part, "rich") else part)
        text = out.getvalue()
        assert "6月19日" in text and "12月19日" in text, (width, text)


def test_a_problem_list_too_narrow_for_its_table_is_a_few_lines_per_problem():
    """Below some 46 columns rich squeezed 单位, 点位 and 状态 to a cell or two: 已销号 was lost and
    6月19日 stood one digit a line (a hostile-input try). Each problem is now a few lines."""
    import io

    from rich.console import Console

    from chuangcheng_cli.reports.lines import cell_len
    from chuangcheng_cli.reports.tables import problem_lines

    rows = [{"id": "W2023-0001", "source": "暗访", "unit": "人社局", "co_units": ["总工会"],
             "place": "市劳动人事争议仲裁院办事大厅", "desc": "投诉电话公示不醒目", "deadline": "2023-06-30",
             "status": "closed", "closed_on": "2023-12-19", "on_time": False, "overdue_days": 0}]
    for width in range(24, 46):
        out = io.StringIO()
        console = Console(file=out, width=width, color_system=None)
        for part in problem_lines(rows, "问题清单（截至2023年12月29日，1 个）", 2023, width):
            console.print(part.rich() if hasattr(part, "rich") else part)
        lines = out.getvalue().splitlines()
        assert all(cell_len(line.rstrip()) <= width for line in lines), (width, lines)
        flat = "".join(lines).replace(" ", "")
        assert flat == ("问题清单（截至2023年12月29日，1个）W2023-0001暗访人社局+总工会点位：市劳动人事争议仲裁院办事大厅"
                        "期限：6月30日状态：已销号12月19日（逾期整改）"), (width, lines)
        assert any("12月19日" in line for line in lines), (width, lines)  # on one line


def test_a_line_of_counts_breaks_between_its_phrases():
    """fold_phrases (the counts and rates under cc status and cc problem list): every line fits,
    breaks come after a “·”, “；” or “，” (the space after it dropped), no phrase that fits a
    line is split, and the lines put together are the text."""
    import random

    rng = random.Random(7)
    phrases = ["整改中 3（逾期 3）", "待复查 2", "已销号 23", "结案率 88.5%", "按期结案率 80.8%", "返工率 4.3%",
               "延期率 —", "本周新增 0、销号 0", "距活动结束 0 天（2023年12月31日）", "很长的说明" * 12]
    for _ in range(500):
        parts = [rng.choice(phrases) for _ in range(rng.randint(1, 9))]
        text = parts[0] + "".join(rng.choice((" · ", "；", "，")) + p for p in parts[1:])
        for width in (12, 20, 33, 40, 60, 80, 100):
            got = lines.fold_phrases(text, width)
            assert all(lines.cell_len(line) <= width for line in got), (text, width)
            assert not any(line.startswith((" ", "·", "；", "，")) for line in got), (text, width)
            rebuilt = got[0]
            for line in got[1:]:
                rebuilt += (" " if text[len(rebuilt):len(rebuilt) + 1] == " " else "") + line
            assert rebuilt == text, (text, width)
            for phrase in set(parts):
                if lines.cell_len(phrase) <= width - 2:
                    assert any(phrase in line for line in got) or phrase not in text, (phrase, text, width)
    assert lines.fold_phrases("", 10) == [""]


def test_summary_line_before_the_campaign_starts_says_so():
    """Before campaign.start the line says the campaign has not begun (not 距活动结束 333 天)."""
    from chuangcheng_cli.domain.views import summary_text

    summary = {"lights": {"red": 0, "yellow": 0, "green": 14}, "done": 0, "total": 14, "days_left": 333,
               "campaign_start": "2023-04-14", "campaign_end": "2023-12-31", "as_of": "2023-02-01"}
    assert summary_text(summary).endswith("；创建活动尚未开始（2023年4月14日开始）")
    assert summary_text({**summary, "as_of": "2023-04-14", "days_left": 261}).endswith(
        "；距活动结束 261 天（2023年12月31日）")
