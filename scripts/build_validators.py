"""Write src/chuangcheng_cli/store/validators.json: the core schemas pydantic generates for the
journal's entries and the two YAML files' models, which a command with no store yet builds its
validators from (store/state.py, shipped_validator). Run it after changing domain/models.py or
upgrading pydantic; tests/test_cache.py says when it is due.

    python scripts/build_validators.py          # write the file
    python scripts/build_validators.py --check  # exit 1 when the file is not current
"""

from __future__ import annotations

import sys
from pathlib import Path

from chuangcheng_cli.store import state

TARGET = Path(__file__).resolve().parents[1] / "src" / "chuangcheng_cli" / "store" / state.SHIPPED


def main(argv: list[str]) -> int:
    fresh = state.shipped_document()
    if "--check" in argv:
        current = TARGET.read_bytes() if TARGET.exists() else b""
        if current != fresh:
            print(f"{TARGET} 不是最新的：请运行 python scripts/build_validators.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_bytes(fresh)
    print(f"已写入 {TARGET}（{len(fresh):,} 字节）")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
