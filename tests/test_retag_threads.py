"""Auto-tagging follows the keyword lists staff keep; hand-set tags survive."""

from io import StringIO

import pytest
from django.core.management import call_command

from questions.models import Procedure, Question, TreatmentArea

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(seed_dir):
    call_command("import_threads", str(seed_dir), verbosity=0)


def test_it_applies_new_keywords_to_every_thread(imported):
    ears = TreatmentArea.objects.get(slug="ears")
    ears.keywords += "\npores"
    ears.save()
    out = StringIO()
    call_command("retag_threads", stdout=out)
    assert "1 threads changed: 1 tags added, 0 removed" in out.getvalue()
    tagged = Question.objects.filter(tagged_areas__tag=ears)
    assert list(tagged.values_list("source_key", flat=True)) == ["bd6cf83177b9ec6f"]
    assert Question.objects.search("ears").filter(source_key="bd6cf83177b9ec6f").exists()


def test_it_removes_auto_tags_whose_keywords_went_and_keeps_staff_tags(imported):
    question = Question.objects.get(source_key="37f6e2dab305ec35")
    jaw = TreatmentArea.objects.get(slug="jaw-and-masseter")
    neck = TreatmentArea.objects.get(slug="neck")
    question.areas.add(neck)  # set by hand
    jaw.keywords = "nothing-matches-this"
    jaw.name = "Jaw"
    jaw.save()
    call_command("retag_threads", stdout=StringIO())
    slugs = set(question.areas.slugs())
    assert "jaw-and-masseter" not in slugs
    assert "neck" in slugs


def test_it_does_not_tag_a_whole_word_inside_another(imported):
    # "Mesobotox" in the title must not count as "Botox": only the answers may add it.
    question = Question.objects.get(source_key="bd6cf83177b9ec6f")
    assert "mesobotox" in set(question.procedures.slugs())
    assert Procedure.objects.get(slug="botox").keyword_list()


def test_it_matches_any_apostrophe_and_finds_no_words_in_punctuation():
    from questions.tagging import KeywordIndex

    crows_feet = TreatmentArea.objects.get(slug="crows-feet")
    # A keyword that is only an apostrophe (a slip in the admin) must match nothing.
    crows_feet.keywords += "\n'"
    crows_feet.save()
    index = KeywordIndex.load()
    for title in ("Crow’s feet after Botox", "Crow's feet after Botox", "Crows feet after Botox"):
        assert crows_feet.pk in index.match(title, "", [])[0]
    assert index.match("’ ' `", "' '", ["'"]) == (set(), set())
