"""glaneur reindex: empty the search index and index every post again."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from glaneur.search.services import rebuild


class Command(BaseCommand):
    help = "Rebuild the full-text search index from every post."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        count = rebuild()
        self.stdout.write(f"indexed {count} posts in {time.perf_counter() - started:.1f}s")
