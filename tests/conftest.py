"""Shared fixtures: the --update-goldens option and a writable copy of tests/data/valid."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
VALID = TESTS / "data" / "valid"
INVALID = TESTS / "data" / "invalid"


def pytest_addoption(parser):
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite golden files (tests/data/invalid/*/expected.txt) instead of "
                          "comparing; review the diff before committing.")
    parser.addoption("--installed-all", action="store_true", default=False,
                     help="run every catalogue case through the installed command (slow).")


@pytest.fixture
def update_goldens(request) -> bool:
    return request.config.getoption("--update-goldens")


@pytest.fixture
def data_dir(tmp_path):
    """A factory: a copy of tests/data/valid with some files replaced.

    data_dir(**{"tasklist.yaml": text}) writes each text dedented; bytes are written as given;
    None deletes the file.  Returns the folder.
    """

    def make(files: dict | None = None, **more) -> Path:
        folder = tmp_path / "data"
        if not folder.exists():
            shutil.copytree(VALID, folder)
        for name, content in {**(files or {}), **more}.items():
            path = folder / name
            if content is None:
                path.unlink(missing_ok=True)
            elif isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
        return folder

    return make
