"""Running the click command ourselves so that usage errors come out in Chinese with exit 2."""

from __future__ import annotations

import os
import re
import sys

_PATTERNS = [
    (r"No such option: (\S+)(?:\s+Did you mean (\S+)\?)?",
     lambda m: f"没有这个选项：{m[1]}" + (f"（是否为 {m[2]}？）" if m[2] else "")),
    (r"No such command '(.+)'\.", lambda m: f"没有这个命令：{m[1]}"),
    (r"Missing argument '(.+)'\.", lambda m: f"缺少参数 {m[1]}"),
    (r"Missing option '(.+)'\.", lambda m: f"缺少必填选项 {m[1]}"),
    (r"Option '(.+)' requires an argument\.", lambda m: f"选项 {m[1]} 需要一个值"),
    (r"Option '(.+)' does not take a value\.", lambda m: f"选项 {m[1]} 不带值"),
    (r"Got unexpected extra arguments? \((.+)\)", lambda m: f"多余的参数：{m[1]}"),
    (r"Invalid value for '?([^':]+)'?: '(.*)' is not a valid integer\.",
     lambda m: f"{m[1]} 的值 {m[2]!r} 不是整数"),
    (r"Invalid value for '?([^':]+)'?: (.+) is not in the range (.+)\.",
     lambda m: f"{m[1]} 的值 {m[2]} 超出范围（{m[3].replace('<=x<=', '–')}）"),
    (r"Invalid value for '?([^':]+)'?: '(.*)' is not one of (.+)\.",
     lambda m: f"{m[1]} 的值 {m[2]!r} 无效，应为以下之一：{m[3]}"),
    (r"Invalid value for '?([^':]+)'?: (.+)", lambda m: f"{m[1]} 的值无效：{m[2]}"),
]


def translate(message: str) -> str:
    for pattern, fn in _PATTERNS:
        m = re.match(pattern, message.strip(), re.S)
        if m:
            return fn(m)
    return message


def run(app) -> int:
    import click
    from typer.main import get_command

    command = get_command(app)
    prog = os.path.basename(sys.argv[0]) or "cc"
    if prog in ("__main__.py", "-m"):
        prog = "cc"
    try:
        result = command.main(args=sys.argv[1:], prog_name=prog, standalone_mode=False)
    except getattr(click.exceptions, "NoArgsIsHelpError", ()) as exc:
        print(exc.ctx.get_help() if exc.ctx else "")
        return 0
    except click.UsageError as exc:
        print(f"错误：{translate(exc.format_message())}", file=sys.stderr)
        if exc.ctx is not None:
            path = exc.ctx.command_path
            print(f"用法：{exc.ctx.get_usage().removeprefix('Usage: ').replace('[OPTIONS]', '[选项]')}",
                  file=sys.stderr)
            print(f"运行 {path} --help 查看帮助。", file=sys.stderr)
        return 2
    except click.exceptions.Abort:
        print("已取消。", file=sys.stderr)
        return 130
    except click.ClickException as exc:
        print(f"错误：{translate(exc.format_message())}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    return result if isinstance(result, int) else 0
