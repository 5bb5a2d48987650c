"""Loading the simulated demo election through the same services every import uses."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from pilkada.access.models import Assignment, Role
from pilkada.demo import generate as g
from pilkada.demo.voters import demo_digest, demo_voters
from pilkada.elections.models import Election
from pilkada.elections.services import create_election, upsert_pairs, validate_pairs
from pilkada.regions.models import PollingStation, Region
from pilkada.regions.services import (
    upsert_regions,
    upsert_stations,
    validate_regions,
    validate_stations,
)
from pilkada.tallies.models import ChangeSource, SheetStatus
from pilkada.tallies.services import Source, save_sheet, set_status
from pilkada.voters.services import Source as VoterSource
from pilkada.voters.services import store_voters

DEMO_USERNAME = "admin"
DEMO_PASSWORD = "pilkada-demo"
# One account per role, all with DEMO_PASSWORD: (user name, role, region or None).
DEMO_KECAMATAN = "62.10.02"  # Kurun
DEMO_ROLE_USERS = [
    ("operator", Role.OPERATOR, DEMO_KECAMATAN),
    ("pengawas", Role.SUPERVISOR, g.KABUPATEN),
    ("saksi", Role.WITNESS, None),  # two TPS in Kurun not yet reported
]


def _ensure_valid(problems) -> None:
    if problems:  # the shipped data is fixed; a problem here is a bug, not a user error
        raise RuntimeError(f"demo data invalid: {problems[:3]}")


def create_demo_user():
    """The demo's administrator account, made together with the demo data."""
    User = get_user_model()
    if not User.objects.filter(username=DEMO_USERNAME).exists():
        User.objects.create_superuser(DEMO_USERNAME, "", DEMO_PASSWORD)


def create_demo_role_users(election) -> None:
    """An operator of Kecamatan Kurun, a supervisor of the kabupaten, and a witness of two
    Kurun TPS that have no result yet, to try each role."""
    User = get_user_model()
    unreported = list(
        PollingStation.objects.filter(desa__code__startswith=DEMO_KECAMATAN + ".")
        .exclude(sheets__election=election)
        .order_by("desa__code", "number")[:2]
    )
    for username, role, region in DEMO_ROLE_USERS:
        user, created = User.objects.get_or_create(username=username)
        if not created:
            continue
        user.set_password(DEMO_PASSWORD)
        user.save()
        if region is not None:
            Assignment.objects.create(user=user, role=role, region=Region.objects.get(code=region))
        else:
            Assignment.objects.bulk_create(
                Assignment(user=user, role=role, polling_station=s) for s in unreported
            )


class DemoRefused(Exception):
    """The database already holds real data the demo would mix with; ``str()`` says so."""


def _refuse_if_real_data() -> None:
    if Election.objects.exists() or PollingStation.objects.exists():
        raise DemoRefused(
            _(
                "Basis data ini sudah berisi pemilihan atau TPS sungguhan; pemilihan contoh "
                "(data simulasi) tidak dimuat agar tidak tercampur. Jalankan demo dengan folder "
                "data terpisah, misalnya: PILKADA_DATA_DIR=./pilkada-demo pilkada demo"
            )
        )


@transaction.atomic
def load_demo(seed: int = g.SEED, *, voters: bool = True) -> tuple[Election, bool]:
    """Load the demo election unless it is already there; returns (election, loaded_now).

    Only into a database without elections or TPS: the demo's simulated TPS and results
    must never mix with real ones. ``voters``: also a simulated voter list (about 90,000
    people, a few seconds; tests that do not need it leave it out).
    """
    existing = Election.objects.filter(code=g.ELECTION_CODE).first()
    if existing:
        return existing, False
    _refuse_if_real_data()
    data = g.generate(seed)
    regions = [
        {"kode": r["kode"], "nama": r["nama"], "tingkat": r["tingkat"]} for r in data.regions
    ]
    _ensure_valid(validate_regions(regions))
    upsert_regions(regions)
    station_rows = [
        {"kode_desa": s.desa_code, "nomor_tps": s.number, "dpt_l": s.men, "dpt_p": s.women}
        for s in data.stations
    ]
    _ensure_valid(validate_stations(station_rows))
    upsert_stations(station_rows)
    election = create_election(
        code=g.ELECTION_CODE,
        name=g.ELECTION_NAME,
        kind="bupati",
        region_code=g.KABUPATEN,
        polling_date=g.POLLING_DATE,
        voter_scheme="2024",
        voter_limit=600,
        reserve_percent=g.RESERVE_PERCENT,
        is_simulated=True,
    )
    pair_rows = [
        {
            "nomor_urut": p["number"],
            "nama_calon": p["head_name"],
            "nama_wakil": p["deputy_name"],
            "jenis": p["kind"],
            "partai": ", ".join(p["parties"]),
        }
        for p in g.PAIRS
    ]
    _ensure_valid(validate_pairs(election, pair_rows))
    upsert_pairs(election, pair_rows)
    stations = {
        (s.desa.code, s.number): s
        for s in PollingStation.objects.filter(
            desa__code__startswith=g.KABUPATEN + "."
        ).select_related("desa")
    }
    pair_ids = dict(election.pairs.values_list("number", "id"))
    for demo_sheet in data.sheets:
        outcome = save_sheet(
            election=election,
            station=stations[(demo_sheet.desa_code, demo_sheet.number)],
            numbers=demo_sheet.numbers,
            expected_version=None,
            source=Source(kind=ChangeSource.DEMO, note=g.FLAW_NOTES.get(demo_sheet.flaw, "")),
            pair_ids=pair_ids,
        )
        status = SheetStatus.VERIFIED if demo_sheet.verified else SheetStatus.SUBMITTED
        set_status(outcome.sheet, status, expected_version=1, source=Source(kind=ChangeSource.DEMO))
    if voters:
        _load_voters(election, stations.values(), seed)
    create_demo_user()
    create_demo_role_users(election)
    return election, True


def _load_voters(election, stations, seed: int) -> None:
    rows = [(s.pk, s.desa.code, s.registered_men, s.registered_women) for s in stations]
    frame = demo_voters(sorted(rows, key=lambda r: (r[1], r[0])), election.polling_date, seed)
    store_voters(election, frame, VoterSource(files={"pemilih-simulasi": demo_digest()},
                                              channel=ChangeSource.DEMO))  # fmt: skip
