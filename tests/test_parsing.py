"""Unit tests for questions.parsing: the five real seed files, exactly, then the variations
docs/FORMAT.md describes, on small synthetic pages. Pure functions: no database, no Django."""

from decimal import Decimal
from pathlib import Path

import pytest

from questions.parsing import (
    SPECIALTIES,
    DoctorBlock,
    ParsedThread,
    ParseError,
    decode_thread_bytes,
    normalise_name,
    parse_thread,
    split_place_specialty,
)

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "threads"

VOTE = "{{ voteCount >= 0 ? '+' + (voteCount + 1) : (voteCount + 1) }}"
SITE_DISCLAIMER = (
    "These answers are for educational purposes and should not be relied upon as a "
    "substitute for medical advice you may receive from your physician. If you have a "
    "medical emergency, please call 911. These answers do not constitute or initiate a "
    "patient/doctor relationship."
)


def parse_seed(number: str) -> ParsedThread:
    (path,) = SEEDS.glob(f"{number}_*.txt")
    return parse_thread(decode_thread_bytes(path.read_bytes()))


def headlines(thread: ParsedThread) -> list[str | None]:
    return [a.headline for a in thread.answers]


def doctor_names(thread: ParsedThread) -> list[str | None]:
    return [a.doctor.name if a.doctor else None for a in thread.answers]


def page(*parts: str) -> str:
    """A synthetic thread page: parts separated by one blank line."""
    return "\n\n".join(parts) + "\n"


# --------------------------------------------------------------------------------------
# The five real samples
# --------------------------------------------------------------------------------------


def test_it_parses_seed_000_with_vote_widgets_and_a_details_line():
    thread = parse_seed("000")

    assert thread.title.startswith("Took Mesobotox on Cheeks for Open Pores.")
    assert (thread.age, thread.sex) == (30, "female")
    assert thread.treatment == "meso botox for open pores on cheeks"
    assert "age :" not in thread.question
    assert thread.declared_answer_count == 4
    assert headlines(thread) == [
        "Mesobotox is affecting my smile",
        "Mesobotox was done improperly, either too deep or too much, and caused smile abnormality",
        "Can't smile on one side after mesobotox on cheeks for pores.",
        "Intradermal Botox for treatment of enlarged pores",
    ]
    first = thread.answers[0]
    assert first.doctor is None
    paragraphs = first.body.split("\n\n")
    assert len(paragraphs) == 2
    assert paragraphs[0].startswith("I often say on this site")
    assert paragraphs[1].startswith('"This answer has been solicited without seeing')
    assert thread.answers[1].doctor == DoctorBlock(
        "Steven F. Weiner", "MD", "Panama City", "Facial Plastic Surgeon", Decimal("4.9"), 75
    )
    assert thread.answers[2].doctor == DoctorBlock(
        "Michael I. Echavez",
        "MD",
        "San Francisco",
        "Facial Plastic Surgeon",
        Decimal("4.5"),
        18,
    )
    assert thread.answers[3].doctor == DoctorBlock(
        "Donald B. Yoo", "MD", "Beverly Hills", "Facial Plastic Surgeon", Decimal("4.9"), 64
    )
    assert thread.disclaimer == SITE_DISCLAIMER
    assert thread.complete is True
    assert thread.warnings == ()


def test_it_drops_vote_widgets_and_normalises_non_breaking_spaces_in_seed_000():
    thread = parse_seed("000")

    for answer in thread.answers:
        assert "voteCount" not in answer.body
        assert "\u00a0" not in answer.body
        assert "  " not in answer.body
        assert not any(line != line.rstrip() for line in answer.body.split("\n"))
    assert "fine lines. If not done properly" in thread.answers[1].body
    assert [a.line for a in thread.answers] == [7, 15, 25, 35]
    assert [a.position for a in thread.answers] == [1, 2, 3, 4]


def test_it_parses_seed_001_with_doctor_blocks_and_no_vote_widgets():
    thread = parse_seed("001")

    assert thread.declared_answer_count == 7
    assert thread.question.startswith("2 weeks ago I had botox in my massteter muscles")
    assert headlines(thread) == [
        None,
        "Masseter injection affected my smile",
        "Botox has altered smile",
        None,
        "Smile Asymmetry",
        "Needs a check",
        "Masseter Botox injection results",
    ]
    doctors = [a.doctor for a in thread.answers]
    assert doctors[0] == DoctorBlock(
        None, "", "Los Angeles", "Facial Plastic Surgeon", Decimal("5.0"), 7
    )
    assert doctors[1] == DoctorBlock(
        "Steven F. Weiner", "MD", "Panama City", "Facial Plastic Surgeon", Decimal("4.7"), 41
    )
    assert (doctors[2].name, doctors[2].place) == ("Edwin Ishoo", "Cambridge")
    assert doctors[3] == DoctorBlock(
        "Deborah DiStefano", "MD", "Chattanooga", "Ophthalmologist", None, None
    )
    assert (doctors[4].name, doctors[4].place) == ("David Gilpin", "Nashville")
    assert (doctors[5].name, doctors[5].place, doctors[5].specialty) == (
        "Keith Denkler",
        "Marin",
        "Plastic Surgeon",
    )
    assert doctors[6] == DoctorBlock("Shaun Patel", "MD", "Miami", "Physician", Decimal("5.0"), 55)
    gilpin = thread.answers[4].body
    assert gilpin.endswith("I hope that this helps!\n\n-David Gilpin")
    assert thread.answers[3].body.startswith("Thank you again for your question.")
    assert thread.disclaimer == SITE_DISCLAIMER
    assert thread.complete is True


def test_it_splits_seed_002_where_only_blank_lines_separate_the_answers():
    thread = parse_seed("002")

    assert thread.declared_answer_count == 10
    assert headlines(thread) == [
        "Botox and facial asymmetry",
        "Botox and facial asymmetry",
        "Botox doesn't change the size of your face",
        "Recover from unwanted BOTOX facial paralysis is very emotionally disturbing.",
        "The effect of BOTOX will completely dissipate in around 4 months after injection.",
        "Smile paralysis after botox",
        "I can't see what you see!",
        "It should only take four months months to resolve",
        "If due to Botox, it may take 5 months to resolve",
        "You Weren't Symmetrical To Begin With",
    ]
    assert all(a.doctor is None for a in thread.answers)
    bodies = [a.body for a in thread.answers]
    assert bodies[3].startswith("Dear ABCox\n\n")
    assert bodies[3].endswith("\n\nDr. Steinsapir")
    assert bodies[4].startswith("I read your question, and review.\n\n")
    assert bodies[4].endswith("\n\nBest regards.")
    assert bodies[5].endswith(
        "\n\nYou still have a beautiful smile and your face appears symmetric."
    )
    assert bodies[6].endswith("\n\nGood Luck.")
    assert bodies[9].endswith(
        "So I would recommend not getting Botox again as you are unhappy with the results."
    )
    assert thread.disclaimer is None
    assert thread.complete is True
    assert thread.warnings == ()


def test_it_parses_seed_003_which_shows_fewer_answers_than_it_declares():
    thread = parse_seed("003")

    assert thread.declared_answer_count == 16
    assert len(thread.answers) == 10
    assert thread.complete is True
    assert "declared 16 answers, found 10" in thread.warnings
    assert headlines(thread) == [
        None,
        "Are Botox effects permanent?",
        None,
        "Botox xheek droop. Is it permanent?",
        "Are Botox effects permanent?",
        "Droopy cheek from botox",
        "Botox and Results - Drooping Lip; Takes 3 months to resolve",
        "Zygomaticus Botox",
        None,
        "Botox in the zygomaticus",
    ]
    assert doctor_names(thread) == [
        None,
        None,
        "Joshua Halpern",
        "Martin Jugenburg",
        "Brian Biesman",
        "Thomas A. Lamperti",
        "Jason Emer",
        "Howard Stupak",
        None,
        None,
    ]
    answers = thread.answers
    assert answers[0].doctor == DoctorBlock(
        None, "", "New Hampshire", "Vascular Surgeon", None, None
    )
    assert answers[1].doctor is None
    assert answers[1].body.endswith("\n\nDr Karamanoukian")
    assert answers[2].doctor == DoctorBlock(
        "Joshua Halpern", "MD, PA", "Tampa", "Plastic Surgeon", Decimal("4.8"), 65
    )
    assert all("You might also like" not in a.body for a in answers)
    assert answers[3].doctor.place == "Toronto"
    assert (answers[3].doctor.rating, answers[3].doctor.review_count) == (Decimal("4.9"), 519)
    assert answers[3].body.endswith("\n\nTake care,")
    assert (answers[4].doctor.place, answers[4].doctor.specialty) == (
        "Nashville",
        "Oculoplastic Surgeon",
    )
    assert answers[6].doctor == DoctorBlock(
        "Jason Emer", "MD", "Los Angeles", "Dermatologic Surgeon", Decimal("4.8"), 207
    )
    assert answers[6].body.endswith("Best, Dr. Emer.")
    assert answers[7].doctor == DoctorBlock(
        "Howard Stupak", "MD", "Westport", "Facial Plastic Surgeon", None, None
    )
    assert answers[8].body == (
        "Thank you fro your question.\n\n"
        "Botox results are temporary and can last 3 up to 6 months. Your results should "
        "improve with time.\n\n"
        "All the best."
    )
    assert answers[9].doctor is None
    assert thread.disclaimer == SITE_DISCLAIMER


def test_it_parses_seed_004_which_has_no_answer_count_line():
    thread = parse_seed("004")

    assert thread.declared_answer_count is None
    assert thread.question.startswith("Hello, when I smile I've a dimple on my left cheek")
    assert "\n" not in thread.question
    assert headlines(thread) == [
        "Asymmetric smile -- before or after Botox?",
        "Asymmetry After Botox",
        "Botox caused funny smile",
        "Uneven Smile After Botox",
        "Botox for Crooked Smile",
    ]
    assert all(a.doctor is None for a in thread.answers)
    assert "\n\nAll of the botulinum toxin A's (BTX-A)" in thread.answers[0].body
    bullets = thread.answers[2].body.split("\n")
    assert len(bullets) == 3
    assert all(line.startswith("\u2022 ") for line in bullets)
    assert bullets[2].endswith("about 3-4 months. Best wishes.")
    assert thread.answers[3].body.endswith("\n\nI hope this helps.")
    assert thread.disclaimer is None
    assert thread.complete is True


@pytest.mark.parametrize(
    ("mutation", "name"),
    [
        (lambda text: text.replace("\n\n", "\n"), "no blank lines"),
        (lambda text: text.replace("\n", "\n\n\n"), "many blank lines"),
        (lambda text: text.replace("\n\n", "\n   \n\t\n"), "whitespace-only lines"),
        (lambda text: text.replace("\n", "\r\n"), "CRLF line ends"),
    ],
)
@pytest.mark.parametrize("number", ["000", "001", "002", "003", "004"])
def test_it_finds_the_same_answers_whatever_the_blank_lines(number, mutation, name):
    (path,) = SEEDS.glob(f"{number}_*.txt")
    original = parse_seed(number)

    mutated = parse_thread(mutation(path.read_text(encoding="utf-8")))

    assert headlines(mutated) == headlines(original), name
    assert doctor_names(mutated) == doctor_names(original), name
    assert [a.body.split() for a in mutated.answers] == [
        a.body.split() for a in original.answers
    ], name


# --------------------------------------------------------------------------------------
# Doctor blocks
# --------------------------------------------------------------------------------------

QUESTION = ("Will my smile come back after Botox?", "My smile is crooked since my Botox.")


def one_answer(*block_lines: str) -> ParsedThread:
    return parse_thread(
        page(
            *QUESTION,
            "Doctor Answers 1",
            "It will come back",
            "The effect wears off in three to four months.",
            "\n".join(block_lines),
        )
    )


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            (
                "Steven F. Weiner, MD",
                "Panama City Facial Plastic Surgeon",
                "4.9 out of 5 stars 75 reviews",
            ),
            DoctorBlock(
                "Steven F. Weiner",
                "MD",
                "Panama City",
                "Facial Plastic Surgeon",
                Decimal("4.9"),
                75,
            ),
        ),
        (
            ("Joshua Halpern, MD, PA", "Tampa Plastic Surgeon"),
            DoctorBlock("Joshua Halpern", "MD, PA", "Tampa", "Plastic Surgeon", None, None),
        ),
        (
            ("Kaleroy Papantoniou, MD, FAAD",),
            DoctorBlock("Kaleroy Papantoniou", "MD, FAAD", "", "", None, None),
        ),
        (
            (
                "R. Stephen Mulholland, M.D.",
                "Toronto Plastic Surgeon",
                "4.8 out of 5 stars 1 review",
            ),
            DoctorBlock(
                "R. Stephen Mulholland", "M.D.", "Toronto", "Plastic Surgeon", Decimal("4.8"), 1
            ),
        ),
        (
            ("Otto Weiglein, FRCSC", "Graz Plastic Surgeon"),
            DoctorBlock("Otto Weiglein", "FRCSC", "Graz", "Plastic Surgeon", None, None),
        ),
        (
            ("Dan Haas, DDS", "Toronto Dentist", "5.0 out of 5 stars 1,503 reviews"),
            DoctorBlock("Dan Haas", "DDS", "Toronto", "Dentist", Decimal("5.0"), 1503),
        ),
        (
            ("Stephen Weber MD, FACS", "Denver Facial Plastic Surgeon"),
            DoctorBlock(
                "Stephen Weber", "MD, FACS", "Denver", "Facial Plastic Surgeon", None, None
            ),
        ),
        (
            ("Keith Denkler", "Marin Plastic Surgeon"),
            DoctorBlock("Keith Denkler", "", "Marin", "Plastic Surgeon", None, None),
        ),
        (
            ("Robert (Bob) Smith, MD", "Washington DC Facial Plastic Surgeon"),
            DoctorBlock(
                "Robert (Bob) Smith", "MD", "Washington DC", "Facial Plastic Surgeon", None, None
            ),
        ),
        (
            ("Ana Lee, MD", "", "Chattanooga Ophthalmologist"),
            DoctorBlock("Ana Lee", "MD", "Chattanooga", "Ophthalmologist", None, None),
        ),
        (
            ("Los Angeles Facial Plastic Surgeon",),
            DoctorBlock(None, "", "Los Angeles", "Facial Plastic Surgeon", None, None),
        ),
        (
            ("New Hampshire Vascular Surgeon", "5.0 out of 5 stars 7 reviews"),
            DoctorBlock(None, "", "New Hampshire", "Vascular Surgeon", Decimal("5.0"), 7),
        ),
        (
            ("Jane Roe, MD", "4.2 out of 5 stars 12 reviews"),
            DoctorBlock("Jane Roe", "MD", "", "", Decimal("4.2"), 12),
        ),
        (
            ("Plastic Surgeon", "4.2 out of 5 stars 12 reviews"),
            DoctorBlock(None, "", "", "Plastic Surgeon", Decimal("4.2"), 12),
        ),
    ],
    ids=lambda value: value[0] if isinstance(value, tuple) else None,
)
def test_it_reads_each_kind_of_doctor_block(lines, expected):
    thread = one_answer(*lines)

    (answer,) = thread.answers
    assert answer.doctor == expected
    assert answer.headline == "It will come back"
    assert answer.body == "The effect wears off in three to four months."


def test_it_keeps_a_bare_name_without_a_place_or_rating_in_the_body():
    thread = one_answer("Keith Denkler")

    (answer,) = thread.answers
    assert answer.doctor is None
    assert answer.body.endswith("\n\nKeith Denkler")


def test_it_treats_a_block_followed_by_another_block_as_a_body_signature():
    thread = parse_thread(
        page(
            *QUESTION,
            "Doctor Answers 1",
            "It will come back",
            "The effect wears off in three to four months.",
            "Stephen Weber MD, FACS\nDenver Facial Plastic Surgeon",
            "Stephen Weber, MD\nDenver Facial Plastic Surgeon\n4.9 out of 5 stars 100 reviews",
        )
    )

    (answer,) = thread.answers
    assert answer.body.endswith("months.\n\nStephen Weber MD, FACS\nDenver Facial Plastic Surgeon")
    assert answer.doctor == DoctorBlock(
        "Stephen Weber", "MD", "Denver", "Facial Plastic Surgeon", Decimal("4.9"), 100
    )


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (  # a place line of a block without name, not the bare name "Beverly Hills Dentist"
            ("Beverly Hills Dentist", "4.9 out of 5 stars 12 reviews"),
            DoctorBlock(None, "", "Beverly Hills", "Dentist", Decimal("4.9"), 12),
        ),
        (  # a signature above a name-less block, not the block's name
            ("Dr Taylor", "Chicago Plastic Surgeon", "4.8 out of 5 stars 9 reviews"),
            DoctorBlock(None, "", "Chicago", "Plastic Surgeon", Decimal("4.8"), 9),
        ),
        (
            ("-David Gilpin", "Nashville Plastic Surgeon"),
            DoctorBlock(None, "", "Nashville", "Plastic Surgeon", None, None),
        ),
    ],
)
def test_it_reads_a_bare_name_line_that_is_also_something_else_as_that(lines, expected):
    (answer,) = one_answer(*lines).answers

    assert answer.doctor == expected
    if lines[0] != "Beverly Hills Dentist":
        assert answer.body.endswith("\n" + lines[0])


def test_it_does_not_take_a_headline_ending_in_a_specialty_for_a_place_line():
    thread = parse_thread(
        page(
            *QUESTION,
            "Doctor Answers 2",
            "See A Board Certified Dermatologist",
            "Only an exam can tell why your smile changed.",
            "Ask Your Plastic Surgeon",
            "Your injector knows the dose that was used.",
        )
    )

    assert headlines(thread) == ["See A Board Certified Dermatologist", "Ask Your Plastic Surgeon"]
    assert all(a.doctor is None for a in thread.answers)


# Places that begin with an ordinary word ("Great", "Long", "Little"): the specialty tail
# makes the line a place line, whatever its first words are.
ORDINARY_WORD_PLACES = [
    ("Grand Rapids", "Facial Plastic Surgeon"),
    ("Long Beach", "Plastic Surgeon"),
    ("Fort Lauderdale", "Dermatologist"),
    ("Little Rock", "Dermatologist"),
    ("Mount Pleasant", "Oculoplastic Surgeon"),
    ("Palm Beach Gardens", "General Surgeon"),
    ("Great Falls", "Dermatologist"),
    ("Little Silver", "Cosmetic Dentist"),
    ("Gold Coast", "Plastic Surgeon"),
    ("Short Hills", "Facial Plastic Surgeon"),
]


def two_answer_page(block: str, *, vote: bool) -> str:
    """Two answers as the samples print them; the first closes with ``block``."""
    widget = [VOTE] if vote else []
    return page(
        *QUESTION,
        "Doctor Answers 2",
        "It will come back",
        *widget,
        "The effect wears off in three to four months, sometimes sooner.",
        block,
        "Give it time",
        *widget,
        "Most asymmetry settles within weeks as the product wears off.",
        "Ken Ito, MD\nBeverly Hills Dermatologist\n4.9 out of 5 stars 12 reviews",
        SITE_DISCLAIMER,
    )


BLOCK_SHAPES = {  # the shapes a real block takes, each line optional (docs/FORMAT.md)
    "full": ("Maria Olsen, MD, FAAD\n{line}\n4.8 out of 5 stars 112 reviews", "Maria Olsen", 112),
    "no rating": ("Maria Olsen, MD, FAAD\n{line}", "Maria Olsen", None),
    "no name": ("{line}\n4.8 out of 5 stars 112 reviews", None, 112),
    "blank after name": (
        "Maria Olsen, MD, FAAD\n\n{line}\n4.8 out of 5 stars 112 reviews",
        "Maria Olsen",
        112,
    ),
    "bare name": ("Maria Olsen\n{line}\n4.8 out of 5 stars 112 reviews", "Maria Olsen", 112),
}


@pytest.mark.parametrize("vote", [True, False], ids=["vote widgets", "no widgets"])
@pytest.mark.parametrize("shape", list(BLOCK_SHAPES))
@pytest.mark.parametrize(
    ("place", "specialty"), ORDINARY_WORD_PLACES, ids=[p for p, _ in ORDINARY_WORD_PLACES]
)
def test_it_reads_a_place_that_begins_with_an_ordinary_word(place, specialty, shape, vote):
    template, name, rating = BLOCK_SHAPES[shape]
    block = template.format(line=f"{place} {specialty}")
    thread = parse_thread(two_answer_page(block, vote=vote))

    first, second = thread.answers
    assert (first.doctor.name, first.doctor.place, first.doctor.specialty) == (
        name,
        place,
        specialty,
    )
    assert first.doctor.review_count == rating
    assert first.body == "The effect wears off in three to four months, sometimes sooner."
    assert (second.headline, second.doctor.name) == ("Give it time", "Ken Ito")
    assert thread.complete


def test_it_reads_a_headline_ending_in_a_specialty_after_a_name_only_block_as_a_headline():
    # Nothing confirms the line as the block's place (no rating below it, a blank line
    # after the name): it opens the next answer, as its words say.
    thread = parse_thread(
        page(
            *QUESTION,
            "Doctor Answers 2",
            "It will come back",
            "The effect wears off in three to four months.",
            "Maria Olsen, MD",
            "Ask Your Plastic Surgeon",
            "Your injector knows the dose that was used.",
        )
    )

    assert headlines(thread) == ["It will come back", "Ask Your Plastic Surgeon"]
    assert thread.answers[0].doctor == DoctorBlock("Maria Olsen", "MD", "", "", None, None)


# --------------------------------------------------------------------------------------
# Place and specialty, names
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Panama City Facial Plastic Surgeon", ("Panama City", "Facial Plastic Surgeon")),
        ("Washington DC Facial Plastic Surgeon", ("Washington DC", "Facial Plastic Surgeon")),
        ("India Emergency Medicine Physician", ("India", "Emergency Medicine Physician")),
        ("Chattanooga Ophthalmologist", ("Chattanooga", "Ophthalmologist")),
        ("Salt Lake City Dermatologic Surgeon", ("Salt Lake City", "Dermatologic Surgeon")),
        ("New Hampshire Vascular Surgeon", ("New Hampshire", "Vascular Surgeon")),
        ("St. Louis Oculoplastic Surgeon", ("St. Louis", "Oculoplastic Surgeon")),
        ("Miami Physician", ("Miami", "Physician")),
        ("Palm Beach Gardens General Surgeon", ("Palm Beach Gardens", "General Surgeon")),
        ("Boston Sports Medicine Physician", ("Boston", "Sports Medicine Physician")),
        ("Houston Oral & Maxillofacial Surgeon", ("Houston", "Oral & Maxillofacial Surgeon")),
        ("London\u00a0Plastic  Surgeon", ("London", "Plastic Surgeon")),
        ("Plastic Surgeon", ("", "Plastic Surgeon")),
        ("Somewhere Astronaut", ("Somewhere Astronaut", "")),
    ],
)
def test_it_splits_place_and_specialty_on_the_longest_specialty(line, expected):
    assert split_place_specialty(line) == expected


def test_specialties_are_a_rich_vocabulary():
    assert len(SPECIALTIES) >= 40
    for specialty in ("Dermatologist", "Dentist", "Oculoplastic Surgeon", "Physician"):
        assert specialty in SPECIALTIES


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Steven F. Weiner, MD", "steven f weiner"),
        ("Dr. Steven F. Weiner, M.D.", "steven f weiner"),
        ("steven f weiner", "steven f weiner"),
        ("Stephen Weber MD, FACS", "stephen weber"),
        ("Joshua Halpern, MD, PA", "joshua halpern"),
        ("R. Stephen Mulholland, M.D.", "r stephen mulholland"),
        ("Robert (Bob) Smith, MD", "robert smith"),
        ("Robert “Bob” Smith", "robert smith"),
        ("José  Núñez,  DDS", "jose nunez"),
        ("Anh Do, MD", "anh do"),
        ("Mary O'Brien-Smith, MD, PhD", "mary obrien smith"),
    ],
)
def test_it_normalises_names_for_matching_doctors_across_files(name, expected):
    assert normalise_name(name) == expected


# --------------------------------------------------------------------------------------
# Question framing: details, answer-count line, disclaimer, noise
# --------------------------------------------------------------------------------------


def test_it_reads_any_subset_of_the_details_line():
    thread = parse_thread(
        page("Droopy lip after Botox?", "My lip droops.", "sex: male", "Doctor Answers 0")
    )

    assert (thread.age, thread.sex, thread.treatment) == (None, "male", "")
    assert thread.details == "sex: male"
    assert thread.question == "My lip droops."


def test_it_accepts_a_title_and_details_line_as_the_whole_question():
    thread = parse_thread(
        page("Droopy lip after Botox?", "age : 41 treatment : botox", "Doctor Answers")
    )

    assert thread.question == ""
    assert (thread.age, thread.treatment) == (41, "botox")


@pytest.mark.parametrize(
    ("count_line", "declared"),
    [("Doctor Answers 2", 2), ("Doctor Answers (2)", 2), ("Doctor Answers", None)],
)
def test_it_reads_every_form_of_the_answer_count_line(count_line, declared):
    thread = parse_thread(
        page(
            *QUESTION,
            count_line,
            "It will come back",
            "The effect wears off in three to four months.",
            "Give it time",
            "Most patients recover fully within three months.",
        )
    )

    assert thread.declared_answer_count == declared
    assert headlines(thread) == ["It will come back", "Give it time"]
    assert thread.question == QUESTION[1]


def test_it_never_exceeds_the_declared_answer_count():
    text = page(
        *QUESTION,
        "Doctor Answers 1",
        "It will come back",
        "The effect wears off in three to four months.",
        "Give it time",
        "Most patients recover fully within three months.",
    )

    thread = parse_thread(text)

    (answer,) = thread.answers
    assert answer.headline == "It will come back"
    assert "Give it time" in answer.body


def test_it_drops_noise_lines_between_answers():
    thread = parse_thread(
        page(
            *QUESTION,
            "Doctor Answers 2",
            "It will come back",
            "The effect wears off in three to four months.",
            "Jane Roe, MD\nBoston Dermatologist",
            "You might also like...",
            "Give it time",
            VOTE,
            "Most patients recover fully within three months.",
        )
    )

    assert headlines(thread) == ["It will come back", "Give it time"]
    assert all("might also like" not in a.body for a in thread.answers)


def test_it_keeps_a_cut_short_site_disclaimer_and_says_so():
    thread = parse_thread(
        page(
            *QUESTION,
            "Doctor Answers 1",
            "It will come back",
            "The effect wears off in three to four months.",
            "These answers are for educational purposes and should not be relied upon as a sub",
        )
    )

    assert thread.disclaimer == (
        "These answers are for educational purposes and should not be relied upon as a sub"
    )
    assert thread.complete is True
    assert "the site disclaimer is cut short" in thread.warnings
    assert thread.answers[0].body == "The effect wears off in three to four months."


def test_it_keeps_a_doctors_own_educational_disclaimer_inside_the_answer():
    own = "This answer is for educational purposes only and is not medical advice."
    thread = parse_thread(
        page(
            *QUESTION,
            "Doctor Answers 1",
            "It will come back",
            "The effect wears off in three to four months.",
            own,
            "Jane Roe, MD\nBoston Dermatologist",
            SITE_DISCLAIMER,
        )
    )

    assert thread.answers[0].body.endswith("\n\n" + own)
    assert thread.disclaimer == SITE_DISCLAIMER


def test_it_splits_a_site_disclaimer_glued_to_the_last_sentence():
    thread = parse_thread(
        page(
            *QUESTION,
            "Doctor Answers 1",
            "It will come back",
            "The effect wears off in three to four months." + SITE_DISCLAIMER,
        )
    )

    assert thread.answers[0].body == "The effect wears off in three to four months."
    assert thread.disclaimer == SITE_DISCLAIMER


# --------------------------------------------------------------------------------------
# Bodies and headlines
# --------------------------------------------------------------------------------------


def test_it_keeps_bullet_lists_and_normalises_their_indentation():
    thread = parse_thread(
        page(
            *QUESTION,
            "Doctor Answers 1",
            "What to do now",
            "Here is my advice:\n  \u2022  Wait three months.\n  \u2022 See your injector.",
            "1) Keep a photo diary.\n2) Avoid massage.\n1. Ask about the dose.",
        )
    )

    assert thread.answers[0].body == (
        "Here is my advice:\n\u2022 Wait three months.\n\u2022 See your injector.\n\n"
        "1) Keep a photo diary.\n2) Avoid massage.\n1. Ask about the dose."
    )


def test_it_keeps_single_line_breaks_inside_a_body():
    thread = parse_thread(
        page(
            *QUESTION,
            "Doctor Answers 1",
            "It will come back",
            "Dear Jasmine,\nThe effect wears off in three to four months.\nBest regards.",
        )
    )

    assert thread.answers[0].body == (
        "Dear Jasmine,\nThe effect wears off in three to four months.\nBest regards."
    )


def test_it_turns_non_breaking_spaces_into_single_spaces_and_keeps_curly_quotes():
    thread = parse_thread(
        "Will my smile\u00a0come back?  \n\nIt\u2019s crooked.\u00a0\u00a0Help!\u00a0\n\n"
        "Doctor Answers 1\n\nIt will\u00a0come back\n\n"
        "\u201cPatience\u201d is key.\u00a0 It wears off\u00a0in three months.\u00a0\n"
    )

    assert thread.title == "Will my smile come back?"
    assert thread.question == "It\u2019s crooked. Help!"
    assert thread.answers[0].headline == "It will come back"
    assert thread.answers[0].body == "\u201cPatience\u201d is key. It wears off in three months."


@pytest.mark.parametrize(
    "headline",
    [
        "Will it come back...",
        "Will my smile come back after Botox?",
        "Give it time #botox #smile",
        "Smile Returns In Three Months",
    ],
)
def test_it_recognises_headlines_of_every_shape(headline):
    thread = parse_thread(
        page(
            *QUESTION,
            "Doctor Answers 2",
            "Temporary effect",
            "The effect wears off in three to four months.\n\nBest regards.",
            headline,
            "Thank you for your question. Most patients recover fully within three months.",
        )
    )

    assert headlines(thread) == ["Temporary effect", headline]


def test_it_places_boundaries_by_shape_when_answers_have_no_markers():
    thread = parse_thread(
        page(
            "Facial asymmetry after Botox",
            "One side of my face looks bigger since my Botox. Will it go back?",
            "Doctor Answers 3",
            "Botox and facial asymmetry",
            "Everyone has some facial asymmetry. Botox wears off in four months.",
            "Dr. Smith",
            "Asymmetry is temporary.",
            "Dear ABCox",
            "It can take three to six months for the effect to fade completely.",
            "Good luck.",
            "Give It Time",
            "The muscles recover as the Botox wears off. You will see improvement soon.",
        )
    )

    assert headlines(thread) == [
        "Botox and facial asymmetry",
        "Asymmetry is temporary.",
        "Give It Time",
    ]
    assert thread.answers[0].body.endswith("\n\nDr. Smith")
    assert thread.answers[1].body.startswith("Dear ABCox\n\n")
    assert thread.answers[1].body.endswith("\n\nGood luck.")


def test_it_uses_extra_blank_lines_as_an_answer_boundary():
    thread = parse_thread(
        "Facial asymmetry after Botox\n\nWill my face go back to normal?\n\n"
        "Doctor Answers 2\n\n"
        "Botox and facial asymmetry\n\nEveryone has some facial asymmetry. It wears off.\n\n"
        "Your smile looks lovely.\n\n\n"
        "I see no problem!\n\nThe pictures show a normal smile. Botox lasts three months.\n"
    )

    assert headlines(thread) == ["Botox and facial asymmetry", "I see no problem!"]
    assert thread.answers[0].body.endswith("\n\nYour smile looks lovely.")


def test_it_splits_bare_paragraphs_into_as_many_answers_as_declared():
    thread = parse_thread(
        page(
            *QUESTION,
            "Doctor Answers 3",
            "Yes, it will. Botox wears off in three to four months and your smile returns.",
            "Thank you for your question. The effect is temporary and improves soon.",
            "It is not permanent. See your injector to adjust the dose next time.",
        )
    )

    assert [a.body[:12] for a in thread.answers] == ["Yes, it will", "Thank you fo", "It is not pe"]
    assert headlines(thread) == [None, None, None]


def test_it_opens_an_answer_without_headline_at_a_headline_like_line_with_no_body():
    # "Results build over two weeks." would be a headline, but the doctor block follows it
    # at once; after a sign-off and extra blank lines it is a whole answer of its own.
    thread = parse_thread(
        "Facial asymmetry after Botox\n\nWill my face go back to normal?\n\n"
        "Doctor Answers 4\n\n"
        "Botox and asymmetry\n\nEveryone has some asymmetry. It wears off in months.\n\n"
        "Keith Denkler, MD\nMill Valley Plastic Surgeon\n\n"
        "The effect fades as the muscle recovers. See your injector if it does not.\n\n"
        "Hope this helps.\n\n\n"
        "Results build over two weeks.\n\n"
        "Grace Wright, MD\nTijuana Dermatologist\n\n"
        "Give it time\n\nThe body needs time to heal. It can take three months.\n\n"
        "Nina Reed, MBBS\nDubai Cosmetic Surgeon\n"
    )

    assert [a.body.split("\n")[0] for a in thread.answers] == [
        "Everyone has some asymmetry. It wears off in months.",
        "The effect fades as the muscle recovers. See your injector if it does not.",
        "Results build over two weeks.",
        "The body needs time to heal. It can take three months.",
    ]
    assert headlines(thread) == ["Botox and asymmetry", None, None, "Give it time"]
    assert doctor_names(thread) == ["Keith Denkler", None, "Grace Wright", "Nina Reed"]


def test_it_does_not_split_a_block_closed_answer_at_a_short_sentence():
    # The count leaves room for a hidden answer, but "The muscles need time to recover."
    # is a sentence of the body: with doctor blocks closing answers, a guessed headline
    # ending in a full stop needs more than a short line and topic words.
    thread = parse_thread(
        page(
            *QUESTION,
            "Doctor Answers 9",
            "Botox and a crooked smile",
            "Everyone has some asymmetry. It wears off in three to four months.",
            "The muscles need time to recover.",
            "Your smile comes back when the muscles recover, which usually happens in 3 months.",
            "Keith Denkler, MD\nMill Valley Plastic Surgeon",
            "Give it time",
            "The effect fades as the muscle recovers. See your injector if it does not.",
            "Grace Wright, MD\nTijuana Dermatologist",
        )
    )

    assert headlines(thread) == ["Botox and a crooked smile", "Give it time"]


def test_it_does_not_read_short_sentences_as_headlines_in_a_file_without_headlines():
    # Nothing in the file reads as a headline except sentences ending in a full stop: the
    # answers have no headlines, and the short sentence after the sign-off opens the
    # second answer's body.
    thread = parse_thread(
        page(
            *QUESTION,
            "Doctor Answers 2",
            "Botox wears off in three to four months and your smile will come back then.",
            "Hope this helps.",
            "Your smile will recover.",
            "The effect is temporary and it improves within a few weeks for most people.",
        )
    )

    assert headlines(thread) == [None, None]
    assert thread.answers[1].body.startswith("Your smile will recover.\n\nThe effect")


def test_it_keeps_headlines_with_a_full_stop_in_files_without_doctor_blocks():
    # Without blocks the headlines are the only sign of where answers start; the file
    # shows it has headlines ("Give it time"), so one ending in a full stop still counts.
    thread = parse_thread(
        page(
            *QUESTION,
            "Give it time",
            "Botox wears off in three to four months and your smile will come back then.",
            "Hope this helps.",
            "It will recover.",
            "The effect is temporary and it improves within a few weeks for most people.",
            "See your injector",
            "Only an exam can tell why your smile changed. Photos would help too.",
        )
    )

    assert headlines(thread) == ["Give it time", "It will recover.", "See your injector"]


def test_it_lifts_the_vote_widget_penalty_when_answers_without_widgets_are_certain():
    # Widgets under some answers only: two answers close with doctor blocks and have no
    # widget, so a missing widget no longer argues against the headline "Give it time".
    thread = parse_thread(
        page(
            *QUESTION,
            "Botox and a crooked smile",
            VOTE,
            "Everyone has some asymmetry. It wears off in three to four months.",
            "Keith Denkler, MD\nMill Valley Plastic Surgeon",
            "Smile droop after Botox",
            "The effect fades as the muscle recovers. See your injector if it does not.",
            "Grace Wright, MD\nTijuana Dermatologist",
            "It will come back",
            VOTE,
            "Your smile returns when the muscles recover, usually within three months.",
            "Give it time",
            "The body needs time to heal. It can take three months for the smile.",
            "Nina Reed, MBBS\nDubai Cosmetic Surgeon",
            "See your injector",
            "Only an exam can tell why your smile changed. Photos would help too.",
            "Hassan Jenkins, MD\nMiami Plastic Surgeon",
        )
    )

    assert headlines(thread) == [
        "Botox and a crooked smile",
        "Smile droop after Botox",
        "It will come back",
        "Give it time",
        "See your injector",
    ]


def test_it_accepts_a_headline_that_repeats_the_title():
    thread = parse_thread(
        page(
            *QUESTION,
            "Doctor Answers 2",
            "Temporary effect",
            "The effect wears off in three to four months.",
            QUESTION[0],
            "Most patients recover fully within three months.",
        )
    )

    assert headlines(thread) == ["Temporary effect", QUESTION[0]]


def test_it_takes_the_line_before_a_vote_widget_as_the_headline():
    thread = parse_thread(
        "\n".join(
            [
                *QUESTION,
                "Doctor Answers 3",
                VOTE,
                "No headline here, the answer starts with the widget.",
                "Second answer headline",
                VOTE,
                "The body of the second answer.",
                "Thanks for your question.",
                VOTE,
                "The third answer has no headline either.",
            ]
        )
    )

    assert headlines(thread) == [None, "Second answer headline", None]
    assert thread.answers[1].body == "The body of the second answer.\nThanks for your question."


def test_it_parses_a_page_without_a_count_line_using_the_headline_heuristics():
    thread = parse_thread(
        page(
            "Crooked smile after Botox?",
            "I had Botox two weeks ago. Now my smile is crooked.",
            "My friends noticed it too.",
            "Crooked Smile After Botox",
            "It will pass in three months as the Botox wears off.",
        )
    )

    assert thread.declared_answer_count is None
    assert thread.question == (
        "I had Botox two weeks ago. Now my smile is crooked.\n\nMy friends noticed it too."
    )
    assert headlines(thread) == ["Crooked Smile After Botox"]


def test_it_finds_the_same_answers_in_seed_000_without_its_count_line():
    (path,) = SEEDS.glob("000_*.txt")
    text = path.read_text(encoding="utf-8").replace("Doctor Answers 4\n", "")

    thread = parse_thread(text)

    assert thread.declared_answer_count is None
    assert thread.question == ""
    assert thread.age == 30
    assert headlines(thread) == headlines(parse_seed("000"))


# --------------------------------------------------------------------------------------
# Incomplete and unusable files
# --------------------------------------------------------------------------------------


def test_it_returns_a_thread_with_no_answers_and_a_warning():
    thread = parse_thread(page(*QUESTION, "Doctor Answers 0"))

    assert thread.answers == ()
    assert thread.question == QUESTION[1]
    assert "no answers found" in thread.warnings


def test_it_marks_a_file_cut_off_mid_sentence_as_incomplete():
    (path,) = SEEDS.glob("003_*.txt")
    text = path.read_text(encoding="utf-8")
    cut = text[: text.index("Have patience") + 10]

    thread = parse_thread(cut)

    assert thread.complete is False
    assert len(thread.answers) == 7
    assert thread.answers[-1].truncated is True
    assert thread.answers[-1].body.endswith("Have patie")
    assert not any(a.truncated for a in thread.answers[:-1])
    assert any("cut off" in warning for warning in thread.warnings)
    assert "declared 16 answers, found 7" in thread.warnings


def test_it_drops_a_cut_off_doctor_block_scrap_and_a_headline_without_body():
    (path,) = SEEDS.glob("003_*.txt")
    text = path.read_text(encoding="utf-8")

    scrap = parse_thread(text[: text.index("Dermatologic Surgeon") + 5])
    headline_only = parse_thread(text[: text.index("Takes 3 months to resolve") + 25])

    assert scrap.complete is False
    assert len(scrap.answers) == 7
    assert scrap.answers[-1].doctor.name == "Jason Emer"
    assert headline_only.complete is False
    assert len(headline_only.answers) == 6


def test_it_marks_a_file_ending_with_a_vote_widget_as_incomplete():
    thread = parse_thread(
        page(*QUESTION, "Doctor Answers 2", "Temporary", "It wears off.", "Give it time", VOTE)
    )

    assert thread.complete is False
    assert headlines(thread) == ["Temporary"]


def test_it_treats_a_clean_ending_without_disclaimer_as_complete():
    thread = parse_thread(
        page(*QUESTION, "Doctor Answers 3", "Temporary", "It wears off in three months.")
    )

    assert thread.complete is True
    assert thread.warnings == ("declared 3 answers, found 1",)


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("", "empty file", 1),
        ("  \n\t\n\u00a0\n", "only whitespace", 1),
        ("Will my smile come back?\n\n", "no question text after the title", 1),
        ("Will my smile come back?\n\nDoctor Answers 2\n\nIt will.\n", "no question text", 3),
    ],
)
def test_it_rejects_files_without_a_question(text, message, line):
    with pytest.raises(ParseError) as caught:
        parse_thread(text)

    assert message in str(caught.value)
    assert caught.value.message == str(caught.value)
    assert caught.value.line == line


@pytest.mark.parametrize(
    "banner",
    [
        "Get the real deal on beauty treatments\u2014real doctors, real reviews, and real "
        "photos with real results.",
        "Get the real deal on beauty treatments\u2014real doctors, real reviews, and real "
        "photos with real results.Botox lasts three to four months.",
    ],
)
def test_it_rejects_a_banner_page(banner):
    text = "\n" + banner + "\nIt wears off.\nSee your injector.\nGive it time.\n"

    with pytest.raises(ParseError) as caught:
        parse_thread(text)

    assert "banner page" in caught.value.message
    assert "no question" in caught.value.message
    assert caught.value.line == 2


def test_it_decodes_utf8_and_strips_a_byte_order_mark():
    data = "\ufeffSmile?\n\nCaf\u00e9 question.\n".encode()

    assert decode_thread_bytes(data) == "Smile?\n\nCaf\u00e9 question.\n"
    assert parse_thread(decode_thread_bytes(data)).title == "Smile?"


def test_it_rejects_bytes_that_are_not_utf8():
    with pytest.raises(ParseError) as caught:
        decode_thread_bytes(b"Smile?\n\nCaf\xe9 question.\n")

    assert str(caught.value) == "not UTF-8 text (invalid byte 0xe9 at offset 11)"
    assert caught.value.line == 3


def test_it_rejects_binary_files():
    with pytest.raises(ParseError) as caught:
        decode_thread_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")

    assert caught.value.message.startswith("binary file")
