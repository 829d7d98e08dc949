"""Prepared statements for the public page's one statement (issue 12).

Django binds parameters on the client and never prepares a statement on PostgreSQL (so that
connection poolers in transaction mode keep working), so the server parses and plans every
statement anew. For the statement that frames an uncached published page (seven tables and
three subqueries) planning cost the server several times what running it did: measured with
pgbench on the 300 × 10 benchmark city, 3.7 ms a statement sent as text against 0.6 ms
prepared. Inside `prepared()`, statements on PostgreSQL are bound on the server and prepared
on first use, once per kept connection (psycopg keeps the names); elsewhere nothing changes.

Behind PgBouncer in transaction mode older than 1.21 (no prepared statements), set
`DJANGO_DB_PREPARED_STATEMENTS=0`.
"""

from contextlib import contextmanager

from django.conf import settings
from django.db import connection


@contextmanager
def prepared():
    """Statements executed inside are prepared (PostgreSQL, when the setting allows)."""
    if connection.vendor != "postgresql" or not settings.DB_PREPARED_STATEMENTS:
        yield
        return
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    raw = connection.connection
    saved = raw.cursor_factory, raw.prepare_threshold
    # Threshold 0: prepare at the first execution, not the sixth (psycopg's default).
    raw.cursor_factory, raw.prepare_threshold = ServerBindingCursor, 0
    try:
        yield
    finally:
        raw.cursor_factory, raw.prepare_threshold = saved
