"""What changes organisations and their domains. Every change asks ``check_can_manage_org``
(``by=None``: the command line, run by the instance's operator)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http.request import validate_host
from django.utils import timezone
from django.utils.translation import gettext as _

from glaneur.curation import access
from glaneur.curation.models import Membership, Topic

from .models import Domain, Organisation, OrganisationMember, OrganisationTopic, normalise_host

if TYPE_CHECKING:
    from glaneur.curation.access import AnyUser

log = logging.getLogger(__name__)

BRANDING_FIELDS = (
    "name",
    "description",
    "logo_url",
    "primary_colour",
    "accent_colour",
    "footer_text",
)
# Pending domains are looked at again every hour (someone may be setting up the record);
# verified ones once a day.
PENDING_EVERY = timedelta(hours=1)
VERIFIED_EVERY = timedelta(days=1)
PENDING_FOR = timedelta(days=7)


# Who may do what.


def role_in(user: AnyUser | None, organisation: Organisation) -> str | None:
    if user is None or not user.is_authenticated:
        return None
    return (
        OrganisationMember.objects.filter(organisation=organisation, user_id=user.pk)
        .values_list("role", flat=True)
        .first()
    )


def can_manage_org(user: AnyUser | None, organisation: Organisation) -> bool:
    """Branding, topics, members and domains: the organisation's administrators."""
    if access.is_superuser(user):
        return True
    return role_in(user, organisation) == OrganisationMember.Role.ADMIN


def check_can_manage_org(by: AnyUser | None, organisation: Organisation) -> None:
    """``by=None`` is the operator at the command line."""
    if by is not None and not can_manage_org(by, organisation):
        raise PermissionDenied(_("Only the organisation's administrators may do this."))


def _check_owns_topic(by: AnyUser | None, topic: Topic) -> None:
    if by is not None and access.role_of(by, topic) != Membership.Role.OWNER:
        raise PermissionDenied(_("Only an owner of the topic may add it to an organisation."))


# Organisations.


@transaction.atomic
def create_organisation(
    *, slug: str, name: str, by: AnyUser | None, description: str = ""
) -> Organisation:
    """A new organisation; ``by`` (if any) becomes its first administrator."""
    organisation = Organisation(slug=slug, name=name, description=description)
    organisation.full_clean()
    organisation.save()
    if by is not None:
        user = access.authenticated(by)
        OrganisationMember.objects.create(
            organisation=organisation, user=user, role=OrganisationMember.Role.ADMIN
        )
    return organisation


def update_branding(organisation: Organisation, *, by: AnyUser | None, **fields: str) -> None:
    check_can_manage_org(by, organisation)
    unknown = set(fields) - set(BRANDING_FIELDS)
    if unknown:
        raise TypeError(f"not branding fields: {sorted(unknown)}")
    before = {name: getattr(organisation, name) for name in fields}
    for name, value in fields.items():
        setattr(organisation, name, value)
    try:
        organisation.full_clean()
    except ValidationError:
        for name, value in before.items():  # the object stays as saved
            setattr(organisation, name, value)
        raise
    organisation.save(update_fields=list(fields))


def add_topic(organisation: Organisation, topic: Topic, *, by: AnyUser | None) -> None:
    """The topic joins the organisation: ``by`` administers it and owns the topic."""
    check_can_manage_org(by, organisation)
    _check_owns_topic(by, topic)
    link = OrganisationTopic.objects.filter(topic=topic).select_related("organisation").first()
    if link is not None and link.organisation_id != organisation.pk:
        raise ValidationError(
            _("%(topic)s already belongs to %(organisation)s.")
            % {"topic": topic.title, "organisation": link.organisation.name}
        )
    if link is None:
        user = by if by is not None and by.is_authenticated else None
        OrganisationTopic.objects.create(topic=topic, organisation=organisation, added_by=user)


def remove_topic(organisation: Organisation, topic: Topic, *, by: AnyUser | None) -> None:
    check_can_manage_org(by, organisation)
    OrganisationTopic.objects.filter(organisation=organisation, topic=topic).delete()


def topics_to_add(user: AnyUser, organisation: Organisation) -> list[Topic]:
    """The topics ``user`` owns that belong to no organisation yet."""
    if not user.is_authenticated:
        return []
    owned = Topic.objects.filter(organisation_link__isnull=True)
    if not access.is_superuser(user):
        owned = owned.filter(memberships__user_id=user.pk, memberships__role=Membership.Role.OWNER)
    return list(owned.order_by("title"))


def add_member(
    organisation: Organisation, username: str, role: str, *, by: AnyUser | None
) -> OrganisationMember:
    """Adds (or changes the role of) the person with this username or e-mail address."""
    check_can_manage_org(by, organisation)
    if role not in OrganisationMember.Role.values:
        raise ValidationError(_("Unknown role: %(role)s.") % {"role": role})
    user = (
        get_user_model()
        .objects.filter(Q(username=username) | Q(email__iexact=username), is_active=True)
        .first()
    )
    if user is None:
        raise ValidationError(_("Nobody is called %(name)s here.") % {"name": username})
    with transaction.atomic():
        member, created = OrganisationMember.objects.get_or_create(
            organisation=organisation, user=user, defaults={"role": role}
        )
        if not created and member.role != role:
            _keep_an_admin(organisation, leaving=member)
            member.role = role
            member.save(update_fields=["role"])
    return member


def remove_member(
    organisation: Organisation, member: OrganisationMember, *, by: AnyUser | None
) -> None:
    check_can_manage_org(by, organisation)
    if member.organisation_id != organisation.pk:
        raise PermissionDenied(_("Not a member of this organisation."))
    with transaction.atomic():
        _keep_an_admin(organisation, leaving=member)
        member.delete()


def _keep_an_admin(organisation: Organisation, *, leaving: OrganisationMember) -> None:
    if leaving.role != OrganisationMember.Role.ADMIN:
        return
    others = (
        OrganisationMember.objects.select_for_update()
        .filter(organisation=organisation, role=OrganisationMember.Role.ADMIN)
        .exclude(pk=leaving.pk)
    )
    if not others.exists():
        raise ValidationError(_("An organisation keeps at least one administrator."))


# Domains.


def add_domain(organisation: Organisation, host: str, *, by: AnyUser | None) -> Domain:
    """A pending domain with a fresh token: its TXT record is then checked by the worker."""
    check_can_manage_org(by, organisation)
    name = normalise_host(host)
    allowed = [h for h in settings.ALLOWED_HOSTS if h != "*"]
    if validate_host(name, allowed) or name == _main_host():
        raise ValidationError(_("%(host)s is this site's own address.") % {"host": name})
    if Domain.objects.filter(host=name).exists():
        raise ValidationError(_("%(host)s is already taken.") % {"host": name})
    return Domain.objects.create(organisation=organisation, host=name)


def _main_host() -> str:
    return (urlsplit(settings.GLANEUR_BASE_URL).hostname or "").lower()


def remove_domain(domain: Domain, *, by: AnyUser | None) -> None:
    check_can_manage_org(by, domain.organisation)
    domain.delete()


def request_verification(domain: Domain, *, by: AnyUser | None) -> None:
    """ "Verify now": the check runs in the worker (a DNS query may take seconds)."""
    check_can_manage_org(by, domain.organisation)
    from .tasks import verify_domain as verify_task

    verify_task.enqueue(domain.pk)


def verify_domain(domain: Domain) -> Domain:
    """Checks the domain's TXT record and records the outcome.

    Right token: verified (a disabled domain comes back). Wrong or missing: a pending or
    disabled domain stays so, with the reason; a verified one is disabled after
    GLANEUR_DOMAIN_MAX_FAILURES consecutive failures, so no host keeps pointing here
    unchecked."""
    # Imported here: web processes never query DNS, so they never load dnspython.
    from . import dns_check

    result = dns_check.check_txt(domain.record_name, domain.token)
    now = timezone.now()
    domain.last_checked_at = now
    if result.ok:
        if domain.status != Domain.Status.VERIFIED:
            domain.verified_at = now
        domain.status = Domain.Status.VERIFIED
        domain.failures = 0
        domain.last_error = ""
    else:
        domain.failures += 1
        domain.last_error = result.reason
        limit = settings.GLANEUR_DOMAIN_MAX_FAILURES
        if domain.status == Domain.Status.VERIFIED and domain.failures >= limit:
            domain.status = Domain.Status.DISABLED
            domain.last_error = _("Disabled after %(count)d failed checks in a row: %(reason)s") % {
                "count": domain.failures,
                "reason": result.reason,
            }
            log.warning("custom domain %s disabled: %s", domain.host, result.reason)
    domain.save(
        update_fields=["status", "verified_at", "last_checked_at", "failures", "last_error"]
    )
    return domain


def due_domain_ids() -> list[int]:
    """Domains to check again: verified ones daily, pending ones hourly (for a week)."""
    now = timezone.now()
    verified = Q(status=Domain.Status.VERIFIED) & (
        Q(last_checked_at__isnull=True) | Q(last_checked_at__lt=now - VERIFIED_EVERY)
    )
    # A pending domain is tried for a week; then only "verify now" checks it again.
    pending = Q(status=Domain.Status.PENDING, created_at__gte=now - PENDING_FOR) & (
        Q(last_checked_at__isnull=True) | Q(last_checked_at__lt=now - PENDING_EVERY)
    )
    due = verified | pending
    return list(Domain.objects.filter(due).values_list("pk", flat=True))


def enqueue_due_verifications() -> int:
    from .tasks import verify_domain as verify_task

    ids = due_domain_ids()
    for pk in ids:
        verify_task.enqueue(pk)
    return len(ids)
