"""The Pol.is export reader on real open-data conversations and on small broken folders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from consultation.polis_export import (
    MODERATED_OUT,
    PARTICIPANTS_VOTES_FILE,
    VOTES_FILE,
    PolisExportError,
    read_polis_export,
)

COMMENTS = (
    "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
    "1000,d,0,7,1,0,1,Keep the registry public\n"
    '1001,d,1,8,0,1,-1,"Spam, with a comma"\n'
    "1002,d,2,7,0,0,0,Not yet moderated\n"
)


def write_folder(tmp_path: Path, **files: str) -> Path:
    for name, text in files.items():
        (tmp_path / name.replace("_", "-").replace("-csv", ".csv")).write_text(text, encoding="utf-8")
    return tmp_path


def test_real_conversation_is_read_with_summary_comments_votes_and_polis_groups(polis_data: Path) -> None:
    export = read_polis_export(polis_data / "brexit-consensus")

    assert export.topic == "Can there be consensus on Brexit?"
    assert "Brexit" in export.description
    assert len(export.comments) == 50
    assert export.votes_source == VOTES_FILE
    assert len(export.polis_groups) == 204
    assert sum(g is not None for g in export.polis_groups.values()) == 197  # as in SOURCES.md
    pairs = {(v.voter_id, v.comment_id) for v in export.votes}
    assert len(pairs) == len(export.votes)  # one vote per participant and comment


@pytest.mark.parametrize("conversation", ["15-per-hour-seattle", "london.youth.policing"])
def test_last_votes_from_votes_csv_equal_polis_own_matrix(
    polis_data: Path, conversation: str, tmp_path: Path
) -> None:
    # votes.csv holds vote changes; keeping the last one per (voter, comment) must give exactly the matrix
    # Pol.is itself exported in participants-votes.csv.
    folder = polis_data / conversation
    from_events = read_polis_export(folder)
    for name in ("summary.csv", "comments.csv", PARTICIPANTS_VOTES_FILE):
        shutil.copy(folder / name, tmp_path / name)
    from_matrix = read_polis_export(tmp_path)

    assert from_matrix.votes_source == PARTICIPANTS_VOTES_FILE
    assert {(v.voter_id, v.comment_id): v.value for v in from_events.votes} == {
        (v.voter_id, v.comment_id): v.value for v in from_matrix.votes
    }
    assert from_matrix.polis_groups == from_events.polis_groups


def test_a_changed_vote_keeps_the_latest_by_timestamp_not_by_file_order(tmp_path: Path) -> None:
    folder = write_folder(
        tmp_path,
        comments_csv=COMMENTS,
        votes_csv=(
            "timestamp,datetime,comment-id,voter-id,vote\n"
            "3000,d,0,5,-1\n"  # the change of mind, listed first
            "2000,d,0,5,1\n"
            "2500,d,2,5,0\n"
            "2600,d,2,6,1\n"
        ),
    )
    export = read_polis_export(folder)

    assert [(v.voter_id, v.comment_id, v.value) for v in export.votes] == [(5, 0, -1), (5, 2, 0), (6, 2, 1)]
    assert export.votes[0].timestamp_ms == 3000


def test_moderation_status_is_kept_per_comment(tmp_path: Path) -> None:
    export = read_polis_export(
        write_folder(
            tmp_path, comments_csv=COMMENTS, votes_csv="timestamp,datetime,comment-id,voter-id,vote\n"
        )
    )

    assert export.moderated_out_ids == {1}
    assert [c.moderated for c in export.comments] == [1, MODERATED_OUT, 0]
    assert export.comments[1].body == "Spam, with a comma"
    assert export.summary == {}  # summary.csv is optional
    assert export.meta_ids == set()  # no is-meta column


def test_meta_statements_are_recognised_so_they_can_be_left_out_like_pol_is_does(tmp_path: Path) -> None:
    comments = (
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,is-meta,comment-body\n"
        "1000,d,0,7,1,0,1,false,Keep the registry public\n"
        "1001,d,1,8,0,1,1,true,I live in the city centre\n"
    )
    export = read_polis_export(
        write_folder(
            tmp_path, comments_csv=comments, votes_csv="timestamp,datetime,comment-id,voter-id,vote\n"
        )
    )

    assert export.meta_ids == {1}
    assert export.moderated_out_ids == set()


def test_participants_votes_is_used_when_votes_csv_is_missing(tmp_path: Path) -> None:
    folder = write_folder(
        tmp_path,
        comments_csv=COMMENTS,
        participants_votes_csv=(
            "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,1,2\n"
            "4,1,0,2,1,1,1,,-1\n"
            "9,,0,1,0,0,0,,\n"
        ),
    )
    export = read_polis_export(folder)

    assert export.votes_source == PARTICIPANTS_VOTES_FILE
    assert export.vote_triples() == [(4, 0, 1), (4, 2, -1), (9, 0, 0)]
    assert export.polis_groups == {4: 1, 9: None}


@pytest.mark.parametrize(
    ("files", "names", "line"),
    [
        ({"votes_csv": "timestamp,datetime,comment-id,voter-id,vote\n1,d,0,5,1\n2,d,0,6,2\n"}, VOTES_FILE, 3),
        ({"votes_csv": "timestamp,datetime,comment-id,voter-id,vote\n1,d,0,five,1\n"}, VOTES_FILE, 2),
        ({"votes_csv": "timestamp,datetime,comment-id,voter-id,vote\n1,d,42,5,1\n"}, VOTES_FILE, 2),
        ({"votes_csv": "timestamp,comment-id,vote\n"}, VOTES_FILE, 1),
        ({"votes_csv": "timestamp,datetime,comment-id,voter-id,vote\n1,d,0\n"}, VOTES_FILE, 2),
        (
            {"participants_votes_csv": "participant,group-id,0,1,2\n4,0,1,,x\n"},
            PARTICIPANTS_VOTES_FILE,
            2,
        ),
    ],
)
def test_broken_rows_name_the_file_and_line(tmp_path: Path, files: dict, names: str, line: int) -> None:
    folder = write_folder(tmp_path, comments_csv=COMMENTS, **files)

    with pytest.raises(PolisExportError) as error:
        read_polis_export(folder)

    assert error.value.file.endswith(names)
    assert error.value.line == line
    assert f"{names}, line {line}" in str(error.value)


def test_a_comment_spanning_lines_does_not_shift_later_line_numbers(tmp_path: Path) -> None:
    comments = COMMENTS + '1003,d,3,7,0,0,1,"two\nlines"\n1004,d,x,7,0,0,1,bad id\n'
    with pytest.raises(PolisExportError) as error:
        read_polis_export(write_folder(tmp_path, comments_csv=comments, votes_csv="timestamp\n"))
    assert error.value.line == 7


def test_missing_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(PolisExportError, match="comments.csv: file is missing"):
        read_polis_export(write_folder(tmp_path, votes_csv="timestamp\n"))
    (tmp_path / "votes.csv").unlink()
    write_folder(tmp_path, comments_csv=COMMENTS)
    with pytest.raises(PolisExportError, match="neither votes.csv nor participants-votes.csv"):
        read_polis_export(tmp_path)
    with pytest.raises(PolisExportError, match="not a folder"):
        read_polis_export(tmp_path / "nowhere")
