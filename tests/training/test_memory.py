"""A part's memory helpers: trimming the heap is harmless, the peak only grows."""

from __future__ import annotations

import numpy as np

from training.partwise import memory


def test_trim_is_harmless_and_keeps_live_data():
    kept = np.arange(1_000_000, dtype=np.int64)
    garbage = [np.ones(1000) for _ in range(2000)]
    del garbage
    assert memory.trim() in (True, False)
    assert memory.trim() in (True, False)  # again, with nothing left to return
    assert kept.sum() == 999_999 * 1_000_000 // 2


def test_the_peak_is_in_mb_and_never_falls():
    before = memory.peak_rss_mb()
    block = np.ones(50 * 2**20 // 8)  # 50 MB, touched
    after = memory.peak_rss_mb()
    del block
    memory.trim()
    assert 10 < before <= after
    assert memory.peak_rss_mb() >= after
