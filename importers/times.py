"""Platform time stamps -> epoch seconds, a whole column at a time.

A million ``created_at`` values parsed one by one with ``datetime.strptime`` take about
ten seconds; read as a fixed-width byte matrix they take a fraction of one. Values that
do not fit the fast form go through the careful parser one by one, and those it cannot
read either come back as row numbers, for the caller to name in a warning.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from detector.validate import parse_timestamp

#: Twitter v1.1's form: ``Wed Oct 10 20:19:24 +0000 2018``.
V1_FORMAT = "%a %b %d %H:%M:%S %z %Y"
_MONTHS = {name: i + 1 for i, name in enumerate(
    "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split())}
#: The month name read as one number (its three bytes, big-endian) -> month 1..12.
_MONTH_KEYS = np.array(sorted(int.from_bytes(m.encode(), "big") for m in _MONTHS))
_MONTH_OF_KEY = np.array([_MONTHS[int(k).to_bytes(3, "big").decode()] for k in _MONTH_KEYS])
_DIGITS = [8, 9, 11, 12, 14, 15, 17, 18, 21, 22, 23, 24, 26, 27, 28, 29]
_FIXED = {3: b" ", 7: b" ", 10: b" ", 13: b":", 16: b":", 19: b" ", 25: b" ", 30: b"|"}
_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def twitter_v1(values: list[str | None]) -> tuple[np.ndarray, np.ndarray]:
    """Seconds of v1.1 ``created_at`` strings (ISO 8601 is read too).

    Returns:
        The seconds (NaN where missing or unreadable) and the rows that were given but
        could not be read.
    """
    out = np.full(len(values), np.nan)
    if None in values:
        rows = np.array([i for i, v in enumerate(values) if v is not None], dtype=np.int64)
        given = [values[i] for i in rows.tolist()]
    else:
        rows, given = np.arange(len(values)), values
    if not len(rows):
        return out, rows
    fast, ok = _v1_fixed(given)
    out[rows[ok]] = fast[ok]
    bad = []
    for i in rows[~ok].tolist():
        seconds = _v1_one(values[i])
        if seconds is None:
            bad.append(i)
        else:
            out[i] = seconds
    return out, np.array(bad, dtype=np.int64)


def _v1_fixed(values: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The fixed-width fast path: each value as 30 bytes (plus a ``|`` separator)."""
    n = len(values)
    try:
        raw = ("|".join(values) + "|").encode("ascii")
    except UnicodeEncodeError:
        return np.full(n, np.nan), np.zeros(n, dtype=bool)
    if len(raw) != 31 * n:  # some value has another length: judge each one alone
        return np.full(n, np.nan), np.zeros(n, dtype=bool)
    m = np.frombuffer(raw, dtype=np.uint8).reshape(n, 31)
    ok = np.ones(n, dtype=bool)
    for pos, char in _FIXED.items():
        ok &= m[:, pos] == ord(char)
    d = {pos: m[:, pos].astype(np.int32) - 48 for pos in _DIGITS}
    for digit in d.values():
        ok &= (digit >= 0) & (digit <= 9)
    sign = m[:, 20]
    ok &= (sign == ord("+")) | (sign == ord("-"))
    key = (m[:, 4].astype(np.int32) << 16) | (m[:, 5].astype(np.int32) << 8) | m[:, 6]
    slot = np.searchsorted(_MONTH_KEYS, key).clip(max=len(_MONTH_KEYS) - 1)
    ok &= _MONTH_KEYS[slot] == key
    month = _MONTH_OF_KEY[slot]
    day, hour = d[8] * 10 + d[9], d[11] * 10 + d[12]
    minute, second = d[14] * 10 + d[15], d[17] * 10 + d[18]
    year = d[26] * 1000 + d[27] * 100 + d[28] * 10 + d[29]
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    ok &= (day >= 1) & (day <= _DAYS_IN_MONTH[month] + (leap & (month == 2)))
    ok &= (hour < 24) & (minute < 60) & (second < 60)
    offset = ((d[21] * 10 + d[22]) * 60 + d[23] * 10 + d[24]) * 60
    offset = np.where(sign == ord("-"), -offset, offset)
    days = days_from_civil(year.astype(np.int64), month, day)
    seconds = days * 86_400 + hour * 3600 + minute * 60 + second
    return (seconds - offset).astype(np.float64), ok


def days_from_civil(year: np.ndarray, month: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of proleptic Gregorian dates (H. Hinnant's algorithm)."""
    y = year - (month <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    doy = (153 * (month + np.where(month > 2, -3, 9)) + 2) // 5 + day - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146_097 + doe - 719_468


def _v1_one(value: object) -> float | None:
    if type(value) is not str:
        return None
    try:
        return datetime.strptime(value, V1_FORMAT).timestamp()
    except ValueError:
        return parse_timestamp(value)


def iso(values: list[str | None]) -> tuple[np.ndarray, np.ndarray]:
    """Seconds of ISO 8601 strings (a time without offset is UTC, as in the contract).

    Returns:
        The seconds (NaN where missing or unreadable) and the rows that were given but
        could not be read.
    """
    series = pd.Series(values, dtype=object)
    given = series.notna().to_numpy()
    stamps = pd.to_datetime(series, format="ISO8601", utc=True, errors="coerce")
    naive = stamps.dt.tz_localize(None).to_numpy()  # datetime64 at pandas' chosen unit
    out = naive.astype("datetime64[ms]").astype(np.int64) / 1e3
    out[np.isnat(naive)] = np.nan
    bad = []
    for i in np.flatnonzero(given & np.isnan(out)).tolist():
        seconds = parse_timestamp(values[i])
        if seconds is None:
            bad.append(i)
        else:
            out[i] = seconds
    return out, np.array(bad, dtype=np.int64)
