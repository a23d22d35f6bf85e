"""Invitations: an account by username joins at once; an e-mail address gets a signed
link by mail (a real SMTP server), accepted once after signing in; expired, withdrawn,
altered links are refused."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from glaneur.curation.models import AuditEntry, Membership, Topic
from glaneur.teams import notices, services
from glaneur.teams.models import Invitation
from tests.audience.mailserver import MailServer
from tests.factories import make_user
from tests.teams.conftest import client_for

pytestmark = pytest.mark.django_db


def test_an_account_invited_by_username_joins_at_once(topic: Topic, team: dict[str, Any]) -> None:
    newcomer = make_user("nadia")
    made = services.invite(topic, by=topic.owner, who="Nadia", role="editor")
    assert isinstance(made, Membership) and made.user == newcomer and made.role == "editor"
    with pytest.raises(ValidationError):
        services.invite(topic, by=topic.owner, who="nadia", role="contributor")
    with pytest.raises(ValidationError):
        services.invite(topic, by=topic.owner, who="personne", role="contributor")
    entry = AuditEntry.objects.get(topic=topic, action="member_added")
    assert entry.actor == topic.owner and entry.detail == {"member": "nadia", "role": "editor"}


def test_an_address_gets_a_link_by_mail_and_accepts_once_signed_in(
    topic: Topic,
    team: dict[str, Any],
    smtp: MailServer,
    django_capture_on_commit_callbacks: Any,
) -> None:
    page = reverse("teams:members", args=[topic.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(team["editor"]).post(
            page, {"action": "invite", "who": "Nouvelle@Example.org", "role": "contributor"}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(topic=topic)
    assert invitation.email == "nouvelle@example.org" and invitation.pending
    [task] = DBTaskResult.objects.filter(queue_name="mail")
    notices.send_invitation(*task.args_kwargs["args"])
    [mail] = smtp.to("nouvelle@example.org")
    assert topic.title in mail.subject
    link = re.search(r"https?://\S+/invitations/(\S+)/", mail.text)
    assert link is not None
    path = reverse("teams:accept", args=[link.group(1)])
    # The page tells a stranger to sign in; accepting without an account goes to the log-in.
    anonymous = Client()
    assert "account" in anonymous.get(path).content.decode().lower()
    assert anonymous.post(path)["Location"].startswith(reverse("account_login"))
    newcomer = make_user("nouvelle")
    signed_in = client_for(newcomer)
    assert signed_in.post(path).status_code == 302
    assert Membership.objects.get(topic=topic, user=newcomer).role == "contributor"
    # Once: a second use, by anyone, is refused.
    assert client_for(make_user("autre")).post(path).status_code == 400
    assert not Membership.objects.filter(topic=topic, user__username="autre").exists()
    actions = list(AuditEntry.objects.filter(topic=topic).values_list("action", flat=True))
    assert sorted(actions) == ["invitation_accepted", "invited"]


def test_expired_withdrawn_and_altered_links_are_refused(
    topic: Topic, team: dict[str, Any]
) -> None:
    late = services.invite(topic, by=topic.owner, who="late@example.org", role="editor")
    gone = services.invite(topic, by=topic.owner, who="gone@example.org", role="editor")
    assert isinstance(late, Invitation) and isinstance(gone, Invitation)
    Invitation.objects.filter(pk=late.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    page = reverse("teams:members", args=[topic.slug])
    assert "gone@example.org" in client_for(topic.owner).get(page).content.decode()
    client_for(topic.owner).post(page, {"action": "revoke", "invitation": gone.pk})
    assert "gone@example.org" not in client_for(topic.owner).get(page).content.decode()
    user = make_user("quelquun")
    for invitation in (late, gone):
        path = reverse("teams:accept", args=[services.invitation_token(invitation)])
        assert client_for(user).post(path).status_code == 400
    forged = services.invitation_token(late)[:-2] + "xx"
    assert client_for(user).post(reverse("teams:accept", args=[forged])).status_code == 404
    assert not Membership.objects.filter(topic=topic, user=user).exists()
    assert AuditEntry.objects.filter(topic=topic, action="invitation_revoked").count() == 1


def test_an_invitation_never_demotes_a_member(topic: Topic, team: dict[str, Any]) -> None:
    invitation = services.invite(
        topic, by=topic.owner, who="edith.pro@example.org", role="contributor"
    )
    assert isinstance(invitation, Invitation)
    services.accept(services.invitation_token(invitation), team["editor"])
    assert Membership.objects.get(topic=topic, user=team["editor"]).role == "editor"
