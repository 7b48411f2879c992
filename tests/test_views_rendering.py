"""The template filters that turn imported text into HTML: escape first, then our tags."""

from decimal import Decimal

from questions.querysets import HIGHLIGHT_START as S
from questions.querysets import HIGHLIGHT_STOP as E
from questions.templatetags.browse import answer_body, highlight, json_ld, star_percent


def test_it_marks_highlights_only_after_escaping():
    assert highlight(f"<b>{S}botox{E}</b> & {S}smile{E}") == (
        "&lt;b&gt;<mark>botox</mark>&lt;/b&gt; &amp; <mark>smile</mark>"
    )


def test_it_drops_stray_sentinels_so_marks_stay_balanced():
    assert highlight(f"{S}{S}a{E} b{E} {S}c") == "<mark>a</mark> b c"
    assert highlight("") == ""
    assert highlight(None) == ""


def test_it_renders_paragraphs_from_blank_lines_and_single_breaks():
    assert answer_body("One\nTwo\n\n\nThree") == "<p>One</p>\n<p>Two</p>\n<p>Three</p>"


def test_it_renders_bullets_and_numbers_as_lists():
    text = "Intro:\n  • a\n • b\nAfter\n1) c\n2) d\n\n3. e"
    assert answer_body(text) == (
        "<p>Intro:</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<p>After</p>\n"
        "<ol>\n<li>c</li>\n<li>d</li>\n</ol>\n<ol>\n<li>e</li>\n</ol>"
    )


def test_it_escapes_answer_bodies():
    assert answer_body("<script>x</script>\n- <b>y</b>") == (
        "<p>&lt;script&gt;x&lt;/script&gt;</p>\n<ul>\n<li>&lt;b&gt;y&lt;/b&gt;</li>\n</ul>"
    )


def test_it_does_not_take_a_year_or_a_dose_for_a_list_item():
    assert answer_body("2019 was fine.\n20 units.") == "<p>2019 was fine.</p>\n<p>20 units.</p>"


def test_it_fills_stars_in_proportion_to_the_rating():
    assert star_percent(Decimal("4.9")) == "98"
    assert star_percent(Decimal("5.0")) == "100"
    assert star_percent(None) == "0"


def test_it_dumps_json_ld_that_cannot_close_its_script_element():
    dumped = json_ld({"text": "</script><!-- & é"})
    assert dumped == '{"text":"\\u003C/script\\u003E\\u003C!-- \\u0026 é"}'
