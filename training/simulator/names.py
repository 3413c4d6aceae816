"""User names and bios, generated as whole numpy string columns.

Genuine names come from people's names and words, sometimes with a birth year; vendors
stamp out one template each (name + digit run, random letters + digits), which is the
pattern Cresci et al. and HypeAuditor report for bought accounts. Names are at most 15
characters (Twitter's limit) and unique, as a platform enforces: a taken name gets
digits appended, which is why real genuine names carry digits too.
"""

from __future__ import annotations

import numpy as np

MAX_NAME = 15

FIRST = np.array((
    "anna maria laura sara julia emma lena nina sofia elena clara marta alice eva lucy "
    "kate emily olivia mia zoe chloe grace ruby ella amy jade leah nora ines rosa tara "
    "james john david michael daniel thomas paul mark peter luca marco pablo diego hugo "
    "leo max ben sam tom jack harry oliver noah liam adam omar ali yusuf ivan igor "
    "kenji yuki hana mei chen wei arjun priya ravi neha kofi ama tunde zara aisha musa "
    "felix oscar theo jonas lukas finn erik lars nils sven tobias carla lucia paula"
).split())
LAST = np.array((
    "smith jones brown taylor wilson evans thomas walker white wright green hall wood "
    "clarke hughes king lee martin garcia lopez perez gomez diaz ruiz moreno romero rossi "
    "russo ferrari bianchi romano ricci muller schmidt weber wagner becker hoffmann "
    "novak kowalski nowak dubois martin bernard petit durand silva santos costa pereira "
    "kim park choi tanaka sato suzuki wang zhang liu singh patel kumar shah okafor "
    "mensah adeyemi nielsen hansen berg larsen johansson ivanova petrov murphy kelly"
).split())
SYLLABLES = np.array((
    "ka ri na to mo la le ve sa ri an el or is en ber tan mar lin son sen dor ra ko "
    "mi ta ne lo vi da ha ru ki ya pe so ga bu fe"
).split())
WORDS = np.array((
    "coffee book sunny happy little wild blue green pixel cloud star moon river ocean "
    "forest urban city travel food art music film photo daily life dream lucky cozy "
    "bright quiet brave tiny golden silver north west retro indie vegan fitness yoga "
    "chef runner gamer reader writer maker coder design studio garden mountain surf "
    "jazz rock vinyl cat dog fox wolf bear bee owl"
).split())
ROLES = np.array([
    "teacher", "nurse", "student", "designer", "engineer", "photographer", "mum of two",
    "dad of three", "runner", "writer", "developer", "barista", "musician", "chef",
    "researcher", "lawyer", "architect", "doctor", "artist", "journalist", "farmer",
])
INTERESTS = np.array([
    "coffee", "books", "football", "travel", "cats", "hiking", "jazz", "gaming", "yoga",
    "film", "gardening", "art", "science", "food", "music", "politics", "cycling", "tea",
])
PLACES = np.array([
    "London", "Berlin", "Lagos", "Toronto", "Madrid", "Milano", "Austin", "Sydney",
    "Mumbai", "Paris", "Dublin", "Seoul", "Nairobi", "Lisbon", "Oslo", "Rome", "Leeds",
])
BOT_BIOS = np.array([
    "", "", "", "Follow me!", "Love my life", "Follow back 100%", "Just me", "Hi",
    "Living my best life", "Music lover",
])
MASS_TAGS = np.array([
    " | follow back", " | DM for collabs", " | f4f", " | growth", "", " | link below",
])

#: Vendor templates: each vendor uses one (vendor code mod the number of templates).
VENDOR_STYLES = 4


def _pick(rng: np.random.Generator, words: np.ndarray, n: int) -> np.ndarray:
    return words[rng.integers(0, len(words), n)]


def _digits(rng: np.random.Generator, low: int, high: int, n: int) -> np.ndarray:
    """Digit runs of ``low``..``high`` characters (no leading zero)."""
    k = rng.integers(low, high + 1, n)
    return rng.integers(10 ** (k - 1), 10**k).astype(str)


def _letters(rng: np.random.Generator, k: int, n: int) -> np.ndarray:
    return rng.integers(97, 123, (n, k)).astype(np.uint32).view(f"<U{k}").ravel()


def _join(*parts: np.ndarray) -> np.ndarray:
    out = parts[0]
    for part in parts[1:]:
        out = np.char.add(out, part)
    return out


def surnames(rng: np.random.Generator, n: int) -> np.ndarray:
    """Family names: a quarter from the list, the rest built from syllables (tens of
    thousands of forms), so collisions stay rare at a million accounts."""
    built = _join(*(_pick(rng, SYLLABLES, n) for _ in range(2)))
    built = np.where(rng.random(n) < 0.5, np.char.add(built, _pick(rng, SYLLABLES, n)), built)
    return np.where(rng.random(n) < 0.25, _pick(rng, LAST, n), built)


def genuine_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """Names real people pick: names and words, then sometimes a year, digits or a word."""
    style = rng.choice(8, n, p=[0.32, 0.14, 0.14, 0.03, 0.05, 0.04, 0.2, 0.08])
    first, last = _pick(rng, FIRST, n), surnames(rng, n)
    word, word2 = _pick(rng, WORDS, n), _pick(rng, WORDS, n)
    base = _select(style, [
        _join(first, last),
        _join(first, np.full(n, "_"), last),
        _join(np.char.capitalize(first), np.char.capitalize(last)),
        _join(word, word2),
        _join(first, word),
        _join(np.where(rng.random(n) < 0.5, "its", "thereal"), first, last),
        _join(first[:, None].astype("<U1")[:, 0], last),
        _join(first, np.full(n, "_"), word),
    ])
    tail = rng.choice(4, n, p=[0.64, 0.15, 0.11, 0.1])
    suffix = _select(tail, [
        np.full(n, ""),
        np.char.zfill(rng.integers(0, 100, n).astype(str), 2),
        _digits(rng, 1, 3, n),
        np.char.add("_", word2),
    ])
    return np.char.add(base, suffix).astype(f"<U{MAX_NAME}")


def vendor_names(rng: np.random.Generator, vendor: np.ndarray) -> np.ndarray:
    """One template per vendor: name + long digit run, or random letters + digits."""
    n = len(vendor)
    first, last = _pick(rng, FIRST, n), _pick(rng, LAST, n)
    options = [
        _join(first, last, _digits(rng, 4, 6, n)),
        _join(first, np.full(n, "_"), _letters(rng, 3, n), _digits(rng, 4, 4, n)),
        _join(_letters(rng, 8, n), _digits(rng, 2, 3, n)),
        _join(np.char.capitalize(first), np.char.upper(last.astype("<U1")),
              _digits(rng, 6, 8, n)),
    ]
    return _select(vendor % VENDOR_STYLES, options)


def _select(style: np.ndarray, options: list[np.ndarray]) -> np.ndarray:
    width = max(o.dtype.itemsize // 4 for o in options)
    out = np.empty(len(style), f"<U{width}")
    for k, values in enumerate(options):
        mask = style == k
        out[mask] = values[mask]
    return out.astype(f"<U{MAX_NAME}")


def make_unique(rng: np.random.Generator, names: np.ndarray) -> np.ndarray:
    """Object array of names, case-insensitively unique. A taken name first gets an
    underscore or a "the"/"real" prefix, then digits, as people do when theirs is taken."""
    names = names.astype(f"<U{MAX_NAME}")
    keys = _fold_hash(names)
    for attempt in range(10):
        _, first = np.unique(keys, return_index=True)
        repeat = np.ones(len(names), bool)
        repeat[first] = False
        if not repeat.any():
            break
        k = int(repeat.sum())
        stem = names[repeat].astype(f"<U{MAX_NAME - 4}")
        if attempt == 0:
            names[repeat] = np.char.add(names[repeat].astype(f"<U{MAX_NAME - 1}"), "_")
        elif attempt == 1:
            names[repeat] = np.char.add(np.where(rng.random(k) < 0.5, "the", "real"), stem)
        else:
            names[repeat] = np.char.add(stem, _digits(rng, 2, 4, k))
        keys[repeat] = _fold_hash(names[repeat])
    return names.astype(object)


def _fold_hash(names: np.ndarray) -> np.ndarray:
    """One int64 per name from its code points with A-Z folded to a-z, so a million
    names are compared case-insensitively without sorting strings."""
    codes = np.ascontiguousarray(names, dtype=f"<U{MAX_NAME}").view(np.uint32)
    codes = codes.reshape(len(names), MAX_NAME)
    codes = np.where((codes >= 65) & (codes <= 90), codes + 32, codes).astype(np.uint64)
    mix = np.random.default_rng(0x5EED).integers(1, 2**63, MAX_NAME, dtype=np.uint64)
    return (codes * mix).sum(axis=1, dtype=np.uint64).view(np.int64)


def genuine_bios(rng: np.random.Generator, n: int, present: np.ndarray) -> np.ndarray:
    """Bios of people: role, interests and place; ``""`` where ``present`` is False."""
    role, a, b = _pick(rng, ROLES, n), _pick(rng, INTERESTS, n), _pick(rng, INTERESTS, n)
    place = _pick(rng, PLACES, n)
    style = rng.integers(0, 3, n)
    options = [
        _join(role, np.full(n, " | "), a, np.full(n, " & "), b, np.full(n, " | "), place),
        _join(a, np.full(n, " lover. "), place),
        _join(np.char.capitalize(role), np.full(n, " at heart. Views my own.")),
    ]
    width = max(o.dtype.itemsize // 4 for o in options)
    out = np.empty(n, f"<U{width}")
    for k, values in enumerate(options):
        out[style == k] = values[style == k]
    out[~present] = ""
    return out.astype(object)


def bot_bios(rng: np.random.Generator, n: int, present: np.ndarray) -> np.ndarray:
    """Vendor bios: a handful of templates repeated across thousands of accounts."""
    out = _pick(rng, BOT_BIOS[3:], n)
    out[~present] = ""
    return out.astype(object)


def mass_bios(rng: np.random.Generator, n: int, present: np.ndarray) -> np.ndarray:
    """Growth-minded people: an ordinary bio with a follow-back or collab tag."""
    base = genuine_bios(rng, n, present).astype(str)
    out = np.char.add(base, _pick(rng, MASS_TAGS, n))
    out[~present] = ""
    return out.astype(object)
