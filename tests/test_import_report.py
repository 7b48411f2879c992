"""What `import_threads` tells the operator: one line per file at -v 2, and a summary that
names the incomplete files."""

from pathlib import Path

import pytest

from tests.test_import_threads import NEW_ANSWER, SAMPLE_000, run_import

pytestmark = pytest.mark.django_db


def cut_off(workdir: Path, name: str) -> Path:
    """A copy of sample 000 that stops mid-answer: imported, marked incomplete."""
    text = (workdir / SAMPLE_000).read_text()
    path = workdir / name
    path.write_text(text[: text.index("Michael I. Echavez") - 120])
    return path


def lines_about(out: str, path: Path) -> list[str]:
    return [line for line in out.splitlines() if line.startswith(f"{path}:")]


def test_verbosity_2_prints_one_line_per_file_with_its_outcome(workdir):
    truncated = cut_off(workdir, "009_00000000000000aa.txt")
    bad = workdir / "empty.txt"
    bad.write_text("")

    status, out, err = run_import(workdir, verbosity=2)

    assert status == 1
    assert lines_about(out, workdir / SAMPLE_000) == [f"{workdir / SAMPLE_000}: created"]
    for sample in sorted(workdir.glob("00[1-4]_*.txt")):
        (line,) = lines_about(out, sample)
        assert line == f"{sample}: created" or line.startswith(f"{sample}: created: ")
    # Sample 003 shows 10 of its 16 answers: its line says so.
    (line,) = lines_about(out, next(workdir.glob("003_*.txt")))
    assert line.endswith(": created: declared 16 answers, found 10")
    (line,) = lines_about(out, truncated)
    assert line.startswith(f"{truncated}: created, incomplete: ")
    assert "cut off" in line
    # A failed file has its one line on stderr, naming what is wrong.
    assert lines_about(out, bad) == []
    assert len(lines_about(err, bad)) == 1


def test_verbosity_2_says_what_changed_in_an_updated_file_and_lists_unchanged_ones(workdir):
    run_import(workdir, verbosity=0)
    path = workdir / SAMPLE_000
    disclaimer = "These answers are for educational"
    text = path.read_text().replace(disclaimer, NEW_ANSWER + disclaimer)
    text = text.replace("Doctor Answers 4", "Doctor Answers 5")
    text = text.replace("Took Mesobotox on Cheeks", "Had Mesobotox on Cheeks")
    path.write_text(text.replace("Mesobotox is a very dilute", "Mesobotox is very dilute"))

    status, out, err = run_import(workdir, verbosity=2)

    assert status == 0, err
    assert lines_about(out, path) == [
        f"{path}: updated: title, answer count, capture date changed; "
        "1 answer added, 1 answer changed"
    ]
    for other in sorted(workdir.glob("00[1-4]_*.txt")):
        assert lines_about(out, other) == [f"{other}: unchanged"]


def test_verbosity_1_prints_no_line_per_file(workdir):
    status, out, _ = run_import(workdir, verbosity=1)

    assert status == 0
    assert out.count("\n") == 1 and "5 files: 5 created" in out


def test_the_summary_names_the_incomplete_file(workdir):
    truncated = cut_off(workdir, "009_00000000000000aa.txt")

    status, out, _ = run_import(workdir)

    assert status == 0
    assert f"[1 incomplete: {truncated}]" in out


def test_the_summary_names_the_first_incomplete_files_and_counts_the_rest(workdir):
    paths = [cut_off(workdir, f"01{n}_00000000000000a{n}.txt") for n in range(6)]

    status, out, _ = run_import(workdir)

    assert status == 0
    assert f"[6 incomplete: {paths[0]}, {paths[1]}, {paths[2]} and 3 more]" in out
