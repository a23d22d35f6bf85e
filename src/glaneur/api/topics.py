"""Topics, their members, popular tags and follows."""

from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from glaneur.audience import services as audience
from glaneur.curation import access, services
from glaneur.curation.models import Membership, Topic
from glaneur.curation.queries import popular_tags

from . import queries
from .access import caller, paginate, signed_in, visible_topic
from .auth import REQUIRED, open_to_all
from .errors import ApiError, error_responses
from .output import member_out, topic_fields, topic_out
from .schemas import (
    FollowOut,
    MemberIn,
    MemberOut,
    MeOut,
    Slug,
    TagCountOut,
    TagQuery,
    TopicDetailOut,
    TopicFilters,
    TopicIn,
    TopicPage,
    TopicUpdateIn,
)

router = Router(tags=["topics"])


def _detail(request: HttpRequest, topic: Topic) -> TopicDetailOut:
    counted = queries.with_topic_counts(Topic.objects.filter(pk=topic.pk)).get()
    role = services.role_of(caller(request), topic)
    return TopicDetailOut(**topic_fields(counted, request), role=role)  # type: ignore[arg-type]


@router.get(
    "/me", tags=["account"], auth=REQUIRED, response={200: MeOut, **error_responses(401, 403)}
)
def me(request: HttpRequest) -> MeOut:
    """The caller, to check that a token works."""
    user = signed_in(request)
    by_token = request.headers.get("Authorization", "").lower().startswith("bearer ")
    return MeOut(
        username=user.get_username(),
        name=user.get_full_name() or user.get_username(),
        authenticatedBy="token" if by_token else "session",
    )


@router.get("/topics", **open_to_all(), response={200: TopicPage, **error_responses(401, 422)})
def list_topics(request: HttpRequest, filters: Query[TopicFilters]) -> dict[str, Any]:
    """Public topics and those the caller curates, newest first."""
    page = paginate(queries.listed_topics_for(caller(request), mine=filters.mine), filters)
    return page.envelope([topic_out(topic, request) for topic in page.rows])


@router.post(
    "/topics",
    auth=REQUIRED,
    response={201: TopicDetailOut, **error_responses(400, 401, 403, 409, 422)},
)
def create_topic(request: HttpRequest, payload: TopicIn) -> Status[TopicDetailOut]:
    """Create a topic; the caller becomes its owner."""
    if payload.slug and Topic.objects.filter(slug=payload.slug).exists():
        raise ApiError(409, "slug_taken", _("This address is already used by another topic."))
    try:
        with transaction.atomic():
            topic = services.create_topic(
                owner=signed_in(request),
                title=payload.title,
                slug=payload.slug,
                description=payload.description,
                language=payload.language,
                visibility=payload.visibility,
            )
    except IntegrityError as exc:  # two requests racing for one slug
        raise ApiError(
            409, "slug_taken", _("This address is already used by another topic.")
        ) from exc
    return Status(201, _detail(request, topic))


@router.get(
    "/topics/{slug}",
    **open_to_all(),
    response={200: TopicDetailOut, **error_responses(401, 404, 422)},
)
def get_topic(request: HttpRequest, slug: Path[Slug]) -> TopicDetailOut:
    return _detail(request, visible_topic(request, slug))


@router.patch(
    "/topics/{slug}",
    auth=REQUIRED,
    response={200: TopicDetailOut, **error_responses(400, 401, 403, 404, 422)},
)
def update_topic(request: HttpRequest, slug: Path[Slug], payload: TopicUpdateIn) -> TopicDetailOut:
    """Change the title, description, language or visibility (owner and editors)."""
    topic = visible_topic(request, slug)
    fields = {name: value for name, value in payload.dict().items() if value is not None}
    services.update_topic(topic, by=caller(request), **fields)
    return _detail(request, topic)


@router.get(
    "/topics/{slug}/members",
    tags=["members"],
    auth=REQUIRED,
    response={200: list[MemberOut], **error_responses(401, 403, 404, 422)},
)
def list_members(request: HttpRequest, slug: Path[Slug]) -> list[MemberOut]:
    """The topic's curators and their roles (visible to its curators)."""
    topic = visible_topic(request, slug)
    services.check_can_curate(caller(request), topic)
    members = Membership.objects.filter(topic=topic).select_related("user").order_by("created_at")
    return [member_out(m) for m in members]


@router.post(
    "/topics/{slug}/members",
    tags=["members"],
    auth=REQUIRED,
    response={200: MemberOut, **error_responses(400, 401, 403, 404, 422)},
)
def add_member(request: HttpRequest, slug: Path[Slug], payload: MemberIn) -> MemberOut:
    """Make a user an editor or contributor (owner and editors); changes an existing role."""
    topic = visible_topic(request, slug)
    services.check_can_manage(caller(request), topic)  # before saying whether the user exists
    user = get_user_model().objects.filter(username=payload.username, is_active=True).first()
    if user is None:
        raise ApiError(404, "unknown_user", _("There is no user with this name."))
    if topic.owner_id == user.pk:
        raise ApiError(422, "invalid", _("The topic's owner keeps the owner role."))
    membership = services.add_member(topic, user, payload.role, by=caller(request))
    membership.user = user
    return member_out(membership)


@router.get(
    "/topics/{slug}/tags",
    tags=["tags"],
    **open_to_all(),
    response={200: list[TagCountOut], **error_responses(401, 404, 422)},
)
def list_tags(request: HttpRequest, slug: Path[Slug], query: Query[TagQuery]) -> list[TagCountOut]:
    """The topic's most used tags on published posts, with how many posts carry each."""
    topic = visible_topic(request, slug)
    return [
        TagCountOut(name=tag.name, slug=tag.slug, count=tag.count)
        for tag in popular_tags(topic, limit=query.limit)
    ]


@router.put(
    "/topics/{slug}/follow",
    tags=["follows"],
    auth=REQUIRED,
    response={200: FollowOut, **error_responses(401, 403, 404, 422)},
)
def follow(request: HttpRequest, slug: Path[Slug]) -> FollowOut:
    """Follow the topic (doing it twice changes nothing)."""
    topic = visible_topic(request, slug)
    follow = audience.follow(caller(request), topic)
    counted = queries.topics_with_counts([topic.pk])[topic.pk]
    return FollowOut(topic=topic_out(counted, request), since=follow.created_at)


@router.delete(
    "/topics/{slug}/follow",
    tags=["follows"],
    auth=REQUIRED,
    response={204: None, **error_responses(401, 404, 422)},
)
def unfollow(request: HttpRequest, slug: Path[Slug]) -> HttpResponse:
    """Stop following; works even for a topic that turned private to the caller."""
    topic = Topic.objects.filter(slug=slug).first()
    user = caller(request)
    if topic is None or not (
        access.can_view_topic(user, topic) or audience.is_following(user, topic)
    ):
        raise Http404  # for whoever did not follow it, a private topic does not exist
    audience.unfollow(user, topic)
    return HttpResponse(status=204)


@router.get(
    "/me/follows",
    tags=["follows"],
    auth=REQUIRED,
    response={200: list[FollowOut], **error_responses(401, 403)},
)
def my_follows(request: HttpRequest) -> list[FollowOut]:
    """The topics the caller follows, most recent first."""
    follows = list(queries.followed_topics(signed_in(request))[:1000])
    topics = queries.topics_with_counts([f.topic_id for f in follows])
    return [
        FollowOut(topic=topic_out(topics[f.topic_id], request), since=f.created_at)
        for f in follows
        if f.topic_id in topics
    ]
