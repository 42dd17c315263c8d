"""Read a Pol.is conversation export folder into plain dataclasses (pure: no Django import).

A Pol.is export (https://github.com/compdemocracy/openData) is a folder of CSV files:

- ``summary.csv``: ``key,value`` rows without header (topic, url, conversation-description, ...).
- ``comments.csv``: one row per comment, with ``comment-id``, ``author-id``, ``moderated``
  (1 accepted, -1 moderated out, 0 not yet moderated), ``comment-body`` and ``timestamp`` (ms epoch).
- ``votes.csv``: one row per vote event (``timestamp``, ``comment-id``, ``voter-id``, ``vote`` 1/-1/0).
  A participant who changes their mind appears twice: only their last vote counts.
- ``participants-votes.csv``: one row per participant with Pol.is's own ``group-id`` and one column per
  comment (1/-1/0, empty = not seen). Used for votes only when ``votes.csv`` is absent.

The ``manage.py import_polis`` command turns the result into consultation objects; this module only parses
and validates, so it can be tested and benchmarked outside Django.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ACCEPTED, UNMODERATED, MODERATED_OUT = 1, 0, -1
VOTE_VALUES = frozenset({-1, 0, 1})

SUMMARY_FILE = "summary.csv"
COMMENTS_FILE = "comments.csv"
VOTES_FILE = "votes.csv"
PARTICIPANTS_VOTES_FILE = "participants-votes.csv"

# participants-votes.csv columns that are not comment ids ("xid" appears in newer exports).
_PARTICIPANT_META_COLUMNS = (
    "participant",
    "xid",
    "group-id",
    "n-comments",
    "n-votes",
    "n-agree",
    "n-disagree",
)


class PolisExportError(ValueError):
    """A Pol.is export folder is missing a file or holds a malformed row (message names file and line)."""

    def __init__(self, file: Path | str, message: str, line: int | None = None) -> None:
        self.file = str(file)
        self.line = line
        where = f"{self.file}, line {line}" if line is not None else self.file
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class PolisComment:
    comment_id: int
    author_id: int | None
    moderated: int  # ACCEPTED, UNMODERATED or MODERATED_OUT
    body: str
    timestamp_ms: int | None
    # Newer exports may carry an is-meta column: statements about the participant ("I live in the city"),
    # which Pol.is zeroes out of its analysis like a moderated-out one (conversation.clj mod-update).
    is_meta: bool = False

    @property
    def is_moderated_out(self) -> bool:
        return self.moderated == MODERATED_OUT


@dataclass(frozen=True)
class PolisVote:
    voter_id: int
    comment_id: int
    value: int  # 1 agree, -1 disagree, 0 pass
    timestamp_ms: int | None  # None when read from participants-votes.csv (which has no dates)


@dataclass
class PolisExport:
    folder: Path
    summary: dict[str, str]
    comments: list[PolisComment]
    votes: list[PolisVote]  # one (last) vote per (voter, comment), sorted by voter then comment
    votes_source: str  # the file the votes came from
    # Pol.is's own opinion group per participant at export time (None = not clustered by Pol.is);
    # empty when participants-votes.csv is absent.
    polis_groups: dict[int, int | None] = field(default_factory=dict)

    @property
    def topic(self) -> str:
        return self.summary.get("topic", "")

    @property
    def description(self) -> str:
        return self.summary.get("conversation-description", "")

    @property
    def moderated_out_ids(self) -> set[int]:
        return {c.comment_id for c in self.comments if c.is_moderated_out}

    @property
    def meta_ids(self) -> set[int]:
        """Meta statements (is-meta column, when the export has one): Pol.is leaves them out of its groups."""
        return {c.comment_id for c in self.comments if c.is_meta}

    @property
    def ended_ms(self) -> int | None:
        """When the conversation ended, as far as the export tells (ms epoch): its last vote (votes.csv; the
        last vote kept per voter and comment is each pair's latest), else its last comment
        (participants-votes.csv has no dates); None when the export dates nothing."""
        stamps = [v.timestamp_ms for v in self.votes if v.timestamp_ms is not None]
        if not stamps:
            stamps = [c.timestamp_ms for c in self.comments if c.timestamp_ms is not None]
        return max(stamps, default=None)

    def vote_triples(self) -> list[tuple[int, int, int]]:
        """(voter, comment, value) triples, the input of the opinion-group analysis."""
        return [(v.voter_id, v.comment_id, v.value) for v in self.votes]


def read_polis_export(folder: str | Path) -> PolisExport:
    """Read and validate a Pol.is export folder.

    Requires ``comments.csv`` and either ``votes.csv`` (preferred: it has timestamps and vote changes) or
    ``participants-votes.csv``. ``summary.csv`` is optional. Raises PolisExportError on any problem.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise PolisExportError(folder, "not a folder (expected a Pol.is export folder)")
    summary_path = folder / SUMMARY_FILE
    summary = _read_summary(summary_path) if summary_path.exists() else {}
    comments = _read_comments(folder / COMMENTS_FILE)
    known_ids = {c.comment_id for c in comments}

    participants_path = folder / PARTICIPANTS_VOTES_FILE
    votes_path = folder / VOTES_FILE
    polis_groups: dict[int, int | None] = {}
    pv_votes: list[PolisVote] = []
    if participants_path.exists():
        polis_groups, pv_votes = _read_participants_votes(participants_path, known_ids)
    if votes_path.exists():
        votes, source = _read_votes(votes_path, known_ids), VOTES_FILE
    elif participants_path.exists():
        votes, source = pv_votes, PARTICIPANTS_VOTES_FILE
    else:
        raise PolisExportError(folder, f"neither {VOTES_FILE} nor {PARTICIPANTS_VOTES_FILE} is present")
    return PolisExport(
        folder=folder,
        summary=summary,
        comments=comments,
        votes=sorted(votes, key=lambda v: (v.voter_id, v.comment_id)),
        votes_source=source,
        polis_groups=polis_groups,
    )


def _rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, row) for each non-empty row; line numbers count physical lines (quoted newlines too)."""
    if not path.exists():
        raise PolisExportError(path, "file is missing")
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            start = 1
            for row in reader:
                if row:
                    yield start, row
                start = reader.line_num + 1
    except (csv.Error, UnicodeDecodeError) as exc:
        raise PolisExportError(path, f"unreadable CSV ({exc})") from exc


def _header(path: Path, rows: Iterator[tuple[int, list[str]]], required: tuple[str, ...]) -> dict[str, int]:
    try:
        _, header = next(rows)
    except StopIteration:
        raise PolisExportError(path, "file is empty (no header row)", line=1) from None
    index = {name.strip(): i for i, name in enumerate(header)}
    missing = [name for name in required if name not in index]
    if missing:
        raise PolisExportError(path, f"header lacks column(s) {', '.join(missing)}", line=1)
    return index


def _cell(path: Path, line: int, row: list[str], index: dict[str, int], name: str) -> str:
    i = index[name]
    if i >= len(row):
        raise PolisExportError(path, f"row has {len(row)} cells, column {name!r} is missing", line=line)
    return row[i].strip()


def _int(path: Path, line: int, value: str, name: str, *, optional: bool = False) -> int | None:
    if optional and value == "":
        return None
    try:
        return int(float(value)) if "." in value else int(value)
    except ValueError:
        raise PolisExportError(path, f"{name} {value!r} is not an integer", line=line) from None


def _read_summary(path: Path) -> dict[str, str]:
    summary: dict[str, str] = {}
    for line, row in _rows(path):
        if len(row) < 2:
            raise PolisExportError(path, "expected a key,value row", line=line)
        summary[row[0].strip()] = ",".join(row[1:]).strip()
    return summary


def _read_comments(path: Path) -> list[PolisComment]:
    rows = _rows(path)
    index = _header(path, rows, ("comment-id", "moderated", "comment-body"))
    comments: dict[int, PolisComment] = {}
    for line, row in rows:
        comment_id = _int(path, line, _cell(path, line, row, index, "comment-id"), "comment-id")
        moderated = _int(path, line, _cell(path, line, row, index, "moderated"), "moderated")
        if moderated not in (ACCEPTED, UNMODERATED, MODERATED_OUT):
            raise PolisExportError(path, f"moderated must be 1, 0 or -1, got {moderated}", line=line)
        if comment_id in comments:
            raise PolisExportError(path, f"comment-id {comment_id} appears twice", line=line)
        author = _cell(path, line, row, index, "author-id") if "author-id" in index else ""
        stamp = _cell(path, line, row, index, "timestamp") if "timestamp" in index else ""
        meta_column = next((name for name in ("is-meta", "is_meta") if name in index), None)
        meta = _cell(path, line, row, index, meta_column).strip().lower() if meta_column else ""
        comments[comment_id] = PolisComment(
            comment_id=comment_id,
            author_id=_int(path, line, author, "author-id", optional=True),
            moderated=moderated,
            body=row[index["comment-body"]],
            timestamp_ms=_int(path, line, stamp, "timestamp", optional=True),
            is_meta=meta in ("1", "true", "t"),
        )
    return sorted(comments.values(), key=lambda c: c.comment_id)


def _vote_value(path: Path, line: int, value: str) -> int:
    vote = _int(path, line, value, "vote")
    if vote not in VOTE_VALUES:
        raise PolisExportError(path, f"vote must be 1, -1 or 0, got {vote}", line=line)
    return vote


def _read_votes(path: Path, known_ids: set[int]) -> list[PolisVote]:
    rows = _rows(path)
    index = _header(path, rows, ("timestamp", "comment-id", "voter-id", "vote"))
    # Vote changes: the latest timestamp wins; on equal timestamps the later row in the file wins.
    last: dict[tuple[int, int], PolisVote] = {}
    for line, row in rows:
        comment_id = _int(path, line, _cell(path, line, row, index, "comment-id"), "comment-id")
        if comment_id not in known_ids:
            raise PolisExportError(path, f"vote on comment-id {comment_id} absent from {COMMENTS_FILE}", line)
        vote = PolisVote(
            voter_id=_int(path, line, _cell(path, line, row, index, "voter-id"), "voter-id"),
            comment_id=comment_id,
            value=_vote_value(path, line, _cell(path, line, row, index, "vote")),
            timestamp_ms=_int(path, line, _cell(path, line, row, index, "timestamp"), "timestamp"),
        )
        key = (vote.voter_id, comment_id)
        previous = last.get(key)
        if previous is None or vote.timestamp_ms >= previous.timestamp_ms:
            last[key] = vote
    return list(last.values())


def _read_participants_votes(
    path: Path, known_ids: set[int]
) -> tuple[dict[int, int | None], list[PolisVote]]:
    rows = _rows(path)
    index = _header(path, rows, ("participant", "group-id"))
    comment_columns: list[tuple[int, int]] = []  # (column index, comment id)
    for name, i in index.items():
        if name in _PARTICIPANT_META_COLUMNS:
            continue
        comment_id = _int(path, 1, name, "comment column")
        if comment_id not in known_ids:
            raise PolisExportError(path, f"column for comment-id {comment_id} absent from {COMMENTS_FILE}", 1)
        comment_columns.append((i, comment_id))
    groups: dict[int, int | None] = {}
    votes: list[PolisVote] = []
    for line, row in rows:
        participant = _int(path, line, _cell(path, line, row, index, "participant"), "participant")
        if participant in groups:
            raise PolisExportError(path, f"participant {participant} appears twice", line=line)
        group = _cell(path, line, row, index, "group-id")
        groups[participant] = _int(path, line, group, "group-id", optional=True)
        if len(row) > len(index):
            raise PolisExportError(path, f"row has {len(row)} cells for {len(index)} columns", line=line)
        for i, comment_id in comment_columns:
            cell = row[i].strip() if i < len(row) else ""
            if cell:
                votes.append(PolisVote(participant, comment_id, _vote_value(path, line, cell), None))
    return groups, votes
