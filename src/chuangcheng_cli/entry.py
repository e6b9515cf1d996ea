"""The console-script entry: plain commands through the fast path (no typer), else the full app."""

from __future__ import annotations

import os
import sys


def portable_streams() -> None:
    """Chinese output that never dies on encoding. On Windows a console already takes Unicode, but
    a pipe or a file (`cc report md > 周报.md`) gets the ANSI code page (GBK), which lacks ● █ ✓:
    write UTF-8 there, as on the other systems. Anywhere the encoding is not UTF-8 (a GBK locale on
    统信UOS/麒麟), a character it cannot hold becomes a stand-in (_stand_in: − as -, ░ as □) or "?"
    instead of a UnicodeEncodeError."""
    import os

    # Started without a stream (`cc status >&-`, pythonw): Python leaves it None, and every print
    # (or a question's isatty) would fail; what is written there goes nowhere, as the caller asked.
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")
    if sys.stdin is None:  # `cc notice … <&-`, a scheduled task: no answer can come, as from a pipe
        sys.stdin = open(os.devnull, encoding="utf-8")
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        try:
            if os.name == "nt" and not os.environ.get("PYTHONIOENCODING") and not stream.isatty():
                reconfigure(encoding="utf-8", errors="replace")
            elif (stream.encoding or "").lower().replace("-", "") not in ("utf8", "utf8sig"):
                import codecs

                codecs.register_error("cc-stand-in", _stand_in)
                reconfigure(errors="cc-stand-in")
        except (OSError, ValueError):  # a closed or odd stream: leave it as it is
            pass


# What the output draws with that GBK lacks, and the nearest each has that it holds: a score's
# deduction read "?10" and a bar "██???" on a GBK console (a hostile-input try).
_STAND_INS = {"\u2212": "-", "\u2591": "□", "\u25d0": "◎", "\u2713": "√", "\u2011": "-", "\u2012": "-"}


def _stand_in(exc: UnicodeError) -> tuple[str, int]:
    """The codec error handler of a stream that is not UTF-8: each character it cannot hold
    written as its stand-in (_STAND_INS) where the encoding holds that, else as "?"."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = []
    for ch in exc.object[exc.start:exc.end]:
        sub = _STAND_INS.get(ch, "?")
        try:
            sub.encode(exc.encoding)
        except (UnicodeError, LookupError):
            sub = "?"
        out.append(sub)
    return "".join(out), exc.end


def windows_line_ends(argv: list[str]) -> list[str]:
    """Each CRLF of an argument a line end (a multi-line text pasted from Windows), and a CR left at
    the end of a text read from a Windows file ("$(cat 说明.txt)" cuts the last LF, not its CR: a
    fresh-eyes try was refused 不允许的字符 U+000D) dropped: of a text of several lines, or of a
    word before the last. A CR on the last word alone is what a script saved with CRLF leaves on
    each line: refused (refuse_bad_arguments), so that the script is mended."""
    out = []
    for k, arg in enumerate(argv):
        several = "\r\n" in arg
        if several:
            arg = arg.replace("\r\n", "\n")
        if arg.endswith("\r") and (several or k < len(argv) - 1):
            arg = arg[:-1]
        out.append(arg)
    return out


def _options() -> dict[str, bool]:
    """Every option name of every command, and whether it takes a value (a flag takes none); read
    on an error path only."""
    try:
        import typer.main

        from .cli import app

        command = typer.main.get_command(app)
    except Exception:  # pragma: no cover - the message then names no option
        return {}
    out: dict[str, bool] = {}
    todo = [command]
    while todo:
        cmd = todo.pop()
        for p in cmd.params:
            flag = bool(getattr(p, "is_flag", False) or getattr(p, "count", False))
            for name in (*getattr(p, "opts", ()), *getattr(p, "secondary_opts", ())):
                if name.startswith("-"):
                    out[name] = out.get(name, False) or not flag
        todo.extend(getattr(cmd, "commands", {}).values())
    return out


def _whose(argv: list[str], k: int) -> tuple[str, str]:
    """("--note 的值 ", the value) when argv[k] is an option's value (--note x, --note=x), else
    ("参数 ", argv[k]): a refused character's message names whose it is (a fresh-eyes try could not
    tell). Only a known option of a value is named: a name is never shown raw."""
    arg = argv[k]
    names = _options()
    if arg.startswith("--") and "=" in arg and names.get(arg.partition("=")[0]):
        name, _, value = arg.partition("=")
        return f"{name} 的值 ", value
    if k > 0 and names.get(argv[k - 1]):
        return f"{argv[k - 1]} 的值 ", arg
    return "参数 ", arg


def refuse_bad_arguments(argv: list[str]) -> int | None:
    """Exit code 2 with a message when an argument holds a character no field may hold (see
    textguard.py; tab and newline are allowed, multi-line notes need them), else None. Checked
    here, once, so that no command, option or future argument can record one."""
    if all(arg.isprintable() for arg in argv):  # every forbidden character is unprintable (textguard)
        return None
    from .textguard import describe, find_bad, for_terminal

    for k, arg in enumerate(argv):
        at = find_bad(arg)
        if at >= 0 and arg[at] == "\r" and at == len(arg) - 1 and k == len(argv) - 1:
            # the last word of a line of a script saved with Windows line ends (CRLF): bash splits
            # at the LF alone, and the CR stays on the word (a hostile-input try); or a one-line
            # text read from a Windows file ("$(cat 说明.txt)") given last
            which, shown = _whose(argv, k)
            print(f"错误：{which}{for_terminal(shown)} 的末尾有回车符（\\r），未执行任何操作", file=sys.stderr)
            print("提示：常见于用 Windows 换行（CRLF）保存的脚本或文件：脚本请在编辑器中把换行改为 LF（Unix）"
                  "后再运行，或用 dos2unix 转换；用 $(cat 文件) 读入的文字，请先转换该文件，或把这个选项写在其他选项之前"
                  "（不是最后一个词时，末尾的回车符按换行去掉）。", file=sys.stderr)
            return 2
        if at >= 0 and "\udc80" <= arg[at] <= "\udcff":  # a byte that is no UTF-8: Python keeps it as U+DC80–DCFF
            print(f"错误：参数 {for_terminal(arg)} 中有不是 UTF-8 编码的字节", file=sys.stderr)
            print("提示：常见于 GBK 编码的终端，或从 Windows 压缩包、U 盘拷来的 GBK 编码的文件名：终端请改用 UTF-8"
                  "（Windows 上先运行 chcp 65001），文件请改名（如 问题表.xlsx）后重试。", file=sys.stderr)
            return 2
        if at >= 0:
            which, shown = _whose(argv, k)
            print(f"错误：{which}{for_terminal(shown)} 中含有不允许的字符 {describe(arg[at])}，未执行任何操作", file=sys.stderr)
            print("提示：请删除这个不可见的字符后重试（常见于从网页、聊天软件或其他文件复制来的文字）。", file=sys.stderr)
            return 2
    return None


def sane_size_environment() -> None:
    """COLUMNS/LINES that are no positive number (COLUMNS=0, a script's empty value) or more than
    six digits are dropped: rich would lay text out 0 cells wide and fail, and Python reads no
    number of 4,300 digits; the terminal's own size (or 80) is used."""
    for name in ("COLUMNS", "LINES"):
        value = os.environ.get(name)
        digits = value.strip() if value is not None else ""
        if value is not None and not (digits.isascii() and digits.isdigit() and len(digits) <= 6 and int(digits) > 0):
            del os.environ[name]


def main() -> None:
    swallowed_any = bool  # until interrupts.py is in: nothing was swallowed
    try:  # a Ctrl-C in the first milliseconds (importing interrupts.py, setting up the streams) too
        from .interrupts import swallowed, was_swallowed

        sys.unraisablehook = swallowed  # a Ctrl-C a library did not pass on (interrupts.py)
        swallowed_any = was_swallowed
        portable_streams()
        sane_size_environment()
        helps = ("help", "帮助")
        if sys.argv[1:2] and sys.argv[1].strip().lower() in helps:
            # cc help, cc help status, cc help problem add: a new user's first guess (a fresh-eyes
            # try got 没有这个命令：help), read as --help of what follows (cc help help too)
            rest = [w for w in sys.argv[2:] if w.strip().lower() not in helps]
            sys.argv[1:] = [*rest, "--help"]
        elif sys.argv[1:2] in (["--help"], ["-h"]) and all(w.strip().lower() in helps for w in sys.argv[2:]):
            sys.argv[1:] = ["--help"]  # cc --help help
        elif sys.argv[-1:] in (["/?"], ["-?"]) and not (len(sys.argv) > 2 and sys.argv[-2].startswith("-")):
            # cc /?, cc log /?: a Windows user's way to ask for help (a hostile-input try got 没有这个命令：/?,
            # 缺少必填选项 --unit); not the value of an option (--note /?)
            sys.argv[-1] = "--help"
        # a text pasted from Windows (a multi-line --note) holds CRLF line ends: each is a line end
        sys.argv[1:] = windows_line_ends(sys.argv[1:])
        code = refuse_bad_arguments(sys.argv[1:])
        if code is None:
            from .cli.fast import run_fast

            code = run_fast(sys.argv[1:])
        if code is None:
            from .cli import main as full_main

            full_main()  # exits
    except KeyboardInterrupt:  # Ctrl-C while still starting up
        _say("已中断。")  # the streams may not be set up yet: never a UnicodeEncodeError here
        code = 130
    except SystemExit as exc:
        code = exc.code
    if swallowed_any() and code != 130:  # interrupted: what the command said after it is not the answer
        _say("已中断。")
        code = 130
    sys.exit(code)


def run() -> None:
    """The console scripts' and `python -m`'s entry: main, then leave without tearing down.

    A cold read builds some hundred thousand objects; handing each back to the allocator one by
    one when the interpreter shuts down takes 60-100 ms at city scale, a tenth of the run, for
    memory the operating system takes back at once. Every file the command writes is written,
    closed and renamed before main returns (locks go with the process), no module of ours or of
    the libraries a command loads leaves an atexit task behind, so what is left to do is flushing
    the two streams, as Python would. main itself still ends in SystemExit (tests call it).
    Under a profiler or a coverage tracer the interpreter shuts down as usual (they write their
    results then)."""
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code
    try:
        code = _flushed(code)
    except KeyboardInterrupt:  # Ctrl-C while the last of the output was written out
        code = 130
    if sys.gettrace() is not None or sys.getprofile() is not None:
        sys.exit(code)  # a profiler or coverage writes its results as the interpreter shuts down
    os._exit(code)


def _flushed(code) -> int:
    """The exit status for SystemExit's code, once what is left in the two streams is written:
    None is 0, a text is printed and is 1 (as Python does), and output that cannot be written
    (a full disk behind `cc report md > 周报.md`) is said, and is 1 if nothing else was."""
    if code is None:
        code = 0
    elif not isinstance(code, int):
        _say(str(code))
        code = 1
    try:
        if sys.stdout is not None:  # None: started without one (`cc status >&-`, pythonw)
            sys.stdout.flush()
    except BrokenPipeError:  # `cc status | head`: the reader left; nothing more to say
        pass
    except OSError as exc:
        from .diagnostics import os_error_text

        _say(f"错误：输出没有写完：{os_error_text(exc)}")
        code = code or 1
    except ValueError:  # the stream was closed under us
        _say("错误：输出没有写完：标准输出已关闭")
        code = code or 1
    try:
        if sys.stderr is not None:
            sys.stderr.flush()
    except (OSError, ValueError):
        pass
    return code


def _say(text: str) -> None:
    try:
        if sys.stderr is not None:
            print(text, file=sys.stderr)
    except UnicodeEncodeError:  # before portable_streams: what the stream cannot hold as "?", as it does
        encoding = getattr(sys.stderr, "encoding", None) or "ascii"
        _say(text.encode(encoding, "replace").decode(encoding, "replace"))
    except (OSError, ValueError):  # stderr closed or full: there is no one to tell
        pass
