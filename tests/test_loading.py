"""Reading files into models: encodings, YAML pitfalls, journal lines, and where each problem is located."""

from __future__ import annotations

import re
import textwrap

import pytest

from chuangcheng_cli.store import loading
from chuangcheng_cli.domain import models
from chuangcheng_cli.diagnostics import render_text

from helpers import DATA as DATA_DIR


def write(tmp_path, name: str, content, dedent: bool = True):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(textwrap.dedent(content).lstrip("\n") if dedent else content, encoding="utf-8")
    return path


def where(problems) -> list[tuple[str, int, int]]:
    return [(p.code, p.line, p.col) for p in problems]


def read(tmp_path, content, limit: int = loading.MAX_YAML_BYTES):
    return loading.read_text(write(tmp_path, "units.yaml", content), "units.yaml", limit)


def parse(text: str):
    src = loading.Source(None, "tasklist.yaml", textwrap.dedent(text).lstrip("\n"))
    return loading.parse_yaml(src)


def load_plan(tmp_path, text: str):
    return loading.load_yaml_model(write(tmp_path, "tasklist.yaml", text, dedent=False), "tasklist.yaml",
                                   models.Plan)


def load_journal(tmp_path, text, dedent: bool = False):
    return loading.load_journal(write(tmp_path, "journal.jsonl", text, dedent), "journal.jsonl")


def has_english(message: str) -> bool:
    """True when a message still carries an untranslated English phrase (ids and codes aside)."""
    return bool(re.search(r"[A-Za-z]{3,} [A-Za-z]{2,}", message))


# ----------------------------------------------------------------- encodings


def test_utf8_bom_is_accepted(tmp_path):
    src, problems = read(tmp_path, "\ufeffunits: []\n".encode("utf-8"))
    assert problems == []
    assert src.text == "units: []\n"


def test_gbk_file_is_detected_and_shown_readable(tmp_path):
    src, problems = read(tmp_path, "units:\n  - id: sfj\n    name: 市司法局\n".encode("gbk"))
    (p,) = problems
    assert (p.code, p.line, p.col) == ("file-encoding", 3, 11)
    assert "GBK" in p.message and "UTF-8" in p.hint
    assert p.source == "    name: 市司法局"  # decoded as GBK, not mojibake


def test_gbk_column_counts_characters_before_it(tmp_path):
    raw = "名称：".encode("utf-8") + "市司法局".encode("gbk") + b"\n"
    (p,) = read(tmp_path, raw)[1]
    assert (p.line, p.col) == (1, 4)


def test_utf16_is_named_not_called_binary(tmp_path):
    (p,) = read(tmp_path, "units: []\n".encode("utf-16"))[1]
    assert p.code == "file-encoding" and "UTF-16" in p.message and "UTF-8" in p.hint


def test_binary_file(tmp_path):
    (p,) = read(tmp_path, b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb8\xe6")[1]
    assert (p.code, p.line, p.source) == ("file-encoding", 0, "")
    assert "二进制" in p.message


def test_nul_bytes_in_text(tmp_path):
    (p,) = read(tmp_path, b"units:\n\x00\x00\n")[1]
    assert (p.code, p.line) == ("file-encoding", 2)
    assert "␀␀" in render_text([p])  # shown, not printed raw to the terminal


def test_file_too_large(tmp_path):
    (p,) = read(tmp_path, "units: []\n" * 20, limit=100)[1]
    assert (p.code, p.line) == ("file-too-large", 0)


def test_missing_file(tmp_path):
    src, problems = loading.read_text(tmp_path / "units.yaml", "units.yaml", 100)
    assert where(problems) == [("missing-file", 0, 0)]


# ---------------------------------------------------------------------- YAML


def test_tab_indentation_is_located():
    data, problems = parse("campaign:\n  name: 创城\n\tgroup: 推进组\n")
    assert where(problems) == [("yaml-tab", 3, 1)]
    assert "空格" in problems[0].hint


def test_duplicate_keys_report_both_lines():
    data, problems = parse("""
        campaign:
          name: 创城
          year: 2023
          name: 创城工作
        """)
    (p,) = problems
    assert (p.code, p.line, p.col, p.width) == ("duplicate-key", 4, 3, 4)
    assert "第 2 行" in p.message


def test_billion_laughs_is_refused_without_expanding():
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    levels += [f"{c}: &{c} [{','.join(['*' + p] * 9)}]" for p, c in zip("abcdefgh", "bcdefghi")]
    data, problems = parse("\n".join(levels) + "\n")  # 9**9 strings if it were expanded
    assert data is None
    assert where(problems) == [("yaml-alias", 1, 4)]


def test_merge_keys_are_refused():
    data, problems = parse("""
        base: &b {lead: sfj}
        task:
          <<: *b
        """)
    assert data is None and [p.code for p in problems] == ["yaml-alias"]


YAML_SHAPES = [
    "a: 1\na: 2\nb:\n  c: 1\n  c: 2\n",
    "a:\n - b: 1\n   b: 2\n - b: 3\n   c: 4\n   c: 5\nd: 1\nd: 2\n",
    "a: 2023-02-30\nb: 2023-05-10\nc: 1.10\nd: yes\ne: ~\nf: 0x1f\ng: 1_000\nh: 1:30\ni: .inf\nj: 2023-05-10 08:00:00\n",
    "1: a\n01: b\n1: c\nnull: x\ntrue: y\n2023-01-01: z\n",
    "a: !!str 12\nb: !!int '12'\nc: !!binary aGVsbG8=\nd: !!map {b: 1}\ne: !!seq [1]\n",
    "a: &x 1\nb: *x\n", "a: &y [1]\nb: [*y]\n", "b:\n  <<: {c: 1}\n", "= : 1\n",
    "a: !!set {x, y}\n", "a: !!omap [x: 1]\n", "? [1, 2]\n: 3\n", "? {a: 1}\n: 3\n", "a: !foo x\n",
    "a: !!python/name:os.system\n", "x: !!float abc\n", "x: !!int abc\n", "- a\n- [b, {c: d}]\n- ''\n-\n",
]


def _load_both(text: str) -> tuple[str, str]:
    """What the loader makes of text, and what PyYAML's own construction (with the same loader's
    constructors and checks) makes of it: values, duplicate keys, or what was refused."""
    import yaml

    quick = loading._loader_class()

    class Standard(quick):
        def construct_document(self, node):
            return yaml.constructor.BaseConstructor.construct_document(self, node)

    def load(cls):
        loader = cls(text)
        try:
            data = loader.get_single_data()
            return "ok", data, [(k, m.line, m.column, f.line) for k, m, f in sorted(
                loader.duplicates, key=lambda d: (d[1].line, d[1].column))]
        except loading._AliasUsed as exc:
            return "alias", exc.mark.line, exc.mark.column
        except (yaml.YAMLError, ValueError) as exc:
            return "error", type(exc).__name__, str(exc)
        finally:
            loader.dispose()

    return repr(load(quick)), repr(load(Standard))


@pytest.mark.parametrize("text", YAML_SHAPES)
def test_quick_yaml_construction_gives_pyyaml_values(text):
    """The loader builds plain documents in one pass (loading._Loader._build); whatever the
    document, the values, the duplicate keys recorded and what is refused are PyYAML's own."""
    quick, standard = _load_both(text)
    assert quick == standard


def test_quick_yaml_construction_on_the_bundled_plan():
    import pathlib

    folder = pathlib.Path(loading.__file__).resolve().parents[1] / "example"
    for name in ("tasklist.yaml", "units.yaml"):
        text = (folder / name).read_text(encoding="utf-8")
        quick, standard = _load_both(text)
        assert quick.startswith("('ok', {") and quick == standard
        loader = loading._loader_class()(text)
        assert loader._build(loader.get_single_node())  # the one pass, not PyYAML's fallback
        loader.dispose()


@pytest.mark.parametrize("text, line, col", [
    ("a: b: c\n", 1, 5),  # a colon in a plain value
    ('name: "市司法局\nyear: 2023\n', 1, 7),  # unclosed quote: at the quote, not at the end
    ("co_units: [gaj, kx\nyear: 2023\n", 1, 11),  # unclosed bracket: at the bracket
    ("a:\n  b: 1\n c: 2\n", 3, 2),
    ("name: @司法局\n", 1, 7),
    ("name: 司法局\x07\n", 1, 10),  # a control character pasted from Word
    ("a: 1\n---\nb: 2\n", 2, 1),
])
def test_yaml_syntax_errors_are_located_and_in_chinese(text, line, col):
    data, problems = parse(text)
    (p,) = problems
    assert (p.code, p.line, p.col) == ("yaml-syntax", line, col)
    assert not has_english(p.message), p.message
    assert p.hint


@pytest.mark.parametrize("text, line", [
    ("campaign:\n  start：2023-04-14\n  end: 2023-12-31\n", 2),  # YAML says 缺少冒号 on the next line
    ("campaign:\n  year: 2023\n  start：2023-04-14   # 开始\n", 3),
])
def test_a_full_width_colon_after_a_key_is_named_where_it_is(text, line):
    data, problems = parse(text)
    (p,) = problems
    assert (p.code, p.line, p.col) == ("yaml-syntax", line, 8)
    assert p.message == "“start”后面用了全角冒号“：”" and p.hint == "请改为半角冒号加一个空格：start: 2023-04-14"


def test_a_full_width_colon_in_a_list_item_is_named_not_called_an_indentation_error(tmp_path):
    """- name：李某 parses (one text, not a mapping): the error says which colon, not 请检查缩进."""
    import shutil

    path = tmp_path / "units.yaml"
    shutil.copy(DATA_DIR / "units.yaml", path)
    text = path.read_text(encoding="utf-8")
    at = text.index("    staff:")
    at = text.index("\n", at) + 1
    path.write_text(text[:at] + "      - name：李某\n" + text[at:], encoding="utf-8")
    loaded = loading.load_yaml_model(path, "units.yaml", models.UnitsFile)
    (p,) = [p for p in loaded.problems if p.is_error]
    assert p.code == "wrong-type" and "“name：李某”" in p.message
    assert p.hint == "“name”后面用了全角冒号“：”，请改为半角冒号加一个空格：name: 李某"


BAD_LINES = [
    '{"id":"20231205-beef0001","kind":"progress","date":"2023-12-05","at":"2023-12-05T10:00:00+08:00",'
    '"by":"吴某某","task":"T09","unit":"rsj","percent":150,"note":"n"}',
    '{"id":"20231205-beef0003","kind":"progres","date":"2023-12-05"}',
    '{"id":"20231205-beef0004","kind":"progress","date":"2023-12-05","at":"2023-12-05T10:00:00+08:00",'
    '"by":"吴某某","task":"T09","unit":"rsj","percent":"85","note":"n","extra":1}',
    '{"id":"20231205-beef0005","kind":"prog',
    "<<<<<<< HEAD",
]


@pytest.mark.parametrize("where", ["end", "middle"])
def test_bad_lines_read_alike_on_both_paths(tmp_path, monkeypatch, where):
    """The fast path now reads past a bad line (one voided by its id stays in the journal for
    good, and a city's every cold read went line by line: 2.5 times the time, over 500 MB): what
    it finds is what the line-by-line path finds, problems, entries and the ids of bad lines."""
    from helpers import DATA as DATA_DIR

    lines = (DATA_DIR / "journal.jsonl").read_text(encoding="utf-8").splitlines()
    at = len(lines) if where == "end" else len(lines) // 2
    path = tmp_path / "journal.jsonl"
    path.write_text("\n".join(lines[:at] + BAD_LINES + lines[at:]) + "\n", encoding="utf-8")

    def read():
        j = loading.load_journal(path, "journal.jsonl")
        return ([e.id for e in j.entries], j.lines, [(p.code, p.line, p.col, p.message) for p in j.problems],
                j.invalid)

    assert loading._fast_journal(path, "journal.jsonl") is not None  # taken past the bad lines
    fast = read()
    monkeypatch.setattr(loading, "_fast_journal", lambda *a: None)
    slow = read()
    assert fast == slow
    assert len(fast[0]) == len(lines) and set(fast[3]) == {f"20231205-beef000{k}" for k in (1, 3, 4)}
    # (a key written twice passes pydantic, which keeps the last: the line-by-line path finds it)


def test_comment_only_file_is_empty():
    assert [p.code for p in parse("# 只有注释\n\n# 还是注释\n")[1]] == ["file-empty"]


def test_top_level_list_points_at_the_list(tmp_path):
    result = loading.load_yaml_model(write(tmp_path, "units.yaml", """
        # 单位名册
        - id: sfj
          name: 市司法局
        """), "units.yaml", models.UnitsFile)
    assert where(result.problems) == [("wrong-type", 2, 1)]
    assert "units:" in result.problems[0].hint


PLAN = textwrap.dedent("""
    campaign:
      name: 2023年创建全国文明城市工作
      group: 法治环境工作推进组
      lead_unit: sfj
      year: 2023
      start: 2023-04-14
      end: 2023-12-31
      issuer: 推进组
      office: 推进组办公室
      contact: {name: 周某某}
    indicators:
      - {id: I1, name: 法治宣传教育, content: 普法, method: 材料审核}
    tasks:
      - id: T01
        indicator: I1
        title: 落实普法责任制
        requirement: 印发普法责任清单
        lead: sfj
        deadline: 2023-11-30
    policy: {notice_prefix: 法治督}
    """).lstrip("\n")


def test_valid_plan_loads(tmp_path):
    result = load_plan(tmp_path, PLAN)
    assert result.problems == []
    assert result.model.tasks[0].deadline.isoformat() == "2023-11-30"


def test_notice_prefix_has_no_default(tmp_path):
    result = load_plan(tmp_path, PLAN.replace("policy: {notice_prefix: 法治督}", "policy: {lag_threshold: 10}"))
    (p,) = result.problems
    assert (p.code, p.line, p.message) == ("missing-field", 20, '缺少必填字段 "notice_prefix"（机关代字）')
    assert "机关代字" in p.hint and "法治" not in p.hint
    result = load_plan(tmp_path, PLAN.replace("policy: {notice_prefix: 法治督}\n", ""))
    (p,) = result.problems
    assert (p.code, p.message) == ("missing-field", '缺少必填字段 "policy"（督办规则）')
    assert "notice_prefix" in p.hint


def test_item_ids_in_any_numbering(tmp_path):
    plan = PLAN.replace("id: I1,", "id: '1',").replace("indicator: I1", "indicator: '1'").replace("T01", "1.1")
    result = load_plan(tmp_path, plan)
    assert result.problems == []
    assert [t.id for t in result.model.tasks] == ["1.1"]
    (p,) = load_plan(tmp_path, PLAN.replace("id: T01", "id: T/01")).problems
    assert p.code == "invalid-value" and "1.1" in p.hint


def test_impossible_date_is_located_at_its_line(tmp_path):
    result = load_plan(tmp_path, PLAN.replace("deadline: 2023-11-30", "deadline: 2023-02-30"))
    (p,) = result.problems
    assert (p.code, p.line, p.col, p.width) == ("wrong-type", 19, 15, 10)
    assert "2023-02-30" in p.message and "日期" in p.message


def test_yes_or_no_in_chinese_where_true_or_false_belongs(tmp_path):
    """workdays: 是 came out as pydantic's "Input should be a valid boolean, unable to interpret
    input" (an adversarial try)."""
    (p,) = load_plan(tmp_path, PLAN.replace("policy: {notice_prefix: 法治督}",
                                            "policy: {notice_prefix: 法治督, workdays: 是}")).problems
    assert (p.code, p.message, p.hint) == ("wrong-type", '"workdays"（按工作日计算） 应为 true 或 false，实际是文本 "是"',
                                           "是、否请写作 true、false（不加引号）。")
    from chuangcheng_cli.store.loading import translate_error

    odd = translate_error({"type": "url_parsing", "loc": ("x",), "input": "a", "msg": "Input should be a valid URL"},
                          object)
    assert odd[1] == '"x" 的值不正确：文本 "a"' and "Input" not in " ".join(odd[1:3])


def test_a_problem_prefix_that_is_no_letters_is_explained_as_one(tmp_path):
    (p,) = load_plan(tmp_path, PLAN.replace("policy: {notice_prefix: 法治督}",
                                            "policy: {notice_prefix: 法治督, problem_prefix: '=W'}")).problems
    assert p.code == "invalid-value" and p.hint.startswith("问题编号的前缀只能用 1 到 8 个英文字母")


def test_text_where_a_date_belongs(tmp_path):
    result = load_plan(tmp_path, PLAN.replace("start: 2023-04-14", "start: 下周一"))
    assert where(result.problems) == [("wrong-type", 6, 10)]


def test_unknown_field_points_at_the_key_with_a_suggestion(tmp_path):
    result = load_plan(tmp_path, PLAN.replace("    lead: sfj\n", "    lead: sfj\n    co_unit: [zy]\n"))
    (p,) = result.problems
    assert (p.code, p.line, p.col, p.width) == ("unknown-field", 19, 5, 7)
    assert p.hint == '是否为 "co_units"？'


@pytest.mark.parametrize("typed, hint", [
    ("mobile", '是否为 "phone"（电话）？'),  # by spelling alone it was "title" (a fresh-eyes try)
    ("tel", '是否为 "phone"（电话）？'),
    ("手机", "字段名要写英文：手机写作 phone:"),
])
def test_an_unknown_field_is_matched_by_meaning(tmp_path, typed, hint):
    units = tmp_path / "units.yaml"
    units.write_text((DATA_DIR / "units.yaml").read_text(encoding="utf-8").replace("    phone: ", f"    {typed}: ", 1),
                     encoding="utf-8")
    result = loading.load_yaml_model(units, "units.yaml", models.UnitsFile)
    (p,) = result.problems
    assert p.code == "unknown-field" and p.hint == hint


def test_missing_field_points_at_the_mapping(tmp_path):
    result = load_plan(tmp_path, PLAN.replace("    requirement: 印发普法责任清单\n", ""))
    (p,) = result.problems
    assert (p.code, p.line, p.col) == ("missing-field", 14, 5)
    assert "requirement" in p.message


def test_empty_and_overlong_text(tmp_path):
    text = PLAN.replace("name: 2023年创建全国文明城市工作", 'name: ""').replace(
        "title: 落实普法责任制", "title: 落实普法责任制\n    short_title: " + "长" * 41)
    result = load_plan(tmp_path, text)
    assert sorted(where(result.problems)) == [("invalid-value", 2, 9), ("invalid-value", 17, 18)]
    assert sorted(p.message for p in result.problems) == [
        '"name"（名称） 不能为空', '"short_title"（任务简称） 过长（最多 40 个字符）']


def test_out_of_range_and_pattern(tmp_path):
    text = PLAN.replace("lead_unit: sfj", "lead_unit: SFJ").replace("year: 2023", "year: 1999")
    result = load_plan(tmp_path, text)
    assert sorted(where(result.problems)) == [("invalid-value", 4, 14), ("out-of-range", 5, 9)]


# ------------------------------------------------------------------- journal

ASSIGN = ('{"id":"20230420-7f55de93","kind":"assign","date":"2023-04-20","at":"2023-04-20T15:47:00+08:00",'
          '"by":"吴某某","task":"T01","unit":"sfj","section":"普法与依法治理科","person":"陈某某"}')
PROGRESS = ('{"id":"20230427-43ddef4d","kind":"progress","date":"2023-04-27","at":"2023-04-27T14:44:00+08:00",'
            '"by":"吴某某","task":"T01","unit":"sfj","percent":15,"note":"印发清单。"}')


def test_journal_loads_with_line_numbers(tmp_path):
    journal = load_journal(tmp_path, f"{ASSIGN}\n{PROGRESS}\n")
    assert journal.problems == []
    assert [e.kind for e in journal.entries] == ["assign", "progress"]
    assert journal.lines == [1, 2]


@pytest.mark.parametrize("line, bad", [
    (PROGRESS.replace('"印发清单。"', '"印发\\b清单。"'), True),  # backspace: never
    (PROGRESS.replace('"印发清单。"', '"印发\\f清单。"'), True),
    (PROGRESS.replace('"印发清单。"', '"印发\\r\\n清单。"'), True),  # CR: never
    (PROGRESS.replace('"by":"吴某某"', '"by":"吴某\\t某"'), True),  # tab in a one-line field
    (PROGRESS.replace('"by":"吴某某"', '"by":"吴某\\n某"'), True),
    (ASSIGN.replace('"person":"陈某某"', '"person":"陈某某","x\\ty":1'), True),  # in a key
    (PROGRESS.replace('"印发清单。"', '"印发\\t清单。\\n第二行"'), False),  # a note may hold both
    (PROGRESS.replace('"印发清单。"', '"见 C:\\\\bin\\\\new 目录"'), False),  # escaped backslashes
    (PROGRESS.replace('"印发清单。"', '"结尾\\\\\\n换行"'), False),  # \\ then \n: a line break in a note
])
@pytest.mark.parametrize("elsewhere", ["", "\\u4e00"])
def test_control_characters_spelled_by_json_escapes_are_refused_on_either_path(tmp_path, line, bad, elsewhere):
    """\\b, \\f, \\r, or \\t and \\n outside the multi-line fields, spell characters no field may hold,
    though the line's bytes hold none: refused as the line-by-line check refuses them, whether or
    not another line sends the journal that way (a \\u escape anywhere did; else they passed)."""
    other = PROGRESS.replace("43ddef4d", "43ddef4e").replace('"印发清单。"', f'"其他{elsewhere}"')
    journal = load_journal(tmp_path, f"{ASSIGN}\n{other}\n{line}\n")
    codes = {p.code for p in journal.problems}
    if bad:
        assert "invalid-character" in codes, journal.problems
        assert any(p.line == 3 for p in journal.problems)
    else:
        assert journal.problems == [] and len(journal.entries) == 3
        if not elsewhere:  # and such a journal keeps to the fast path
            assert loading._fast_journal(tmp_path / "journal.jsonl", "journal.jsonl") is not None


def test_holds_bad_text_is_text_problems_walk():
    cases = [{"note": "a\tb\nc"}, {"by": "a\tb"}, {"by": "ok", "evidence": [{"path": "a\nb"}]},
             {"note": ["x\ny"]}, {"a\tb": 1}, {"place": "\x1b"}, {"note": "\u202e"}, {"desc": "正常"}, "a\tb", ["a"]]
    src = loading.Source(None, "journal.jsonl", "")
    for data in cases:
        assert loading.holds_bad_text(data) == bool(loading.text_problems(src, data, lambda path: (0, 1, 1))), data


def test_blank_lines_in_journal_are_ignored(tmp_path):
    journal = load_journal(tmp_path, f"\n{ASSIGN}\n   \n\n{PROGRESS}\n\n")
    assert journal.problems == []
    assert journal.lines == [2, 5]


def test_crlf_journal(tmp_path):
    journal = load_journal(tmp_path, f"{ASSIGN}\r\n{PROGRESS}\r\n".encode())
    assert journal.problems == [] and len(journal.entries) == 2


def test_missing_journal_is_an_empty_journal(tmp_path):
    journal = loading.load_journal(tmp_path / "journal.jsonl", "journal.jsonl")
    assert (journal.entries, journal.problems) == ([], [])


def test_bad_line_does_not_hide_the_good_ones(tmp_path):
    journal = load_journal(tmp_path, f"{ASSIGN}\nnot json\n{PROGRESS}\n")
    assert where(journal.problems) == [("journal-json", 2, 1)]
    assert journal.lines == [1, 3]


def test_pydantic_error_in_journal_is_located_at_the_value(tmp_path):
    line = PROGRESS.replace('"percent":15', '"percent": "六十"')
    journal = load_journal(tmp_path, f"{ASSIGN}\n{line}\n")
    (p,) = journal.problems
    col = line.index('"六十"') + 1
    assert (p.code, p.line, p.col, p.width) == ("wrong-type", 2, col, 4)


def test_unknown_field_in_journal_is_located_at_the_key(tmp_path):
    line = PROGRESS.replace('"note"', '"notes"')
    journal = load_journal(tmp_path, line + "\n")
    assert sorted(where(journal.problems)) == [("missing-field", 1, 1),
                                                ("unknown-field", 1, line.index('"notes"') + 1)]
    assert journal.problems[-1].hint == '是否为 "note"？'


def test_unknown_kind(tmp_path):
    line = PROGRESS.replace('"kind":"progress"', '"kind":"pogress"')
    (p,) = load_journal(tmp_path, line + "\n").problems
    assert (p.code, p.col) == ("unknown-entry-kind", line.index('"pogress"') + 1)
    assert "progress" in p.hint


def test_two_objects_on_one_line(tmp_path):
    journal = load_journal(tmp_path, ASSIGN + PROGRESS + "\n")
    (p,) = journal.problems
    assert (p.code, p.line, p.col) == ("journal-json", 1, len(ASSIGN) + 1)
    assert "同一行" in p.message
    assert journal.entries == []


EVIDENCE = '{"path":"evidence/%s.pdf","sha256":"%s","size":1}'
# Lines that are no entries each, yet read as entries when joined into one array with commas: a
# string left open on one line and closed on the next, or a list left open and closed, with a
# line of two objects to make the count of entries come out as the count of lines.
JOINED = {
    "string": [PROGRESS[:-2] + "}", '{"},' + PROGRESS.replace("43ddef4d", "43ddef4e")],
    "list": [PROGRESS[:-1] + ',"evidence":[' + EVIDENCE % ("a", "0" * 64),
             EVIDENCE % ("b", "1" * 64) + "]}",
             PROGRESS.replace("43ddef4d", "43ddef4e") + "," + PROGRESS.replace("43ddef4d", "43ddef4f")],
}


@pytest.mark.parametrize("case", sorted(JOINED))
def test_lines_that_are_entries_only_when_joined_are_each_refused(tmp_path, case):
    text = "\n".join([ASSIGN, *JOINED[case]]) + "\n"
    journal = load_journal(tmp_path, text)
    assert [p.line for p in journal.problems] == list(range(2, 2 + len(JOINED[case])))
    assert {p.code for p in journal.problems} == {"journal-json"}
    assert [e.id for e in journal.entries] == ["20230420-7f55de93"] and journal.lines == [1]
    # the fast path, which reads on past bad lines, takes each line on its own too
    fast = loading._fast_journal(tmp_path / "journal.jsonl", "journal.jsonl")
    assert fast is None or ([e.id for e in fast.entries], [p.line for p in fast.problems]) == \
        (["20230420-7f55de93"], list(range(2, 2 + len(JOINED[case]))))


@pytest.mark.parametrize("apart", ['"percent" :', '"percent"\t:', '"percent"  :'])
def test_a_key_apart_from_its_colon_is_still_a_repeated_key(tmp_path, apart):
    """JSON allows white space before the colon; the count of `":` that finds repeated keys did
    not see such a key, and the second value won silently (found by a hostile-input review)."""
    line = PROGRESS[:-1] + "," + apart + "85}"
    journal = load_journal(tmp_path, f"{ASSIGN}\n{line}\n")
    assert [(p.code, p.line) for p in journal.problems] == [("duplicate-key", 2)]
    assert loading._fast_journal(tmp_path / "journal.jsonl", "journal.jsonl") is None
    spaced = PROGRESS.replace('"percent":15', '"percent" : 15')  # apart, but not repeated: fine
    journal = load_journal(tmp_path, f"{ASSIGN}\n{spaced}\n")
    assert journal.problems == [] and journal.entries[1].percent == 15


def test_key_apart_finds_every_quote_before_white_space():
    """key_apart looks at the bytes before each space, tab and CR, and searches for the pair only
    past a thousand of one kind: the same answer as searching for the pairs outright."""
    import random

    def pairs(data):
        return b'" ' in data or b'"\t' in data or b'"\r' in data

    rng = random.Random(13)
    for _ in range(5000):
        data = b"".join(rng.choice([b'"', b" ", b"\t", b"\r", b"a", b":"]) for _ in range(rng.randint(0, 12)))
        assert loading.key_apart(data) == pairs(data), data
    for filler in (b"a ", b"}\r", b"a\t"):
        assert not loading.key_apart(filler * 1500) and loading.key_apart(filler * 1500 + b'"' + filler[1:])


@pytest.mark.parametrize("odd", ["\v", "\f", "\x1c", "\u3000", "\u00a0", "\u2028"])
def test_a_line_of_white_space_json_does_not_know_is_reported_not_skipped(tmp_path, odd):
    """Only spaces, tabs and a CR make a blank line: a vertical tab, a form feed, U+3000 … alone
    on a line, or around an entry, are no JSON (str.strip took them for blanks)."""
    journal = load_journal(tmp_path, f"{ASSIGN}\n{odd}\n{odd}{PROGRESS}\n \t\r\n")
    assert [(p.code, p.line) for p in journal.problems] == [("journal-json", 2), ("journal-json", 3)]
    assert "看不见的字符" in journal.problems[0].message and journal.lines == [1]


def test_merge_conflict_markers(tmp_path):
    text = "\n".join([ASSIGN, "<<<<<<< HEAD", PROGRESS, "=======", ">>>>>>> 分支", ""])
    journal = load_journal(tmp_path, text)
    assert where(journal.problems) == [("journal-json", 2, 1), ("journal-json", 4, 1), ("journal-json", 5, 1)]
    assert "合并冲突" in journal.problems[0].message
    assert len(journal.entries) == 2


def test_fullwidth_punctuation(tmp_path):
    line = PROGRESS.replace('"percent":15,', '"percent":15，')
    (p,) = load_journal(tmp_path, line + "\n").problems
    assert (p.code, p.col) == ("journal-json", line.index("，") + 1)
    assert "，" in p.message and "半角" in p.hint


def test_a_line_that_stops_half_way_says_so(tmp_path):
    """The last line of an interrupted write or sync: not "do not fold lines by hand" alone."""
    (p,) = load_journal(tmp_path, PROGRESS[: PROGRESS.index('"note"') + 10] + "\n").problems
    assert p.code == "journal-json" and "中途就结束" in p.hint and "git" in p.hint
    (p,) = load_journal(tmp_path, '{"id": "x" "kind": 1}\n').problems
    assert "请不要手工折行" in p.hint  # broken in the middle: the usual hint


@pytest.mark.parametrize("line", ['{"id": "x",}', '{"id" "x"}', '{"id": "x" "kind": 1}', '{"id": "x',
                                  '{id: 1}', '{"id": }', '["list"]', '{"id": "\\q"}'])
def test_json_messages_are_in_chinese(tmp_path, line):
    (p,) = load_journal(tmp_path, line + "\n").problems
    assert p.code == "journal-json"
    assert not has_english(p.message), p.message




@pytest.mark.parametrize("piece", [1, 50, 300, 5000])
@pytest.mark.parametrize("shape", ["plain", "blank", "crlf", "no-final-newline", "double-object", "repeated-key",
                                   "bidi-late", "key-apart-late", "tab-escape-late", "crlf-odd-line"])
def test_journal_read_in_pieces_is_read_as_a_whole(tmp_path, monkeypatch, piece, shape):
    """The fast path validates the journal a piece of whole lines at a time (to keep memory
    low); any piece size gives the same entries, line numbers and problems as one piece."""
    from helpers import DATA

    lines = (DATA / "journal.jsonl").read_text(encoding="utf-8").splitlines()[:40]
    if shape == "blank":
        text = "\n\n" + "\n   \n".join(lines[:20]) + "\n\n" + "\n".join(lines[20:]) + "\n\n"
    elif shape == "crlf":
        text = "\r\n".join(lines) + "\r\n"
    elif shape == "no-final-newline":
        text = "\n".join(lines)
    elif shape == "double-object":
        text = "\n".join(lines[:10]) + "\n" + lines[10] + lines[11] + "\n" + "\n".join(lines[12:]) + "\n"
    elif shape == "repeated-key":
        text = "\n".join(lines[:10]) + "\n" + lines[10][:-1] + ', "note": "又一个"}\n' + "\n".join(lines[11:]) + "\n"
    elif shape == "bidi-late":  # the bytes each piece is scanned for (_suspect), in a late piece
        text = "\n".join(lines[:35]) + "\n" + lines[35].replace('"by":"', '"by":"\u202e', 1) + "\n" \
            + "\n".join(lines[36:]) + "\n"
    elif shape == "tab-escape-late":  # a \t escape in a one-line field (_escaped_controls), in a late piece
        text = "\n".join(lines[:35]) + "\n" + lines[35].replace('"by":"', '"by":"\\t', 1) + "\n" \
            + "\n".join(lines[36:]) + "\n"
    elif shape == "crlf-odd-line":  # a line of CRLF text that is no entry, a 俾 (E4 BF BE, as U+FFFE ends) first
        text = "\r\n".join(lines[:20]) + "\r\n俾\r\n" + "\r\n".join(lines[20:]) + "\r\n"
    elif shape == "key-apart-late":  # a key apart from its colon (key_apart), in a late piece: valid JSON
        text = "\n".join(lines[:35]) + "\n" + lines[35].replace('"by":"', '"by" :"', 1) + "\n" \
            + "\n".join(lines[36:]) + "\n"
    else:
        text = "\n".join(lines) + "\n"
    whole = load_journal(tmp_path, text.encode())
    monkeypatch.setattr(loading, "_JOURNAL_PIECE", piece)
    pieces = load_journal(tmp_path, text.encode())
    assert [e.id for e in pieces.entries] == [e.id for e in whole.entries]
    assert pieces.lines == whole.lines
    assert render_text(pieces.problems) == render_text(whole.problems)
    if shape in ("double-object", "repeated-key", "bidi-late", "tab-escape-late", "crlf-odd-line"):
        assert whole.problems  # found by the slow path, whatever the piece size
    else:
        assert not whole.problems and len(whole.entries) == 40


def test_a_deeply_nested_line_with_an_escape_is_a_problem_not_a_crash(tmp_path):
    """A \\t escape sends a line to be parsed and its texts looked at (_escaped_controls); nested
    some hundreds deep, that look ran out of stack outside the fast path's guard, and cc validate
    showed a traceback (a review found it)."""
    line = '{"id":"x","note":"a\\tb","deep":' + '{"a":[' * 300 + "]}" * 300 + "}"
    journal = load_journal(tmp_path, (PROGRESS + "\n" + line + "\n").encode())
    assert len(journal.entries) == 1 and [p.line for p in journal.problems] == [2]


def test_a_file_just_over_the_limit_is_said_to_be_over_it():
    """8,420,081 bytes read "文件过大（8.0 MB，上限 8 MB）" (a hostile-input try)."""
    from chuangcheng_cli.store.loading import _megabytes

    limit = 8 * 1048576
    assert [_megabytes(size, limit) for size in (9 * 1048576, 8_420_081, limit + 1)] == ["9.0", "8.03", "8.000001"]
