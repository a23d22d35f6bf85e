from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {"site_name": settings.GLANEUR_SITE_NAME, "site_about": settings.GLANEUR_ABOUT}
