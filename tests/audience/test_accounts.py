"""Accounts through allauth, with mail read from a real SMTP server on loopback."""

from __future__ import annotations

from html import escape
from typing import Any
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client

from glaneur.audience.models import Comment, Follow, Profile
from glaneur.curation.models import Membership, Post, Topic
from glaneur.curation.services import create_post
from tests.audience.helpers import make_reader
from tests.audience.mailserver import MailServer
from tests.factories import PASSWORD, add_member, make_topic, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "une phrase de passe toute neuve 2026"


def sign_up(client: Client, username: str = "nadia", **extra: str) -> Any:
    return client.post(
        "/accounts/signup/",
        {
            "email": f"{username}@example.org",
            "username": username,
            "password1": PASSWORD,
            "password2": PASSWORD,
            **extra,
        },
    )


def test_sign_up_mails_a_verification_link_that_confirms_the_address(
    client: Client, smtp: MailServer
) -> None:
    response = sign_up(client, first_name="Nadia Benali")

    assert response.status_code == 302
    user = get_user_model().objects.get(username="nadia")
    assert user.first_name == "Nadia Benali"  # the display name every page shows
    assert Profile.objects.get(user=user).language == "fr"
    [mail] = smtp.to("nadia@example.org")
    assert mail.message.get_content_type() == "multipart/alternative"
    assert mail.message["Content-Language"] == "fr"
    assert mail.subject.startswith("[Glaneur] ")
    assert "Glaneur" in mail.text and "example.com" not in mail.text
    assert "Bonjour" in mail.text  # French, as the visitor's interface
    [link] = mail.links("/accounts/confirm-email/")
    assert f'href="{link}"' in mail.html
    path = urlsplit(link).path
    page = client.get(path)
    assert page.status_code == 200 and "nadia@example.org" in page.content.decode()
    assert not EmailAddress.objects.get(user=user).verified

    assert client.post(path).status_code == 302

    assert EmailAddress.objects.get(user=user).verified


def test_the_sign_up_page_uses_the_site_frame_and_asks_for_a_display_name(
    client: Client,
) -> None:
    html = client.get("/accounts/signup/").content.decode()
    assert 'class="site-header"' in html
    assert 'name="first_name"' in html and 'name="email"' in html


def test_password_reset_mail_link_sets_a_new_password(client: Client, smtp: MailServer) -> None:
    user = make_reader("marc")

    response = client.post("/accounts/password/reset/", {"email": user.email})

    assert response.status_code == 302
    [mail] = smtp.to(user.email)
    assert mail.message.get_content_type() == "multipart/alternative"
    [link] = mail.links("/accounts/password/reset/key/")
    set_password = client.get(urlsplit(link).path)
    assert set_password.status_code == 302  # allauth moves the key out of the URL
    form_url = set_password["Location"]
    assert "password1" in client.get(form_url).content.decode()
    done = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert Client().login(username="marc", password=NEW_PASSWORD)


def test_account_mail_is_written_in_the_recipients_language(
    client: Client, smtp: MailServer
) -> None:
    user = make_reader("john", language="en")

    client.post("/accounts/password/reset/", {"email": user.email})  # French interface

    [mail] = smtp.to(user.email)
    assert mail.message["Content-Language"] == "en"
    assert "Password Reset" in mail.subject
    assert "password" in mail.text.lower()


def test_sign_up_is_rate_limited(client: Client) -> None:
    for n in range(5):
        assert sign_up(client, f"user{n}").status_code == 302
        client.logout()

    response = sign_up(client, "one-too-many")

    assert response.status_code == 429
    assert 'class="site-header"' in response.content.decode()
    assert not get_user_model().objects.filter(username="one-too-many").exists()


def test_repeated_failed_log_ins_lock_the_account_for_a_while(client: Client) -> None:
    make_reader("sam")
    for _ in range(5):
        client.post("/accounts/login/", {"login": "sam", "password": "wrong"})

    client.post("/accounts/login/", {"login": "sam", "password": PASSWORD})

    assert "_auth_user_id" not in client.session


def test_profile_settings_update_the_display_name_bio_and_language(
    client: Client, reader: Any
) -> None:
    client.force_login(reader)
    assert 'name="display_name"' in client.get("/settings/").content.decode()

    response = client.post(
        "/settings/",
        {"display_name": "Léa Martin", "bio": "Chargée d'études emploi.", "language": "en"},
    )

    assert response.status_code == 302
    reader.refresh_from_db()
    assert reader.first_name == "Léa Martin"
    profile = Profile.objects.get(user=reader)
    assert (profile.bio, profile.language) == ("Chargée d'études emploi.", "en")
    assert "Léa Martin" in client.get("/").content.decode()  # the header shows it


def test_deleting_an_account_keeps_its_posts_as_by_a_deleted_account(
    client: Client, topic: Any
) -> None:
    contributor = make_reader("zoe")
    add_member(topic, contributor, Membership.Role.CONTRIBUTOR)
    post = create_post(topic, by=contributor, title="Forum de l'emploi à Niort")
    other = create_post(topic, by=topic.owner, title="Autre post")
    Comment.objects.create(post=other, author=contributor, text="Merci !")
    Post.objects.filter(pk=other.pk).update(comment_count=1)
    Follow.objects.create(user=contributor, topic=topic)
    client.force_login(contributor)

    response = client.post("/settings/delete/", {"password": PASSWORD})

    assert response.status_code == 302
    assert not get_user_model().objects.filter(username="zoe").exists()
    post.refresh_from_db()
    assert post.curated_by is None
    assert not Comment.objects.exists()
    other.refresh_from_db()
    assert other.comment_count == 0
    assert not EmailAddress.objects.filter(email="zoe@example.org").exists()
    assert "_auth_user_id" not in client.session
    assert "un compte supprimé" in client.get(topic.get_absolute_url()).content.decode()


def test_deleted_accounts_posts_can_be_credited_to_the_topics_owner(
    client: Client, topic: Any
) -> None:
    contributor = make_reader("yann")
    add_member(topic, contributor, Membership.Role.CONTRIBUTOR)
    post = create_post(topic, by=contributor, title="Job dating à Pau")
    client.force_login(contributor)

    client.post("/settings/delete/", {"password": PASSWORD, "credit_posts_to_owner": "on"})

    post.refresh_from_db()
    assert post.curated_by == topic.owner


def test_an_owned_topic_passes_to_its_editor(client: Client, topic: Any) -> None:
    owner = topic.owner
    editor = make_user("editor")
    add_member(topic, editor, Membership.Role.EDITOR)
    client.force_login(owner)
    page = client.get("/settings/delete/").content.decode()
    assert "editor" in page  # the page says who takes the topic over

    client.post("/settings/delete/", {"password": PASSWORD})

    topic.refresh_from_db()
    assert topic.owner == editor
    assert Membership.objects.get(topic=topic, user=editor).role == Membership.Role.OWNER


def test_a_topic_nobody_can_take_over_blocks_deletion_until_deleted_too(
    client: Client, topic: Any
) -> None:
    owner = topic.owner
    client.force_login(owner)

    refused = client.post("/settings/delete/", {"password": PASSWORD})

    assert refused.status_code == 200
    assert escape(topic.title) in refused.content.decode()
    assert get_user_model().objects.filter(pk=owner.pk).exists()

    client.post("/settings/delete/", {"password": PASSWORD, "delete_orphan_topics": "on"})

    assert not get_user_model().objects.filter(pk=owner.pk).exists()
    assert not Topic.objects.filter(pk=topic.pk).exists()


def test_a_wrong_password_deletes_nothing(client: Client, reader: Any) -> None:
    client.force_login(reader)

    response = client.post("/settings/delete/", {"password": "not it"})

    assert response.status_code == 200
    assert get_user_model().objects.filter(pk=reader.pk).exists()


def test_settings_need_a_log_in(client: Client, db: Any) -> None:
    for path in ("/settings/", "/settings/subscriptions/", "/settings/delete/"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_header_links_to_the_settings(client: Client, reader: Any) -> None:
    client.force_login(reader)
    assert 'href="/settings/"' in client.get("/").content.decode()
    make_topic()  # anonymous visitors see the sign-up link
    client.logout()
    assert 'href="/accounts/signup/"' in client.get("/").content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/accounts/confirm-email/not-a-key/",
        "/accounts/inactive/",
        "/accounts/password/reset/key/0-not-a-key/",
    ],
)
def test_allauth_pages_for_visitors_use_the_site_frame(client: Client, path: str) -> None:
    response = client.get(path, follow=True)
    assert response.status_code == 200
    assert 'class="site-header"' in response.content.decode()


@pytest.mark.parametrize(
    "path", ["/accounts/logout/", "/accounts/email/", "/accounts/password/change/"]
)
def test_allauth_pages_for_readers_use_the_site_frame(
    client: Client, reader: Any, path: str
) -> None:
    client.force_login(reader)
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="site-header"' in html and "<script" not in html.split("</head>")[1]
