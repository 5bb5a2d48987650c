"""File import of an election's candidate pairs."""

from __future__ import annotations

from functools import partial

from pilkada.core.imports import ImportSummary, run_import
from pilkada.dataio.columns import Column, Spec
from pilkada.dataio.parsers import count, text
from pilkada.elections.models import Election
from pilkada.elections.services import upsert_pairs, validate_pairs

PAIR_SPEC = Spec(
    name="paslon",
    columns=[
        Column(
            "nomor_urut", aliases=("nomor urut", "no urut", "nomor"), parser=count, required=True
        ),
        Column(
            "nama_calon", aliases=("calon", "nama calon kepala daerah"), parser=text, required=False
        ),
        Column("nama_wakil", aliases=("wakil", "nama calon wakil"), parser=text, required=False),
        Column("jenis", aliases=("jalur",), parser=text, required=False),
        Column("partai", aliases=("partai pengusung", "pengusung"), parser=text, required=False),
    ],
)


def import_pairs_file(
    election: Election, path, *, dry_run: bool = False, isolated: bool = False
) -> ImportSummary:
    return run_import(
        path,
        PAIR_SPEC,
        partial(validate_pairs, election),
        partial(upsert_pairs, election),
        dry_run=dry_run,
        isolated=isolated,
    )
