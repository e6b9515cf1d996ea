"""The typer app: parse → load → call the core → render → exit code."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from .. import __version__
from .common import GLOBALS, AsOfOpt, DataOpt
from .i18n import install as _install_chinese

_install_chinese()

class Group(typer.core.TyperGroup):
    """A group of commands (cc, cc problem, cc report) whose --help reads the word after it: cc
    --help status is cc status --help, and cc --help x is cc x --help, which says there is no
    command x; click's eager --help showed cc's own help and passed x over."""

    def parse_args(self, ctx, args):
        return super().parse_args(ctx, _help_last(self, list(args)))


def _help_last(group, args: list[str]) -> list[str]:
    """args with the group's first -h/--help moved to the end when a word that is no option (nor
    the value of one of the group's own: --data, --as-of) follows it."""
    at = next((i for i, a in enumerate(args) if a in ("-h", "--help")), None)
    if at is None:
        return args
    takes = {o for p in group.params if getattr(p, "param_type_name", "") == "option" and not (p.is_flag or p.count)
             for o in p.opts}
    k = at + 1
    while k < len(args):
        if args[k] in takes:
            k += 2
        elif args[k].startswith("-") and args[k] != "-":
            k += 1
        else:
            return args[:at] + args[at + 1:] + [args[at]]
    return args


class _Root(Group):
    """cc itself, keeping the words it was given: --version takes no other one, and an eager
    option's callback is not told which words are left after it."""

    def parse_args(self, ctx, args):
        ctx.meta["cc.args"] = list(args)
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_Root,
    name="cc",
    help="创建全国文明城市工作推进组的任务清单与督办工具。",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(ctx: typer.Context, value: bool):
    """The version, when --version is all that was asked (cc's own --data/--as-of aside: an alias
    may add them); a stray word (cc --version x) is refused as everywhere else, not ignored."""
    if not value or ctx.resilient_parsing:
        return
    stray, words = [], list(ctx.meta.get("cc.args", []))
    while words:
        word = words.pop(0)
        if word in ("--data", "--as-of") and words:
            words.pop(0)
        elif word != "--version" and not word.startswith(("--data=", "--as-of=")):
            stray.append(word)
    if stray:
        from .usage import _shown

        print(f"错误：--version 不带其他参数（多余的参数：{_shown(stray)}），未执行任何操作", file=sys.stderr)
        print("提示：查看版本号请只写 cc --version；运行命令时不写 --version。", file=sys.stderr)
        raise typer.Exit(2)
    print(f"chuangcheng-cli {__version__}")
    raise typer.Exit()


@app.callback()
def root(
    data: DataOpt = None,
    as_of: AsOfOpt = None,
    version: Annotated[Optional[bool], typer.Option(
        "--version", callback=_version, is_eager=True, help="显示版本号并退出。")] = None,
):
    """创建全国文明城市工作推进组的任务清单与督办工具（cc，别名 chuangcheng）：进度与红黄绿灯、督办通知、报表。

    推进组名称、单位、任务和督办规则都来自数据目录（tasklist.yaml、units.yaml）。
    """
    if as_of is not None:  # said here, even to a command that takes no date (validate, init)
        from ..diagnostics import UsageError
        from .common import fail_usage
        from .locate import parse_date

        try:
            parse_date(as_of, "--as-of", 2000)  # its form only (a leap year: 2月29日 is the command's to judge)
        except UsageError as exc:
            raise fail_usage(exc) from None
    GLOBALS.data = data
    GLOBALS.as_of = as_of
    from ..store.state import forget_reads, use_store
    from .locate import cache_root

    forget_reads()  # each command reads the journal afresh (tests run many in one process)
    use_store(cache_root())  # the journal's validator kept there (store/state.py)


from . import read
from . import write
from . import report
from . import project
from . import audit
from . import problem
from . import score


def main() -> None:
    from .usage import run

    sys.exit(run(app))
