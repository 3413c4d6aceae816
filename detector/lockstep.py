"""Lockstep and creation batches: how many others acted at about the same moment.

Two kinds of count, both vectorised over the whole graph:

- **Raw counts** (``lockstep``, ``creation_batch_sizes``): others following the same
  target within an hour, accounts created within an hour. They grow with the graph: in
  a million-account graph an ordinary account has dozens of "batch mates" by chance.
- **Excess over the local rate** (``lockstep_excess``, ``creation_excess``): the same
  count against what the surrounding days' rate predicts, with ``SLACK`` more allowed
  for chance, ``max(0, log(1 + count) - log(1 + rate x window + SLACK))``. An organic
  stream, or two follows that happen to fall in one hour, scores 0 at any size; a
  delivered order or a vendor batch scores far above. These are what a model trained
  on small simulated graphs can carry over to real graphs of any size.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

DAY = 86_400.0
#: Follows of one target within this many seconds of each other count as "in lockstep".
SYNC_WINDOW = 3_600.0
#: Accounts created within this many seconds of each other count as "one batch".
BATCH_WINDOW = 3_600.0
#: Half-width of the window whose rate is the baseline of ``lockstep_excess``.
SYNC_BASELINE = 3 * DAY
#: Half-width of the window whose rate is the baseline of ``creation_excess``.
BATCH_BASELINE = 30 * DAY
#: Others a window may hold beyond its expected count by chance: two or three follows (or
#: sign-ups) within the hour happen; lockstep and batches are many at once.
SLACK = 3.0


def lockstep(
    src: np.ndarray,
    dst: np.ndarray,
    at: np.ndarray,
    mask: np.ndarray,
    n: int,
    window: float = SYNC_WINDOW,
) -> tuple[np.ndarray, np.ndarray]:
    """Per source account: mean and max of log(1 + others acting on the same target
    within ``window`` seconds, both ends included), over its timed edges in ``mask``.

    One sort by ``(target, time)`` and two binary searches (``_Sorted.others``) over
    keys that order edges by target, then time, exactly, so a window never crosses
    targets: a float key ``target * span + time`` with a non-integer or unbounded span
    rounded at large target indices and moved edges across a window's end.
    """
    edges = _Sorted.of(src, dst, at, mask, n, window)
    return _per_owner(edges.owner, np.log1p(edges.others(window).astype(np.float64)), n)


def lockstep_excess(
    src: np.ndarray,
    dst: np.ndarray,
    at: np.ndarray,
    mask: np.ndarray,
    n: int,
    window: float = SYNC_WINDOW,
    baseline: float = SYNC_BASELINE,
) -> tuple[np.ndarray, np.ndarray]:
    """Per source account: mean and max, over its timed edges in ``mask``, of
    ``log(1 + others on the same target within window) - log(1 + others within
    baseline x window / baseline + SLACK)``, floored at 0: lockstep beyond the target's
    own rate at the time and beyond chance. A follow in a quiet hour next to busy ones
    is no evidence either way, so a deficit counts as 0; accounts without a timed edge
    get 0 for both."""
    return lockstep_and_excess(src, dst, at, mask, n, window, baseline)[1]


def lockstep_and_excess(
    src: np.ndarray,
    dst: np.ndarray,
    at: np.ndarray,
    mask: np.ndarray,
    n: int,
    window: float = SYNC_WINDOW,
    baseline: float = SYNC_BASELINE,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """``(lockstep(...), lockstep_excess(...))`` of the same edges from one sort and
    one window count (the feature pass wants both for follows)."""
    edges = _Sorted.of(src, dst, at, mask, n, max(window, baseline))
    near = edges.others(window).astype(np.float64)
    around = edges.others(baseline).astype(np.float64)
    excess = np.log1p(near) - np.log1p(around * (window / baseline) + SLACK)
    return (_per_owner(edges.owner, np.log1p(near), n),
            _per_owner(edges.owner, np.maximum(excess, 0.0), n))


class _Sorted(NamedTuple):
    """The timed edges in ``mask`` ordered by (target, time): their owners (sources),
    and either one exact integer key per edge or the targets and times."""

    owner: np.ndarray
    key: np.ndarray | None  # int64, sorted; None when ``_integer_key`` has none
    d: np.ndarray | None  # without a key: the targets and times, in order
    t: np.ndarray | None
    widest: float  # the largest window ``others`` may be asked for

    @classmethod
    def of(cls, src: np.ndarray, dst: np.ndarray, at: np.ndarray, mask: np.ndarray,
           n: int, widest: float) -> _Sorted:
        """``widest``: the largest window the caller will search."""
        sel = np.flatnonzero(mask & ~np.isnan(at))
        s, d, t = src[sel], dst[sel], at[sel]
        key = _integer_key(d, t, widest)
        if key is None:
            order = _by_target_then_time(d, t, n)
            return cls(s[order], None, d[order], t[order], widest)
        # Edges with equal keys are interchangeable (a window count depends on the key
        # alone), so the sort need not be stable: numpy's vectorised quicksort on int64
        # orders 7M follows in a quarter of the stable complex-key sort's time.
        order = np.argsort(key)
        return cls(s[order], key[order], None, None, widest)

    def others(self, window: float) -> np.ndarray:
        """Per edge: other edges on its target within ``window`` seconds."""
        if window > self.widest:  # the integer key keeps targets apart up to ``widest``
            raise ValueError(f"window {window} is wider than the {self.widest} sorted for")
        if len(self.owner) == 0:
            return np.zeros(0, np.int64)
        if self.key is None:
            low, high = _windows(self.d, self.t, window)
        else:  # whole-second times: within w of each other is within floor(w)
            w = np.int64(np.floor(window))
            low = np.searchsorted(self.key, self.key - w, "left")
            high = np.searchsorted(self.key, self.key + w, "right")
        return high - low - 1


def _integer_key(d: np.ndarray, t: np.ndarray, widest: float) -> np.ndarray | None:
    """``d * G + (t - min t)`` as int64, with ``G`` a power of two above the time span
    plus twice ``widest``: exact, ordered by (target, time), and no window of at most
    ``widest`` reaches another target. ``None`` unless every time is a whole second
    (every ``...Z`` timestamp) and the keys fit."""
    if len(t) == 0 or not np.isfinite(widest) or not np.array_equal(t, np.floor(t)):
        return None
    low = t.min()
    span = float(t.max() - low)
    gap = 2.0 ** np.ceil(np.log2(span + 2 * widest + 2))
    if float(d.max()) * gap + span + widest >= 2.0**62:
        return None
    return d.astype(np.int64) * np.int64(gap) + (t - low).astype(np.int64)


def _per_owner(owner: np.ndarray, value: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and max of ``value`` per owning account (0 for accounts without one)."""
    total = np.bincount(owner, weights=value, minlength=n)
    k = np.bincount(owner, minlength=n)
    peak = np.zeros(n)
    np.maximum.at(peak, owner, value)
    return total / np.maximum(k, 1), peak


def _windows(d: np.ndarray, t: np.ndarray, window: float) -> tuple[np.ndarray, np.ndarray]:
    """For edges sorted by ``(d, t)`` with times that are not all whole seconds: the
    first and one past the last edge on the same target within ``window`` of each, by
    the complex key ``d + 1j * t`` (numpy orders complex numbers by real, then imaginary
    part), which is exact for any times."""
    target = d.astype(np.float64)
    key = target + 1j * t
    return (np.searchsorted(key, target + 1j * (t - window), "left"),
            np.searchsorted(key, target + 1j * (t + window), "right"))


def _by_target_then_time(d: np.ndarray, t: np.ndarray, n: int) -> np.ndarray:
    """An order by ``(d, t)`` (edges with equal target and time in any order): numpy's
    vectorised sort by time, then a least-significant-digit radix sort of the targets,
    16 bits per stable pass (numpy sorts 16-bit integers stably by radix). Two passes
    at a million accounts take half the time of the stable complex-key sort
    ``d + 1j * t``."""
    order = np.argsort(t)
    for shift in range(0, max(int(n - 1).bit_length(), 1), 16):
        digit = ((d[order] >> shift) & 0xFFFF).astype(np.uint16)
        order = order[np.argsort(digit, kind="stable")]
    return order


def creation_batch_sizes(created_at: np.ndarray, window: float = BATCH_WINDOW) -> np.ndarray:
    """How many other accounts of the graph were created within ``window`` seconds."""
    out = np.zeros(len(created_at))
    known = ~np.isnan(created_at)
    out[known] = _others_within(created_at[known], window)
    return out


def _others_within(t: np.ndarray, width: float) -> np.ndarray:
    """Per value of ``t``: how many others lie within ``width`` of it, both ends included.

    The searches run in sorted order and the counts are scattered back: searching a
    million unsorted values misses the cache at every step, ten times slower."""
    order = np.argsort(t)
    ts = t[order]
    out = np.empty(len(t))
    out[order] = (np.searchsorted(ts, ts + width, "right")
                  - np.searchsorted(ts, ts - width, "left") - 1)
    return out


def creation_excess(created_at: np.ndarray, by_day: bool | None = None) -> np.ndarray:
    """Per account: ``log(1 + others created within BATCH_WINDOW) - log(1 + the count
    the surrounding BATCH_BASELINE days predict for such a window + SLACK)``, floored
    at 0 (an
    account created on a quiet day beside a vendor's busy ones is no evidence of being
    genuine); 0 where the creation time is unknown.

    Creation dates that carry no time of day (every known one at midnight UTC, as in
    Cresci-2015 or a "joined in" month) count the same day as the window instead;
    ``by_day`` overrides that test, for a caller that sees only a slice of the dates
    (the Ray Data pass decides it once for the whole graph).
    """
    out = np.zeros(len(created_at))
    known = ~np.isnan(created_at)
    t = created_at[known]
    if len(t) == 0:
        return out
    if by_day is None:
        by_day = bool(np.all(np.mod(t, DAY) == 0))
    window = 0.0 if by_day else BATCH_WINDOW
    share = DAY / (2 * BATCH_BASELINE + DAY) if by_day else window / BATCH_BASELINE
    excess = (np.log1p(_others_within(t, window))
              - np.log1p(_others_within(t, BATCH_BASELINE) * share + SLACK))
    out[known] = np.maximum(excess, 0.0)
    return out


#: Time buckets of ``lockstep_cohort``: a follow meets the others of its bucket and of the
#: buckets next to it, so "together" means within one to two hours.
COHORT_WINDOW = SYNC_WINDOW
#: Creation buckets of ``lockstep_cohort``: "created together" means within 30 to 60 days.
COHORT_CREATED = 30 * DAY


def lockstep_cohort(src: np.ndarray, dst: np.ndarray, at: np.ndarray, mask: np.ndarray,
                    created: np.ndarray, n: int) -> np.ndarray:
    """Per source account: the most, over its timed edges in ``mask``, that the others
    acting on the same target at about the same time were also *created* at about the
    same time as it, beyond what the target's whole audience predicts:
    ``max(0, log(1 + close) - log(1 + near x share + SLACK))``.

    ``near`` counts the others on the target within ``COHORT_WINDOW`` buckets (the same
    hour bucket or the next), ``close`` those of them created within ``COHORT_CREATED``
    buckets of it, and ``share`` is the fraction of all the target's actors created that
    close to it. A delivered order is a run of one vendor's stock, created together even
    when the stock is years old: it scores high. A viral post or a starter pack brings
    people of every age at once: ``close`` is what ``share`` predicts, and it scores 0.
    Accounts without a creation date, or without timed edges, get 0. Buckets make the
    windows approximate (one to two hours, 30 to 60 days) and the count exact and fast:
    a few sorts over the edges, no loop.
    """
    out = np.zeros(n)
    sel = np.flatnonzero(mask & ~np.isnan(at) & ~np.isnan(created[src]))
    if len(sel) == 0:
        return out
    s, d = src[sel], dst[sel].astype(np.int64)
    tb = np.floor(at[sel] / COHORT_WINDOW).astype(np.int64)
    cb = np.floor(created[s] / COHORT_CREATED).astype(np.int64)
    tb -= tb.min() - 1  # room for the neighbours at -1 and +1
    cb -= cb.min() - 1
    t_span, c_span = int(tb.max()) + 2, int(cb.max()) + 2

    def counts(key: np.ndarray, order: np.ndarray, shifts: tuple[int, ...] = (0,)
               ) -> np.ndarray:
        """Per edge: edges whose cell key is within 1 of its own plus one of ``shifts``;
        ``order`` sorts ``key``."""
        ordered = key[order]
        new = np.empty(len(ordered), dtype=bool)
        new[0] = True
        np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
        starts = np.flatnonzero(new)
        per = np.diff(np.append(starts, len(ordered)))
        total = sum(_around(ordered[starts], per, shift) for shift in shifts)
        out = np.empty(len(key))
        out[order] = total[np.cumsum(new) - 1]
        return out

    # One sort serves "close" and "near": ordered by (target, time, creation) is
    # ordered by (target, time) too. An edge's count depends on its key alone, not on
    # where it lands among equal keys, so the sorts need not be stable (a third faster).
    by_time = np.argsort((d * t_span + tb) * c_span + cb)
    close = counts((d * t_span + tb) * c_span + cb, by_time, (-c_span, 0, c_span)) - 1
    near = counts(d * t_span + tb, by_time) - 1
    by_creation = np.argsort(d * c_span + cb)
    alike = counts(d * c_span + cb, by_creation) - 1
    audience = np.bincount(d, minlength=n)[d] - 1
    share = alike / np.maximum(audience, 1)
    excess = np.log1p(close) - np.log1p(near * share + SLACK)
    np.maximum.at(out, s, np.maximum(excess, 0.0))
    return out


def _around(cells: np.ndarray, per: np.ndarray, shift: int) -> np.ndarray:
    """Per cell ``c`` of the sorted, unique integer ``cells``: the sum of ``per`` over the
    cells in ``[c + shift - 1, c + shift + 1]``. Without a shift those are the cell and
    its two neighbours in the array, so no search is needed: at a million accounts (5M
    cells) the searches were most of the feature pass's cohort time."""
    if shift == 0:
        total = per.astype(np.float64)
        total[1:] += np.where(cells[:-1] == cells[1:] - 1, per[:-1], 0)
        total[:-1] += np.where(cells[1:] == cells[:-1] + 1, per[1:], 0)
        return total
    # Otherwise a difference of running sums between two searches: per-cell gathers of
    # the three candidates cost twice as much at 5M cells.
    running = np.zeros(len(cells) + 1, dtype=np.int64)
    np.cumsum(per, out=running[1:])
    low = cells + (shift - 1)
    first = np.searchsorted(cells, low, "left")
    last = np.searchsorted(cells, low + 2, "right")
    return (running[last] - running[first]).astype(np.float64)
