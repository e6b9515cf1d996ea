"""Tests for titlebreak: titles break between words, in a 梯形 or 菱形, and jieba loads only for documents."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from chuangcheng_cli.documents.titlebreak import segment, title_lines, width

from helpers import DATA, cc_env

MAX = 20  # 2号 characters on a 156 mm line


def boundaries(title: str, names=()) -> set[int]:
    """Character offsets where one word ends and the next begins."""
    out, at = set(), 0
    for word in segment(title, names):
        at += len(word)
        out.add(at)
    return out


def assert_good_break(title: str, lines: list[str], names=()) -> None:
    assert "".join(lines) == title
    assert all(width(line) <= MAX for line in lines), lines
    ends = set(boundaries(title, names))
    at = 0
    for line in lines[:-1]:
        at += len(line)
        assert at in ends, f"{lines} breaks inside a word"
    widths = [width(line) for line in lines]
    for a, b, c in zip(widths, widths[1:], widths[2:]):
        assert not (b < a and b < c), f"hourglass {lines}"


@pytest.mark.parametrize("title, names, expected", [
    # Never "…督办情/况的报告": the unit name and 督办情况 stay whole.
    ("关于市人力资源和社会保障局创城工作督办情况的报告", ["市人力资源和社会保障局"],
     ["关于市人力资源和社会保障局", "创城工作督办情况的报告"]),
    ("关于对市人力资源和社会保障局创城工作任务进行督办的通知", ["市人力资源和社会保障局"],
     ["关于对市人力资源和社会保障局", "创城工作任务进行督办的通知"]),
    ("关于对市市场监督管理局创城工作任务进行督办的通知", ["市市场监督管理局"],
     ["关于对市市场监督管理局", "创城工作任务进行督办的通知"]),
    # Short enough for one line.
    ("关于对市民政局创城工作任务进行督办的通知", ["市民政局"], ["关于对市民政局创城工作任务进行督办的通知"]),
    ("关于市人社局创城工作督办情况的报告", [], ["关于市人社局创城工作督办情况的报告"]),
])
def test_known_titles(title, names, expected):
    lines = title_lines(title, MAX, names)
    assert lines == expected
    assert_good_break(title, lines, names)


def test_a_name_is_never_split_even_where_the_dictionary_would():
    # jieba alone cuts 住房/和/城乡/建设局; the name given keeps it whole.
    title = "关于对区住房和城乡建设局RW01等任务进行督办的通知"
    lines = title_lines(title, MAX, ["区住房和城乡建设局"])
    assert any(line.endswith("区住房和城乡建设局") or line.startswith("区住房和城乡建设局") for line in lines), lines
    assert_good_break(title, lines, ["区住房和城乡建设局"])


def test_no_line_starts_with_a_particle_or_ends_with_a_preposition():
    for title in ("关于对市卫生健康委员会创城工作任务进行督办的通知",
                  "关于市残疾人联合会和市妇女联合会创城工作督办情况的报告",
                  "关于对某某自治州人民政府办公室城乡环境综合治理与营商环境优化工作任务进行第三次督办的通知"):
        lines = title_lines(title, MAX)
        assert_good_break(title, lines)
        for line in lines[1:]:
            assert line[0] not in "的和与及", lines
        for line in lines[:-1]:
            assert not line.endswith(("关于", "对", "和", "与")), lines


def test_three_lines_make_a_trapezoid_or_diamond():
    title = "关于对某某自治州人民政府办公室城乡环境综合治理与营商环境优化工作任务进行第三次督办的通知"
    names = ["某某自治州人民政府办公室"]
    lines = title_lines(title, MAX, names)
    assert len(lines) == 3
    assert_good_break(title, lines, names)


def test_a_word_longer_than_a_line_is_split_rather_than_overflowing():
    title = "关于" + "甲" * 30 + "的通知"
    lines = title_lines(title, MAX)
    assert "".join(lines) == title
    assert all(width(line) <= MAX for line in lines)


def test_width_counts_ascii_as_half():
    assert width("RW01") == 2
    assert width("〔2023〕") == 4


def test_status_never_loads_jieba_and_notice_prints_nothing_from_it(tmp_path):
    """`cc status` stays fast (no segmenter); building a document loads jieba silently."""
    code = (
        "import sys\n"
        "from chuangcheng_cli.entry import main\n"
        "sys.argv = ['cc', '--data', sys.argv[1], 'status', '--as-of', '2023-06-30']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('JIEBA', 'jieba' in sys.modules, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code, str(DATA)], capture_output=True, text=True,
                            env=cc_env(), timeout=120, check=False)
    assert "JIEBA False" in result.stderr, result.stderr
    build = ("from chuangcheng_cli.documents.titlebreak import title_lines\n"
             "print(title_lines('关于市人力资源和社会保障局创城工作督办情况的报告', 20))\n")
    result = subprocess.run([sys.executable, "-c", build], capture_output=True, text=True, env=cc_env(),
                            timeout=120, check=False)
    assert result.returncode == 0
    assert result.stderr == ""  # no "Building prefix dict", no pkg_resources warning


def test_jieba_keeps_its_dictionary_in_the_store_not_the_shared_temp_folder(tmp_path):
    """The dictionary jieba builds is loaded back with marshal: it lives in the user's own store,
    never in the temp folder other users can write to."""
    store, temp = tmp_path / "store", tmp_path / "temp"
    temp.mkdir()
    build = ("from chuangcheng_cli.store.state import use_store\n"
             "from chuangcheng_cli.documents.titlebreak import title_lines\n"
             f"use_store({str(store)!r})\n"
             "print(title_lines('关于市人力资源和社会保障局创城工作督办情况的报告', 20))\n")
    env = {**cc_env(), "TMPDIR": str(temp)}
    result = subprocess.run([sys.executable, "-c", build], capture_output=True, text=True, env=env,
                            timeout=120, check=False)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert (store / "jieba.cache").is_file() and not list(temp.iterdir())
    if os.name != "nt":
        assert (store.stat().st_mode & 0o777) == 0o700 and ((store / "jieba.cache").stat().st_mode & 0o077) == 0


@pytest.mark.parametrize("name, expected", [
    # wider than a line with the words around it: broken before its parenthesised part
    ("某某市住房和城乡建设局（市人民防空办公室）",
     ["关于对某某市住房和城乡建设局", "（市人民防空办公室）创城工作", "任务进行督办的通知"]),
    ("中共某某市委政法委员会（市委依法治市办公室）",
     ["关于中共某某市委政法委员会", "（市委依法治市办公室）", "创城工作督办情况的报告"]),
    # kept whole it would leave 关于 alone on a line: broken after an organ within it
    ("某某经济技术开发区管理委员会社会事务局", ["关于某某经济技术开发区管理委员会", "社会事务局创城工作督办情况的报告"]),
])
def test_a_long_name_breaks_between_its_own_words_at_a_seam(name, expected):
    """A name as wide as a line is not cut into characters (市委依 / 法治市办公室), nor left to
    push 关于 onto a line of its own: it breaks between its own words, at a seam if it has one
    (found by a review of rendered notices)."""
    title = expected[0] + "".join(expected[1:])
    lines = title_lines(title, MAX, [name])
    assert lines == expected
    assert_good_break(title, lines)


def test_a_title_broken_once_is_taken_from_the_store_without_loading_jieba(tmp_path, monkeypatch):
    """A unit's notices share a title: its lines are kept in the store and read back (a `cc
    notice` then never loads jieba's dictionary); a kept file that is not that title's lines
    (damaged, or written for another title) is not used; another width or names is another key."""
    from chuangcheng_cli.documents import titlebreak
    from chuangcheng_cli.store import state

    monkeypatch.setattr(state, "_ROOT", [str(tmp_path / "store")])
    title = "关于对市人力资源和社会保障局创城工作任务进行督办的通知"
    names = ["市人力资源和社会保障局"]
    first = title_lines(title, 20, names)
    assert len(first) > 1 and "".join(first) == title
    (kept,) = (tmp_path / "store").glob("title-*.json")

    def no_jieba():
        raise AssertionError("jieba loaded")

    monkeypatch.setattr(titlebreak, "_jieba", no_jieba)
    assert title_lines(title, 20, names) == first
    assert titlebreak._key(title, 18, names) != titlebreak._key(title, 20, names) != titlebreak._key(title, 20, [])

    import json

    for forged in (["关于对市人力资源", "和社会保障局"],  # valid JSON and checksum, not this title's lines
                   list(title)):  # this title's, one character a line: more lines than any layout makes
        kept.write_bytes(state.signed(json.dumps(forged, ensure_ascii=False).encode()))
        with pytest.raises(AssertionError, match="jieba loaded"):
            title_lines(title, 20, names)
    monkeypatch.undo()
    monkeypatch.setattr(state, "_ROOT", [None])  # no store: computed each time, nothing kept
    assert title_lines(title, 20, names) == first
