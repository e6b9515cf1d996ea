"""The floor: the least any command must do — read the three data files and validate them with the same models.

    python benchmarks/floor.py DATA_DIR

json.loads per journal line, yaml.load(..., Loader=yaml.CSafeLoader) for the two YAML files,
and the pydantic models of chuangcheng_cli.domain.models: no cross-reference checks, no rendering,
no CLI framework. benchmarks/run.py divides each command's time by this one's.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pydantic
import yaml

from chuangcheng_cli.domain import models


def main(data: Path) -> int:
    with open(data / "units.yaml", encoding="utf-8") as fh:
        units = models.UnitsFile.model_validate(yaml.load(fh, Loader=yaml.CSafeLoader))
    with open(data / "tasklist.yaml", encoding="utf-8") as fh:
        plan = models.Plan.model_validate(yaml.load(fh, Loader=yaml.CSafeLoader))
    entry = pydantic.TypeAdapter(models.Entry)
    entries = []
    with open(data / "journal.jsonl", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                entries.append(entry.validate_python(json.loads(line)))
    print(f"{len(units.units)} units, {len(plan.tasks)} tasks, {len(entries)} entries")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python benchmarks/floor.py DATA_DIR")
    sys.exit(main(Path(sys.argv[1])))
