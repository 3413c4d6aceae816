"""A store with snapshots and analysts' labels, filled through the real API: a target
``star`` observed on several days, each day with its own genuine-looking followers
(``d<day>g<i>``) and its own batch of followers created and arriving together
(``d<day>b<i>``), which the tiny test model calls bought."""

from __future__ import annotations

from tests.api.conftest import DAY, T0, audit_document, iso

ADMIN = "admin-key"


def snapshot_document(day: int, genuine: int, batch: int) -> dict:
    """``tests.api.conftest.audit_document`` observed ``day`` days on, its follower ids
    prefixed ``d<day>``."""
    doc = audit_document(genuine, batch)

    def rename(account: str) -> str:
        return account if account == "star" else f"d{day}{account}"

    for record in doc["accounts"]:
        record["id"] = rename(record["id"])
    for edge in doc["edges"]:
        edge["source"], edge["target"] = rename(edge["source"]), rename(edge["target"])
    doc["observed_at"] = iso(T0 + day * DAY)
    return doc


def fill(client, days: int = 3, genuine: int = 12, batch: int = 12,
         batch_label: str = "mass_follow") -> dict[str, str]:
    """Post ``days`` snapshots and label every follower: genuine-looking ones
    ``genuine``, the batch ``batch_label``; the labels posted."""
    labels = {}
    for day in range(days):
        response = client.post("/v1/targets/star/snapshots",
                               json=snapshot_document(day, genuine, batch))
        assert response.status_code == 201, response.get_json()
        labels.update({f"d{day}g{i}": "genuine" for i in range(genuine)})
        labels.update({f"d{day}b{i}": batch_label for i in range(batch)})
    response = client.post("/v1/labels", json=[{"account": a, "label": c}
                                                for a, c in labels.items()])
    assert response.status_code == 201, response.get_json()
    return labels
