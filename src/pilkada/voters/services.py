"""Storing checked voters: each TPS's list updated as one unit, versioned, logged, counted.

A voter is known by (election, TPS, NIK). An import adds the voters that are new at their TPS,
rewrites the ones whose details changed, and leaves the rest; with ``replace`` the files are
the whole list of every TPS they cover, and voters of those TPS missing from them are removed.
The same NIK at two TPS stays two rows on purpose: that is a duplicate to report, not to
merge.

For each TPS touched, one change-log entry records the list's version, counts and a SHA-256
of its rows before and after, with the file (and its SHA-256) and the sheet and row where the
TPS's rows start; the TPS's registered voters (the DPT figure rule R13 compares result forms
against) are set from the list.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import polars as pl
from django.db import transaction
from django.utils.translation import gettext as _

from pilkada.audit.chain import Origin, record
from pilkada.audit.models import Action
from pilkada.core.bulk import insert_frame, update_rows
from pilkada.core.chunks import chunked
from pilkada.regions.models import PollingStation
from pilkada.voters.checks import VOTER_COLUMNS
from pilkada.voters.models import StationVoterList, Voter, VoterListImport
from pilkada.voters.placement import STATION

KEY = (STATION, "nik")


class StaleVoterList(Exception):
    """A TPS's list was replaced by someone else after the file was checked against it."""


@dataclass
class StationOutcome:
    """What an import did to one TPS's list."""

    station_id: int
    tps: str  # "62.10.02.1012 TPS 001"
    where: str  # file, sheet and row where its rows start, as people read it
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    voters_before: int = 0
    voters_after: int = 0
    source: tuple[str, str, int] = ("", "", 0)  # (file, sheet, row) of ``where``


@dataclass
class VoterImportSummary:
    """What an import did, or in a dry run would do."""

    stations: list[StationOutcome] = field(default_factory=list)
    rejected: int = 0
    warnings: int = 0
    skipped_total_rows: int = 0
    batch_id: int | None = None

    def total(self, name: str) -> int:
        return sum(getattr(s, name) for s in self.stations)

    def describe(self) -> str:
        text = _(
            "%(t)d TPS: %(c)d pemilih baru, %(u)d diubah, %(n)d tidak berubah, %(r)d dihapus."
        ) % {
            "t": len(self.stations),
            "c": self.total("created"),
            "u": self.total("updated"),
            "n": self.total("unchanged"),
            "r": self.total("removed"),
        }
        if self.rejected:
            text += " " + _("%(n)d baris ditolak.") % {"n": self.rejected}
        if self.warnings:
            text += " " + _("%(n)d peringatan.") % {"n": self.warnings}
        if self.skipped_total_rows:
            text += " " + _("%(n)d baris JUMLAH/TOTAL dilewati.") % {"n": self.skipped_total_rows}
        return text


@dataclass(frozen=True)
class Source:
    """Where the voters came from: file names with their SHA-256, the channel, the request."""

    files: dict[str, str]  # file name → SHA-256
    channel: str = "cli"
    request: str = ""


def list_versions(election, station_ids) -> dict[int, int]:
    """The current version of each TPS's list (absent: no list yet), to pass back to
    :func:`store_voters` as ``expected`` when the import is confirmed later."""
    versions: dict[int, int] = {}
    for chunk in chunked(sorted(set(station_ids))):
        versions.update(
            StationVoterList.objects.filter(
                election=election, polling_station_id__in=chunk
            ).values_list("polling_station_id", "version")
        )
    return versions


@transaction.atomic
def store_voters(
    election,
    voters: pl.DataFrame,
    source: Source,
    *,
    replace: bool = False,
    user=None,
    expected: dict[int, int] | None = None,
    rejected: int = 0,
) -> VoterImportSummary:
    """Store checked voters (``voters.checks``) for ``election``; see the module doc.

    ``expected``: the versions the user's preview was made against; if any TPS list changed
    since, :class:`StaleVoterList` is raised and nothing is written.
    """
    summary = VoterImportSummary(rejected=rejected)
    station_ids = voters[STATION].unique().sort().to_list()
    lists = _lock_lists(election, station_ids)
    if expected is not None:
        _check_versions(lists, expected, station_ids)
    old = _existing(election, station_ids)
    incoming = voters.select(STATION, *VOTER_COLUMNS, "_file", "_sheet", "_row")
    diff = _compare(old, incoming, replace)
    batch = VoterListImport.objects.create(
        election=election,
        file_name=" + ".join(source.files)[:255],
        sha256=_sources_digest(source.files),
        user=user,
        source=source.channel,
        stations=len(station_ids),
        voters=diff["write"].height,
        rejected=rejected,
    )
    summary.batch_id = batch.pk
    removed_ids = diff["delete"]
    for chunk in chunked(removed_ids, 10_000):
        Voter.objects.filter(pk__in=chunk)._raw_delete(Voter.objects.db)
    insert_frame(Voter, _rows_for_insert(diff["write"], election.pk, batch.pk))
    final = diff["final"]
    summary.stations = _outcomes(election, station_ids, diff, incoming)
    _save_lists(election, lists, final, batch, station_ids)
    _log(election, summary, lists, final, source, user)
    _set_station_counts(final, source, user)
    return summary


def _lock_lists(election, station_ids) -> dict[int, StationVoterList]:
    lists: dict[int, StationVoterList] = {}
    for chunk in chunked(station_ids):
        for item in StationVoterList.objects.select_for_update().filter(
            election=election, polling_station_id__in=chunk
        ):
            lists[item.polling_station_id] = item
    return lists


def _check_versions(lists, expected: dict[int, int], station_ids) -> None:
    stale = [
        sid for sid in station_ids
        if (lists[sid].version if sid in lists else None) != expected.get(sid)
    ]  # fmt: skip
    if stale:
        names = PollingStation.objects.filter(pk__in=stale[:5]).select_related("desa")
        raise StaleVoterList(
            _(
                "DPT %(n)d TPS sudah diubah orang lain sejak berkas ini diperiksa (mis. %(tps)s); "
                "periksa ulang berkasnya agar perubahan mereka tidak tertimpa."
            )
            % {"n": len(stale), "tps": ", ".join(str(s) for s in names)}
        )


def _existing(election, station_ids) -> pl.DataFrame:
    """The stored voters of these TPS, in the shape of the incoming rows (plus ``id``)."""
    schema = {"id": pl.Int64, STATION: pl.Int64, **_voter_schema()}
    parts = []
    fields = ["id", "polling_station_id", *VOTER_COLUMNS]
    for chunk in chunked(station_ids):
        rows = list(
            Voter.objects.filter(election=election, polling_station_id__in=chunk).values_list(
                *fields
            )
        )
        if rows:
            parts.append(pl.DataFrame(rows, schema=schema, orient="row"))
    return pl.concat(parts) if parts else pl.DataFrame(schema=schema)


def _voter_schema() -> dict:
    schema = dict.fromkeys(VOTER_COLUMNS, pl.String)
    schema.update(number=pl.Int64, birth_date=pl.Date)
    return schema


def _compare(old: pl.DataFrame, incoming: pl.DataFrame, replace: bool) -> dict:
    """New, changed, unchanged and removed voters per TPS; what to delete, write, and the
    lists as they will be."""
    if old.height == 0:
        written = incoming.with_columns(_state=pl.lit("created"))
        return {
            "delete": [],
            "write": incoming,
            "states": written.select(STATION, "_state"),
            "removed": pl.DataFrame(schema={STATION: pl.Int64}),
            "final": incoming.select(STATION, *VOTER_COLUMNS),
        }
    joined = incoming.join(old, on=list(KEY), how="left", suffix="_old")
    same = pl.all_horizontal(
        pl.col(c).eq_missing(pl.col(f"{c}_old")) for c in VOTER_COLUMNS if c != "nik"
    )
    states = joined.with_columns(
        _state=pl.when(pl.col("id").is_null())
        .then(pl.lit("created"))
        .when(same)
        .then(pl.lit("unchanged"))
        .otherwise(pl.lit("updated"))
    )
    write = states.filter(pl.col("_state") != "unchanged").select(incoming.columns)
    changed_ids = states.filter(pl.col("_state") == "updated")["id"].to_list()
    missing = old.join(incoming.select(KEY), on=list(KEY), how="anti")
    removed = missing if replace else missing.clear()
    kept = missing if not replace else missing.clear()
    final = pl.concat(
        [kept.select(STATION, *VOTER_COLUMNS), incoming.select(STATION, *VOTER_COLUMNS)]
    )
    return {
        "delete": changed_ids + removed["id"].to_list(),
        "write": write,
        "states": states.select(STATION, "_state"),
        "removed": removed.select(STATION),
        "final": final,
    }


def _rows_for_insert(frame: pl.DataFrame, election_id: int, batch_id: int) -> pl.DataFrame:
    return frame.select(
        pl.lit(election_id, pl.Int64).alias("election_id"),
        pl.col(STATION).alias("polling_station_id"),
        *[pl.col(c) for c in VOTER_COLUMNS if c != "birth_date"],
        pl.col("birth_date").dt.to_string("%Y-%m-%d"),
        pl.lit(batch_id, pl.Int64).alias("batch_id"),
    )


def _outcomes(election, station_ids, diff, incoming) -> list[StationOutcome]:
    labels = {
        s.pk: f"{s.desa.code} TPS {s.number}"
        for chunk in chunked(station_ids)
        for s in PollingStation.objects.filter(pk__in=chunk).select_related("desa")
    }
    counts = diff["states"].group_by(STATION, "_state").len()
    firsts = incoming.group_by(STATION).agg(pl.col("_file", "_sheet", "_row").first())
    removed = diff["removed"].group_by(STATION).len()
    final = diff["final"].group_by(STATION).len()
    by_station = {sid: StationOutcome(sid, labels[sid], "") for sid in station_ids}
    for sid, state, n in counts.iter_rows():
        setattr(by_station[sid], state, n)
    for sid, n in removed.iter_rows():
        by_station[sid].removed = n
    for sid, n in final.iter_rows():
        by_station[sid].voters_after = n
    for sid, file, sheet, row in firsts.iter_rows():
        by_station[sid].where = f"{file}, {sheet}!{row}"
        by_station[sid].source = (file, sheet, row)
    for outcome in by_station.values():
        outcome.voters_before = outcome.voters_after - outcome.created + outcome.removed
    return list(by_station.values())


def _digests(final: pl.DataFrame) -> dict[int, tuple[int, int, int, str]]:
    """Per TPS: voters, men, women, and the SHA-256 of its rows sorted by NIK."""
    lines = final.sort(STATION, "nik").select(
        STATION,
        pl.col("sex"),
        pl.concat_str(
            [pl.col(c).cast(pl.String).fill_null("") for c in VOTER_COLUMNS], separator="|"
        ).alias("_line"),
    )
    grouped = lines.group_by(STATION).agg(
        pl.len().alias("n"),
        (pl.col("sex") == "L").sum().alias("men"),
        pl.col("_line").str.join("\n"),
    )
    return {
        sid: (n, men, n - men, hashlib.sha256(text.encode()).hexdigest())
        for sid, n, men, text in grouped.iter_rows()
    }


def _save_lists(election, lists, final, batch, station_ids) -> None:
    digests = _digests(final)
    new_lists = []
    for sid in station_ids:
        voters, men, women, digest = digests.get(sid, (0, 0, 0, _EMPTY_DIGEST))
        item = lists.get(sid)
        if item is None:
            item = StationVoterList(election=election, polling_station_id=sid, version=0)
            new_lists.append(item)
        item.before = (item.version, item.voters, item.men, item.women, item.digest)
        item.version += 1
        item.voters, item.men, item.women, item.digest = voters, men, women, digest
        item.last_import = batch
        lists[sid] = item
    StationVoterList.objects.bulk_create(new_lists, batch_size=2000)
    fields = ["version", "voters", "men", "women", "digest", "last_import_id"]
    update_rows(
        StationVoterList,
        fields,
        ["id"],
        ([getattr(item, f) for f in fields] + [item.pk] for item in lists.values()
         if item.before[0] > 0),
    )  # fmt: skip


_EMPTY_DIGEST = hashlib.sha256(b"").hexdigest()


def _log(election, summary, lists, final, source: Source, user) -> None:
    changes = []
    for outcome in summary.stations:
        item = lists[outcome.station_id]
        version, voters, men, women, digest = item.before
        old = None if version == 0 else {
            "versi": version, "pemilih": voters, "laki_laki": men, "perempuan": women,
            "sha256": digest,
        }  # fmt: skip
        new = {
            "versi": item.version, "pemilih": item.voters, "laki_laki": item.men,
            "perempuan": item.women, "sha256": item.digest, "baru": outcome.created,
            "diubah": outcome.updated, "dihapus": outcome.removed,
        }  # fmt: skip
        file, sheet, row = outcome.source
        origin = Origin(
            source=source.channel, file=file, sha256=source.files.get(file, ""),
            locations=[(sheet, row)], request=source.request,
        )  # fmt: skip
        action = Action.CREATE if old is None else Action.UPDATE
        label = f"DPT {election.code} {outcome.tps}"
        changes.append(
            origin.change(
                action,
                "voters.stationvoterlist",
                f"{election.code}/{outcome.tps}",
                label,
                old,
                new,
                0,
            )  # fmt: skip
        )
    record(changes, user=user)


def _set_station_counts(final: pl.DataFrame, source: Source, user) -> None:
    """The TPS's registered voters follow its list (the figure R13 checks forms against);
    each TPS whose figures change gets its own change-log entry, as a TPS import would."""
    counts = final.group_by(STATION).agg(
        (pl.col("sex") == "L").sum().alias("men"), (pl.col("sex") == "P").sum().alias("women")
    )
    wanted = {sid: (m, w) for sid, m, w in counts.iter_rows()}
    file = next(iter(source.files), "")
    origin = Origin(
        source=source.channel, file=file, sha256=source.files.get(file, ""),
        request=source.request, note=_("jumlah pemilih TPS mengikuti DPT"),
    )  # fmt: skip
    updates, changes = [], []
    for chunk in chunked(list(wanted)):
        stations = PollingStation.objects.filter(pk__in=chunk).values_list(
            "pk", "desa__code", "number", "registered_men", "registered_women"
        )
        for pk, desa, number, men, women in stations:
            if (men, women) == wanted[pk]:
                continue
            updates.append([*wanted[pk], pk])
            tps = f"{desa} TPS {number}"
            old = {"registered_men": men, "registered_women": women}
            new = {"registered_men": wanted[pk][0], "registered_women": wanted[pk][1]}
            changes.append(origin.change(Action.UPDATE, "regions.pollingstation", tps, tps,
                                         old, new))  # fmt: skip
    update_rows(PollingStation, ["registered_men", "registered_women"], ["id"], updates)
    record(changes, user=user)


def _sources_digest(files: dict[str, str]) -> str:
    if len(files) == 1:
        return next(iter(files.values()))
    text = "\n".join(f"{sha}  {name}" for name, sha in sorted(files.items()))
    return hashlib.sha256(text.encode()).hexdigest()
