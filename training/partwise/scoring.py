"""A part's share of the layer-wise forward pass (``models.layerwise``).

The part computes its accounts' evidence from their own features, then, round by round,
their next ``z`` from the previous round's ``z`` of their follow neighbours: one row per
neighbour (its ``halo``), fetched from the part that owns it. It holds its accounts,
their follow edges and the halo rows, never the whole graph's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from detector.features import FEATURE_INDEX
from models.estimator import FollowerClassifier, Outputs
from models.layerwise import NodeState, finish, members_beta, node_pass, propagation_round
from training.partwise.halo import FollowHalo

#: Accounts per block of the per-account layer: its activations (members x rows x hidden
#: floats) stay a few tens of MB whatever the part's size.
BLOCK = 32_768


def _node_pass(classifier: FollowerClassifier, features: np.ndarray) -> NodeState:
    """``node_pass`` over blocks of accounts (it is per account, so blocks change nothing
    but the peak memory)."""
    blocks = []
    for start in range(0, max(len(features), 1), BLOCK):
        rows = features[start:start + BLOCK]
        x = torch.from_numpy(np.ascontiguousarray(
            classifier.normaliser_.transform(rows[:, classifier.columns_]), np.float32))
        seen = torch.from_numpy(rows[:, FEATURE_INDEX["isolated"]] < 0.5)
        with torch.inference_mode():
            blocks.append(node_pass(classifier.model_, x, seen))
    t = None if blocks[0].t is None else torch.cat([b.t for b in blocks])
    return NodeState(torch.cat([b.z0 for b in blocks]), torch.cat([b.raw for b in blocks]), t)


class PartScorer:
    """Layer-wise scoring of a part's ``core`` accounts.

    Args:
        classifier: a loaded evidence model (``EvidenceGNN`` or ``EvidenceEnsemble``).
        ids, keys: the part's accounts' ids and keys (places in the input), ``[core]``.
        features: their raw features ``[core, F]``.
        halo: their follow edges and halo (``training.partwise.halo.follow_halo``).
    """

    def __init__(self, classifier: FollowerClassifier, ids: np.ndarray, keys: np.ndarray,
                 features: np.ndarray, halo: FollowHalo) -> None:
        model = classifier.model_
        if not hasattr(model, "evidence"):
            raise ValueError(f"layer-wise scoring needs an evidence model, not {model!r}")
        # The temperature, not the model: a parked part (``training.partwise.parked``) is
        # written to disk between its stages without the model's weights.
        self.temperature, self.core, self.steps = classifier.temperature_, len(ids), model.steps
        self.ids, self.keys = ids, keys
        self.state = _node_pass(classifier, features)
        self.beta = members_beta(model).detach()
        self.degree = torch.from_numpy(halo.degree)
        self.edges = torch.from_numpy(halo.edges)
        self.owner, self.halo_keys = halo.owner, halo.keys
        self.z = self.state.z0
        self.halo_degree: torch.Tensor | None = None
        self.serving: list[np.ndarray] = []

    def requests(self, parts: int) -> list[np.ndarray]:
        """The keys of the halo accounts each part owns, in halo order."""
        bounds = np.searchsorted(self.owner, np.arange(parts + 1))
        return [self.halo_keys[bounds[p]:bounds[p + 1]] for p in range(parts)]

    def serve(self, requests: list[np.ndarray]) -> None:
        """Remember which of the part's rows each part asked for."""
        index = pd.Index(self.keys)
        self.serving = [index.get_indexer(keys) for keys in requests]
        missing = [p for p, rows in enumerate(self.serving) if (rows < 0).any()]
        if missing:
            raise RuntimeError(f"parts {missing} asked for accounts this part does not own")

    def outgoing(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """This round's ``z`` rows (and follow degrees) asked for by each part."""
        z, degree = self.z.numpy(), self.degree.numpy()
        return [(z[rows], degree[rows]) for rows in self.serving]

    def step(self, incoming: list[tuple[np.ndarray, np.ndarray]]) -> None:
        """One propagation round from the halo rows every part sent, in part order."""
        halo = torch.from_numpy(np.concatenate([z for z, _ in incoming])) if incoming else None
        if self.halo_degree is None:
            self.halo_degree = torch.from_numpy(np.concatenate([d for _, d in incoming]))
        z_all = self.z if halo is None else torch.cat([self.z, halo])
        degree = torch.cat([self.degree, self.halo_degree])
        with torch.inference_mode():
            self.z = propagation_round(self.state.z0, z_all, degree, self.edges, self.beta)

    def proba(self) -> np.ndarray:
        """Calibrated class probabilities of the part's accounts, as ``predict_proba``."""
        z, z0, t = (None if v is None else v.double().numpy()
                    for v in finish(self.z, self.state))
        return Outputs(np.zeros((len(z), 0)), z, z0, t).proba(self.temperature)
