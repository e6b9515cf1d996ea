"""Tests for docs_docx: GB/T 9704 layout read back with python-docx, and the safe write."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from chuangcheng_cli import docs_docx
from chuangcheng_cli.docs_docx import docx_bytes, write_docx
from chuangcheng_cli.officialdoc import Block, OfficialDoc

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
    copy_to="市创城办",
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


def test_title_centred_2hao_xiaobiaosong(tmp_path):
    title = paragraph(written(NOTICE, tmp_path), NOTICE.title)
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert_fonts(title, "方正小标宋简体")
    assert all(run.font.size == Pt(22) for run in title.runs)


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


def test_attachments_signature_date_note_copy_to(tmp_path):
    document = written(NOTICE, tmp_path)
    texts = [p.text for p in document.paragraphs]
    first = paragraph(document, "附件：1. 法治环境工作任务清单（市民政局部分）")
    assert first.paragraph_format.left_indent + first.paragraph_format.first_line_indent == Pt(32)
    assert "2. 整改情况报告模板" in texts
    signature = paragraph(document, NOTICE.signature)
    date = paragraph(document, "2023年5月10日")
    for p in (signature, date):
        assert p.alignment == WD_ALIGN_PARAGRAPH.RIGHT
        assert p.paragraph_format.right_indent == Pt(64)
    note = paragraph(document, "（联系人：张某某  电话：0000-1234567）")
    assert note.paragraph_format.first_line_indent == Pt(32)
    assert texts.index(NOTICE.signature) + 1 == texts.index("2023年5月10日")
    assert texts.index("2023年5月10日") < texts.index(NOTICE.note) < texts.index("抄送：市创城办。")
    assert texts[-1] == "抄送：市创城办。"


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
    assert props.author == NOTICE.signature


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


# --------------------------------------------------------------------------- LibreOffice


def test_converts_to_pdf_with_libreoffice(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice 未安装")
    source = tmp_path / "notice.docx"
    write_docx(NOTICE, source)
    outdir = tmp_path / "pdf"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
         "--convert-to", "pdf", "--outdir", str(outdir), str(source)],
        capture_output=True, text=True, timeout=180, check=False,
    )
    pdf = outdir / "notice.pdf"
    assert result.returncode == 0, result.stderr
    assert pdf.is_file(), result.stdout + result.stderr
    assert pdf.read_bytes()[:5] == b"%PDF-"
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True,
                              text=True, timeout=60, check=True).stdout
        squeezed = "".join(text.split())
        assert "法治督〔2023〕5号" in squeezed
        assert "2023年5月10日" in squeezed
        assert "—1—" in squeezed
