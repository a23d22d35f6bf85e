"""The REST API: one NinjaAPI, its routers, its error handlers and its documentation page."""

from typing import TYPE_CHECKING

from ninja import NinjaAPI

from glaneur.enrich.api import router as actors_router
from glaneur.territories.api import router as places_router

from .auth import OPTIONAL, REQUIRED
from .comments import router as comments_router
from .docs import ServerRenderedDocs
from .errors import install_error_handlers
from .posts import router as posts_router
from .sources import router as sources_router
from .suggestions import router as suggestions_router
from .topics import router as topics_router

if TYPE_CHECKING:
    from ninja.operation import Operation

DESCRIPTION = """\
Topics, posts, tags, comments and follows of this Glaneur site.

**Authentication.** Send a personal token, created on `/api/tokens/`, in the header
`Authorization: Bearer <token>`. In the browser, the login session works too; changes then need
the CSRF token in the `X-CSRFToken` header. Reading public topics needs no authentication.

**Errors** are JSON: `{"detail": "a message for people", "code": "a_stable_code"}`, with
`errors` (field and message) for invalid input (422) and `existing` (the post already curated,
its id and addresses) for a duplicate URL (409). Codes: `not_authenticated`, `invalid_token`,
`csrf_failed`, `permission_denied`, `not_found`, `invalid`, `invalid_url`, `duplicate`,
`slug_taken`, `unknown_user`, `rate_limited`, `server_error`. A private topic answers 404 to
whoever is not one of its curators, as its pages do.

**Field names** are camelCase and follow Scoop.it's API where the thing is the same
(`curationDate`, `publicationDate`, `insight`, `htmlInsight`, `imageUrl`); dates are ISO 8601.
Lists are paged: `page` (from 1) and `perPage` (at most 100); the answer carries `count` and
`next` (the next page's number, or null).
"""


class GlaneurAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: "Operation") -> str:
        # Short, stable ids ("list_posts") instead of the module path.
        return operation.view_func.__name__


api = GlaneurAPI(
    title="Glaneur API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs=ServerRenderedDocs(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)
api.add_router("", topics_router)
api.add_router("", posts_router)
api.add_router("", comments_router)
api.add_router("", actors_router, auth=OPTIONAL)
api.add_router("", places_router, auth=OPTIONAL)
api.add_router("", suggestions_router, auth=REQUIRED)
api.add_router("", sources_router, auth=REQUIRED)
