import re

import numpy as np

from training.simulator import names


def test_vendor_names_carry_digit_runs_genuine_mostly_not():
    rng = np.random.default_rng(0)
    vendor = names.vendor_names(rng, np.arange(2_000) % names.VENDOR_STYLES)
    genuine = names.genuine_names(rng, 2_000)
    run = re.compile(r"\d{4,}$")
    assert np.mean([bool(run.search(n)) for n in vendor]) > 0.7
    assert np.mean([bool(run.search(n)) for n in genuine]) < 0.05
    assert np.mean([any(c.isdigit() for c in n) for n in genuine]) < 0.45
    assert max(len(n) for n in np.r_[vendor, genuine]) <= names.MAX_NAME


def test_make_unique_is_case_insensitive():
    rng = np.random.default_rng(0)
    out = names.make_unique(rng, np.array(["anna", "Anna", "anna", "bob"] * 50))
    assert len({n.lower() for n in out}) == len(out)
    assert out[0] == "anna" and out[3] == "bob"


def test_bios_are_empty_where_absent():
    rng = np.random.default_rng(0)
    present = np.array([True, False] * 10)
    for make in (names.genuine_bios, names.bot_bios, names.mass_bios):
        bios = make(rng, 20, present)
        assert all(b == "" for b in bios[~present])
        assert all(b for b in bios[present])
