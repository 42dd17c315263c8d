"""The organisers' file of volunteers (CSV): good lines imported, bad ones reported with their line, column
and value. The file is read by the one CSV reader of every import (`textsafety.csv_reader`): UTF-8,
UTF-16 or Windows-1252 (French Excel), `,` `;` or tab, an unclosed quote reported on its own line."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.roles import Role
from textsafety.csv_reader import ENCODING, CsvFileError, Table, decode, read_table
from textsafety.normalise import normalise_input, normalises_text

from .. import rules
from ..models import Panel, Volunteer
from ..strata import PROFILE_VALUES, profile_value
from ._common import DeliberationError, _refuse_pool_changes_while_drawing, _require


@dataclass(frozen=True)
class ImportProblem:
    """A line of the file not imported: its number in the file, the column and the value at fault (empty when
    the whole line is), and what is wrong, in the reader's language."""

    line: int
    problem: str
    column: str = ""
    value: str = ""


@dataclass
class ImportReport:
    created: int = 0
    errors: list[ImportProblem] = field(default_factory=list)
    # Lines whose id was already in the pool with the same values: a corrected file sent again leaves them.
    already_in_pool: int = 0
    encoding: str = ""  # of the file's bytes ("cp1252": read as Windows-1252, the page says so)


RESERVED_COLUMNS = {"id", "name", "contact", "address"}


def _read_file(text: str, data: bytes | None) -> tuple[Table, str]:
    """The file as a table, and the encoding of its bytes ("" when handed text)."""
    encoding = ""
    try:
        if data is not None:
            text, encoding = decode(data)
            text = normalise_input(text)  # what @normalises_text does to `text`
        return read_table(text), encoding
    except CsvFileError as error:
        if error.code == ENCODING and error.params.get("line"):
            raise DeliberationError(
                _(
                    "Line %(line)d holds a null character, which no text file has: please save the file as "
                    "UTF-8 CSV."
                )
                % {"line": error.params["line"]}
            ) from error
        if error.code == ENCODING:
            raise DeliberationError(
                _("The file's character encoding cannot be read: please save it as UTF-8 CSV.")
            ) from error
        raise DeliberationError(_("The file must have a header line with an 'id' column.")) from error


def _unknown_profile_value(cells: dict[str, str], columns: list[str]) -> tuple[str, str]:
    """The column and the message when a profile stratum column (age_band, gender, region, education,
    socio_professional) holds no value of that question: quotas and citizens' profiles use these values,
    so a value they never match would leave the person out of every quota. Other columns stay free."""
    for name in columns:
        if name in PROFILE_VALUES and profile_value(name, cells[name]) is None:
            accepted = ", ".join(slug for slug, _label in PROFILE_VALUES[name])
            return name, _("not a value of this question; accepted values: %(accepted)s") % {
                "accepted": accepted
            }
    return "", ""


def _line_problem(cells: dict[str, str], strata_columns: list[str], seen: set[str]) -> ImportProblem | None:
    """What is wrong with one line (its number is set by the caller), or None."""
    ext_id = cells["id"]
    missing = [name for name in strata_columns if not cells[name]]
    if not ext_id:
        return ImportProblem(0, _("the id is empty"), "id")
    if ext_id in seen:
        return ImportProblem(0, _("id %(id)s appears twice") % {"id": ext_id}, "id", ext_id)
    if len(ext_id) > 64:
        return ImportProblem(0, _("the id is longer than 64 characters"), "id", ext_id)
    if missing:
        return ImportProblem(
            0, _("no value for %(columns)s") % {"columns": ", ".join(missing)}, ", ".join(missing)
        )
    column, unknown = _unknown_profile_value(cells, strata_columns)
    if unknown:
        return ImportProblem(0, unknown, column, cells[column])
    return None


@normalises_text
@transaction.atomic
def import_volunteers(*, actor, panel: Panel, text: str = "", data: bytes | None = None) -> ImportReport:
    """Import `id, contact, <strata columns...>, [address]`, given as the file's bytes (`data`) or its text.
    Good rows are kept, bad ones reported with their line number in the file, column and value. A line
    whose id is already in the pool with the same values is left as it is (counted), so the file can be
    sent again once its refused lines are corrected; with other values it is refused."""
    _require(rules.can_edit_selection_inputs(actor, panel))
    _refuse_pool_changes_while_drawing(panel)
    table, encoding = _read_file(text, data)
    header = table.header
    if "id" not in header:
        raise DeliberationError(_("The file must have a header line with an 'id' column."))
    strata_columns = [name for name in header if name and name not in RESERVED_COLUMNS]
    if not strata_columns:
        raise DeliberationError(_("The file has no strata column (e.g. gender, age_band, region)."))
    report = ImportReport(encoding=encoding)
    in_pool = {v.external_id: v for v in Volunteer.objects.filter(panel=panel).exclude(external_id="")}
    seen: set[str] = set()  # ids of this file's lines imported or found in the pool
    for row in table.rows:
        line = row.line
        if row.cells is None:
            report.errors.append(ImportProblem(line, _("a quotation mark is not closed")))
            continue
        if len(row.cells) > len(header):
            extra = ";".join(row.cells[len(header) :])
            report.errors.append(ImportProblem(line, _("more values than columns"), value=extra))
            continue
        if len(row.cells) < len(header):
            report.errors.append(ImportProblem(line, _("fewer values than columns")))
            continue
        cells = {key: value.strip() for key, value in zip(header, row.cells, strict=True)}
        if not any(cells.values()):
            continue  # blank line
        ext_id = cells["id"]
        problem = _line_problem(cells, strata_columns, seen)
        if problem is None:
            strata = {
                name: profile_value(name, cells[name]) if name in PROFILE_VALUES else cells[name]
                for name in strata_columns
            }
            contact, address = cells.get("contact", "")[:200], cells.get("address", "")[:300]
            name = cells.get("name", "")[:200]
            earlier = in_pool.get(ext_id)
            if earlier is not None and (earlier.strata, earlier.name, earlier.contact, earlier.address) == (
                strata, name, contact, address
            ):  # fmt: skip
                seen.add(ext_id)
                report.already_in_pool += 1
                continue
            if earlier is not None:
                problem = ImportProblem(
                    0, _("id %(id)s is already in the pool with other values") % {"id": ext_id}, "id", ext_id
                )
        if problem is not None:
            report.errors.append(ImportProblem(line, problem.problem, problem.column, problem.value))
            continue
        seen.add(ext_id)
        Volunteer.objects.create(
            panel=panel, external_id=ext_id, name=name, contact=contact, strata=strata, address=address,
            source=Volunteer.Source.IMPORT,
        )  # fmt: skip
        report.created += 1
    record_event(
        actor=actor, as_role=Role.ORGANISER, action="panel.volunteers_imported", obj=panel,
        details={"created": report.created, "already_in_pool": report.already_in_pool,
                 "rejected_lines": [problem.line for problem in report.errors]},
    )  # fmt: skip
    return report
