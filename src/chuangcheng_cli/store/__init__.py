"""The record on disk: YAML/JSONL loading with file:line:col, the locked append-only journal,
the checks (one per diagnostic code), the cache and append index, the evidence archive."""
