"""`python -m chuangcheng_cli` runs the same app as `cc`."""

from .cli import main

main()
