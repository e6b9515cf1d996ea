"""Write the bundled example's June 2023 暗访 问题清单 (data/imports/2023-06暗访问题清单.xlsx).

The sheet is messy the way real ones are, so `cc problem import` is shown on what it meets: a
merged title row over the header, a 序号 column, a blank row, found dates and 整改时限 typed as
Excel dates and as text in three forms (one without a year), short and full unit names, one
责任单位 cell naming a lead and a co-unit, a 备注 column the import does not read, and no 来源 column
(import it with --source 暗访). The output is byte-for-byte the same on every run: the workbook's
timestamps and the zip entries' times are fixed.

    python scripts/make_example_sheet.py            # rewrite the file
    python scripts/make_example_sheet.py --check    # exit 1 if the committed file is stale
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Border, Font, Side

REPO = Path(__file__).resolve().parents[1]
TARGET = REPO / "data" / "imports" / "2023-06暗访问题清单.xlsx"
TITLE = "2023年6月创建全国文明城市暗访问题清单（法治环境工作推进组）"
HEADER = ["序号", "问题描述", "点位", "责任单位", "任务编号", "发现时间", "整改时限", "备注"]
STAMP = dt.datetime(2023, 6, 10, 9, 0, 0)  # when the office finished the list
D = dt.datetime

# (问题描述, 点位, 责任单位, 任务编号, 发现时间, 整改时限, 备注); None is the blank row.
PROBLEMS = [
    ("法治宣传栏内容陈旧，仍张贴2021年宣传材料，未更新民法典和“八五”普法内容", "人民公园法治文化广场",
     "市司法局", "T01", D(2023, 6, 5), D(2023, 6, 20), ""),
    ("公共法律服务工作站工作时间无人值守，未公示值班律师姓名和12348热线电话", "城东街道公共法律服务工作站",
     "司法局", "T04", D(2023, 6, 5), D(2023, 6, 20), "立行立改"),
    ("人民调解室无调解登记台账，调解员名单和调解流程未上墙", "城东街道人民调解委员会",
     "司法局", "T05", D(2023, 6, 5), D(2023, 6, 30), ""),
    ("诉讼服务中心导诉台无人值守，自助立案设备故障未及时修复", "市中级人民法院诉讼服务中心",
     "市中级人民法院", "T06", D(2023, 6, 5), D(2023, 6, 25), ""),
    ("新时代文明实践志愿服务站未公示服务项目和服务时间，志愿者登记台账缺失", "阳光社区志愿服务站",
     "社会工作部", "", D(2023, 6, 5), D(2023, 6, 26), ""),
    ("入驻社会组织登记证书未悬挂，年检结果未在公示栏公布", "市社会组织孵化基地",
     "市民政局", "T11", "2023-6-6", "2023-6-30", ""),
    ("仲裁院服务窗口未设置法律援助引导标识，职工维权投诉电话公示不醒目", "市劳动人事争议仲裁院",
     "市人社局、市总工会", "T08", "2023-6-6", "2023-6-30", "人社局牵头，总工会配合"),
    ("工地现场未设置农民工工资支付维权信息公示牌", "城南安置房建设项目工地",
     "市人力资源和社会保障局", "T09", "2023-6-6", "2023-6-27", ""),
    ("项目未按规定公示农民工工资专用账户和维权电话", "滨江花园二期工地",
     "住建局", "T09", "2023-6-7", "2023-6-27", ""),
    ("商场放心消费示范商户标识缺失，12315投诉举报电话未公示", "万达广场一楼服务台",
     "市场监管局", "T07", "2023-6-7", "2023-6-30", ""),
    None,
    ("诚信建设宣传栏破损，市场主体信用信息公示内容已过期", "人民路农贸市场",
     "市市场监督管理局", "", "2023/6/7", "2023/7/5", ""),
    ("户外大屏公益普法广告播放频次不足，暗访时段内未见法治类公益广告", "市民广场户外大屏",
     "宣传部", "T02", "2023/6/8", "2023/7/5", ""),
    ("宗教活动场所未张贴《宗教事务条例》宣传内容", "城西宗教活动场所",
     "市委统战部", "T03", "2023/6/8", "2023/7/10", ""),
    ("社区科普画廊未设置崇尚科学、反对邪教宣传内容", "和平社区科普画廊",
     "科协", "T03", "2023/6/8", "2023/7/5", ""),
    ("户籍窗口办事群众排队无人引导，法治宣传资料架空置", "城关派出所户籍窗口",
     "市公安局", "", "2023/6/8", "6月30日", "窗口单位服务"),
    ("青少年法治教育基地展板内容缺失，未开展未成年人保护法宣传", "市青少年宫",
     "团市委", "T12", "2023年6月9日", "2023年7月5日", ""),
    ("校门口法治副校长公示牌信息未更新", "市实验小学",
     "教育局", "T12", "2023年6月9日", "2023年6月30日", ""),
    ("妇女儿童之家未公示反家暴庇护救助指引，12338维权热线未张贴", "城北街道妇女儿童之家",
     "市妇联", "T13", "2023年6月9日", "2023年7月10日", ""),
    ("残疾人之家无障碍通道被杂物占用，残疾人权益保障宣传资料缺失", "康复社区残疾人之家",
     "残联", "T14", "2023年6月9日", "2023年7月10日", ""),
    ("门诊大厅未设置老年人优先窗口，老年人就医绿色通道标识缺失", "市人民医院门诊大厅",
     "卫健委", "T14", "2023年6月9日", "2023年6月30日", ""),
    ("民营企业法律服务站未公示服务内容和联系方式，服务台账缺失", "市民营企业服务中心",
     "工商联", "", "2023年6月9日", "7月10日", ""),
]


def build() -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "6月暗访"
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.append([TITLE])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws["A1"].font = Font(name="方正小标宋简体", size=16)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 36
    ws.append(HEADER)
    for cell in ws[2]:
        cell.font = Font(name="黑体", size=11)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = box
    number = 0
    for problem in PROBLEMS:
        if problem is None:
            ws.append([None] * len(HEADER))
            continue
        number += 1
        desc, place, unit, task, found, deadline, note = problem
        ws.append([number, desc, place, unit, task or None, found, deadline, note or None])
        for cell in ws[ws.max_row]:
            cell.font = Font(name="宋体", size=11)
            cell.alignment = Alignment(vertical="center", wrap_text=True)
            cell.border = box
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd"
    for column, width in zip("ABCDEFGH", (6, 46, 26, 22, 10, 14, 14, 16)):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A3"
    props = book.properties
    props.creator = props.lastModifiedBy = "市创城办督查组"
    props.title = TITLE
    props.created = props.modified = STAMP
    return book


def render() -> bytes:
    """The workbook's bytes, with the times openpyxl and zipfile stamp replaced by STAMP."""
    raw = io.BytesIO()
    build().save(raw)  # openpyxl sets dcterms:modified to now while saving: fixed below
    fixed = io.BytesIO()
    stamp = STAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
            entry = zipfile.ZipInfo(info.filename, date_time=STAMP.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            out.writestr(entry, data)
    return fixed.getvalue()


def main(argv: list[str]) -> int:
    content = render()
    if "--check" in argv:
        if not TARGET.exists() or TARGET.read_bytes() != content:
            print(f"{TARGET.relative_to(REPO)} 与脚本生成的内容不一致：请运行 python scripts/make_example_sheet.py",
                  file=sys.stderr)
            return 1
        return 0
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_bytes(content)
    print(f"已写入 {TARGET.relative_to(REPO)}（{sum(p is not None for p in PROBLEMS)} 个问题）")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
