"""Named data versions kept by database triggers, and a per-process cache keyed by them.

A page that aggregates many rows (the insertion dashboard) is the same for every visitor of an
organisation until one of the tables it reads changes. `DataVersion` holds one row per name; triggers
created by `create_version_triggers` (called from a migration) change its random token in the writer's
own transaction on every insert, update or delete of the tracked tables — bulk writes, `QuerySet.update()`,
raw SQL and other processes included. `cached_for_version(name, key, build)` then reads the token (one
primary-key query) and rebuilds only when it changed, so several gunicorn processes never serve a stale
figure. A missing row (a test flushed the table) means "unknown": nothing is cached.

Versions: `insertion_progress` (the dashboard, migration insertion 0004) and `siaes_directory` (what the
matching index reads, migration siaes 0006).
"""

import threading
from collections import OrderedDict

from django.db import connection

TABLE = "core_dataversion"
SQLITE_TOKEN = "lower(hex(randomblob(16)))"
PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION core_bump_data_version() RETURNS trigger AS $$
BEGIN
    INSERT INTO {TABLE} (name, counter, token)
    VALUES (TG_ARGV[0], 1, md5(random()::text || clock_timestamp()::text))
    ON CONFLICT (name) DO UPDATE
    SET counter = {TABLE}.counter + 1, token = md5(random()::text || clock_timestamp()::text);
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""
MAX_ENTRIES = 64  # per process: a few organisations × years × dates

_lock = threading.Lock()
_entries = OrderedDict()


def _trigger_name(name, table, operation=""):
    return f"{table}_{name}_v{operation}"


def create_version_triggers(schema_editor, name, tables):
    """Make every write to `tables` change the token of version `name` (SQLite and PostgreSQL).

    SQLite has row triggers only (one per table and operation, recreating a missing row first);
    PostgreSQL gets one statement-level trigger per table, TRUNCATE included."""
    run = schema_editor.execute
    vendor = schema_editor.connection.vendor
    token = SQLITE_TOKEN if vendor == "sqlite" else "md5(random()::text)"
    run(
        f"INSERT INTO {TABLE} (name, counter, token) VALUES ('{name}', 0, {token}) ON CONFLICT (name) DO NOTHING"
    )
    if vendor == "sqlite":
        upsert = (
            f"INSERT INTO {TABLE} (name, counter, token) VALUES ('{name}', 1, {SQLITE_TOKEN}) "
            f"ON CONFLICT (name) DO UPDATE SET counter = counter + 1, token = {SQLITE_TOKEN};"
        )
        for table in tables:
            for operation in ("INSERT", "UPDATE", "DELETE"):
                trigger = _trigger_name(name, table, "_" + operation.lower())
                run(f"CREATE TRIGGER IF NOT EXISTS {trigger} AFTER {operation} ON {table} BEGIN {upsert} END")
    elif vendor == "postgresql":
        run(PG_FUNCTION)
        for table in tables:
            trigger = _trigger_name(name, table)
            run(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
            run(
                f"CREATE TRIGGER {trigger} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION core_bump_data_version('{name}')"
            )
    else:
        raise RuntimeError(f"Moteur de base non pris en charge : {vendor}")


def drop_version_triggers(schema_editor, name, tables):
    vendor = schema_editor.connection.vendor
    for table in tables:
        if vendor == "sqlite":
            for operation in ("insert", "update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {_trigger_name(name, table, '_' + operation)}")
        elif vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {_trigger_name(name, table)} ON {table}")


def data_version(name):
    """The current token of version `name` (one primary-key read), or None when it has no row yet."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {TABLE} WHERE name = %s", [name])
        row = cursor.fetchone()
    return row[0] if row else None


def cached_for_version(name, key, build):
    """`build()`, reused in this process while version `name` keeps its token (always rebuilt without one)."""
    token = data_version(name)
    if token is None:
        return build()
    cache_key = (connection.alias, name, key)
    with _lock:
        entry = _entries.get(cache_key)
        if entry is not None and entry[0] == token:
            _entries.move_to_end(cache_key)
            return entry[1]
    value = build()
    with _lock:
        _entries[cache_key] = (token, value)
        _entries.move_to_end(cache_key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


def clear():
    with _lock:
        _entries.clear()
