"""Shared by the importer tests: the hand-written fixture files and a fixed clock."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from importers.audience import Imported
from importers.output import write

FIXTURES = Path(__file__).parent / "fixtures"
#: The import's wall-clock time in tests: 2025-01-01T00:00:00Z.
NOW = 1_735_689_600.0


@pytest.fixture
def written(tmp_path):
    """Write an ``Imported`` as JSON and return the document as read back from disk."""

    def run(imported: Imported) -> dict:
        path, _ = write(imported, tmp_path / "graph.json")
        return orjson.loads(path.read_bytes())

    return run


def follows(doc: dict) -> list[dict]:
    """The follow edges to the document's target, in rank order."""
    edges = [e for e in doc["edges"] if e["type"] == "follow" and e["target"] == doc["target"]]
    return sorted(edges, key=lambda e: e["rank"])


def accounts(doc: dict) -> dict[str, dict]:
    return {a["id"]: a for a in doc["accounts"]}


def messages(issues) -> list[str]:
    return [str(issue) for issue in issues]
