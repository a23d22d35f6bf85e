"""ActivityPub: a public topic is a Group actor; Mastodon users follow it and receive its
posts as Notes.

Addresses (DESIGN.md's scheme): the actor is the topic's page ``/topic/<slug>/`` (asked for
as ``application/activity+json``), with ``inbox``, ``outbox`` and ``followers`` under it;
a Note is the post's page; the shared inbox is ``/inbox``. Only public topics federate
(``curation.access``: unlisted and private ones answer 404 and are never delivered).

Delivery: one row per activity and inbox (a shared inbox once for all its followers), sent
signed (draft-cavage-12) by a task of the ``federation`` queue; a failure is retried after
1 min, 2, 4 … up to 24 h; an inbox failing for a week is dropped with its followers.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from glaneur.curation import access
from glaneur.curation.models import Post, Topic
from glaneur.ingest.fetch import fetch
from glaneur.ingest.fetch_errors import FetchError

from .models import ActorKey, BlockedDomain, Delivery, FederatedPost, Follower, RemoteActor
from .signatures import SignatureError, generate_key_pair, sign_request, verify_request

logger = logging.getLogger(__name__)

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
PUBLIC = f"{AS_CONTEXT}#Public"
ACTIVITY_TYPES = ("application/activity+json", "application/ld+json")
CONTEXT = [AS_CONTEXT, "https://w3id.org/security/v1"]
PAGE_SIZE = 20
MIN_BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=24)
GIVE_UP_AFTER = timedelta(days=7)
KEY_MAX_AGE = timedelta(days=1)
BATCH = 100  # deliveries per task


class InboxError(Exception):
    """An activity refused: ``status`` 401 (signature) or 400/403/404."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


# Addresses -------------------------------------------------------------------------------


def base_url() -> str:
    return str(settings.GLANEUR_BASE_URL).rstrip("/")


def host() -> str:
    return urlsplit(base_url()).netloc


def absolute(path: str) -> str:
    return base_url() + path


def actor_id(topic: Topic) -> str:
    return absolute(topic.get_absolute_url())


def key_id(topic: Topic) -> str:
    return actor_id(topic) + "#main-key"


def _topic_url(name: str, topic: Topic) -> str:
    return absolute(reverse(f"federation:{name}", kwargs={"slug": topic.slug}))


def wants_activity_json(accept: str) -> bool:
    """True when an Accept header asks for ActivityStreams rather than a page."""
    for item in accept.split(","):
        media, _, params = item.strip().partition(";")
        media = media.strip().lower()
        if media == "application/activity+json":
            return True
        if media == "application/ld+json" and "activitystreams" in params:
            return True
    return False


# Which topics and posts federate -------------------------------------------------------


def federates(topic: Topic) -> bool:
    return topic.visibility in access.LISTED_VISIBILITIES


def federated_topic(slug: str) -> Topic | None:
    topic = Topic.objects.filter(slug=slug).first()
    return topic if topic is not None and federates(topic) else None


def federated_posts(topic: Topic) -> QuerySet[Post]:
    return (
        Post.objects.filter(topic=topic)
        .filter(access.visible_posts_in(topic, None))
        .order_by("-curated_at", "-id")
    )


def topic_for_acct(resource: str) -> Topic | None:
    """The topic of ``acct:<slug>@<host>`` (or of its actor URL), if it federates."""
    if resource.startswith("acct:"):
        user, _, domain = resource[5:].partition("@")
        return federated_topic(user) if domain.lower() == host().lower() else None
    prefix = absolute("/topic/")
    if resource.startswith(prefix):
        return federated_topic(resource[len(prefix) :].strip("/"))
    return None


# Keys ------------------------------------------------------------------------------------


def actor_key(topic: Topic) -> ActorKey:
    """The topic's key pair, made the first time it is needed."""
    found = ActorKey.objects.filter(topic=topic).first()
    if found is not None:
        return found
    private, public = generate_key_pair()
    try:
        with transaction.atomic():
            return ActorKey.objects.create(topic=topic, private_pem=private, public_pem=public)
    except IntegrityError:  # another process made it first
        return ActorKey.objects.get(topic=topic)


# Documents -------------------------------------------------------------------------------


def webfinger(topic: Topic) -> dict[str, Any]:
    return {
        "subject": f"acct:{topic.slug}@{host()}",
        "aliases": [actor_id(topic)],
        "links": [
            {"rel": "self", "type": "application/activity+json", "href": actor_id(topic)},
            {
                "rel": "http://webfinger.net/rel/profile-page",
                "type": "text/html",
                "href": actor_id(topic),
            },
        ],
    }


def nodeinfo() -> dict[str, Any]:
    topics = Topic.objects.filter(visibility__in=access.LISTED_VISIBILITIES)
    posts = Post.objects.filter(access.visible_posts(None))
    return {
        "version": "2.1",
        "software": {"name": "glaneur", "version": "1.0", "homepage": base_url()},
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": ["rss2.0", "atom1.0"]},
        "openRegistrations": False,
        "usage": {"users": {"total": topics.count()}, "localPosts": posts.count()},
        "metadata": {"nodeName": settings.GLANEUR_SITE_NAME},
    }


def actor_document(topic: Topic) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "id": actor_id(topic),
        "type": "Group",
        "preferredUsername": topic.slug,
        "name": topic.title,
        "summary": escape(getattr(topic, "description", "") or ""),
        "url": actor_id(topic),
        "inbox": _topic_url("inbox", topic),
        "outbox": _topic_url("outbox", topic),
        "followers": _topic_url("followers", topic),
        "endpoints": {"sharedInbox": absolute(reverse("federation:shared_inbox"))},
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "publicKey": {
            "id": key_id(topic),
            "owner": actor_id(topic),
            "publicKeyPem": actor_key(topic).public_pem,
        },
    }


def note(post: Post) -> dict[str, Any]:
    """The post as a Note: title in bold, the curator's insight, a link to the source,
    hashtags from its tags; no ``summary`` (Mastodon would hide the text behind it)."""
    tags = list(post.tags.all())
    parts = [f"<p><strong>{escape(post.title)}</strong></p>"]
    if post.insight_html:
        parts.append(post.insight_html)
    if post.url:
        parts.append(
            f'<p><a href="{escape(post.url)}">{escape(post.site_name or post.url)}</a></p>'
        )
    hashtags = [
        (tag, absolute(post.topic.get_absolute_url()) + f"?tag={tag.slug}")
        for tag in tags
        if _hashtag(tag.name)
    ]
    if hashtags:
        parts.append(
            "<p>"
            + " ".join(
                f'<a href="{escape(href)}" class="mention hashtag" rel="tag">'
                f"#<span>{escape(_hashtag(tag.name))}</span></a>"
                for tag, href in hashtags
            )
            + "</p>"
        )
    document: dict[str, Any] = {
        "id": absolute(post.get_absolute_url()),
        "type": "Note",
        "attributedTo": actor_id(post.topic),
        "content": "\n".join(parts),
        "url": absolute(post.get_absolute_url()),
        "published": _iso(post.curated_at),
        "to": [PUBLIC],
        "cc": [_topic_url("followers", post.topic)],
        "tag": [
            {"type": "Hashtag", "href": href, "name": f"#{_hashtag(tag.name)}"}
            for tag, href in hashtags
        ],
    }
    if post.language:
        document["contentMap"] = {post.language: document["content"]}
    if post.url:
        document["attachment"] = [{"type": "Link", "href": post.url, "name": post.title}]
    return document


def _hashtag(name: str) -> str:
    """``mission locale`` → ``MissionLocale``; ``l'emploi`` → ``LEmploi`` (letters only)."""
    words = "".join(ch if ch.isalnum() or ch == "_" else " " for ch in name).split()
    return "".join(word[:1].upper() + word[1:] for word in words)


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _activity(kind: str, topic: Topic, obj: Any, *, suffix: str) -> dict[str, Any]:
    base = obj["id"] if isinstance(obj, dict) else str(obj)
    return {
        "@context": AS_CONTEXT,
        "id": f"{base}#{suffix}",
        "type": kind,
        "actor": actor_id(topic),
        "to": [PUBLIC],
        "cc": [_topic_url("followers", topic)],
        "object": obj,
    }


def create_activity(post: Post) -> dict[str, Any]:
    document = note(post)
    activity = _activity("Create", post.topic, document, suffix="create")
    activity["published"] = document["published"]
    return activity


def outbox(topic: Topic, page: int | None) -> dict[str, Any]:
    """The outbox: the collection (a count and the first page), or one page of Creates."""
    url = _topic_url("outbox", topic)
    posts = federated_posts(topic)
    if page is None:
        return {
            "@context": AS_CONTEXT,
            "id": url,
            "type": "OrderedCollection",
            "totalItems": posts.count(),
            "first": f"{url}?page=1",
            "last": f"{url}?page={max(1, -(-posts.count() // PAGE_SIZE))}",
        }
    start = (page - 1) * PAGE_SIZE
    rows = list(
        posts.select_related("topic").prefetch_related("tags")[start : start + PAGE_SIZE + 1]
    )
    document: dict[str, Any] = {
        "@context": AS_CONTEXT,
        "id": f"{url}?page={page}",
        "type": "OrderedCollectionPage",
        "partOf": url,
        "orderedItems": [create_activity(post) for post in rows[:PAGE_SIZE]],
    }
    if len(rows) > PAGE_SIZE:
        document["next"] = f"{url}?page={page + 1}"
    if page > 1:
        document["prev"] = f"{url}?page={page - 1}"
    return document


def followers_collection(topic: Topic) -> dict[str, Any]:
    """The followers: their count only (who follows a topic is its curators' business)."""
    return {
        "@context": AS_CONTEXT,
        "id": _topic_url("followers", topic),
        "type": "OrderedCollection",
        "totalItems": Follower.objects.filter(topic=topic).count(),
    }


# Remote actors ---------------------------------------------------------------------------


def _signer(topic: Topic | None) -> Any:
    if topic is None:
        return None
    key = actor_key(topic)

    def sign(method: str, url: str, body: bytes | None) -> dict[str, str]:
        return sign_request(method, url, body, key_id=key_id(topic), private_key=key.private_pem)

    return sign


def fetch_json(url: str, *, as_topic: Topic | None = None) -> dict[str, Any]:
    """GET an ActivityStreams document through the SSRF-safe fetcher (signed, when a topic
    speaks, for servers that require signed fetches)."""
    result = fetch(
        url,
        accept=("application/activity+json", "application/ld+json", "application/json"),
        max_bytes=1024 * 1024,
        headers={
            "Accept": 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
        },
        sign=_signer(as_topic),
    )
    try:
        data = json.loads(result.body)
    except ValueError as exc:
        raise FetchError("bad_json", _("The remote server sent invalid JSON.")) from exc
    if not isinstance(data, dict):
        raise FetchError("bad_json", _("The remote server sent invalid JSON."))
    return data


def remote_actor(uri: str, *, refresh: bool = False, as_topic: Topic | None = None) -> RemoteActor:
    """The remote actor (``uri``: its id, or a key id ``…#main-key``), from the cache while
    fresh, else fetched again."""
    actor_uri = uri.split("#", 1)[0]
    cached = (
        RemoteActor.objects.filter(uri=actor_uri).first()
        or RemoteActor.objects.filter(key_id=uri).first()
    )
    if cached is not None and not refresh and timezone.now() - cached.fetched_at < KEY_MAX_AGE:
        return cached
    data = fetch_json(actor_uri, as_topic=as_topic)
    key = data.get("publicKey") or {}
    if isinstance(key, list):
        key = key[0] if key else {}
    if data.get("id") != actor_uri or not isinstance(key, dict) or key.get("owner") != actor_uri:
        raise FetchError("bad_actor", _("The remote actor document does not match its address."))
    inbox = str(data.get("inbox") or "")
    shared = (data.get("endpoints") or {}).get("sharedInbox") or ""
    values = {
        "key_id": str(key.get("id") or ""),
        "public_pem": str(key.get("publicKeyPem") or ""),
        "inbox": inbox,
        "shared_inbox": str(shared),
        "username": str(data.get("preferredUsername") or ""),
        "domain": urlsplit(actor_uri).netloc.lower(),
        "fetched_at": timezone.now(),
    }
    if not inbox or not values["public_pem"]:
        raise FetchError("bad_actor", _("The remote actor has no inbox or no key."))
    actor, _created = RemoteActor.objects.update_or_create(uri=actor_uri, defaults=values)
    return actor


# Inbox -----------------------------------------------------------------------------------


def receive(
    topic: Topic | None,
    *,
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
) -> str:
    """Verify and act on one activity POSTed to an inbox (a topic's, or the shared one);
    return its type; raise InboxError."""
    signer: dict[str, RemoteActor] = {}

    def keys(key: str, refresh: bool) -> str:
        try:
            actor = remote_actor(key, refresh=refresh, as_topic=topic)
        except FetchError as exc:
            raise SignatureError(f"key {key} unavailable: {exc}") from exc
        if actor.key_id != key:
            raise SignatureError("unknown key")
        signer["actor"] = actor
        return actor.public_pem

    try:
        verify_request(method, url, headers, body, keys)
    except SignatureError as exc:
        raise InboxError(401, str(exc)) from exc
    try:
        activity = json.loads(body)
    except ValueError:
        raise InboxError(400, "invalid JSON") from None
    if not isinstance(activity, dict):
        raise InboxError(400, "not an activity")
    actor = signer["actor"]
    if _id_of(activity.get("actor")) != actor.uri:
        raise InboxError(401, "the signer is not the activity's actor")
    kind = str(activity.get("type", ""))
    if kind == "Follow":
        follow(topic, actor, activity)
    elif kind == "Undo" and isinstance(activity.get("object"), dict | str):
        undo(topic, actor, activity)
    elif kind == "Delete" and _id_of(activity.get("object")) == actor.uri:
        Follower.objects.filter(actor=actor).delete()
    elif kind == "Move" and _id_of(activity.get("object")) == actor.uri:
        # The account moved (Mastodon's migration): its server has the new account send
        # its own Follow; the old one follows no more.
        Follower.objects.filter(actor=actor).delete()
    return kind


def _id_of(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return str(value or "")


def _followed_topic(topic: Topic | None, target: str) -> Topic:
    found = topic_for_acct(target) if target else None
    if found is None or (topic is not None and found.pk != topic.pk):
        raise InboxError(404, "no such topic")
    return found


def is_blocked(topic: Topic, domain: str, blocked: Iterable[str] | None = None) -> bool:
    """Whether ``domain`` or a parent of it is blocked (``blocked``: the topic's list,
    when the caller read it already)."""
    domain = domain.lower()
    if blocked is None:
        blocked = BlockedDomain.objects.filter(topic=topic).values_list("domain", flat=True)
    return any(domain == d or domain.endswith("." + d) for d in blocked)


def follow(topic: Topic | None, actor: RemoteActor, activity: dict[str, Any]) -> Follower:
    """A Follow: store the follower and answer Accept (a blocked domain is refused)."""
    target = _followed_topic(topic, _id_of(activity.get("object")))
    if is_blocked(target, actor.domain):
        raise InboxError(403, "domain blocked")
    follower, _created = Follower.objects.update_or_create(
        topic=target, actor=actor, defaults={"follow_id": _id_of(activity)}
    )
    accept = {
        "@context": AS_CONTEXT,
        "id": f"{actor_id(target)}#accepts/{follower.pk}-{int(timezone.now().timestamp())}",
        "type": "Accept",
        "actor": actor_id(target),
        "object": {k: activity[k] for k in ("id", "type", "actor", "object") if k in activity},
    }
    queue_deliveries(target, accept, [actor.inbox])
    return follower


def undo(topic: Topic | None, actor: RemoteActor, activity: dict[str, Any]) -> None:
    inner = activity.get("object")
    inner_id = _id_of(inner)
    if isinstance(inner, dict) and inner.get("type") == "Follow":
        target = _followed_topic(topic, _id_of(inner.get("object")))
        Follower.objects.filter(topic=target, actor=actor).delete()
    elif inner_id:
        Follower.objects.filter(actor=actor, follow_id=inner_id).delete()


# Curators' side --------------------------------------------------------------------------


def remove_follower(topic: Topic, follower_id: int) -> None:
    Follower.objects.filter(topic=topic, pk=follower_id).delete()


def block_domain(topic: Topic, domain: str) -> int:
    """Block ``domain`` (and its subdomains) for this topic; return the followers removed."""
    domain = domain.strip().lower().removeprefix("@").split("@")[-1]
    if not domain:
        return 0
    BlockedDomain.objects.get_or_create(topic=topic, domain=domain)
    blocked = list(BlockedDomain.objects.filter(topic=topic).values_list("domain", flat=True))
    removed = [
        pk
        for pk, actor_domain in Follower.objects.filter(topic=topic).values_list(
            "pk", "actor__domain"
        )
        if is_blocked(topic, actor_domain, blocked)
    ]
    Follower.objects.filter(pk__in=removed).delete()
    return len(removed)


def unblock_domain(topic: Topic, domain: str) -> None:
    BlockedDomain.objects.filter(topic=topic, domain=domain).delete()


# Outgoing --------------------------------------------------------------------------------


def follower_inboxes(topic: Topic) -> list[str]:
    """One inbox per server that has followers (its shared inbox when it has one)."""
    inboxes: dict[str, None] = {}
    blocked = list(BlockedDomain.objects.filter(topic=topic).values_list("domain", flat=True))
    for shared, own, domain in Follower.objects.filter(topic=topic).values_list(
        "actor__shared_inbox", "actor__inbox", "actor__domain"
    ):
        if not is_blocked(topic, domain, blocked):
            inboxes[shared or own] = None
    return list(inboxes)


def queue_deliveries(topic: Topic, activity: dict[str, Any], inboxes: Iterable[str]) -> list[int]:
    """Store one delivery per inbox and enqueue them on the federation queue."""
    rows = Delivery.objects.bulk_create(
        [Delivery(topic=topic, inbox=inbox, activity=activity) for inbox in inboxes]
    )
    ids = [row.pk for row in rows]  # SQLite and PostgreSQL both return the new ids

    def enqueue() -> None:
        from .tasks import deliver

        for start in range(0, len(ids), BATCH):
            deliver.enqueue(ids[start : start + BATCH])

    transaction.on_commit(enqueue)
    return ids


def deliver(delivery_id: int) -> bool:
    """POST one delivery, signed; on failure schedule the next try (or drop the inbox after
    a week of failures). Returns True when the remote accepted it."""
    return deliver_many([delivery_id]) == 1


def deliver_many(delivery_ids: list[int]) -> int:
    """POST these deliveries, signed, several at once (``GLANEUR_FEDERATION_SENDERS``):
    the accepted ones are deleted in one query, each failed one is rescheduled. Returns
    how many were accepted (or were already gone)."""
    deliveries = list(Delivery.objects.select_related("topic").filter(pk__in=delivery_ids))
    # A topic made unlisted or private since: only withdrawals (Delete) still go out.
    stale = [
        d.pk
        for d in deliveries
        if not federates(d.topic) and d.activity.get("type") not in ("Delete", "Undo")
    ]
    Delivery.objects.filter(pk__in=stale).delete()
    deliveries = [d for d in deliveries if d.pk not in stale]
    gone = len(set(delivery_ids)) - len(deliveries)
    signers: dict[int, Any] = {}
    for delivery in deliveries:
        if delivery.topic_id not in signers:
            signers[delivery.topic_id] = _signer(delivery.topic)

    def send(delivery: Delivery) -> str | None:
        try:
            fetch(
                delivery.inbox,
                method="POST",
                data=json.dumps(delivery.activity).encode(),
                accept=("application/activity+json", "application/json"),
                max_bytes=64 * 1024,
                max_redirects=0,
                headers={"Content-Type": "application/activity+json"},
                sign=signers[delivery.topic_id],
            )
        except FetchError as exc:
            return str(exc) or exc.code
        return None

    senders = max(1, min(int(settings.GLANEUR_FEDERATION_SENDERS), len(deliveries)))
    if senders == 1:
        errors = [send(delivery) for delivery in deliveries]
    else:
        with ThreadPoolExecutor(senders) as pool:  # HTTP only: no database in the threads
            errors = list(pool.map(send, deliveries))
    accepted = [d.pk for d, error in zip(deliveries, errors, strict=True) if error is None]
    Delivery.objects.filter(pk__in=accepted).delete()
    for delivery, error in zip(deliveries, errors, strict=True):
        if error is not None:
            _failed(delivery, error)
    return len(accepted) + gone


def _failed(delivery: Delivery, error: str) -> bool:
    now = timezone.now()
    first = delivery.first_failed_at or now
    if now - first >= GIVE_UP_AFTER:
        drop_inbox(delivery.inbox)
        return False
    delivery.attempts += 1
    delivery.first_failed_at = first
    delivery.last_error = error[:1000]
    delivery.next_attempt_at = now + retry_delay(delivery.attempts)
    delivery.save(update_fields=["attempts", "first_failed_at", "last_error", "next_attempt_at"])

    from .tasks import deliver as task

    task.using(run_after=delivery.next_attempt_at).enqueue([delivery.pk])
    return False


def retry_delay(attempts: int) -> timedelta:
    """1 min after the first failure, doubling, at most 24 h."""
    return min(MIN_BACKOFF * 2 ** max(0, attempts - 1), MAX_BACKOFF)


def drop_inbox(inbox: str) -> int:
    """An inbox dead for a week: its pending deliveries and its followers go."""
    Delivery.objects.filter(inbox=inbox).delete()
    followers = Follower.objects.filter(actor__inbox=inbox) | Follower.objects.filter(
        actor__shared_inbox=inbox
    )
    count, _ = Follower.objects.filter(pk__in=list(followers.values_list("pk", flat=True))).delete()
    logger.warning("federation: dropped %s after a week of failures (%d followers)", inbox, count)
    return count


# The pipeline's events -------------------------------------------------------------------


def _fingerprint(document: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def publish(post_ids: Iterable[int]) -> int:
    """Send a Create for each post of a public topic not sent yet; return how many."""
    sent = 0
    posts = Post.objects.filter(pk__in=list(post_ids)).select_related("topic")
    for post in posts.prefetch_related("tags"):
        if not federates(post.topic) or post.status != Post.Status.PUBLISHED:
            continue
        if FederatedPost.objects.filter(post_id=post.pk).exists():
            continue
        activity = create_activity(post)
        FederatedPost.objects.create(
            post_id=post.pk,
            topic=post.topic,
            note_id=activity["object"]["id"],
            fingerprint=_fingerprint(activity["object"]),
        )
        queue_deliveries(post.topic, activity, follower_inboxes(post.topic))
        sent += 1
    return sent


def update_or_delete(post_ids: Iterable[int]) -> int:
    """For posts already sent: Update when the Note changed, Delete when the post is gone,
    unpublished, or its topic no longer public. Returns how many activities went out."""
    count = 0
    for record in FederatedPost.objects.filter(post_id__in=list(post_ids)).select_related("topic"):
        topic = record.topic
        post = (
            Post.objects.filter(pk=record.post_id)
            .select_related("topic")
            .prefetch_related("tags")
            .first()
        )
        if post is None or post.status != Post.Status.PUBLISHED or not federates(post.topic):
            tombstone = {"id": record.note_id, "type": "Tombstone"}
            activity = _activity("Delete", topic, tombstone, suffix="delete")
            record.delete()
        else:
            document = note(post)
            fingerprint = _fingerprint(document)
            if fingerprint == record.fingerprint:
                continue
            document["updated"] = _iso(timezone.now())
            activity = _activity("Update", topic, document, suffix=f"update-{fingerprint[:12]}")
            record.fingerprint = fingerprint
            record.save(update_fields=["fingerprint"])
        if Topic.objects.filter(pk=topic.pk).exists():
            queue_deliveries(topic, activity, follower_inboxes(topic))
            count += 1
    return count


def withdraw(topic: Topic) -> int:
    """The topic stopped being public: its actor is deleted for its remote followers (a
    self-Delete, on which Mastodon removes the account and every Note it sent), then the
    followers and the record of sent Notes are forgotten here. Made public again, it
    starts afresh. Returns how many inboxes the Delete goes to."""
    inboxes = follower_inboxes(topic)
    suffix = f"delete-{int(timezone.now().timestamp())}"
    activity = _activity("Delete", topic, actor_id(topic), suffix=suffix)
    # Creates and Updates still waiting would contradict it (Deletes may still go).
    Delivery.objects.filter(topic=topic).exclude(activity__type="Delete").delete()
    queue_deliveries(topic, activity, inboxes)
    Follower.objects.filter(topic=topic).delete()
    FederatedPost.objects.filter(topic=topic).delete()
    return len(inboxes)


def on_visibility_changed(
    sender: Any, topic_id: int, before: str, after: str, **kwargs: Any
) -> None:
    listed = access.LISTED_VISIBILITIES
    if before in listed and after not in listed:
        topic = Topic.objects.filter(pk=topic_id).first()
        if topic is not None:
            with transaction.atomic():
                withdraw(topic)


def on_published(sender: Any, post_ids: list[int], **kwargs: Any) -> None:
    publish(post_ids)


def on_changed(sender: Any, post_ids: list[int], **kwargs: Any) -> None:
    update_or_delete(post_ids)
