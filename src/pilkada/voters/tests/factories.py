"""Voters for tests, written straight to the tables (no import pipeline involved)."""

from __future__ import annotations

import datetime as dt
import hashlib

from pilkada.voters.models import StationVoterList, Voter, VoterListImport


def nik_for(birth: dt.date, sex: str, serial: int, region: str = "621002") -> str:
    """A NIK whose date part agrees with ``birth`` and ``sex`` (women: day + 40)."""
    day = birth.day + (40 if sex == "P" else 0)
    return f"{region}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


def add_voters(election, station, people: list[dict], *, file_name: str = "uji.xlsx") -> list:
    """Store ``people`` (dicts with any Voter fields; name, birth_date and sex at least) as
    the list of ``station``; fills NIK, NKK and the rest with plausible values."""
    batch = VoterListImport.objects.create(
        election=election, file_name=file_name, sha256="0" * 64, stations=1, voters=len(people)
    )
    voters = []
    for index, person in enumerate(people, start=1):
        values = {
            "number": index,
            "nkk": f"6210020101{index:06d}",
            "birth_place": "KUALA KURUN",
            "marital": "S",
            "address": "JL. TJILIK RIWUT",
            "rt": "001",
            "rw": "002",
            **person,
        }
        values.setdefault("nik", nik_for(values["birth_date"], values["sex"], index))
        voters.append(Voter(election=election, polling_station=station, batch=batch, **values))
    Voter.objects.bulk_create(voters)
    men = sum(1 for v in voters if v.sex == "L")
    StationVoterList.objects.update_or_create(
        election=election,
        polling_station=station,
        defaults={
            "voters": len(voters),
            "men": men,
            "women": len(voters) - men,
            "digest": hashlib.sha256(repr([v.nik for v in voters]).encode()).hexdigest(),
            "last_import": batch,
        },
    )
    return voters
