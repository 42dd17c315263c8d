"""benchmarks/sortition.py takes respondents files as people have them: without an id column the rows are
numbered (as in Flanigan et al.'s replication files, whose first column is `gender`); with one, a
repeated id stops the run with the volunteer import's wording."""

import pytest

from benchmarks.sortition import read_csv_inputs

CATEGORIES = "category,feature,min,max\ngender,female,1,2\ngender,male,1,2\n"


def write(tmp_path, people: str):
    (tmp_path / "categories.csv").write_text(CATEGORIES, encoding="utf-8")
    (tmp_path / "respondents.csv").write_text(people, encoding="utf-8")
    return tmp_path / "categories.csv", tmp_path / "respondents.csv"


def test_a_file_without_id_column_numbers_its_rows(tmp_path):
    volunteers, quotas = read_csv_inputs(
        *write(tmp_path, "gender,leaning\nfemale,liberal\nfemale,liberal\nmale,x\n")
    )
    assert [v.id for v in volunteers] == ["1", "2", "3"]
    assert [v.strata["gender"] for v in volunteers] == ["female", "female", "male"]
    assert len(quotas) == 2


def test_an_id_column_is_used_and_a_repeated_id_stops_with_the_line(tmp_path):
    volunteers, _ = read_csv_inputs(*write(tmp_path, "\ufeffgender;id\nfemale;a7\nmale;b2\n"))
    assert [v.id for v in volunteers] == ["a7", "b2"]
    with pytest.raises(SystemExit, match="line 3: id a7 appears twice"):
        read_csv_inputs(*write(tmp_path, "id,gender\na7,female\na7,male\n"))


def test_a_missing_category_column_is_named(tmp_path):
    with pytest.raises(SystemExit, match="no column for the quota categories gender"):
        read_csv_inputs(*write(tmp_path, "sex,leaning\nfemale,liberal\n"))
