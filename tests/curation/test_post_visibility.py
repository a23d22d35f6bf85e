"""Who may see a post: a draft or a scheduled post exists only for those who may edit it,
whatever the path (its page, the rescoop form, the service, the API, the drafts page)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from glaneur.curation.models import Membership, Post
from glaneur.curation.services import create_post, rescoop
from tests.api.conftest import token_client
from tests.factories import add_member, make_topic, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(topic: Any) -> Post:
    return create_post(
        topic, by=topic.owner, title="Plan social confidentiel", status=Post.Status.DRAFT
    )


@pytest.fixture
def outsider(db: Any) -> Any:
    """A curator of a topic of their own, with no role in ``topic``."""
    user = make_user("outsider")
    make_topic(user, title="Ma veille")
    return user


def rescoop_path(post: Post) -> str:
    return f"{post.actions_path}rescoop/"


def test_the_rescoop_form_of_someone_elses_draft_does_not_exist(
    client: Client, draft: Post, outsider: Any
) -> None:
    client.force_login(outsider)
    page = client.get(rescoop_path(draft))
    assert page.status_code == 404
    assert "Plan social confidentiel" not in page.content.decode()


def test_posting_the_rescoop_of_someone_elses_draft_copies_nothing(
    client: Client, draft: Post, outsider: Any
) -> None:
    into = outsider.owned_topics.get()
    client.force_login(outsider)
    response = client.post(rescoop_path(draft), {"topic": into.pk, "insight": "Vu"})
    assert response.status_code == 404
    assert not Post.objects.filter(topic=into).exists()


def test_a_scheduled_post_is_a_draft_until_its_time(
    client: Client, topic: Any, outsider: Any
) -> None:
    scheduled = create_post(
        topic,
        by=topic.owner,
        title="Annonce à venir",
        status=Post.Status.SCHEDULED,
        publish_at=timezone.now() + timedelta(days=1),
    )
    client.force_login(outsider)
    assert client.get(rescoop_path(scheduled)).status_code == 404
    assert client.get(scheduled.get_absolute_url()).status_code == 404


def test_the_rescoop_service_refuses_a_draft_the_user_may_not_see(
    draft: Post, outsider: Any
) -> None:
    with pytest.raises(PermissionDenied):
        rescoop(draft, outsider.owned_topics.get(), by=outsider)
    assert Post.objects.count() == 1


def test_another_contributor_does_not_see_a_draft_but_its_curator_and_managers_do(
    client: Client, topic: Any
) -> None:
    writer, colleague, editor = make_user(), make_user(), make_user()
    add_member(topic, writer, Membership.Role.CONTRIBUTOR)
    add_member(topic, colleague, Membership.Role.CONTRIBUTOR)
    add_member(topic, editor, Membership.Role.EDITOR)
    draft = create_post(topic, by=writer, title="Brouillon d'un contributeur", status="draft")
    for user, sees in ((colleague, False), (writer, True), (editor, True), (topic.owner, True)):
        client.force_login(user)
        assert (client.get(draft.get_absolute_url()).status_code == 200) is sees
        drafts_page = client.get(f"{topic.get_absolute_url()}drafts/").content.decode()
        assert ("Brouillon d&#x27;un contributeur" in drafts_page) is sees
        api = token_client(user).get(f"/api/topics/{topic.slug}/posts/{draft.pk}")
        assert (api.status_code == 200) is sees


def test_a_published_post_is_rescooped_as_before(client: Client, topic: Any, outsider: Any) -> None:
    post = create_post(topic, by=topic.owner, title="Forum de l'emploi")
    into = outsider.owned_topics.get()
    client.force_login(outsider)
    assert "Forum de l" in client.get(rescoop_path(post)).content.decode()
    client.post(rescoop_path(post), {"topic": into.pk, "insight": "À lire"})
    assert Post.objects.get(topic=into).origin == post
