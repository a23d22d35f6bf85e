"""A topic made private stops reaching those who may no longer see it, by every way its
content leaves (reading list, subscriptions page, digests, newsletters, feeds, API, other
topics' cards); a former follower can still stop following it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from glaneur.audience import newsletter_issues
from glaneur.audience.digests import LEASE, DigestReport, _claim, send_due_digests
from glaneur.audience.models import Delivery, Digest, Follow, SendStatus, Subscriber
from glaneur.audience.services import follow
from glaneur.curation.models import Membership, Post, Topic
from glaneur.curation.services import create_post, rescoop, update_topic
from tests.api.conftest import token_client
from tests.audience.helpers import make_reader, make_subscribers
from tests.audience.mailserver import MailServer
from tests.factories import add_member, make_posts, make_topic

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
MONDAY = datetime(2026, 3, 2, tzinfo=PARIS)  # digests leave at 07:00


def at(day: int, hour: int) -> datetime:
    return MONDAY + timedelta(days=day, hours=hour)


@pytest.fixture
def closed(topic: Any) -> Any:
    """``topic`` with a follower (``.reader``) and a member who follows it (``.member``),
    then made private by its owner, who publishes a post (``.news``)."""
    topic.reader = make_reader("lea")
    topic.member = make_reader("max")
    add_member(topic, topic.member, Membership.Role.CONTRIBUTOR)
    for user in (topic.reader, topic.member):
        follow(user, topic)
        Follow.objects.filter(user=user).update(digest="daily", digested_until=at(0, 6))
    create_post(topic, by=topic.owner, title="Publié quand le sujet était public")
    update_topic(topic, by=topic.owner, visibility=Topic.Visibility.PRIVATE)
    topic.news = create_post(
        topic, by=topic.owner, title="Réservé aux membres", curated_at=at(0, 9)
    )
    return topic


def test_the_reading_list_leaves_out_a_topic_made_private(client: Client, closed: Any) -> None:
    client.force_login(closed.reader)
    page = client.get("/following/").content.decode()
    assert "Réservé aux membres" not in page
    assert "Publié quand le sujet était public" not in page
    assert closed.title.replace("'", "&#x27;") not in page
    client.force_login(closed.member)
    assert "Réservé aux membres" in client.get("/following/").content.decode()


def test_the_subscriptions_page_does_not_name_it_and_stops_following_it(
    client: Client, closed: Any
) -> None:
    client.force_login(closed.reader)
    page = client.get("/settings/subscriptions/").content.decode()
    assert closed.title.replace("'", "&#x27;") not in page
    assert closed.slug not in page
    assert 'value="unfollow-hidden"' in page
    client.post("/settings/subscriptions/", {"action": "unfollow-hidden"})
    assert not Follow.objects.filter(user=closed.reader).exists()
    assert Follow.objects.filter(user=closed.member).exists()


def test_a_former_follower_can_unfollow_it_by_its_address(client: Client, closed: Any) -> None:
    client.force_login(closed.reader)
    response = client.post(f"/topic/{closed.slug}/follow/", {"action": "unfollow"})
    assert response.status_code == 302
    assert response["Location"] == "/settings/subscriptions/"
    assert not Follow.objects.filter(user=closed.reader).exists()
    # Once unfollowed, or for anyone who never followed it, the topic does not exist.
    again = client.post(f"/topic/{closed.slug}/follow/", {"action": "unfollow"})
    assert again.status_code == 404
    assert client.post(f"/topic/{closed.slug}/follow/").status_code == 404


def test_a_former_follower_can_unfollow_it_through_the_api(closed: Any) -> None:
    api = token_client(closed.reader)
    assert closed.slug not in str(api.get("/api/me/follows").json())
    assert api.delete(f"/api/topics/{closed.slug}/follow").status_code == 204
    assert not Follow.objects.filter(user=closed.reader).exists()
    assert api.delete(f"/api/topics/{closed.slug}/follow").status_code == 404


def test_a_digest_goes_to_members_only(smtp: MailServer, base_url: str, closed: Any) -> None:
    report = send_due_digests(now=at(1, 8))
    assert report.sent == 1
    assert smtp.to(closed.reader.email) == []
    [received] = smtp.to(closed.member.email)
    assert "Réservé aux membres" in received.text


def test_a_digest_made_before_the_topic_closed_is_not_sent_after(
    smtp: MailServer, base_url: str, topic: Any
) -> None:
    reader = make_reader("lea")
    follow(reader, topic)
    Follow.objects.filter(user=reader).update(digest="daily", digested_until=at(0, 6))
    create_post(topic, by=topic.owner, title="Avant la fermeture", curated_at=at(0, 9))
    # A worker records the digest, then dies before speaking to the mail server.
    assert len(_claim([reader.pk], at(1, 8), DigestReport())) == 1
    update_topic(topic, by=topic.owner, visibility=Topic.Visibility.PRIVATE)
    send_due_digests(now=at(1, 8) + LEASE + timedelta(minutes=1))  # another takes it over
    assert Digest.objects.get().status == SendStatus.FAILED
    assert smtp.to(reader.email) == []


def test_a_private_topics_newsletter_goes_to_its_members_addresses_only(
    smtp: MailServer, base_url: str, closed: Any
) -> None:
    make_subscribers(closed, 3)
    for user in (closed.reader, closed.member):
        Subscriber.objects.create(
            topic=closed, email=user.email, status="active", source="form", language="fr"
        )
    issue = newsletter_issues.compose_issue(
        closed, by=closed.owner, subject="Lettre interne", post_ids=[closed.news.pk]
    )
    newsletter_issues.schedule_issue(issue, by=closed.owner)
    newsletter_issues.send_due_issues()
    recipients = {address for message in smtp.messages for address in message.recipients}
    assert recipients == {closed.member.email}


def test_a_send_under_way_stops_for_others_when_the_topic_closes(
    smtp: MailServer, base_url: str, topic: Any
) -> None:
    make_subscribers(topic, 3)
    issue = newsletter_issues.compose_issue(
        topic, by=topic.owner, subject="Lettre", introduction="Bonjour"
    )
    newsletter_issues.schedule_issue(issue, by=topic.owner)
    newsletter_issues._start(issue.pk, issue.send_at)  # deliveries made, nothing sent yet
    assert Delivery.objects.filter(issue=issue).count() == 3
    update_topic(topic, by=topic.owner, visibility=Topic.Visibility.PRIVATE)
    newsletter_issues.send_issue(issue.pk)
    assert smtp.messages == []
    assert set(Delivery.objects.values_list("status", flat=True)) == {"failed"}


def test_a_feed_read_before_the_topic_closed_is_not_served_after(
    client: Client, topic: Any
) -> None:
    create_post(topic, by=topic.owner, title="Article du flux")
    for fmt in ("rss", "atom", "json"):
        assert "Article du flux" in client.get(f"/topic/{topic.slug}/feed.{fmt}").content.decode()
    update_topic(topic, by=topic.owner, visibility=Topic.Visibility.PRIVATE)
    for fmt in ("rss", "atom", "json"):
        assert client.get(f"/topic/{topic.slug}/feed.{fmt}").status_code == 404


def test_another_topics_rescoop_no_longer_names_it(client: Client, topic: Any) -> None:
    original = create_post(topic, by=topic.owner, title="Article repris")
    elsewhere = make_topic(title="Veille ouverte")
    copy = rescoop(original, elsewhere, by=elsewhere.owner)
    name = "Initiatives locales et paroles d&#x27;acteurs"
    assert name in client.get(elsewhere.get_absolute_url()).content.decode()
    update_topic(topic, by=topic.owner, visibility=Topic.Visibility.PRIVATE)
    for page in (elsewhere.get_absolute_url(), copy.get_absolute_url()):
        html = client.get(page).content.decode()
        assert "Article repris" in html and name not in html
    api = token_client(None).get(f"/api/topics/{elsewhere.slug}/posts/{copy.pk}").json()
    assert api["origin"] is None
    client.force_login(topic.owner)  # a member still sees where it came from
    assert name in client.get(copy.get_absolute_url()).content.decode()


def test_the_follow_comes_back_when_the_topic_opens_again(client: Client, closed: Any) -> None:
    update_topic(closed, by=closed.owner, visibility=Topic.Visibility.PUBLIC)
    client.force_login(closed.reader)
    assert "Réservé aux membres" in client.get("/following/").content.decode()
    assert Post.objects.filter(topic=closed).count() == 2


def test_a_page_of_rescoops_from_a_private_topic_asks_the_viewers_role_once(
    client: Client, topic: Any, settings: Any
) -> None:
    settings.GLANEUR_POSTS_PER_PAGE = 10
    originals = make_posts(topic, 10, tags_per_post=0)
    update_topic(topic, by=topic.owner, visibility=Topic.Visibility.PRIVATE)
    elsewhere = make_topic(topic.owner, title="Veille ouverte")
    client.force_login(topic.owner)  # a member: sees where each came from

    def queries_with(rescoops: int) -> int:
        Post.objects.filter(topic=elsewhere).delete()
        for original in originals[:rescoops]:
            rescoop(original, elsewhere, by=topic.owner)
        make_posts(elsewhere, 10 - rescoops, tags_per_post=0)
        with CaptureQueriesContext(connection) as captured:
            html = client.get(elsewhere.get_absolute_url()).content.decode()
        assert html.count("Initiatives locales et paroles d&#x27;acteurs") >= rescoops
        return len(captured)

    assert queries_with(10) == queries_with(1)
