"""Render README's pictures of the documents: docs/notice.png and docs/report.png.

Issues the third 督办通知 to 市人社局 (which also reports it to 市领导) on a copy of the example
data, as `cc notice` does, converts both .docx files to PDF with LibreOffice and puts their
pages side by side in one PNG each (pdftoppm, then a small PNG writer: no imaging library).

    python scripts/render_docs.py            # needs soffice and pdftoppm on PATH

The offices' fonts (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312) are not free; a fontconfig file
maps them to Noto CJK (fonts-noto-cjk) and AR PL UKai (fonts-arphic-ukai) for the pictures.
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

REPO = pathlib.Path(__file__).resolve().parent.parent
DATA = REPO / "src" / "chuangcheng_cli" / "example"
# The example journal's third notice to 市人社局 was issued on this day: issue it again.
AS_OF = "2023-10-16"
UNIT = "人社局"
DPI = 60

FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <match target="pattern">
    <test name="family"><string>方正小标宋简体</string></test>
    <edit name="weight" mode="assign"><const>bold</const></edit>
  </match>
  <alias binding="same"><family>方正小标宋简体</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>仿宋_GB2312</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>宋体</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>黑体</family><prefer><family>Noto Sans CJK SC</family></prefer></alias>
  <alias binding="same"><family>楷体_GB2312</family>
    <prefer><family>AR PL UKai CN</family><family>Noto Serif CJK SC</family></prefer></alias>
</fontconfig>
"""


def main() -> int:
    for tool in ("soffice", "pdftoppm"):
        if shutil.which(tool) is None:
            print(f"需要 {tool}（LibreOffice / poppler-utils）", file=sys.stderr)
            return 1
    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(tmp)
        data = work / "data"
        shutil.copytree(DATA, data)
        journal = (data / "journal.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [line for line in journal if json.loads(line)["date"] < AS_OF]
        (data / "journal.jsonl").write_text("".join(kept), encoding="utf-8")
        out = work / "out"
        subprocess.run([sys.executable, "-m", "chuangcheng_cli", "notice", UNIT, "--yes", "--data", str(data),
                        "--as-of", AS_OF, "--by", "周某某", "--out", str(out)],
                       check=True, stdout=subprocess.DEVNULL)
        notice = next(out.glob("*督办通知.docx"))
        report = next(out.glob("*报告*.docx"))
        pdfs = to_pdf([notice, report], work)
        (REPO / "docs").mkdir(exist_ok=True)
        for pdf, name in zip(pdfs, ("notice.png", "report.png")):
            write_png(REPO / "docs" / name, side_by_side([page for page in pages(pdf)]))
            print(f"已生成：docs/{name}")
    return 0


def to_pdf(sources: list[pathlib.Path], work: pathlib.Path) -> list[pathlib.Path]:
    conf = work / "fonts.conf"
    conf.write_text(FONTS_CONF, encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    subprocess.run(["soffice", f"-env:UserInstallation=file://{work}/lo", "--headless", "--convert-to", "pdf",
                    "--outdir", str(work), *map(str, sources)],
                   check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
    return [work / f"{source.stem}.pdf" for source in sources]


def pages(pdf: pathlib.Path):
    """Each page as (width, height, RGB bytes)."""
    count = int(next(line.split()[1] for line in subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()
        if line.startswith("Pages:")))
    for number in range(1, count + 1):
        ppm = subprocess.run(["pdftoppm", "-r", str(DPI), "-f", str(number), "-l", str(number), str(pdf)],
                             capture_output=True, check=True).stdout
        magic, size, maxval, pixels = ppm.split(b"\n", 3)
        assert magic == b"P6" and maxval == b"255"
        width, height = map(int, size.split())
        yield width, height, pixels


def side_by_side(images, gap: int = 16, frame: int = 1):
    """Pages next to each other on grey, each with a thin outline, as a viewer shows them."""
    grey, line = b"\xe6\xe6\xe6", b"\x99\x99\x99"
    height = max(h for _, h, _ in images) + 2 * (gap + frame)
    width = sum(w + 2 * frame + gap for w, _, _ in images) + gap
    rows = []
    for y in range(height):
        row = bytearray(grey * gap)
        for w, h, pixels in images:
            inner = y - gap - frame
            if 0 <= inner < h:
                row += line * frame + pixels[inner * w * 3:(inner + 1) * w * 3] + line * frame
            elif -frame <= inner < h + frame:
                row += line * (w + 2 * frame)
            else:
                row += grey * (w + 2 * frame)
            row += grey * gap
        rows.append(bytes(row))
    return width, height, rows


def write_png(path: pathlib.Path, image) -> None:
    width, height, rows = image

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + row for row in rows)
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
    path.write_bytes(png)


if __name__ == "__main__":
    sys.exit(main())
