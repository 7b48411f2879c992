"""Text files in other Unicode encodings: a byte-order mark says which, and the file imports
as its UTF-8 copy would; what cannot be decoded is refused, saying what the file is."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from questions.models import Question

pytestmark = pytest.mark.django_db

SAMPLE_000 = "000_bd6cf83177b9ec6f.txt"


def run_import(*paths) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_threads", *map(str, paths), stdout=out, stderr=err)
        status = 0
    except CommandError as exc:
        status = exc.returncode
    return status, out.getvalue(), err.getvalue()


def thread_as_stored(source_key: str) -> tuple:
    question = Question.objects.get(source_key=source_key)
    answers = [
        (a.position, a.headline, a.body, a.doctor.name if a.doctor else None)
        for a in question.answers.order_by("position").select_related("doctor")
    ]
    return (question.title, question.body, question.disclaimer, question.is_complete, answers)


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-8", b"\xef\xbb\xbf"),
        ("utf-16-le", b"\xff\xfe"),
        ("utf-16-be", b"\xfe\xff"),
        ("utf-32-le", b"\xff\xfe\x00\x00"),
        ("utf-32-be", b"\x00\x00\xfe\xff"),
    ],
)
def test_a_file_with_a_byte_order_mark_imports_as_its_utf8_copy(tmp_path, seed_dir, encoding, bom):
    text = (seed_dir / SAMPLE_000).read_text(encoding="utf-8")
    (tmp_path / "000_00000000000000a1.txt").write_text(text, encoding="utf-8")
    (tmp_path / "000_00000000000000b2.txt").write_bytes(bom + text.encode(encoding))

    status, out, err = run_import(tmp_path)

    assert status == 0, err
    assert "2 files: 2 created" in out
    assert thread_as_stored("00000000000000b2") == thread_as_stored("00000000000000a1")
    assert thread_as_stored("00000000000000b2")[0].startswith("Took Mesobotox on Cheeks")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (  # UTF-16 without its mark: the NUL bytes are the high halves of ASCII letters
            "Smile?\n\nMy smile is crooked.\n".encode("utf-16-le"),
            ":1: binary file (NUL byte at offset 1): looks like UTF-16 LE text without a "
            "byte-order mark; save it as UTF-8",
        ),
        (
            "Smile?\n\nMy smile is crooked.\n".encode("utf-16-be"),
            ":1: binary file (NUL byte at offset 0): looks like UTF-16 BE text without a "
            "byte-order mark; save it as UTF-8",
        ),
        (  # marked UTF-16 with its last character cut in half
            b"\xff\xfe" + "Smile?\n\nMy smile is crooked.\n".encode("utf-16-le") + b"S",
            ":4: UTF-16 LE text (byte-order mark FF FE) that does not decode: truncated data "
            "at offset 60",
        ),
        (  # marked UTF-16 holding a NUL character
            b"\xfe\xff" + "Smile?\n\nMy smile\x00 is crooked.\n".encode("utf-16-be"),
            ":3: UTF-16 BE text with a NUL character, not a text thread page",
        ),
    ],
    ids=["utf-16-le without mark", "utf-16-be without mark", "cut in half", "nul"],
)
def test_a_file_that_cannot_be_decoded_is_refused_saying_what_it_is(tmp_path, content, message):
    bad = tmp_path / "odd.txt"
    bad.write_bytes(content)

    status, _, err = run_import(tmp_path)

    assert status == 1
    assert f"{bad}{message}" in err.splitlines()
    assert not Question.objects.exists()
