"""All-or-nothing conversions of JSON columns, for the common, valid case.

Each function takes one field's values from every record (a Python list) and returns the
typed numpy column only when every value is valid; otherwise ``None``, and the caller
(``detector.validate``) runs its careful path, which names each bad value. So these
functions never build a message; they must refuse every column the careful path finds
fault with, and give exactly its result on every column they take.

They are fast because every pass over a column runs in C: ``map`` with a built-in
(``dict.get``, ``type``, a dict lookup), ``list.count``, ``str.join``, one regular
expression over the joined ids, and numpy on the joined timestamp bytes. Types are
checked exactly (``type(v) is int``), as the careful path does, because converters
coerce silently: numpy reads ``True`` as 1 and ``None`` as NaN, ``str.join`` takes a
``str`` subclass. What remains is about 25 ns per value and pass; a 10,000-edge column
costs 0.2 to 0.9 ms. pyarrow was no help: ``pa.array`` of the edge dicts alone takes
2.5 ms (typed) to 4.4 ms (inferred), and its typed form turns ``1.5`` into the int64 1.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from itertools import chain, compress, repeat
from operator import is_not
from typing import Any

import numpy as np

NONE = type(None)
#: Characters refused in ids.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")

#: A joined time is ``YYYY-MM-DDTHH:MM:SSZ|``: the lowest and highest byte at each of
#: the 21 positions. The tens of month, day, hour, minute and second are bounded here;
#: the rest of the calendar is checked on the numbers.
_LOW = np.frombuffer(b"0000-00-00T00:00:00Z|", dtype=np.uint8)
_SPAN = np.frombuffer(b"9999-19-39T29:59:59Z|", dtype=np.uint8) - _LOW
_GIVEN = {str: 1, NONE: 0}
#: Gregorian calendar tables for years 0 to 9999 and months 0 to 19 (0 and 13 to 19
#: have no days, so no day is valid in them).
_YEARS = np.arange(10_000)
_LEAP = ((_YEARS % 4 == 0) & ((_YEARS % 100 != 0) | (_YEARS % 400 == 0))).astype(np.intp)
_YEAR_DAYS = np.concatenate([[0], np.cumsum(365 + _LEAP[:-1])])
_YEAR_START = _YEAR_DAYS - _YEAR_DAYS[1970]  # days from 1970-01-01 to 1 January
_MONTH_DAYS = np.zeros((2, 20), dtype=np.intp)
_MONTH_DAYS[:, 1:13] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
_MONTH_DAYS[1, 2] = 29
_MONTH_START = (np.cumsum(_MONTH_DAYS, axis=1) - _MONTH_DAYS).ravel()  # days before it
_MONTH_DAYS = _MONTH_DAYS.ravel()  # both indexed by 20 * leap + month


class Checked(list):
    """A column whose decoder has already checked every value's type: each is exactly
    one of ``kinds`` (``detector.typed``: msgspec decodes JSON into declared types).
    ``only`` then answers without a pass over the values."""

    __slots__ = ("kinds",)

    def __init__(self, values: Iterable[Any], kinds: frozenset[type]) -> None:
        super().__init__(values)
        self.kinds = kinds


def only(col: list, *kinds: type) -> bool:
    """Whether every value's type is one of ``kinds``, exactly (``True`` is no ``int``)."""
    if type(col) is Checked and col.kinds.issubset(kinds):
        return True
    types = list(map(type, col))
    left = len(types)
    for kind in kinds:  # the commonest first: list.count is fastest on identical items
        left -= types.count(kind)
        if not left:
            break
    return not left


def column(records: list[dict], name: str, exact: bool = True) -> list:
    """``[r.get(name) for r in records]``; ``exact`` says every record is a plain
    ``dict`` (then the lookup runs in C)."""
    if exact:
        return list(map(dict.get, records, repeat(name)))
    return [r.get(name) for r in records]


def strings(col: list) -> np.ndarray | None:
    """Object array of the values if every one is a ``str``."""
    if not only(col, str):
        return None
    return np.fromiter(col, dtype=object, count=len(col))


def ids(col: list, max_length: int) -> np.ndarray | None:
    """Object array of the ids if every one is a ``str`` of 1 to ``max_length``
    characters without control characters."""
    if col and not (
        only(col, str)
        and 0 < min(map(len, col))
        and max(map(len, col)) <= max_length
        and CONTROL.search("".join(col)) is None
    ):
        return None
    return np.fromiter(col, dtype=object, count=len(col))


def texts(col: list, max_length: int) -> np.ndarray | None:
    """Object array if every value is ``None`` or a ``str`` of at most ``max_length``."""
    if not only(col, str, NONE):
        return None
    if max(map(len, filter(None, col)), default=0) > max_length:
        return None
    return np.fromiter(col, dtype=object, count=len(col))


def integers(col: list, low: int, high: int) -> np.ndarray | None:
    """Float64 array (NaN where ``None``) if every value is ``None`` or an ``int`` (not a
    ``bool``, not a float) in ``[low, high]``."""
    if col.count(None) == len(col):
        return np.full(len(col), np.nan)
    if not only(col, int, NONE):
        return None
    try:  # None becomes NaN
        out = np.fromiter(col, dtype=object, count=len(col)).astype(np.float64)
    except OverflowError:
        return None
    if ((out < low) | (out > high)).any():
        return None
    return out


def table(
    cols: list[list], convert: Callable[..., np.ndarray | None], *args: Any
) -> list[np.ndarray] | None:
    """``[convert(col, *args) for col in cols]`` (all of the same length) in one call,
    which saves the per-call overhead on short columns; ``None`` if any is refused."""
    n = len(cols[0]) if cols else 0
    joined = list(chain.from_iterable(cols))
    if cols and all(type(col) is Checked for col in cols):
        joined = Checked(joined, frozenset().union(*(col.kinds for col in cols)))
    out = convert(joined, *args)
    return None if out is None else list(out.reshape(len(cols), n))


def booleans(col: list) -> np.ndarray | None:
    """Float64 array of 0/1 (NaN where ``None``) if every value is a ``bool`` or ``None``."""
    if col.count(None) == len(col):
        return np.full(len(col), np.nan)
    if not only(col, bool, NONE):
        return None
    # True 1.0, False 0.0, None NaN
    return np.fromiter(col, dtype=object, count=len(col)).astype(np.float64)


def codes(col: list, table: dict[Any, int]) -> np.ndarray | None:
    """Int8 codes ``table[v]`` if every value is a ``str`` or ``None`` found in ``table``
    (which maps ``None`` too when a missing value is allowed)."""
    if None in table and col.count(None) == len(col):
        return np.full(len(col), table[None], dtype=np.int8)
    if not only(col, *((str, NONE) if None in table else (str,))):
        return None
    shifted = {key: code + 1 for key, code in table.items()}  # bytes are 0 to 255
    try:
        raw = bytearray(map(shifted.__getitem__, col))
    except KeyError:
        return None
    return np.frombuffer(raw, dtype=np.int8) - np.int8(1)


def timestamps(col: list) -> np.ndarray | None:
    """Epoch seconds (NaN where ``None``) if every value is ``None`` or a valid
    ``YYYY-MM-DDTHH:MM:SSZ`` (the form we write), read as UTC.

    The values are joined with ``|`` into one ASCII string and read as an ``(n, 21)``
    byte array: a value of any other length would put a byte other than ``|`` in the
    last column or a ``|`` inside a row, which the byte bounds refuse.
    """
    if type(col) is Checked and col.kinds.issubset(_GIVEN):  # 1 where a string, 0 where None
        flags = bytes(map(is_not, col, repeat(None)))  # twice as fast as the type lookup
    else:
        try:
            flags = bytes(map(_GIVEN.__getitem__, map(type, col)))
        except KeyError:
            return None
    given = np.frombuffer(flags, dtype=np.bool_)
    n, text = len(col), int(np.count_nonzero(given))
    if text < n:
        if not text:
            return np.full(n, np.nan)
        col = compress(col, flags)  # drops the Nones only, so each string makes a row
    try:
        raw = ("|".join(col) + "|").encode("ascii")
    except UnicodeEncodeError:
        return None
    if len(raw) != 21 * text:
        return None
    rows = np.frombuffer(raw, dtype=np.uint8).reshape(text, 21)
    if not ((rows - _LOW) <= _SPAN).all():  # below the lowest byte wraps around
        return None
    # One contiguous row of bytes per position; int32 from here (a matrix product would
    # call BLAS, whose threads cost more than they save).
    b = np.ascontiguousarray(rows.T)
    i10, i100, i1000 = np.int32(10), np.int32(100), np.int32(1000)
    year = b[0] * i1000 + b[1] * i100 + b[2] * i10 + b[3] - np.int32(48 * 1111)
    month, day = b[5] * i10 + b[6] - np.int32(528), b[8] * i10 + b[9] - np.int32(528)
    hour = b[11] * i10 + b[12] - np.int32(528)
    clock = hour * np.int32(3600) + (b[14] * i10 + b[15] - np.int32(528)) * np.int32(60)
    clock += b[17] * i10 + b[18] - np.int32(528)
    at = _LEAP[year] * 20 + month  # row of the calendar tables
    # Year 0, month 13, February 30, hour 24 do not exist (nor minute or second 60,
    # refused by the bounds), and datetime.fromisoformat refuses them all: the careful
    # path names them.
    if not ((year >= 1) & (day >= 1) & (day <= _MONTH_DAYS[at]) & (hour <= 23)).all():
        return None
    seconds = (_YEAR_START[year] + _MONTH_START[at] + day - 1) * 86400.0 + clock
    if text == n:
        return seconds
    out = np.full(n, np.nan)
    out[given] = seconds
    return out
