"""``pilkada dpt stats``: the voter list counted per region, like ``pilkada recap``."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from pilkada.core.command import add_area_arguments
from pilkada.core.output import FORMATS, simulated_notice, table, to_csv, to_json
from pilkada.elections.selectors import ElectionNotFound, get_election
from pilkada.recap.selectors import RecapError
from pilkada.voters.models import Disability
from pilkada.voters.selectors import STATS_LEVELS, VoterCounts, VoterStats, voter_stats

# Built when the module is first imported, which the dispatcher does while building its parser,
# in the active language (argparse cannot format a lazy string).
HELP = _(
    "Statistik DPT per wilayah pada tingkat yang diminta (seperti pilkada recap): jumlah TPS, "
    "TPS yang sudah ber-DPT, pemilih, laki-laki, perempuan, pemilih disabilitas per jenis, "
    "pemilih pemula (berumur di bawah 22 tahun pada hari pemungutan suara, sehingga belum bisa "
    "memilih pada pemilihan lima tahun sebelumnya), dan DPT menurut data TPS sebagai "
    "pembanding, ditambah jumlahnya. Kolom tabel dan CSV: kode, nama, tps, tps_ber_dpt, "
    "pemilih, laki_laki, perempuan, disabilitas_<jenis> (fisik, intelektual, mental, wicara, "
    "rungu, netra, lainnya), disabilitas, pemilih_pemula, dpt_tps_l, dpt_tps_p, dpt_tps, "
    "selisih (pemilih - dpt_tps). Kunci JSON: election, simulated, region, region_name, level, "
    "polling_day, first_time_born_after, rows dan total; setiap baris: code, name, tps, "
    "tps_with_voters, voters, men, women, disability (per jenis), disabled, first_time, "
    "registry_men, registry_women, registry_voters, difference."
)

HEADERS = [
    "kode",
    "nama",
    "tps",
    "tps_ber_dpt",
    "pemilih",
    "laki_laki",
    "perempuan",
    *(f"disabilitas_{value}" for value in Disability.values),
    "disabilitas",
    "pemilih_pemula",
    "dpt_tps_l",
    "dpt_tps_p",
    "dpt_tps",
    "selisih",
]


def add_arguments(parser) -> None:
    add_area_arguments(parser, levels=STATS_LEVELS)
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help=_("table (bawaan), json atau csv; kolom dan kunci: lihat di atas"),
    )


def handle(command, opts) -> None:
    try:
        election = get_election(opts["election"])
        stats = voter_stats(election, within=opts["region"], level=opts["level"])
    except (ElectionNotFound, RecapError) as exc:
        raise CommandError(str(exc)) from None
    fmt = opts["format"]
    simulated_notice(election, command.stdout if fmt == "table" else command.stderr)
    if fmt == "json":
        data = {
            "election": election.code,
            "simulated": election.is_simulated,
            "region": stats.within,
            "region_name": stats.total.name,
            "level": stats.level,
            "polling_day": stats.polling_day.isoformat(),
            "first_time_born_after": stats.first_time_born_after.isoformat(),
            "rows": [row_dict(r) for r in stats.rows],
            "total": row_dict(stats.total),
        }
        command.stdout.write(to_json(data), ending="")
        return
    total = stats.total
    rows = [flat_row(r) for r in stats.rows] + [flat_row(total, _("JUMLAH"))]
    if fmt == "csv":
        command.stdout.write(to_csv(HEADERS, rows), ending="")
        return
    command.stdout.write(heading(election, stats))
    command.stdout.write(table(HEADERS, rows, right=set(range(2, len(HEADERS)))), ending="")


def heading(election, stats: VoterStats) -> str:
    area = f"{stats.within} {stats.total.name}" if stats.within else stats.total.name
    return _("%(election)s — DPT %(area)s per %(level)s; pemilih pemula: lahir sesudah %(day)s") % {
        "election": election.name,
        "area": area,
        "level": stats.level,
        "day": stats.first_time_born_after.strftime("%d-%m-%Y"),
    }


def row_dict(row: VoterCounts) -> dict:
    """A row under the stable JSON keys listed in ``HELP``."""
    return {
        "code": row.code,
        "name": row.name,
        "tps": row.tps,
        "tps_with_voters": row.tps_with_voters,
        "voters": row.voters,
        "men": row.men,
        "women": row.women,
        "disability": dict(row.disability),
        "disabled": row.disabled,
        "first_time": row.first_time,
        "registry_men": row.registry_men,
        "registry_women": row.registry_women,
        "registry_voters": row.registry_voters,
        "difference": row.difference,
    }


def flat_row(row: VoterCounts, name: str | None = None) -> list:
    """A row in the order of ``HEADERS`` (the total row is named JUMLAH)."""
    return [
        row.code,
        row.name if name is None else name,
        row.tps,
        row.tps_with_voters,
        row.voters,
        row.men,
        row.women,
        *row.disability.values(),
        row.disabled,
        row.first_time,
        row.registry_men,
        row.registry_women,
        row.registry_voters,
        row.difference,
    ]
