"""Mass followers: fast follow sessions, follow-backs, unfollows days later."""

import numpy as np

from detector.schema import EDGE_CODE, LABEL_CODE

DAY = 86_400.0
MASS = LABEL_CODE["mass_follow"]


def _pairs(graph, kind):
    e = graph.edges
    mask = e.type == EDGE_CODE[kind]
    return e.src[mask], e.dst[mask], e.at[mask]


def test_mass_followers_churn(realistic):
    g = realistic
    n, label = g.num_accounts, g.accounts.label
    f_src, f_dst, f_at = _pairs(g, "follow")
    u_src, u_dst, u_at = _pairs(g, "unfollow")
    assert (label[u_src] == MASS).all()  # nobody else unfollows
    from_mass = label[f_src] == MASS
    undone = np.isin(f_src * n + f_dst, u_src * n + u_dst)
    assert 0.4 < undone[from_mass].mean() < 0.9
    # Each unfollow comes a day or more after the first follow, nearly all within a month
    # (a later unfollow means the pair was followed again after being followed back).
    follow_at = dict(zip((f_src * n + f_dst).tolist(), f_at.tolist(), strict=True))
    delay = np.array([u - follow_at[k] for k, u in zip((u_src * n + u_dst).tolist(),
                                                         u_at.tolist(), strict=True)])
    timed = ~np.isnan(delay)
    assert (delay[timed] >= DAY - 1).all()
    assert np.quantile(delay[timed], 0.95) <= 31 * DAY


def test_unfollows_hit_those_who_did_not_follow_back(realistic):
    g = realistic
    n, label = g.num_accounts, g.accounts.label
    f_src, f_dst, _ = _pairs(g, "follow")
    u_src, u_dst, _ = _pairs(g, "unfollow")
    mass = label[f_src] == MASS
    back = np.isin(f_dst * n + f_src, f_src * n + f_dst)
    undone = np.isin(f_src * n + f_dst, u_src * n + u_dst)
    assert undone[mass & ~back].mean() > 2 * undone[mass & back].mean()


def test_mass_followers_follow_fast_and_get_followed_back(realistic):
    g = realistic
    label = g.accounts.label
    f_src, f_dst, f_at = _pairs(g, "follow")
    rate = {}
    for cls in (LABEL_CODE["genuine"], MASS):
        own = (label[f_src] == cls) & ~np.isnan(f_at)
        span = np.array([np.ptp(f_at[own & (f_src == s)]) for s in np.unique(f_src[own])[:300]])
        counts = np.array([(own & (f_src == s)).sum() for s in np.unique(f_src[own])[:300]])
        rate[cls] = np.median(counts / np.maximum(span / DAY, 1.0))
    assert rate[MASS] > 10 * rate[LABEL_CODE["genuine"]]
    followers_in_graph = np.bincount(f_dst, minlength=g.num_accounts)
    assert np.median(followers_in_graph[label == MASS]) >= 3
