"""Set-based writes for the bulk import path."""

import io
from collections.abc import Mapping, Sequence

from django.db import connection, models
from django.utils import timezone


def insert_rows(
    model: type[models.Model],
    rows: Sequence[dict],
    *,
    returning: Sequence[str] = (),
    ignore_conflicts: bool = False,
    computed: Mapping[str, str] | None = None,
) -> list[tuple]:
    """INSERT `rows` (dicts of field name -> value) in one statement; return `returning`.

    The values travel as one typed array per column and PostgreSQL unnests them, so the
    cost is a few microseconds a row instead of building a model instance for each, which
    is what bulk_create does and what dominated large imports. auto_now and auto_now_add
    fields are filled in when a row leaves them out. No signals are sent.

    `computed` maps more fields to SQL expressions evaluated by the INSERT itself. They
    read the row's values as ``v.name``; a key of the rows that is not a field of the
    model is such an input only (text, not stored).
    """
    if not rows:
        return []
    now = timezone.now()
    computed = computed or {}
    names = list(rows[0])
    stored = {f.name for f in model._meta.concrete_fields} | {
        f.attname for f in model._meta.concrete_fields
    }
    stamps = [
        f.name
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    stamps = [name for name in stamps if name not in names]
    inputs = [*names, *stamps]
    types = [
        model._meta.get_field(name).db_type(connection) if name in stored else "text"
        for name in inputs
    ]
    columns = [[row[name] for row in rows] for name in names]
    columns += [[now] * len(rows) for _ in stamps]
    quote = connection.ops.quote_name
    targets = [name for name in inputs if name in stored] + list(computed)
    values = [f"v.{quote(name)}" for name in inputs if name in stored] + list(computed.values())
    arrays = ", ".join(f"%s::{db_type}[]" for db_type in types)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(model._meta.get_field(name).column) for name in targets)}) "
        f"SELECT {', '.join(values)} "
        f"FROM unnest({arrays}) AS v({', '.join(quote(name) for name in inputs)})"
    )
    if ignore_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    if returning:
        sql += " RETURNING " + ", ".join(
            quote(model._meta.get_field(name).column) for name in returning
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, columns)
        return cursor.fetchall() if returning else []


def update_rows(model: type[models.Model], rows: Sequence[dict]) -> None:
    """UPDATE many rows by primary key in one statement; each dict holds "id" and the
    same other fields. auto_now fields are set to now."""
    if not rows:
        return
    now = timezone.now()
    names = [name for name in rows[0] if name != "id"]
    stamps = [
        f.name
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) and f.name not in names
    ]
    fields = [model._meta.get_field(name) for name in ["id", *names, *stamps]]
    columns = [[row["id"] for row in rows]]
    columns += [[row[name] for row in rows] for name in names]
    columns += [[now] * len(rows) for _ in stamps]
    quote = connection.ops.quote_name
    aliases = [f"c{i}" for i in range(len(fields))]
    arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in fields)
    assignments = ", ".join(
        f"{quote(field.column)} = v.{alias}"
        for field, alias in zip(fields[1:], aliases[1:], strict=True)
    )
    sql = (
        f"UPDATE {quote(model._meta.db_table)} AS t SET {assignments} "
        f"FROM unnest({arrays}) AS v({', '.join(aliases)}) WHERE t.id = v.c0"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, columns)


def _escape(text: str) -> str:
    # str.replace scans in C; a translate() table walks the text a character at a time.
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if "\t" in text:
        text = text.replace("\t", "\\t")
    if "\n" in text:
        text = text.replace("\n", "\\n")
    if "\r" in text:
        text = text.replace("\r", "\\r")
    return text


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return _escape(value if type(value) is str else str(value))


def _copy_column(values: list) -> list[str]:
    """COPY text for one column's values."""
    if set(map(type, values)) == {str}:
        # All text: escape the whole column at once, the values joined by NUL, which
        # PostgreSQL text cannot hold. A value holding one goes the slow way, to fail
        # in PostgreSQL, never to shift the columns.
        text = "\0".join(values)
        if text.count("\0") == len(values) - 1:
            return _escape(text).split("\0")
    return [_copy_value(value) for value in values]


def copy_rows(model: type[models.Model], rows: Sequence[dict]) -> None:
    """Like insert_rows without RETURNING, through COPY: for the largest inserts.

    COPY streams plain text that PostgreSQL reads without parsing a statement; building
    array literals for insert_rows costs more than the insert itself past a few hundred
    rows. NUL characters, which PostgreSQL text cannot hold, must not be in the values.
    """
    if not rows:
        return
    now = timezone.now()
    names = list(rows[0])
    stamps = [
        f.name
        for f in model._meta.concrete_fields
        if (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
        and f.name not in names
    ]
    fields = [model._meta.get_field(name) for name in [*names, *stamps]]
    values = [_copy_column([row[name] for row in rows]) for name in names]
    values += [[_copy_value(now)] * len(rows) for _ in stamps]
    # Column by column, then the rows joined in C: no Python call per value.
    lines = map("\t".join, zip(*values, strict=True))
    buffer = io.StringIO("\n".join(lines) + "\n")
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    # copy_expert is the driver's own; have its errors raised as Django's, as execute's are.
    with connection.cursor() as cursor, connection.wrap_database_errors:
        cursor.copy_expert(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN", buffer)
