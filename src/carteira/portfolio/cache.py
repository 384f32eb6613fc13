"""The database cache of the dashboard figures (settings.CACHES["figures"], ADR 10).

Django's ``DatabaseCache`` with cheaper writes: ``set_many`` is one upsert (``INSERT …
ON CONFLICT DO UPDATE``, SQLite and PostgreSQL alike) instead of a count, a read and a write
per entry, and the table is culled by ``do_cull`` (the snapshot's warm-up), not before every
write. Reads are Django's (one ``SELECT … WHERE cache_key IN (…)``).
"""

from __future__ import annotations

import base64
import pickle
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router
from django.utils.timezone import now as tz_now


class FiguresCache(DatabaseCache):
    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        self.set_many({key: value}, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None) -> list:
        if not data:
            return []
        timeout = self.get_backend_timeout(timeout)
        expires = datetime.max if timeout is None else datetime.fromtimestamp(timeout, tz=UTC)
        connection = connections[router.db_for_write(self.cache_model_class)]
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        q = connection.ops.quote_name
        rows, params = [], []
        for key, value in data.items():
            pickled = pickle.dumps(value, self.pickle_protocol)
            params += [self.make_and_validate_key(key, version=version),
                       base64.b64encode(pickled).decode("latin1"), expires]  # fmt: skip
            rows.append("(%s, %s, %s)")
        key, value, expiry = q("cache_key"), q("value"), q("expires")
        # The table's name comes from the settings; every value is a parameter.
        sql = (
            f"INSERT INTO {q(self._table)} ({key}, {value}, {expiry}) VALUES {', '.join(rows)} "  # noqa: S608
            f"ON CONFLICT ({key}) DO UPDATE SET {value} = excluded.{value}, "
            f"{expiry} = excluded.{expiry}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        return []

    def do_cull(self) -> None:
        """Delete the expired entries, and some more past ``MAX_ENTRIES`` (Django's rule)."""
        db = router.db_for_write(self.cache_model_class)
        table = connections[db].ops.quote_name(self._table)
        with connections[db].cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 -- from the settings
            self._cull(db, cursor, tz_now().replace(microsecond=0), cursor.fetchone()[0])


def clear_figures(using: str = "default", **_signal) -> None:
    """Empty the figures cache. Connected to ``post_migrate``, which Django also sends after
    ``flush`` (a test's teardown, ``carteira manage flush``): the table is no model, so a
    flush alone would keep figures of data that no longer exists."""
    connection = connections[using]
    table = settings.CACHES["figures"]["LOCATION"]
    if table in connection.introspection.table_names():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")  # noqa: S608 -- from the settings
