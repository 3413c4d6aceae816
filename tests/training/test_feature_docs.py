"""The docs stay true: features.md is generated from FEATURES, and the examples of
graph-format.md are accepted (or refused) as the page says."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from detector.errors import GraphValidationError
from detector.features import FEATURES
from detector.validate import parse_graph
from training.feature_docs import FEATURES_DOC, main, render_features_doc

GRAPH_FORMAT = FEATURES_DOC.parent / "graph-format.md"


def test_features_doc_is_up_to_date() -> None:
    assert FEATURES_DOC.read_text(encoding="utf-8") == render_features_doc(), (
        "docs/features.md is stale: run `python -m training.feature_docs`"
    )


def test_features_doc_lists_every_feature_once() -> None:
    text = render_features_doc()
    for index, feature in enumerate(FEATURES):
        assert text.count(f"| {index} | `{feature.name}` |") == 1


def test_check_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "features.md"
    assert main(["--check", "--out", str(out)]) == 1
    assert main(["--out", str(out)]) == 0
    assert main(["--check", "--out", str(out)]) == 0
    out.write_text(out.read_text() + "edited by hand\n")
    assert main(["--check", "--out", str(out)]) == 1
    assert "out of date" in capsys.readouterr().err


def test_graph_format_example_is_valid() -> None:
    text = GRAPH_FORMAT.read_text(encoding="utf-8")
    example = json.loads(re.search(r"```json\n(.*?)```", text, re.S).group(1))
    graph = parse_graph(example)
    assert graph.target_id == "brand_x" and graph.num_edges == 3 and not graph.warnings


def test_graph_format_error_examples_are_real() -> None:
    # A few rows of the page's table, checked against the validator's actual words.
    text = GRAPH_FORMAT.read_text(encoding="utf-8")
    accounts = [{"id": f"u{i}"} for i in range(3)] + [{"id": "u3", "followers_count": -4}]
    edges = [{"source": "u0", "target": "u1", "type": "follow"}] * 12
    edges = edges + [{"source": "u0", "target": "u99", "type": "like"}]
    with pytest.raises(GraphValidationError) as info:
        parse_graph({"accounts": accounts, "edges": edges})
    for issue in info.value.errors:
        assert f"  {issue}\n" in text

