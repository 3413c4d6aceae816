"""The TwiBot-22 directory format -> ``account-graph/1``.

TwiBot-22 (Feng et al., NeurIPS 2022) ships every bot-detection data set it benchmarks
(TwiBot-20, Cresci-2015/2017, MGTAB-style sets, ...) as four files:

- ``node.json``: a JSON list of entities; users (``id`` ``"u…"``) carry ``username``,
  ``description``, ``created_at``, ``profile_image_url``, ``verified``, ``protected`` and
  ``public_metrics`` {``followers_count``, ``following_count``, ``tweet_count``,
  ``listed_count``}; tweets (``"t…"``), lists and hashtags may follow. TwiBot-22 itself
  splits this into ``user.json`` + ``tweet_*.json``: ``user.json`` is read when there is
  no ``node.json``.
- ``edge.csv``: ``source_id,relation,target_id``.
- ``label.csv``: ``id,label`` with ``human``/``bot``.
- ``split.csv``: ``id,split`` with ``train``/``valid``/``test`` (``support`` and other
  values mean "no split": unlabelled context accounts).

Mapping:

- ``human`` -> ``genuine``, ``bot`` -> ``bought``. Caveat: TwiBot's bots are every kind
  of automated account (spam, news feeds, political bots), broader than the bought
  followers our ``bought`` class stands for; a model trained on them learns "bot".
- Follow relations: ``following``/``friend`` (the source follows the target) and
  ``followers``/``follow`` (the target is one of the source's followers, so it follows
  the source; reversed here).
- With ``fold_interactions`` (the default), user -> tweet -> user paths become weighted
  interaction edges between the two users: ``like`` (user likes a tweet) -> ``like`` of
  its author; ``mentioned`` (tweet -> user) -> ``mention`` by the tweet's author;
  ``retweeted``/``quoted`` (tweet -> tweet) -> ``share``; ``replied_to`` -> ``comment``.
  A tweet's author comes from ``post`` edges, else from the tweet's ``author_id``.
  Repeats are summed into ``weight``. Tweets, lists and hashtags are not accounts and are
  dropped; so are the other relations (``own``, ``pinned``, ``contain``, ``discuss``,
  ``membership``, ``followed``). Interactions on a user's own tweets are dropped.
- Edges touching users absent from the node file are dropped, with one warning.
- TwiBot edges carry no time. ``observed_at`` defaults to the latest ``created_at`` of
  any node (users and tweets), the best available estimate of the collection date.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd

from detector.errors import DetectorError, Issue
from detector.frames import graph_from_frames
from detector.graph import AccountGraph

LABELS = {"human": "genuine", "bot": "bought"}
SPLITS = {"train": "train", "valid": "val", "val": "val", "dev": "val", "test": "test"}
#: Follow relations -> whether the pair is (follower, followee) as written.
FOLLOW_RELATIONS = {"following": True, "friend": True, "followers": False, "follow": False}
#: Folded relations -> (kind of endpoints, our edge type).
FOLDED_RELATIONS = {
    "like": ("user-tweet", "like"),
    "mentioned": ("tweet-user", "mention"),
    "retweeted": ("tweet-tweet", "share"),
    "quoted": ("tweet-tweet", "share"),
    "replied_to": ("tweet-tweet", "comment"),
}
_EDGE_CHUNK = 2_000_000
_TWITTER_TIME = "%a %b %d %H:%M:%S %z %Y"


def is_twibot_dir(path: str | os.PathLike) -> bool:
    """Whether ``path`` is a directory in the TwiBot-22 format."""
    path = Path(path)
    return path.is_dir() and any((path / n).is_file() for n in ("node.json", "user.json"))


def load_twibot(
    path: str | os.PathLike,
    *,
    fold_interactions: bool = True,
    observed_at: float | None = None,
) -> AccountGraph:
    """Read a TwiBot-22-format directory as a labelled, split account graph.

    Args:
        path: the directory holding ``node.json`` (or ``user.json``), ``edge.csv``,
            ``label.csv`` and ``split.csv``; only the node file is required.
        fold_interactions: turn user -> tweet -> user paths into interaction edges.
        observed_at: collection time (epoch seconds); default: the latest node time.

    Raises:
        DetectorError: the directory has no node file, or a file cannot be read.
    """
    folder = Path(path)
    node_file = next((folder / n for n in ("node.json", "user.json") if (folder / n).is_file()),
                     None)
    if node_file is None:
        raise DetectorError(f"{folder}: a TwiBot directory needs node.json (or user.json)")
    nodes = orjson.loads(node_file.read_bytes())
    if not isinstance(nodes, list):
        raise DetectorError(f"{node_file}: expected a JSON list of nodes")
    users = [n for n in nodes if isinstance(n, dict) and _is_user(n)]
    accounts = user_frame(users)
    accounts = _attach(accounts, folder / "label.csv", "label", LABELS)
    accounts = _attach(accounts, folder / "split.csv", "split", SPLITS)
    relations = set(FOLLOW_RELATIONS)
    if fold_interactions:
        relations |= set(FOLDED_RELATIONS) | {"post"}
    raw = read_edges(folder / "edge.csv", relations)
    edges = follow_edges(raw)
    if fold_interactions:
        edges = pd.concat([edges, interaction_edges(raw, nodes)], ignore_index=True)
    known = set(accounts["id"])
    inside = edges["source"].isin(known) & edges["target"].isin(known)
    if observed_at is None:
        observed_at = _latest_time(nodes)
    graph = graph_from_frames(accounts, edges[inside].reset_index(drop=True),
                              observed_at=observed_at,
                              accounts_path=str(node_file), edges_path=str(folder / "edge.csv"))
    if not inside.all():
        graph.warnings.append(Issue(str(folder / "edge.csv"),
                                    f"{int((~inside).sum())} edges to accounts outside "
                                    "the node file dropped"))
    return graph


def user_frame(users: list[dict[str, Any]]) -> pd.DataFrame:
    """TwiBot user objects -> a table with the contract's field names."""
    metrics = [u.get("public_metrics") if isinstance(u.get("public_metrics"), dict) else {}
               for u in users]
    column = lambda key: [m.get(key) for m in metrics]  # noqa: E731
    image = pd.Series([u.get("profile_image_url") for u in users], dtype=object)
    image = image.where(image.isna(), image.astype(str).str.strip())
    return pd.DataFrame(
        {
            "id": [str(u["id"]).strip() for u in users],
            "username": _text([u.get("username") for u in users]),
            "bio": _text([u.get("description") for u in users]),
            "followers_count": _count(column("followers_count")),
            "following_count": _count(column("following_count")),
            "posts_count": _count(column("tweet_count")),
            "listed_count": _count(column("listed_count")),
            "created_at": parse_times([u.get("created_at") for u in users]),
            "has_avatar": np.where(image.isna(), None,
                                   ~image.fillna("").str.contains("default_profile")
                                   & (image.fillna("") != "")),
            "verified": _flag([u.get("verified") for u in users]),
            "private": _flag([u.get("protected") for u in users]),
        }
    )


def read_edges(path: Path, relations: set[str]) -> pd.DataFrame:
    """The rows of ``edge.csv`` whose relation is in ``relations`` (read in chunks, so a
    multi-GB file never sits in memory whole)."""
    if not path.is_file():
        return pd.DataFrame({"source_id": [], "relation": [], "target_id": []}, dtype=str)
    parts = []
    reader = pd.read_csv(path, dtype=str, usecols=["source_id", "relation", "target_id"],
                         chunksize=_EDGE_CHUNK)
    for chunk in reader:
        chunk = chunk.apply(lambda c: c.str.strip())
        parts.append(chunk[chunk["relation"].isin(relations)])
    return pd.concat(parts, ignore_index=True)


def follow_edges(raw: pd.DataFrame) -> pd.DataFrame:
    """Follow relations as ``follow`` edges from follower to followee, deduplicated."""
    rows = raw[raw["relation"].isin(FOLLOW_RELATIONS)]
    as_written = rows["relation"].map(FOLLOW_RELATIONS).astype(bool).to_numpy()
    src, dst = rows["source_id"].to_numpy(), rows["target_id"].to_numpy()
    edges = pd.DataFrame({"source": np.where(as_written, src, dst),
                          "target": np.where(as_written, dst, src)})
    edges = edges[edges["source"] != edges["target"]].drop_duplicates()
    edges["type"] = "follow"
    return edges


def interaction_edges(raw: pd.DataFrame, nodes: list[Any]) -> pd.DataFrame:
    """User -> tweet -> user paths as weighted user -> user interaction edges."""
    author = _authors(raw, nodes)
    parts = []
    for relation, (ends, kind) in FOLDED_RELATIONS.items():
        rows = raw[raw["relation"] == relation]
        src, dst = rows["source_id"], rows["target_id"]
        if ends.startswith("tweet"):
            src = src.map(author)
        if ends.endswith("tweet"):
            dst = dst.map(author)
        parts.append(pd.DataFrame({"source": src.to_numpy(), "target": dst.to_numpy(),
                                   "type": kind}))
    edges = pd.concat(parts, ignore_index=True).dropna()
    edges = edges[edges["source"] != edges["target"]]
    return (edges.groupby(["source", "target", "type"], sort=False).size()
            .rename("weight").reset_index())


def parse_times(values: list[Any]) -> pd.Series:
    """Creation times as UTC timestamps: ISO-8601 strings, Twitter's
    ``Tue Mar 10 20:42:26 +0000 2009`` form, or epoch seconds; NaT otherwise."""
    raw = pd.Series(values, dtype=object)
    text = raw.where(raw.isna(), raw.astype(str).str.strip())
    out = pd.to_datetime(text, utc=True, errors="coerce", format="ISO8601")
    todo = out.isna() & text.notna()
    if todo.any():
        out[todo] = pd.to_datetime(text[todo], utc=True, errors="coerce", format=_TWITTER_TIME)
    todo = out.isna() & text.notna()
    if todo.any():
        seconds = pd.to_numeric(text[todo], errors="coerce")
        out[todo] = pd.to_datetime(seconds, unit="s", utc=True, errors="coerce")
    return out


def _is_user(node: dict[str, Any]) -> bool:
    node_id = str(node.get("id", ""))
    return node_id.startswith("u") or "username" in node or "public_metrics" in node


def _authors(raw: pd.DataFrame, nodes: list[Any]) -> pd.Series:
    posts = raw[raw["relation"] == "post"]
    author = dict(zip(posts["target_id"], posts["source_id"], strict=True))
    for node in nodes:
        if isinstance(node, dict) and node.get("author_id") is not None:
            tweet, user = str(node.get("id", "")).strip(), str(node["author_id"]).strip()
            author.setdefault(tweet, user if user.startswith("u") else f"u{user}")
    return pd.Series(author, dtype=object)


def _attach(accounts: pd.DataFrame, path: Path, column: str,
            mapping: dict[str, str]) -> pd.DataFrame:
    if not path.is_file():
        return accounts
    table = pd.read_csv(path, dtype=str).apply(lambda c: c.str.strip())
    if not {"id", column} <= set(table.columns):
        raise DetectorError(f"{path}: expected columns id,{column}")
    values = table.drop_duplicates("id").set_index("id")[column].str.lower().map(mapping)
    accounts[column] = accounts["id"].map(values)
    return accounts


def _latest_time(nodes: list[Any]) -> float:
    stamps = parse_times([n.get("created_at") for n in nodes if isinstance(n, dict)])
    latest = stamps.max()
    return float("nan") if pd.isna(latest) else latest.timestamp()


def _count(values: list[Any]) -> pd.Series:
    text = pd.Series(values, dtype=object).map(lambda v: v.strip() if isinstance(v, str) else v)
    return pd.to_numeric(text, errors="coerce")


def _flag(values: list[Any]) -> list[bool | None]:
    out: list[bool | None] = []
    for v in values:
        text = str(v).strip().lower() if v is not None else ""
        out.append(True if text in ("true", "1") else False if text in ("false", "0") else None)
    return out


def _text(values: list[Any]) -> list[str | None]:
    return [v.strip() if isinstance(v, str) else None for v in values]
