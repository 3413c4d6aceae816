"""networkx interop: node-link JSON in, ``networkx`` graphs out.

Posting node-link JSON is handled by ``detector.validate.parse_graph`` directly (it
validates ids and endpoints first: ``networkx.node_link_graph`` would silently invent
nodes for unknown endpoints and keep the last of duplicate ids).
"""

from __future__ import annotations

import networkx as nx

from detector.graph import AccountGraph
from detector.io import graph_to_document
from detector.validate import parse_graph


def from_networkx(graph: nx.Graph, target: str | None = None) -> AccountGraph:
    """Validate a networkx graph whose nodes and edges carry contract attributes."""
    doc = nx.node_link_data(graph, edges="edges")
    if target is not None:
        doc["target"] = target
    return parse_graph(doc)


def to_networkx(graph: AccountGraph) -> nx.MultiDiGraph:
    """The graph as a ``MultiDiGraph`` (node and edge attributes as in the contract:
    ``rank`` included, a follow time estimated from it left out, as in the documents
    ``detector.io`` writes, so ``from_networkx`` estimates it again).

    Meant for small graphs and exploration; the hot paths never build one.
    """
    doc = graph_to_document(graph)
    out = nx.MultiDiGraph(target=doc.get("target"))
    if "observed_at" in doc:
        out.graph["observed_at"] = doc["observed_at"]
    for record in doc["accounts"]:
        out.add_node(record["id"], **{k: v for k, v in record.items() if k != "id"})
    for record in doc["edges"]:
        out.add_edge(record["source"], record["target"],
                     **{k: v for k, v in record.items() if k not in ("source", "target")})
    return out
