"""Chinese for the few words click prints around our help texts (Usage, Options, Commands …)."""

from __future__ import annotations

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
    formatter = sys.modules[f"{base}.formatting"].HelpFormatter
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


COMPLETION_HELP = {
    "install_completion": "为当前 shell 安装命令补全（bash/zsh/fish/PowerShell）。",
    "show_completion": "显示当前 shell 的补全脚本，便于复制或手工安装。",
}


def translate_params(command) -> None:
    """Chinese help for the options typer adds itself (shell completion)."""
    for param in getattr(command, "params", []):
        if param.name in COMPLETION_HELP:
            param.help = COMPLETION_HELP[param.name]
