"""Read paths of the organisation pages: a fixed number of queries however many topics."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from glaneur.curation import access
from glaneur.curation.models import Post, Topic

from .models import Domain, Organisation, OrganisationMember

if TYPE_CHECKING:
    from glaneur.curation.access import AnyUser


def organisation_topics(organisation: Organisation, user: AnyUser | None) -> QuerySet[Topic]:
    """The organisation's topics offered to ``user``: the ones curation lists for them
    (public ones, and those they are a member of), with their published post counts."""
    return (
        Topic.objects.filter(organisation_link__organisation=organisation)
        .filter(access.listed_topics(user))
        .annotate(published_count=Count("posts", filter=Q(posts__status=Post.Status.PUBLISHED)))
        .order_by("title")
    )


def organisation_members(organisation: Organisation) -> QuerySet[OrganisationMember]:
    return (
        OrganisationMember.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("-role", "user__username")
    )


def organisation_domains(organisation: Organisation) -> QuerySet[Domain]:
    return Domain.objects.filter(organisation=organisation).order_by("host")
