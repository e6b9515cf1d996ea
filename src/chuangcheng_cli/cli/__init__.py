"""The command-line layer: typer commands (typer_app.py and friends) and the cached fast path (fast.py).

Kept free of imports so that the fast path does not pay for typer.
"""


def __getattr__(name: str):
    if name in ("app", "main"):
        import importlib

        return getattr(importlib.import_module(".typer_app", __name__), name)
    raise AttributeError(name)
