"""Turn topics, posts and comments into the API's response bodies."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

from glaneur.curation.access import can_view_post
from glaneur.curation.queries import display_name

from .access import caller
from .schemas import CommentOut, MemberOut, PostOut, PostRef, TagOut, TopicOut, UserOut

if TYPE_CHECKING:
    from glaneur.audience.models import Comment
    from glaneur.curation.models import Membership, Post, Topic


def user_out(user: Any) -> UserOut | None:
    if user is None:
        return None
    return UserOut(username=user.get_username(), name=display_name(user))


def topic_fields(topic: Topic, request: HttpRequest) -> dict[str, Any]:
    """Needs ``post_count`` and ``follower_count`` annotated (queries.with_topic_counts)."""
    owner = user_out(topic.owner)
    assert owner is not None  # noqa: S101 - a topic always has an owner (PROTECT)
    return {
        "slug": topic.slug,
        "title": topic.title,
        "description": topic.description,
        "language": topic.language,
        "visibility": topic.visibility,
        "owner": owner,
        "createdAt": topic.created_at,
        "postCount": getattr(topic, "post_count", 0),
        "followerCount": getattr(topic, "follower_count", 0),
        "pageUrl": request.build_absolute_uri(topic.get_absolute_url()),
    }


def topic_out(topic: Topic, request: HttpRequest) -> TopicOut:
    return TopicOut(**topic_fields(topic, request))


def post_out(post: Post, request: HttpRequest, *, curator: bool) -> PostOut:
    """Needs queries.with_card_data (tags, curator, origin) and ``post.topic`` loaded."""
    origin = post.origin
    # The caller's roles are looked up once per topic and request, whatever the page size.
    roles = request.__dict__.setdefault("_glaneur_roles", {})
    if origin is not None and not can_view_post(caller(request), origin, roles=roles):
        origin = None  # the original's topic turned private, or the original is a draft again
    return PostOut(
        id=post.pk,
        topic=post.topic.slug,
        title=post.title,
        url=post.url,
        slug=post.slug,
        summary=post.summary,
        insight=post.insight,
        htmlInsight=post.insight_html,
        imageUrl=post.image_url,
        siteName=post.site_name,
        author=post.author,
        via=post.via,
        language=post.language,
        publicationDate=post.source_published_at,
        curationDate=post.curated_at,
        curatedBy=user_out(post.curated_by),
        tags=[TagOut(name=tag.name, slug=tag.slug) for tag in post.tags.all()],
        pinned=post.pinned,
        status=post.status,  # type: ignore[arg-type]
        publishAt=post.publish_at,
        state=post.state,  # type: ignore[arg-type]
        stateError=post.state_error if curator else "",
        commentCount=post.comment_count,
        origin=(
            PostRef(
                id=origin.pk,
                topic=origin.topic.slug,
                title=origin.title,
                pageUrl=request.build_absolute_uri(origin.get_absolute_url()),
            )
            if origin is not None
            else None
        ),
        rescoopedFrom=post.rescooped_from,
        pageUrl=request.build_absolute_uri(post.get_absolute_url()),
        updatedAt=post.updated_at,
    )


def comment_out(comment: Comment) -> CommentOut:
    return CommentOut(
        id=comment.pk,
        author=user_out(comment.author),
        authorName=comment.display_name,
        text=comment.text,
        createdAt=comment.created_at,
        hidden=comment.hidden,
        isCuratorInsight=comment.is_curator_insight,
    )


def member_out(membership: Membership) -> MemberOut:
    user = user_out(membership.user)
    assert user is not None  # noqa: S101 - memberships cascade with their user
    return MemberOut(user=user, role=membership.role, since=membership.created_at)  # type: ignore[arg-type]
