"""Django's SQLite engine, made patient with a database another process is writing.

Every Glaneur transaction on SQLite takes the write lock at BEGIN (IMMEDIATE): a writer that
finds the lock taken waits ``busy_timeout`` there, before it has done anything. When that
wait runs out, BEGIN is tried again a few times with a pause (it is always safe: nothing of
the transaction has run yet), so that a burst of writers from several processes queues up
instead of failing with "database is locked". Statements outside a transaction wait on the
same busy timeout. Writes themselves stay short: slow work (fetching, indexing, sending)
runs outside write transactions.
"""

from __future__ import annotations

import logging
import time

from django.db import OperationalError
from django.db.backends.sqlite3 import base

logger = logging.getLogger("glaneur.db")

# Pauses between the attempts at BEGIN, after each full busy_timeout wait.
BEGIN_RETRY_PAUSES = (0.05, 0.2, 0.5, 1.0)


def is_busy(error: BaseException) -> bool:
    """Whether an error means another connection holds the lock (worth waiting for)."""
    text = str(error).lower()
    return "database is locked" in text or "database is busy" in text


class DatabaseWrapper(base.DatabaseWrapper):
    def _start_transaction_under_autocommit(self) -> None:
        for pause in (*BEGIN_RETRY_PAUSES, None):
            try:
                super()._start_transaction_under_autocommit()  # type: ignore[misc]
                return
            except OperationalError as error:
                if pause is None or not is_busy(error):
                    raise
                logger.warning("database busy at BEGIN, trying again in %.2f s", pause)
                time.sleep(pause)
