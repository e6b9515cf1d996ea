"""The validator's floor: what any run that validates journal lines must pay before the first one.

    python benchmarks/modelfloor.py

Imports pydantic and chuangcheng_cli.domain.models and builds the TypeAdapter of a list of journal
entries (as store/loading.py does), then validates an empty list: no data is read. A read after a
pull validates the pulled lines with this very model, so it cannot take less than this; issue 13's
"≤ 3 × a warm hit" is compared with it in BENCHMARKS.md.
"""

from __future__ import annotations

from pydantic import TypeAdapter

from chuangcheng_cli.domain import models


def main() -> int:
    adapter = TypeAdapter(list[models.Entry])
    assert adapter.validate_json(b"[]") == []
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
