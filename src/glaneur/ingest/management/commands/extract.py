"""glaneur extract URL|FILE: print the article Glaneur reads from a page, as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from glaneur.ingest.extract import Article, BlockedPage, ExtractError, extract
from glaneur.ingest.fetch import fetch
from glaneur.ingest.fetch_errors import FetchError


class Command(BaseCommand):
    help = (
        "Extract the article (title, summary, images, author, site, date, language, text) "
        "from a web address or a local HTML or PDF file, and print it as JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("target", metavar="URL|FILE", help="an http(s) address or a file")
        parser.add_argument(
            "--url",
            dest="base_url",
            help="for a file: the address it was saved from (resolves its relative links)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        target: str = options["target"]
        path = Path(target)
        try:
            if path.is_file():
                body = path.read_bytes()
                content_type = "application/pdf" if path.suffix.lower() == ".pdf" else "text/html"
                url = options["base_url"] or path.resolve().as_uri()
                article = extract(body, url=url, content_type=content_type)
            elif urlsplit(target).scheme in {"http", "https"}:
                article = self._from_the_web(target)
            else:
                raise CommandError(
                    _("%(target)s: no such file, and not an http(s) address") % {"target": target}
                )
        except (BlockedPage, ExtractError) as exc:
            raise CommandError(f"{target}: {exc.reason}") from exc
        self.stdout.write(json.dumps(article.as_dict(), ensure_ascii=False, indent=2))

    def _from_the_web(self, url: str) -> Article:
        try:
            result = fetch(url)
        except FetchError as exc:
            raise CommandError(f"{url}: {exc.reason}") from exc
        return extract(
            result.body,
            url=result.url,
            content_type=result.content_type,
            charset=result.charset,
            status=result.status,
        )
