"""The declared shape of one JSON Lines thread, and the small validator that checks it.

Every value is checked for what the database columns and the pages need: its type (a
boolean is true or false, never "false"; a list is a list, never a string whose letters
would become tags), its length, its range, slugs that URLs can carry, finite numbers, and
text that UTF-8 and PostgreSQL can hold (and, through `inert.neutralise`, text without
bidi overrides or stray control characters). The first problem found is raised as Invalid with
the field's path, e.g. `answers[0].doctor.rating: must be a finite number from 0 to 5`.

Explicit on purpose: a dozen small classes say more about our columns than a generic
schema language would, and they cost no dependency.
"""

import math
import re
from datetime import datetime

from .inert import neutralise
from .threads import plausible_capture

# JSON nested deeper than this is no thread of ours (ours is four levels deep); refused
# before decoding, so that a hostile line cannot exhaust the decoder's recursion.
MAX_DEPTH = 20

SMALLINT = 32_767
INTEGER = 2_147_483_647
# Tag slugs: what the URLs' <slug:> converter accepts, and lowercase only, so that a
# slug can never differ from an existing one by case alone.
SLUG_RE = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")


class Invalid(Exception):
    def __init__(self, where: str, problem: str):
        super().__init__(f"{where}: {problem}")
        self.where, self.problem = where, problem


class Field:
    def __init__(self, *, required=False, null=False, default=None):
        self.required, self.null, self.default = required, null, default

    def clean(self, value, where: str):
        if value is None:
            if not self.null:
                raise Invalid(where, f"must be {self.expected}, not null")
            return self.default
        return self.check(value, where)

    def check(self, value, where):  # pragma: no cover - every field defines it
        raise NotImplementedError


class Text(Field):
    def __init__(self, *, max_length: int | None = None, blank=True, **kwargs):
        kwargs.setdefault("default", "")
        super().__init__(**kwargs)
        self.max_length, self.blank = max_length, blank
        limit = f" of at most {max_length:,} characters" if max_length else ""
        self.expected = f"text{limit}"

    def check(self, value, where):
        if not isinstance(value, str):
            raise Invalid(where, f"must be text, not {_kind(value)}")
        # Refused, not dropped: a NUL in JSON text means a corrupted backup.
        if "\0" in value:
            raise Invalid(where, "holds a NUL character (\\u0000), which PostgreSQL cannot store")
        value = neutralise(value)
        if self.max_length is not None and len(value) > self.max_length:
            raise Invalid(where, f"is {len(value):,} characters; at most {self.max_length:,}")
        if not self.blank and not value.strip():
            raise Invalid(where, "must not be empty")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise Invalid(where, "holds a lone surrogate, which is not text") from None
        return value


class Moment(Field):
    """An ISO 8601 date and time with its offset that a page can show as "captured on"."""

    expected = "a date and time (ISO 8601, with its offset)"

    def check(self, value, where):
        if not isinstance(value, str):
            raise Invalid(where, f"must be a date and time as text, not {_kind(value)}")
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise Invalid(where, f"{value[:40]!r} is not an ISO 8601 date and time") from None
        if moment.tzinfo is None:
            raise Invalid(where, f"{value[:40]!r} has no UTC offset")
        if not plausible_capture(moment):
            raise Invalid(where, f"{value[:40]!r} is not a possible capture date")
        return moment


class Slug(Field):
    expected = "a slug"

    def check(self, value, where):
        if not isinstance(value, str) or len(value) > 100 or not SLUG_RE.fullmatch(value):
            shown = repr(value)[:60]
            raise Invalid(where, f"{shown} is not a slug (lowercase letters, digits, - and _)")
        return value


class Integer(Field):
    def __init__(self, *, low: int, high: int, **kwargs):
        super().__init__(**kwargs)
        self.low, self.high = low, high
        self.expected = f"a whole number from {low:,} to {high:,}"

    def check(self, value, where):
        # bool is an int to Python; true is no number to us.
        if not isinstance(value, int) or isinstance(value, bool):
            raise Invalid(where, f"must be {self.expected}, not {_kind(value)}")
        if not self.low <= value <= self.high:
            raise Invalid(where, f"{value} is out of range; must be {self.expected}")
        return value


class Number(Field):
    def __init__(self, *, low: float, high: float, **kwargs):
        super().__init__(**kwargs)
        self.low, self.high = low, high
        self.expected = f"a finite number from {low:g} to {high:g}"

    def check(self, value, where):
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise Invalid(where, f"must be {self.expected}, not {_kind(value)}")
        # An int is always finite (and may be too large for a float to say so).
        finite = isinstance(value, int) or math.isfinite(value)
        if not finite or not self.low <= value <= self.high:
            raise Invalid(where, f"{value!r} is out of range; must be {self.expected}")
        return value


class Boolean(Field):
    expected = "true or false"

    def check(self, value, where):
        if not isinstance(value, bool):
            raise Invalid(where, f"must be true or false, not {_kind(value)}")
        return value


class Choice(Field):
    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = tuple(choices)
        self.expected = "one of " + ", ".join(self.choices)

    def check(self, value, where):
        if value not in self.choices or not isinstance(value, str):
            raise Invalid(where, f"{repr(value)[:60]} is not {self.expected}")
        return value


class ListOf(Field):
    def __init__(self, item: Field, *, max_items: int, **kwargs):
        super().__init__(**kwargs)
        self.item, self.max_items = item, max_items
        self.expected = "a list"

    def check(self, value, where):
        if not isinstance(value, list):
            raise Invalid(where, f"must be a list, not {_kind(value)}")
        if len(value) > self.max_items:
            raise Invalid(where, f"has {len(value):,} items; at most {self.max_items:,}")
        return [self.item.clean(v, f"{where}[{i}]") for i, v in enumerate(value)]


class Object(Field):
    """A JSON object with exactly these keys at most; absent keys take their defaults."""

    expected = "an object"

    def __init__(self, fields: dict[str, Field], **kwargs):
        super().__init__(**kwargs)
        self.fields = fields

    def check(self, value, where):
        if not isinstance(value, dict):
            raise Invalid(where, f"must be an object, not {_kind(value)}")
        prefix = f"{where}." if where else ""
        for key in value:
            if key not in self.fields:
                raise Invalid(f"{prefix}{key}"[:200], "unknown field")
        cleaned = {}
        for key, field in self.fields.items():
            if key in value:
                cleaned[key] = field.clean(value[key], f"{prefix}{key}")
            elif field.required:
                raise Invalid(f"{prefix}{key}", "missing")
            else:
                cleaned[key] = field.default
        return cleaned


def _kind(value) -> str:
    if value is None:
        return "null"
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


def deeper_than(data: bytes, limit: int) -> bool:
    """Whether the arrays and objects of a JSON text nest deeper than `limit`, found
    without decoding it (the decoder itself recurses once per level)."""
    # Strings may hold brackets: drop them (escapes included) before counting.
    structure = re.sub(rb'"(?:[^"\\]++|\\.)*+"', b"", data).translate(None, _NOT_BRACKETS)
    depth = 0
    for byte in structure:
        depth += 1 if byte in b"[{" else -1
        if depth > limit:
            return True
    return False


_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
