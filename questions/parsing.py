"""Parse the scraped text of one question page into a :class:`ParsedThread`.

This module is pure: standard library only, no Django, no database. The bulk importer calls
:func:`decode_thread_bytes` and :func:`parse_thread` once per file, thousands of times a
second, so every regular expression is compiled once at import time and none of them can
backtrack badly (no nested quantifiers over the same characters).

The file format is described in ``docs/FORMAT.md``. In short: a title line, the question text, an
optional ``Doctor Answers N`` line, the answers, and the site disclaimer. Everything except
the title is optional or irregular, so the parser works in layers:

1. **Normalise** each line: non-breaking and other odd spaces become spaces, runs of spaces
   collapse, leading and trailing spaces go. Nothing else in the text changes.
2. **Scan** the lines into *units*, one per non-blank line, remembering how many blank
   lines came before each and whether a vote-widget template line (``{{ voteCount ...``) or
   a noise line (``You might also like...``) was dropped just before it. Units are lines,
   not paragraphs, because some files have no blank lines at all and others put single
   line breaks inside a paragraph; bodies are later rejoined with ``"\\n"`` inside a
   paragraph and ``"\\n\\n"`` between paragraphs, exactly as written.
3. **Frame** the thread: reject banner pages, take the title, the answer-count line, the
   details line (``age : 30 sex: female treatment : ...``), the question, and the site
   disclaimer at the very end.
4. **Doctor blocks** (name with credentials / place and specialty / star rating, each line
   optional but in that order) are found by shape. A bare name (no credentials) that also
   reads as a place line or a "Dr. X" / "-X" signature is read as that instead. A block
   closes an answer. A block that has no rating and is immediately followed by another
   block is a signature inside the body that repeats the name, not a block.
5. **Answer starts.** *Hard* starts are certain: the start of the answer region, the line
   after a doctor block, and a vote-widget line (the short line before it, if it looks like
   a headline, is that answer's headline). *Soft* starts are guessed where answers are
   separated by nothing but blank lines: every other line gets a score for "a headline that
   starts an answer" (short, no final full stop, shares topic words with the title, after a
   sign-off or extra blank lines, before a greeting...) or "an answer that starts without a
   headline" (opens with a greeting after a sign-off...); both readings of a line compete.
   Answers in one file look alike: a guessed headline ending in a full stop costs more in
   files whose answers close with doctor blocks or that show no real headline at all, and
   the "one vote widget per answer" penalty is lifted once two answers without one are
   certain. The best-scoring starts are taken greedily, never leaving an answer without a
   body, and never more than the declared answer count allows. Files with no markers and
   no headlines at all fall back to one answer per paragraph, again capped by the declared
   count.
6. **Truncation** is judged last (rule in ``_ThreadParser._judge_completeness``): a file
   with the site disclaimer is complete; without it, a file ending with a vote widget or
   mid-sentence is cut off (``complete=False``, a warning, and the last answer marked
   ``truncated`` or, when it is only a stray headline or block scrap, dropped).

Two fields go beyond the brief: ``ParsedAnswer.truncated`` and ``ParsedThread.details`` (the
details line as written).

The heuristics are tuned on the real samples and on the variations ``docs/FORMAT.md`` lists; the
weights are module constants so a bad file can be diagnosed by reading one function.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, insort
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from itertools import compress, count
from operator import itemgetter, not_

__all__ = [
    "SPECIALTIES",
    "DoctorBlock",
    "ParseError",
    "ParsedAnswer",
    "ParsedThread",
    "decode_thread_bytes",
    "normalise_name",
    "parse_thread",
    "split_place_specialty",
]


# --------------------------------------------------------------------------------------
# Public data types
# --------------------------------------------------------------------------------------


class ParseError(ValueError):
    """The file cannot be read as a thread page; ``message`` says why, ``line`` where."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class DoctorBlock:
    """The lines under an answer that name its doctor. Missing parts are None or ""."""

    name: str | None
    credentials: str
    place: str
    specialty: str
    rating: Decimal | None
    review_count: int | None


@dataclass(frozen=True)
class ParsedAnswer:
    position: int  # 1-based, in page order
    headline: str | None
    body: str
    doctor: DoctorBlock | None
    line: int  # 1-based line of the file where the answer starts
    truncated: bool = False  # the file was cut off inside this answer


@dataclass(frozen=True)
class ParsedThread:
    title: str
    question: str
    age: int | None
    sex: str
    treatment: str
    declared_answer_count: int | None
    answers: tuple[ParsedAnswer, ...]
    disclaimer: str | None
    complete: bool
    warnings: tuple[str, ...]
    details: str | None = None  # the details line as written, when there is one


# --------------------------------------------------------------------------------------
# Vocabularies
# --------------------------------------------------------------------------------------


def _word_set(words: str) -> frozenset[str]:
    """A set from a whitespace-separated word list (easier to read and edit than literals)."""
    return frozenset(words.split())


# Specialties as the site prints them at the end of the place line. Matching is on whole
# words from the end of the line and the longest entry wins, so "Facial Plastic Surgeon"
# beats "Plastic Surgeon" and "Surgeon".
SPECIALTIES: tuple[str, ...] = (
    "Surgeon",
    "Plastic Surgeon",
    "Facial Plastic Surgeon",
    "Cosmetic Surgeon",
    "Facial Cosmetic Surgeon",
    "Aesthetic Surgeon",
    "Aesthetic Plastic Surgeon",
    "Reconstructive Surgeon",
    "Plastic and Reconstructive Surgeon",
    "Dermatologic Surgeon",
    "Mohs Surgeon",
    "Oculoplastic Surgeon",
    "Oculofacial Plastic Surgeon",
    "Ophthalmic Plastic Surgeon",
    "Ophthalmic Surgeon",
    "Eyelid Surgeon",
    "Facial Surgeon",
    "Vascular Surgeon",
    "General Surgeon",
    "Breast Surgeon",
    "Bariatric Surgeon",
    "Hand Surgeon",
    "Orthopedic Surgeon",
    "Orthopaedic Surgeon",
    "Oral Surgeon",
    "Maxillofacial Surgeon",
    "Oral and Maxillofacial Surgeon",
    "Head and Neck Surgeon",
    "ENT Surgeon",
    "Hair Restoration Surgeon",
    "Hair Transplant Surgeon",
    "Hair Surgeon",
    "Vein Surgeon",
    "Neurosurgeon",
    "Urologic Surgeon",
    "Gynecologic Surgeon",
    "Physician",
    "Aesthetic Physician",
    "Cosmetic Physician",
    "Family Physician",
    "Family Medicine Physician",
    "Internal Medicine Physician",
    "Emergency Medicine Physician",
    "Emergency Physician",
    "Sports Medicine Physician",
    "Anti-Aging Physician",
    "Laser Physician",
    "Hair Restoration Physician",
    "Hair Loss Physician",
    "Weight Loss Physician",
    "Obesity Medicine Physician",
    "Preventive Medicine Physician",
    "Integrative Medicine Physician",
    "Functional Medicine Physician",
    "Regenerative Medicine Physician",
    "Pain Management Physician",
    "Vein Physician",
    "Physician Assistant",
    "Dermatologist",
    "Cosmetic Dermatologist",
    "Pediatric Dermatologist",
    "Dermatopathologist",
    "Ophthalmologist",
    "Otolaryngologist",
    "Facial Plastic and Reconstructive Surgeon",
    "Gynecologist",
    "Obstetrician",
    "Obstetrician Gynecologist",
    "OBGYN",
    "Urogynecologist",
    "Urologist",
    "Endocrinologist",
    "Gastroenterologist",
    "Cardiologist",
    "Neurologist",
    "Oncologist",
    "Radiologist",
    "Interventional Radiologist",
    "Anesthesiologist",
    "Pediatrician",
    "Psychiatrist",
    "Rheumatologist",
    "Allergist",
    "Internist",
    "Phlebologist",
    "Trichologist",
    "Podiatrist",
    "Physiatrist",
    "Dentist",
    "Cosmetic Dentist",
    "Orthodontist",
    "Periodontist",
    "Prosthodontist",
    "Endodontist",
    "Nurse",
    "Registered Nurse",
    "Nurse Practitioner",
    "Nurse Injector",
    "Aesthetic Nurse",
    "Esthetician",
    "Aesthetician",
    "Medical Esthetician",
    "Naturopathic Doctor",
    "Doctor",
    "Chiropractor",
    "Acupuncturist",
    "Pharmacist",
    "Vein Specialist",
    "Laser Specialist",
)

# Words that can sit in front of a specialty the vocabulary does not list ("Boston Sports
# Medicine Physician" with only "Physician" known): they belong to the specialty, not to
# the place. None of them is commonly a place name on its own.
_SPECIALTY_MODIFIERS = _word_set(
    """aesthetic cosmetic medicine emergency family internal general plastic facial
    reconstructive laser hair restoration transplant dermatologic oculoplastic oculofacial
    ophthalmic oral maxillofacial sports anti-aging regenerative integrative functional
    preventive obesity bariatric vascular vein breast pediatric mohs dermatology surgical
    medical board-certified"""
)

# Credentials after a doctor's name, compared without dots or hyphens and upper-cased.
_CREDENTIALS = _word_set(
    """MD DO DDS DMD PA PAC PC PLLC LLC INC FACS FRCSC FRCS FRCSI FRCSED FRACS FRCP FRCPC
    FAAD FACMS FAACS FAAFPRS FAAO FAAOS FACOG FACE FACP FAAP FICS FASMS FAARM ABAARM DABPS
    FASLMS FACPH FAOCD FAOCO FACOS PHD MBBS MBCHB MBBCH MS MSC MPH MBA MA BS BSC BA RN BSN
    MSN NP FNP FNPBC FNPC APRN DNP CRNA CNP CNS DPM OD ND NMD LAC DC MCH DMSC MMSC
    DRMED FRCSPLAST FRCSPLAS BDS MDS MFDS"""
)

# Small words allowed in place names and personal names.
_PLACE_CONNECTORS = _word_set(
    "of de la le les del della di da do dos das du des el en sur upon on am im an der den "
    "van von y au aux the and st st. ste ste. saint"
)
_NAME_PARTICLES = _word_set(
    "de la le del della di da dos das du des van von der den ten ter y bin al el st. st"
)

# Words that never appear in a place name but often in headlines and body lines that happen
# to end in a specialty ("See A Board Certified Dermatologist").
_NOT_PLACE_WORDS = _word_set(
    """botox dysport xeomin jeuveau filler fillers injection injections injector injectors
    see ask consult consulting visit find choose go get need needs seek talk speak call
    contact check recheck board certified experienced qualified expert skilled trained
    licensed reputable local top good best great your my our a an by with for from to is
    are was be or not no yes you i we this that it if only always never dr dr. doctor md
    professional specialist trust when why how what who which"""
)

# Words that rule a line out as a personal name ("Good Luck", "Best Wishes", "Smile
# Asymmetry" followed by a place line by accident).
_NOT_NAME_WORDS = _word_set(
    """best regards wishes luck good kind warm warmest kindest thanks thank you take care
    hope helps dear hi hello all and for with after before from botox dysport xeomin
    smile results result injection injections treatment asymmetry droop is are it this
    that my your a an of to in on surgeon physician dermatologist answer question doctor
    answers sincerely cheers respectfully"""
)

_SMALL_WORDS = _word_set(
    "a an the and or but nor of to in on at by for from with as vs vs. is it its into "
    "per via after before over under"
)

# Ignored when comparing a line's vocabulary with the title's.
_STOPWORDS = _word_set(
    """about after again also another anything around because been before being between
    both cant could does doing done dont during each either from have having here how
    into just last like long more most much need only other over please really should
    since some something still such than that their them then there these they this those
    through time very want weeks week what when where which while will with would your
    year years month months days normal help anyone thing things after doctor answer"""
)

_FIRST_PERSON_OR_YOU = _word_set(
    "i i'm i've i'd i'll me my we we're our us you you're you've you'd your yours"
)
_PATIENT_WORDS = _word_set("i i'm i've i'd i'll me my mine myself")
_DOCTOR_WORDS = _word_set("you you're you've you'd your yours yourself patients")

_SITE_DISCLAIMER = (
    "These answers are for educational purposes and should not be relied upon as a "
    "substitute for medical advice you may receive from your physician. If you have a "
    "medical emergency, please call 911. These answers do not constitute or initiate a "
    "patient/doctor relationship."
)
_SITE_DISCLAIMER_KEY = _SITE_DISCLAIMER.casefold()
# A line must hold at least this much of the disclaimer to count as a cut-off copy of it.
_MIN_PARTIAL_DISCLAIMER = 20

_NOISE_LINES = frozenset(
    (
        "you might also like",
        "read more",
        "show more",
        "see more",
        "load more",
        "view more",
        "more answers",
        "see more answers",
        "show more answers",
        "view all answers",
        "see all answers",
        "related questions",
        "related procedures",
        "related treatments",
        "related answers",
        "was this answer helpful",
        "advertisement",
    )
)


# --------------------------------------------------------------------------------------
# Regular expressions (compiled once; all linear)
# --------------------------------------------------------------------------------------

# Patterns used to search (findall, sub, finditer) start with one plain character or
# class: a leading repeat is written "xx*", not "x+" or "x{2,}". The two are the same
# pattern, but Python's regex engine only skips quickly to where a match can begin when
# the pattern opens with a single character or class; otherwise it tries a full match at
# every position, which is several times slower.

_ODD_SPACES = "\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
_ODD_SPACES += "\u200a\u2028\u2029\u202f\u205f\u3000\x0b\x0c"
_ODD_SPACE_RE = re.compile(f"[{_ODD_SPACES}]")
_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_ODD_OR_ZERO_WIDTH_RE = re.compile(f"[{_ODD_SPACES}\u200b\u200c\u200d\u2060\ufeff]")
_MULTI_SPACE_RE = re.compile(r"  +")  # two spaces or more

_BANNER_RE = re.compile(r"get the real deal on beauty treatments", re.IGNORECASE)
_BANNER_FULL_RE = re.compile(
    r"^get the real deal on beauty treatments\s*[-\u2013\u2014,:]*\s*real doctors, real "
    r"reviews, and real photos with real results\.?\s*",
    re.IGNORECASE,
)
_COUNT_RE = re.compile(
    r"^doctor\s*answers?\s*:?\s*(?:\(\s*(\d[\d,]*)\s*\)|(\d[\d,]*))?$", re.IGNORECASE
)
_DETAILS_START_RE = re.compile(r"^(?:age|sex|gender|treatment)\s*:", re.IGNORECASE)
_DETAILS_KEY_RE = re.compile(r"\b(age|sex|gender|treatment)\s*:\s*", re.IGNORECASE)
_AGE_RE = re.compile(r"\d{1,3}")
_RATING_RE = re.compile(
    r"^(\d(?:[.,]\d{1,2})?)\s*out\s+of\s+5(?:\.0)?\s*stars?"
    r"(?:[\s,;(]*(\d[\d,.]*)\s*reviews?\)?)?\.?$",
    re.IGNORECASE,
)
_REVIEWS_ONLY_RE = re.compile(r"^(\d[\d,.]*)\s+reviews?$", re.IGNORECASE)
_GREETING_RE = re.compile(
    r"^(?:dear\b|hi\b|hello\b|hey\b|greetings\b|good\s+(?:morning|afternoon|evening|day)\b"
    r"|thanks?(?:\s+you)?(?:\s+(?:so|very)\s+much|\s+again)?\s+for\b"
    r"|thanks?(?:\s+you)?[\s!.,]*$"
    r"|i\s+(?:have\s+|'ve\s+)?(?:read|reviewed|looked\s+at|understand|appreciate)\b"
    r"[^.!?]{0,40}\b(?:question|post|concern|inquiry|photos?|pictures?)\b)",
    re.IGNORECASE,
)
_SIGNOFF_RE = re.compile(
    r"^[-\u2013\u2014~ ]*(?:"
    r"(?:good\s+luck|best\s+of\s+luck|all\s+the\s+(?:very\s+)?best|best\s+wishes"
    r"|wishing\s+you|hope\s+(?:that\s+)?(?:this|that|it)\s+helps|i\s+hope\b)[^.!?]{0,60}"
    r"|best(?:\s+regards)?|(?:kind|kindest|warm|warmest|with\s+best)\s+regards|regards"
    r"|sincerely(?:\s+yours)?|yours(?:\s+(?:truly|sincerely))?|take\s+care|cheers"
    r"|thanks|thank\s+you|many\s+thanks|respectfully|warmly|be\s+well|stay\s+(?:well|safe)"
    r"|god\s+bless)"
    r"(?:[\s,.!:;\-\u2013\u2014]|$)",
    re.IGNORECASE,
)
_SIGNATURE_RE = re.compile(
    r"^(?:[-\u2013\u2014~]+\s*|(?i:dr\.?|doctor)\s+)[A-Z][\w.'\u2019-]*(?:\s+[\w.'\u2019-]+){0,4}"
    r"[.,]?$"
)
_BULLET_RE = re.compile(
    r"^(?:[\u2022\u00b7\u25aa\u25ab\u25e6\u25cf\u25cb\u25a0\u25a1\u27a2\u25ba\u2023\u2043"
    r"\u2219*+>-]\s|[\u2013\u2014]\s|\d{1,2}[.)]\s|\(\d{1,2}\)\s)"
)
_SENTENCE_BREAK_RE = re.compile(
    r"[.!?\u2026][.!?\u2026]*[\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])"
)
_SENTENCE_TAIL = ".!?\u2026\"'\u201d\u2019)]"  # what may end a sentence, see _describe
_WORD_RE = re.compile(r"[\w'\u2019][\w'\u2019]*")
_TOKEN_RE = re.compile(r"[^\s,][^\s,]*")
_NICKNAME_RE = re.compile(
    r"\([^()]{0,40}\)|\[[^\[\]]{0,40}\]|[\"\u201c][^\"\u201c\u201d]{0,40}[\"\u201d]"
)
_PHOTO_SUFFIX_RE = re.compile(r"\s*\((?:photos?|pictures?|video)\)\s*$", re.IGNORECASE)
_NON_ALNUM_RE = re.compile(r"[^0-9a-z][^0-9a-z]*")
_NAME_PUNCT_RE = re.compile(r"[^\w\s]")


def _cannot_start(first: str, flags: int = 0) -> frozenset[str]:
    """ASCII characters outside the character class ``first`` (compiled with ``flags``).

    ``first`` lists every character that can begin a match of one of the patterns above, so
    a line starting with one of these cannot match, and one set lookup saves a match call
    on most lines. Only ASCII is listed: case-insensitive matching relates some non-ASCII
    letters to ASCII ones (KELVIN SIGN and "k", dotless "i" and "i"), so a line starting
    with a non-ASCII character always goes to the regular expression.
    """
    pattern = re.compile(first, flags)
    return frozenset(c for c in map(chr, range(128)) if not pattern.fullmatch(c))


_NOT_GREETING_START = _cannot_start("[dhgti]", re.IGNORECASE)
_NOT_SIGNOFF_START = _cannot_start("[-\u2013\u2014~ gbawhikrsytcm]", re.IGNORECASE)
_NOT_SIGNATURE_START = _cannot_start("[-\u2013\u2014~dD]")
_NOT_BULLET_START = _cannot_start(
    "[\u2022\u00b7\u25aa\u25ab\u25e6\u25cf\u25cb\u25a0\u25a1\u27a2\u25ba\u2023\u2043"
    "\u2219*+>\\-\u2013\u2014\\d(]"
)
_NOT_COUNT_START = _cannot_start("d", re.IGNORECASE)
_NOT_DETAILS_START = _cannot_start("[asgt]", re.IGNORECASE)
_NOT_BANNER_START = _cannot_start("g", re.IGNORECASE)


# --------------------------------------------------------------------------------------
# Scoring weights and thresholds for answer boundaries
# --------------------------------------------------------------------------------------

_MAX_HEADLINE_CHARS = 160
_T_FIRST = 2.0  # first line after a hard start is its headline from this score
_T_VOTE = 0.0  # line before a vote-widget line is its headline from this score
_T_DECLARED = 2.0  # soft start, when the declared count caps how many are taken
_T_FREE = 3.0  # soft start, when nothing caps them
_VOTE_FILE_PENALTY = 2.0  # pages that print vote widgets print one per answer
# A short body sentence ending in a full stop reads much like a headline, so a *guessed*
# headline (soft start) with a full stop loses points (_ThreadParser._soft_stop_penalty):
# - in files with doctor blocks, where such a guess splits an answer that a block already
#   closes, _SOFT_STOP_PENALTY;
# - in files without blocks, nothing: headlines are all they have to show where answers
#   start, and docs/FORMAT.md allows headlines ending with a full stop;
# - in files where no line reads as a headline without ending like a sentence (score from
#   _T_HEADLINE_EVIDENCE), _NO_HEADLINES_STOP_PENALTY: their answers have no headlines.
_SOFT_STOP_PENALTY = 1.0
_NO_HEADLINES_STOP_PENALTY = 3.0
_T_HEADLINE_EVIDENCE = 3.0

# Evidence that an answer starts at a line, whether with a headline or without one.
# Used by the headline context score, the no-headline score and the bare-paragraph
# fallback alike, so that the three readings of one line weigh the same facts the same.
_W_GREETING = 3.0  # the line opens with a greeting ("Hi Dana,")
_W_AFTER_SIGNOFF = 2.0  # the line before closed an answer with a sign-off or signature
_W_EXTRA_GAP = 1.5  # more blank lines before it than the file usually has
_W_MID_PARAGRAPH = -1.0  # the line continues a paragraph
_W_PLAIN_BASE = -1.0  # an answer without headline, before any evidence
_W_PARAGRAPH_BASE = 1.0  # a paragraph of a file of bare paragraphs, before any evidence

# What a line says of itself as a headline (_intrinsic_headline_score).
_W_WORDS_SHORT, _W_WORDS_MEDIUM, _W_WORDS_LONG = 1.5, 0.5, -1.0  # to 12, to 20, more
_W_OVER_120_CHARS = -1.5
_W_TWO_SENTENCES = -1.0
_W_PERSONAL_STOP = -1.5  # "I'm sorry you had...": prose, not a title
_W_LOWER_START = -3.0
_W_TITLE_CASE = 1.0
_W_TOPIC_WORDS_2, _W_TOPIC_WORD_1 = 1.5, 1.0  # stems shared with the question title
_W_REPEATS_TITLE = 2.0
_W_HASHTAG = 0.5

# What the neighbours say of a line as a headline (_context_score).
_W_AFTER_BLOCK = 1.5  # after a doctor block, sign-off or signature
_W_AFTER_LEAD_IN = -3.0  # after a line ending in ":" or a lone greeting
_W_GAP_BEFORE = 1.5
_W_GREETING_NEXT = 1.5
_W_SIGNOFF_NEXT = -3.0  # the "answer" would be nothing but a sign-off
_W_LONG_NEXT = 0.5
_W_GAP_AFTER = -1.5  # extra blank lines after a line close an answer
# Extra blank lines between a line and the vote widget after it part them: an answer's end.
_W_GAP_BEFORE_VOTE = -1.5


# --------------------------------------------------------------------------------------
# Public helpers
# --------------------------------------------------------------------------------------


def decode_thread_bytes(data: bytes) -> str:
    """Decode a thread file: UTF-8 with an optional BOM; anything else is a ParseError."""
    nul = data.find(b"\x00")
    if nul != -1:
        raise ParseError(
            f"binary file (NUL byte at offset {nul}), not a text thread page",
            line=data.count(b"\n", 0, nul) + 1,
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(
            f"not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at offset {exc.start})",
            line=data.count(b"\n", 0, exc.start) + 1,
        ) from None


def split_place_specialty(line: str) -> tuple[str, str]:
    """Split ``"Panama City Facial Plastic Surgeon"`` into ``("Panama City", "Facial ...")``.

    The specialty is the longest entry of :data:`SPECIALTIES` that ends the line, extended
    to the left by known modifier words. Returns ``(line, "")`` when no specialty ends the
    line, and ``("", specialty)`` when the whole line is a specialty.
    """
    return _split_specialty(_normalise_line(line).split())


def _split_specialty(words: list[str]) -> tuple[str, str]:
    """:func:`split_place_specialty` for a line already split into words."""
    n = len(words)
    # Only the specialties ending in the line's last word can match, and none longer than
    # the longest of them: most lines are settled by one lookup.
    longest = _LONGEST_SPECIALTY_ENDING.get(_specialty_key(words[-1])) if n else None
    if longest is None:
        return " ".join(words), ""
    m = n if n < longest else longest
    # The _specialty_key of each of the last m words. Without commas and ampersands that
    # is only case folding, done for all of them at once.
    joined = " ".join(words[n - m :])
    if "," in joined or "&" in joined:
        tail = [_specialty_key(w) for w in words[n - m :]]
    else:
        tail = joined.casefold().split(" ")
    for k in range(m, 0, -1):
        if tuple(tail[m - k :]) in _SPECIALTY_KEYS:
            while k < n - 1 and _specialty_key(words[n - k - 1]) in _SPECIALTY_MODIFIERS:
                k += 1
            return " ".join(words[: n - k]).rstrip(" ,"), " ".join(words[n - k :])
    return " ".join(words), ""


def normalise_name(name: str) -> str:
    """Identity of a doctor's name for matching across files.

    ``"Dr. Steven F. Weiner, M.D."`` and ``"steven f weiner MD, FACS"`` both give
    ``"steven f weiner"``: accents and case folded, nicknames in brackets or quotes, a
    leading "Dr."/"Doctor", trailing credentials and punctuation removed, spaces collapsed.
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _NICKNAME_RE.sub(" ", _normalise_line(text))
    tokens = _TOKEN_RE.findall(text.replace("-", " "))
    while tokens and _credential_key(tokens[0]) in {"DR", "DOCTOR", "PROF", "PROFESSOR"}:
        tokens.pop(0)
    # Keep two tokens at least: "Anh Do, MD" is Dr. Do, not a doctor of osteopathy.
    while len(tokens) > 2 and _is_credential(tokens[-1]):
        tokens.pop()
    cleaned = (_NAME_PUNCT_RE.sub("", t).casefold() for t in tokens)
    return " ".join(t for t in cleaned if t)


# --------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------


def parse_thread(text: str) -> ParsedThread:
    """Parse one thread file's text. Raises :class:`ParseError` for unusable files."""
    lines = _normalised_lines(text)
    first = next((i for i, line in enumerate(lines) if line), None)
    if first is None:
        if not text:
            raise ParseError("empty file", line=1)
        raise ParseError(f"file holds only whitespace ({len(lines)} lines)", line=1)
    if _BANNER_RE.match(lines[first]):
        raise ParseError(
            "banner page with no question: the file starts with the site banner "
            "('Get the real deal on beauty treatments...') followed by loose answers, "
            "not a title and a question",
            line=first + 1,
        )
    return _ThreadParser(lines).parse()


def _normalised_lines(text: str) -> list[str]:
    """The file's lines, each normalised by :func:`_normalise_line`.

    This runs on every line of every file, so the loops over all lines are left to
    ``map`` and ``compress``; Python code only runs for the few lines that need more than
    ``strip``.
    """
    # Count lines like an editor does: only \n, \r\n and \r end a line.
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    raw = text.split("\n")
    if "\t" in text or "\x0b" in text or "\x0c" in text:
        return [_normalise_line(line) for line in raw]
    lines = list(map(str.strip, raw))
    if not text.isascii():
        # Without tabs, only a line with non-ASCII characters can hold odd spaces.
        for i in compress(count(), map(not_, map(str.isascii, raw))):
            lines[i] = _normalise_line(raw[i])
    if "  " in text:
        for i, line in enumerate(lines):
            if "  " in line:
                lines[i] = _MULTI_SPACE_RE.sub(" ", line)
    return lines


def _normalise_line(raw: str) -> str:
    if not raw.isascii():
        if _ODD_OR_ZERO_WIDTH_RE.search(raw):  # one search instead of two subs, mostly
            raw = _ZERO_WIDTH_RE.sub("", _ODD_SPACE_RE.sub(" ", raw))
    elif "\t" in raw or "\x0b" in raw or "\x0c" in raw:
        raw = _ODD_SPACE_RE.sub(" ", raw)
    line = raw.strip()
    if "  " in line:
        line = _MULTI_SPACE_RE.sub(" ", line)
    return line


class _Unit:
    """One non-blank, non-junk line, with what surrounded it and what it looks like.

    A plain class with slots, not a dataclass: the parser makes one per line and the
    scoring rules read its attributes many times, so everything they need about the line
    alone is worked out once, by :func:`_describe`, and stored here.
    """

    __slots__ = (
        "text",
        "line",
        "gap",
        "vote",
        "vote_gap",
        "broken",
        "group_first",
        "words",
        "sentences",
        "greeting",
        "greeting_only",
        "signoff",
        "signature",
        "bullet",
        "lower_start",
        "long",
        "ending",
        "never_starts",
        "leads_on",
        "headline_shaped",
        "name",
        "place",
        "rating",
        "block_line",
        "tokens",
    )

    def __init__(
        self, text: str, line: int, gap: int, vote: bool, vote_gap: int, broken: bool
    ) -> None:
        self.text = text
        self.line = line
        self.gap = gap  # blank lines between the previous unit and this one
        self.vote = vote  # a vote-widget line was dropped just before this unit
        self.vote_gap = vote_gap  # blank lines between the previous unit and that vote line
        self.broken = broken  # a noise line was dropped just before this unit
        # Starts a paragraph: blank lines or dropped junk separate it from the last unit.
        self.group_first = gap > 0 or vote or broken
        # (_scan makes units without this call; keep the two in step.)
        # The shape is filled in by _describe(), for the units of the answer region only.
        # Of the shape, the rest of the parser reads only these two on other units (the
        # last line of the question may end the file).
        self.signoff = False
        self.signature = False

    # Shape, set by _describe():
    words: int
    sentences: int  # up to 3 ("many"), see _describe
    greeting: bool
    greeting_only: bool  # a greeting and nothing else ("Hi Kelly,")
    bullet: bool
    lower_start: bool  # the first letter is lowercase
    long: bool
    ending: str  # see _ending()
    never_starts: bool  # see _never_starts(): the line itself rules a start out
    leads_on: bool  # the line after this one continues it (see _never_starts())
    headline_shaped: bool  # see _describe()
    # Doctor-block readings of the line, when it is short enough to be one.
    name: tuple[str, str, bool] | None
    place: tuple[str, str] | None
    rating: tuple[Decimal | None, int | None] | None
    block_line: bool  # any of the three readings
    tokens: list[str] | None  # text.split(), when _describe needed it


@dataclass(slots=True)
class _Start:
    """An answer (or, at index 0 without a count line, the question) begins at ``index``."""

    index: int
    headline: bool


class _ThreadParser:
    """Holds one file's units while the layers described in the module docstring run."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.warnings: list[str] = []
        self.title_is_question = False
        # Headline scores by unit index, with and without context (see _headline_score).
        self._scores: list[float | None | object] = []
        self._intrinsic_scores: list[float | None | object] = []
        self._vote_starts: set[int] = set()  # starts fixed by a vote widget
        self._stop_penalty = _SOFT_STOP_PENALTY
        # Set by parse() from the title, before any answer is looked for.
        self.title_stems: frozenset[str] | set[str] = frozenset()
        self.title_key = ""
        self._key_bytes = b""
        # The answer region and what is known of each of its units (see _set_region).
        self.units: list[_Unit] = []
        self._soft_candidates: list[tuple[float, int, bool]] | None = None
        self.blocks: list[tuple[int, int, DoctorBlock]] = []
        self.block_of: list[int | None] = []
        self.typical_gap = 0

    # -- framing -----------------------------------------------------------------------

    def parse(self) -> ParsedThread:
        units, trailing_vote = _scan(self.lines)
        if not units:
            raise ParseError("no title: the file holds only page-template lines", line=1)
        title_unit = units[0]
        title = title_unit.text
        if _COUNT_RE.match(title):
            raise ParseError("no title: the file starts with the answer count line", 1)
        units = units[1:]
        topic = _PHOTO_SUFFIX_RE.sub("", title) if "(" in title else title
        self.title_stems = _stems(topic)
        self.title_key = _alnum_key(topic)
        self._key_bytes = self.title_key.encode()

        units, disclaimer, disclaimer_cut = _split_disclaimer(units)
        if disclaimer_cut:
            self.warnings.append("the site disclaimer is cut short")

        count_at, declared = _find_count_line(units)
        if count_at is not None:
            question_units, region = units[:count_at], units[count_at + 1 :]
            details_unit = _take_details(question_units)
        else:
            # No count line: the question runs until the first answer start, found below.
            question_units, region = [], units
            details_unit = _take_details(region, limit=6)
            self.title_is_question = details_unit is not None

        self._set_region(region)
        self._find_blocks()
        starts = self._answer_starts(declared, question_mode=count_at is None)
        if count_at is None:
            if starts and starts[0].headline:
                question_units = []  # title and details line are the whole question
            else:
                question_end = starts[1].index if len(starts) > 1 else len(region)
                question_units, starts = region[:question_end], starts[1:]

        question = _join_units(question_units)
        if not question and details_unit is None:
            # A details line alone is enough: the title is then the whole question.
            line = title_unit.line if count_at is None else units[count_at].line
            raise ParseError("no question text after the title", line=line)

        age, sex, treatment = _parse_details(details_unit, self.warnings)
        drafts = self._build_answers(starts)
        last_unit = self.units[-1] if self.units else (question_units or [title_unit])[-1]
        complete = self._judge_completeness(drafts, disclaimer, trailing_vote, last_unit)
        return self._thread(
            drafts,
            title=title,
            question=question,
            age=age,
            sex=sex,
            treatment=treatment,
            declared=declared,
            disclaimer=disclaimer,
            complete=complete,
            details=details_unit.text if details_unit is not None else None,
        )

    def _set_region(self, region: list[_Unit]) -> None:
        """Describe the answer region's units and size the per-unit tables to it."""
        self.units = region
        for unit in region:
            _describe(unit)
        self._scores = [_UNSCORED] * len(region)
        self._intrinsic_scores = [_UNSCORED] * len(region)
        self.block_of = [None] * len(region)
        self.typical_gap = _typical_gap(region)

    def _thread(self, drafts, *, declared, **fields) -> ParsedThread:
        """The finished thread: numbered answers, and a warning when the count is off."""
        answers = tuple(
            ParsedAnswer(
                position=i,
                headline=d.headline,
                body=d.body,
                doctor=d.doctor,
                line=d.line,
                truncated=d.truncated,
            )
            for i, d in enumerate(drafts, start=1)
        )
        if not answers:
            self.warnings.append("no answers found")
        elif declared is not None and len(answers) != declared:
            self.warnings.append(f"declared {declared} answers, found {len(answers)}")

        return ParsedThread(
            declared_answer_count=declared,
            answers=answers,
            warnings=tuple(self.warnings),
            **fields,
        )

    # -- doctor blocks -----------------------------------------------------------------

    def _find_blocks(self) -> None:
        """Mark doctor blocks; a rating-less block right before another is a signature."""
        units = self.units
        i = 0
        while i < len(units):
            if not units[i].block_line:
                i += 1  # no block starts at a line that reads as no block line
                continue
            found = _match_block(units, i)
            if found is None:
                i += 1
                continue
            end, block = found
            if block.rating is None and end < len(units) and not _separated(units[end]):
                following = _match_block(units, end)
                if following is not None:
                    i = end  # the signature stays in the body; the real block follows
                    continue
            for k in range(i, end):
                self.block_of[k] = len(self.blocks)
            self.blocks.append((i, end, block))
            i = end

    # -- answer boundaries -------------------------------------------------------------

    def _answer_starts(self, declared: int | None, *, question_mode: bool) -> list[_Start]:
        """Where answers start in the region (index 0 is the question in question mode)."""
        units = self.units
        n = len(units)
        if n == 0:
            return [_Start(0, False)] if question_mode else []
        starts = self._hard_starts(question_mode)
        by_index = {s.index: s for s in starts}
        order = [s.index for s in starts]

        for s in starts:
            if not s.headline and s.index not in self._vote_starts:
                if question_mode and s.index == 0:
                    continue
                s.headline = self._first_line_is_headline(s.index, order)

        hard_answers = len(starts) - (1 if question_mode else 0)
        cap = None if declared is None else max(0, declared - hard_answers)
        votes = sum([u.vote for u in units])
        penalty = _VOTE_FILE_PENALTY if votes >= 2 else 0.0
        threshold = (_T_FREE if cap is None else _T_DECLARED) + penalty
        self._stop_penalty = self._soft_stop_penalty(by_index)
        added = self._soft_starts(by_index, order, threshold, cap)
        if penalty and self._voteless_answers(by_index, question_mode) >= 2:
            # Some pages print the vote widget under only some answers: once two answers
            # without one are certain (after a doctor block, or scoring high even with the
            # penalty), a missing widget says nothing and the penalty is lifted.
            more_cap = None if cap is None else cap - added
            added += self._soft_starts(by_index, order, threshold - penalty, more_cap)

        if not self.blocks and votes == 0 and not any(s.headline for s in by_index.values()):
            # No markers and no headlines: one answer per paragraph, capped by the count.
            if cap is not None:
                cap -= added
            self._paragraph_starts(by_index, order, cap, question_mode)

        if question_mode and not by_index[0].headline:
            self._keep_question_apart(by_index, order)
        return [by_index[i] for i in order]

    def _soft_stop_penalty(self, by_index: dict[int, _Start]) -> float:
        """How much a guessed headline loses for ending in a full stop (see the constants)."""
        for j, unit in enumerate(self.units):
            if self.block_of[j] is not None or unit.ending == "stop":
                continue
            start = by_index.get(j)
            if start is not None:
                if start.headline:
                    return _SOFT_STOP_PENALTY if self.blocks else 0.0
                continue
            score = self._headline_score(j)
            if score is not None and score >= _T_HEADLINE_EVIDENCE:
                return _SOFT_STOP_PENALTY if self.blocks else 0.0
        return _NO_HEADLINES_STOP_PENALTY

    def _voteless_answers(self, by_index: dict[int, _Start], question_mode: bool) -> int:
        """How many of the answers found so far have no vote widget."""
        return sum(
            1 for i in by_index if i not in self._vote_starts and not (question_mode and i == 0)
        )

    def _hard_starts(self, question_mode: bool) -> list[_Start]:
        """Certain starts: the region's start, after each doctor block, at each vote widget
        (or at the headline just before it)."""
        units = self.units
        starts = [_Start(0, False)]
        if units[0].vote:
            self._vote_starts.add(0)
        block_of = self.block_of
        for i in range(1, len(units)):
            if block_of[i] is not None:
                continue  # inside a block: neither after one nor a vote-widget start
            if block_of[i - 1] is not None and starts[-1].index != i:
                starts.append(_Start(i, False))  # after a block
            if not units[i].vote:
                continue
            last = starts[-1]
            head = i - 1
            if self._vote_headline(head, last, question_mode):
                if last.index == head:
                    last.headline = True
                else:
                    starts.append(_Start(head, True))
                self._vote_starts.add(head)
            else:
                if last.index != i:
                    starts.append(_Start(i, False))
                self._vote_starts.add(i)
        return starts

    def _vote_headline(self, head: int, last: _Start, question_mode: bool) -> bool:
        """Is the unit before a vote-widget line that answer's headline?"""
        if self.block_of[head] is not None:
            return False
        if question_mode and head == 0 and not self.title_is_question:
            return False  # the patient's question, unless a details line completed it
        if last.index != head:
            # The previous answer must keep a body line of its own.
            body_from = last.index + (1 if last.headline else 0)
            if head <= body_from:
                return False
        score = self._headline_score(head, context=False)
        if score is None:
            return False
        unit, vote_unit = self.units[head], self.units[head + 1]
        if unit.sentences > 2:
            return False
        if vote_unit.vote_gap > max(1, self.typical_gap):
            score += _W_GAP_BEFORE_VOTE
        return score >= _T_VOTE

    def _first_line_is_headline(self, index: int, order: list[int]) -> bool:
        body_end = self._body_end(index, order)
        if index + 1 >= body_end:
            return False
        score = self._headline_score(index)
        return score is not None and score >= _T_FIRST

    def _body_end(self, index: int, order: list[int]) -> int:
        """End (exclusive) of the body of the answer holding ``index``: next start or block."""
        k = bisect_left(order, index + 1)
        end = order[k] if k < len(order) else len(self.units)
        for j in range(index + 1, end):
            if self.block_of[j] is not None:
                return j
        return end

    def _soft_starts(
        self, by_index: dict[int, _Start], order: list[int], threshold: float, cap: int | None
    ) -> int:
        """Add the best-scoring guessed starts; returns how many were added."""
        candidates = self._soft_candidates
        if candidates is None:
            # The scores do not change between calls (only the threshold and cap do), so
            # the sorted candidates are kept for the second call; lines that became starts
            # meanwhile are skipped below.
            candidates = self._soft_candidates = self._score_soft_candidates(by_index)
        added = 0
        for neg_score, j, not_headline in candidates:
            if -neg_score < threshold or (cap is not None and added >= cap):
                break
            headline = not not_headline
            if j not in by_index and self._can_start(j, headline, by_index, order):
                by_index[j] = _Start(j, headline)
                insort(order, j)
                added += 1
        return added

    def _score_soft_candidates(self, by_index: dict[int, _Start]) -> list[tuple[float, int, bool]]:
        """Both readings of every line that may start an answer, best first, as
        ``(-score, index, not headline)``."""
        candidates: list[tuple[float, int, bool]] = []
        block_of = self.block_of
        stop_penalty = self._stop_penalty
        units = self.units
        scores = self._scores
        headline_score = self._headline_score
        for j in range(1, len(units)):
            if j in by_index or block_of[j] is not None:
                continue
            unit = units[j]
            # Both readings compete: a headline-like line with no body line after it (a
            # doctor block follows) cannot be a headline, but may still open an answer
            # that has none ("Results take 2 weeks." after a sign-off and extra blanks).
            headline = scores[j]
            if headline is _UNSCORED:
                headline = headline_score(j)
            if headline is not None:
                if unit.ending == "stop":
                    headline -= stop_penalty
                candidates.append((-headline, j, False))
            if unit.never_starts or units[j - 1].leads_on:
                continue  # as _plain_score, without the call
            plain = self._plain_score(j)
            if plain is not None:
                candidates.append((-plain, j, True))
        # At equal scores the headline reading comes first (False sorts before True).
        candidates.sort()
        return candidates

    def _can_start(
        self, j: int, headline: bool, by_index: dict[int, _Start], order: list[int]
    ) -> bool:
        """Would an answer starting at ``j`` leave every answer with a body line?"""
        k = bisect_left(order, j)
        previous = by_index[order[k - 1]]
        if j <= previous.index + (1 if previous.headline else 0):
            return False
        if not headline:
            return True
        return j + 1 < self._body_end(j, order)

    def _paragraph_starts(
        self,
        by_index: dict[int, _Start],
        order: list[int],
        cap: int | None,
        question_mode: bool,
    ) -> None:
        """Fallback for files of bare paragraphs: each paragraph may be an answer."""
        candidates: list[tuple[float, int]] = []
        for j in range(1, len(self.units)):
            if j in by_index:
                continue
            unit, prev = self.units[j], self.units[j - 1]
            if not unit.group_first or _never_starts(unit, prev):
                continue
            if question_mode and not unit.greeting and _pronoun_balance(unit.text) <= 0:
                continue  # reads like more of the patient's question
            score = _W_PARAGRAPH_BASE
            if unit.greeting:
                score += _W_GREETING
            if prev.signoff or prev.signature:
                score += _W_AFTER_SIGNOFF
            if unit.gap > self.typical_gap:
                score += _W_EXTRA_GAP
            candidates.append((score, j))
        candidates.sort(key=lambda c: (-c[0], c[1]))
        added = 0
        for _score, j in candidates:
            if cap is not None and added >= cap:
                break
            if self._can_start(j, False, by_index, order):
                by_index[j] = _Start(j, False)
                insort(order, j)
                added += 1

    def _keep_question_apart(self, by_index: dict[int, _Start], order: list[int]) -> None:
        """Without a count line, a doctor block inside the question means the first answer
        had neither headline nor vote widget: the question is then its first paragraph."""
        end = order[1] if len(order) > 1 else len(self.units)
        if not any(self.block_of[j] is not None for j in range(end)):
            return
        block_start = next(j for j in range(end) if self.block_of[j] is not None)
        split = next((j for j in range(1, block_start) if self.units[j].group_first), None)
        if split is None:
            split = 1 if block_start > 1 else block_start
        if split == 0 or split in by_index:
            return
        by_index[split] = _Start(split, False)
        insort(order, split)
        by_index[split].headline = self._first_line_is_headline(split, order)

    # -- scores ------------------------------------------------------------------------

    def _headline_score(self, j: int, *, context: bool = True) -> float | None:
        """How much the unit at ``j`` reads as an answer's headline; None when it cannot be.

        ``context`` adds what the neighbouring lines say (sign-off before, greeting after,
        extra blank lines); the vote-widget rule already knows the position, so it skips it.
        Scores are cached: several rules ask about the same line.
        """
        if not context:
            return self._intrinsic_score(j)
        score = self._scores[j]
        if score is _UNSCORED:
            intrinsic = self._intrinsic_scores[j]
            if intrinsic is _UNSCORED:
                intrinsic = self._intrinsic_score(j)
            score = None if intrinsic is None else intrinsic + self._context_score(j)
            self._scores[j] = score
        return score  # type: ignore[return-value]

    def _intrinsic_score(self, j: int) -> float | None:
        """``_headline_score(j, context=False)``, cached."""
        score = self._intrinsic_scores[j]
        if score is _UNSCORED:
            unit = self.units[j]
            score = self._intrinsic_headline_score(unit) if unit.headline_shaped else None
            self._intrinsic_scores[j] = score
        return score  # type: ignore[return-value]

    def _intrinsic_headline_score(self, unit: _Unit) -> float | None:
        """What the line itself says: length, ending, capitals, topic words, hashtags."""
        if not unit.headline_shaped:
            return None
        text = unit.text
        folded = text.casefold()
        words = _folded_words(folded)
        if unit.words <= 12:
            score = _W_WORDS_SHORT
        else:
            score = _W_WORDS_MEDIUM if unit.words <= 20 else _W_WORDS_LONG
        if len(text) > 120:
            score += _W_OVER_120_CHARS
        if unit.sentences == 2:
            score += _W_TWO_SENTENCES
        ending = unit.ending
        score += _ENDING_SCORES[ending]
        if ending == "stop" and not _FIRST_PERSON_OR_YOU.isdisjoint(words):
            score += _W_PERSONAL_STOP
        if unit.lower_start:
            score += _W_LOWER_START
        if _is_title_case(text, unit.tokens):
            score += _W_TITLE_CASE
        # Topic words shared with the title. Most lines share none, and that is found by
        # one set operation on all five-letter prefixes: shorter words' prefixes are too
        # short to be stems, and stopwords only matter when a prefix is shared.
        title_stems = self.title_stems
        if not title_stems.isdisjoint(map(_FIRST_FIVE, words)):
            overlap = len(_stems_from_words(words) & title_stems)
            score += _W_TOPIC_WORDS_2 if overlap >= 2 else _W_TOPIC_WORD_1 if overlap else 0.0
        if self._has_title_key(folded):
            score += _W_REPEATS_TITLE
        if "#" in text:
            score += _W_HASHTAG
        return score

    def _has_title_key(self, folded: str) -> bool:
        """``_alnum_key(text) == self.title_key`` for the case-folded ``text``."""
        key = self.title_key
        if len(folded) < len(key):
            return False  # the key only drops characters
        if key:
            # A line starting or ending with a letter or digit starts or ends its key so.
            first, last = folded[0], folded[-1]
            if (first in _ALNUM_CHARS and first != key[0]) or (
                last in _ALNUM_CHARS and last != key[-1]
            ):
                return False
        # The key keeps ASCII letters and digits only: drop the rest of ASCII and the
        # rest of Unicode, with byte operations (much faster than _NON_ALNUM_RE.sub).
        return folded.encode("ascii", "ignore").translate(None, _NON_ALNUM_BYTES) == self._key_bytes

    def _context_score(self, j: int) -> float:
        """What the neighbouring lines say about the line at ``j`` being a headline."""
        units, block_of, typical_gap = self.units, self.block_of, self.typical_gap
        unit = units[j]
        score = 0.0
        if not unit.group_first:
            score += _W_MID_PARAGRAPH
        if j > 0:
            prev = units[j - 1]
            if block_of[j - 1] is not None or prev.signoff or prev.signature:
                score += _W_AFTER_BLOCK
            elif prev.leads_on:
                score += _W_AFTER_LEAD_IN
        if unit.gap > typical_gap:
            score += _W_GAP_BEFORE
        if j + 1 < len(units) and block_of[j + 1] is None:
            nxt = units[j + 1]
            if nxt.greeting:
                score += _W_GREETING_NEXT
            elif nxt.signoff or nxt.signature:
                score += _W_SIGNOFF_NEXT
            elif nxt.long:
                score += _W_LONG_NEXT
            if nxt.gap > typical_gap:
                score += _W_GAP_AFTER
        return score

    def _plain_score(self, j: int) -> float | None:
        """How much the unit at ``j`` reads as the first line of an answer with no headline."""
        unit, prev = self.units[j], self.units[j - 1]
        if _never_starts(unit, prev):
            return None
        if self.block_of[j - 1] is None:
            prev_headline = self._headline_score(j - 1)
            if prev_headline is not None and prev_headline >= _T_FIRST:
                return None  # the answer would start at that headline instead
        score = _W_PLAIN_BASE
        if not unit.group_first:
            score += _W_MID_PARAGRAPH
        if unit.greeting:
            score += _W_GREETING
        if prev.signoff or prev.signature:
            score += _W_AFTER_SIGNOFF
        if unit.gap > self.typical_gap:
            score += _W_EXTRA_GAP
        return score

    # -- answers -----------------------------------------------------------------------

    def _build_answers(self, starts: list[_Start]) -> list[_Draft]:
        drafts: list[_Draft] = []
        n = len(self.units)
        for k, start in enumerate(starts):
            end = starts[k + 1].index if k + 1 < len(starts) else n
            draft = self._draft(start, end)
            if draft is not None:
                drafts.append(draft)
        return drafts

    def _draft(self, start: _Start, end: int) -> _Draft | None:
        units = self.units
        headline = units[start.index].text if start.headline else None
        body_from = start.index + (1 if start.headline else 0)
        doctor = None
        body_end = end
        for j in range(body_from, end):
            block_index = self.block_of[j]
            if block_index is not None:
                doctor = self.blocks[block_index][2]
                body_end = j
                break
        line = units[start.index].line
        if body_end == body_from:
            if headline is None:
                self.warnings.append(f"line {line}: doctor block without an answer, dropped")
                return None
            # A headline and a doctor block with nothing between: the line is the answer.
            headline, body_from = None, start.index
        body_units = units[body_from:body_end]
        return _Draft(headline, _join_units(body_units), doctor, line, start.index, body_units)

    def _judge_completeness(
        self, drafts: list[_Draft], disclaimer: str | None, trailing_vote: bool, last: _Unit
    ) -> bool:
        """Decide whether the scrape reached the end of the page; may drop a cut-off stub.

        The rule: a file that ends with the site disclaimer (even a cut-off copy of it) is
        complete, because every answer comes before it. Without the disclaimer the file is
        incomplete when it ends
        - with a vote widget, or
        - in the middle of a sentence: the last line is not part of a doctor block, not a
          signature or sign-off, and does not end in closing punctuation (. ! ? ... quotes,
          brackets).
        Fewer answers than declared is not enough on its own: pages hide answers behind a
        "more" button, and the count mismatch is reported as a warning either way.

        When the cut leaves a last "answer" that is a single line reading as a headline, or
        a scrap of a doctor block, it is dropped; otherwise the last answer is kept and
        marked truncated.
        """
        if disclaimer is not None:
            return True
        if not trailing_vote and (
            (self.units and self.block_of[-1] is not None)
            or last.signoff
            or last.signature
            or not _ends_mid_sentence(last.text)
        ):
            return True
        reason = "a vote widget" if trailing_vote else f"line {last.line}, mid-sentence"
        self.warnings.append(f"the file is cut off: it ends with {reason}")
        if not drafts or not self.units or drafts[-1].units[-1] is not self.units[-1]:
            return False  # the cut is in the question or in the framing
        stub = drafts[-1]
        if stub.headline is None and stub.doctor is None and len(stub.units) == 1:
            # A lone line after the last complete answer: a headline whose answer was never
            # scraped, or the first characters of a doctor block. Neither is an answer.
            index = stub.start
            after_block = index > 0 and self.block_of[index - 1] is not None
            score = self._headline_score(index, context=False)
            if (after_block and len(last.text) <= 60) or (score is not None and score >= _T_FIRST):
                drafts.pop()
                self.warnings.append(f"line {stub.line}: dropped the cut-off line {last.text!r}")
                return False
        stub.truncated = True
        return False


@dataclass(slots=True)
class _Draft:
    headline: str | None
    body: str
    doctor: DoctorBlock | None
    line: int
    start: int  # index of the answer's first unit in the region
    units: list[_Unit]  # the body's units
    truncated: bool = False


# --------------------------------------------------------------------------------------
# Scanning and framing helpers
# --------------------------------------------------------------------------------------


def _scan(lines: list[str]) -> tuple[list[_Unit], bool]:
    """Turn lines into units, dropping vote widgets, templates and noise lines.

    Returns the units and whether a vote widget came after the last unit.
    """
    units: list[_Unit] = []
    gap = vote_gap = 0
    vote = broken = False
    new_unit = object.__new__
    for index, line in enumerate(lines):
        if not line:
            gap += 1
            continue
        first = line[0]
        if first == "{" and line.startswith("{{"):
            if "votecount" in line.casefold() and not vote:
                vote, vote_gap = True, gap
            continue  # template junk
        if units:
            if first not in _NOT_BANNER_START and _BANNER_RE.match(line):
                line = _BANNER_FULL_RE.sub("", line)
                if not line:
                    broken = True
                    continue
            # A noise line ("You might also like...") is short.
            if len(line) <= 40 and line.casefold().rstrip(".\u2026!: ") in _NOISE_LINES:
                broken = True
                continue
        # _Unit(line, index + 1, gap, vote, vote_gap, broken), spelt out: this runs for
        # every line of every file, and skipping the __init__ call saves a third of it.
        unit = new_unit(_Unit)
        unit.text = line
        unit.line = index + 1
        unit.gap = gap
        unit.vote = vote
        unit.vote_gap = vote_gap
        unit.broken = broken
        unit.group_first = gap > 0 or vote or broken
        unit.signoff = unit.signature = False
        units.append(unit)
        gap = vote_gap = 0
        vote = broken = False
    return units, vote


def _find_count_line(units: list[_Unit]) -> tuple[int | None, int | None]:
    """Index of the ``Doctor Answers N`` line and the number N (None when not printed)."""
    for index, unit in enumerate(units):
        match = _COUNT_RE.match(unit.text)
        if match:
            number = match.group(1) or match.group(2)
            return index, int(number.replace(",", "")) if number else None
    return None, None


def _split_disclaimer(units: list[_Unit]) -> tuple[list[_Unit], str | None, bool]:
    """Take the site disclaimer off the end: (units before it, its text, whether it is cut)."""
    if not units:
        return units, None, False
    # Sometimes the disclaimer is glued to the last sentence of the last answer.
    last = units[-1]
    position = last.text.casefold().find(_SITE_DISCLAIMER_KEY[:42])
    if position > 0:
        units = units[:-1] + [
            _Unit(
                last.text[:position].rstrip(),
                last.line,
                last.gap,
                last.vote,
                last.vote_gap,
                last.broken,
            ),
            _Unit(last.text[position:], last.line, 0, False, 0, False),
        ]
    for k in range(max(1, len(units) - 3), len(units)):
        if _starts_disclaimer(units[k].text):
            text = _join_units(units[k:])
            key = _MULTI_SPACE_RE.sub(" ", text.replace("\n", " ")).casefold()
            cut = len(key) < len(_SITE_DISCLAIMER_KEY) and _SITE_DISCLAIMER_KEY.startswith(key)
            return units[:k], text, cut
    return units, None, False


def _starts_disclaimer(text: str) -> bool:
    key = text.casefold()
    if key.startswith("these answers are for educational purposes"):
        return True
    return len(key) >= _MIN_PARTIAL_DISCLAIMER and _SITE_DISCLAIMER_KEY.startswith(key)


def _take_details(units: list[_Unit], limit: int | None = None) -> _Unit | None:
    """Remove and return the details line (``age : 30 sex: female ...``), if any."""
    stop = len(units) if limit is None else min(limit, len(units))
    for i in range(stop):
        if units[i].vote:
            return None
        if _DETAILS_START_RE.match(units[i].text):
            return units.pop(i)
    return None


def _parse_details(unit: _Unit | None, warnings: list[str]) -> tuple[int | None, str, str]:
    if unit is None:
        return None, "", ""
    values: dict[str, str] = {}
    matches = list(_DETAILS_KEY_RE.finditer(unit.text))
    for k, match in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(unit.text)
        key = match.group(1).casefold()
        values["sex" if key == "gender" else key] = unit.text[match.end() : end].strip()
    age = None
    raw_age = values.get("age", "")
    if raw_age:
        found = _AGE_RE.match(raw_age)
        if found:
            age = int(found.group())
        else:
            warnings.append(f"line {unit.line}: age {raw_age!r} is not a number")
    return age, values.get("sex", ""), values.get("treatment", "")


def _join_units(units: Iterable[_Unit]) -> str:
    """Rejoin lines as written: a line break inside a paragraph, a blank line between."""
    parts: list[str] = []
    for unit in units:
        if parts:
            parts.append("\n\n" if unit.group_first else "\n")
        parts.append(unit.text)
    return "".join(parts)


def _typical_gap(units: list[_Unit]) -> int:
    """The usual number of blank lines between paragraphs; more than this is "extra"."""
    gaps = sorted([u.gap for u in units if u.gap > 0 and not u.vote and not u.broken])
    return gaps[len(gaps) // 2] if gaps else 1


def _separated(unit: _Unit) -> bool:
    """Junk lines between two blocks mean they belong to different answers."""
    return unit.vote or unit.broken


# --------------------------------------------------------------------------------------
# Line shapes
# --------------------------------------------------------------------------------------


def _describe(unit: _Unit) -> None:
    """Fill in the unit's shape. Long lines (most body text) only get the cheap features:
    they cannot be headlines, sign-offs, signatures or block lines anyway.

    This runs on every line of the answer region, so it is written for speed: plain local
    variables, no helper calls where a test is short, cheap tests before expensive ones.
    """
    text = unit.text
    size = len(text)
    first = text[0]
    # The first-character tests skip match calls that cannot succeed (see _cannot_start).
    greeting = first not in _NOT_GREETING_START and _GREETING_RE.match(text) is not None
    bullet = first not in _NOT_BULLET_START and _BULLET_RE.match(text) is not None
    lower_start = False
    if first.isalpha():
        lower_start = first.islower()
    else:
        for c in text:
            if c.isalpha():
                lower_start = c.islower()
                break
    unit.greeting = greeting
    unit.bullet = bullet
    unit.lower_start = lower_start
    last = text[-1]
    if last == "." and text[-2:-1] != ".":
        unit.ending = "stop"  # the usual case, as _ending(text) says
    else:
        unit.ending = _ending(text)
    unit.tokens = None
    if size > _MAX_HEADLINE_CHARS:
        _describe_long(unit, size, never_starts=bullet or lower_start, last=last)
        return
    words = text.count(" ") + 1
    # A sentence break is punctuation and a space; the punctuation (and closing quotes or
    # brackets) ending the line has no space after it, so most lines need no search.
    core = text.rstrip(_SENTENCE_TAIL)
    if "." in core or "?" in core or "!" in core or "\u2026" in core:
        sentences = 1 + len(_SENTENCE_BREAK_RE.findall(text))
    else:
        sentences = 1
    signoff = (
        size <= 80
        and not greeting
        and first not in _NOT_SIGNOFF_START
        and _SIGNOFF_RE.match(text) is not None
    )
    name, place, rating = _block_shapes(unit, text, size, first, last)
    signature = size <= 60 and (
        (first not in _NOT_SIGNATURE_START and _SIGNATURE_RE.match(text) is not None)
        or (name is not None and name[2])
    )
    greeting_only = greeting and sentences == 1 and words <= 12
    unit.words = words
    unit.sentences = sentences
    unit.signoff = signoff
    unit.signature = signature
    unit.long = size >= 80 or sentences >= 2
    unit.greeting_only = greeting_only
    unit.never_starts = bullet or signoff or signature or lower_start
    unit.leads_on = greeting_only or last == ":"
    unit.name = name
    unit.place = place
    unit.rating = rating
    unit.block_line = name is not None or place is not None or rating is not None
    # Could the line be a headline at all? Short (it is), at most two sentences, not a
    # greeting, sign-off, signature, bullet, block line or the answer count line, and not
    # ending like the first half of a sentence.
    unit.headline_shaped = (
        sentences <= 2
        and not (greeting or signoff or signature or bullet)
        and last not in ":,;"
        and rating is None
        and place is None
        and (first in _NOT_COUNT_START or _COUNT_RE.match(text) is None)
    )


def _describe_long(unit: _Unit, size: int, *, never_starts: bool, last: str) -> None:
    """:func:`_describe` for a line too long to be a headline or a block line."""
    unit.words = size // 5
    unit.sentences = 3  # "many": only short lines need the exact number
    unit.greeting_only = False
    unit.long = True
    unit.never_starts = never_starts
    unit.leads_on = last == ":"
    unit.headline_shaped = False
    unit.name = unit.place = unit.rating = None
    unit.block_line = False


def _block_shapes(unit: _Unit, text: str, size: int, first: str, last: str):
    """The line read as a doctor block's name, place or rating line: (name, place, rating),
    each None when it is not one."""
    name = place = rating = None
    if size <= 90:
        # A name or place line starts with a capital, a rating with a digit.
        if first.isupper():
            tokens = unit.tokens = text.split()  # kept for _is_title_case
            # The functions' own first tests, to save the calls on most lines.
            if size <= 80 and last not in "!?:;":
                name = _parse_name_line(text, require_credentials=False, words=tokens)
            if last not in ".!?:;,\"')":
                place = _parse_place_line(text, tokens)
        elif first.isdigit():
            rating = _parse_rating(text)
    return name, place, rating


def _pronoun_balance(text: str) -> int:
    """Words addressing the reader minus words about the writer: doctors say "you"."""
    words = _words(text)
    return sum(1 for w in words if w in _DOCTOR_WORDS) - sum(
        1 for w in words if w in _PATIENT_WORDS
    )


def _never_starts(unit: _Unit, prev: _Unit) -> bool:
    """Lines that cannot open an answer: they continue or close the one before.

    That is a bullet, sign-off, signature or lowercase start (``unit.never_starts``), or
    a line after a bare greeting or a colon (``prev.leads_on``).
    """
    return unit.never_starts or prev.leads_on


_FIRST_FIVE = itemgetter(slice(0, 5))
_UNSCORED = object()  # a headline score not yet worked out (None means "cannot be one")

_ENDING_SCORES = {"none": 2.0, "question": 1.5, "exclaim": 1.0, "ellipsis": 1.0, "stop": 0.0}


_ENDING_CLOSERS = "\"'\u201d\u2019)] "
_ENDING_MARKS = {"?": "question", "!": "exclaim", ".": "stop", "\u2026": "ellipsis"}


def _ending(text: str) -> str:
    last = text[-1:]
    if last not in _ENDING_CLOSERS:
        # Nothing to strip, the usual case. (A line ending in "..." also ends in ".".)
        if last == ".":
            return "ellipsis" if text.endswith("...") else "stop"
        return _ENDING_MARKS.get(last, "none")
    stripped = text.rstrip(_ENDING_CLOSERS)
    if not stripped:
        return "none"
    if stripped.endswith(("...", "\u2026")):
        return "ellipsis"
    return {"?": "question", "!": "exclaim", ".": "stop"}.get(stripped[-1], "none")


def _ends_mid_sentence(text: str) -> bool:
    last = text.rstrip()[-1]
    return last.isalnum() or last in ",;:-\u2013\u2014(/&+"


def _is_title_case(text: str, words: list[str] | None = None) -> bool:
    """At least two content words (not small words), all capitalised; not all capitals.

    ``words`` is ``text.split()`` when the caller has it already.
    """
    if words is None:
        first = text[0]
        # A lowercase first word rules the line out, unless it is a small word.
        if (
            first.isalpha()
            and not first.isupper()
            and text.split(None, 1)[0].casefold() not in _SMALL_WORDS
        ):
            return False
        words = text.split()
    content = 0
    for word in words:
        first = word[0]
        if first.isalpha() and word.casefold() not in _SMALL_WORDS:
            if not first.isupper():
                return False
            content += 1
    return content >= 2 and not text.isupper()


def _words(text: str) -> list[str]:
    """Lower-cased words, apostrophes kept ("can't", "you're")."""
    return _folded_words(text.casefold())


# ASCII characters other than word characters (\w and the apostrophe), each to a space.
_NON_WORD_BYTES = bytes(c for c in range(128) if not (chr(c).isalnum() or chr(c) in "_'"))
_NON_WORD_TO_SPACE = bytes.maketrans(_NON_WORD_BYTES, b" " * len(_NON_WORD_BYTES))
# ASCII characters that _alnum_key drops.
_ALNUM_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyz")
_NON_ALNUM_BYTES = bytes(c for c in range(128) if not (48 <= c <= 57 or 97 <= c <= 122))


def _folded_words(folded: str) -> list[str]:
    """:func:`_words` of text already case-folded."""
    folded = folded.replace("\u2019", "'")
    if folded.isascii():
        # What _WORD_RE finds, several times faster: bytes.translate turns every character
        # that cannot be part of a word into a space.
        return folded.encode().translate(_NON_WORD_TO_SPACE).decode().split()
    return _WORD_RE.findall(folded)


def _stems(text: str) -> set[str]:
    return _stems_from_words(_words(text))


def _stems_from_words(words: list[str]) -> set[str]:
    # Five-letter prefixes are a cheap stemmer: "asymmetry"/"asymmetric", "smile"/"smiles".
    return {w[:5] for w in words if len(w) >= 4 and w not in _STOPWORDS}


def _alnum_key(text: str) -> str:
    return _NON_ALNUM_RE.sub("", text.casefold())


# --------------------------------------------------------------------------------------
# Doctor block lines
# --------------------------------------------------------------------------------------


def _specialty_key(word: str) -> str:
    word = word.casefold().strip(",")
    return "and" if word == "&" else word


_SPECIALTY_KEYS = frozenset(tuple(_specialty_key(w) for w in s.split()) for s in SPECIALTIES)
_MAX_SPECIALTY_WORDS = max(len(k) for k in _SPECIALTY_KEYS)
_SPECIALTY_LAST_WORDS = frozenset(k[-1] for k in _SPECIALTY_KEYS)
_LONGEST_SPECIALTY_ENDING = {
    last: max(len(k) for k in _SPECIALTY_KEYS if k[-1] == last) for last in _SPECIALTY_LAST_WORDS
}


def _match_block(units: list[_Unit], i: int) -> tuple[int, DoctorBlock] | None:
    """Match a doctor block starting at unit ``i``: (end index, block), or None."""
    n = len(units)
    j = i
    name = credentials = None
    parsed = units[j].name
    if parsed is not None:
        name, credentials, has_credentials = parsed
        nxt = units[j + 1] if j + 1 < n else None
        follows = nxt is not None and _block_line_follows(nxt)
        if not has_credentials and (
            units[j].place is not None or _SIGNATURE_RE.match(units[j].text)
        ):
            # A bare name that also reads as something else is that other thing: a place
            # line ("Beverly Hills Dentist" above a rating) or a body signature ("Dr Taylor",
            # "-David Gilpin" above the real place line). The site prints block names
            # without "Dr." or dashes.
            name = credentials = None
        elif has_credentials or (follows and (nxt.place is not None or nxt.rating is not None)):
            j += 1
        else:
            name = credentials = None
    place = specialty = ""
    if j < n and (j == i or _block_line_follows(units[j])):
        split = units[j].place
        if split is not None and (split[0] or name is not None or _rating_follows(units, j)):
            place, specialty = split
            j += 1
    rating = reviews = None
    if j < n and (j == i or _block_line_follows(units[j])) and units[j].rating is not None:
        rating, reviews = units[j].rating
        j += 1
    if j == i:
        return None
    return j, DoctorBlock(name, credentials or "", place, specialty, rating, reviews)


def _block_line_follows(unit: _Unit) -> bool:
    # Lines of one block may be parted by a blank line or two, never by junk lines.
    return not unit.vote and not unit.broken and unit.gap <= 2


def _rating_follows(units: list[_Unit], j: int) -> bool:
    return (
        j + 1 < len(units) and _block_line_follows(units[j + 1]) and units[j + 1].rating is not None
    )


def _parse_rating(text: str) -> tuple[Decimal | None, int | None] | None:
    if not text[0].isdigit():
        return None
    match = _RATING_RE.match(text)
    if match:
        reviews = match.group(2)
        return Decimal(match.group(1).replace(",", ".")), _int(reviews) if reviews else None
    match = _REVIEWS_ONLY_RE.match(text)
    if match:
        return None, _int(match.group(1))
    return None


def _int(digits: str) -> int:
    return int(digits.replace(",", "").replace(".", ""))


def _parse_place_line(text: str, words: list[str] | None = None) -> tuple[str, str] | None:
    """``(place, specialty)`` when the line reads as a block's place line, else None.

    ``words`` is ``text.split()`` when the caller has it already.
    """
    if len(text) > 90 or text[-1] in ".!?:;,\"')" or not text[0].isupper():
        return None
    if text[text.rfind(" ") + 1 :].casefold() not in _SPECIALTY_LAST_WORDS:
        return None  # cheap test first: most lines end in no specialty word
    # Unit text is normalised already (split_place_specialty would normalise it again),
    # and splitting on whitespace ignores the rest.
    place, specialty = _split_specialty(text.split() if words is None else words)
    if not specialty:
        return None
    words = place.split()
    if len(words) > 6:
        return None
    for word in words:
        key = word.casefold().strip(",()")
        if key in _NOT_PLACE_WORDS:
            return None
        if key in _PLACE_CONNECTORS or key[:2] in ("d'", "l'") or word[0].isdigit():
            continue
        if not word[0].isupper():
            return None
        if not word.isalpha() and not all(c.isalpha() or c in ".-'\u2019,()" for c in word):
            return None
    return place, specialty


def _is_credential(token: str) -> bool:
    # The set lookup first: it rules out most tokens, and both tests are pure. A token
    # that is all capitals ("MD") has a capital without looking at each character.
    key = token.upper() if token.isalpha() else _credential_key(token)
    return key in _CREDENTIALS and (token.isupper() or any(c.isupper() for c in token))


def _credential_key(token: str) -> str:
    if token.isalpha():
        return token.upper()  # nothing to remove, the usual case
    return token.replace(".", "").replace("-", "").replace("(", "").replace(")", "").upper()


def _parse_name_line(
    text: str, *, require_credentials: bool = False, words: list[str] | None = None
) -> tuple[str, str, bool] | None:
    """``(name, credentials, has_credentials)`` for a doctor's name line, else None.

    ``Steven F. Weiner, MD`` -> ("Steven F. Weiner", "MD"); ``Stephen Weber MD, FACS`` ->
    ("Stephen Weber", "MD, FACS"); a bare ``Keith Denkler`` -> ("Keith Denkler", "").
    ``words`` is ``text.split()`` when the caller has it already.
    """
    if len(text) > 80 or not text[0].isupper() or text[-1] in "!?:;":
        return None
    # Quick rejection of ordinary sentences: a name has no lowercase words but particles.
    if words is None:
        words = text.split()
    for word in words:
        if word[0].islower() and word.casefold() not in _NAME_PARTICLES:
            return None
    if "(" in text or "[" in text or '"' in text or "\u201c" in text:
        return _parse_name_tokens(text, require_credentials)  # may hold a nickname
    # Without nicknames the name's tokens are the first tokens of the line, so the line
    # is judged on its tokens alone and only a real name is cut up with _TOKEN_RE. The
    # rules are those of _parse_name_tokens.
    tokens = text.replace(",", " ").split() if "," in text else words  # as _TOKEN_RE
    count = k = len(tokens)
    while k > 2 and _is_credential(tokens[k - 1]):
        k -= 1
    has_credentials = k < count
    if (require_credentials and not has_credentials) or not 2 <= k <= 6:
        return None
    # Backwards: a headline or place line usually ends in a word no name has ("Surgeon").
    for i in range(k - 1, -1, -1):
        if not _is_name_token(tokens[i]):
            return None
    if not has_credentials:
        if text[-1] == ".":
            return None  # "Good Luck." is a sign-off, a bare name has no full stop
        if text[-1] != ",":
            return text, "", False  # the last token ends the (stripped) line: all name
    # Cut the text where the tokens are. Between two tokens there are only spaces and
    # commas, which no token holds, so searching backwards from the next token finds each
    # token where it stands.
    end = len(text)
    for i in range(count - 1, k - 1, -1):
        end = text.rfind(tokens[i], 0, end)
    credentials = text[end:] if has_credentials else ""
    name_end = text.rfind(tokens[k - 1], 0, end) + len(tokens[k - 1])
    return text[:name_end].rstrip(" ,"), credentials, has_credentials


def _parse_name_tokens(text: str, require_credentials: bool) -> tuple[str, str, bool] | None:
    """The general case of :func:`_parse_name_line`, after its quick rejections."""
    spans = list(_TOKEN_RE.finditer(text))
    k = len(spans)
    # Credentials trail the name; keep two name tokens ("Anh Do, MD" is Dr. Do).
    while k > 2 and _is_credential(spans[k - 1].group()):
        k -= 1
    has_credentials = k < len(spans)
    if require_credentials and not has_credentials:
        return None
    name = text[: spans[k - 1].end()].rstrip(" ,")
    credentials = text[spans[k].start() :] if has_credentials else ""
    tokens = _NICKNAME_RE.sub(" ", name).replace(",", " ").split()
    if not 2 <= len(tokens) <= 6 or not all(_is_name_token(t) for t in tokens):
        return None
    if not has_credentials and text[-1] == ".":
        return None  # "Good Luck." is a sign-off, a bare name has no full stop
    return name, credentials, has_credentials


def _is_name_token(token: str) -> bool:
    key = token.casefold()
    if key in _NAME_PARTICLES:
        return True
    if not token[0].isupper():
        return False
    if token.endswith("."):
        return len(token) <= 4  # initials and "Dr.", "St.", "Jr."
    if key in _NOT_NAME_WORDS:
        return False
    return token.isalpha() or all(c.isalpha() or c in "'\u2019-" for c in token)
