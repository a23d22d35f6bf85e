from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class FrenchFirstLocaleMiddleware(LocaleMiddleware):
    """French unless the reader chose otherwise with the switch (the language cookie).

    The audience is French-speaking professionals whose browsers are often set to English;
    GLANEUR_BROWSER_LANGUAGE=1 restores Django's Accept-Language negotiation.
    """

    def process_request(self, request: HttpRequest) -> None:
        if settings.GLANEUR_BROWSER_LANGUAGE:
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
