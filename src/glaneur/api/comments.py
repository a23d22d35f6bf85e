"""Readers' comments on a post."""

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Path, Query, Router, Status

from glaneur.audience import services as audience
from glaneur.audience.models import Comment
from glaneur.curation import services
from glaneur.curation.models import Post

from . import queries
from .access import caller, paginate, visible_post, visible_topic
from .auth import REQUIRED, open_to_all
from .errors import error_responses
from .output import comment_out
from .schemas import CommentIn, CommentOut, CommentPage, CommentUpdateIn, Paging, PostId, Slug

router = Router(tags=["comments"])
CommentId = PostId


def _can_moderate(request: HttpRequest, post: Post) -> bool:
    return services.role_of(caller(request), post.topic) in services.EDITOR_ROLES


@router.get(
    "/topics/{slug}/posts/{post_id}/comments",
    **open_to_all(),
    response={200: CommentPage, **error_responses(401, 404, 422)},
)
def list_comments(
    request: HttpRequest, slug: Path[Slug], post_id: Path[PostId], paging: Query[Paging]
) -> dict[str, Any]:
    """Oldest first; the topic's owner and editors also see hidden comments."""
    post = visible_post(request, visible_topic(request, slug), post_id)
    comments = queries.post_comments(post, include_hidden=_can_moderate(request, post))
    page = paginate(comments, paging)
    return page.envelope([comment_out(comment) for comment in page.rows])


@router.post(
    "/topics/{slug}/posts/{post_id}/comments",
    auth=REQUIRED,
    response={201: CommentOut, **error_responses(400, 401, 403, 404, 422, 429)},
)
def add_comment(
    request: HttpRequest, slug: Path[Slug], post_id: Path[PostId], payload: CommentIn
) -> Status[CommentOut]:
    """Comment on a published post (any signed-in reader who can see it)."""
    post = visible_post(request, visible_topic(request, slug), post_id)
    if post.status != Post.Status.PUBLISHED:
        raise Http404  # as on the pages: comments open once the post is published
    comment = audience.add_comment(post, by=caller(request), text=payload.text)
    return Status(201, comment_out(comment))


@router.patch(
    "/topics/{slug}/posts/{post_id}/comments/{comment_id}",
    auth=REQUIRED,
    response={200: CommentOut, **error_responses(400, 401, 403, 404, 422)},
)
def update_comment(
    request: HttpRequest,
    slug: Path[Slug],
    post_id: Path[PostId],
    comment_id: Path[CommentId],
    payload: CommentUpdateIn,
) -> CommentOut:
    """Hide a comment or show it again (the topic's owner and editors)."""
    post = visible_post(request, visible_topic(request, slug), post_id)
    comment = Comment.objects.select_related("author").filter(post=post, pk=comment_id).first()
    if comment is None:
        raise Http404
    comment.post = post
    comment = audience.set_comment_hidden(comment, payload.hidden, by=caller(request))
    return comment_out(comment)
