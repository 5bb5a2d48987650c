"""Masking of NIK and NKK, and the record of every look at them in full.

KPU publishes lists with the last four digits of the NIK as ``****``; Pilkada does the same to
NIK and NKK in every page, export and log unless the user holds the ``voters.view_full_nik``
permission and asks for full values, and every such use is written to
:class:`~pilkada.audit.models.AccessRecord`.
"""

from __future__ import annotations

import getpass

from pilkada.audit.models import AccessRecord

FULL_NIK_PERMISSION = "voters.view_full_nik"
MASKED_DIGITS = 4


def mask(value: str | None) -> str:
    """``3273014508850001`` → ``327301450885****``; empty stays empty; a value too short to
    be a NIK is masked whole."""
    if not value:
        return ""
    if len(value) <= MASKED_DIGITS:
        return "*" * len(value)
    return value[:-MASKED_DIGITS] + "*" * MASKED_DIGITS


def may_see_full(user) -> bool:
    """Whether ``user`` may see NIK/NKK unmasked (None: the command line, run by whoever
    holds the machine and its database)."""
    return user is None or user.has_perm(FULL_NIK_PERMISSION)


def record_access(
    *, action: str, subject: str, rows: int, user=None, source: str = "cli", request: str = ""
) -> AccessRecord:
    """Write down that ``user`` (None: the operating-system user at the command line) saw or
    exported ``rows`` people's full NIK/NKK."""
    username = user.get_username() if user is not None else f"os:{getpass.getuser()}"
    return AccessRecord.objects.create(
        user_id=user.pk if user is not None else None,
        username=username[:150],
        source=source,
        action=action[:60],
        subject=subject[:255],
        rows=rows,
        request=request[:255],
    )
