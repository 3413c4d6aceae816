"""Score tables written to CSV or Parquet."""

from __future__ import annotations

import pandas as pd
import pytest

from training.tables import write_table


@pytest.mark.parametrize("name", ["scores.csv", "scores.parquet"])
def test_a_written_table_reads_back_and_has_the_umask_permissions(umask_022, tmp_path, name):
    table = pd.DataFrame({"id": ["a", "b"], "p_genuine": [0.25, 0.5]})
    out = tmp_path / "out" / name
    write_table(table, out)
    again = pd.read_csv(out) if name.endswith(".csv") else pd.read_parquet(out)
    assert again.to_dict("list") == table.to_dict("list")
    assert out.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in out.parent.iterdir()] == [name]  # no temporary file left
