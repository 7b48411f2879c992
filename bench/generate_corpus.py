"""Deterministic generator of realistic scraped thread files (stdlib only).

Produces files shaped like the scraper's output described in
``docs/FORMAT.md`` (one patient question page of a cosmetic-medicine
Q&A site per file), with all the documented variations in realistic
proportions, for benchmarks and large-scale import tests.

Usage (command line)::

    python bench/generate_corpus.py OUT_DIR --count N [--seed 1] [--start 0]
        [--rescrape-share 0.0] [--jobs J]

    # e.g. 100,000 files (about 320 MB) into /tmp/corpus: about 18 s on 2
    # cores (some 170 us of CPU per file, plus the file system's own cost):
    python bench/generate_corpus.py /tmp/corpus --count 100000

It prints ``wrote N files, B bytes (M MB) to OUT_DIR in S s``.  ``--jobs``
defaults to the number of CPUs (at most 8).

Files are named like the scraper's, ``NNNNNN_<16 hex>.txt`` (running index,
then a stable page id derived from seed + index), and spread over
subdirectories of at most 1,000 files each: index ``i`` goes to
``OUT_DIR/{i // 1000:03d}/``.  Re-running with the same arguments rewrites
byte-identical files; ``--start`` lets several runs extend one corpus
(``--start 100000 --count 50000`` continues where a 100,000-file run
stopped).  ``--jobs`` only changes the speed, never the output.

``--rescrape-share P`` makes a share P of the files (never index 0)
"rescrapes": the same page as an earlier index (any index below it, possibly
before ``--start``), with the same hex id, the same question and first
answers, one or more extra answers appended (more the later the rescrape),
a declared count grown to match, never cut off, and the doctors' review
counts of the later scrape day.  Files that are not rescrapes are identical
to those of a run without the flag.  The default 0 gives unique pages only.

Usage (Python)::

    from bench.generate_corpus import generate_thread, thread_info, write_corpus

    text = generate_thread(42)            # str, the content of file 42 (seed 1)
    info = thread_info(42)                # what the file holds: counts, flags...
    files, nbytes = write_corpus("/tmp/c", 1000, seed=1, start=0)
    # also: rescrape_share=0.0, jobs=1 (worker processes; output unchanged)

All three take ``rescrape_share`` too.  ``thread_info`` returns the ground
truth of a file so tests can compare an import against it: ``kind``
("thread" or "not_thread"), ``file_name``, ``hex``, ``rescrape_of`` (index
or None), ``title`` (as in the file), ``treatment``, ``areas``, ``style``,
``count_line`` ("plain", "paren", "bare", "missing"), ``declared`` (None
when the file shows no number), ``answers`` (present, counting a cut-off
one), ``answers_complete``, ``truncated``, ``disclaimer`` (the site's, at
the end), ``has_details``, ``noise_lines``, ``doctors`` (the name line per
answer, None when its block has no name), ``scrape_day``.

What the files contain (shares are per file unless said otherwise):

* 0.5 % are not thread pages: the site banner (glued to the next sentence in
  half of them) followed by loose answers one per line.
* Thread pages: a title (22 % end with "(photo)", "(Photos)" and the like,
  20 % in Title Case, 1 % preceded by blank lines), 1-3 question paragraphs
  (12 % with an ``age : 30 sex: female treatment : ...`` details line).
* Answer count line: ``Doctor Answers N`` 75 %, ``Doctor Answers (N)`` 8 %,
  no number 4 %, missing 13 % (40 % in "bare" files).  1-20 answers shown (mean about 6); 20 % of
  the pages declare more answers than they show.
* File styles: 85 % standard (headlines and doctor blocks), 10 % "bare"
  (headlines, no doctor blocks, more signatures), 5 % "headless" (answers
  separated only by blank lines, no headline, no block, no vote line).
* Per answer in standard files: headline 85 % (a few end with "?", "." or
  "...", repeat the title or carry hashtags); the vote-widget template line
  in 55 % of the files (followed by a blank line or not); body of 1-5
  paragraphs, separated by single line breaks in 8 % of the files;
  greetings 12 %, sign-offs 35 %, signatures 8 % (13 % in "bare" files;
  some repeat the name just before the block), bullet lists 6 %, a
  doctor's own quoted disclaimer 4 %, non-breaking spaces in 35 % of the
  answers of 60 % of the files, curly quotes/dashes 12 %, glued sentences
  5 %, trailing spaces; an empty line where a headline is missing (70 %).
* Doctor block per answer: name + place + rating 62 %, name + place 12 %,
  place + rating 5 %, place only 4 %, name only 3 %, name + rating 1 %,
  none 13 %; a blank line between name and place 3 %.  Doctors come from a
  fixed pool of 3,080 (skewed popularity, so they recur across files); the
  review count grows with the scrape day (index // 1000), so the larger
  count is always the newer one, and the rating moves by 0.1 now and then;
  3 % of the doctors have no reviews (no rating line).
* ``You might also like...`` between two answers in 12 % of the files.
* Site disclaimer at the end of 82 % of the complete files.
* 3 % of the thread files are cut off in the middle of an answer (and have
  no disclaimer).
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import math
import os
import random
import sys
import time
import zlib

__all__ = [
    "generate_thread",
    "thread_info",
    "thread_hex",
    "file_name",
    "write_corpus",
    "SITE_DISCLAIMER",
    "BANNER",
]

FILES_PER_DIR = 1000
FILES_PER_DAY = 1000  # scrape "day" of a file: index // FILES_PER_DAY

SITE_DISCLAIMER = (
    "These answers are for educational purposes and should not be relied upon "
    "as a substitute for medical advice you may receive from your physician. "
    "If you have a medical emergency, please call 911. These answers do not "
    "constitute or initiate a patient/doctor relationship."
)
BANNER = (
    "Get the real deal on beauty treatments\u2014real doctors, real reviews, "
    "and real photos with real results."
)
VOTE_LINE = "{{ voteCount >= 0 ? '+' + (voteCount + 1) : (voteCount + 1) }}"
NOISE_LINE = "You might also like..."
NBSP = "\u00a0"

# ---------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------

AREAS = {
    "forehead": ["forehead", "forehead lines", "brows"],
    "frown lines": ["frown lines", "11 lines", "glabella"],
    "crow's feet": ["crow's feet", "crows feet", "laugh lines around my eyes"],
    "eyelids": ["eyelids", "upper eyelids", "lower lids", "eyelid"],
    "under-eye": ["under-eye area", "under eyes", "tear troughs", "under eye bags"],
    "cheeks": ["cheeks", "cheekbones", "cheek"],
    "nose": ["nose", "nasal tip", "nose bridge", "nostrils"],
    "lips": ["lips", "upper lip", "lip"],
    "smile": ["smile", "smile lines", "nasolabial folds", "gummy smile"],
    "chin": ["chin", "double chin"],
    "jaw": ["jaw", "masseter", "jawline", "jowls", "masseter muscles"],
    "neck": ["neck", "neck bands", "neck lines"],
    "ears": ["ears", "ear"],
    "skin": ["skin", "pores", "acne scars", "face", "skin texture"],
    "breasts": ["breasts", "breast", "chest"],
    "abdomen": ["abdomen", "stomach", "belly button", "tummy", "lower abdomen"],
    "buttocks": ["buttocks", "butt", "glutes"],
    "arms": ["arms", "upper arms"],
    "thighs": ["thighs", "inner thighs", "outer thighs"],
    "scalp": ["scalp", "hairline", "crown"],
    "teeth": ["teeth", "front teeth", "gums"],
}

TOX = ["forehead", "frown lines", "crow's feet", "jaw", "smile", "lips", "neck", "chin"]
# (name, group, treatment areas, weight)
TREATMENTS = [
    ("Botox", "toxin", TOX + ["cheeks", "eyelids"], 30),
    ("Mesobotox", "toxin", ["cheeks", "skin", "forehead", "neck"], 3),
    ("Dysport", "toxin", TOX, 6),
    ("Xeomin", "toxin", TOX, 3),
    ("Jeuveau", "toxin", ["forehead", "frown lines", "crow's feet"], 1),
    ("dermal filler", "filler", ["lips", "under-eye", "cheeks", "chin", "smile"], 9),
    ("Juvederm", "filler", ["lips", "cheeks", "smile", "chin"], 5),
    ("Restylane", "filler", ["lips", "under-eye", "smile", "nose"], 4),
    ("Voluma", "filler", ["cheeks", "chin", "jaw"], 2),
    ("Sculptra", "filler", ["cheeks", "buttocks", "skin"], 2),
    ("Radiesse", "filler", ["cheeks", "jaw", "chin"], 2),
    ("Kybella", "energy", ["chin", "neck", "jaw"], 2),
    ("laser resurfacing", "energy", ["skin", "under-eye", "cheeks"], 3),
    ("CO2 laser", "energy", ["skin", "eyelids", "cheeks"], 2),
    ("Fraxel", "energy", ["skin", "cheeks"], 2),
    ("Ultherapy", "energy", ["neck", "jaw", "forehead", "skin"], 2),
    ("microneedling", "energy", ["skin", "scalp"], 2),
    ("chemical peel", "energy", ["skin"], 1),
    ("CoolSculpting", "energy", ["abdomen", "thighs", "chin", "arms"], 2),
    ("tummy tuck", "body", ["abdomen"], 5),
    ("liposuction", "body", ["abdomen", "thighs", "arms", "chin", "neck"], 5),
    ("fat transfer", "body", ["buttocks", "breasts", "cheeks", "under-eye"], 2),
    ("Brazilian butt lift", "body", ["buttocks"], 3),
    ("arm lift", "body", ["arms"], 1),
    ("thigh lift", "body", ["thighs"], 1),
    ("breast augmentation", "breast", ["breasts"], 8),
    ("breast lift", "breast", ["breasts"], 3),
    ("breast reduction", "breast", ["breasts"], 2),
    ("rhinoplasty", "face", ["nose"], 8),
    ("blepharoplasty", "face", ["eyelids", "under-eye"], 4),
    ("facelift", "face", ["neck", "jaw", "cheeks"], 3),
    ("brow lift", "face", ["forehead"], 1),
    ("otoplasty", "face", ["ears"], 1),
    ("chin implant", "face", ["chin"], 1),
    ("thread lift", "face", ["cheeks", "jaw", "neck"], 1),
    ("hair transplant", "hair", ["scalp"], 2),
    ("PRP", "hair", ["scalp", "under-eye"], 1),
    ("veneers", "dental", ["teeth", "smile"], 2),
    ("gum contouring", "dental", ["teeth", "smile"], 1),
]
# Treatments that take an article in running text ("I had a tummy tuck").
_ARTICLE = {
    "tummy tuck": "a",
    "breast lift": "a",
    "breast reduction": "a",
    "facelift": "a",
    "brow lift": "a",
    "chin implant": "a",
    "thread lift": "a",
    "hair transplant": "a",
    "chemical peel": "a",
    "Brazilian butt lift": "a",
    "arm lift": "an",
    "thigh lift": "a",
    "breast augmentation": "a",
}
_TREAT_CUM = []
_acc = 0
for _t in TREATMENTS:
    _acc += _t[3]
    _TREAT_CUM.append(_acc)
_TREAT_BY_GROUP: dict[str, list[str]] = {}
for _t in TREATMENTS:
    _TREAT_BY_GROUP.setdefault(_t[1], []).append(_t[0])

SYMPTOMS = {
    "toxin": [
        "droopy eyelid",
        "droopy eyebrow",
        "asymmetrical smile",
        "heavy forehead",
        "Spock brow",
        "crooked smile",
        "cheek droop",
        "no results",
        "headaches",
        "bruising",
        "a lopsided smile",
        "lip weakness",
    ],
    "filler": [
        "lumps",
        "swelling",
        "bruising",
        "a bluish tint",
        "asymmetry",
        "migration",
        "an overfilled look",
        "hard bumps",
        "puffiness",
        "a duck lip",
    ],
    "energy": [
        "redness",
        "hyperpigmentation",
        "no visible results",
        "burn marks",
        "swelling",
        "fat loss",
        "peeling",
        "uneven texture",
        "numbness",
    ],
    "face": [
        "swelling",
        "asymmetry",
        "a bump",
        "scarring",
        "numbness",
        "a hollow look",
        "tightness",
        "a pinched tip",
        "a droopy lid",
        "uneven results",
    ],
    "body": [
        "swelling",
        "a seroma",
        "lumpiness",
        "dog ears",
        "a wide scar",
        "uneven results",
        "loose skin",
        "hard areas",
        "numbness",
    ],
    "breast": [
        "bottoming out",
        "capsular contracture",
        "asymmetry",
        "a double bubble",
        "rippling",
        "a high-riding implant",
        "swelling",
        "nipple numbness",
    ],
    "hair": [
        "shock loss",
        "low density",
        "scabbing",
        "an unnatural hairline",
        "slow growth",
        "redness",
    ],
    "dental": [
        "sensitivity",
        "a bulky look",
        "color mismatch",
        "gum recession",
        "a lisp",
        "uneven gums",
    ],
}

REASONS = {
    "toxin": [
        "open pores",
        "fine lines",
        "wrinkles",
        "jaw slimming",
        "TMJ",
        "a gummy smile",
        "oily skin",
        "a lip flip",
        "a brow lift",
        "teeth grinding",
    ],
    "filler": [
        "volume loss",
        "dark circles",
        "more volume",
        "more definition",
        "hollows",
        "deep folds",
    ],
    "energy": [
        "acne scars",
        "sun damage",
        "loose skin",
        "fine lines",
        "stubborn fat",
        "large pores",
    ],
    "face": [
        "a bump",
        "hooded eyes",
        "sagging",
        "a drooping tip",
        "prominent ears",
        "a weak profile",
    ],
    "body": ["loose skin", "stubborn fat", "diastasis", "more projection", "contour"],
    "breast": ["more volume", "sagging", "asymmetry", "back pain"],
    "hair": ["thinning", "a receding hairline", "a bald spot"],
    "dental": ["chipped teeth", "gaps", "a gummy smile", "discoloration"],
}

SPECIALTY_WEIGHTS = {
    "toxin": [
        ("Plastic Surgeon", 24),
        ("Facial Plastic Surgeon", 20),
        ("Dermatologist", 24),
        ("Dermatologic Surgeon", 6),
        ("Oculoplastic Surgeon", 6),
        ("Physician", 8),
        ("Cosmetic Surgeon", 4),
        ("Ophthalmologist", 2),
        ("Family Physician", 2),
        ("Emergency Medicine Physician", 1),
        ("Vascular Surgeon", 1),
    ],
    "filler": [
        ("Plastic Surgeon", 25),
        ("Facial Plastic Surgeon", 22),
        ("Dermatologist", 22),
        ("Dermatologic Surgeon", 6),
        ("Oculoplastic Surgeon", 6),
        ("Physician", 9),
        ("Cosmetic Surgeon", 6),
        ("Family Physician", 2),
        ("Otolaryngologist", 2),
    ],
    "energy": [
        ("Dermatologist", 35),
        ("Dermatologic Surgeon", 10),
        ("Plastic Surgeon", 20),
        ("Facial Plastic Surgeon", 14),
        ("Physician", 10),
        ("Cosmetic Surgeon", 6),
        ("Family Physician", 3),
        ("Vascular Surgeon", 2),
    ],
    "face": [
        ("Facial Plastic Surgeon", 45),
        ("Plastic Surgeon", 37),
        ("Otolaryngologist", 6),
        ("Oculoplastic Surgeon", 6),
        ("Cosmetic Surgeon", 4),
        ("Ophthalmologist", 2),
    ],
    "body": [
        ("Plastic Surgeon", 78),
        ("Cosmetic Surgeon", 12),
        ("General Surgeon", 5),
        ("Physician", 3),
        ("Vascular Surgeon", 2),
    ],
    "breast": [("Plastic Surgeon", 88), ("Cosmetic Surgeon", 9), ("General Surgeon", 3)],
    "hair": [
        ("Hair Restoration Surgeon", 45),
        ("Dermatologist", 25),
        ("Plastic Surgeon", 15),
        ("Physician", 10),
        ("Facial Plastic Surgeon", 5),
    ],
    "dental": [("Dentist", 80), ("Oral Surgeon", 10), ("Prosthodontist", 10)],
}
POOL_SIZES = {
    "Plastic Surgeon": 1000,
    "Facial Plastic Surgeon": 500,
    "Dermatologist": 500,
    "Dermatologic Surgeon": 120,
    "Oculoplastic Surgeon": 150,
    "Ophthalmologist": 50,
    "Physician": 200,
    "Cosmetic Surgeon": 150,
    "Hair Restoration Surgeon": 60,
    "Dentist": 150,
    "Oral Surgeon": 30,
    "Prosthodontist": 15,
    "Vascular Surgeon": 20,
    "General Surgeon": 40,
    "Emergency Medicine Physician": 15,
    "Otolaryngologist": 40,
    "Family Physician": 40,
}  # 3,080 doctors


def _words(text: str, sep: str | None = None) -> list[str]:
    return text.split(sep)


FIRST = _words(
    "Steven Michael Donald Edwin Deborah David Keith Shaun Joshua Martin Brian "
    "Thomas Jason Howard Kaleroy Stephen Otto Dan Robert Sarah Jennifer Anil "
    "Priya Carlos Maria Ramtin Guy Elizabeth Karen Andrew Paul Richard Lisa Amir "
    "Nina Olivier Kristin Raj Mehdi William Jessica Christopher Daniel Laura "
    "Jose Ahmed Yael Rachel Frank Emily Peter Samuel Sheila Victor Kevin Grace "
    "Hassan Anthony Julia Mark Benjamin Lee Oscar Sachin Tania Matthew Ana Jon "
    "Babak Min-Jun Zo\u00eb Ren\u00e9e Jos\u00e9"
)
LAST = _words(
    "Weiner Echavez Yoo Ishoo DiStefano Gilpin Denkler Patel Halpern Jugenburg "
    "Biesman Lamperti Emer Stupak Steinsapir Karamanoukian Weber Mulholland "
    "Weiglein Haas Papantoniou Smith Johnson Nguyen Kim Chen Garcia Rodriguez "
    "Shah Kapoor Cohen Levine Rosenberg Miller Davis Wilson Anderson Taylor "
    "Thomas Moore Jackson Martin Lee Thompson White Harris Clark Lewis Robinson "
    "Walker Young Allen King Wright Scott Hill Green Adams Baker Nelson Carter "
    "Mitchell Roberts Turner Phillips Campbell Parker Evans Edwards Collins "
    "Stewart Morris Rogers Reed Cook Morgan Bell Murphy Bailey Rivera Cooper "
    "Richardson Cox Howard Ward Torres Peterson Gray Ramirez Watson Brooks "
    "Kelly Sanders Price Bennett Wood Barnes Ross Henderson Coleman Jenkins "
    "Perry Powell Long Patterson Hughes Flores Washington Butler Simmons Foster "
    "Gonzales Bryant Alexander Russell Griffin Hayes Myers Ford Hamilton Graham "
    "Sullivan Wallace Woods Cole West Jordan Owens Reynolds Fisher Ellis Harrison "
    "Gibson McDonald Marshall Aziz Farhadi Tehrani Novak Kowalski Rossi Bianchi "
    "M\u00fcller Pe\u00f1a Ib\u00e1\u00f1ez O'Brien O'Connor Smith-Jones Ben-Ari "
    "Al-Hassan"
) + ["De La Cruz", "Van der Berg", "St. John"]
NICKS = {
    "Robert": "Bob",
    "William": "Bill",
    "Richard": "Rick",
    "Michael": "Mike",
    "Christopher": "Chris",
    "Daniel": "Danny",
    "Elizabeth": "Liz",
    "Benjamin": "Ben",
    "Samuel": "Sam",
    "Anthony": "Tony",
    "Matthew": "Matt",
    "Kaleroy": "Dr. K",
}

US_PLACES = _words(
    "Panama City|San Francisco|Beverly Hills|Los Angeles|Cambridge|Nashville|"
    "Chattanooga|Marin|Miami|Tampa|Seattle|Westport|New York|Manhattan|"
    "Chicago|Houston|Dallas|Austin|San Antonio|San Diego|Newport Beach|"
    "Orange County|Phoenix|Scottsdale|Denver|Boulder|Salt Lake City|Las Vegas|"
    "Portland|Sacramento|San Jose|Palo Alto|Boston|Philadelphia|Pittsburgh|"
    "Baltimore|Washington DC|Northern Virginia|McLean|Atlanta|Charlotte|"
    "Raleigh|Orlando|Fort Lauderdale|West Palm Beach|Boca Raton|Naples|"
    "Jacksonville|New Orleans|St. Louis|Kansas City|Minneapolis|Detroit|"
    "Cleveland|Columbus|Cincinnati|Indianapolis|Milwaukee|Omaha|Oklahoma City|"
    "Albuquerque|Tucson|Honolulu|Anchorage|Long Island|Westchester|"
    "New Jersey|Hackensack|Stamford|Providence|Buffalo|Rochester|Richmond|"
    "Louisville|Memphis|Birmingham|Charleston|Savannah|Bay Area|Walnut Creek|"
    "La Jolla|Santa Barbara|Pasadena|Encino|Fort Worth|Plano|The Woodlands|"
    "New Hampshire|Long Beach|Greenwich|Chevy Chase",
    "|",
)
CA_PLACES = ["Toronto", "Vancouver", "Montreal", "Calgary", "Ottawa", "Oakville"]
WORLD_PLACES = [
    "India",
    "London",
    "United Kingdom",
    "Sydney",
    "Melbourne",
    "Dubai",
    "Mexico",
    "Tijuana",
    "Singapore",
    "Turkey",
    "Istanbul",
    "Seoul",
    "Bangkok",
    "Dublin",
    "Sao Paulo",
    "South Africa",
    "New Zealand",
]

# Sentence pools ({t}, {T}, {a}, {sym}, {Sym}, {t2}, {w}, {n}, {s} are filled in).
EXPLAIN = {
    "toxin": [
        "{T} is a neurotoxin designed to weaken or relax the targeted muscle.",
        "The effects of {t} - both positive or negative - will resolve with time, about {w}.",
        "If the product diffuses into nearby muscles, it can affect your smile.",
        "When this type of injection is done too deeply, it can affect the muscles "
        "next to the {a}.",
        "None of the side effects of {t} is permanent.",
        "This effect should not be permanent but could take a few months to resolve completely.",
        "Injecting in the wrong plane, or in excessively high doses, can lead to "
        "unintended muscles being affected.",
        "The change in muscle activity is not permanent, and may last up to {w}.",
        "It is likely caused by a slight migration of the product or by technique "
        "at the time of the injection.",
        "{T} to the lower crow's feet can weaken the support of the cheek.",
        "Dosing for the {a} varies a lot, and starting low is usually wise.",
        "Apraclonidine eye drops can help a droopy lid while you wait.",
        "A small touch-up of {n} units can sometimes balance the result.",
        "Everyone's face is asymmetrical to begin with, and {t} can make it more noticeable.",
    ],
    "filler": [
        "Hyaluronic acid fillers can be dissolved with hyaluronidase if needed.",
        "Swelling after filler in the {a} can last up to two weeks.",
        "Small lumps in the first weeks are common and often settle with gentle massage.",
        "A bluish tint under thin skin is called the Tyndall effect.",
        "{T} results in the {a} usually last {w}.",
        "Overfilling the {a} is a common cause of an unnatural look.",
        "It is best to wait at least two weeks before judging the final result.",
        "A firm lump that does not improve should be examined in person.",
        "Vascular occlusion is rare but needs immediate treatment.",
        "Cannula technique can reduce bruising in the {a}.",
    ],
    "energy": [
        "Redness after {at} is expected and usually fades over a few weeks.",
        "Most patients need {n} treatments to see a meaningful change.",
        "Results from {t} build gradually over {w}.",
        "Strict sun protection is important while the skin heals.",
        "Post-inflammatory hyperpigmentation can be treated with topical lightening agents.",
        "Energy settings need to be adjusted to your skin type.",
        "Collagen remodeling continues for several months after the treatment.",
        "Some people simply respond less to {t} than others.",
    ],
    "face": [
        "Swelling after {at} can take several months to fully resolve.",
        "The final result of {at} is usually seen at 12 months, sometimes later.",
        "It is too early to judge the result at this stage.",
        "Asymmetry in the first weeks is common because the two sides swell differently.",
        "A revision should not be considered before a full year.",
        "Numbness usually improves as the small nerves recover.",
        "Taping and steroid injections can help with persistent swelling in selected cases.",
        "Scars continue to mature and fade for up to a year.",
    ],
    "body": [
        "Swelling after {at} can last {w}, and firmness is common in the first weeks.",
        "Compression garments and lymphatic massage help with swelling.",
        "A seroma is a collection of fluid that may need to be drained.",
        "Dog ears at the end of the incision can be revised under local anesthesia.",
        "Your final result after {at} will be seen at six to twelve months.",
        "Weight stability before surgery makes the results more predictable.",
        "Irregularities after liposuction often improve as the swelling resolves.",
        "Fat survival after transfer is variable, and some of it is reabsorbed.",
    ],
    "breast": [
        "Implants take {w} to drop and fluff into their final position.",
        "Capsular contracture is graded by how firm and distorted the breast feels.",
        "Some asymmetry is normal, since most women's breasts are not identical.",
        "A revision may include capsulectomy and placing a new implant.",
        "Implant size should be chosen based on your chest measurements.",
        "Wearing a supportive bra helps during the early recovery.",
        "Rippling is more common with saline implants and thin tissue coverage.",
    ],
    "hair": [
        "Shock loss after {at} is common and usually temporary.",
        "Transplanted hair typically starts growing at three to four months.",
        "The final result of {at} is seen at 12 to 18 months.",
        "Medical therapy helps preserve the native hair.",
        "Density depends on your donor area and the number of grafts.",
    ],
    "dental": [
        "Sensitivity after {at} usually settles within a few weeks.",
        "The shade of the {t} should be matched to your other teeth.",
        "A bulky look is often a matter of preparation and contour.",
        "Your dentist can adjust the shape of the {t} in most cases.",
        "A mock-up before treatment helps you preview the result.",
    ],
}
ADVICE = [
    "I would discuss your concerns with your {who} and have a follow up visit.",
    "I would return to your treating doctor for an examination.",
    "To be sure, see two or more board certified and experienced {s}s in your area "
    "for a full and complete evaluation.",
    "Have patience and go to a different doctor in the future if you are not satisfied.",
    "Without photos and knowledge of the treatment it is difficult to comment.",
    "It is impossible to say without an in-person examination.",
    "Please keep in close contact with your {who} during the recovery.",
    "Photos would help us give you a more accurate answer.",
    "Be patient and give it time.",
    "If things do not improve in {w}, a second opinion is reasonable.",
    "Make sure your doctor is aware of {sym} so that it can be documented.",
    "I would avoid having this done again until everything has settled.",
    "Ask to see before and after photos of patients similar to you.",
    "A {s} with experience in {t} is the right person to evaluate this.",
]
REASSURE = [
    "The good news is that this is temporary.",
    "Don't worry, this is common and it will improve.",
    "I'm sorry it happened, but it will get better.",
    "Most patients are happy with the outcome once everything has settled.",
    "In experienced hands, this is rare.",
    "The body needs time to heal.",
    "You still have a beautiful result overall.",
    "It should go back to normal.",
]
OPENERS = [
    "Thank you for your question.",
    "Thank you for the question.",
    "Thanks for your question.",
    "Sorry to hear about your experience.",
    "I am sorry that you are having these difficulties after your {t}.",
    "I read your question, and review.",
    "Great question.",
    "Thank you for sharing your photos.",
    "I understand your concern.",
    "I'm sorry you had dissatisfaction with your last {t} treatment.",
]
SIGNOFFS = [
    "Good luck.",
    "Good Luck.",
    "All the best.",
    "Take care,",
    "Best regards.",
    "I hope this helps!",
    "I hope this helps.",
    "Best wishes.",
    "Kind regards,",
    "Hope this helps.",
]
QUOTED_DISCLAIMERS = [
    '"This answer has been solicited without seeing this patient and cannot be held as '
    "true medical advice, but only opinion. Seek in-person treatment with a trained "
    'medical professional for appropriate care."',
    "This answer is for educational purposes only and does not constitute medical "
    "advice. Please consult a board certified physician in person.",
    "Disclaimer: This information is for educational purposes only and should not be "
    "relied upon as a substitute for an in-person consultation.",
    "The above is not medical advice; an in-person examination is required for a proper diagnosis.",
]
GREET_NAMES = [
    "ABCox",
    "Jasmine",
    "Kelly",
    "MiamiMom",
    "smileyG",
    "Sarah",
    "anon",
    "Nicole",
    "JJ",
    "Maria",
    "T.",
    "lisa1985",
    "Patient",
    "Ashley",
    "Mark",
]

TITLE_TEMPLATES = [
    "{Sym} after {at} on my {a}. Is this permanent?",
    "{Sym} {n} weeks after {at}. Is this normal?",
    "How long will {sym} last after {at}?",
    "Is there anything I can do to correct {sym} after {at}?",
    "{T} {sym}. Is it permanent?",
    "Am I a good candidate for {at}?",
    "Would {at} help my {a}?",
    "{T} or {t2} for my {a}?",
    "What can I do about my {a}?",
    "When can I exercise after {at}?",
    "Should I be worried about {sym} after {at}?",
    "Am I too old for {at} at {age}?",
    "Can {at} fix my {a}?",
    "Why do I still have {sym} {n} months after {at}?",
    "{T} for {reason} - what should I expect?",
    "How much does {at} cost?",
    "Is {sym} normal {n} days after {at}",
    "Facial asymmetry and {sym} after {at}",
    "Is it worth getting {at} at {age}?",
    "What are the risks of {at}?",
]
TITLE_NONSURG = [
    "Awful {sym} following {t} in {a}. How long will this last & are results permanent?",
    "Took {t} on {a} for {reason}. After {n} weeks I notice {sym}. Is this permanent?",
    "Is it safe to have {t} and {t2} at the same time?",
    "How much {t} do I need for my {a}?",
    "{T} in my {a} wore off after {n} weeks. Is that normal?",
    "Can {t} be dissolved or reversed?",
]
TITLE_SURG = [
    "Revision {t} for {sym}?",
    "{n} weeks post op {t} and I have {sym}. Help!",
    "Is my {t} result final at {n} months?",
    "Do I need a revision after {at}?",
]
CONTEXT = [
    "I had {at} {on} my {a} {n} weeks ago.",
    "{n} weeks ago I had {at} {on} my {a}.",
    "I am {age} years old and have been thinking about {at} for a while.",
    "I'm a {age} year old {sex} and I had {at} done on my {a} about {n} months ago.",
    "I had {at} for {reason} and was happy at first.",
    "My doctor did {at} on my {a} last month.",
    "This was my {nth} time having {at}.",
    "I have always been self-conscious about my {a}.",
    "I got {at} {n} days ago.",
    "Two different doctors gave me different advice about {at}.",
]
CONCERN = [
    "Since then I have noticed {sym}.",
    "Now I have {sym} and it's really upsetting.",
    "My {a} looks uneven and I'm worried.",
    "I expected to see some improvement by now.",
    "My doctor says it's normal but I'm not sure.",
    "Very depressed over this but need to know exactly what I am dealing with.",
    "One side looks different from the other.",
    "It feels heavy and tight.",
    "I can't stop looking at it in the mirror.",
    "I have attached some photos.",
]
QUESTIONS = [
    "Is this permanent?",
    "How long will this last?",
    "Will it go back to normal?",
    "What are my options?",
    "Is there anything I can do to speed up the recovery?",
    "Should I see another doctor?",
    "Is this normal?",
    "Would a revision help?",
    "Could this have a permanent impact?",
    "Will my {a} ever look symmetrical again?",
    "What would you recommend?",
]
HEADLINES = [
    "{T} and {sym}",
    "{Sym} after {t}",
    "{T} effects are temporary",
    "{T} wears off",
    "{Sym} should resolve",
    "Be patient",
    "Needs a check",
    "See your doctor",
    "{T} for the {a}",
    "Is {t} permanent?",
    "{T} results - give it time...",
    "{Sym}? Likely temporary.",
    "A revision may help",
    "{T}: what to expect",
    "Asymmetry after {t}",
    "It will resolve in {w}",
    "{T} in the {a}",
    "{Sym} after {t} is usually temporary.",
    "Wait before judging the result",
    "{T} and {a} concerns",
    "Give it time",
    "Good question!",
    "{T} side effects",
    "Treatment of {sym}",
    "An exam is needed",
    "You Weren't Symmetrical To Begin With",
    "I can't see what you see!",
    "Should improve with time...",
]
SEX = ["female", "female", "female", "female", "male"]
NTH = ["first", "second", "third", "fourth"]

# Shown-answer count weights (1..20).
_K_CUM = []
_acc = 0.0
for _w in [6, 10, 13, 13, 12, 10, 8, 7, 5, 4, 3, 2.5, 2, 1.5, 1.2, 1, 0.8, 0.6, 0.5, 0.5]:
    _acc += _w
    _K_CUM.append(_acc)
_K_VALUES = list(range(1, 21))


def _ch(r: random.Random, seq):
    """Uniform pick (much cheaper than Random.choice)."""
    return seq[int(r.random() * len(seq))]


def _ri(r: random.Random, a: int, b: int) -> int:
    return a + int(r.random() * (b - a + 1))


def _rr(r: random.Random, n: int) -> int:
    return int(r.random() * n)


def _wc(r: random.Random, pop, cum):
    """Weighted pick with cumulative weights."""
    return pop[bisect.bisect_right(cum, r.random() * cum[-1])]


# ---------------------------------------------------------------------------
# Hashing / identities
# ---------------------------------------------------------------------------


def _h(seed: int, index: int, salt: int) -> int:
    d = hashlib.blake2b(b"kbsite-corpus:%d:%d:%d" % (seed, index, salt), digest_size=8)
    return int.from_bytes(d.digest(), "big")


def _unit(seed: int, index: int, salt: int) -> float:
    return _h(seed, index, salt) / 2.0**64


def thread_hex(index: int, seed: int = 1) -> str:
    """Stable 16-hex page id of the page first generated at ``index``."""
    return hashlib.blake2b(b"kbsite-page:%d:%d" % (seed, index), digest_size=8).hexdigest()


def _is_junk(index: int, seed: int) -> bool:
    return _unit(seed, index, 3) < 0.005


def _rescrape_draw(index: int, seed: int, share: float) -> bool:
    return share > 0 and index > 0 and _unit(seed, index, 7) < share


def _rescrape_base(index: int, seed: int, share: float) -> int | None:
    """Earlier index whose page ``index`` re-scrapes, or None."""
    if not _rescrape_draw(index, seed, share):
        return None
    for attempt in range(6):
        j = _h(seed, index, 100 + attempt) % index
        if not _is_junk(j, seed) and not _rescrape_draw(j, seed, share):
            return j
    return None


def file_name(index: int, seed: int = 1, rescrape_share: float = 0.0) -> str:
    """File name of ``index`` (``NNNNNN_<hex>.txt``)."""
    base = _rescrape_base(index, seed, rescrape_share)
    return _name(index, thread_hex(index if base is None else base, seed))


def _name(index: int, hex_id: str) -> str:
    return f"{index:06d}_{hex_id}.txt"


# ---------------------------------------------------------------------------
# Doctor pool (fixed: independent of --seed, so doctors recur across corpora)
# ---------------------------------------------------------------------------

_POOL: dict[str, list[tuple]] | None = None


def _build_pool() -> dict[str, list[tuple]]:
    r = random.Random(20240917)
    pool: dict[str, list[tuple]] = {}
    seen = set()
    for spec, size in POOL_SIZES.items():
        docs = []
        while len(docs) < size:
            first, last = _ch(r, FIRST), _ch(r, LAST)
            x = r.random()
            if x < 0.30:
                given = f"{first} {chr(65 + _rr(r, 26))}."
            elif x < 0.33:
                given = f"{chr(65 + _rr(r, 26))}. {first}"
            elif x < 0.35 and first in NICKS:
                given = f"{first} ({NICKS[first]})"
            else:
                given = first
            full = f"{given} {last}"
            if full in seen:
                continue
            seen.add(full)
            y = r.random()
            if y < 0.80:
                place = _ch(r, US_PLACES)
            elif y < 0.90:
                place = _ch(r, CA_PLACES)
            else:
                place = _ch(r, WORLD_PLACES)
            c = r.random()
            if spec in ("Dentist", "Oral Surgeon", "Prosthodontist"):
                cred = ", DDS" if c < 0.6 else ", DMD" if c < 0.9 else ", DDS, MS"
            elif place in CA_PLACES and c < 0.5:
                cred = ", FRCSC" if c < 0.2 else ", MD, FRCSC"
            elif place in WORLD_PLACES and c < 0.4:
                cred = ", MBBS" if c < 0.25 else ", MD"
            elif spec.startswith("Dermatolog") and c < 0.3:
                cred = ", MD, FAAD"
            elif c < 0.55:
                cred = ", MD"
            elif c < 0.63:
                cred = ", M.D."
            elif c < 0.77:
                cred = ", MD, FACS"
            elif c < 0.80:
                cred = " MD, FACS"
            elif c < 0.85:
                cred = ", DO"
            elif c < 0.88:
                cred = ", MD, PA"
            elif c < 0.91:
                cred = ", MD, PhD"
            elif c < 0.94:
                cred = ""
            else:
                cred = ", MD"
            if r.random() < 0.03:
                base, every = 0, 0  # no reviews (ever): no rating line
            else:
                base = min(4000, max(1, int(math.exp(r.gauss(3.2, 1.3)))))
                every = _ch(r, [1, 2, 3, 5, 8, 13, 30])
            rating = min(5.0, max(3.0, round(5.0 - abs(r.gauss(0, 0.3)), 1)))
            docs.append(
                (
                    full + cred,  # 0 name line
                    place + " " + spec,  # 1 place + specialty line
                    first,  # 2
                    last,  # 3
                    base,  # 4 reviews at day 0
                    every,  # 5 one more review every N days
                    rating,  # 6
                    _rr(r, 97),  # 7 phase for rating drift
                    spec,  # 8
                )
            )
        # Busy doctors (low indices, picked most often) tend to have more reviews.
        docs.sort(key=lambda d: -d[4] * math.exp(r.gauss(0, 1.0)))
        pool[spec] = docs
    return pool


def _pool() -> dict[str, list[tuple]]:
    global _POOL
    if _POOL is None:
        _POOL = _build_pool()
    return _POOL


def _reviews(doc: tuple, day: int) -> int:
    base, every = doc[4], doc[5]
    if every == 0:
        return 0
    return base + (base * day) // 150 + day // every


def _rating_line(doc: tuple, day: int) -> str | None:
    n = _reviews(doc, day)
    if n == 0:
        return None
    rating = doc[6]
    if rating < 5.0 and ((day + doc[7]) // 40) % 3 == 1:
        rating = round(rating + 0.1, 1)
    tail = "1 review" if n == 1 else f"{n:,} reviews"
    return f"{rating:.1f} out of 5 stars {tail}"


# ---------------------------------------------------------------------------
# Rendering helpers
# ---------------------------------------------------------------------------


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _title_case(s: str) -> str:
    small = {"a", "an", "the", "of", "in", "on", "for", "to", "and", "or", "at", "my"}
    words = s.split(" ")
    out = []
    for i, w in enumerate(words):
        if i and w.lower() in small:
            out.append(w)
        else:
            out.append(w[:1].upper() + w[1:])
    return " ".join(out)


def _curly(s: str) -> str:
    s = s.replace("'", "\u2019").replace(" - ", " \u2013 ")
    if '"' in s:
        parts = s.split('"')
        s = parts[0]
        for i, p in enumerate(parts[1:]):
            s += ("\u201c" if i % 2 == 0 else "\u201d") + p
    return s


# Durations as written in answers, replicated to their relative frequency.
_DURATIONS = (
    [f"{a}-{a + d} months" for a in (2, 3, 4) for d in (1, 2)] * 10
    + [f"{w} weeks" for w in (2, 3, 4, 6, 8, 12)] * 4
    + ["3 to 6 months", "6 to 12 months", "3 to 4 months", "4 to 6 months"] * 4
    + ["a few months", "several weeks", "about a year", "3 months"] * 4
)


def _duration(r: random.Random) -> str:
    return _DURATIONS[int(r.random() * len(_DURATIONS))]


class _Ctx:
    """Per-thread facts shared by the question and the answers."""

    __slots__ = ("slots", "group", "title", "spec_cum", "specs")


def _pick_doctor(r: random.Random, ctx: _Ctx, used: set) -> tuple:
    pool = _pool()
    for _ in range(8):
        spec = _wc(r, ctx.specs, ctx.spec_cum)
        docs = pool[spec]
        # Skewed popularity: low indices answer far more often.
        d = docs[int(len(docs) * r.random() ** 1.8)]
        if d[0] not in used:
            used.add(d[0])
            return d
    d = pool["Plastic Surgeon"][_rr(r, 1000)]
    used.add(d[0])
    return d


def _mix_pool(group: str) -> tuple:
    """(explanations, advice, reassurance) as (template, has placeholders) lists."""
    return tuple([(t, "{" in t) for t in pool] for pool in (EXPLAIN[group], ADVICE, REASSURE))


_MIX = {group: _mix_pool(group) for group in EXPLAIN}
_NPAR = [1] * 40 + [2] * 32 + [3] * 16 + [4] * 8 + [5] * 4
_NB_SEPS = (" \u00a0 ", " \u00a0 ", " \u00a0 ", "\u00a0 ")
_NB_TAILS = (" \u00a0 ", "\u00a0 ", "\u00a0", " \u00a0")
_HELLOS = ("Hello,", "Hello.", "Dear Patient,", "Hi there,")
_TAGS = ("plasticsurgery", "beauty", "antiaging", "cosmetic")


def _templates(rnd, pools: tuple, n: int, seen: set) -> list[tuple[str, bool]]:
    """n sentence template(s), none repeating one in ``seen``: about 55 %
    explanations for the treatment group, 27 % advice, 18 % reassurance."""
    expl, advice, calm = pools
    out = []
    for _ in range(n):
        for _try in range(4):
            x = rnd()
            if x < 0.55:
                item = expl[min(int(x / 0.55 * len(expl)), len(expl) - 1)]
            elif x < 0.82:
                item = advice[min(int((x - 0.55) / 0.27 * len(advice)), len(advice) - 1)]
            else:
                item = calm[min(int((x - 0.82) / 0.18 * len(calm)), len(calm) - 1)]
            if item[0] not in seen:
                seen.add(item[0])
                out.append(item)
                break
    return out


def _sentences(rnd, pools: tuple, slots: dict, n: int, seen: set) -> list[str]:
    """n formatted sentence(s), none repeating one in ``seen``."""
    return [t.format_map(slots) if f else t for t, f in _templates(rnd, pools, n, seen)]


# Paragraph bank: per treatment group, a fixed set of paragraph templates of
# 1-4 sentences (joined by "\0", where the sentence separator goes), each
# with a bit mask of its sentences so an answer never repeats a sentence.
# Formatting a ready paragraph is much cheaper than assembling it per answer.
_BANK_SIZE = 8192
_BANKS: dict[str, list[tuple[str, int, bool]]] = {}


def _bank(group: str) -> list[tuple[str, int, bool]]:
    bank = _BANKS.get(group)
    if bank is None:
        r = random.Random("kbsite-bank:" + group)
        pools = _MIX[group]
        bit = {t: 1 << i for i, (t, _) in enumerate(pools[0] + pools[1] + pools[2])}
        bank = []
        for _ in range(_BANK_SIZE):
            items = _templates(r.random, pools, 1 + int(r.random() * 4), set())
            text = "\0".join(t for t, _ in items)
            mask = 0
            for t, _ in items:
                mask |= bit[t]
            bank.append((text, mask, "{" in text))
        _BANKS[group] = bank
    return bank


def _join(rnd, text: str, nb: bool, sloppy: bool) -> str:
    """Put the sentence separators in a "\0"-joined paragraph."""
    sep = _NB_SEPS[int(rnd() * 4)] if nb else " "
    if sloppy and "\0" in text:
        text = text.replace("\0", "", 1)  # sentences glued without a space
    text = text.replace("\0", sep)
    if nb:
        if rnd() < 0.15:
            i = text.find(" ", int(rnd() * len(text)))
            if i > 0:
                text = text[:i] + NBSP + text[i + 1 :]
        if rnd() < 0.45:
            text += _NB_TAILS[int(rnd() * 4)]
    return text


_RATINGS: dict = {}
_RATINGS_DAY = [-1]


def _rating_cached(doc: tuple, day: int) -> str | None:
    if _RATINGS_DAY[0] != day:
        _RATINGS.clear()
        _RATINGS_DAY[0] = day
    key = doc[0]
    try:
        return _RATINGS[key]
    except KeyError:
        line = _RATINGS[key] = _rating_line(doc, day)
        return line


def _answer(r: random.Random, ctx: _Ctx, fs: dict, day: int, used: set, info: list | None) -> str:
    """One answer: headline, vote line, body and doctor block (as text)."""
    rnd = r.random
    style = fs["style"]
    standard = style == "standard"
    headless = style == "headless"
    doc = _pick_doctor(r, ctx, used)
    slots = ctx.slots
    pool = _MIX[ctx.group]
    bank = _bank(ctx.group)
    nbank = len(bank)
    used_mask = 0
    nb = rnd() < fs["nbsp"]
    sloppy = rnd() < 0.05
    slots["w"] = _duration(r)
    slots["n"] = 2 + int(rnd() * 5)

    # Headline
    head = None
    if not headless and rnd() < (0.85 if standard else 0.80):
        x = rnd()
        if x < 0.05:
            head = ctx.title
        else:
            head = HEADLINES[int(rnd() * len(HEADLINES))].format_map(slots)
            if x < 0.08:
                tag = _TAGS[int(rnd() * 4)]
                head += f" #{slots['t'].replace(' ', '').lower()} #{tag}"
            elif x < 0.12 and head[-1] not in ".?!":
                head += (".", "...", "?")[int(rnd() * 3)]
            elif x < 0.13:
                i = 1 + int(rnd() * (len(head) - 2))
                head = head[:i] + head[i + 1] + head[i] + head[i + 2 :]
    # Vote line
    vote = fs["vote"]
    blank_after = False
    if vote and (vote != "mixed" or rnd() < 0.5) and rnd() < 0.97:
        blank_after = vote == "blank" or (vote == "mixed" and rnd() < 0.5)
    else:
        vote = None
    # Body
    paras: list[str] = []
    seen: set = set()
    g = rnd()
    if g < 0.12:
        if g < 0.06:
            paras.append("Dear " + GREET_NAMES[int(rnd() * len(GREET_NAMES))])
        elif g < 0.10:
            paras.append(f"Hi {GREET_NAMES[int(rnd() * len(GREET_NAMES))]},")
        else:
            paras.append(_HELLOS[int(rnd() * 4)])
    npar = (1 if rnd() < 0.8 else 2) if headless else _NPAR[int(rnd() * 100)]
    opener = rnd()
    bullets_at = int(rnd() * npar) if (not headless and rnd() < 0.06) else -1
    for p in range(npar):
        if p == bullets_at:
            mark = rnd()
            items = _sentences(rnd, pool, slots, 2 + int(rnd() * 4), seen)
            if mark < 0.5:
                lines = ["  \u2022 " + s for s in items]
            elif mark < 0.75:
                lines = [f"{i + 1}) {s}" for i, s in enumerate(items)]
            else:
                lines = [f"{i + 1}. {s}" for i, s in enumerate(items)]
            paras.append("\n".join(lines))
            continue
        for _try in range(4):
            text, mask, fmt = bank[int(rnd() * nbank)]
            if not mask & used_mask:
                break
        used_mask |= mask
        if fmt:
            text = text.format_map(slots)
        if p == 0 and opener < 0.40:
            o = OPENERS[int(rnd() * len(OPENERS))].format_map(slots)
            if opener < 0.08:
                paras.append(o)
            else:
                text = o + "\0" + text
        if nb or sloppy:
            paras.append(_join(rnd, text, nb, sloppy))
        else:
            paras.append(text.replace("\0", " "))
    if rnd() < 0.04:
        paras.append(QUOTED_DISCLAIMERS[int(rnd() * len(QUOTED_DISCLAIMERS))])
    s = rnd()
    if s < 0.05 and paras:
        paras[-1] += f" Best, Dr. {doc[3]}."
    elif s < 0.35:
        signoff = SIGNOFFS[int(rnd() * len(SIGNOFFS))]
        paras.append(signoff + NBSP if nb and rnd() < 0.5 else signoff)
    if not headless:
        sig = rnd() * (1.0 if standard else 0.5)
        if sig < 0.08:
            if sig < 0.035:
                paras.append(("Dr. ", "Dr ", "Dr. ")[int(rnd() * 3)] + doc[3])
            elif sig < 0.055:
                paras.append(f"-{doc[2]} {doc[3]}")
            elif sig < 0.065:
                paras.append(f"{doc[2]} {doc[3]} MD, FACS\n{doc[1]}")
            elif standard:
                paras.append(doc[0])  # repeats the name just before the block
    if rnd() < 0.12:
        paras = [_curly(p) for p in paras]
    body = fs["psep"].join(paras)

    # Doctor block
    block = ""
    name = None
    if standard:
        b = rnd()
        if b < 0.62:
            rating = _rating_cached(doc, day)
            block = f"{doc[0]}\n{doc[1]}\n{rating}" if rating else f"{doc[0]}\n{doc[1]}"
            name = doc[0]
        elif b < 0.74:
            block = f"{doc[0]}\n{doc[1]}"
            name = doc[0]
        elif b < 0.79:
            rating = _rating_cached(doc, day)
            block = f"{doc[1]}\n{rating}" if rating else doc[1]
        elif b < 0.83:
            block = doc[1]
        elif b < 0.86:
            block = doc[0]
            name = doc[0]
        elif b < 0.87:
            rating = _rating_cached(doc, day)
            block = f"{doc[0]}\n{rating}" if rating else doc[0]
            name = doc[0]
        if name and b < 0.74 and rnd() < 0.03:
            block = block.replace("\n", "\n\n", 1)  # blank line between name and place
    if info is not None:
        info.append(name)

    if head is not None:
        out = head + "\n\n"
    elif not headless and rnd() < 0.7:
        out = "\n"  # the empty headline line
    else:
        out = ""
    if vote:
        out += VOTE_LINE + ("\n\n" if blank_after else "\n")
    out += body
    if block:
        out += ("\n\n" if rnd() < 0.99 else "\n") + block
    return out


# ---------------------------------------------------------------------------
# Threads
# ---------------------------------------------------------------------------


def _junk(index: int, seed: int, info: dict | None) -> str:
    r = random.Random(_h(seed, index, 11))
    tr = TREATMENTS[_rr(r, len(TREATMENTS))]
    ctx = _make_ctx(r, tr)
    lines = []
    for _ in range(_ri(r, 3, 12)):
        sents = _sentences(r.random, _MIX[ctx.group], ctx.slots, _ri(r, 1, 4), set())
        lines.append(" ".join(sents))
    sep = "" if r.random() < 0.5 else "\n"
    text = BANNER + sep + "\n".join(lines) + _ch(r, ("", "\n", "\n\n"))
    if info is not None:
        info.update(kind="not_thread", answers=0, loose_answers=len(lines))
    return text


def _make_ctx(r: random.Random, tr: tuple) -> _Ctx:
    name, group, areas = tr[0], tr[1], tr[2]
    area = _ch(r, areas)
    others = [t for t in _TREAT_BY_GROUP[group] if t != name] or ["surgery"]
    sym = _ch(r, SYMPTOMS[group])
    ctx = _Ctx()
    ctx.group = group
    art = _ARTICLE.get(name)
    ctx.slots = {
        "t": name,
        "at": art + " " + name if art else name,
        "on": "in" if group in ("toxin", "filler") else "on",
        "who": {"toxin": "injector", "filler": "injector", "dental": "dentist"}.get(
            group, "doctor" if group == "energy" else "surgeon"
        ),
        "T": _cap(name),
        "a": _ch(r, AREAS[area]),
        "area": area,
        "sym": sym,
        "Sym": _cap(sym),
        "t2": _ch(r, others),
        "reason": _ch(r, REASONS[group]),
        "age": _ri(r, 19, 68),
        "sex": _ch(r, SEX),
        "nth": _ch(r, NTH),
        "s": "",
        "w": "",
        "n": 2,
    }
    specs = SPECIALTY_WEIGHTS[group]
    ctx.specs = [s for s, _ in specs]
    acc, cum = 0, []
    for _, w in specs:
        acc += w
        cum.append(acc)
    ctx.spec_cum = cum
    ctx.slots["s"] = ctx.specs[0].lower()
    ctx.title = ""
    return ctx


_UNSET = -1


def _render(index: int, seed: int, share: float, info: dict | None, base=_UNSET) -> str:
    if base == _UNSET:
        base = _rescrape_base(index, seed, share)
    tid = index if base is None else base
    if info is not None:
        info.update(
            index=index,
            seed=seed,
            hex=thread_hex(tid, seed),
            file_name=_name(index, thread_hex(tid, seed)),
            rescrape_of=base,
            kind="thread",
        )
    if base is None and _is_junk(index, seed):
        return _junk(index, seed, info)
    r = random.Random(_h(seed, tid, 1))  # thread-level decisions
    ar = random.Random(_h(seed, tid, 2))  # answer stream (rescrapes extend it)
    day = index // FILES_PER_DAY

    ctx = _make_ctx(r, _wc(r, TREATMENTS, _TREAT_CUM))
    slots = ctx.slots
    slots["n"] = _ri(r, 2, 10)

    # Title
    extra_titles = TITLE_SURG if ctx.group in ("face", "body", "breast") else TITLE_NONSURG
    if r.random() < 0.3:
        title = _ch(r, extra_titles).format_map(slots)
    else:
        title = _ch(r, TITLE_TEMPLATES).format_map(slots)
    y = r.random()
    if y < 0.20:
        title = _title_case(title)
    elif y < 0.25:
        title = title[:1].lower() + title[1:]
    ctx.title = title
    if r.random() < 0.22:
        title += " " + _ch(
            r,
            (
                "(photo)",
                "(photos)",
                "(Photo)",
                "(Photos)",
                "(photos)",
                "(Photo)",
                "(pics)",
                "(Photo Attached)",
                "(Before and After Photos)",
            ),
        )

    # File-wide style
    z = r.random()
    style = "standard" if z < 0.85 else "bare" if z < 0.95 else "headless"
    v = r.random()
    if style == "headless" or v < 0.45:
        vote = None
    elif v < 0.80:
        vote = "blank"
    elif v < 0.92:
        vote = "noblank"
    else:
        vote = "mixed"
    fs = {
        "style": style,
        "vote": vote,
        "psep": "\n" if (r.random() < 0.08 and style != "headless") else "\n\n",
        "nbsp": 0.0 if r.random() < 0.4 else 0.35,
    }
    if style == "headless":
        # One block per answer: paragraphs on single lines or run together.
        fs["psep"] = "\n" if r.random() < 0.5 else " "

    # Question
    sents = [_ch(r, CONTEXT)]
    if r.random() < 0.3:
        sents.append(_ch(r, CONTEXT))
    for _ in range(_ch(r, (1, 1, 2, 2, 3))):
        sents.append(_ch(r, CONCERN))
    for _ in range(_ch(r, (1, 1, 1, 2))):
        sents.append(_ch(r, QUESTIONS))
    sents = [q.format_map(slots) for q in dict.fromkeys(sents)]
    npq = _wc(r, (1, 2, 3), (60, 90, 100))
    npq = min(npq, len(sents))
    cuts = sorted(r.sample(range(1, len(sents)), npq - 1)) if npq > 1 else []
    qparas = []
    prev = 0
    for c in cuts + [len(sents)]:
        qparas.append(" ".join(sents[prev:c]))
        prev = c
    details = None
    d = r.random()
    if d < 0.12:
        details = (
            f"age : {slots['age']} sex: {slots['sex']} treatment : "
            f"{slots['t'].lower()} for {slots['reason']} on {slots['a']}"
        )
        if d < 0.04:
            qparas = [details]  # the details line is the whole question text
        elif d < 0.08:
            qparas.insert(0, details)
        else:
            qparas.append(details)

    # Answer counts
    k = _wc(r, _K_VALUES, _K_CUM)
    hidden = 0
    if r.random() < 0.20:
        hidden = _ch(r, (1, 1, 1, 2, 2, 3, 4, 5, 7, 10, 15, 25))
    c = r.random()
    missing_p = 0.40 if style == "bare" else 0.10 if style == "headless" else 0.105
    if c < missing_p:
        count_style = "missing"
    elif c < missing_p + 0.04:
        count_style = "bare"
    elif c < missing_p + 0.12:
        count_style = "paren"
    else:
        count_style = "plain"
    disclaimer = r.random() < 0.82
    trunc = r.random() < 0.03
    trunc_at = _rr(r, k)
    trunc_frac = 0.1 + 0.8 * r.random()
    noise_after = _rr(r, k - 1) if (k > 1 and r.random() < 0.12) else -1
    lead_blank = r.random() < 0.01

    if base is not None:
        extra = 1 + _h(seed, base, 9) % 3 + (index - base) // 20000
        k = min(k + extra, max(24, k + 1))
        trunc = False
    declared = k + hidden

    # Assemble
    out = ["\n\n\n" + title if lead_blank else title]
    out.append("\n\n")
    out.append(("\n\n" if r.random() < 0.97 else "\n\n\n").join(qparas))
    out.append("\n\n")
    if count_style == "plain":
        out.append(f"Doctor Answers {declared}\n\n")
    elif count_style == "paren":
        out.append(f"Doctor Answers ({declared})\n\n")
    elif count_style == "bare":
        out.append("Doctor Answers\n\n")
    names: list | None = [] if info is not None else None
    used: set = set()
    text = "".join(out)
    cut = False
    for a in range(k):
        ans = _answer(ar, ctx, fs, day, used, names)
        if trunc and a == trunc_at:
            text += ans[: max(1, int(len(ans) * trunc_frac))]
            cut = True
            break
        sep = "\n\n" if ar.random() < 0.97 else "\n\n\n"
        text += ans + sep
        if a == noise_after:
            text += NOISE_LINE + "\n\n"
    if not cut:
        if disclaimer:
            text += SITE_DISCLAIMER + ("" if r.random() < 0.7 else "\n")
        else:
            text = text[:-2] + _ch(r, ("\n\n", "\n", "", "\n\n\n"))
    if info is not None:
        info.update(
            title=title.strip(),
            treatment=slots["t"],
            areas=[slots["area"]],
            style=style,
            count_line=count_style,
            declared=None if count_style in ("missing", "bare") else declared,
            answers=(trunc_at + 1) if cut else k,
            answers_complete=trunc_at if cut else k,
            truncated=cut,
            disclaimer=disclaimer and not cut,
            has_details=details is not None,
            noise_lines=int(noise_after >= 0 and (not cut or noise_after < trunc_at)),
            doctors=names[: trunc_at + 1] if cut else names,
            scrape_day=day,
        )
    return text


def generate_thread(index: int, seed: int = 1, rescrape_share: float = 0.0) -> str:
    """Return the text of file ``index`` of the corpus for ``seed``."""
    return _render(index, seed, rescrape_share, None)


def thread_info(index: int, seed: int = 1, rescrape_share: float = 0.0) -> dict:
    """Ground truth for file ``index``: kind, file name, hex, rescrape_of, title,
    treatment, areas, style, count_line, declared (None when the file shows no
    number), answers (present, counting a cut-off one), answers_complete,
    truncated, disclaimer, has_details, noise_lines, doctors (name line per
    answer, None when the block has no name), scrape_day."""
    info: dict = {}
    _render(index, seed, rescrape_share, info)
    return info


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def _write_range(args: tuple) -> tuple[int, int]:
    """Write files lo..hi-1, all in one subdirectory; return (files, bytes)."""
    out_dir, lo, hi, seed, share = args
    sub = os.path.join(out_dir, f"{lo // FILES_PER_DIR:03d}")
    os.makedirs(sub, exist_ok=True)
    files = nbytes = 0
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    dfd = os.open(sub, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for i in range(lo, hi):
            base = _rescrape_base(i, seed, share)
            name = _name(i, thread_hex(i if base is None else base, seed))
            data = _render(i, seed, share, None, base).encode("utf-8")
            fd = os.open(name, flags, 0o644, dir_fd=dfd)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                captured = capture_time(i, seed)
                os.utime(fd, (captured, captured))
            finally:
                os.close(fd)
            files += 1
            nbytes += len(data)
    finally:
        os.close(dfd)
    return files, nbytes


# A crawl's pages were captured over two years, in no relation to the order of the files:
# what the "recently captured" list sorts by. The file's modification time says when.
CAPTURE_FROM = 1_704_067_200  # 2024-01-01 UTC
CAPTURE_SPAN = 2 * 365 * 86_400


def capture_time(i: int, seed: int) -> int:
    """File i's capture time (seconds since the epoch), the same on every run."""
    return CAPTURE_FROM + zlib.crc32(f"{seed}:{i}".encode()) % CAPTURE_SPAN


def write_corpus(
    out_dir,
    count: int,
    seed: int = 1,
    start: int = 0,
    rescrape_share: float = 0.0,
    jobs: int = 1,
) -> tuple[int, int]:
    """Write files ``start .. start+count-1`` under ``out_dir``; return (files, bytes)."""
    out_dir = os.fspath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    _pool()  # build the shared tables once, before any worker is forked
    for group in EXPLAIN:
        _bank(group)
    end = start + count
    chunks = []
    lo = start
    while lo < end:
        hi = min(end, (lo // FILES_PER_DIR + 1) * FILES_PER_DIR)
        chunks.append((out_dir, lo, hi, seed, rescrape_share))
        lo = hi
    if jobs <= 1 or len(chunks) < 2:
        results = [_write_range(c) for c in chunks]
    else:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(jobs) as p:
            results = p.map(_write_range, chunks, chunksize=1)
    return sum(f for f, _ in results), sum(b for _, b in results)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description="Generate a deterministic corpus of realistic scraped thread files."
    )
    p.add_argument("out_dir")
    p.add_argument("--count", type=int, required=True, help="number of files")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--start", type=int, default=0, help="first file index")
    p.add_argument(
        "--rescrape-share",
        type=float,
        default=0.0,
        help="share of files that re-scrape an earlier page with more answers",
    )
    p.add_argument(
        "--jobs",
        type=int,
        default=min(os.cpu_count() or 1, 8),
        help="worker processes (output does not depend on it)",
    )
    a = p.parse_args(argv)
    if a.count < 0 or a.start < 0 or not 0.0 <= a.rescrape_share <= 1.0:
        p.error("count and start must be >= 0, rescrape-share within 0..1")
    t0 = time.perf_counter()
    files, nbytes = write_corpus(
        a.out_dir,
        a.count,
        seed=a.seed,
        start=a.start,
        rescrape_share=a.rescrape_share,
        jobs=a.jobs,
    )
    dt = time.perf_counter() - t0
    print(
        f"wrote {files} files, {nbytes} bytes ({nbytes / 1e6:.1f} MB) to {a.out_dir} in {dt:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
