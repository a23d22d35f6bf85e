"""Every periodic job of Glaneur, in one list: what runs, how often, and where its work is.

``glaneur worker`` runs them (``runtime.scheduler``): each run is claimed in the database,
so however many workers run, one of them does it. A job only looks (a query or two) and
hands anything slow to a task on its queue, so the scheduler's loop stays quick.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: Callable[[], object]


def _publish_due_posts() -> int:
    from glaneur.curation.services import publish_due_posts

    return publish_due_posts()


def _recover_abandoned_tasks() -> int:
    from .workers import recover_abandoned_tasks

    return recover_abandoned_tasks()


def _enqueue_merge_of_shards() -> bool:
    from glaneur.search.services import shards_to_merge
    from glaneur.search.tasks import merge_shards

    if shards_to_merge():
        merge_shards.enqueue()
        return True
    return False


def _enqueue_due_digests() -> bool:
    from glaneur.audience.digests import digests_due
    from glaneur.audience.tasks import send_due_digests

    if digests_due():
        send_due_digests.enqueue()
        return True
    return False


def _enqueue_due_newsletters() -> int:
    from glaneur.audience.newsletter_issues import due_issue_ids
    from glaneur.audience.tasks import send_issue

    ids = due_issue_ids()
    for pk in ids:
        send_issue.enqueue(pk)
    return len(ids)


def _enqueue_stale_analyses() -> int:
    from glaneur.enrich.services import enqueue_stale

    return enqueue_stale()


def _enqueue_polling_round() -> bool:
    from glaneur.sources.tasks import enqueue_round

    return enqueue_round()


def _enqueue_domain_checks() -> int:
    from glaneur.organisations.services import enqueue_due_verifications

    return enqueue_due_verifications()


def jobs() -> list[Job]:
    """The periodic jobs, read when the scheduler starts (the lease comes from settings)."""
    lease = settings.GLANEUR_WORKER_LEASE
    return [
        # curation: scheduled posts go out within 15 s of their time.
        Job("publish-due-posts", timedelta(seconds=15), _publish_due_posts),
        # runtime: twice per lease, so a dead worker's task waits one and a half leases.
        Job(
            "recover-abandoned-tasks",
            timedelta(seconds=max(lease / 2, 1)),
            _recover_abandoned_tasks,
        ),
        # search: gathering small shards copies rows and builds an index (seconds): a task.
        Job("search-merge-shards", timedelta(hours=1), _enqueue_merge_of_shards),
        # audience: sends claim each message before speaking SMTP, so a task enqueued twice,
        # or run by two workers at once, still sends every message once.
        Job("audience-digests", timedelta(minutes=5), _enqueue_due_digests),
        Job("audience-newsletters", timedelta(seconds=15), _enqueue_due_newsletters),
        # enrich: posts not yet analysed by this version of the analyser, a batch at a time.
        Job("enrich-stale-posts", timedelta(minutes=10), _enqueue_stale_analyses),
        # sources: due sources are polled by a round on the polling queue (one waiting at most).
        Job("sources-poll-round", timedelta(minutes=1), _enqueue_polling_round),
        # organisations: custom domains' TXT records, verified ones daily, pending ones hourly
        # (DNS queries in a task: a server may take seconds to answer).
        Job("organisations-verify-domains", timedelta(minutes=10), _enqueue_domain_checks),
    ]
