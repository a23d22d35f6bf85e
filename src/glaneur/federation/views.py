"""ActivityPub endpoints and the curators' followers page; thin (see services)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from glaneur.curation import access
from glaneur.curation.pages import topic_for
from glaneur.http import HtmxHttpRequest

from . import services
from .models import BlockedDomain, Follower

ACTIVITY_JSON = "application/activity+json"


def activity_response(document: dict[str, Any], status: int = 200) -> HttpResponse:
    response = HttpResponse(
        json.dumps(document), content_type=f"{ACTIVITY_JSON}; charset=utf-8", status=status
    )
    response["Vary"] = "Accept"
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _topic(slug: str) -> Any:
    topic = services.federated_topic(slug)
    if topic is None:
        raise Http404
    return topic


@require_GET
def webfinger(request: HttpRequest) -> HttpResponse:
    topic = services.topic_for_acct(request.GET.get("resource", ""))
    if topic is None:
        raise Http404
    response = JsonResponse(services.webfinger(topic), content_type="application/jrd+json")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def nodeinfo_links(request: HttpRequest) -> HttpResponse:
    return JsonResponse(
        {
            "links": [
                {
                    "rel": "http://nodeinfo.diaspora.software/ns/schema/2.1",
                    "href": services.absolute("/nodeinfo/2.1"),
                }
            ]
        }
    )


@require_GET
def nodeinfo(request: HttpRequest) -> HttpResponse:
    return JsonResponse(
        services.nodeinfo(),
        content_type='application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.1#"',
    )


def actor(request: HttpRequest, slug: str) -> HttpResponse:
    """The actor document (the topic page answers it too, by content negotiation)."""
    return activity_response(services.actor_document(_topic(slug)))


@require_GET
def outbox(request: HttpRequest, slug: str) -> HttpResponse:
    topic = _topic(slug)
    raw = request.GET.get("page", "")
    page = int(raw) if raw.isdigit() and int(raw) > 0 else None
    return activity_response(services.outbox(topic, page))


@require_GET
def followers(request: HttpRequest, slug: str) -> HttpResponse:
    return activity_response(services.followers_collection(_topic(slug)))


def _receive(request: HttpRequest, slug: str | None) -> HttpResponse:
    topic = _topic(slug) if slug is not None else None
    headers = dict(request.headers)
    headers.setdefault("Host", request.get_host())  # (WSGI may carry it outside the headers)
    try:
        services.receive(
            topic,
            method=request.method or "POST",
            url=request.build_absolute_uri(),
            headers=headers,
            body=request.body,
        )
    except services.InboxError as exc:
        return HttpResponse(str(exc), status=exc.status, content_type="text/plain")
    return HttpResponse(status=202)


@csrf_exempt
@require_POST
def inbox(request: HttpRequest, slug: str) -> HttpResponse:
    return _receive(request, slug)


@csrf_exempt
@require_POST
def shared_inbox(request: HttpRequest) -> HttpResponse:
    return _receive(request, None)


@login_required
def followers_page(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The topic's remote followers, for its managers: remove one, block a domain."""
    topic = topic_for(request, slug)
    access.check_can_manage(request.user, topic)
    if request.method == "POST":
        if request.POST.get("remove", "").isdigit():
            services.remove_follower(topic, int(request.POST["remove"]))
            messages.success(request, _("Follower removed."))
        elif request.POST.get("block"):
            count = services.block_domain(topic, request.POST["block"])
            messages.success(
                request, _("Domain blocked; %(count)d followers removed.") % {"count": count}
            )
        elif request.POST.get("unblock"):
            services.unblock_domain(topic, request.POST["unblock"])
            messages.success(request, _("Domain unblocked."))
        return redirect("federation:followers-page", slug=topic.slug)
    context = {
        "topic": topic,
        "followers": Follower.objects.filter(topic=topic).select_related("actor"),
        "blocked": BlockedDomain.objects.filter(topic=topic).order_by("domain"),
        "federates": services.federates(topic),
        "acct": f"@{topic.slug}@{services.host()}",
    }
    return render(request, "federation/followers.html", context)


def negotiated(request: HttpRequest, slug: str, post_id: int | None = None) -> HttpResponse | None:
    """The topic or post page asked for as ActivityStreams: the actor, or the Note (None
    when the page itself is wanted). Not federated (private, unlisted, draft): 404."""
    if not services.wants_activity_json(request.headers.get("Accept", "")):
        return None
    topic = _topic(slug)
    if post_id is None:
        return activity_response(services.actor_document(topic))
    post = services.federated_posts(topic).filter(pk=post_id).select_related("topic").first()
    if post is None:
        raise Http404
    document = services.note(post)
    document["@context"] = services.AS_CONTEXT
    return activity_response(document)
