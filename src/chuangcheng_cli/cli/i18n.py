"""Chinese for the few words click prints around our help texts (Usage, Options, Commands …)."""

from __future__ import annotations

import sys

_WORDS = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "[default: {default}]": "[默认：{default}]",
    "default": "默认",
    "required": "必填",
}


def _translate(message: str) -> str:
    return _WORDS.get(message, message)


def install() -> None:
    import sys

    import typer.core

    from .usage import click_module

    base = click_module().__name__
    for name in ("core", "decorators", "formatting", "exceptions"):
        __import__(f"{base}.{name}")
    for module in [sys.modules[f"{base}.{n}"] for n in ("core", "decorators", "formatting")] + [typer.core]:
        if hasattr(module, "_"):
            module._ = _translate  # type: ignore[attr-defined]
    formatting = sys.modules[f"{base}.formatting"]
    if not getattr(formatting.term_len, "_cells", False):
        formatting.term_len = _term_cells  # the option column's width, as the terminal shows it
        __import__(f"{base}._textwrap")
        wrapping = sys.modules[f"{base}._textwrap"]
        wrapping.TextWrapper = _cell_wrapper(wrapping.TextWrapper)
    formatter = formatting.HelpFormatter
    write_usage = formatter.write_usage
    if not getattr(write_usage, "_chinese", False):
        def chinese_usage(self, prog, args="", prefix=None):
            args = args.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
            return write_usage(self, prog, args, "用法：" if prefix is None else prefix)

        chinese_usage._chinese = True  # type: ignore[attr-defined]
        formatter.write_usage = chinese_usage
    command = sys.modules[f"{base}.core"].Command
    original = command.get_help_option
    if not getattr(original, "_chinese", False):
        def get_help_option(self, ctx):
            option = original(self, ctx)
            if option is not None:
                option.help = "显示本帮助并退出。"
            return option

        get_help_option._chinese = True  # type: ignore[attr-defined]
        command.get_help_option = get_help_option


def _term_cells(text: str) -> int:
    """click's term_len counted characters: a help line with Chinese in it was up to 136 columns
    wide at 80 (a fresh-eyes try). Terminal cells, as lines.cell_len counts them (ANSI codes off)."""
    import re

    from ..reports.lines import cell_len

    return cell_len(re.sub(r"\033\[[;?0-9]*[a-zA-Z]", "", text))


_term_cells._cells = True  # type: ignore[attr-defined]


def _cell_wrapper(base: type) -> type:
    """click's TextWrapper, filling lines by terminal cells with lines.fold_text (a date, a count or
    an option stays whole, 避头尾 holds) instead of by characters."""

    class CellWrapper(base):
        def wrap(self, text: str) -> list[str]:
            from ..reports.lines import fold_text

            text = " ".join(text.split("\n")).strip()
            if not text:
                return []
            room = max(self.width - max(_term_cells(self.initial_indent), _term_cells(self.subsequent_indent)), 10)
            lines = [line.rstrip() for line in fold_text(text, room)]
            return [self.initial_indent + lines[0]] + [self.subsequent_indent + line for line in lines[1:]]

    return CellWrapper


COMPLETION_HELP = {
    "install_completion": "为当前 shell 安装命令补全（bash/zsh/fish/PowerShell）。",
    "show_completion": "显示当前 shell 的补全脚本，便于复制或手工安装。",
}


# What typer shows as an option's value (<str>, <int> …) and an argument's name, in Chinese.
VALUE_LABELS = {"<str>": "<文字>", "<int>": "<整数>", "<float>": "<数字>", "<path>": "<路径>",
                "<list[str]>": "<文字>", "<file>": "<文件>", "<directory>": "<目录>",
                "<int range>": "<整数>"}
ARGUMENT_NAMES = {"task": "任务", "unit": "单位", "directory": "目录", "notice": "通知"}


def translate_params(command) -> None:
    """Chinese help for the options typer adds itself (shell completion), Chinese names for the
    arguments and value placeholders, on this command and every subcommand."""
    for param in getattr(command, "params", []):
        if param.name in COMPLETION_HELP:
            param.help = COMPLETION_HELP[param.name]
        if param.name == "install_completion":
            param.callback = _install_completion
        if param.param_type_name == "argument" and param.metavar is None and param.name in ARGUMENT_NAMES:
            param.metavar = ARGUMENT_NAMES[param.name]
        if hasattr(param, "display_type") and not getattr(param, "_chinese_type", False):
            display_type = param.display_type

            def chinese(ctx, display_type=display_type):
                text = display_type(ctx)
                return VALUE_LABELS.get(text, text) if isinstance(text, str) else text

            param.display_type = chinese
            param._chinese_type = True
        if param.param_type_name == "option" and not getattr(param, "is_flag", False) \
                and not getattr(param, "count", False) and not getattr(param, "_no_option_value", False):
            _refuse_option_as_value(param)
    for sub in getattr(command, "commands", {}).values():
        translate_params(sub)


def _install_completion(ctx, param, value):
    """typer's --install-completion, said in Chinese; it printed English and took any word after it
    (cc --install-completion bogus installed bash's and edited ~/.bashrc: an adversarial try)."""
    import sys

    if not value or ctx.resilient_parsing:
        return value
    extra = [a for a in sys.argv[1:] if a != "--install-completion"]
    if extra:
        print(f"错误：--install-completion 不带其他参数（多余的参数：{' '.join(extra)}），未安装任何内容", file=sys.stderr)
        print("提示：它按当前的 shell（bash/zsh/fish/PowerShell）安装；只想看补全脚本用 cc --show-completion。",
              file=sys.stderr)
        sys.exit(2)
    from typer.completion import install

    try:
        shell, path = install()
    except OSError as exc:
        from ..diagnostics import os_error_text

        print(f"错误：未能安装命令补全。{os_error_text(exc)}", file=sys.stderr)
        sys.exit(1)
    print(f"已为 {shell} 安装命令补全：{path}")
    print("重新打开终端后生效。")
    sys.exit(0)


def _refuse_option_as_value(param) -> None:
    """An option's value that is one of the command's own options (cc void X --reason --dry-run,
    --note --dry-run) is a value left out, not a text: click took --dry-run as the reason and the
    record was written for real (a hostile-input try). Refused, as a usage error."""
    process = param.process_value

    def checked(ctx, value):
        values = value if isinstance(value, (list, tuple)) else [value]
        names = {o for p in ctx.command.params for o in (*getattr(p, "opts", ()), *getattr(p, "secondary_opts", ()))
                 if o.startswith("-")}
        taken = next((v for v in values if isinstance(v, str) and v.partition("=")[0] in names), None)
        written = taken is not None and any(a == f"{o}={taken}" for o in param.opts for a in sys.argv)
        if taken is not None and not written:  # --note=--dry-run says the text is meant
            import importlib

            from .usage import FREE_TEXT_OPTIONS, click_module

            # a text may be meant as written (--note=--dry-run); a number, a date or a name never is
            # (--percent --note x was told 确是这段文字时请写成 --percent="--note": a fresh-eyes try)
            text = bool(set(param.opts) & set(FREE_TEXT_OPTIONS))
            exc = importlib.import_module(click_module().__name__ + ".exceptions").BadParameter(
                f"{taken} 是本命令的选项，像是 {param.opts[0]} 后面漏写了内容" +
                (f"；确是这段文字时请写成 {param.opts[0]}=\"{taken}\"" if text else ""), ctx=ctx, param=param)
            exc.swallowed = taken  # the word after it is its value, not a stray (usage.leftover)
            raise exc
        return process(ctx, value)

    param.process_value = checked
    param._no_option_value = True
