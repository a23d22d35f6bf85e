"""The curation inbox and visitors' suggestions (thin: the work is in inbox.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound


def inbox(request: HttpRequest, slug: str) -> HttpResponse:
    return HttpResponseNotFound()
