"""Approval: when the owner asks for it, a contributor's post waits — from the edit page,
a scoop, the API — until an editor approves (published) or sends it back (a draft with
the note, and a mail); everything is in the audit list."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from glaneur.curation import audit, events
from glaneur.curation.models import AuditEntry, Post, Topic
from glaneur.curation.services import approve, create_post, publish, scoop_url, update_topic
from glaneur.teams import notices
from tests.api.conftest import token_client
from tests.audience.mailserver import MailServer
from tests.teams.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def strict(topic: Topic, team: dict[str, Any]) -> Topic:
    update_topic(topic, by=topic.owner, contributors_need_approval=True)
    return topic


def test_every_way_of_publishing_waits_for_an_editor(
    strict: Topic, team: dict[str, Any], settings: Any
) -> None:
    contributor = team["contributor"]
    typed = create_post(strict, by=contributor, title="Un article proposé")
    scooped = scoop_url(strict, "https://example.org/a", by=contributor)
    draft = create_post(strict, by=contributor, title="Un brouillon", status=Post.Status.DRAFT)
    publish(draft, by=contributor)
    # The API: the same rule, through the same services.
    api = token_client(contributor)
    answer = api.post(
        f"/api/topics/{strict.slug}/posts",
        {"title": "Par l'API", "url": "https://example.org/api", "status": "published"},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["status"] == "pending"
    statuses = {p.pk: p.status for p in Post.objects.filter(topic=strict)}
    assert set(statuses.values()) == {Post.Status.PENDING}
    assert [p.pk for p in Post.objects.filter(topic=strict, status="published")] == []
    # An editor's own post goes out at once.
    mine = create_post(strict, by=team["editor"], title="Un article d'éditrice")
    assert mine.status == Post.Status.PUBLISHED
    # Nothing waiting shows to readers.
    page = Client().get(strict.get_absolute_url()).content.decode()
    assert "Un article proposé" not in page and "Un article d&#x27;éditrice" in page
    assert AuditEntry.objects.filter(topic=strict, action="post_submitted").count() == 4
    assert typed.pk in statuses and scooped.pk in statuses


def test_an_editor_approves_or_sends_back_and_the_contributor_hears(
    strict: Topic,
    team: dict[str, Any],
    smtp: MailServer,
    django_capture_on_commit_callbacks: Any,
) -> None:
    published: list[list[int]] = []

    def seen(sender: Any, post_ids: list[int], **kwargs: Any) -> None:
        published.append(post_ids)

    events.posts_published.connect(seen, dispatch_uid="test-approvals")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            first = create_post(strict, by=team["contributor"], title="Forum de l'alternance")
            second = create_post(strict, by=team["contributor"], title="Salon des métiers")
        # The editors and the owner are told a post waits.
        for task in DBTaskResult.objects.filter(queue_name="mail"):
            notices.tell_reviewers(*task.args_kwargs["args"])
        assert {m.recipients[0] for m in smtp.messages} == {
            "curator@example.org",
            "edith@example.org",
        }
        DBTaskResult.objects.all().delete()
        queue = reverse("teams:review", args=[strict.slug])
        editor = client_for(team["editor"])
        page = editor.get(queue).content.decode()
        assert "Forum de l&#x27;alternance" in page and "Salon des métiers" in page
        with django_capture_on_commit_callbacks(execute=True):
            editor.post(queue, {"post": first.pk, "action": "approve"})
            editor.post(
                queue, {"post": second.pk, "action": "send_back", "note": "Ajoutez la date."}
            )
        assert published == [[first.pk]]
    finally:
        events.posts_published.disconnect(dispatch_uid="test-approvals")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Post.Status.PUBLISHED
    assert second.status == Post.Status.DRAFT and second.review_note == "Ajoutez la date."
    for task in DBTaskResult.objects.filter(queue_name="mail"):
        notices.tell_contributor(*task.args_kwargs["args"])
    mails = smtp.to("conrad@example.org")
    assert len(mails) == 2 and any("Ajoutez la date." in m.text for m in mails)
    # The note shows on the contributor's draft.
    edit = reverse("curation:post-edit", args=[strict.slug, second.pk])
    assert "Ajoutez la date." in client_for(team["contributor"]).get(edit).content.decode()
    # A send-back needs a note; a post no longer waiting cannot be decided again.
    assert editor.post(queue, {"post": first.pk, "action": "approve"}).status_code == 302
    assert Post.objects.get(pk=first.pk).status == Post.Status.PUBLISHED
    words = [audit.describe(e) for e in AuditEntry.objects.filter(topic=strict)]
    assert any("edith" in w and "Forum de l'alternance" in w for w in words)
    assert any("Ajoutez la date." in w for w in words)


def test_the_audit_list_pages_every_change(strict: Topic, team: dict[str, Any]) -> None:
    for n in range(60):
        audit.record(strict, team["editor"], "invited", invitee=f"a{n}@example.org", role="editor")
    url = reverse("teams:audit", args=[strict.slug])
    owner = client_for(strict.owner)
    first = owner.get(url).content.decode()
    assert first.count("<tr>") == 51  # a header row and 50 entries
    assert "a59@example.org" in first and 'rel="next"' in first
    second = owner.get(url, {"page": 2}).content.decode()
    assert "a0@example.org" in second
    actions = set(AuditEntry.objects.filter(topic=strict).values_list("action", flat=True))
    assert "approval_required" in actions


def test_an_approved_post_is_the_editors_to_change(strict: Topic, team: dict[str, Any]) -> None:
    contributor = team["contributor"]
    post = create_post(strict, by=contributor, title="Proposé")
    edit = reverse("curation:post-edit", args=[strict.slug, post.pk])
    assert client_for(contributor).get(edit).status_code == 200  # while it waits
    approve(post, by=team["editor"])
    assert client_for(contributor).get(edit).status_code == 403
    assert client_for(team["editor"]).get(edit).status_code == 200
    # Without approval asked, a contributor keeps their own published posts.
    update_topic(strict, by=strict.owner, contributors_need_approval=False)
    assert client_for(contributor).get(edit).status_code == 200
