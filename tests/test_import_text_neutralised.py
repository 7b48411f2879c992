"""Display spoofing: bidi overrides and stray control characters never reach the pages.

Both formats pass their text through one function (questions.importing.inert.neutralise)
at import time: a right-to-left override in a title cannot reverse what a visitor reads,
and a bell or an escape byte is not stored.
"""

import json
import shutil
from io import StringIO

import pytest
from django.core.management import call_command

from answers.models import Answer, Doctor
from questions.importing.inert import UNSAFE, neutralise
from questions.models import Question
from tests.test_import_jsonl_validation import good_thread

pytestmark = pytest.mark.django_db

SAMPLE_000 = "000_bd6cf83177b9ec6f.txt"
# Right-to-left override, left-to-right embedding, pop, isolates, marks, C0 and C1.
HOSTILE = "\u202e\u202a\u202c\u2066\u2067\u2068\u2069\u200e\u200f\u061c\x07\x1b\x7f\x85\x9b"


def stored_texts() -> list[str]:
    texts = []
    for q in Question.objects.all():
        texts += [q.title, q.body, q.patient_sex, q.patient_treatment, q.disclaimer or ""]
    for a in Answer.objects.all():
        texts += [a.headline, a.body, a.byline_place, a.byline_specialty]
    for d in Doctor.objects.all():
        texts += [d.name, d.credentials, d.place, d.specialty, d.slug]
    return texts


def assert_nothing_unsafe_stored():
    for text in stored_texts():
        assert not any(char in UNSAFE for char in text), repr(text)


def test_it_drops_bidi_controls_and_stray_control_characters_keeping_layout():
    assert neutralise(f"gpj.{HOSTILE}exe\tline one\nline two\r\n") == (
        "gpj.exe\tline one\nline two\r\n"
    )
    assert neutralise("שלום, plain and Ünïcödé") == "שלום, plain and Ünïcödé"


def test_a_scraped_file_is_stored_without_them(tmp_path, seed_dir):
    folder = tmp_path / "threads"
    shutil.copytree(seed_dir, folder)
    sample = folder / SAMPLE_000
    text = sample.read_text()
    text = text.replace("Took Mesobotox", f"Took{HOSTILE} Mesobotox", 1)
    text = text.replace("Steven F. Weiner", "Steven\u202e F. Weiner\x07", 1)
    text = text.replace("Mesobotox is affecting", "\u202eMesobotox\x1b is affecting", 1)
    sample.write_text(text)

    call_command("import_threads", str(folder), stdout=StringIO(), stderr=StringIO())

    question = Question.objects.get(source_key="bd6cf83177b9ec6f")
    assert question.title.startswith("Took Mesobotox on Cheeks")
    assert Doctor.objects.filter(name="Steven F. Weiner").exists()
    assert_nothing_unsafe_stored()


def test_a_json_line_is_stored_without_them(tmp_path):
    thread = good_thread(f"key{HOSTILE}")
    thread["title"] = f"Smile{HOSTILE} gone"
    thread["body"] = f"txt.{HOSTILE}exe"
    thread["details"] = {"age": 30, "sex": f"F{HOSTILE}", "treatment": "\u202eBotox"}
    thread["disclaimer"] = "Not advice\x1b[31m"
    answer = thread["answers"][0]
    answer.update(headline="\u202bHeadline", body="Body\u2067")
    answer["doctor"].update(name="Ann\u202e Example", place="Bos\x08ton", specialty="Derm\x9b")
    path = tmp_path / "threads.jsonl"
    path.write_text(json.dumps(thread) + "\n")

    call_command("import_threads", str(path), stdout=StringIO(), stderr=StringIO())

    question = Question.objects.get()
    assert (question.title, question.body) == ("Smile gone", "txt.exe")
    assert question.source_key == "key"
    assert Doctor.objects.get().name == "Ann Example"
    assert_nothing_unsafe_stored()
