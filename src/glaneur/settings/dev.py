"""The embedded demo: SQLite, console mail, one machine."""

from .base import *  # noqa: F403
