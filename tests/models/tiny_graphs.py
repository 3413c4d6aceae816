"""Tiny hand-shaped labelled graphs: each class has its own profile and edge pattern,
so a model trained for a few epochs separates them."""

from __future__ import annotations

import numpy as np

from detector.graph import AccountGraph
from detector.validate import parse_graph

T0 = 1_700_000_000  # observation time (epoch seconds)
DAY = 86_400


#: Per class, (low, high) of followers, following, posts and age in days.
PROFILES = {
    "genuine": ((200, 50, 100, 800), (5000, 600, 3000, 3000)),
    "bought": ((0, 200, 0, 5), (15, 900, 5, 60)),
    "mass_follow": ((50, 2000, 10, 100), (500, 7000, 200, 1500)),
}


def _iso(seconds: float) -> str:
    return np.datetime_as_string(np.datetime64(int(seconds), "s")) + "Z"


def make_document(n: int = 90, seed: int = 0, classes=("genuine", "bought", "mass_follow"),
                  split: bool = False) -> dict:
    """An ``account-graph/1`` document with ``n`` accounts spread over ``classes``."""
    rng = np.random.default_rng(seed)
    labels = [classes[i % len(classes)] for i in range(n)]
    accounts = []
    for i, label in enumerate(labels):
        low, high = PROFILES[label]
        followers, following, posts, age = rng.integers(low, high)
        record = {"id": f"u{i}", "label": label, "followers_count": int(followers),
                  "following_count": int(following), "posts_count": int(posts),
                  "has_avatar": label != "bought", "username": f"{label[:3]}{i}",
                  "created_at": _iso(T0 - int(age) * DAY)}
        if split:
            record["split"] = ("train", "train", "val", "test")[i % 4] if i >= 3 else "train"
        accounts.append(record)
    genuine = [i for i, c in enumerate(labels) if c == "genuine"]
    edges = []
    for i, label in enumerate(labels):
        others = rng.choice(genuine, size=min(3, len(genuine)), replace=False)
        for j in others:
            if j == i:
                continue
            at = T0 - (DAY if label == "bought" else int(rng.integers(1, 300)) * DAY)
            edges.append({"source": f"u{i}", "target": f"u{j}", "type": "follow", "at": _iso(at)})
            if label == "mass_follow":
                edges.append({"source": f"u{i}", "target": f"u{j}", "type": "unfollow",
                              "at": _iso(at + DAY)})
            if label == "genuine":
                edges.append({"source": f"u{i}", "target": f"u{j}", "type": "like"})
    return {"format": "account-graph/1", "observed_at": _iso(T0), "accounts": accounts,
            "edges": edges}


def make_graph(n: int = 90, seed: int = 0, **kwargs) -> AccountGraph:
    return parse_graph(make_document(n, seed, **kwargs))
