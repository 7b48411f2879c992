"""The data migration seeds both tag vocabularies with keywords for auto-tagging."""

import pytest

from questions.models import Procedure, TreatmentArea

pytestmark = pytest.mark.django_db

FACE = ["forehead", "frown-lines", "crows-feet", "eyelids", "under-eye", "cheeks", "nose"]
FACE += ["lips", "mouth-and-smile", "chin", "jaw-and-masseter", "neck", "ears", "skin"]
BODY = ["breasts", "abdomen", "buttocks", "arms", "thighs", "genital-area"]
BODY += ["scalp-and-hair", "teeth-and-gums"]
PROCEDURES = ["botox", "mesobotox", "dysport", "xeomin", "dermal-filler", "sculptra"]
PROCEDURES += ["radiesse", "laser-resurfacing", "ultherapy", "tummy-tuck", "breast-augmentation"]
PROCEDURES += ["rhinoplasty", "blepharoplasty", "facelift", "liposuction", "otoplasty"]
PROCEDURES += ["fat-transfer"]


@pytest.mark.parametrize("slug", FACE + BODY)
def test_it_seeds_every_treatment_area_with_keywords(slug):
    area = TreatmentArea.objects.get(slug=slug)
    assert area.description
    assert area.keyword_list()


@pytest.mark.parametrize("slug", PROCEDURES)
def test_it_seeds_every_procedure_with_keywords(slug):
    procedure = Procedure.objects.get(slug=slug)
    assert procedure.description
    assert procedure.keyword_list()


def test_it_matches_the_words_patients_use():
    assert "masseter" in TreatmentArea.objects.get(slug="jaw-and-masseter").keyword_list()
    assert "crow's feet" in TreatmentArea.objects.get(slug="crows-feet").keyword_list()
    assert "meso botox" in Procedure.objects.get(slug="mesobotox").keyword_list()
