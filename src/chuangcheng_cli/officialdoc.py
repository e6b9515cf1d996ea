"""OfficialDoc: a 公文 (督办通知 or 报告) as plain values, and its plain-text rendering."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .views import cn_date


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
    copy_to: str = ""  # 抄送
    extra: dict = field(default_factory=dict)


def render_text(doc: OfficialDoc) -> str:
    """The document as terminal text (a preview of the .docx)."""
    lines = []
    if doc.mark:
        lines.append(doc.mark)
    lines += [doc.issuer, ""]
    if doc.doc_no:
        lines.append(doc.doc_no)
    lines += ["—" * 20, "", doc.title, "", f"{doc.recipient}："]
    for block in doc.blocks:
        lines.append(block.text if block.kind != "para" else "　　" + block.text)
    if doc.attachments:
        lines.append("")
        for i, name in enumerate(doc.attachments, 1):
            prefix = "附件：" if i == 1 else "　　　"
            lines.append(f"{prefix}{i}. {name}" if len(doc.attachments) > 1 else f"附件：{name}")
    lines += ["", doc.signature.rjust(24, "　"), cn_date(doc.date).rjust(24, "　")]
    if doc.note:
        lines += [doc.note]
    if doc.copy_to:
        lines += ["", f"抄送：{doc.copy_to}。"]
    return "\n".join(lines)
