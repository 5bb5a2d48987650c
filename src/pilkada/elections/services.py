"""Writes to elections and candidate pairs."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from pilkada.audit.chain import CLI_ORIGIN, Origin, record
from pilkada.audit.models import Action
from pilkada.core.imports import ImportSummary, RowProblem
from pilkada.elections.models import (
    CandidatePair,
    Election,
    ElectionKind,
    PairKind,
    VoterSchemeCode,
)
from pilkada.regions.models import Region, RegionLevel

# Which region level each kind of election covers.
KIND_LEVEL = {
    ElectionKind.GUBERNUR: RegionLevel.PROVINSI,
    ElectionKind.BUPATI: RegionLevel.KABKOTA,
    ElectionKind.WALIKOTA: RegionLevel.KABKOTA,
}


class ElectionError(ValueError):
    """Invalid election data; ``str()`` is the Indonesian message."""


def _parse_date(value: str | dt.date) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ElectionError(
            _(
                "Tanggal pemungutan suara '%(v)s' tidak sah; tulis sebagai TTTT-BB-HH, "
                "misalnya 2024-11-27."
            )
            % {"v": value}
        ) from None


def _parse_percent(value) -> Decimal:
    try:
        pct = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        pct = Decimal(-1)
    if not pct.is_finite() or not (0 <= pct < 100) or pct != pct.quantize(Decimal("0.01")):
        raise ElectionError(
            _(
                "Persen cadangan '%(v)s' harus angka 0 sampai di bawah 100, paling banyak dua "
                "desimal (misalnya 2,5)."
            )
            % {"v": value}
        )
    return pct


MAX_VOTER_LIMIT = 10_000
MAX_NAME = 200


@transaction.atomic
def create_election(
    *,
    name: str,
    kind: str,
    region_code: str,
    polling_date: str | dt.date,
    voter_scheme: str = VoterSchemeCode.Y2024,
    voter_limit: int = 600,
    reserve_percent="2.5",
    code: str = "",
    is_simulated: bool = False,
    origin: Origin = CLI_ORIGIN,
    user=None,
) -> Election:
    """Create an election over an existing region; every argument is checked first."""
    if kind not in ElectionKind.values:
        raise ElectionError(
            _("Jenis pemilihan '%(v)s' tidak dikenal; pilih salah satu: %(c)s")
            % {"v": kind, "c": ", ".join(ElectionKind.values)}
        )
    region_code = (region_code or "").strip()
    if kind == ElectionKind.PRESIDEN and region_code:
        raise ElectionError(_("Pemilihan presiden meliputi seluruh Indonesia: kosongkan --region."))
    if kind != ElectionKind.PRESIDEN and not region_code:
        raise ElectionError(_("Kode wilayah pemilihan wajib diisi (--region)."))
    region = Region.objects.filter(code=region_code).first() if region_code else None
    if region is None and region_code:
        raise ElectionError(
            _("Wilayah dengan kode '%(v)s' belum ada; impor dulu: pilkada import wilayah FILE")
            % {"v": region_code}
        )
    expected_level = KIND_LEVEL.get(kind)
    if region is not None and expected_level and region.level != expected_level:
        raise ElectionError(
            _("Pemilihan %(kind)s harus meliputi wilayah tingkat %(level)s, bukan %(actual)s.")
            % {
                "kind": kind,
                "level": RegionLevel(expected_level).label,
                "actual": RegionLevel(region.level).label,
            }
        )
    if voter_scheme not in VoterSchemeCode.values:
        raise ElectionError(
            _("Skema kategori pemilih '%(v)s' tidak dikenal; pilih 2018 atau 2024.")
            % {"v": voter_scheme}
        )
    if not 1 <= int(voter_limit) <= MAX_VOTER_LIMIT:
        raise ElectionError(
            _("Batas pemilih per TPS harus 1 sampai %(max)d.") % {"max": MAX_VOTER_LIMIT}
        )
    date = _parse_date(polling_date)
    area = region.name if region else "indonesia"
    code = slugify(code or f"{kind}-{area}-{date.year}")
    if not code or len(code) > Election._meta.get_field("code").max_length:
        raise ElectionError(
            _("Kode pemilihan harus berisi huruf atau angka, paling banyak 60 karakter.")
        )
    if not name.strip() or len(name.strip()) > MAX_NAME:
        raise ElectionError(
            _("Nama pemilihan wajib diisi, paling banyak %(max)d karakter.") % {"max": MAX_NAME}
        )
    if Election.objects.filter(code=code).exists():
        raise ElectionError(_("Kode pemilihan '%(v)s' sudah dipakai.") % {"v": code})
    election = Election.objects.create(
        code=code,
        name=name.strip(),
        kind=kind,
        region=region,
        polling_date=date,
        voter_scheme=voter_scheme,
        voter_limit=int(voter_limit),
        reserve_percent=_parse_percent(reserve_percent),
        is_simulated=is_simulated,
    )
    state = {
        "name": election.name, "kind": kind, "region": region_code,
        "polling_date": date.isoformat(), "voter_scheme": voter_scheme,
        "voter_limit": election.voter_limit, "reserve_percent": str(election.reserve_percent),
        "is_simulated": is_simulated,
    }  # fmt: skip
    record([origin.change(Action.CREATE, "elections.election", code, election.name, None, state)],
           user=user)  # fmt: skip
    return election


PAIR_KIND_WORDS = {
    "partai": PairKind.PARTY,
    "partai politik": PairKind.PARTY,
    "gabungan partai": PairKind.PARTY,
    "perseorangan": PairKind.INDEPENDENT,
    "independen": PairKind.INDEPENDENT,
    "kotak kosong": PairKind.EMPTY_BOX,
    "kotak_kosong": PairKind.EMPTY_BOX,
}


def _pair_kind(row: dict, existing: CandidatePair | None = None) -> str | None:
    """The kind a row asks for; a file without jenis/partai columns keeps the stored kind."""
    if existing is not None and "jenis" not in row and "partai" not in row:
        return existing.kind
    word = " ".join((row.get("jenis") or "").lower().split())
    if not word:
        return PairKind.PARTY if row.get("partai") else PairKind.INDEPENDENT
    return PAIR_KIND_WORDS.get(word)


def _parties(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"[;,]", text or "") if p.strip()]


def validate_pairs(election: Election, rows: list[dict]) -> list[RowProblem]:
    """Rows: ``nomor_urut``, ``nama_calon``, ``nama_wakil``, optional ``jenis``, ``partai``."""
    problems: list[RowProblem] = []
    seen: set[int] = set()
    stored = {p.number: p for p in election.pairs.all()}
    kinds = {n: p.kind for n, p in stored.items()}
    for i, row in enumerate(rows):
        number = row["nomor_urut"]
        if not 1 <= number <= 99:
            problems.append(RowProblem(i, "nomor_urut", _("nomor urut harus 1 sampai 99")))
        if number in seen:
            problems.append(
                RowProblem(
                    i,
                    "nomor_urut",
                    _("nomor urut %(n)d sudah muncul di baris lain") % {"n": number},
                )
            )
        seen.add(number)
        kind = _pair_kind(row, stored.get(number))
        if kind is None:
            problems.append(
                RowProblem(
                    i,
                    "jenis",
                    _("jenis '%(j)s' tidak dikenal; pilih partai, perseorangan atau kotak kosong")
                    % {"j": row.get("jenis")},
                )
            )
            continue
        kinds[number] = kind
        if kind != PairKind.EMPTY_BOX:
            for column in ("nama_calon", "nama_wakil"):
                if column not in row and number in stored:
                    continue  # not in this file: the stored name stays
                if not row.get(column):
                    problems.append(RowProblem(i, column, _("nama wajib diisi")))
                elif len(row[column]) > MAX_NAME:
                    problems.append(
                        RowProblem(
                            i, column, _("nama paling banyak %(n)d karakter") % {"n": MAX_NAME}
                        )
                    )
        keeps_parties = "partai" not in row and number in stored
        if kind == PairKind.PARTY and not keeps_parties and not _parties(row.get("partai", "")):
            problems.append(
                RowProblem(i, "partai", _("paslon dari partai wajib menyebut partai pengusungnya"))
            )
        if kind == PairKind.INDEPENDENT and _parties(row.get("partai", "")):
            problems.append(RowProblem(i, "partai", _("paslon perseorangan tidak diusung partai")))
    boxes = [n for n, k in kinds.items() if k == PairKind.EMPTY_BOX]
    if boxes and (len(boxes) > 1 or len(kinds) != 2):
        index = next((i for i, r in enumerate(rows) if r["nomor_urut"] in boxes), 0)
        problems.append(
            RowProblem(
                index,
                "jenis",
                _(
                    "kotak kosong hanya ada pada pemilihan dengan satu pasangan "
                    "calon (calon tunggal): tepat satu paslon dan satu kotak kosong"
                ),
            )
        )
    return problems


def _pair_state(values: dict) -> dict:
    return {k: values[k] for k in ("kind", "head_name", "deputy_name", "parties") if k in values}


@transaction.atomic
def upsert_pairs(
    election: Election, rows: list[dict], *, origin: Origin = CLI_ORIGIN, user=None
) -> ImportSummary:
    """Create or update an election's candidate pairs by ballot number.

    Columns a file does not have leave the stored values as they are.
    """
    summary = ImportSummary()
    existing = {p.number: p for p in election.pairs.all()}
    log = []
    for index, row in enumerate(rows):
        pair = existing.get(row["nomor_urut"])
        label = f"{election.code} paslon {row['nomor_urut']}"
        kind = _pair_kind(row, pair)
        values = {"kind": kind}
        for column, attr in (("nama_calon", "head_name"), ("nama_wakil", "deputy_name")):
            if kind == PairKind.EMPTY_BOX:
                values[attr] = ""
            elif column in row or pair is None:
                values[attr] = row.get(column, "")
        if "partai" in row or pair is None:
            values["parties"] = _parties(row.get("partai", ""))
        if pair is None:
            pair = CandidatePair.objects.create(
                election=election, number=row["nomor_urut"], **values
            )
            log.append(origin.change(Action.CREATE, "elections.candidatepair", pair.pk, label,
                                     None, _pair_state(values), index))  # fmt: skip
            summary.created += 1
        elif any(getattr(pair, k) != v for k, v in values.items()):
            before = _pair_state({k: getattr(pair, k) for k in values})
            for k, v in values.items():
                setattr(pair, k, v)
            pair.save()
            log.append(origin.change(Action.UPDATE, "elections.candidatepair", pair.pk, label,
                                     before, _pair_state(values), index))  # fmt: skip
            summary.updated += 1
        else:
            summary.unchanged += 1
    record(log, user=user)
    return summary
