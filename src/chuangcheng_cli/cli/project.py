"""Commands that set up a repository: init and schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .typer_app import app
from .common import DataOpt, find_data_dir, guarded


@app.command(short_help="新建一个推进组的数据仓库（示例数据、CI 和提交前校验配置、JSON Schema）。")
@guarded
def init(
    directory: Annotated[Path, typer.Argument(help="新数据仓库的目录（不存在则创建）；默认当前目录。",
                                              show_default=False)] = Path("."),
    blank: Annotated[bool, typer.Option("--blank", help="日志从空白开始（不带示例记录）：正式使用时用它。")] = False,
):
    """新建一个推进组的数据仓库：示例数据、.gitattributes、CI 配置、pre-commit 配置和 JSON Schema。"""
    from ..store.scaffold import init_repository

    written = init_repository(directory, blank)
    here = directory.resolve() == Path.cwd().resolve()
    print(f"已在{'当前目录' if here else f' {directory} '}创建 {len(written)} 个文件：")
    for path in written:
        print(f"  {path.relative_to(directory)}")
    print(("下一步：" if here else "下一步：cd 到该目录，") + "运行 git init && cc validate；用 pre-commit install 启用提交前校验。")
    print("请按本推进组的实际情况修改 data/tasklist.yaml（campaign 的名称、起止日期、发文机关和联系人，指标和任务，"
          "policy 中的督办通知文号代字 notice_prefix，documents 中的署名、印发机关和签发人）和 data/units.yaml；"
          "CI 配置中的安装地址也要改为本工具的实际地址。")
    print("CODEOWNERS 中的审核人请改为推进组办公室在代码托管平台上的团队或账号，并把主分支设为受保护分支。")
    if not blank:
        print("注意：data/journal.jsonl 中是示例推进组的记录，只供试用；换上本推进组的任务清单和单位名册之前，"
              "请清空这个文件（或用 cc init --blank 新建），否则 cc validate 会把示例记录逐条报错。")


@app.command()
@guarded
def schema(
    out: Annotated[Optional[Path], typer.Option(
        "--out", "-o", help="输出目录；默认为数据目录旁的 schemas/（数据文件第一行引用它）。",
        show_default=False)] = None,
    data: DataOpt = None,
):
    """生成 JSON Schema（tasklist、units、日志记录），供 VS Code 等编辑器补全和检查。"""
    from ..diagnostics import UsageError
    from ..store.journal import atomic_write_text
    from ..store.schemas import schema_texts
    from .recording import shown_path

    from ..store.safepath import refuse_windows_path

    refuse_windows_path("--out", out, "schemas")
    if out is None:
        where = find_data_dir(data)
        out = Path("schemas") if where.bundled else where.path.parent / "schemas"
    elif out.exists() and not out.is_dir():  # /dev/null, a file: said so, not 文件已存在
        raise UsageError(f"--out 应为目录：{shown_path(out)} 不是目录", "请写一个目录，生成的三个 .json 文件放在其中。")
    elif not out.exists() and not out.parent.is_dir():  # made one level deep at most, as report --out
        raise UsageError(f"输出目录的上一级不存在：{shown_path(out.parent)}",
                         f"请先建立它（mkdir -p {shown_path(out.parent)}），或换一个已有的目录。")
    for name, text in schema_texts().items():
        atomic_write_text(out / name, text)
        print(f"已生成：{out / name}")
