"""chuangcheng-cli: the 创城 法治环境工作推进组 checklist, its journal and 督办 notices."""

__version__ = "0.1.0"
