"""The standard-library floor: what reading the data costs with no validation at all.

    python benchmarks/stdfloor.py DATA_DIR

One json.loads of the whole journal (its lines joined into one JSON array) and
yaml.load(..., Loader=yaml.CSafeLoader) of the two YAML files: no models, no checks, no
rendering. benchmarks/run.py holds cold `cc status` against it (issue 13: at most 2×).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml


def main(data: Path) -> int:
    units = yaml.load((data / "units.yaml").read_bytes(), Loader=yaml.CSafeLoader)
    plan = yaml.load((data / "tasklist.yaml").read_bytes(), Loader=yaml.CSafeLoader)
    raw = (data / "journal.jsonl").read_bytes()
    entries = json.loads(b"[" + b",".join(line for line in raw.split(b"\n") if line.strip()) + b"]")
    print(f"{len(units['units'])} units, {len(plan['tasks'])} tasks, {len(entries)} entries")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python benchmarks/stdfloor.py DATA_DIR")
    sys.exit(main(Path(sys.argv[1])))
