"""Reads of elections and their candidate pairs."""

from __future__ import annotations

from django.utils.translation import gettext as _

from pilkada.elections.models import CandidatePair, Election


class ElectionNotFound(LookupError):
    def __init__(self, ref: str):
        super().__init__(
            _("Pemilihan '%(ref)s' tidak ditemukan. Lihat daftarnya dengan: pilkada election list")
            % {"ref": ref}
        )


def get_election(ref: str | int) -> Election:
    """An election by its code (``pilbup-gumas-2024``) or, for convenience, its number."""
    ref = str(ref).strip()
    qs = Election.objects.select_related("region")
    election = qs.filter(code=ref).first()
    if election is None and ref.isdigit():
        election = qs.filter(pk=int(ref)).first()
    if election is None:
        raise ElectionNotFound(ref)
    return election


def list_elections():
    return Election.objects.select_related("region").order_by("-polling_date", "code")


def pairs_of(election: Election) -> list[CandidatePair]:
    return list(election.pairs.order_by("number"))
