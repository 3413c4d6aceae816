"""The statistics behind campaign detection: a scan of the follower map for blocks of
consecutive followers whose creation dates cluster.

Zouzou & Varol, "Unsupervised detection of coordinated fake-follower campaigns on social
media" (EPJ Data Science, 2024) plot a target's followers by follow order against
creation date, the *follower map*: bought followers, delivered in runs from a vendor's
stock, show as dense horizontal streaks, while genuine followers scatter. This module
finds the streaks in one list, given the creation dates in follow order
(docs/campaigns.md has the reasoning and the measured error rates).

1. **Two views of a date.** The date itself, and its *lag*: how long before the newest
   creation date seen so far in the list (the running maximum, a lower bound of the follow
   time) the account was created. Genuine lists have structure in each view that is no
   campaign: creation waves (many accounts made in the same months) are horizontal bands
   of the date view but slanted in the lag view; newly made accounts that follow soon
   after signing up hug the diagonal of the date view but lie flat in the lag view. A
   campaign is tight in both, so a block must stand out in both views (the p-value of a
   follower is the larger of its two).
2. **Local ranks (the null model).** In each view a follower's value becomes ``u``, its
   place among the values of the followers within ``reference * w`` positions of it
   (the local empirical CDF, equal values in random order). Were the values shuffled
   among neighbours, which keeps the slow drift along the list but destroys blocks,
   ``u`` would be uniform on [0, 1]. In the date view the reference is cut at the
   running maximum of the follower's block: later followers include accounts that did
   not exist yet, and would make the block's dates look old. Counts are kept per block of
   ``reference * w / 8`` positions and per global quantile of the values, so each
   transform is a few array passes.
3. **Cells.** For windows of ``w`` consecutive followers (``windows``, stepped by
   ``w / 2``) and bands of width ``d`` of ``u`` (``bands``, stepped by ``d / 2``; pairs
   expecting ``min_expected`` to ``max_expected`` per cell), a cell counts the window's
   followers whose ``u`` lies in the band: under the null ``Binomial(n, d)``, tail
   ``P = I_d(k, n - k + 1)``. A cell is flagged when ``P < alpha / cells`` (Bonferroni
   over every cell of every scale), it holds at least ``min_lift`` times its expected
   count and at least ``min_cell`` followers. Small windows go first; followers they find
   are left out of larger ones, so one tight block does not make its wide window look
   like a campaign.
4. **Iteration.** The found followers leave the reference and the scan runs again
   (``passes``), so a long campaign does not hide in the reference it inflates.
5. **Grouping.** Found followers are grouped by 8-connected components of a grid of 32
   positions by 1/128 of the date's global quantile: genuine followers arriving in
   between do not split a campaign, two blocks of different dates side by side stay two.
   Groups under ``min_size`` are dropped.

Everything is numpy and ``scipy`` over arrays, both views at once along a leading axis;
Python loops run per scale and pass only. A list of 1,000,000 dated followers takes about
1 to 1.5 s, 1,000 about 2 ms (docs/campaigns.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import label
from scipy.special import betainc

#: Finest quantile bins of a view (a power of two); coarser scales merge them.
RESOLUTION = 1_024
#: Date quantile bins of the grid campaigns are grouped on (step 5).
GROUP_BINS = 128
#: Blocks of the reference on either side of a follower's own block.
REFERENCE_BLOCKS = 8


@dataclass(frozen=True)
class ScanConfig:
    """Knobs of the scan; the defaults are the documented ones (docs/campaigns.md)."""

    alpha: float = 0.01  # chance that a campaign-free list shows one (Bonferroni bound)
    min_size: int = 20  # fewest followers in a reported campaign
    min_cell: int = 10  # fewest followers in a flagged cell
    min_lift: float = 3.0  # a flagged cell holds at least this times its expected count
    windows: tuple[int, ...] = (32, 128, 512, 2048, 8192, 32768)  # followers per window
    bands: tuple[float, ...] = (1 / 4, 1 / 16, 1 / 64, 1 / 256)  # widths of the u bands
    min_expected: float = 8.0  # scan only window-band pairs expecting this many per cell
    max_expected: float = 32.0  # ... and at most this many
    reference: float = 8.0  # reference neighbourhood: this many windows on either side
    min_reference: int = 256  # ... and at least this many followers on either side
    passes: int = 2  # scans, each without the followers the one before found
    views: tuple[str, ...] = ("date", "lag")  # a block must stand out in each (step 1)
    seed: int = 0  # order of equal values (the result is reproducible)

    def __post_init__(self) -> None:
        if not 0 < self.alpha < 1:
            raise ValueError(f"alpha must lie in (0, 1), got {self.alpha}")
        if self.min_size < 2 or self.min_cell < 2 or self.passes < 1:
            raise ValueError("min_size and min_cell must be at least 2, passes at least 1")
        if any(w < 4 for w in self.windows) or any(not 0 < d < 1 for d in self.bands):
            raise ValueError("windows must be at least 4 and bands within (0, 1)")
        if not self.views or set(self.views) - {"date", "lag"}:
            raise ValueError(f"views must be some of 'date' and 'lag', got {self.views}")


@dataclass(frozen=True)
class ScanResult:
    """Per input follower: campaign id (-1 none, numbered in follow order) and the
    p-value of the cell that found it (1 when none); ``tests``: cells tested per view."""

    group: np.ndarray
    p_value: np.ndarray
    tests: int

    @property
    def count(self) -> int:
        return int(self.group.max()) + 1 if len(self.group) else 0


def scan(created: np.ndarray, config: ScanConfig | None = None) -> ScanResult:
    """Find blocks of consecutive followers with clustered creation dates.

    Args:
        created: creation time per follower in follow order (oldest follower first);
            NaN where unknown (such followers are skipped and never in a campaign).
        config: the scan's knobs.

    Shapes:
        ``created``: [M]; the result's arrays: [M].
    """
    config = config or ScanConfig()
    created = np.asarray(created, dtype=np.float64)
    group = np.full(len(created), -1, dtype=np.int64)
    p_out = np.ones(len(created))
    known = np.flatnonzero(~np.isnan(created))
    m = len(known)
    scales = _scales(m, config)
    if m < config.min_size or not scales:
        return ScanResult(group, p_out, 0)
    dates = created[known]
    values = {"date": dates, "lag": np.maximum.accumulate(dates) - dates}
    views = _Views([values[v] for v in config.views], cut=[v == "date" for v in config.views],
                   seed=config.seed)
    tests = sum(_windows(m, w) * (round(2 / d) - 1) for w, d in scales)
    found = np.zeros(m, dtype=bool)
    for _ in range(config.passes):
        flagged, p_view = _flag(views, ~found, scales, config.alpha / tests, config)
        now, p = flagged.all(axis=0), p_view.max(axis=0)
        if np.array_equal(now, found):
            break
        found = now
    by_date = views.ordinal[0] if config.views[0] == "date" else _ordinal(dates, config.seed)
    ids = _groups(np.flatnonzero(now), by_date / m, config.min_size)
    group[known] = ids
    p_out[known] = np.where(ids >= 0, p, 1.0)
    return ScanResult(group, p_out, tests)


class _Views:
    """Views of the same followers' dates, ranked within each view: ``ordinal``
    ``[V, M]`` (0 = smallest, ties in random order), the finest quantile bins
    (``RESOLUTION``, equal counts) and whether each view's reference is ``cut`` at the
    running maximum of a block."""

    def __init__(self, values: list[np.ndarray], cut: list[bool], seed: int) -> None:
        self.ordinal = np.stack([_ordinal(v, seed) for v in values])
        self.cut = np.array(cut)
        m = self.ordinal.shape[1]
        self.bins = min(m, RESOLUTION)
        self.start = np.searchsorted(np.arange(m) * self.bins // m, np.arange(self.bins + 1))
        self.size = np.diff(self.start)
        self._binned: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._grids: dict[tuple[int, int], _Grid] = {}

    def grid(self, half_width: int, bins: int) -> _Grid:
        """The reference layout of a scale, built once per scan."""
        if (half_width, bins) not in self._grids:
            self._grids[half_width, bins] = _Grid.of(self, half_width, bins)
        return self._grids[half_width, bins]

    def binned(self, factor: int) -> tuple[np.ndarray, np.ndarray]:
        """``place(ordinal, factor)`` of every value, computed once per factor."""
        if factor not in self._binned:
            self._binned[factor] = self.place(self.ordinal, factor)
        return self._binned[factor]

    def place(self, ordinal: np.ndarray, factor: int) -> tuple[np.ndarray, np.ndarray]:
        """Quantile bin of each ordinal, ``factor`` finest bins per bin, and its place in
        the bin (0 to 1)."""
        fine = ordinal * self.bins // self.ordinal.shape[1]
        within = (ordinal - self.start[fine] + 0.5) / self.size[fine]
        return fine // factor, (fine % factor + within) / factor


def _ordinal(values: np.ndarray, seed: int) -> np.ndarray:
    """Rank of each value among all (0 = smallest), equal values in random order."""
    order = np.argsort(values)  # ties are shuffled below, so no stable sort is needed
    ranked = values[order]
    tie = np.r_[False, ranked[1:] == ranked[:-1]]
    if tie.any():  # shuffle each run of equal values (few and short as a rule)
        tied = np.flatnonzero(tie | np.r_[tie[1:], False])
        run = np.cumsum(~tie[tied])
        shuffled = np.lexsort((np.random.default_rng(seed).random(len(tied)), run))
        order[tied] = order[tied[shuffled]]
    out = np.empty(len(values), dtype=np.int64)
    out[order] = np.arange(len(values))
    return out


@dataclass(frozen=True)
class _Grid:
    """Where each follower's value falls in the reference counts of one scale: ``[V, nb,
    bins]`` counts per view, block of positions and quantile bin; flat indices, so that
    the gathers of ``local_ranks`` are one-dimensional."""

    blocks: int
    bins: int
    key: np.ndarray  # [V, M]: flat (view, block, bin) of each follower
    within: np.ndarray  # [V, M]: its place in the bin
    row: np.ndarray  # [V, M]: flat (view, block)
    lo: np.ndarray  # [nb]: first block of each block's reference
    hi: np.ndarray  # [nb]: one past its last
    top: np.ndarray  # [V, nb]: flat (view, block, bin) of the block's running maximum
    top_within: np.ndarray  # [V, nb]: its place in the bin

    @classmethod
    def of(cls, views: _Views, half_width: int, bins: int) -> _Grid:
        n_views, m = views.ordinal.shape
        factor = max(1, views.bins // bins)
        bins = -(-views.bins // factor)
        q, within = views.binned(factor)
        size = max(1, -(-half_width // REFERENCE_BLOCKS))
        block = np.arange(m) // size
        nb = int(block[-1]) + 1
        b = np.arange(nb)
        view = np.arange(n_views)[:, None]
        row = view * nb + block
        top = np.maximum.accumulate(views.ordinal, axis=1)[:, np.minimum((b + 1) * size, m) - 1]
        tq, tw = views.place(top, factor)
        return cls(nb, bins, row * bins + q, within, row, np.maximum(b - REFERENCE_BLOCKS, 0),
                   np.minimum(b + REFERENCE_BLOCKS + 1, nb), (view * nb + b) * bins + tq, tw)


def local_ranks(views: _Views, weight: np.ndarray, grid: _Grid) -> np.ndarray:
    """``u`` per view and follower, ``[V, M]``: the share of the weighted followers within
    about a reference's width of positions whose value is below its own (module
    docstring, step 2).

    Args:
        views: the values, ranked.
        weight: who counts in the reference (bool, ``[M]``).
        grid: the scale's reference layout (``_Grid.of(views, half_width, bins)``).
    """
    n_views = views.ordinal.shape[0]
    shape = (n_views, grid.blocks, grid.bins)
    counts = np.bincount(grid.key[:, weight].ravel(), minlength=np.prod(shape))
    cum = np.zeros((n_views, grid.blocks + 1, grid.bins), dtype=np.int64)
    np.cumsum(counts.reshape(shape), axis=1, out=cum[:, 1:])
    near = cum[:, grid.hi] - cum[:, grid.lo]  # [V, nb, bins]
    below = (np.cumsum(near, axis=2) - near).ravel()
    total = near.sum(axis=2).astype(np.float64)
    near = near.ravel()
    if views.cut.any():  # the reference ends at the block's running maximum
        cut = below[grid.top] + grid.top_within * near[grid.top]
        total = np.where(views.cut[:, None], cut, total)
    with np.errstate(invalid="ignore", divide="ignore"):
        u = (below[grid.key] + grid.within * near[grid.key]) / total.ravel()[grid.row]
    u[np.isnan(u)] = 0.5  # an empty reference (everyone around was found): no evidence
    return np.clip(u, 0.0, np.nextafter(1.0, 0.0), out=u)  # below 1: u * bins is a bin


def _half_width(w: int, config: ScanConfig) -> int:
    return max(config.min_reference, int(config.reference * w))


def _scales(m: int, config: ScanConfig) -> list[tuple[int, float]]:
    """The (window, band) pairs scanned for a list of ``m`` dated followers."""
    return [(w, d) for w in sorted(config.windows) if w <= m
            for d in sorted(config.bands, reverse=True)
            if config.min_expected <= w * d <= config.max_expected]


def _windows(m: int, w: int) -> int:
    """Windows of ``w`` stepped by ``w / 2`` over ``m`` positions."""
    return max(1, -(-m // (w // 2)) - 1)


def _flag(views: _Views, weight: np.ndarray, scales: list[tuple[int, float]],
          threshold: float, config: ScanConfig) -> tuple[np.ndarray, np.ndarray]:
    """Per view, the followers inside a flagged cell and the p-value of the first cell
    that took each (``[V, M]`` each)."""
    n_views, m = views.ordinal.shape
    pos = np.arange(m)
    view = np.arange(n_views)[:, None]
    found = np.zeros((n_views, m), dtype=bool)
    live = np.ones((n_views, m), dtype=bool)
    p_value = np.ones((n_views, m))
    last = None
    for w, d in scales:
        half, bins = w // 2, round(2 / d)
        if w != last:  # one transform per window size, fine enough for its finest band
            finest = min(b for v, b in scales if v == w)
            grid = views.grid(_half_width(w, config), 8 * round(1 / finest))
            u = local_ranks(views, weight, grid)
            a = pos // half
            na = int(a[-1]) + 1
            rows = view * (na + 1) + a  # na + 1 rows per view: an empty one pads each
            last = w
        c = (u * bins).astype(np.int64)
        halves = np.bincount((rows * bins + c)[live], minlength=n_views * (na + 1) * bins)
        halves = halves.reshape(n_views, na + 1, bins)[:, : max(na, 2)]
        pairs = halves[:, :-1] + halves[:, 1:]  # [V, windows, half-bands]
        cell = pairs[:, :, :-1] + pairs[:, :, 1:]  # [V, windows, bands]
        n = pairs.sum(axis=2)
        least = np.maximum(config.min_cell, config.min_lift * d * n)
        candidate = cell >= least[:, :, None]
        v, i, j = np.nonzero(candidate)
        if len(i) == 0:
            continue
        k = cell[v, i, j]
        p = betainc(k, n[v, i] - k + 1, d)
        hit = p < threshold
        if not hit.any():
            continue
        # A follower in half-cell (a, c) lies in the cells (a-1..a, c-1..c); look only
        # at followers of windows with a flagged cell.
        cell_p = np.ones((n_views, cell.shape[1] + 2, bins + 1))
        cell_p[v[hit], i[hit] + 1, j[hit] + 1] = p[hit]
        hot = np.zeros((n_views, cell.shape[1] + 2), dtype=bool)
        hot[v[hit], i[hit] + 1] = True
        vv, near = np.nonzero(live & (hot[view, a] | hot[view, a + 1]))
        an, cn = a[near], c[vv, near]
        best = np.minimum.reduce([cell_p[vv, an, cn], cell_p[vv, an + 1, cn],
                                  cell_p[vv, an, cn + 1], cell_p[vv, an + 1, cn + 1]])
        took = best < 1.0
        found[vv[took], near[took]] = True
        live[vv[took], near[took]] = False
        p_value[vv[took], near[took]] = best[took]
    return found, p_value


def _groups(rows: np.ndarray, position: np.ndarray, min_size: int) -> np.ndarray:
    """Campaign id per follower (-1 none): 8-connected components of the found
    followers on a grid of 32 positions by 1/128 of ``position`` (a date quantile in
    [0, 1)), at least ``min_size`` each, numbered in follow order."""
    ids = np.full(len(position), -1, dtype=np.int64)
    if len(rows) < min_size:
        return ids
    x = rows // 32
    y = np.minimum((position[rows] * GROUP_BINS).astype(np.int64), GROUP_BINS - 1)
    grid = np.zeros((int(x.max()) + 1, GROUP_BINS), dtype=bool)
    grid[x, y] = True
    labels, _ = label(grid, structure=np.ones((3, 3), dtype=bool))
    component = labels[x, y] - 1
    sizes = np.bincount(component)
    first = np.full(len(sizes), len(position), dtype=np.int64)
    np.minimum.at(first, component, rows)
    kept = np.flatnonzero(sizes >= min_size)
    renumber = np.full(len(sizes), -1, dtype=np.int64)
    renumber[kept[np.argsort(first[kept], kind="stable")]] = np.arange(len(kept))
    ids[rows] = renumber[component]
    return ids
