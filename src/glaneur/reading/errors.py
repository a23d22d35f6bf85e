"""The 500 page in the site's layout and the reader's language, when it can be."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader

logger = logging.getLogger(__name__)

# The last resort, when even the layout fails (its menu reads the database, which may be
# what failed): both languages, no template.
BARE_PAGE = (
    '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>Erreur du serveur / Server error</title></head><body><main>"
    "<h1>Erreur du serveur / Server error</h1>"
    "<p>Réessayez dans un instant. / Please try again in a moment.</p>"
    '<p><a href="/">Accueil / Home</a></p></main></body></html>'
)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: 500.html with the site frame (menu, language) or, failing that, a bare page."""
    body: str
    try:
        body = loader.render_to_string("500.html", request=request)
    except Exception:  # the page of last resort must not fail in turn
        logger.exception("The 500 page could not be rendered with the site's layout")
        body = BARE_PAGE
    return HttpResponseServerError(body)
