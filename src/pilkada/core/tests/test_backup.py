"""Backup and restore round trip: every table comes back exactly, and the chain verifies."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from pilkada.audit.chain import verify
from pilkada.tallies.form import SheetNumbers
from pilkada.tallies.models import TallySheet
from pilkada.tallies.services import save_sheet

pytestmark = pytest.mark.django_db(transaction=True)


def snapshot() -> dict:
    """Every row of every table of the project (and users), in primary-key order."""
    tables = {}
    for model in apps.get_models():
        if model._meta.app_label in {"contenttypes", "sessions", "admin"}:
            continue
        tables[model._meta.db_table] = list(model.objects.order_by("pk").values())
    return tables


def test_backup_then_restore_brings_back_every_row(election, small_area, tmp_path):
    save_sheet(election=election, station=small_area[0], expected_version=None,
               numbers=SheetNumbers(fields={"valid_votes": 5}, votes={1: 2, 2: 3}))  # fmt: skip
    before = snapshot()
    assert sum(len(rows) for rows in before.values()) > 100
    path = tmp_path / "cadangan.db"
    call_command("backup", str(path))
    # life goes on after the backup: a new sheet and a change
    save_sheet(election=election, station=small_area[1], expected_version=None,
               numbers=SheetNumbers(votes={1: 9}))  # fmt: skip
    save_sheet(election=election, station=small_area[0], expected_version=1,
               numbers=SheetNumbers(fields={"valid_votes": 6}))  # fmt: skip
    assert snapshot() != before
    call_command("restore", str(path), "--yes")
    assert snapshot() == before
    assert TallySheet.objects.get().valid_votes == 5
    assert verify().ok


def test_backup_refuses_to_overwrite_and_restore_needs_yes(election, tmp_path):
    path = tmp_path / "cadangan.db"
    call_command("backup", str(path))
    with pytest.raises(CommandError, match="sudah ada"):
        call_command("backup", str(path))
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(path))


def test_restore_refuses_a_file_that_is_not_a_backup(election, tmp_path):
    bogus = tmp_path / "bukan.db"
    bogus.write_bytes(b"PK\x03\x04 this is a workbook")
    before = snapshot()
    with pytest.raises(CommandError, match="bukan cadangan"):
        call_command("restore", str(bogus), "--yes")
    assert snapshot() == before
