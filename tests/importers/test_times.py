"""Whole columns of platform time stamps -> epoch seconds."""

from datetime import UTC, date, datetime

import numpy as np

from importers.times import days_from_civil, iso, twitter_v1


def test_v1_times_match_strptime_on_random_stamps():
    rng = np.random.default_rng(0)
    seconds = rng.integers(-2_000_000_000, 4_000_000_000, size=2_000)
    offsets = rng.choice(["+0000", "-0130", "+0545"], size=len(seconds))
    stamps = [datetime.fromtimestamp(int(s), UTC).strftime("%a %b %d %H:%M:%S ") + o
              + datetime.fromtimestamp(int(s), UTC).strftime(" %Y")
              for s, o in zip(seconds, offsets, strict=True)]
    expected = [datetime.strptime(s, "%a %b %d %H:%M:%S %z %Y").timestamp() for s in stamps]
    out, bad = twitter_v1(stamps)
    assert out.tolist() == expected and len(bad) == 0


def test_v1_missing_impossible_and_other_forms():
    out, bad = twitter_v1(["Wed Oct 10 20:19:24 +0000 2018", None, "Thu Feb 29 00:00:00 +0000 2023",
                           "2020-01-01T00:00:00Z", "yesterday", "Wed Oct 10 20:19:24 +0000 18"])
    assert out[0] == 1539202764 and np.isnan(out[1]) and out[3] == 1577836800
    assert bad.tolist() == [2, 4, 5]
    assert np.isnan(out[bad]).all()


def test_iso_times_with_offsets_fractions_and_old_years():
    out, bad = iso(["2013-12-14T04:35:55.000Z", None, "2024-11-02T04:14:00+01:00",
                    "2024-11-02 03:14", "0001-01-01T00:00:00Z", "not a time"])
    assert out[0] == 1386995755 and np.isnan(out[1])
    assert out[2] == out[3] == 1730517240
    assert out[4] == -62135596800
    assert bad.tolist() == [5]


def test_days_from_civil_agrees_with_datetime():
    days = np.arange(-719_162, 2_000_000, 997)  # 0001-01-01 onwards
    dates = [date.fromordinal(719_163 + int(d)) for d in days]
    year = np.array([d.year for d in dates])
    month = np.array([d.month for d in dates])
    day = np.array([d.day for d in dates])
    assert (days_from_civil(year, month, day) == days).all()
