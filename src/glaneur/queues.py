"""The task queues, one per kind of work, so that a burst of one kind never delays another
(a plain module every app may import: the runtime app depends on the others, never the
reverse).

``glaneur worker`` takes every queue, in lanes: each lane is a loop of its own (a thread),
so a scoop waits for no newsletter, no reindex and no import. ``glaneur worker --queue
mail,imports`` takes only those (one lane), to give a kind of work machines of its own.
"""

from __future__ import annotations

SCOOPS = "scoops"  # fetching and reading the page of a post a curator just scooped
INDEX = "index"  # search indexing, merging the index's shards
MAIL = "mail"  # digests, newsletters
IMPORTS = "imports"  # file imports started from the web
NLP = "nlp"  # the enrich step: actors and quotes (spaCy, loaded once per worker)
FEDERATION = "federation"  # ActivityPub: signed deliveries to remote inboxes, Accepts
POLLING = "polling"  # the suggestions engine polling its sources
DEFAULT = "default"  # tasks enqueued before the queues existed

ALL = [SCOOPS, INDEX, MAIL, IMPORTS, NLP, FEDERATION, POLLING, DEFAULT]

# The lanes of a worker that takes every queue; the last takes whatever the others do not.
LANES: list[list[str]] = [[SCOOPS], [INDEX], [NLP], [FEDERATION], [POLLING], []]
