"""Writing thousands of rows in one statement: PostgreSQL's COPY, with the ids taken from the
table's sequence first so that the rows pointing at them (an assignment's process, a task's
previous task) are written with the id in place, never updated after. Other databases (SQLite
in tests and small installs) use bulk_create, which builds a model object per row.

No save(), no signals, no model objects: the caller tells whoever must know."""

import functools
import json
import time
from collections.abc import Iterable, Sequence

from django.db import connections, models, router
from django.db.models.fields import NOT_PROVIDED, DateField

try:
    from psycopg.types.json import Json, Jsonb

    _JSON = (Json, Jsonb)
except ImportError:  # SQLite only: copy_rows never reaches COPY
    _JSON = ()


def copy_rows(model, fields: Sequence[str], rows: Iterable[tuple], *, same: dict | None = None) -> list[int]:
    """Insert one row of `model` per tuple of `rows` and return their ids, in the same order.

    A tuple holds the values of `fields` as the columns store them (an id for a foreign key, an
    aware datetime, a string), given to the driver as they are. `same` names the columns every
    row shares, as model values (a flow class, a task node, a content type): each is prepared
    once by its field. Every other column takes its field's default, prepared once too (an
    auto_now field: the moment of the call), or the database's own (db_default, generated).
    """
    rows = list(rows)
    if not rows:
        return []
    same = same or {}
    db = router.db_for_write(model)
    connection = connections[db]
    if connection.vendor != "postgresql":
        attnames = [model._meta.get_field(name).attname for name in fields]
        created = model._default_manager.db_manager(db).bulk_create(
            [model(**dict(zip(attnames, row, strict=True)), **same) for row in rows]
        )
        return [obj.pk for obj in created]

    opts = model._meta
    given = [opts.get_field(name) for name in fields]
    shared = {opts.get_field(name): value for name, value in same.items()}
    for field in opts.concrete_fields:
        left_to_the_database = field.generated or field.db_default is not NOT_PROVIDED
        if not (field.primary_key or left_to_the_database or field in given or field in shared):
            shared[field] = _default(field)
    constants = tuple(_prepared(field, value, connection) for field, value in shared.items())
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in [opts.pk, *given, *shared])
    with connection.cursor() as cursor:
        # Taken before writing, not read back after: COPY returns nothing, and the rows that
        # point at these need them first. Concurrent writers get other values of the sequence.
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [quote(opts.db_table), opts.pk.column, len(rows)])
        ids = [pk for (pk,) in cursor.fetchall()]
        sql = f"COPY {quote(opts.db_table)} ({columns}) FROM STDIN"

        def write(sql, params, many, context):
            with cursor.cursor.copy(sql) as copy:
                for pk, row in zip(ids, rows, strict=True):
                    copy.write_row((pk, *row, *constants))

        _execute(connection, cursor, sql, write, len(rows))
    return ids


class Written(Sequence):
    """What copy_rows wrote, as model objects made only when read: a caller writing thousands of
    rows mostly reads none of them, and one model object costs more than its row's COPY."""

    def __init__(self, model, ids: list[int], fields: Sequence[str], rows: Sequence[tuple], same: dict | None = None):
        self.model, self.ids, self.rows, self.same = model, ids, rows, same or {}
        self.attnames = [model._meta.get_field(name).attname for name in fields]

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        obj = self.model(pk=self.ids[index], **dict(zip(self.attnames, self.rows[index], strict=True)), **self.same)
        obj._state.adding = False
        obj._state.db = router.db_for_write(self.model)
        return obj


def _default(field):
    if isinstance(field, DateField) and (field.auto_now or field.auto_now_add):
        return field.pre_save(field.model(), add=True)
    return field.get_default()


def _prepared(field, value, connection):
    if field.is_relation and isinstance(value, models.Model):
        value = value.pk
    value = field.get_db_prep_save(value, connection)
    if isinstance(value, _JSON):
        # A JSON column every row shares (a process's or task's data, {}): its text once, not
        # one json.dumps per row (9,966 of them for one issue to every commune).
        value = (value.dumps or json.dumps)(value.obj)
    return value


def _execute(connection, cursor, sql, run, count):
    """Run the COPY as Django runs a statement: through the connection's execute wrappers and
    into connection.queries when they are logged, so that query counts include it."""
    executor = run
    for wrapper in reversed(connection.execute_wrappers):
        executor = functools.partial(wrapper, executor)
    started = time.monotonic()
    executor(sql, None, False, {"connection": connection, "cursor": cursor})
    if connection.queries_logged:
        connection.queries_log.append({"sql": f"{sql} -- {count} rows", "time": f"{time.monotonic() - started:.3f}"})
