"""The change log: every change appends one chained entry, the database refuses edits, and
verify finds the first broken link after an edit made behind the application's back."""

import hashlib

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from pilkada.audit.chain import GENESIS, entry_hash, head, verify
from pilkada.audit.models import ChangeLogEntry
from pilkada.audit.seal import _register
from pilkada.tallies.form import SheetNumbers
from pilkada.tallies.imports import import_results_file
from pilkada.tallies.services import Source, save_sheet, set_status

TABLE = "audit_changelogentry"
SHEET = "tallies.tallysheet"


@pytest.fixture
def logged(election, small_area, django_user_model):
    """Five entries: two sheets created, one changed twice, one verified."""
    clerk = django_user_model.objects.create_user("juru")
    checker = django_user_model.objects.create_user("pemeriksa")
    a, b = small_area[0], small_area[1]
    save_sheet(
        election=election,
        station=a,
        expected_version=None,
        user=clerk,
        numbers=SheetNumbers(fields={"valid_votes": 10}, votes={1: 4, 2: 6}),
    )
    save_sheet(
        election=election,
        station=b,
        expected_version=None,
        user=clerk,
        numbers=SheetNumbers(votes={1: 1}),
    )
    save_sheet(
        election=election,
        station=a,
        expected_version=1,
        user=clerk,
        numbers=SheetNumbers(fields={"invalid_votes": 2}),
    )
    outcome = save_sheet(
        election=election,
        station=a,
        expected_version=2,
        user=clerk,
        numbers=SheetNumbers(fields={"invalid_votes": 1}),
    )
    set_status(
        outcome.sheet,
        "verified",
        expected_version=3,
        user=checker,
        source=Source(kind="form", request="POST /tps/ 127.0.0.1"),
    )
    return list(ChangeLogEntry.objects.filter(entity=SHEET).order_by("id"))  # fmt: skip


def _without_seal(sql, params=()):
    """Change the table the way someone with the database file or a superuser could."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS audit_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_no_delete")
        else:
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_append_only")
        cursor.execute(sql, params)


def test_every_change_is_one_chained_entry(logged):
    assert [(e.action, e.username) for e in logged] == [
        ("create", "juru"), ("create", "juru"), ("update", "juru"), ("update", "juru"),
        ("update", "pemeriksa"),
    ]  # fmt: skip
    first, _b, second, third, verified = logged
    assert first.old is None and first.new["votes"] == {"1": 4, "2": 6}
    assert (second.old["version"], second.new["version"]) == (1, 2)
    assert second.new["fields"] == {"valid_votes": 10, "invalid_votes": 2}
    assert (verified.old["status"], verified.new["status"]) == ("draft", "verified")
    assert verified.request == "POST /tps/ 127.0.0.1"
    everything = list(ChangeLogEntry.objects.order_by("id"))
    assert everything[0].prev_hash == GENESIS
    assert all(e.prev_hash == p.hash for p, e in zip(everything, everything[1:], strict=False))
    assert (head().last_id, head().hash) == (verified.pk, verified.hash)
    verdict = verify()
    assert verdict.ok and verdict.entries == len(everything) and verdict.head == verified.hash


def test_an_import_records_the_file_its_sha256_sheet_and_row(election, small_area, tmp_path):
    path = tmp_path / "hasil.csv"
    path.write_text("kode_tps;suara_paslon_1\n6210011001001;5\n6210011001002;7\n")
    import_results_file(election, path)
    entries = list(ChangeLogEntry.objects.filter(entity=SHEET).order_by("id"))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert [(e.source, e.source_file, e.source_sha256, e.source_sheet, e.source_row)
            for e in entries] == [("file", "hasil.csv", digest, "hasil", 2),
                                  ("file", "hasil.csv", digest, "hasil", 3)]  # fmt: skip
    assert verify().ok


def test_a_dry_run_or_a_rejected_import_records_nothing(election, small_area, tmp_path):
    path = tmp_path / "hasil.csv"
    path.write_text("kode_tps;suara_paslon_1\n6210011001001;5\n")
    before = head().hash
    import_results_file(election, path, dry_run=True)
    assert not ChangeLogEntry.objects.filter(entity=SHEET).exists() and head().hash == before


@pytest.mark.parametrize("statement", [
    f"UPDATE {TABLE} SET username = 'orang lain'",
    f"DELETE FROM {TABLE}",
])  # fmt: skip
def test_the_database_refuses_updates_and_deletes(logged, statement):
    refused = pytest.raises(DatabaseError, match="hanya boleh ditambah")
    with refused, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert ChangeLogEntry.objects.filter(entity=SHEET).count() == 5 and verify().ok


def test_a_tool_without_pilkada_is_refused_too(logged):
    """A program opening the SQLite file lacks the seal's function: its UPDATE fails."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        connection.connection.create_function("pilkada_log_sealed", 0, None)  # unregister
    try:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET note = 'x'")
    finally:
        if connection.vendor == "sqlite":
            _register(None, connection)
    assert verify().ok


def test_an_edited_entry_is_caught_where_it_was_edited(logged):
    target = logged[2]
    _without_seal(f"UPDATE {TABLE} SET new = %s WHERE id = %s",
                  ['{"version": 2, "fields": {"valid_votes": 99}}', target.pk])  # fmt: skip
    verdict = verify()
    assert not verdict.ok
    assert f"#{target.pk}: isinya tidak cocok" in verdict.message
    with pytest.raises(CommandError, match=f"Rantai putus di catatan #{target.pk}"):
        call_command("audit", "verify")


def test_an_edit_that_rehashes_the_entry_breaks_the_next_link(logged):
    target = logged[1]
    values = {f: getattr(target, f) for f in
              ("created_at", "user_id", "username", "action", "entity", "entity_id", "label",
               "old", "new", "source", "source_file", "source_sha256", "source_sheet",
               "source_row", "request", "note")}  # fmt: skip
    values["new"] = {"votes": {"1": 100}}
    forged = entry_hash(target.prev_hash, values)
    _without_seal(f"UPDATE {TABLE} SET new = %s, hash = %s WHERE id = %s",
                  ['{"votes": {"1": 100}}', forged, target.pk])  # fmt: skip
    verdict = verify()
    assert not verdict.ok and f"#{logged[2].pk}: hash sebelumnya tidak cocok" in verdict.message


def test_deleted_entries_are_caught(logged):
    _without_seal(f"DELETE FROM {TABLE} WHERE id = %s", [logged[3].pk])
    assert f"#{logged[4].pk}: hash sebelumnya" in verify().message
    _without_seal(f"DELETE FROM {TABLE} WHERE id >= %s", [logged[3].pk])
    verdict = verify()
    assert not verdict.ok and "Ujung rantai tercatat" in verdict.message


def test_export_writes_every_entry_as_text(logged, tmp_path):
    out = tmp_path / "log.xlsx"
    call_command("audit", "export", "--output", str(out))
    ws = openpyxl.load_workbook(out).active
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert [r[0] for r in rows] == list(ChangeLogEntry.objects.values_list("id", flat=True))
    assert rows[-1][-1] == logged[-1].hash and rows[-1][2] == "pemeriksa"
    assert logged[-1].hash in ws["A1"].value


NEW_NAME = "Kab. Gunung Mas (baru)"


def test_master_data_changes_are_logged_with_their_file_rows(gumas_regions, tmp_path):
    from pilkada.regions.imports import import_regions_file

    path = tmp_path / "wilayah.csv"
    path.write_text(f"kode;nama\n62.10;{NEW_NAME}\n62.10.99;Kecamatan Uji\n")
    import_regions_file(path)
    changes = list(ChangeLogEntry.objects.filter(source_file="wilayah.csv").order_by("id"))
    assert [(e.action, e.entity_id, e.source_row, e.old, e.new) for e in changes] == [
        ("update", "62.10", 2, {"nama": "Kabupaten Gunung Mas"}, {"nama": NEW_NAME}),
        ("create", "62.10.99", 3, None, {"nama": "Kecamatan Uji"}),
    ]  # fmt: skip
    assert changes[0].source_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert verify().ok


def test_creating_an_election_and_its_pairs_is_logged(election):
    entities = list(
        ChangeLogEntry.objects.filter(entity__startswith="elections.").values_list(
            "action", "entity", "label"
        )
    )
    assert entities[0] == ("create", "elections.election", election.name)
    assert {(a, e) for a, e, _l in entities[1:]} == {("create", "elections.candidatepair")}
    assert len(entities) == 1 + election.pairs.count()
