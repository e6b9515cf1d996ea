"""OfficialDoc: a 公文 (督办通知 or 报告) as plain values, and its plain-text rendering."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..domain.models import DocumentFonts
from ..domain.views import cn_date

__all__ = ["Block", "OfficialDoc", "DocumentFonts", "render_text", "full_date", "cn_date"]


@dataclass(frozen=True)
class Block:
    """One body paragraph. kind: "para" (indented 2 chars), "h1" (一、 黑体), "h2" (（一） 楷体)."""

    kind: str
    text: str


@dataclass(frozen=True)
class OfficialDoc:
    issuer: str  # 发文机关标志, printed red and centred
    doc_no: str  # 发文字号, e.g. 法治督〔2023〕5号
    title: str  # 标题, 2号 小标宋, centred
    recipient: str  # 主送机关 (without the trailing colon)
    blocks: tuple[Block, ...]
    signature: str  # 发文机关署名
    date: dt.date  # 成文日期
    note: str = ""  # 附注, e.g. （联系人：张某某  电话：0000-1234567）
    attachments: tuple[str, ...] = ()  # 附件说明
    mark: str = ""  # top-left mark such as "第3次督办（红色）"
    copy_to: tuple[str, ...] = ()  # 抄送机关 in the 版记 (a single string is one 机关)
    extra: dict = field(default_factory=dict)
    printer: str = ""  # 印发机关 in the 版记; "" = the signature
    print_date: dt.date | None = None  # 印发日期; None = the 成文日期
    signer: str = ""  # 签发人: set only on a 上行文, which puts the 文号 left and this on the right
    fonts: DocumentFonts = field(default_factory=DocumentFonts)
    author: str = ""  # the package's author (core properties); "" = the issuer
    created: dt.datetime | None = None  # when it was issued (core properties); None = date at 00:00
    names: tuple[str, ...] = ()  # proper names (units) a wrapped title must keep whole

    def __post_init__(self):
        if isinstance(self.copy_to, str):  # the field used to be one string
            object.__setattr__(self, "copy_to", (self.copy_to,) if self.copy_to else ())
        object.__setattr__(self, "copy_to", tuple(c.strip().rstrip("。") for c in self.copy_to if c.strip()))
        # what a document prints of the record as every output shows it (textguard.for_terminal):
        # no hidden format characters, no control characters (python-docx refuses them)
        from ..textguard import for_terminal

        for name in ("issuer", "doc_no", "title", "recipient", "signature", "note", "mark", "printer", "signer",
                     "author"):
            value = getattr(self, name)
            if not value.isprintable():  # a tab or line break stays as it was (multiline)
                object.__setattr__(self, name, for_terminal(value, True))
        for name in ("attachments", "copy_to", "names"):
            values = getattr(self, name)
            if not all(v.isprintable() for v in values):
                object.__setattr__(self, name, tuple(for_terminal(v, True) for v in values))
        if not all(b.text.isprintable() for b in self.blocks):
            object.__setattr__(self, "blocks", tuple(b if b.text.isprintable() else Block(b.kind, for_terminal(b.text, True))
                                                     for b in self.blocks))

    @property
    def printed_by(self) -> str:
        return self.printer or self.signature

    @property
    def printed_on(self) -> dt.date:
        return self.print_date or self.date

    @property
    def upward(self) -> bool:
        """A 上行文 (a report to a higher authority): it names its 签发人."""
        return bool(self.signer)

    @property
    def title_names(self) -> tuple[str, ...]:
        """Names the title must not split: those given, and the authorities the document names."""
        return tuple(n for n in (*self.names, self.recipient, self.issuer, self.signature) if n)


def full_date(day: dt.date) -> str:
    """成文日期 and 印发日期: the year always in full, no zero padding (GB/T 9704-2012 7.3.5.4)."""
    return f"{day.year}年{day.month}月{day.day}日"


def copy_to_text(doc: OfficialDoc) -> str:
    """抄送：A，B。 — 机关 separated by full-width commas, a full stop after the last."""
    return "抄送：" + "，".join(doc.copy_to) + "。"


def imprint_text(doc: OfficialDoc) -> tuple[str, str]:
    """The 印发机关 and the 印发日期 (…印发) of the 版记."""
    return doc.printed_by, f"{full_date(doc.printed_on)}印发"


def render_text(doc: OfficialDoc) -> str:
    """The document as terminal text (a preview of the .docx)."""
    lines = []
    if doc.mark:
        lines.append(doc.mark)
    lines += [doc.issuer, ""]
    if doc.upward:
        lines.append(f"{doc.doc_no}{'　' * 4}签发人：{doc.signer}".lstrip("　"))
    elif doc.doc_no:
        lines.append(doc.doc_no)
    lines += ["—" * 20, "", doc.title, "", f"{doc.recipient}："]
    for block in doc.blocks:
        lines.append(block.text if block.kind != "para" else "　　" + block.text)
    if doc.attachments:
        lines.append("")
        for i, name in enumerate(doc.attachments, 1):
            prefix = "附件：" if i == 1 else "　　　"
            lines.append(f"{prefix}{i}. {name}" if len(doc.attachments) > 1 else f"附件：{name}")
    lines += ["", doc.signature.rjust(24, "　"), full_date(doc.date).rjust(24, "　")]
    if doc.note:
        lines += [doc.note]
    printer, printed = imprint_text(doc)
    lines += ["", "━" * 20]
    if doc.copy_to:
        lines += [copy_to_text(doc), "─" * 20]
    lines += [f"{printer}　　{printed}", "━" * 20]
    return "\n".join(lines)
