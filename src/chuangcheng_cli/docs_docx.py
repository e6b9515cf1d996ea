"""Rendering an OfficialDoc as a GB/T 9704-2012 .docx and writing it safely: the only module that imports python-docx."""

from __future__ import annotations

import contextlib
import glob
import errno
import io
import os
import pathlib
import secrets

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from .officialdoc import Block, OfficialDoc, cn_date

__all__ = ["write_docx", "docx_bytes", "FONT_BODY", "FONT_H1", "FONT_H2", "FONT_TITLE", "FONT_PAGE"]

# Font names as Chinese government offices have them installed; Word and LibreOffice
# substitute a similar font (FangSong, SimHei, KaiTi, Noto CJK) when one is missing.
FONT_BODY = "仿宋_GB2312"
FONT_H1 = "黑体"
FONT_H2 = "楷体_GB2312"
FONT_TITLE = "方正小标宋简体"
FONT_PAGE = "宋体"

SIZE_BODY = Pt(16)  # 3号
SIZE_TITLE = Pt(22)  # 2号
ISSUER_SIZES = (Pt(26), Pt(24), Pt(22), Pt(18), Pt(16))  # 一号 … 三号, largest that fits one line
SIZE_PAGE = Pt(14)  # 4号
SIZE_COPY_TO = Pt(14)  # 版记 in 4号
CHAR = SIZE_BODY  # one full-width character of body text
TEXT_WIDTH = Mm(156)
# 28 characters per line: 156 mm / 28 = 15.79 pt per character, so 16 pt type is set 0.25 pt
# tighter (w:spacing is in twentieths of a point).
CHAR_SPACING_TWIPS = -5
LINE = Pt(28.95)  # 225 mm text block / 22 lines
RED = RGBColor(0xFF, 0x00, 0x00)
RED_HEX = "FF0000"

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
    path.parent.mkdir(parents=True, exist_ok=True)
    # A temp file of the same target left by a killed run is garbage: callers hold the journal lock.
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()
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
        from .problems import with_path

        raise with_path(exc, path) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    _fsync_dir(path.parent)


def _save(document, handle) -> None:
    """Separate so tests can make the save step fail."""
    document.save(handle)


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
    document = Document()
    _setup_styles(document)
    _setup_page(document)
    _setup_footers(document)

    if doc.mark:
        _para(document, doc.mark, font=FONT_H1)
    _para(document, doc.issuer, font=FONT_TITLE, size=_issuer_size(doc.issuer), bold=True, color=RED,
          align=WD_ALIGN_PARAGRAPH.CENTER, line=Pt(40))
    _blank(document)
    rule = _para(document, doc.doc_no, align=WD_ALIGN_PARAGRAPH.CENTER)
    _border(rule, "bottom", color=RED_HEX, size=12, space=8)
    _blank(document)
    _para(document, doc.title, font=FONT_TITLE, size=SIZE_TITLE, align=WD_ALIGN_PARAGRAPH.CENTER,
          line=Pt(35))
    _blank(document)
    _para(document, f"{doc.recipient}：")
    for block in doc.blocks:
        _block(document, block)
    if doc.attachments:
        _blank(document)
        _attachments(document, doc.attachments)
    _blank(document)
    signature = _para(document, doc.signature, align=WD_ALIGN_PARAGRAPH.RIGHT)
    signature.paragraph_format.right_indent = 4 * CHAR
    date = _para(document, cn_date(doc.date), align=WD_ALIGN_PARAGRAPH.RIGHT)
    date.paragraph_format.right_indent = 4 * CHAR
    if doc.note:
        _indent_chars(_para(document, doc.note), 2)
    if doc.copy_to:
        _blank(document)
        text = doc.copy_to if doc.copy_to.endswith("。") else f"{doc.copy_to}。"
        copy_to = _para(document, f"抄送：{text}", size=SIZE_COPY_TO)
        copy_to.paragraph_format.left_indent = SIZE_COPY_TO
        copy_to.paragraph_format.right_indent = SIZE_COPY_TO
        _border(copy_to, "top", color="000000", size=4, space=1)
        _border(copy_to, "bottom", color="000000", size=4, space=1)

    props = document.core_properties
    props.title = doc.title
    props.author = doc.signature
    props.last_modified_by = doc.signature
    return document


def _issuer_size(issuer: str) -> Pt:
    """The largest issuer size that keeps a long 发文机关标志 on one line (bold needs some slack)."""
    units = sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in issuer)
    width = TEXT_WIDTH.pt * 0.97
    for size in ISSUER_SIZES:
        if units * size.pt <= width:
            return size
    return ISSUER_SIZES[-1]


def _block(document, block: Block) -> None:
    font = {"para": FONT_BODY, "h1": FONT_H1, "h2": FONT_H2}.get(block.kind)
    if font is None:
        raise ValueError(f"未知的段落类型: {block.kind!r}")
    # Headings are body paragraphs too: in 公文 every 自然段, heading or not, starts 2 chars in.
    _indent_chars(_para(document, block.text, font=font), 2)


def _attachments(document, names: tuple[str, ...]) -> None:
    if len(names) == 1:
        paragraph = _para(document, f"附件：{names[0]}")
        _hanging(paragraph, left_chars=5, first_chars=-3)  # wrapped lines align with the name
        return
    for number, name in enumerate(names, 1):
        if number == 1:
            paragraph = _para(document, f"附件：{number}. {name}")
            _hanging(paragraph, left_chars=5, first_chars=-3)
        else:
            paragraph = _para(document, f"{number}. {name}")
            _hanging(paragraph, left_chars=5, first_chars=0)


# --------------------------------------------------------------------------- page setup


def _setup_page(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Mm(210)
    section.page_height = Mm(297)
    section.top_margin = Mm(37)
    section.bottom_margin = Mm(35)
    section.left_margin = Mm(28)
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


def _setup_styles(document) -> None:
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        for r_fonts in defaults.iter(qn("w:rFonts")):
            _strip_theme(r_fonts)
            for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                r_fonts.set(qn(attr), FONT_BODY)
        for spacing in defaults.iter(qn("w:spacing")):
            for attr in list(spacing.attrib):
                del spacing.attrib[attr]
            spacing.set(qn("w:after"), "0")
            spacing.set(qn("w:line"), "240")
            spacing.set(qn("w:lineRule"), "auto")

    normal = document.styles["Normal"]
    _set_font(normal, FONT_BODY, SIZE_BODY)
    lang = normal.element.get_or_add_rPr().find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        normal.element.get_or_add_rPr().append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")  # Chinese line-breaking rules (no 。 at line start)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(CHAR_SPACING_TWIPS))
    normal.element.get_or_add_rPr().insert_element_before(
        spacing, "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u",
        "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em",
        "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath")
    fmt = normal.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.widow_control = False


# --------------------------------------------------------------------------- paragraphs and runs


def _para(document, text: str, *, font: str = FONT_BODY, size: Pt = SIZE_BODY, bold: bool = False,
          color: RGBColor | None = None, align=WD_ALIGN_PARAGRAPH.LEFT, line: Pt | None = None):
    paragraph = document.add_paragraph()
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
