"""The editorial workflow: versions of every text, review, publishing, restore,
source checks and the list of texts due for a check.

concept → ter-beoordeling → gepubliceerd (the live text) → … ; an article that is
no longer shown is gearchiveerd (published: false). Every change is a new
version with who, when and why; the live rows in `articles` and
`local_versions` are what the bot answers with, at once, without retraining.
"""

from knowledge.editorial.versions import VersionError, diff
from knowledge.editorial.workflow import (
    Saved,
    mark_checked,
    publish_version,
    reject_version,
    restore_version,
    save,
)

__all__ = [
    "Saved",
    "VersionError",
    "diff",
    "mark_checked",
    "publish_version",
    "reject_version",
    "restore_version",
    "save",
]
