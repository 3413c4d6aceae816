"""Importers: platform exports -> ``account-graph/1`` audiences (docs/importers.md)."""

from importers.audience import Imported, ImportOptions
from importers.bluesky import BlueskyFiles, import_bluesky
from importers.instagram import InstagramFiles, import_instagram
from importers.instagram_export import InstagramExportFiles, import_instagram_export
from importers.output import write
from importers.problems import InputError
from importers.twitter_v1 import TwitterV1Files, import_twitter_v1
from importers.twitter_v2 import TwitterV2Files, import_twitter_v2

__all__ = [
    "BlueskyFiles",
    "ImportOptions",
    "Imported",
    "InputError",
    "InstagramExportFiles",
    "InstagramFiles",
    "TwitterV1Files",
    "TwitterV2Files",
    "import_bluesky",
    "import_instagram",
    "import_instagram_export",
    "import_twitter_v1",
    "import_twitter_v2",
    "write",
]
