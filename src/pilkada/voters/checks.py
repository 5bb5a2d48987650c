"""Checking voter-list tables column by column: every rule of domain.md §4, every error located.

The outcome splits the rows into voters ready to store and rejected rows, each rejected row
with every reason found (a user fixes a row once, not once per re-import). Warnings (a NIK
whose date part disagrees with the birth-date column) never block a row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl
from django.utils.translation import gettext as _

from pilkada.dataio.errors import CellError
from pilkada.voters import cells
from pilkada.voters.placement import STATION, Area, place
from pilkada.voters.privacy import mask
from pilkada.voters.reading import ROW, FileRead, Table

# What a stored voter is made of, in the order the services write it.
VOTER_COLUMNS = (
    "number", "nkk", "nik", "name", "birth_place", "birth_date", "marital", "sex", "address",
    "rt", "rw", "disability",
)  # fmt: skip
TEXT_LIMITS = {"name": 200, "birth_place": 100, "address": 300}
SOURCE = ("_file", "_sheet", ROW)
MAX_NUMBER = 2**31 - 1  # the column's range on every database
MAX_AGE = 120


@dataclass
class Checked:
    """``voters``: one row per valid voter (``_station`` + VOTER_COLUMNS + where it came from);
    ``rejected``: the raw text of each rejected row with its reasons; ``errors`` and
    ``warnings`` as located messages."""

    voters: pl.DataFrame
    rejected: pl.DataFrame
    errors: list[CellError] = field(default_factory=list)
    warnings: list[CellError] = field(default_factory=list)
    file_errors: list[CellError] = field(default_factory=list)  # nothing of the file was read
    reads: list[FileRead] = field(default_factory=list)

    @property
    def error_count(self) -> int:
        return len(self.errors) + len(self.file_errors)


def check(reads: list[FileRead], election, *, desa: str | None = None) -> Checked:
    """Check every table of ``reads`` for ``election`` (its area and polling day)."""
    area = Area.of(election)
    polling_day = election.polling_date
    candidates, errors, warnings, file_errors = [], [], [], []
    tables: list[tuple[Table, pl.DataFrame]] = []
    for read in reads:
        file_errors += read.errors
        for table in read.tables:
            voters, stations, table_errors, table_warnings = _check_table(
                table, area, polling_day, desa
            )
            candidates.append(voters)
            tables.append((table, stations))
            errors += table_errors
            warnings += table_warnings
    voters = pl.concat(candidates, how="diagonal_relaxed") if candidates else _empty_voters()
    errors += _same_nik_twice(voters.filter(pl.col("nik").is_not_null()))
    bad = _bad_rows(errors, tables)
    rejected = _rejected(tables, errors, bad)
    keys = pl.DataFrame(list(bad), schema={"_file": pl.String, "_sheet": pl.String, ROW: pl.Int32},
                        orient="row")  # fmt: skip
    voters = voters.join(keys, on=["_file", "_sheet", ROW], how="anti").filter(
        pl.col(STATION).is_not_null()
    )
    return Checked(voters, rejected, errors, warnings, file_errors, reads)


def _bad_rows(errors: list[CellError], tables) -> set[tuple[str, str, int]]:
    """Every (file, sheet, row) with an error; a sheet-level error rejects its whole sheet."""
    bad = {(e.file, e.sheet, e.row) for e in errors if e.row is not None}
    whole = {(e.file, e.sheet) for e in errors if e.row is None}
    for table, _stations in tables:
        if (table.file, table.sheet) in whole:
            bad |= {(table.file, table.sheet, row) for row in table.frame[ROW].to_list()}
    return bad


def _check_table(table: Table, area: Area, polling_day, desa):
    frame, errors = place(table, area, desa)
    frame = frame.with_columns(_file=pl.lit(table.file), _sheet=pl.lit(table.sheet))
    problems: list[pl.DataFrame] = []  # (_row, column, message)

    def take(column: str, result: pl.DataFrame, name: str | None = None) -> pl.Expr:
        problems.append(_problems(frame, result["error"], column))
        return result["value"].alias(name or column)

    values = []
    numeric = table.numeric
    values.append(take("nik", cells.nik(frame["nik"], numeric.get("nik"), label="NIK")))
    if "nkk" in frame.columns:
        values.append(
            take("nkk", cells.nik(frame["nkk"], numeric.get("nkk"), label="NKK", required=False))
        )
    values.append(take("birth_date", cells.birth_dates(frame["birth_date"],
                                                       polling_day=polling_day)))  # fmt: skip
    values.append(take("sex", cells.sex(frame["sex"])))
    values.append(take("marital", cells.marital(frame["marital"])))
    if "disability" in frame.columns:
        values.append(take("disability", cells.disability(frame["disability"])))
    for column in ("rt", "rw"):
        if column in frame.columns:
            values.append(take(column, cells.rt_rw(frame[column])))
    parsed = pl.DataFrame(values)
    texts = {
        c: cells.text(frame[c]) if c in frame.columns else pl.Series(c, [""] * frame.height)
        for c in ("name", "birth_place", "address")
    }
    for column, limit in TEXT_LIMITS.items():
        message = _("terlalu panjang: lebih dari %(n)d huruf") % {"n": limit}
        too_long = texts[column].str.len_chars() > limit
        problems.append(_problems(frame, _message_where(too_long, message), column))
    problems.append(_problems(frame, _message_where(texts["name"] == "", _("wajib diisi")), "name"))
    eligible = cells.eligibility(parsed["birth_date"], parsed["marital"], polling_day=polling_day)
    problems.append(_problems(frame, eligible, "birth_date"))
    number = (
        frame["number"].str.strip_chars().str.replace(r"\.0+$", "").cast(pl.Int64, strict=False)
        if "number" in frame.columns
        else pl.Series("number", [None] * frame.height, pl.Int64)
    )
    bad_number = number.is_not_null() & ~number.is_between(1, MAX_NUMBER)
    message = _("nomor urut harus bilangan bulat 1–%(n)d") % {"n": MAX_NUMBER}
    problems.append(_problems(frame, _message_where(bad_number, message), "number"))
    too_old = parsed["birth_date"] < _years_before(polling_day, MAX_AGE)
    message = _(
        "tanggal lahir membuat pemilih berumur lebih dari %(n)d tahun pada hari pemungutan "
        "suara; periksa tahunnya (angka kecil seperti '85' dibaca Excel sebagai tanggal di "
        "tahun 1900)"
    ) % {"n": MAX_AGE}
    problems.append(_problems(frame, _message_where(too_old.fill_null(False), message),
                              "birth_date"))  # fmt: skip
    voters = pl.DataFrame(
        {
            STATION: frame[STATION],
            "number": number.alias("number"),
            "nkk": parsed["nkk"] if "nkk" in parsed.columns else pl.Series([""] * frame.height),
            "nik": parsed["nik"],
            "name": texts["name"],
            "birth_place": texts["birth_place"],
            "birth_date": parsed["birth_date"],
            "marital": parsed["marital"],
            "sex": parsed["sex"],
            "address": texts["address"],
            "rt": parsed["rt"] if "rt" in parsed.columns else pl.Series([""] * frame.height),
            "rw": parsed["rw"] if "rw" in parsed.columns else pl.Series([""] * frame.height),
            "disability": parsed["disability"]
            if "disability" in parsed.columns
            else pl.Series([""] * frame.height),
            **{c: frame[c] for c in SOURCE},
        }
    ).with_columns(pl.col("nkk").fill_null(""), pl.col("rt", "rw", "disability").fill_null(""))
    warning_series = cells.nik_consistency(parsed["nik"], parsed["birth_date"], parsed["sex"])
    warnings = _located(table, _problems(frame, warning_series, "nik"))
    found = pl.concat(problems) if problems else _empty_problems()
    errors += _located(table, found)
    return voters, frame.select(ROW, STATION), errors, warnings


def _years_before(day, years: int):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _message_where(mask: pl.Series, message: str) -> pl.Series:
    return pl.select(pl.when(mask).then(pl.lit(message)).otherwise(None)).to_series()


def _problems(frame: pl.DataFrame, messages: pl.Series, column: str) -> pl.DataFrame:
    return (
        pl.DataFrame({ROW: frame[ROW], "message": messages.cast(pl.String)})
        .filter(pl.col("message").is_not_null())
        .with_columns(column=pl.lit(column))
        .select(ROW, "column", "message")
    )


def _empty_problems() -> pl.DataFrame:
    return pl.DataFrame(schema={ROW: pl.Int32, "column": pl.String, "message": pl.String})


def _located(table: Table, problems: pl.DataFrame) -> list[CellError]:
    return [table.error(row, column, message) for row, column, message in problems.iter_rows()]


def _rejected(tables, errors: list[CellError], bad) -> pl.DataFrame:
    """The rejected rows as the user wrote them, with the TPS (when known) and every reason."""
    if not bad:
        return pl.DataFrame()
    reasons: dict[tuple[str, str, int], list[str]] = {}
    for error in errors:
        where = [(error.file, error.sheet, error.row)] if error.row is not None else [
            k for k in bad if k[:2] == (error.file, error.sheet)
        ]  # fmt: skip
        text = f"{error.column}: {error.message}" if error.column else error.message
        for key in where:
            reasons.setdefault(key, []).append(text)
    parts = []
    for table, stations in tables:
        table_key = (table.file, table.sheet)
        rows = [k[2] for k in reasons if k[:2] == table_key]
        if not rows:
            continue
        why = pl.DataFrame(
            {
                ROW: rows,
                "_reason": ["; ".join(reasons[(table.file, table.sheet, r)]) for r in rows],
            },
            schema={ROW: pl.Int32, "_reason": pl.String},
        )
        parts.append(
            table.frame.join(why, on=ROW, how="inner")
            .join(stations, on=ROW, how="left")
            .with_columns(_file=pl.lit(table.file), _sheet=pl.lit(table.sheet))
        )
    return pl.concat(parts, how="diagonal_relaxed") if parts else pl.DataFrame()


def _same_nik_twice(voters: pl.DataFrame) -> list[CellError]:
    """The same NIK twice in the files of one import: every later occurrence is an error that
    names the first (a person is on one TPS's list once)."""
    repeated = voters.filter(pl.col("nik").is_duplicated())
    if repeated.height == 0:
        return []
    errors = []
    first: dict[str, tuple] = {}
    for nik, file, sheet, row in repeated.select("nik", "_file", "_sheet", ROW).iter_rows():
        if nik not in first:
            first[nik] = (file, sheet, row)
            continue
        f, s, r = first[nik]
        errors.append(
            CellError(
                file=file, sheet=sheet, row=row, column="NIK", header="NIK",
                message=_("NIK %(nik)s sudah ada di %(f)s, lembar %(s)s, baris %(r)d; satu "
                          "orang hanya boleh sekali dalam daftar")
                % {"nik": mask(nik), "f": f, "s": s, "r": r},
            )
        )  # fmt: skip
    return errors


def _empty_voters() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            STATION: pl.Int64,
            **dict.fromkeys(VOTER_COLUMNS, pl.String),
            "_file": pl.String,
            "_sheet": pl.String,
            ROW: pl.Int32,
        }  # fmt: skip
    ).with_columns(pl.col("number").cast(pl.Int64), pl.col("birth_date").cast(pl.Date))
