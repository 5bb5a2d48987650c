"""Reads of regions: "everything under X" is a prefix match on the code path."""

from __future__ import annotations

from django.db.models import Q


def within_q(lookup: str, code: str) -> Q:
    """Q for rows whose region ``lookup`` (a code field path) is ``code`` or lies under it."""
    if code == "":  # the whole country
        return Q()
    return Q(**{lookup: code}) | Q(**{f"{lookup}__startswith": code + "."})
