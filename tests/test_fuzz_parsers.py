"""Both input formats fuzzed: whatever the bytes, decoding one item gives a ThreadData the
database and the pages can take, or an ItemError saying why not; never anything else.

Pure (no database): `formats.thread_from_item` is what every import runs on each file and
each JSON line. Examples are derandomised (the same ones each run, so the suite is
stable); FUZZ_EXAMPLES=5000 and FUZZ_RANDOM=1 explore further. See the README's
"Security and reliability" for what was run.
"""

import json
import math
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questions.importing.formats import thread_from_item
from questions.importing.inert import UNSAFE
from questions.importing.sources import Item, ItemError
from questions.importing.threads import ThreadData
from tests.test_import_jsonl_validation import good_thread

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "threads").glob("*.txt"))
SAMPLE_BYTES = [path.read_bytes() for path in SAMPLES]

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "300")),
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    database=None,
    deadline=2000,  # ms per example: a slow input is a finding too
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Characters that trouble parsers and pages: controls, bidi, surrogates' neighbours,
# separators, combining marks, and markup.
HOSTILE_CHARS = list(
    "\x00\x07\x1b\x7f\x85\u200b\u200e\u202e\u2028\u2066\ufeff\ufffd\u0301<>&\"'{}%"
)


def assert_item_decodes_cleanly(item: Item) -> ThreadData | None:
    try:
        thread = thread_from_item(item)
    except ItemError as exc:
        assert exc.message and isinstance(exc.message, str)
        return None
    assert_storable(thread)
    return thread


def texts(thread: ThreadData) -> list[str]:
    values = [thread.source_key, thread.title, thread.body, thread.sex, thread.treatment]
    values.append(thread.disclaimer or "")
    for answer in thread.answers:
        values += [answer.headline, answer.body]
        if answer.doctor:
            d = answer.doctor
            values += [d.name or "", d.credentials, d.place, d.specialty]
    return values


def assert_storable(thread: ThreadData) -> None:
    """What the columns and pages need of a decoded thread."""
    assert thread.title.strip() and len(thread.title) <= 500
    assert 0 < len(thread.source_key) <= 255
    for text in texts(thread):
        assert isinstance(text, str)
        assert "\0" not in text and not (set(text) & UNSAFE), repr(text[:80])
        text.encode("utf-8")  # no lone surrogate
    positions = [a.position for a in thread.answers]
    assert len(positions) == len(set(positions)) and all(1 <= p <= 32767 for p in positions)
    for answer in thread.answers:
        if answer.doctor and answer.doctor.rating is not None:
            assert answer.doctor.rating.is_finite()
    for slug in (thread.areas or []) + (thread.procedures or []):
        assert slug and slug == slug.lower() and all(c.isalnum() or c in "-_" for c in slug)


def scraped(data: bytes, name="000_00000000000000aa.txt") -> Item:
    return Item(path=name, source_file=name, data=data)


def jsonl(data: bytes) -> Item:
    return Item(path="fuzz.jsonl:1", source_file="fuzz.jsonl", data=data, line=1)


# --- Scraped files ---------------------------------------------------------------------


@FUZZ
@given(st.binary(max_size=4000))
def test_random_bytes_as_a_scraped_file(data):
    assert_item_decodes_cleanly(scraped(data))


@FUZZ
@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(HOSTILE_CHARS)))
def test_random_text_as_a_scraped_file(text):
    assert_item_decodes_cleanly(scraped(text.encode("utf-8")))


@st.composite
def mutated_sample(draw) -> bytes:
    """A sample file, cut, with lines duplicated, deleted or junk-ridden."""
    lines = draw(st.sampled_from(SAMPLE_BYTES)).split(b"\n")
    for _ in range(draw(st.integers(0, 6))):
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        action = draw(
            st.sampled_from(["duplicate", "delete", "delete-blank", "junk", "control", "cut"])
        )
        if action == "duplicate":
            lines.insert(at, lines[at])
        elif action == "delete":
            del lines[at]
        elif action == "delete-blank":
            lines = [line for line in lines if line.strip()]
        elif action == "junk":
            lines[at] += draw(st.binary(min_size=1, max_size=20))
        elif action == "control":
            char = draw(st.sampled_from(HOSTILE_CHARS[:11]))
            lines[at] = char.encode() + lines[at]
        else:
            lines = lines[: at + 1]
            lines[-1] = lines[-1][: draw(st.integers(0, len(lines[-1])))]
    return b"\n".join(lines)


@FUZZ
@given(mutated_sample())
def test_mutated_samples_as_scraped_files(data):
    assert_item_decodes_cleanly(scraped(data))


def test_the_samples_themselves_decode():
    for data in SAMPLE_BYTES:
        assert assert_item_decodes_cleanly(scraped(data)) is not None


# --- JSON Lines ---------------------------------------------------------------------------

JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.sampled_from([10**400, -(10**400), 2**63, 2**31])
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(alphabet=st.characters() | st.sampled_from(HOSTILE_CHARS), max_size=600)
    | st.sampled_from(["", "NaN", "Infinity", "false", "cheeks", "Botox Cosmetic!", "\ud800"])
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


def paths(value, prefix=()):
    """Every path into a JSON value, for choosing where to put a hostile one."""
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from paths(child, (*prefix, index))


THREAD_PATHS = [p for p in paths(good_thread("fuzz")) if p]


def encode(value) -> bytes:
    # allow_nan: JSON's NaN and Infinity literals are what a hostile file would hold.
    return json.dumps(value, allow_nan=True, ensure_ascii=False).encode("utf-8", "surrogatepass")


@FUZZ
@given(st.sampled_from(THREAD_PATHS), JSON_VALUES)
def test_a_thread_with_one_value_replaced(path, value):
    thread = good_thread("fuzz")
    target = thread
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    assert_item_decodes_cleanly(jsonl(encode(thread)))


@FUZZ
@given(st.dictionaries(st.sampled_from([*good_thread("x"), "extra"]), JSON_VALUES))
def test_a_thread_of_random_fields(obj):
    assert_item_decodes_cleanly(jsonl(encode(obj)))


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_as_a_json_line(data):
    assert_item_decodes_cleanly(jsonl(data))


@FUZZ
@given(st.integers(0, 200), st.integers(0, 3))
def test_a_good_line_cut_or_doubled(cut, copies):
    line = encode(good_thread("fuzz"))
    assert_item_decodes_cleanly(jsonl(line[: len(line) - cut] * max(copies, 1)))


def test_a_good_line_decodes_and_numbers_stay_exact():
    thread = assert_item_decodes_cleanly(jsonl(encode(good_thread("fuzz"))))
    rating = thread.answers[0].doctor.rating
    assert str(rating) == "4.5" and math.isfinite(rating)
