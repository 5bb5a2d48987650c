"""Bulk row writes (COPY on PostgreSQL, executemany on SQLite) and IN-list chunks."""

import datetime as dt

from django.utils import timezone

from pilkada.core.bulk import insert_rows, update_rows
from pilkada.core.chunks import chunked
from pilkada.tallies.form import SheetNumbers
from pilkada.tallies.models import TallySheet, TallySheetRevision
from pilkada.tallies.services import save_sheet


def test_chunked_cuts_without_losing_or_repeating():
    assert list(chunked(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(chunked([], 3)) == []
    assert sum(len(c) for c in chunked(iter(range(2000)))) == 2000
    assert max(len(c) for c in chunked(range(2000))) == 900


def _sheet(election, station):
    return save_sheet(
        election=election,
        station=station,
        expected_version=None,
        numbers=SheetNumbers(fields={"valid_votes": 1}),
    ).sheet


COLUMNS = ["sheet", "version", "numbers", "status", "created_at", "source", "source_file",
           "source_sheet", "note"]  # fmt: skip


def test_insert_rows_adapts_time_stamps_and_json(election, small_area):
    sheet = _sheet(election, small_area[0])
    when = timezone.make_aware(dt.datetime(2024, 11, 27, 13, 5, 9))
    written = insert_rows(
        TallySheetRevision,
        COLUMNS,
        [
            [sheet.pk, 2, {"fields": {"valid_votes": 2}, "votes": {}}, "draft", when, "file",
             "Kurun \"A\".xlsx", "", "é; tab\tnewline\n"],
            [sheet.pk, 3, {"fields": {}, "votes": {"1": 5}}, "draft", when, "file", "", "", ""],
        ],
    )  # fmt: skip
    assert written == 2
    rows = list(TallySheetRevision.objects.filter(version__gte=2).order_by("version"))
    assert [r.numbers for r in rows] == [
        {"fields": {"valid_votes": 2}, "votes": {}},
        {"fields": {}, "votes": {"1": 5}},
    ]
    assert rows[0].created_at == when
    assert rows[0].source_file == 'Kurun "A".xlsx'
    assert rows[0].note == "é; tab\tnewline\n"  # COPY's special characters survive


def test_update_rows_counts_only_rows_whose_keys_match(election, small_area):
    sheet = _sheet(election, small_area[0])
    matched = update_rows(
        TallySheet,
        ["valid_votes", "version"],
        ["id", "version"],
        [[9, 2, sheet.pk, 1], [8, 3, sheet.pk, 1]],  # the second is stale after the first
    )
    assert matched == 1
    sheet.refresh_from_db()
    assert (sheet.valid_votes, sheet.version) == (9, 2)
    assert update_rows(TallySheet, ["valid_votes"], ["id"], []) == 0
