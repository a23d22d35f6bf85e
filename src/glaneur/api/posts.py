"""Posts of a topic: list, read, create (typed or scooped from a URL), edit, delete, actions."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Router, Status

from glaneur.curation import services
from glaneur.curation.models import Post
from glaneur.curation.posts import EDITABLE_FIELDS
from glaneur.curation.queries import with_card_data

from . import queries
from .access import caller, is_curator, paginate, signed_in, visible_post, visible_topic
from .auth import REQUIRED, open_to_all
from .errors import error_responses
from .output import post_out
from .schemas import (
    PostFilters,
    PostId,
    PostIn,
    PostOut,
    PostPage,
    PostUpdateIn,
    PublishIn,
    RescoopIn,
    ScoopIn,
    Slug,
)

router = Router(tags=["posts"])

# The API spells the editable fields in camelCase; one is named for its reader.
API_NAMES = {"source_published_at": "publicationDate"}


def api_name(field: str) -> str:
    first, *rest = field.split("_")
    return API_NAMES.get(field, first + "".join(word.title() for word in rest))


# API field -> keyword of services.create_post / update_post
FIELD_NAMES = {api_name(name): name for name in EDITABLE_FIELDS}


def _reloaded(request: HttpRequest, post: Post) -> PostOut:
    """The post as stored after an action, with everything a response shows."""
    fresh = with_card_data(Post.objects.filter(pk=post.pk)).get()
    fresh.topic = post.topic
    return post_out(fresh, request, curator=True)


@router.get(
    "/topics/{slug}/posts",
    **open_to_all(),
    response={200: PostPage, **error_responses(401, 404, 422)},
)
def list_posts(
    request: HttpRequest, slug: Path[Slug], filters: Query[PostFilters]
) -> dict[str, Any]:
    """The topic's posts, pinned first then newest curated first."""
    topic = visible_topic(request, slug)
    curator = is_curator(request, topic)
    posts = queries.topic_posts(
        topic,
        user=caller(request),
        tags=list(dict.fromkeys(filters.tag)),
        state=filters.state,
        status=filters.status,
        since=filters.since,
        until=filters.until,
    )
    page = paginate(posts, filters)
    for post in page.rows:
        post.topic = topic  # loaded once: page links need no query per post
    return page.envelope([post_out(post, request, curator=curator) for post in page.rows])


@router.post(
    "/topics/{slug}/posts",
    auth=REQUIRED,
    response={201: PostOut, **error_responses(400, 401, 403, 404, 409, 422)},
)
def create_post(request: HttpRequest, slug: Path[Slug], payload: PostIn) -> Status[PostOut]:
    """Save a post typed in full; nothing is fetched (curators)."""
    topic = visible_topic(request, slug)
    data = payload.dict()
    post = services.create_post(
        topic,
        by=signed_in(request),
        tags=data.pop("tags"),
        status=data.pop("status"),
        **{FIELD_NAMES[name]: value for name, value in data.items()},
    )
    return Status(201, _reloaded(request, post))


@router.post(
    "/topics/{slug}/scoop",
    auth=REQUIRED,
    response={202: PostOut, **error_responses(400, 401, 403, 404, 409, 422)},
)
def scoop(request: HttpRequest, slug: Path[Slug], payload: ScoopIn) -> Status[PostOut]:
    """Curate a web address: the post is saved at once in state ``queued``, and the page is
    fetched and extracted in the background (poll the post until its state is ``ready``)."""
    topic = visible_topic(request, slug)
    post = services.scoop_url(
        topic,
        payload.url,
        by=signed_in(request),
        insight=payload.insight,
        tags=payload.tags,
        title=payload.title,
        status=payload.status,
        publish_at=payload.publishAt,
    )
    return Status(202, _reloaded(request, post))


@router.get(
    "/topics/{slug}/posts/{post_id}",
    **open_to_all(),
    response={200: PostOut, **error_responses(401, 404, 422)},
)
def get_post(request: HttpRequest, slug: Path[Slug], post_id: Path[PostId]) -> PostOut:
    topic = visible_topic(request, slug)
    post = visible_post(request, topic, post_id)
    return post_out(post, request, curator=is_curator(request, topic))


@router.patch(
    "/topics/{slug}/posts/{post_id}",
    auth=REQUIRED,
    response={200: PostOut, **error_responses(400, 401, 403, 404, 409, 422)},
)
def update_post(
    request: HttpRequest, slug: Path[Slug], post_id: Path[PostId], payload: PostUpdateIn
) -> PostOut:
    """Change some fields; omitted ones keep their value (owner, editors, the post's curator)."""
    topic = visible_topic(request, slug)
    post = visible_post(request, topic, post_id)
    data = payload.dict(exclude_unset=True)
    tags = data.pop("tags", None)
    fields = {
        FIELD_NAMES[name]: value
        for name, value in data.items()
        if value is not None or name == "publicationDate"
    }
    services.update_post(post, by=caller(request), tags=tags, **fields)
    return _reloaded(request, post)


@router.delete(
    "/topics/{slug}/posts/{post_id}",
    auth=REQUIRED,
    response={204: None, **error_responses(401, 403, 404, 422)},
)
def delete_post(request: HttpRequest, slug: Path[Slug], post_id: Path[PostId]) -> HttpResponse:
    topic = visible_topic(request, slug)
    services.delete_post(visible_post(request, topic, post_id), by=caller(request))
    return HttpResponse(status=204)


@router.post(
    "/topics/{slug}/posts/{post_id}/publish",
    auth=REQUIRED,
    response={200: PostOut, **error_responses(400, 401, 403, 404, 422)},
)
def publish(
    request: HttpRequest, slug: Path[Slug], post_id: Path[PostId], payload: PublishIn
) -> PostOut:
    """Publish now, or schedule for ``at``."""
    topic = visible_topic(request, slug)
    post = services.publish(
        visible_post(request, topic, post_id), by=caller(request), at=payload.at
    )
    return _reloaded(request, post)


@router.post(
    "/topics/{slug}/posts/{post_id}/unpublish",
    auth=REQUIRED,
    response={200: PostOut, **error_responses(401, 403, 404, 422)},
)
def unpublish(request: HttpRequest, slug: Path[Slug], post_id: Path[PostId]) -> PostOut:
    """Back to draft."""
    topic = visible_topic(request, slug)
    post = services.unpublish(visible_post(request, topic, post_id), by=caller(request))
    return _reloaded(request, post)


@router.post(
    "/topics/{slug}/posts/{post_id}/rescoop",
    auth=REQUIRED,
    response={201: PostOut, **error_responses(400, 401, 403, 404, 409, 422)},
)
def rescoop(
    request: HttpRequest, slug: Path[Slug], post_id: Path[PostId], payload: RescoopIn
) -> Status[PostOut]:
    """Copy the post into another topic the caller curates, linked to this one."""
    topic = visible_topic(request, slug)
    post = visible_post(request, topic, post_id)
    into = visible_topic(request, payload.into)
    copy = services.rescoop(post, into, by=signed_in(request), insight=payload.insight)
    copy.topic = into
    return Status(201, _reloaded(request, copy))


@router.post(
    "/topics/{slug}/posts/{post_id}/refetch",
    auth=REQUIRED,
    response={202: PostOut, **error_responses(401, 403, 404, 422)},
)
def refetch(request: HttpRequest, slug: Path[Slug], post_id: Path[PostId]) -> Status[PostOut]:
    """Fetch the source again in the background; what the curator wrote stays."""
    topic = visible_topic(request, slug)
    post = services.refetch(visible_post(request, topic, post_id), by=caller(request))
    return Status(202, _reloaded(request, post))
