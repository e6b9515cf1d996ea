"""Tests for docs_docx: GB/T 9704 layout read back with python-docx, and the safe write."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import zipfile

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from chuangcheng_cli.documents import docx as docs_docx
from chuangcheng_cli.documents.docx import docx_bytes, write_docx
from chuangcheng_cli.domain.models import DocumentFonts
from chuangcheng_cli.documents.officialdoc import Block, OfficialDoc, render_text

THEME_ATTRS = ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme", "w:cstheme")

NOTICE = OfficialDoc(
    issuer="市创建全国文明城市法治环境工作推进组",
    doc_no="法治督〔2023〕5号",
    title="关于督促市民政局加快推进创城法治环境工作任务的通知",
    recipient="市民政局",
    blocks=(
        Block("para", "根据市创城工作部署和《法治环境工作任务清单》要求，推进组对你单位任务推进情况进行了督查。"),
        Block("h1", "一、存在的问题"),
        Block("h2", "（一）任务进度滞后"),
        Block("para", "截至2023年5月8日，你单位牵头的任务完成进度为30%，低于序时进度（45%）。"),
        Block("h1", "二、整改要求"),
        Block("para", "请于2023年5月15日前将整改情况书面报送推进组办公室（市司法局）。"),
    ),
    signature="市创城法治环境工作推进组",
    date=dt.date(2023, 5, 10),
    note="（联系人：张某某  电话：0000-1234567）",
    attachments=("法治环境工作任务清单（市民政局部分）", "整改情况报告模板"),
    mark="第3次督办（红色）",
    copy_to=("市创城办", "市委宣传部"),
    printer="推进组办公室",
    created=dt.datetime(2023, 5, 10, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))),
)

REPORT = OfficialDoc(
    issuer="市创城法治环境工作推进组",
    doc_no="",
    title="关于市民政局督办情况的报告",
    recipient="市领导",
    blocks=(
        Block("para", "市民政局在本轮创城工作中已累计督办3次，整改仍不到位。"),
        Block("h1", "一、基本情况"),
        Block("para", "现将有关情况报告如下。"),
    ),
    signature="市创城法治环境工作推进组",
    date=dt.date(2023, 5, 20),
)

UPWARD = dataclasses.replace(
    REPORT, doc_no="法治报〔2023〕1号", signer="王某某",
    title="关于市人力资源和社会保障局创城工作督办情况的报告", names=("市人力资源和社会保障局",),
    copy_to=("市创建全国文明城市指挥部办公室",), printer="法治环境工作推进组办公室",
)


def written(doc: OfficialDoc, tmp_path, name: str = "out.docx"):
    path = tmp_path / name
    write_docx(doc, path)
    return docx.Document(str(path))


def paragraph(document, text: str):
    matches = [p for p in document.paragraphs if p.text == text]
    assert len(matches) == 1, f"expected one paragraph {text!r}, got {[p.text for p in document.paragraphs]}"
    return matches[0]


def east_asian_font(run) -> str | None:
    r_fonts = run._r.find(qn("w:rPr") + "/" + qn("w:rFonts"))
    return None if r_fonts is None else r_fonts.get(qn("w:eastAsia"))


def assert_fonts(paragraph_, name: str) -> None:
    assert paragraph_.runs, paragraph_.text
    for run in paragraph_.runs:
        assert east_asian_font(run) == name
        assert run.font.name == name
        r_fonts = run._r.find(qn("w:rPr") + "/" + qn("w:rFonts"))
        for attr in THEME_ATTRS:
            assert r_fonts.get(qn(attr)) is None, attr


def issuer_of(document):
    """The 发文机关标志: the paragraph in red (the 署名 may have the same words)."""
    (found,) = [p for p in document.paragraphs
                if p.runs and all(r.font.color.type is not None and str(r.font.color.rgb) == "FF0000" for r in p.runs)]
    return found


def bottom_border(paragraph_):
    return paragraph_._p.find(f"{qn('w:pPr')}/{qn('w:pBdr')}/{qn('w:bottom')}")


# --------------------------------------------------------------------------- layout


def test_page_is_a4_with_gbt9704_margins(tmp_path):
    section = written(NOTICE, tmp_path).sections[0]
    expected = {
        "page_width": 210, "page_height": 297,
        "top_margin": 37, "bottom_margin": 35, "left_margin": 28, "right_margin": 26,
    }
    for attr, mm in expected.items():
        assert abs(getattr(section, attr) - Mm(mm)) <= Mm(0.5), attr


def test_doc_no_centred_with_red_rule_below(tmp_path):
    doc_no = paragraph(written(NOTICE, tmp_path), "法治督〔2023〕5号")
    assert doc_no.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert_fonts(doc_no, "仿宋_GB2312")
    rule = bottom_border(doc_no)
    assert rule is not None
    assert rule.get(qn("w:color")).upper() in {"FF0000", "C00000"}


def test_issuer_red_centred_in_xiaobiaosong(tmp_path):
    issuer = paragraph(written(NOTICE, tmp_path), NOTICE.issuer)
    assert issuer.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert_fonts(issuer, "方正小标宋简体")
    assert {str(run.font.color.rgb) for run in issuer.runs} <= {"FF0000", "C00000"}
    # A long issuer is shrunk to stay on one line, but never below 3号.
    assert all(Pt(16) <= run.font.size <= Pt(26) for run in issuer.runs)


def test_title_centred_2hao_xiaobiaosong_broken_between_words(tmp_path):
    document = written(UPWARD, tmp_path)
    title = paragraph(document, "关于市人力资源和社会保障局\n创城工作督办情况的报告")
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert_fonts(title, "方正小标宋简体")
    assert all(run.font.size == Pt(22) for run in title.runs)
    short = paragraph(written(NOTICE, tmp_path, "n.docx"), "关于督促市民政局加快推进\n创城法治环境工作任务的通知")
    assert short.text.replace("\n", "") == NOTICE.title


def test_spacing_of_the_masthead_and_title(tmp_path):
    """Two blank lines between issuer and 文号 and between the red rule and the title; one before 主送."""
    texts = [p.text for p in written(NOTICE, tmp_path).paragraphs]
    issuer = texts.index(NOTICE.issuer)
    assert texts[issuer + 1:issuer + 4] == ["", "", NOTICE.doc_no]
    assert texts[issuer + 4:issuer + 6] == ["", ""]
    assert texts[issuer + 6].replace("\n", "") == NOTICE.title
    assert texts[issuer + 7:issuer + 9] == ["", "市民政局："]


def test_issuer_is_35mm_down_red_larger_than_the_title_and_on_one_line(tmp_path):
    for doc in (NOTICE, UPWARD, dataclasses.replace(NOTICE, issuer="市创建全国文明城市指挥部法治环境工作推进组")):
        document = written(doc, tmp_path, f"{len(doc.issuer)}{doc.signer}.docx")
        issuer = issuer_of(document)
        assert issuer.text == doc.issuer
        (run,) = issuer.runs
        assert run.font.size > Pt(22)
        assert str(run.font.color.rgb) == "FF0000"
        scale = run._r.find(qn("w:rPr") + "/" + qn("w:w"))
        percent = int(scale.get(qn("w:val"))) if scale is not None else 100
        assert 33 <= percent <= 100
        assert len(doc.issuer) * run.font.size * percent / 100 <= Mm(156)  # fits one line
        # 35 mm from the text block's top to the glyphs' top (the mark's line counts).
        fmt = issuer.paragraph_format
        above = fmt.space_before + (Pt(28.95) if doc.mark else 0) + (fmt.line_spacing - run.font.size) / 2
        assert abs(above - Mm(35)) < Mm(1)


def test_upward_report_has_doc_no_left_and_signer_right_in_kaiti(tmp_path):
    document = written(UPWARD, tmp_path)
    line = paragraph(document, "\t法治报〔2023〕1号\t签发人：王某某")
    *_, name = line.runs
    assert name.text == "王某某"
    assert east_asian_font(name) == "楷体_GB2312"
    assert all(east_asian_font(run) == "仿宋_GB2312" for run in line.runs[:-1])
    stops = [(round(t.position.pt), t.alignment) for t in line.paragraph_format.tab_stops]
    assert stops == [(16, WD_TAB_ALIGNMENT.LEFT), (round(Mm(156).pt - 16), WD_TAB_ALIGNMENT.RIGHT)]
    assert not line.paragraph_format.left_indent and not line.paragraph_format.right_indent  # rule spans
    assert bottom_border(line).get(qn("w:color")).upper() == "FF0000"
    assert NOTICE.doc_no not in [p.text for p in document.paragraphs]


def test_signer_without_a_number_yet_still_sits_right(tmp_path):
    document = written(dataclasses.replace(UPWARD, doc_no=""), tmp_path)
    assert paragraph(document, "\t\t签发人：王某某")


def test_mark_top_left_in_heiti(tmp_path):
    document = written(NOTICE, tmp_path)
    mark = document.paragraphs[0]
    assert mark.text == "第3次督办（红色）"
    assert mark.alignment in (None, WD_ALIGN_PARAGRAPH.LEFT)
    assert_fonts(mark, "黑体")


def test_recipient_flush_left_with_fullwidth_colon(tmp_path):
    recipient = paragraph(written(NOTICE, tmp_path), "市民政局：")
    assert recipient.text.endswith("：")
    assert not recipient.paragraph_format.first_line_indent
    assert not recipient.paragraph_format.left_indent


def test_body_blocks_fonts_indent_and_line_spacing(tmp_path):
    document = written(NOTICE, tmp_path)
    expected_fonts = {"para": "仿宋_GB2312", "h1": "黑体", "h2": "楷体_GB2312"}
    for block in NOTICE.blocks:
        p = paragraph(document, block.text)
        assert_fonts(p, expected_fonts[block.kind])
        assert all(run.font.size == Pt(16) for run in p.runs)
        if block.kind == "para":
            assert p.paragraph_format.first_line_indent == Pt(32)
    body = paragraph(document, NOTICE.blocks[0].text)
    fmt = document.styles["Normal"].paragraph_format
    assert body.paragraph_format.line_spacing is None  # inherits the Normal style
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert abs(fmt.line_spacing.pt - 28.95) < 0.05


def test_headings_keep_with_their_text_and_a_line_break_is_a_paragraph(tmp_path):
    """A heading never ends a page with its text on the next (found alone at a page's foot in a
    rendered notice); a reason recorded with a line break or a tab is two paragraphs, not a
    justified line stretched across the page before a break."""
    doc = dataclasses.replace(NOTICE, blocks=(*NOTICE.blocks, Block("para", "1. 第一行\t制表符后\n第二行")))
    document = written(doc, tmp_path)
    for block in NOTICE.blocks:
        assert paragraph(document, block.text).paragraph_format.keep_with_next is (True if block.kind != "para" else None)
    first, second = paragraph(document, "1. 第一行 制表符后"), paragraph(document, "第二行")
    assert first.paragraph_format.first_line_indent == second.paragraph_format.first_line_indent == Pt(32)
    xml = first._p.xml + second._p.xml
    assert "<w:br" not in xml and "<w:tab/>" not in xml


def test_normal_style_is_fangsong_16pt_with_east_asian_font(tmp_path):
    styles = written(NOTICE, tmp_path).styles
    normal = styles["Normal"]
    assert normal.font.name == "仿宋_GB2312"
    assert normal.font.size == Pt(16)
    r_fonts = normal.element.find(qn("w:rPr") + "/" + qn("w:rFonts"))
    assert r_fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    for attr in THEME_ATTRS:
        assert r_fonts.get(qn(attr)) is None
    # Theme fonts in the document defaults would win over the named font wherever a run or
    # style leaves a slot unset.
    defaults = styles.element.find(qn("w:docDefaults"))
    for r_fonts in defaults.iter(qn("w:rFonts")):
        assert r_fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
        for attr in THEME_ATTRS:
            assert r_fonts.get(qn(attr)) is None


def test_attachments_signature_date_note(tmp_path):
    document = written(NOTICE, tmp_path)
    texts = [p.text for p in document.paragraphs]
    first = paragraph(document, "附件：1. 法治环境工作任务清单（市民政局部分）")
    assert first.paragraph_format.left_indent + first.paragraph_format.first_line_indent == Pt(32)
    assert "2. 整改情况报告模板" in texts
    signature = paragraph(document, NOTICE.signature)
    date = paragraph(document, "2023年5月10日")
    for p in (signature, date):
        assert p.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # 成文日期 4 characters in from the right, for the seal; the 署名 centred over it.
    assert date.paragraph_format.right_indent == Pt(64)
    signature_width, date_width = len(NOTICE.signature), 3.5 + 3  # 2023, 5, 10 are half width
    centre = signature.paragraph_format.right_indent + Pt(16) * signature_width / 2
    assert abs(centre - (Pt(64) + Pt(16) * date_width / 2)) < Pt(1)
    note = paragraph(document, "（联系人：张某某  电话：0000-1234567）")
    assert note.paragraph_format.first_line_indent == Pt(32)
    assert texts.index(NOTICE.signature) + 1 == texts.index("2023年5月10日")
    assert texts.index("2023年5月10日") + 1 == texts.index(NOTICE.note)
    # Two blank lines between the text above and the 署名 leave the seal its room.
    assert texts[texts.index(NOTICE.signature) - 2:texts.index(NOTICE.signature)] == ["", ""]


def test_long_signature_stays_right_of_the_margin(tmp_path):
    doc = dataclasses.replace(NOTICE, signature="市创建全国文明城市指挥部法治环境工作推进组")
    signature = paragraph(written(doc, tmp_path), doc.signature)
    assert signature.paragraph_format.right_indent == 0


def colophon(document):
    (table,) = document.tables
    return table


def test_colophon_floats_at_the_foot_of_the_last_page(tmp_path):
    document = written(NOTICE, tmp_path)
    table = colophon(document)
    body = document.element.body
    assert body.index(table._tbl) == len(body) - 3  # then the anchor paragraph and sectPr
    pos = table._tbl.tblPr.find(qn("w:tblpPr"))
    assert pos.get(qn("w:vertAnchor")) == "margin" and pos.get(qn("w:tblpYSpec")) == "bottom"
    assert abs(int(pos.get(qn("w:tblpX"))) - Mm(28).twips) <= 20 and pos.get(qn("w:horzAnchor")) == "page"
    width = table._tbl.tblPr.find(qn("w:tblW"))
    assert abs(int(width.get(qn("w:w"))) - Mm(156).twips) <= 20
    assert [row.cells[0].text for row in table.rows] == [
        "抄送：市创城办，市委宣传部。", "推进组办公室\t2023年5月10日印发"]


def test_colophon_rules_thick_thin_thick_and_4hao_one_char_in(tmp_path):
    table = colophon(written(NOTICE, tmp_path))
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    size = {side: borders.find(qn(f"w:{side}")) for side in ("top", "bottom", "insideH", "left", "right", "insideV")}
    assert int(size["top"].get(qn("w:sz"))) == int(size["bottom"].get(qn("w:sz"))) == 8  # 1 pt ≈ 0.35 mm
    assert int(size["insideH"].get(qn("w:sz"))) == 6  # 0.75 pt ≈ 0.25 mm
    for side in ("left", "right", "insideV"):
        assert size[side].get(qn("w:val")) in ("nil", "none")
    copy_to, imprint = (row.cells[0].paragraphs[0] for row in table.rows)
    for p in (copy_to, imprint):
        assert_fonts(p, "仿宋_GB2312")
        assert all(run.font.size == Pt(14) for run in p.runs)
        assert p.paragraph_format.right_indent == Pt(14)
    # 抄送: wrapped lines align with the first name after the colon.
    assert copy_to.paragraph_format.left_indent == Pt(56)
    assert copy_to.paragraph_format.first_line_indent == Pt(-42)
    assert imprint.paragraph_format.left_indent == Pt(14)
    (stop,) = imprint.paragraph_format.tab_stops
    assert stop.alignment == WD_TAB_ALIGNMENT.RIGHT and abs(stop.position - (Mm(156) - Pt(14))) < Pt(0.1)


def test_colophon_without_copy_to_prints_only_the_imprint(tmp_path):
    table = colophon(written(REPORT, tmp_path))
    assert [row.cells[0].text for row in table.rows] == [f"{REPORT.signature}\t2023年5月20日印发"]
    doc = dataclasses.replace(REPORT, print_date=dt.date(2023, 5, 22), printer="推进组办公室")
    assert colophon(written(doc, tmp_path, "b.docx")).rows[0].cells[0].text == "推进组办公室\t2023年5月22日印发"


def test_copy_to_as_one_string_still_works():
    doc = dataclasses.replace(REPORT, copy_to="市创城办。")
    assert doc.copy_to == ("市创城办",)


def test_fonts_come_from_the_data(tmp_path):
    fonts = DocumentFonts(body="仿宋", title="宋体", heading="微软雅黑", kai="楷体")
    doc = dataclasses.replace(UPWARD, fonts=fonts, blocks=NOTICE.blocks)
    document = written(doc, tmp_path)
    assert document.styles["Normal"].font.name == "仿宋"
    assert_fonts(issuer_of(document), "宋体")
    assert_fonts(paragraph(document, "关于市人力资源和社会保障局\n创城工作督办情况的报告"), "宋体")
    assert_fonts(paragraph(document, "一、存在的问题"), "微软雅黑")
    assert_fonts(paragraph(document, "（一）任务进度滞后"), "楷体")
    assert_fonts(paragraph(document, NOTICE.blocks[0].text), "仿宋")
    assert east_asian_font(paragraph(document, "\t法治报〔2023〕1号\t签发人：王某某").runs[-1]) == "楷体"
    for row in colophon(document).rows:
        assert_fonts(row.cells[0].paragraphs[0], "仿宋")
    xml = document.element.xml + document.styles.element.xml
    assert "仿宋_GB2312" not in xml and "方正小标宋简体" not in xml and "楷体_GB2312" not in xml


def test_body_is_justified(tmp_path):
    document = written(NOTICE, tmp_path)
    assert document.styles["Normal"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    for block in NOTICE.blocks:
        assert paragraph(document, block.text).alignment is None  # inherits 两端对齐
    p_pr = document.styles["Normal"].element.pPr
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        assert p_pr.find(qn(tag)).get(qn("w:val")) == "0"


def test_footer_has_page_field(tmp_path):
    section = written(NOTICE, tmp_path).sections[0]
    for footer in (section.footer, section.even_page_footer):
        xml = footer._element.xml
        simple = footer._element.findall(".//" + qn("w:fldSimple"))
        instr = [f.get(qn("w:instr")) for f in simple] + [
            t.text for t in footer._element.iter(qn("w:instrText"))
        ]
        assert any(i and i.strip().split()[0] == "PAGE" for i in instr), xml
        assert "— " in footer.paragraphs[0].text and " —" in footer.paragraphs[0].text
        for run in footer.paragraphs[0].runs:
            assert east_asian_font(run) == "宋体"
            assert run.font.size == Pt(14)


def test_core_properties(tmp_path):
    props = written(NOTICE, tmp_path).core_properties
    assert props.title == NOTICE.title
    assert props.author == props.last_modified_by == NOTICE.issuer
    issued = dt.datetime(2023, 5, 10, 1, 30, tzinfo=dt.timezone.utc)  # 09:30 in UTC+8
    assert props.created == props.modified == issued
    assert props.revision == 1
    assert not props.comments
    other = written(dataclasses.replace(REPORT, author="推进组办公室"), tmp_path, "r.docx").core_properties
    assert other.author == "推进组办公室"
    assert other.created == dt.datetime(2023, 5, 20, tzinfo=dt.timezone.utc)  # no time given: the 成文日期


def test_no_template_leftovers_in_the_package():
    with zipfile.ZipFile(io.BytesIO(docx_bytes(NOTICE))) as archive:
        names = archive.namelist()
        assert not [n for n in names if "thumbnail" in n]
        for name in names:
            data = archive.read(name)
            assert b"python-docx" not in data.lower(), name
            assert not re.search(rb"2013-\d\d-\d\d", data), name
            assert b"thumbnail" not in data, name
        assert b"Microsoft" not in archive.read("docProps/app.xml")


def test_render_text_shows_signer_and_colophon():
    text = render_text(UPWARD)
    assert "法治报〔2023〕1号　　　　签发人：王某某" in text
    lines = text.splitlines()
    assert lines[-5:] == ["━" * 20, "抄送：市创建全国文明城市指挥部办公室。", "─" * 20,
                          "法治环境工作推进组办公室　　2023年5月20日印发", "━" * 20]
    assert "签发人" not in render_text(NOTICE)


def test_report_without_doc_no_still_has_red_rule(tmp_path):
    document = written(REPORT, tmp_path)
    texts = [p.text for p in document.paragraphs]
    assert not any("〔" in t for t in texts)
    assert texts[0] == REPORT.issuer  # no mark
    rules = [p for p in document.paragraphs if bottom_border(p) is not None]
    assert len(rules) == 1
    assert bottom_border(rules[0]).get(qn("w:color")).upper() in {"FF0000", "C00000"}
    assert "市领导：" in texts
    assert "2023年5月20日" in texts
    assert not any(t.startswith("附件") or t.startswith("抄送") for t in texts)


def test_unknown_block_kind_is_rejected():
    bad = OfficialDoc(**{**NOTICE.__dict__, "blocks": (Block("h9", "x"),)})
    with pytest.raises(ValueError, match="h9"):
        docx_bytes(bad)


def test_docx_bytes_is_a_docx():
    data = docx_bytes(NOTICE)
    assert data[:2] == b"PK"
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "word/document.xml" in archive.namelist()


# --------------------------------------------------------------------------- safe writing


def test_creates_parent_directories(tmp_path):
    path = tmp_path / "督办" / "2023" / "notice.docx"
    write_docx(NOTICE, path)
    assert path.is_file()
    assert sorted(p.name for p in path.parent.iterdir()) == ["notice.docx"]


def test_never_overwrites(tmp_path):
    path = tmp_path / "notice.docx"
    write_docx(NOTICE, path)
    before = path.read_bytes()
    with pytest.raises(FileExistsError):
        write_docx(REPORT, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["notice.docx"]


def test_failure_while_saving_leaves_nothing(tmp_path, monkeypatch):
    def broken_save(document, handle):
        handle.write(b"partial")
        raise OSError("disk full")

    monkeypatch.setattr(docs_docx, "_save", broken_save)
    out = tmp_path / "out"
    with pytest.raises(OSError, match="disk full"):
        write_docx(NOTICE, out / "notice.docx")
    assert list(out.iterdir()) == []


def test_a_full_disk_while_saving_leaves_no_zip_to_complain_later(tmp_path, monkeypatch):
    """A full disk failed python-docx's ZipFile halfway; left open, its __del__ printed “Exception
    ignored … ValueError: seek of closed file” after the error (found by a hostile-input try).
    The write that fails is a plain one, and nothing is left to complain when collected."""
    import errno
    import gc
    import sys

    class Full(io.RawIOBase):
        def writable(self):
            return True

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    complaints = []
    monkeypatch.setattr(sys, "unraisablehook", complaints.append)
    out = tmp_path / "out"
    def full_fdopen(fd, *args, **kwargs):
        docs_docx.os.close(fd)
        return Full()

    monkeypatch.setattr(docs_docx.os, "fdopen", full_fdopen)
    with pytest.raises(OSError) as failed:
        write_docx(NOTICE, out / "notice.docx")
    assert failed.value.errno == errno.ENOSPC
    gc.collect()
    assert complaints == []
    assert list(out.iterdir()) == []


def test_file_appearing_meanwhile_is_not_overwritten(tmp_path, monkeypatch):
    """Another process creates the file between our check and the link: we lose, cleanly."""
    path = tmp_path / "notice.docx"
    real_save = docs_docx._save

    def racing_save(document, handle):
        path.write_bytes(b"theirs")
        real_save(document, handle)

    monkeypatch.setattr(docs_docx, "_save", racing_save)
    with pytest.raises(FileExistsError):
        write_docx(NOTICE, path)
    assert path.read_bytes() == b"theirs"
    assert [p.name for p in tmp_path.iterdir()] == ["notice.docx"]


def test_a_contact_without_a_phone_is_named_without_an_empty_phone(tmp_path):
    """campaign.contact without phone (it may be left out) printed 附注 （联系人：…；联系电话：） in
    every notice and report (a try of a new group): the phone is said only when there is one."""
    from helpers import DATA, cc_ok, copy_data

    data = copy_data(tmp_path)
    text = (data / "tasklist.yaml").read_text(encoding="utf-8")
    assert "    phone: 0000-60000100\n" in text
    (data / "tasklist.yaml").write_text(text.replace("    phone: 0000-60000100\n", ""), encoding="utf-8")
    out = cc_ok(tmp_path, "notice", "人社局", "--dry-run", "--as-of", "2023-12-31").stdout
    assert "（联系人：周某某）" in out and "联系电话" not in out
    with_phone = cc_ok(tmp_path, "notice", "人社局", "--dry-run", "--data", str(DATA), "--as-of", "2023-12-31").stdout
    assert "（联系人：周某某；联系电话：0000-60000100）" in with_phone
