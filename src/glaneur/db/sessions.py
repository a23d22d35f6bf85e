"""Django's database sessions, read in one SQL statement.

Every signed-in request reads its session; through the ORM, building the query cost about ten
times what the database takes to run it (bench/README.md, "Where a signed-in topic page's time
goes"). The same row, the same expiry rule, the same table: only the read is written in SQL.
Writes (log-in, log-out, changes) stay Django's.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self) -> Any:
        session_key = self.session_key
        if session_key is None:
            return None
        model = self.model
        connection = connections[router.db_for_read(model)]
        quote = connection.ops.quote_name  # names from the model, never from input
        table = quote(model._meta.db_table)
        # The fields of Django's session model, whose columns bear their names.
        data, key, expires = quote("session_data"), quote("session_key"), quote("expire_date")
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {data} FROM {table} WHERE {key} = %s AND {expires} > %s",  # noqa: S608
                [session_key, now],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=session_key, session_data=row[0])
