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
