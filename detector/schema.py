"""The account-graph contract, version 1: names, kinds and codes in one place.

docs/graph-format.md explains each field; the validator (``detector.validate``), the
columnar reader (``detector.io``) and the OpenAPI description (``api.openapi``) all read
these tables, so the contract is written down exactly once.
"""

from __future__ import annotations

FORMAT = "account-graph/1"
#: Formats accepted in the ``format`` field (omitted means ``FORMAT``).
FORMATS = (FORMAT,)

#: Edge types; ``source`` acts on ``target``. The code is the index.
EDGE_TYPES = ("follow", "unfollow", "like", "comment", "share", "mention")
EDGE_CODE = {name: code for code, name in enumerate(EDGE_TYPES)}
FOLLOW, UNFOLLOW = EDGE_CODE["follow"], EDGE_CODE["unfollow"]
#: Edge types that are interactions (engagement) rather than follow-graph changes.
INTERACTIONS = tuple(EDGE_CODE[t] for t in ("like", "comment", "share", "mention"))

#: Classes, in the order every model uses. The code is the index; -1 means unlabelled.
LABELS = ("genuine", "bought", "mass_follow")
LABEL_CODE = {name: code for code, name in enumerate(LABELS)}

#: Optional training split carried by the data; -1 means none given.
SPLITS = ("train", "val", "test")
SPLIT_CODE = {name: code for code, name in enumerate(SPLITS)}

#: Platforms an account may say it comes from (the simulator's platform styles). People
#: differ by platform (Twitter users follow about twice their audience, Instagram users
#: about as many as follow them), so the model reads it; omitted means unknown, as for
#: any other platform.
PLATFORMS = ("twitter", "instagram", "tiktok")
PLATFORM_CODE = {name: code for code, name in enumerate(PLATFORMS)}

#: Optional account fields by kind. Every one may be omitted or null: missing is not zero.
COUNT_FIELDS = (
    "followers_count",
    "following_count",
    "posts_count",
    "likes_count",
    "listed_count",
    # For data sets that publish only the length of the user name (Cresci-2015) or
    # the number of digits in it (InstaFake); ignored when ``username`` is present.
    "username_length",
    "username_digits",
)
BOOL_FIELDS = ("has_avatar", "verified", "private")
TEXT_FIELDS = ("username", "bio")
TIME_FIELDS = ("created_at",)
#: Fields with a fixed set of values: the platform, and two that appear only in training
#: data (the class and the split).
ENUM_FIELDS = {"platform": PLATFORMS, "label": LABELS, "split": SPLITS}

ACCOUNT_FIELDS = ("id",) + COUNT_FIELDS + BOOL_FIELDS + TEXT_FIELDS + TIME_FIELDS + tuple(
    ENUM_FIELDS
)
EDGE_FIELDS = ("source", "target", "type", "at", "weight", "rank")

#: Largest count we accept; beyond this a number is not a real platform count.
MAX_COUNT = 10**12
#: Largest edge weight (interactions merged into one edge).
MAX_WEIGHT = 10**9
#: Largest ``rank`` of a follow (its place in the target's follower list, 0 = oldest):
#: ten billion, more places than any platform has accounts, and exact in float64.
MAX_RANK = 10**10
#: Longest id, username or bio we keep (characters).
MAX_ID_LENGTH = 256
MAX_TEXT_LENGTH = 10_000


def json_schema() -> dict:
    """The contract as JSON Schema (draft 2020-12), used in the OpenAPI description.

    The validator is stricter than this schema in what JSON Schema cannot say
    (unique ids, endpoints that exist, parseable timestamps, ``rank`` only on follows and
    unique per target); both accept the same shapes.
    """
    count = {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_COUNT}
    flag = {"type": ["boolean", "null"]}
    text = {"type": ["string", "null"], "maxLength": MAX_TEXT_LENGTH}
    stamp = {"type": ["string", "null"], "format": "date-time"}
    account = {
        "type": "object",
        "required": ["id"],
        "properties": {
            "id": {"type": "string", "minLength": 1, "maxLength": MAX_ID_LENGTH},
            **{name: count for name in COUNT_FIELDS},
            **{name: flag for name in BOOL_FIELDS},
            **{name: text for name in TEXT_FIELDS},
            **{name: stamp for name in TIME_FIELDS},
            **{name: {"enum": [*values, None]} for name, values in ENUM_FIELDS.items()},
        },
    }
    edge = {
        "type": "object",
        "required": ["source", "target", "type"],
        "properties": {
            "source": {"type": "string"},
            "target": {"type": "string"},
            "type": {"enum": list(EDGE_TYPES)},
            "at": stamp,
            "weight": {"type": ["integer", "null"], "minimum": 1, "maximum": MAX_WEIGHT},
            "rank": {
                "type": ["integer", "null"], "minimum": 0, "maximum": MAX_RANK,
                "description": "follow edges only: the follower's place in the target's "
                               "follower list, 0 = the oldest follower; unique per target, "
                               "gaps allowed. Follows without `at` get a time estimated "
                               "from it (docs/follow-times.md).",
            },
        },
    }
    return {
        "type": "object",
        "required": ["accounts"],
        "properties": {
            "format": {"enum": list(FORMATS)},
            "target": {"type": ["string", "null"]},
            "observed_at": stamp,
            "accounts": {"type": "array", "items": account},
            "edges": {"type": "array", "items": edge},
        },
    }
