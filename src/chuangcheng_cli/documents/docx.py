"""Rendering an OfficialDoc as a GB/T 9704-2012 .docx and writing it safely: the only module that imports python-docx."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import io
import math
import os
import pathlib
import secrets

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu, Length, Mm, Pt, RGBColor

from .officialdoc import Block, OfficialDoc, copy_to_text, full_date, imprint_text
from .titlebreak import width

__all__ = ["write_docx", "docx_bytes", "FONT_BODY", "FONT_H1", "FONT_H2", "FONT_TITLE", "FONT_PAGE"]

# Default font names as Chinese government offices have them installed (the data can choose
# others: plan.documents.fonts); Word and LibreOffice substitute a similar font when one is missing.
FONT_BODY = "仿宋_GB2312"
FONT_H1 = "黑体"
FONT_H2 = "楷体_GB2312"
FONT_TITLE = "方正小标宋简体"
FONT_PAGE = "宋体"  # 页码: 4号半角宋体阿拉伯数字 (GB/T 9704-2012 7.5)

SIZE_BODY = Pt(16)  # 3号
SIZE_TITLE = Pt(22)  # 2号
# 发文机关标志: 初号, 小初 or 一号 — always larger than the 2号 title — narrowed (character scale)
# rather than shrunk when the name is long, down to ISSUER_MIN_SCALE before a smaller size is tried.
ISSUER_SIZES = (Pt(42), Pt(36), Pt(26))
ISSUER_MIN_SCALE = 70
ISSUER_LINE_FACTOR = 1.25  # exact line height of the issuer's line, in multiples of its size
ISSUER_TOP = Mm(35)  # from the text block's top edge to the issuer's (7.2.4)
SIZE_PAGE = Pt(14)  # 4号
SIZE_COLOPHON = Pt(14)  # 版记 in 4号
CHAR = SIZE_BODY  # one full-width character of body text
TEXT_WIDTH = Mm(156)
LEFT_MARGIN = Mm(28)
TITLE_MAX_CHARS = 20  # 2号 characters on a 156 mm line
# 28 characters per line: 156 mm / 28 = 15.79 pt per character, so 16 pt type is set 0.25 pt
# tighter (w:spacing is in twentieths of a point).
CHAR_SPACING_TWIPS = -5
LINE = Pt(28.95)  # 225 mm text block / 22 lines
RED = RGBColor(0xFF, 0x00, 0x00)
RED_HEX = "FF0000"
RULE_RED_EIGHTHS = 12  # the 版头's red rule, 1.5 pt
RULE_RED_SPACE_PT = 7  # points between the 文号's line and the rule: 4 mm below the glyphs
RULE_THICK_EIGHTHS = 8  # 版记: first and last rules 0.35 mm (1 pt)
RULE_THIN_EIGHTHS = 6  # 版记: rules between 0.25 mm (0.75 pt)

APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>chuangcheng-cli</Application><DocSecurity>0</DocSecurity></Properties>"
)

_THEME_ATTRS = ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme", "w:cstheme")


def docx_bytes(doc: OfficialDoc) -> bytes:
    """The document rendered as .docx, in memory (for tests and dry runs)."""
    buffer = io.BytesIO()
    _build(doc).save(buffer)
    return buffer.getvalue()


def write_docx(doc: OfficialDoc, path: pathlib.Path) -> None:
    """Render `doc` and write it to `path`, never overwriting and never leaving a partial file.

    The file is built under a temporary name in the same directory, fsynced, then hard-linked
    to `path` (which fails if `path` exists, even if another process created it meanwhile).
    Raises FileExistsError if `path` already exists.
    """
    path = pathlib.Path(path)
    if path.exists():
        raise FileExistsError(errno.EEXIST, "文件已存在", str(path))
    document = _build(doc)  # render before touching the disk: a rendering bug leaves nothing
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # a file where a folder should be: not "the document exists"
        raise NotADirectoryError(errno.ENOTDIR, "路径中有同名的文件，不是文件夹", str(path.parent)) from None
    # A temp file of the same target left by a killed run is garbage: callers hold the journal lock.
    from ..store.safepath import remove_stale_temps

    remove_stale_temps(path)
    tmp, fd = _create_temp(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            _save(document, handle)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise
        except OSError:
            # no hard links here (a FAT/exFAT USB stick, some network shares): a rename, which
            # callers make safe by holding the journal lock and checking that path is free
            if path.exists():
                raise FileExistsError(errno.EEXIST, "文件已存在", str(path)) from None
            os.replace(tmp, path)
    except OSError as exc:  # disk full while saving, …: say which document
        from ..diagnostics import with_path

        raise with_path(exc, path) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    _fsync_dir(path.parent)


def _save(document, handle) -> None:
    """Separate so tests can make the save step fail. The package is zipped in memory, then
    written: a full disk fails the plain write, never python-docx's ZipFile halfway, which would
    be left open to complain from its __del__ (a traceback on stderr) after the error is shown."""
    import io

    buffer = io.BytesIO()
    document.save(buffer)
    handle.write(buffer.getvalue())


def _create_temp(path: pathlib.Path) -> tuple[pathlib.Path, int]:
    # os.open with mode 0o666 (not mkstemp's 0o600) so the final file gets the user's umask.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            return tmp, os.open(tmp, flags, 0o666)
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "无法创建临时文件", str(path.parent))


def _fsync_dir(directory: pathlib.Path) -> None:
    # Makes the new directory entry durable on POSIX; directories cannot be opened on Windows.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --------------------------------------------------------------------------- building


def _build(doc: OfficialDoc):
    fonts = doc.fonts
    document = Document()
    _clean_package(document, doc)
    _setup_styles(document, fonts.body)
    _setup_page(document)
    _setup_footers(document)

    # 版头 (GB/T 9704-2012 7.2): the issuer's top edge 35 mm below the text block's, the 文号
    # (or, on a 上行文, 文号 and 签发人) two lines below it, the red rule 4 mm below that.
    above = 0.0
    if doc.mark:
        _para(document, doc.mark, font=fonts.heading, align=WD_ALIGN_PARAGRAPH.LEFT)
        above = LINE.pt
    _issuer(document, doc.issuer, fonts.title, above)
    _blank(document)
    _blank(document)
    if doc.upward:
        head = _upward_line(document, doc.doc_no, doc.signer, fonts)
    else:
        head = _para(document, doc.doc_no, font=fonts.body, align=WD_ALIGN_PARAGRAPH.CENTER)
    _border(head, "bottom", color=RED_HEX, size=RULE_RED_EIGHTHS, space=RULE_RED_SPACE_PT)

    # 主体 (7.3): the title two lines below the rule, the 主送机关 one line below the title.
    _blank(document)
    _blank(document)
    _title(document, doc, fonts.title)
    _blank(document)
    _para(document, f"{doc.recipient}：", font=fonts.body, align=WD_ALIGN_PARAGRAPH.LEFT)
    for block in doc.blocks:
        _block(document, block, fonts)
    if doc.attachments:
        _blank(document)
        _attachments(document, doc.attachments, fonts.body)
    # A seal's top edge comes within a line of the text above; the 署名 and 成文日期 sit just below
    # its centre: two blank lines, then the 署名 centred over the date, the date 4 chars from the right.
    # The last lines of text, the 署名, the date and the 附注 stay on one page: a seal never
    # stands on a page without text (7.3.5.5).
    document.paragraphs[-1].paragraph_format.keep_with_next = True
    _blank(document).paragraph_format.keep_with_next = True
    _blank(document).paragraph_format.keep_with_next = True
    date_text = full_date(doc.date)
    signature = _para(document, doc.signature, font=fonts.body, align=WD_ALIGN_PARAGRAPH.RIGHT)
    signature.paragraph_format.right_indent = _signature_indent(doc.signature, date_text)
    signature.paragraph_format.keep_with_next = True
    date = _para(document, date_text, font=fonts.body, align=WD_ALIGN_PARAGRAPH.RIGHT)
    date.paragraph_format.right_indent = 4 * CHAR
    if doc.note:
        date.paragraph_format.keep_with_next = True
        _indent_chars(_para(document, doc.note, font=fonts.body), 2)
    _colophon(document, doc, fonts.body)
    return document


def _clean_package(document, doc: OfficialDoc) -> None:
    """Core properties of this document, not of python-docx's template: no thumbnail, no 2013."""
    package = document.part.package
    for r_id, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[r_id]
    for part in package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":
            part._blob = APP_XML  # python-docx keeps parts it does not model as bytes
    author = doc.author or doc.issuer
    created = doc.created or dt.datetime.combine(doc.date, dt.time())
    if created.tzinfo is not None:  # python-docx writes the time as given, with a Z
        created = created.astimezone(dt.timezone.utc).replace(tzinfo=None)
    props = document.core_properties
    props.title = doc.title
    props.author = author
    props.last_modified_by = author
    props.comments = ""  # the template says "generated by python-docx"
    props.keywords = ""
    props.subject = ""
    props.category = ""
    props.revision = 1
    props.created = created
    props.modified = created


def _issuer(document, issuer: str, font: str, above_pt: float) -> None:
    """发文机关标志: red, larger than the title, narrowed if need be to stay on one line."""
    size, scale = _issuer_fit(issuer)
    height = size.pt * ISSUER_LINE_FACTOR
    paragraph = _para(document, issuer, font=font, size=size, color=RED, align=WD_ALIGN_PARAGRAPH.CENTER,
                      line=Pt(height))
    # The glyphs' top is about (line height - size) / 2 below the line's top.
    before = ISSUER_TOP.pt - above_pt - (height - size.pt) / 2
    paragraph.paragraph_format.space_before = Pt(max(0.0, before))
    run = paragraph.runs[0]
    _char_spacing(run, 0)
    if scale < 100:
        _char_scale(run, scale)


def _issuer_fit(issuer: str) -> tuple[Pt, int]:
    """The issuer's size and horizontal scale (percent): the largest size that needs little
    narrowing, else the smallest size that is still larger than the title, narrowed to fit."""
    units = width(issuer)
    room = TEXT_WIDTH.pt * 0.98
    for size in ISSUER_SIZES:
        scale = min(100, math.floor(room / (units * size.pt) * 100)) if units else 100
        if scale >= ISSUER_MIN_SCALE:
            return size, scale
    return ISSUER_SIZES[-1], max(1, scale)


def _upward_line(document, doc_no: str, signer: str, fonts):
    """上行文: 文号 one character in from the left, 签发人：姓名 one character in from the right.

    Tab stops rather than indents, so that the red rule under this line spans the text block."""
    paragraph = _para(document, "", font=fonts.body, align=WD_ALIGN_PARAGRAPH.LEFT)
    tabs = paragraph.paragraph_format.tab_stops
    tabs.add_tab_stop(CHAR, WD_TAB_ALIGNMENT.LEFT)
    tabs.add_tab_stop(Emu(TEXT_WIDTH - CHAR), WD_TAB_ALIGNMENT.RIGHT)
    _set_font(paragraph.add_run(f"\t{doc_no}\t签发人："), fonts.body, SIZE_BODY)
    _set_font(paragraph.add_run(signer), fonts.kai, SIZE_BODY)
    return paragraph


def _title(document, doc: OfficialDoc, font: str) -> None:
    """The title, 2号 centred, its lines broken between words in a 梯形 or 菱形."""
    from .titlebreak import title_lines

    lines = title_lines(doc.title, TITLE_MAX_CHARS, doc.title_names)
    paragraph = _para(document, "", font=font, size=SIZE_TITLE, align=WD_ALIGN_PARAGRAPH.CENTER)
    for i, line in enumerate(lines):
        run = paragraph.add_run(line)
        _set_font(run, font, SIZE_TITLE)
        _char_spacing(run, 0)
        if i < len(lines) - 1:
            run.add_break()


def _signature_indent(signature: str, date_text: str) -> Length:
    """Right indent that centres the 署名 over the 成文日期 (which is 4 characters in)."""
    offset = 4 + (width(date_text) - width(signature)) / 2
    return Emu(round(max(0.0, offset) * CHAR))


def _colophon(document, doc: OfficialDoc, font: str) -> None:
    """版记 (7.4) at the foot of the last page: 抄送机关, then 印发机关 and 印发日期, between rules.

    A table floating at the bottom of the text block: its last rule lies on the block's lower
    edge whatever the length of the text, and it moves to a new page with its anchor when the
    last page is full. Rules: first and last thick (0.35 mm), between thin (0.25 mm).
    """
    rows = (["copy_to"] if doc.copy_to else []) + ["imprint"]
    table = document.add_table(rows=len(rows), cols=1)
    tbl = table._tbl
    tbl_pr = tbl.tblPr
    for child in list(tbl_pr):
        tbl_pr.remove(child)
    width_twips = round(TEXT_WIDTH.pt * 20)
    for xml in (
        f'<w:tblpPr {nsdecls("w")} w:leftFromText="0" w:rightFromText="0" w:topFromText="0" '
        f'w:bottomFromText="0" w:vertAnchor="margin" w:tblpYSpec="bottom" w:horzAnchor="page" '
        f'w:tblpX="{round(LEFT_MARGIN.pt * 20)}"/>',
        f'<w:tblOverlap {nsdecls("w")} w:val="never"/>',
        f'<w:tblW {nsdecls("w")} w:w="{width_twips}" w:type="dxa"/>',
        f'<w:tblInd {nsdecls("w")} w:w="0" w:type="dxa"/>',
        f'<w:tblBorders {nsdecls("w")}>'
        f'<w:top w:val="single" w:sz="{RULE_THICK_EIGHTHS}" w:space="0" w:color="000000"/>'
        f'<w:left w:val="nil"/>'
        f'<w:bottom w:val="single" w:sz="{RULE_THICK_EIGHTHS}" w:space="0" w:color="000000"/>'
        f'<w:right w:val="nil"/>'
        f'<w:insideH w:val="single" w:sz="{RULE_THIN_EIGHTHS}" w:space="0" w:color="000000"/>'
        f'<w:insideV w:val="nil"/></w:tblBorders>',
        f'<w:tblLayout {nsdecls("w")} w:type="fixed"/>',
        f'<w:tblCellMar {nsdecls("w")}><w:top w:w="0" w:type="dxa"/><w:left w:w="0" w:type="dxa"/>'
        f'<w:bottom w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar>',
    ):
        tbl_pr.append(parse_xml(xml))
    for grid_col in tbl.tblGrid.findall(qn("w:gridCol")):
        grid_col.set(qn("w:w"), str(width_twips))
    for row, kind in zip(table.rows, rows):
        cell = row.cells[0]
        cell.width = TEXT_WIDTH
        paragraph = cell.paragraphs[0]
        fmt = paragraph.paragraph_format
        fmt.right_indent = SIZE_COLOPHON
        if kind == "copy_to":
            # "抄送：" then the names; wrapped lines align with the first name.
            fmt.left_indent = 4 * SIZE_COLOPHON
            fmt.first_line_indent = -3 * SIZE_COLOPHON
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            _set_font(paragraph.add_run(copy_to_text(doc)), font, SIZE_COLOPHON)
        else:
            printer, printed = imprint_text(doc)
            fmt.left_indent = SIZE_COLOPHON
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
            fmt.tab_stops.add_tab_stop(Emu(TEXT_WIDTH - SIZE_COLOPHON), WD_TAB_ALIGNMENT.RIGHT)
            _set_font(paragraph.add_run(f"{printer}\t{printed}"), font, SIZE_COLOPHON)
    # The table's anchor: a paragraph is needed after a table anyway; keep it from taking room.
    anchor = _para(document, "", font=font, line=Pt(1))
    anchor.paragraph_format.space_before = anchor.paragraph_format.space_after = Pt(0)


def _block(document, block: Block, fonts) -> None:
    font = {"para": fonts.body, "h1": fonts.heading, "h2": fonts.kai}.get(block.kind)
    if font is None:
        raise ValueError(f"未知的段落类型: {block.kind!r}")
    # Headings are body paragraphs too: in 公文 every 自然段, heading or not, starts 2 chars in.
    # A line break in the text (a reason recorded with one) is a paragraph of its own: a break
    # inside a justified paragraph stretches the line before it across the page; a tab is a space.
    for text in block.text.replace("\t", " ").split("\n"):
        paragraph = _para(document, text, font=font)
        _indent_chars(paragraph, 2)
        if block.kind != "para":  # a heading never ends a page, its text on the next one
            paragraph.paragraph_format.keep_with_next = True


def _attachments(document, names: tuple[str, ...], font: str) -> None:
    if len(names) == 1:
        paragraph = _para(document, f"附件：{names[0]}", font=font)
        _hanging(paragraph, left_chars=5, first_chars=-3)  # wrapped lines align with the name
        return
    for number, name in enumerate(names, 1):
        if number == 1:
            paragraph = _para(document, f"附件：{number}. {name}", font=font)
            _hanging(paragraph, left_chars=5, first_chars=-3)
        else:
            paragraph = _para(document, f"{number}. {name}", font=font)
            _hanging(paragraph, left_chars=5, first_chars=0)

# --------------------------------------------------------------------------- page setup


def _setup_page(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Mm(210)
    section.page_height = Mm(297)
    section.top_margin = Mm(37)
    section.bottom_margin = Mm(35)
    section.left_margin = LEFT_MARGIN
    section.right_margin = Mm(26)
    section.header_distance = Mm(15)
    # The page number's dash sits about 7 mm below the text block.
    section.footer_distance = Mm(25)
    # Line pitch 28.95 pt gives 22 lines. No character grid (w:type="linesAndChars"): LibreOffice
    # lays such a grid out far wider than Word, so the 28-per-line pitch comes from the Normal
    # style's character spacing instead.
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    for attr in list(grid.attrib):
        del grid.attrib[attr]
    grid.set(qn("w:linePitch"), str(round(LINE.pt * 20)))


def _setup_footers(document) -> None:
    """Page numbers "— N —": odd pages right, even pages left, one character in from the edge."""
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                          (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        fmt = paragraph.paragraph_format
        paragraph.alignment = align
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing = 1.0
        fmt.first_line_indent = Pt(0)
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            fmt.right_indent = SIZE_PAGE
        else:
            fmt.left_indent = SIZE_PAGE
        _set_font(paragraph.add_run("— "), FONT_PAGE, SIZE_PAGE)
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), " PAGE ")
        paragraph._p.append(field)
        run = _make_run_in(field, "1")
        _set_font(run, FONT_PAGE, SIZE_PAGE)
        _set_font(paragraph.add_run(" —"), FONT_PAGE, SIZE_PAGE)


def _make_run_in(parent, text: str):
    from docx.text.run import Run

    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    r.append(t)
    parent.append(r)
    return Run(r, None)


def _setup_styles(document, body_font: str) -> None:
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        for r_fonts in defaults.iter(qn("w:rFonts")):
            _strip_theme(r_fonts)
            for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                r_fonts.set(qn(attr), body_font)
        for spacing in defaults.iter(qn("w:spacing")):
            for attr in list(spacing.attrib):
                del spacing.attrib[attr]
            spacing.set(qn("w:after"), "0")
            spacing.set(qn("w:line"), "240")
            spacing.set(qn("w:lineRule"), "auto")

    normal = document.styles["Normal"]
    _set_font(normal, body_font, SIZE_BODY)
    lang = normal.element.get_or_add_rPr().find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        normal.element.get_or_add_rPr().append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")  # Chinese line-breaking rules (no 。 at line start)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(CHAR_SPACING_TWIPS))
    normal.element.get_or_add_rPr().insert_element_before(spacing, *_RPR_AFTER_SPACING)
    fmt = normal.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.widow_control = False
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY  # 两端对齐: every body line ends at the right edge
    # No extra space between Chinese and Western text or digits ("2023年", not "2023 年"): the
    # 28-per-line grid counts a digit as half a character, as printed 公文 do.
    p_pr = normal.element.get_or_add_pPr()
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):
        off = OxmlElement(tag)
        off.set(qn("w:val"), "0")
        p_pr.insert_element_before(off, *_PPR_AFTER_AUTOSPACE)
    # Punctuation stays inside the text block (no 标点溢出边界): 28 characters, not 29, per line.
    hang = OxmlElement("w:overflowPunct")
    hang.set(qn("w:val"), "0")
    p_pr.insert_element_before(hang, "w:topLinePunct", "w:autoSpaceDE", *_PPR_AFTER_AUTOSPACE)


# --------------------------------------------------------------------------- paragraphs and runs


def _para(document, text: str, *, font: str = FONT_BODY, size: Pt = SIZE_BODY, bold: bool = False,
          color: RGBColor | None = None, align=None, line: Pt | None = None):
    """A paragraph; align None inherits the Normal style's 两端对齐."""
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if line is not None:
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        paragraph.paragraph_format.line_spacing = line
    if text:
        run = paragraph.add_run(text)
        _set_font(run, font, size)
        run.font.bold = bold
        if color is not None:
            run.font.color.rgb = color
    return paragraph


def _blank(document):
    return _para(document, "")


def _char_spacing(run, twips: int) -> None:
    """Character spacing of a run (w:spacing, twentieths of a point), overriding Normal's."""
    r_pr = run._r.get_or_add_rPr()
    spacing = r_pr.find(qn("w:spacing"))
    if spacing is None:
        spacing = OxmlElement("w:spacing")
        r_pr.insert_element_before(spacing, *_RPR_AFTER_SPACING)
    spacing.set(qn("w:val"), str(twips))


def _char_scale(run, percent: int) -> None:
    """Horizontal scale of a run's characters (w:w), as Word's 字符缩放."""
    r_pr = run._r.get_or_add_rPr()
    scale = OxmlElement("w:w")
    scale.set(qn("w:val"), str(percent))
    r_pr.insert_element_before(scale, *_RPR_AFTER_SPACING[1:])


# CT_PPr's children that come after w:autoSpaceDN, in schema order.
_PPR_AFTER_AUTOSPACE = (
    "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")

# CT_RPr's children that come after w:spacing (then after w:w), in schema order.
_RPR_AFTER_SPACING = (
    "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr",
    "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
    "w:specVanish", "w:oMath")


def _indent_chars(paragraph, chars: int) -> None:
    # firstLineChars wins in Word and follows the font size; firstLine is the fallback.
    paragraph.paragraph_format.first_line_indent = chars * CHAR
    ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(chars * 100))


def _hanging(paragraph, *, left_chars: int, first_chars: int) -> None:
    fmt = paragraph.paragraph_format
    fmt.left_indent = left_chars * CHAR
    fmt.first_line_indent = first_chars * CHAR
    ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:leftChars"), str(left_chars * 100))
    if first_chars < 0:
        ind.set(qn("w:hangingChars"), str(-first_chars * 100))
    else:
        ind.set(qn("w:firstLineChars"), str(first_chars * 100))


def _set_font(target, name: str, size: Pt) -> None:
    """Set a run's or style's font for Western *and* East Asian text, without theme fonts."""
    target.font.name = name
    target.font.size = size
    r_pr = target.element.get_or_add_rPr()
    r_fonts = r_pr.get_or_add_rFonts()
    _strip_theme(r_fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        r_fonts.set(qn(attr), name)


def _strip_theme(r_fonts) -> None:
    for attr in _THEME_ATTRS:
        r_fonts.attrib.pop(qn(attr), None)


def _border(paragraph, side: str, *, color: str, size: int, space: int) -> None:
    """A paragraph border: `size` in eighths of a point, `space` in points from the text."""
    p_pr = paragraph._p.get_or_add_pPr()
    borders = p_pr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        # pBdr must come before shd/tabs/spacing/ind/jc in CT_PPr's sequence.
        successors = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                      "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN",
                      "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind",
                      "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
                      "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
                      "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
                      "w:pPrChange")
        p_pr.insert_element_before(borders, *successors)
    edge = OxmlElement(f"w:{side}")
    edge.set(qn("w:val"), "single")
    edge.set(qn("w:sz"), str(size))
    edge.set(qn("w:space"), str(space))
    edge.set(qn("w:color"), color)
    order = ("top", "left", "bottom", "right", "between", "bar")
    following = [b for b in borders if b.tag.split("}")[1] in order[order.index(side) + 1:]]
    if following:
        following[0].addprevious(edge)
    else:
        borders.append(edge)
