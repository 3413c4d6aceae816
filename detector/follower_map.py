"""The follower map of an audit: every follower's place in the follow order against its
creation date, with the model's verdict, as compact parallel arrays for a chart.

``rank`` is the place in the follow order (``detector.follow_order``: the ``rank``, or
the position by follow time), ``created_day`` the creation date in whole days since
1970-01-01 (UTC), ``label`` the index of the predicted class in ``classes``. Followers
without a creation date cannot be placed and are only counted (``undated``). A list of
more than ``max_points`` dated followers is thinned to every ``step``-th of them in
follow order, so the answer stays bounded (about 14 bytes of JSON per point: 1.4 MB at
the default 100,000); campaigns are outlined from the audit's ``campaigns``, which are
found on the whole list.
"""

from __future__ import annotations

import numpy as np

from detector.follow_order import FollowOrder
from detector.graph import AccountGraph

#: Most points a map carries (``AuditConfig.map_points``).
MAX_POINTS = 100_000
DAY = 86_400.0


def follower_map(graph: AccountGraph, order: FollowOrder, proba: np.ndarray,
                 classes: tuple[str, ...], max_points: int = MAX_POINTS) -> dict[str, object]:
    """The map's JSON object (module docstring).

    Args:
        graph: the audited graph.
        order: the target's followers in follow order.
        proba: ``[num_accounts, len(classes)]`` class probabilities.
        classes: the model's class names.
        max_points: most points returned.
    """
    created = graph.accounts.created_at[order.src]
    dated = np.flatnonzero(~np.isnan(created))
    step = max(1, -(-len(dated) // max(1, max_points)))
    shown = dated[::step]
    return {
        "by": order.by,
        "followers": len(order),
        "undated": len(order) - len(dated),
        "step": step,
        "shown": len(shown),
        "classes": list(classes),
        "rank": order.place[shown].tolist(),
        "created_day": np.floor(created[shown] / DAY).astype(np.int64).tolist(),
        "label": proba[order.src[shown]].argmax(axis=1).tolist(),
    }
