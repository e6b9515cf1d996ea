"""The journal's validator built from the core schema the store keeps (store/state.py,
keep_validator and load_validator), or the package ships (shipped_validator): pydantic's own
validator, never another one."""

from __future__ import annotations

import hashlib
import json
import os

import pydantic_core
import pytest
from pydantic import TypeAdapter, ValidationError

from chuangcheng_cli.domain import models
from chuangcheng_cli.store import loading, state as store
from helpers import DATA, REPO, copy_data

DAY = "2023-12-31"


@pytest.fixture(autouse=True)
def _without_shipped(monkeypatch):
    """The store's own path, as a machine with another pydantic (or Python) than the shipped
    schemas' has it; the tests of the shipped schemas read them again (_shipped)."""
    monkeypatch.setattr(store, "_SHIPPED_DOC", [None])


def _shipped(monkeypatch, path=None):
    """The shipped schemas read anew (from path, when given)."""
    monkeypatch.setattr(store, "_SHIPPED_DOC", [])
    if path is not None:
        monkeypatch.setattr(store, "SHIPPED", str(path))


def _pydantic_validator():
    return TypeAdapter(list[models.Entry]).validator


def _kept(tmp_path):
    root = tmp_path / "cache"
    store.keep_validator(root, _pydantic_validator())
    return root, list(root.glob("validator-*.json"))


def _journal_s(cache) -> list:
    """The journal validator's file in the store (the YAML files' models' may be there too)."""
    return list(cache.glob(f"validator-{store._validator_key()}.json"))


def _journal_lines() -> list[bytes]:
    """Every line of the bundled journal and of the invalid examples' journals."""
    out = []
    for path in [DATA / "journal.jsonl", *sorted((REPO / "tests" / "data" / "invalid").glob("*/journal.jsonl"))]:
        out += [line for line in path.read_bytes().split(b"\n") if line.strip()]
    return out


def _answer(validator, line: bytes):
    try:
        return "ok", validator.validate_json(b"[" + line + b"]")
    except ValidationError as exc:
        return "error", exc.errors(include_url=False)
    except ValueError as exc:
        return "value", str(exc)


def test_the_kept_validator_is_pydantic_s_own(tmp_path):
    root, files = _kept(tmp_path)
    assert len(files) == 1
    kept = store.load_validator(root)
    assert kept is not None
    original = _pydantic_validator()
    # the same core schema (as JSON writes it: tuples become lists, pydantic's metadata dropped)
    names = store._names(store._entry_classes())

    def normal(schema):
        return json.loads(json.dumps(store._schema_json(schema, names)))

    assert normal(kept.__reduce__()[1][0]) == normal(original.__reduce__()[1][0])
    assert kept.__reduce__()[1][1] == original.__reduce__()[1][1]
    # and the same answer, entry or error, for every line of the bundled and the invalid journals
    lines = _journal_lines()
    assert len(lines) > 300
    answers = [_answer(kept, line) for line in lines]
    assert answers == [_answer(original, line) for line in lines]
    assert {how for how, _ in answers} >= {"ok", "error"}


def test_a_damaged_foreign_or_other_version_s_schema_is_not_used(tmp_path, monkeypatch):
    root, (path,) = _kept(tmp_path)
    good = path.read_bytes()
    check, _, body = good.partition(b"\n")
    doc = json.loads(body)

    def signed(d) -> bytes:
        text = json.dumps(d, ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(text).hexdigest().encode() + b"\n" + text

    unknown = json.loads(body.replace(b'"$class":"Assign"', b'"$class":"Evil"'))
    swapped = json.loads(body.replace(b'"$class":"Problem"', b'"$class":"Fix"'))  # a known class in the wrong place
    factory = json.loads(body.replace(b'{"$factory":"list"}', b'{"$class":"Fix"}', 1))
    other_key = {**doc, "key": "0" * 64}
    for bad in (b"", b"\x00garbage{", good[: len(good) // 2], good.replace(b'"max_length":64', b'"max_length":65'),
                signed(unknown), signed(swapped), signed(factory), signed(other_key), signed({**doc, "format": 99}), signed([doc]),
                signed({**doc, "schema": {"type": "nonsense"}})):
        path.write_bytes(bad)
        assert store.load_validator(root) is None, bad[:80]
    path.write_bytes(good)
    assert store.load_validator(root) is not None
    if hasattr(os, "mkfifo"):  # a FIFO in its place is never waited on (POSIX)
        path.unlink()
        os.mkfifo(path, 0o600)
        assert store.load_validator(root) is None
        path.unlink()
        path.write_bytes(good)
    monkeypatch.setattr(pydantic_core, "__version__", "0.0.0")  # another pydantic-core: another key
    assert store.load_validator(root) is None


def _status(monkeypatch, folder, cache) -> dict:
    """status --json in process (test_state's way), with a validator not built yet, as a new cc
    process has it."""
    from test_state import _status_json

    monkeypatch.setattr(loading, "_ENTRY_LIST", loading._EntryList())
    return _status_json(monkeypatch, folder, cache)[0]


def test_a_read_after_a_pull_validates_the_new_lines_by_the_kept_schema(tmp_path, monkeypatch):
    data = copy_data(tmp_path)
    cache = tmp_path / "cache"
    _status(monkeypatch, tmp_path, cache)  # a full run: pydantic builds the validator, the store keeps it
    assert len(_journal_s(cache)) == 1
    with open(data / "journal.jsonl", "a", encoding="utf-8") as fh:  # a pull
        fh.write(json.dumps({"id": "20231231-0000a001", "date": DAY, "at": "2023-12-31T10:00:00+08:00",
                             "by": "刘某某", "kind": "progress", "task": "T09", "unit": "rsj", "percent": 92,
                             "note": "推进中。"}, ensure_ascii=False) + "\n")
    expected = _status(monkeypatch, tmp_path, None)

    def no_pydantic(*args, **kwargs):
        raise AssertionError("pydantic built the validator again")

    monkeypatch.setattr(loading, "TypeAdapter", no_pydantic)
    assert _status(monkeypatch, tmp_path, cache) == expected
    assert type(loading._ENTRY_LIST.validator) is pydantic_core.SchemaValidator
    t09 = next(t for t in expected["tasks"] if t["id"] == "T09")
    assert t09["percent"] == 92


def test_a_line_the_kept_schema_refuses_is_explained_as_the_full_run_explains_it(tmp_path, monkeypatch):
    data = copy_data(tmp_path)
    cache = tmp_path / "cache"
    _status(monkeypatch, tmp_path, cache)
    with open(data / "journal.jsonl", "a", encoding="utf-8") as fh:
        fh.write('{"id":"20231231-0000a002","date":"2023-12-31","at":"2023-12-31T10:00:00+08:00","by":"刘某某",'
                 '"kind":"progress","task":"T09","unit":"rsj","percent":"92","note":"推进中。"}\n')
    assert _status(monkeypatch, tmp_path, cache) == _status(monkeypatch, tmp_path, None)


@pytest.mark.parametrize("damage", ["garbage", "delete"])
def test_a_damaged_kept_schema_means_pydantic_builds_it_again(tmp_path, monkeypatch, damage):
    copy_data(tmp_path)
    cache = tmp_path / "cache"
    expected = _status(monkeypatch, tmp_path, cache)
    (path,) = _journal_s(cache)
    if damage == "garbage":
        path.write_bytes(b"\x00garbage{" * 7)
    else:
        path.unlink()
    (tmp_path / "data" / "units.yaml").write_bytes((tmp_path / "data" / "units.yaml").read_bytes() + b"\n# x\n")
    assert _status(monkeypatch, tmp_path, cache) == expected  # a full run, with pydantic's validator
    (path,) = _journal_s(cache)  # which the store keeps again
    assert store.load_validator(cache) is not None


def test_a_schema_that_names_other_classes_is_not_kept(tmp_path):
    import dataclasses

    @dataclasses.dataclass
    class Other:
        name: str

    root = tmp_path / "cache"
    store.keep_validator(root, TypeAdapter(list[Other]).validator)
    assert not root.exists() or not list(root.glob("validator-*"))
    assert store.load_validator(root) is None


@pytest.mark.parametrize("model", [models.Plan, models.UnitsFile])
def test_a_yaml_model_s_kept_validator_is_pydantic_s_own(tmp_path, model):
    """The plan's and the units' validators are kept too (pydantic builds them on first use, the
    models being defer_build): read back, they give what pydantic's give, errors included."""
    import yaml

    root = tmp_path / "cache"
    model.model_rebuild()
    original = model.__pydantic_validator__
    store.keep_validator(root, original, model)
    kept = store.load_validator(root, model)
    assert kept is not None and store.load_validator(root) is None  # not the journal's
    assert store.load_validator(root, models.Plan if model is models.UnitsFile else models.UnitsFile) is None
    name = "tasklist.yaml" if model is models.Plan else "units.yaml"
    data = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    assert kept.validate_python(data) == original.validate_python(data) == model.model_validate(data)
    broken = json.loads(json.dumps(data, default=str))
    first = next(iter(broken))
    broken[first] = 12
    broken["nonsense"] = True
    with pytest.raises(ValidationError) as a:
        kept.validate_python(broken)
    with pytest.raises(ValidationError) as b:
        original.validate_python(broken)
    assert a.value.errors(include_url=False) == b.value.errors(include_url=False)
    (path,) = root.glob("validator-*.json")
    body = path.read_bytes().partition(b"\n")[2]
    other = "UnitsFile" if model is models.Plan else "Plan"
    swapped = body.replace(f'"$class":"{model.__name__}"'.encode(), f'"$class":"{other}"'.encode())
    path.write_bytes(hashlib.sha256(swapped).hexdigest().encode() + b"\n" + swapped)
    assert store.load_validator(root, model) is None  # a file that builds another class is not used


def test_a_command_reads_the_yaml_files_by_the_kept_validators(tmp_path, monkeypatch):
    """A new process (the models not built yet) takes the plan's and units' validators from the
    store once one command kept them, and answers the same."""
    copy_data(tmp_path)
    cache = tmp_path / "cache"
    for model in (models.Plan, models.UnitsFile):
        monkeypatch.setattr(model, "__pydantic_complete__", False)
    monkeypatch.setattr(store, "_MODEL_VALIDATORS", {})
    expected = _status(monkeypatch, tmp_path, cache)
    assert all(list(cache.glob(f"validator-{store._validator_key(m)}.json"))
               for m in ("Plan", "UnitsFile"))
    monkeypatch.setattr(store, "_MODEL_VALIDATORS", {})
    for model in (models.Plan, models.UnitsFile):
        monkeypatch.setattr(model, "__pydantic_complete__", False)

    def no_rebuild(*args, **kwargs):
        raise AssertionError("pydantic built a YAML model's validator again")

    monkeypatch.setattr(models.Plan, "model_rebuild", no_rebuild)
    monkeypatch.setattr(models.UnitsFile, "model_rebuild", no_rebuild)
    (tmp_path / "data" / "units.yaml").write_bytes((tmp_path / "data" / "units.yaml").read_bytes() + b"\n# x\n")
    assert _status(monkeypatch, tmp_path, cache) == expected


def test_entries_are_made_and_written_by_the_journal_s_schema_as_pydantic_would(tmp_path):
    """models.make and models.dump go through the journal's own validator and serializer of one
    entry (loading._ENTRY_LIST, kept in the store): every entry of the bundled journal comes out
    as pydantic's per-class adapters make and write it, and a bad field fails alike."""
    import datetime as dt

    codec = loading._EntryList()
    entries = codec.validate_lines([line for line in (DATA / "journal.jsonl").read_bytes().split(b"\n") if line.strip()])
    kinds = set()
    for entry in entries:
        cls = type(entry)
        adapter = TypeAdapter(cls)
        data = adapter.dump_python(entry, mode="json", exclude_defaults=True)
        assert codec.dump(entry) == data
        assert json.dumps(codec.dump(entry), ensure_ascii=False) == json.dumps(data, ensure_ascii=False)
        fields = adapter.dump_python(entry)
        assert codec.make(fields) == adapter.validate_python(fields)
        kinds.add(entry.kind)
    assert kinds >= {"assign", "progress", "notice", "reply", "close", "escalate", "problem", "fix", "recheck", "verify"}
    fields = {"kind": "progress", "task": "T09", "unit": "rsj", "percent": 150, "note": "x",
              "id": "20231231-abcdef12", "date": dt.date(2023, 12, 31), "by": "范某某",
              "at": dt.datetime(2023, 12, 31, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))}
    with pytest.raises(ValidationError) as ours:
        codec.make(fields)
    with pytest.raises(ValidationError) as theirs:
        TypeAdapter(models.Progress).validate_python(fields)
    assert [e["type"] for e in ours.value.errors()] == [e["type"] for e in theirs.value.errors()]
    assert models.CODEC == [loading._ENTRY_LIST]
    with pytest.raises(TypeError):
        models.make(models.Fix, **{**fields, "percent": 80})  # its kind names another class


# ------------------------------------------------------------------ shipped schemas

SHIPPED_FILE = REPO / "src" / "chuangcheng_cli" / "store" / "validators.json"


def test_the_shipped_schemas_are_current(monkeypatch):
    """The shipped file is what scripts/build_validators.py writes for this models.py (after a
    change to the models, or a new pydantic, run it); with other versions than it was written by,
    it is not used at all."""
    doc = json.loads(SHIPPED_FILE.read_bytes())
    assert doc["models"] == hashlib.sha256(store._models_source()).hexdigest(), \
        "domain/models.py changed: run python scripts/build_validators.py"
    _shipped(monkeypatch)
    if {k: doc[k] for k in store.shipped_key()} == store.shipped_key():
        assert SHIPPED_FILE.read_bytes() == store.shipped_document()
        assert store.shipped_validator() is not None
        assert all(store.shipped_validator(m) is not None for m in (models.Plan, models.UnitsFile))
    else:  # another pydantic, pydantic-core or Python than the file's: pydantic builds them
        assert store.shipped_validator() is None


def test_the_shipped_validators_are_pydantic_s_own(monkeypatch):
    _shipped(monkeypatch)
    shipped = store.shipped_validator()
    assert shipped is not None
    original = _pydantic_validator()
    lines = _journal_lines()
    answers = [_answer(shipped, line) for line in lines]
    assert answers == [_answer(original, line) for line in lines]
    assert {how for how, _ in answers} >= {"ok", "error"}
    import yaml

    for model, name in ((models.Plan, "tasklist.yaml"), (models.UnitsFile, "units.yaml")):
        kept = store.shipped_validator(model)
        model.model_rebuild()
        data = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
        assert kept.validate_python(data) == model.__pydantic_validator__.validate_python(data)
        broken = json.loads(json.dumps(data, default=str))
        broken[next(iter(broken))] = 12
        broken["nonsense"] = True
        with pytest.raises(ValidationError) as a:
            kept.validate_python(broken)
        with pytest.raises(ValidationError) as b:
            model.__pydantic_validator__.validate_python(broken)
        assert a.value.errors(include_url=False) == b.value.errors(include_url=False)


def test_a_shipped_file_for_other_code_versions_or_damaged_is_not_used(tmp_path, monkeypatch):
    good = SHIPPED_FILE.read_bytes()
    path = tmp_path / "validators.json"
    doc = json.loads(good)
    for bad in (b"", b"\x00garbage{", good[: len(good) // 2], b"[]",
                json.dumps({**doc, "models": "0" * 64}).encode(), json.dumps({**doc, "format": 99}).encode(),
                json.dumps({**doc, "python": "2.7"}).encode(),
                good.replace(b'"$class": "Assign"', b'"$class": "Evil"'),
                good.replace(b'"$class": "Problem"', b'"$class": "Fix"'),  # a known class in the wrong place
                good.replace(b'"$factory": "list"', b'"$factory": "eval"', 1),
                good.replace(b'"$factory": "list"', b'"$class": "Fix"', 1)):
        path.write_bytes(bad)
        _shipped(monkeypatch, path)
        assert store.shipped_validator() is None, bad[:80]
    path.write_bytes(good)
    _shipped(monkeypatch, path)
    assert store.shipped_validator() is not None
    monkeypatch.setattr(pydantic_core, "__version__", "0.0.0")  # another pydantic-core
    _shipped(monkeypatch, path)
    assert store.shipped_validator() is None and store.shipped_validator(models.Plan) is None
    monkeypatch.undo()
    _shipped(monkeypatch, tmp_path / "missing.json")  # a checkout where the file was deleted
    assert store.shipped_validator() is None


def test_the_blocks_a_plan_leaves_out_default_as_pydantic_makes_them():
    """documents:, its fonts: and score: left out of tasklist.yaml are made without validation
    (models.DEFAULT_FACTORIES), exactly as pydantic's Model() makes them."""
    for factory, model in ((models.default_documents, models.Documents), (models.default_fonts, models.DocumentFonts),
                           (models.default_score, models.Score)):
        made, theirs = factory(), model()
        assert type(made) is model and made == theirs
        assert made.model_fields_set == theirs.model_fields_set == set()
        assert made.model_dump() == theirs.model_dump() and made.model_dump_json() == theirs.model_dump_json()
    assert models.default_documents().fonts == models.DocumentFonts()


def test_a_command_with_no_store_has_pydantic_generate_no_schema(tmp_path, monkeypatch):
    """CC_NO_CACHE=1 (and a new machine's first command): the validators come from the shipped
    schemas and the left-out blocks from their factories; pydantic generates nothing, and the
    answer is the one pydantic's validators give."""
    import yaml

    data = copy_data(tmp_path)
    plan = yaml.safe_load((data / "tasklist.yaml").read_text(encoding="utf-8"))
    del plan["documents"], plan["score"]
    (data / "tasklist.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for model in (models.Plan, models.UnitsFile):
        monkeypatch.setattr(model, "__pydantic_complete__", False)
    monkeypatch.setattr(store, "_MODEL_VALIDATORS", {})
    expected = _status(monkeypatch, tmp_path, None)  # pydantic's validators (no shipped schemas here)

    def no_schema(*args, **kwargs):
        raise AssertionError("pydantic generated a schema")

    _shipped(monkeypatch)
    monkeypatch.setattr(store, "_MODEL_VALIDATORS", {})
    for model in (models.Plan, models.UnitsFile, models.Documents, models.DocumentFonts, models.Score):
        monkeypatch.setattr(model, "__pydantic_complete__", False)
        monkeypatch.setattr(model, "model_rebuild", no_schema)
    monkeypatch.setattr(loading, "TypeAdapter", no_schema)
    assert _status(monkeypatch, tmp_path, None) == expected
