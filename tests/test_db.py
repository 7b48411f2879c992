"""kbsite.db: the set-based writes of the bulk import store values exactly."""

import pytest
from django.db import DataError, transaction

from kbsite.db import copy_rows, insert_rows
from questions.models import ImportRecord, ImportRun

pytestmark = pytest.mark.django_db

AWKWARD = "back\\slash\ttab\nnewline\r\ncarriage \\N not null, “curly” é"


def test_copy_rows_stores_text_with_escapes_and_nulls_exactly():
    run = ImportRun.objects.create(arguments=[])
    rows = [
        {
            "run_id": run.pk,
            "path": AWKWARD,
            "outcome": "failed",
            "line": None,
            "message": "",
            "content_hash": "",
        },
        {
            "run_id": run.pk,
            "path": "plain",
            "outcome": "created",
            "line": 7,
            "message": AWKWARD,
            "content_hash": "",
        },
    ]
    copy_rows(ImportRecord, rows)
    stored = list(run.records.order_by("id").values_list("path", "line", "message"))
    assert stored == [(AWKWARD, None, ""), ("plain", 7, AWKWARD)]


def test_insert_rows_computes_fields_from_inputs_that_are_not_stored():
    run = ImportRun.objects.create(arguments=[])
    rows = [
        {
            "run_id": run.pk,
            "path": "a.txt",
            "outcome": "created",
            "content_hash": "",
            "word": "loud",
        },
        {
            "run_id": run.pk,
            "path": "b.txt",
            "outcome": "created",
            "content_hash": "",
            "word": AWKWARD,
        },
    ]
    ids = insert_rows(
        ImportRecord, rows, returning=["id", "path"], computed={"message": "upper(v.word)"}
    )
    assert [path for _, path in ids] == ["a.txt", "b.txt"]
    messages = dict(ImportRecord.objects.values_list("path", "message"))
    assert messages == {"a.txt": "LOUD", "b.txt": AWKWARD.upper()}


def test_copy_rows_refuses_a_nul_character_rather_than_shifting_columns():
    run = ImportRun.objects.create(arguments=[])
    rows = [
        {"run_id": run.pk, "path": "a\0b", "outcome": "failed", "content_hash": "", "message": ""},
        {"run_id": run.pk, "path": "c", "outcome": "failed", "content_hash": "", "message": ""},
    ]
    with pytest.raises(DataError), transaction.atomic():
        copy_rows(ImportRecord, rows)
    assert not run.records.exists()
