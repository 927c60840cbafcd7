"""Import an existing Lex Heller sheet (XLSX or CSV) into a node: dry run first, then all or none.

``import_sheet(store, path)`` reads the sheet, maps its columns (a guess from the header row or
a mapping file, see :mod:`node.import_mapping`), turns each row into a report and lists every
problem it finds: row number, column, what is wrong and what to do. The personal-data guard
runs on the free text; a row with findings is a problem. With ``dry_run=False`` and no
problems, every row is stored in one transaction; with any problem, nothing is.

Also here: the import and export operations (:func:`operations`) behind ``lexheller node
import|export``, which run inside the node's server when it runs (it owns the database) and
locally otherwise, and :func:`import_report`, the row-by-row listing a person reads.
"""

from __future__ import annotations

import csv
import io
import re
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from common.errors import UsageError
from node import channels, privacy
from node.import_mapping import (
    CODE_FIELDS,
    REQUIRED,
    SHEET_CHANNEL,
    Mapping,
    guess_mapping,
    load_mapping,
    mapping_from_dict,
    match_code,
    match_many,
    preset_mapping,
)
from node.store import NodeStore
from node.web.public import RECEIPT_ALPHABET, new_receipt
from schemas.validation import validate_report_dict
from schemas.wire import InvalidPayload

if TYPE_CHECKING:
    from node.runtime import Node

TEXT_LIMITS = {
    "reporter_role": 200,
    "reporter_name": 200,
    "reporter_contact": 200,
    "description": 4000,
    "consequences": 4000,
    "suggestion": 4000,
    "raised_elsewhere": 4000,
    "feedback": 4000,
}  # as report.schema.json; fmt: skip
TEXT_FIELDS = tuple(TEXT_LIMITS)
GUARDED = ("reporter_role", "description", "consequences", "suggestion", "raised_elsewhere",
           "feedback")  # fmt: skip
_RECEIPT = re.compile(rf"^LH-[{RECEIPT_ALPHABET}]{{4}}-[{RECEIPT_ALPHABET}]{{4}}$")
_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d", "%d/%m/%Y",
                 "%d.%m.%Y", "%d-%m-%Y", "%Y%m%d", "%Y-%m-%dT%H:%M:%S")  # fmt: skip


@dataclass
class Problem:
    row: int
    column: str
    sv: str
    en: str

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "sv": self.sv, "en": self.en}


@dataclass
class RowResult:
    row: int
    report: dict[str, Any] | None
    problems: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        r = self.report or {}
        when = r.get("received_at")
        return (f"{when:%Y-%m-%d} {r.get('organisation')} → {', '.join(r.get('aktorer', []))}"
                f" ({r.get('status')})") if when else ""  # fmt: skip


@dataclass
class ImportResult:
    path: str
    mapping: Mapping
    rows: list[RowResult]
    file_problems: list[Problem]
    applied: bool = False
    imported: int = 0
    seconds: float = 0.0

    @property
    def problems(self) -> list[Problem]:
        return self.file_problems + [p for r in self.rows for p in r.problems]

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self, rows: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path, "mapping": self.mapping.to_dict(), "ok": self.ok,
            "applied": self.applied, "imported": self.imported, "row_count": len(self.rows),
            "problem_count": len(self.problems), "seconds": round(self.seconds, 3),
            "problems": [p.to_dict() for p in self.problems],
        }  # fmt: skip
        if rows:
            out["rows"] = [{"row": r.row, "ok": not r.problems, "summary": r.summary()}
                           for r in self.rows]  # fmt: skip
        return out


# ---------------------------------------------------------------------- reading


def _read_csv(path: Path) -> list[list[Any]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _read_xlsx(path: Path) -> list[list[Any]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        return [list(row) for row in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()


def read_sheet(path: Path) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """Header row and (row number as a person sees it, cells) for every non-empty row."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        rows = _read_xlsx(path)
    elif suffix in (".csv", ".txt"):
        rows = _read_csv(path)
    else:
        raise UsageError.of("err_import_file_type", name=path.name)
    filled = [i for i, r in enumerate(rows) if any(c not in (None, "") for c in r)]
    if not filled:
        raise UsageError.of("err_import_file_empty", name=path.name)
    # sheets often have a title above the header: take the early row naming most known columns
    known = [(len(guess_mapping(rows[i]).columns), -i) for i in filled[:20]]
    best, neg = max(known)
    start = -neg if best >= 2 else filled[0]
    headers = [str(c).strip() if c is not None else "" for c in rows[start]]

    def body() -> Iterator[tuple[int, list[Any]]]:
        for i in range(start + 1, len(rows)):
            if any(c not in (None, "") and str(c).strip() for c in rows[i]):
                yield i + 1, rows[i]

    return headers, body()


# ---------------------------------------------------------------------- rows


def _text(value: Any) -> str | None:
    if value is None:
        return None
    s = str(value).replace("\r\n", "\n").strip()
    if len(s) > 1 and s[0] == "'" and s[1] in "=+-@":  # undo our export's formula guard
        s = s[1:]
    return s or None


def parse_date(value: Any) -> datetime | None:
    """A date or time from a cell (datetime, date or common Swedish spellings), else None."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None) if value.tzinfo is None else value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    s = str(value or "").strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(s, fmt)
        except ValueError:
            continue
    return None


class _Row:
    """Builds one report from one row, collecting problems as it goes."""

    def __init__(self, number: int, cells: dict[str, tuple[str, Any]], mapping: Mapping):
        self.number, self.cells, self.mapping = number, cells, mapping
        self.problems: list[Problem] = []

    def problem(self, name: str, sv: str, en: str) -> None:
        column = self.cells.get(name, (name, None))[0]
        self.problems.append(Problem(self.number, column, sv, en))

    def raw(self, name: str) -> Any:
        return self.cells.get(name, ("", None))[1]

    def date(self, name: str, required: bool = False) -> datetime | None:
        value = self.raw(name)
        if value in (None, ""):
            if required:
                self.problem(name, "Datum saknas. Fyll i när anmälan kom in (ÅÅÅÅ-MM-DD).",
                             "The date is missing. Fill in when the report arrived (YYYY-MM-DD).")  # fmt: skip
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.problem(name, f"{value!r} är inget datum. Skriv det som ÅÅÅÅ-MM-DD.",
                         f"{value!r} is not a date. Write it as YYYY-MM-DD.")  # fmt: skip
        return parsed

    def code(self, name: str, required: bool = False) -> str | None:
        value = self.raw(name)
        default = self.mapping.defaults.get(name)
        if value in (None, ""):
            if default:
                return default
            if required:
                self.problem(name, "Värdet saknas. Fyll i en kod eller ett namn från kodlistan.",
                             "The value is missing. Fill in a code or label from the code list.")  # fmt: skip
            return None
        code = match_code(name, value, self.mapping)
        if code is None and default:
            return default
        if code is None:
            self.problem(name, f"{value!r} finns inte i kodlistan {CODE_FIELDS[name]}. Använd en "
                         "kod eller ett namn ur listan, eller lägg till en översättning under "
                         f"[values.{name}] i en mappningsfil.",
                         f"{value!r} is not in the code list {CODE_FIELDS[name]}. Use a code or "
                         "label from the list, or add a translation under "
                         f"[values.{name}] in a mapping file.")  # fmt: skip
        return code

    def many(self, name: str, required: bool = False) -> list[str]:
        codes, unknown = match_many(name, self.raw(name), self.mapping)
        for part in unknown:
            self.problem(name, f"{part!r} känns inte igen. Använd kod eller namn ur listan, "
                         "åtskilda med semikolon.", f"{part!r} is not recognised. Use codes or "
                         "labels from the list, separated by semicolons.")  # fmt: skip
        if required and not codes and not unknown:
            self.problem(name, "Minst en aktör behövs. Fyll i var skavet uppstod.",
                         "At least one actor is needed. Fill in where the friction arose.")  # fmt: skip
        return codes


def build_row(number: int, cells: dict[str, tuple[str, Any]], mapping: Mapping,
              now: datetime) -> RowResult:  # fmt: skip
    """One sheet row as a report ready for `NodeStore.add_reports`, with its problems."""
    row = _Row(number, cells, mapping)
    received = row.date("received_at", required=True)
    event = row.date("event_date")
    closed = row.date("closed_at")
    texts = {name: _text(row.raw(name)) for name in TEXT_FIELDS}
    if not texts["description"]:
        row.problem("description", "Beskrivningen saknas. Fyll i vad som hände.",
                    "The description is missing. Fill in what happened.")  # fmt: skip
    for f in privacy.check_fields({name: texts[name] for name in GUARDED}):
        row.problem(f.field or "", f"Innehåller {f.label('sv')}: {f.text!r}. Ta bort det i "
                    "arket och importera igen.", f"Contains a {f.label('en')}: {f.text!r}. "
                    "Remove it from the sheet and import again.")  # fmt: skip
    kommun_codes, unknown = match_many("kommuner", row.raw("kommuner"), mapping)
    for part in unknown:
        row.problem("kommuner", f"Kommunen {part!r} känns inte igen. Skriv namnet (t.ex. "
                    "Göteborg) eller den fyrsiffriga koden.", f"Municipality {part!r} is not "
                    "recognised. Write its name (e.g. Göteborg) or four-digit code.")  # fmt: skip
    status = row.code("status") or ("S1" if row.raw("status") in (None, "") else None)
    receipt = _text(row.raw("receipt"))
    if receipt and not _RECEIPT.match(receipt.upper()):
        receipt = None  # an old sheet's own case number: keep the row, give a new code
    report: dict[str, Any] = {
        **texts,
        "id": uuid.uuid4().hex,
        "receipt": receipt.upper() if receipt else new_receipt(),
        "received_at": received,
        "event_date": event.date() if event else None,
        "organisation": row.code("organisation", required=True),
        "kommuner": kommun_codes,
        "aktorer": row.many("aktorer", required=True),
        "suggested_problemtyp": row.code("suggested_problemtyp"),
        "suggested_niva": row.code("suggested_niva"),
        "problemtyp": row.code("problemtyp"),
        "niva": row.code("niva"),
        "malgrupp": row.code("malgrupp"),
        "status": status,
        "closed_at": closed,
        "synthetic": False,
        "kanal": row.code("kanal") or SHEET_CHANNEL,  # kept apart (node.channels), not a column
    }
    for name, text in texts.items():
        limit = TEXT_LIMITS[name]
        if text and len(text) > limit:
            row.problem(name, f"Texten har {len(text)} tecken; högst {limit} får plats. Korta den.",
                        f"The text has {len(text)} characters; at most {limit} fit. Shorten it.")  # fmt: skip
    if row.problems:
        return RowResult(number, None, row.problems)
    report["events"] = [
        {"at": received, "kind": "mottagen", "status": "S1", "who": "import"},
        {"at": now, "kind": "importerad", "status": status, "who": "import", "row": number},
    ]
    return RowResult(number, report)


def _mark_already_imported(store: NodeStore, results: list[RowResult]) -> None:
    """A row whose receipt code, or date + organisation + description, is already stored."""
    keys = [
        [r.row, r.report["receipt"], r.report["received_at"].date(), r.report["organisation"],
         r.report["description"]]
        for r in results if r.report
    ]  # fmt: skip
    if not keys:
        return
    with store.cursor() as cur:
        cur.execute("CREATE OR REPLACE TEMP TABLE import_keys (row INTEGER, receipt VARCHAR,"
                    " day DATE, organisation VARCHAR, description VARCHAR)")  # fmt: skip
        cur.executemany("INSERT INTO import_keys VALUES (?, ?, ?, ?, ?)", keys)
        dupes = dict(cur.execute(
            "SELECT k.row, any_value(r.receipt) FROM import_keys k JOIN reports r"
            " ON r.receipt = k.receipt OR (r.received_at::DATE = k.day"
            " AND r.organisation = k.organisation AND r.description = k.description)"
            " GROUP BY k.row").fetchall())  # fmt: skip
        cur.execute("DROP TABLE import_keys")
    for r in results:
        if r.row in dupes:
            r.problems.append(Problem(r.row, "", f"Raden finns redan i noden (kvittokod "
                f"{dupes[r.row]}): den är redan importerad. Ta bort raden ur arket.",
                f"The row is already in the node (receipt code {dupes[r.row]}): it was "
                "imported before. Remove the row from the sheet."))  # fmt: skip


def import_sheet(
    store: NodeStore,
    path: Path,
    mapping: Mapping | Path | dict[str, Any] | None = None,
    dry_run: bool = True,
    preset: str | None = None,
) -> ImportResult:
    """Check (and unless `dry_run`, store) every row of a sheet; all rows or none."""
    started = time.monotonic()
    path = Path(path)
    if not path.exists():
        raise UsageError.of("err_import_file_missing", path=path)
    headers, rows = read_sheet(path)
    if isinstance(mapping, Path):
        mapping = load_mapping(mapping)
    elif isinstance(mapping, dict):
        mapping = mapping_from_dict(mapping)
    if preset:
        mapping = preset_mapping(preset, headers, own=mapping)
    mapping = mapping or guess_mapping(headers)
    index = {h: i for i, h in enumerate(headers) if h}
    file_problems = [
        Problem(
            1,
            column,
            f"Kolumnen {column!r} finns inte i arket. Rätta mappningen.",
            f"The column {column!r} is not in the sheet. Fix the mapping.",
        )  # fmt: skip
        for column in mapping.columns
        if column not in index
    ]
    mapped = set(mapping.columns.values())
    for name in REQUIRED:
        if name not in mapped:
            file_problems.append(Problem(1, name, f"Ingen kolumn för {name!r} hittades. Lägg "
                f"till den i arket eller ange den i en mappningsfil ([columns]).",
                f"No column for {name!r} was found. Add it to the sheet or name it in a "
                "mapping file ([columns]).",
            ))  # fmt: skip
    now = datetime.now(UTC).replace(tzinfo=None)
    results: list[RowResult] = []
    seen: dict[str, int] = {}
    for number, cells in rows:
        by_field = {name: (column, cells[index[column]] if index[column] < len(cells) else None)
                    for column, name in mapping.columns.items() if column in index}  # fmt: skip
        row_result = build_row(number, by_field, mapping, now)
        if row_result.report:
            code = row_result.report["receipt"]
            if code in seen:
                row_result.report["receipt"] = new_receipt()
            seen[code] = number
        results.append(row_result)
    _mark_already_imported(store, results)
    result = ImportResult(str(path), mapping, results, file_problems)
    first = next((r for r in results if r.report), None)
    if first is not None and first.report is not None:
        # The rows are built by the checks above; the schema (slow per row) guards the contract.
        try:
            validate_report_dict({k: v for k, v in first.report.items()
                                  if k not in ("events", "kanal")})  # fmt: skip
        except InvalidPayload as e:
            first.problems.append(Problem(first.row, "", f"Raden går inte att spara: {e}.",
                                          f"The row cannot be stored: {e}."))  # fmt: skip
    if not dry_run and result.ok and results:
        reports = [r.report for r in results if r.report]
        # the channels first, removed again if the reports cannot be stored: all or nothing
        with store.cursor() as cur:
            channels.record(cur, [(r["id"], r["kanal"]) for r in reports], now, "import")
        try:
            result.imported = store.add_reports(reports, who="import")
        except Exception:
            with store.cursor() as cur:
                cur.execute("DELETE FROM report_channels WHERE list_contains(?, report_id)",
                            [[r["id"] for r in reports]])  # fmt: skip
            raise
        result.applied = True
    result.seconds = time.monotonic() - started
    return result


# ---------------------------------------------------------------------- operations and CLI


def operations(node: Node) -> dict[str, Callable[..., dict[str, Any]]]:
    """Import and export as node operations (merged into ``Node.operations()``)."""
    from node.export import export_cases

    def op_import(file: str, mapping: str | None = None, apply: bool = False,
                  preset: str | None = None) -> dict[str, Any]:  # fmt: skip
        result = import_sheet(node.store, Path(file), Path(mapping) if mapping else None,
                              dry_run=not apply, preset=preset)  # fmt: skip
        return result.to_dict()

    def op_export(out: str) -> dict[str, Any]:
        return export_cases(node.store, Path(out))

    return {"import_sheet": op_import, "export_cases": op_export}


def import_report(r: dict[str, Any], lang: str = "sv") -> str:
    """The dry-run / import listing a person reads, row by row."""
    en = lang == "en"
    by_row: dict[int, list[dict[str, Any]]] = {}
    for p in r["problems"]:
        by_row.setdefault(p["row"], []).append(p)
    lines = [f"{'Row' if en else 'Rad'} {p['row']}, {'column' if en else 'kolumn'} "
             f"{p['column']!r}: {p['en'] if en else p['sv']}" for p in by_row.pop(1, [])]  # fmt: skip
    for row in r.get("rows", []):
        if row["ok"]:
            verb = ("imported" if r["applied"] else "would be imported") if en else \
                ("importerad" if r["applied"] else "importeras")  # fmt: skip
            lines.append(f"{'Row' if en else 'Rad'} {row['row']}: {verb} – {row['summary']}")
        for p in by_row.get(row["row"], []):
            lines.append(f"{'Row' if en else 'Rad'} {p['row']}, {'column' if en else 'kolumn'} "
                         f"{p['column']!r}: {p['en'] if en else p['sv']}")  # fmt: skip
    n, bad = r["row_count"], r["problem_count"]
    if r["applied"]:
        lines.append(
            f"{r['imported']} rows imported." if en else f"{r['imported']} rader importerades."
        )
    elif bad:
        lines.append(f"{bad} problems in {n} rows; nothing was imported." if en
                     else f"{bad} problem i {n} rader; ingenting importerades.")  # fmt: skip
    else:
        lines.append(f"Dry run: all {n} rows can be imported; run again with --apply." if en
                     else f"Provkörning: alla {n} rader kan importeras; kör igen med --apply.")  # fmt: skip
    return "\n".join(lines)
