"""The account-graph contract, its validation, features and the tensor builder."""

from detector.errors import DetectorError, GraphValidationError, Issue, ModelFileError
from detector.features import FEATURE_NAMES, FEATURE_SCHEMA_VERSION, compute_features
from detector.graph import AccountGraph, Accounts, Edges
from detector.io import MalformedInputError, load_graph, parse_json, save_graph
from detector.schema import EDGE_TYPES, FORMAT, LABELS
from detector.tensors import NUM_RELATIONS, RELATIONS, to_data
from detector.validate import parse_graph

__all__ = [
    "AccountGraph", "Accounts", "DetectorError", "EDGE_TYPES", "Edges", "FEATURE_NAMES",
    "FEATURE_SCHEMA_VERSION", "FORMAT", "GraphValidationError", "Issue", "LABELS",
    "MalformedInputError", "ModelFileError", "NUM_RELATIONS", "RELATIONS",
    "compute_features", "load_graph", "parse_graph", "parse_json", "save_graph", "to_data",
]
