"""Validation of the thread list's URL parameters.

The list is reached from links that others shared, bookmarks and hand-edited URLs, so
nothing here raises a validation error at the visitor: unknown values are dropped, a long
search is cut, and the list shows what is left.
"""

from django import forms

from questions.querysets import (
    MAX_SEARCH_LENGTH,
    SORT_ANSWERED,
    SORT_CAPTURED,
    SORT_NEWEST,
    SORT_RELEVANCE,
)

SORT_CHOICES = [
    (SORT_RELEVANCE, "Best match"),
    # Said as what it is: the order threads were added here, not when they were asked.
    (SORT_NEWEST, "Recently added"),
    (SORT_CAPTURED, "Recently captured"),
    (SORT_ANSWERED, "Most answered"),
]


class LenientMultipleChoiceField(forms.MultipleChoiceField):
    """Keeps the known values of a multi-valued parameter and drops the rest."""

    def clean(self, value):
        values = self.to_python(value)
        known = []
        for item in values:
            if self.valid_value(item) and item not in known:
                known.append(item)
        return known


class LenientChoiceField(forms.ChoiceField):
    """An unknown value means "no choice", not an error."""

    def clean(self, value):
        value = self.to_python(value)
        return value if value and self.valid_value(value) else ""


class ThreadFilterForm(forms.Form):
    q = forms.CharField(
        label="Search questions and answers",
        required=False,
        strip=True,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "e.g. botox smile uneven", "size": 30}
        ),
    )
    procedure = LenientChoiceField(label="Procedure", required=False)
    area = LenientMultipleChoiceField(label="Treatment areas", required=False)
    specialty = LenientChoiceField(label="Doctor specialty", required=False)
    named = forms.BooleanField(label="Only threads with named doctors", required=False)
    sort = LenientChoiceField(label="Sort by", required=False, choices=SORT_CHOICES)

    def __init__(self, data, *, procedures, areas, specialties):
        super().__init__(data)
        self.fields["procedure"].choices = [("", "Any procedure")] + [
            (p.slug, p.name) for p in procedures
        ]
        self.fields["area"].choices = [(a.slug, a.name) for a in areas]
        self.fields["specialty"].choices = [("", "Any specialty")] + [(s, s) for s in specialties]
        # clean_q removes NUL itself: a pasted query must never be refused.
        self.fields["q"].validators = []

    def clean_q(self):
        # NUL cannot reach PostgreSQL; runs of whitespace mean nothing to websearch.
        text = " ".join(self.cleaned_data["q"].replace("\x00", " ").split())
        return text[:MAX_SEARCH_LENGTH]

    def clean(self):
        data = super().clean()
        # "Best match" only means something when there is a search.
        if data.get("q"):
            data["sort"] = data.get("sort") or SORT_RELEVANCE
        elif data.get("sort") in ("", SORT_RELEVANCE, None):
            data["sort"] = SORT_NEWEST
        return data

    def filters(self):
        """The valid filters as a dict; the form is lenient, so this always works."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "q": data.get("q", ""),
            "procedure": data.get("procedure", ""),
            "areas": data.get("area", []),
            "specialty": data.get("specialty", ""),
            "named": bool(data.get("named")),
            "sort": data.get("sort") or SORT_NEWEST,
        }
