"""`python -m chuangcheng_cli` runs the same program as `cc`."""

from .entry import run

run()
