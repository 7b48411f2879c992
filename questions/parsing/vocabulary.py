"""The parser's vocabulary: specialties, word lists, fixed page texts and regular expressions.

Everything here is data, built once at import time. The bulk importer parses thousands of
files a second, so every regular expression is compiled here once, and none of them can
backtrack badly (no nested quantifiers over the same characters). The page texts and
shapes they stand for are those of ``docs/FORMAT.md`` ("The parts, top to bottom").
"""

from __future__ import annotations

import re

# --------------------------------------------------------------------------------------
# Words and fixed page texts
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

# Words of headlines and body lines that happen to end in a specialty ("See A Board
# Certified Dermatologist", "Ask Your Plastic Surgeon"). They never veto a place line that
# its block confirms (a name just above, a rating just below): real places begin with
# ordinary words too ("Great Falls", "Long Beach"). They only tell a line standing alone,
# which could as well be the next answer's headline, which of the two it is.
_HEADLINE_WORDS = _word_set(
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
_SENTENCE_TAIL = ".!?\u2026\"'\u201d\u2019)]"  # what may end a sentence, see lines._describe
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
_NOT_BANNER_START = _cannot_start("g", re.IGNORECASE)

# The pattern methods called on every line, bound once. CPython 3.11 compiles a method call
# on a name imported with "from ... import" (``_GREETING_RE.match(text)`` in another
# module) to an attribute load that builds a new bound method on each call; calling one
# of these is a plain function call, as fast as the method call was in a single module.
_match_greeting = _GREETING_RE.match
_match_bullet = _BULLET_RE.match
_match_signoff = _SIGNOFF_RE.match
_match_signature = _SIGNATURE_RE.match
_match_count = _COUNT_RE.match
_match_banner = _BANNER_RE.match
_match_rating = _RATING_RE.match
_match_reviews_only = _REVIEWS_ONLY_RE.match
_findall_sentence_breaks = _SENTENCE_BREAK_RE.findall
_findall_words = _WORD_RE.findall
_search_odd_or_zero_width = _ODD_OR_ZERO_WIDTH_RE.search
_sub_odd_spaces = _ODD_SPACE_RE.sub
_sub_zero_width = _ZERO_WIDTH_RE.sub
_sub_multi_spaces = _MULTI_SPACE_RE.sub
