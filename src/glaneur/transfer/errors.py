"""The one error every importer raises: what is wrong, and where (line and/or item)."""

from __future__ import annotations

import errno
from pathlib import Path

from django.utils.translation import gettext as _


class ImportFailed(Exception):
    """A file that cannot be imported; nothing of it was saved."""

    def __init__(self, reason: str, *, line: int | None = None, item: int | None = None) -> None:
        self.line = line
        self.item = item
        self.reason = reason
        super().__init__(self.where() + reason)

    def where(self) -> str:
        """'line 12: ', 'item 3: ', 'line 12 (item 3): ' or nothing."""
        if self.line and self.item:
            return _("line %(line)d (item %(item)d): ") % {"line": self.line, "item": self.item}
        if self.line:
            return _("line %(line)d: ") % {"line": self.line}
        if self.item:
            return _("item %(item)d: ") % {"item": self.item}
        return ""


def unreadable_file(path: Path | str, error: OSError) -> str:
    """'posts.csv: cannot read the file (no such file)', in the active language."""
    reasons = {
        errno.ENOENT: _("no such file"),
        errno.EACCES: _("permission denied"),
        errno.EISDIR: _("a folder, not a file"),
    }
    reason = reasons.get(error.errno or 0) or error.strerror or str(error)
    return _("%(path)s: cannot read the file (%(reason)s)") % {"path": path, "reason": reason}
