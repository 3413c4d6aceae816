"""The account-graph contract, its validation, features, reasons and the audit.

Only torch-free names are re-exported here, so importing ``detector`` (as every ``ffd``
command and the gunicorn master do) does not load torch; the tensor builder is
``detector.tensors.to_data``.
"""

from detector.errors import DetectorError, GraphValidationError, Issue, ModelFileError
from detector.features import FEATURE_NAMES, FEATURE_SCHEMA_VERSION, compute_features
from detector.graph import AccountGraph, Accounts, Edges
from detector.io import MalformedInputError, load_graph, parse_json, save_graph
from detector.schema import EDGE_TYPES, FORMAT, LABELS
from detector.validate import parse_graph

__all__ = [
    "AccountGraph", "Accounts", "DetectorError", "EDGE_TYPES", "Edges", "FEATURE_NAMES",
    "FEATURE_SCHEMA_VERSION", "FORMAT", "GraphValidationError", "Issue", "LABELS",
    "MalformedInputError", "ModelFileError", "compute_features", "load_graph",
    "parse_graph", "parse_json", "save_graph",
]
