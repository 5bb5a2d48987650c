import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from pilkada.tallies.form import SheetNumbers
from pilkada.tallies.models import ChangeSource, PairVote, TallySheet, TallySheetRevision
from pilkada.tallies.services import (
    ConcurrentChange,
    PlannedSave,
    SheetWriteError,
    Source,
    StaleSheet,
    lock_sheets,
    save_sheet,
    save_sheets,
    set_status,
)

FILE = Source(kind=ChangeSource.FILE, file="kurun.xlsx", sheet="Kurun", row=12)


@pytest.fixture
def station(small_area):
    return small_area[0]


def test_first_save_creates_version_1_with_source(election, station):
    out = save_sheet(
        election=election,
        station=station,
        expected_version=None,
        source=FILE,
        numbers=SheetNumbers(fields={"valid_votes": 150}, votes={1: 100, 2: 50}),
    )
    assert out.created and out.changed and out.sheet.version == 1
    rev = TallySheetRevision.objects.get(sheet=out.sheet)
    assert (rev.version, rev.source, rev.source_file, rev.source_sheet, rev.source_row) == (
        1,
        "file",
        "kurun.xlsx",
        "Kurun",
        12,
    )
    assert rev.numbers == {"fields": {"valid_votes": 150}, "votes": {"1": 100, "2": 50}}
    assert out.sheet.numbers().votes == {1: 100, 2: 50}


def test_partial_save_keeps_unentered_boxes_and_never_zeroes(election, station):
    save_sheet(
        election=election,
        station=station,
        expected_version=None,
        numbers=SheetNumbers(votes={1: 100, 2: 50}),
    )
    out = save_sheet(
        election=election,
        station=station,
        expected_version=1,
        numbers=SheetNumbers(fields={"invalid_votes": 3}),
    )
    sheet = TallySheet.objects.get(pk=out.sheet.pk)
    assert sheet.version == 2
    assert sheet.invalid_votes == 3 and sheet.valid_votes is None
    assert sheet.numbers().votes == {1: 100, 2: 50}


def test_same_numbers_again_is_not_a_new_version(election, station):
    numbers = SheetNumbers(fields={"valid_votes": 150}, votes={1: 100, 2: 50})
    save_sheet(election=election, station=station, expected_version=None, numbers=numbers)
    out = save_sheet(election=election, station=station, expected_version=1, numbers=numbers)
    assert not out.changed and out.sheet.version == 1
    assert TallySheetRevision.objects.count() == 1


def test_stale_write_is_refused_and_writes_nothing(election, station):
    save_sheet(
        election=election,
        station=station,
        expected_version=None,
        numbers=SheetNumbers(votes={1: 100, 2: 50}),
    )
    save_sheet(
        election=election, station=station, expected_version=1, numbers=SheetNumbers(votes={1: 101})
    )
    with pytest.raises(StaleSheet, match="sudah diubah orang lain"):
        save_sheet(
            election=election,
            station=station,
            expected_version=1,
            numbers=SheetNumbers(votes={1: 999}),
        )
    with pytest.raises(StaleSheet):  # the caller believed there was no sheet yet
        save_sheet(
            election=election,
            station=station,
            expected_version=None,
            numbers=SheetNumbers(votes={1: 999}),
        )
    sheet = TallySheet.objects.get()
    assert sheet.version == 2 and sheet.numbers().votes == {1: 101, 2: 50}


def test_replace_clears_boxes(election, station):
    save_sheet(
        election=election,
        station=station,
        expected_version=None,
        numbers=SheetNumbers(fields={"valid_votes": 150}, votes={1: 100, 2: 50}),
    )
    save_sheet(
        election=election,
        station=station,
        expected_version=1,
        replace=True,
        numbers=SheetNumbers(votes={1: 100}),
    )
    sheet = TallySheet.objects.get()
    assert sheet.valid_votes is None
    assert PairVote.objects.filter(sheet=sheet).count() == 1


def test_rule_breaking_numbers_are_stored(election, station):
    out = save_sheet(
        election=election,
        station=station,
        expected_version=None,
        numbers=SheetNumbers(fields={"valid_votes": 10}, votes={1: 826, 2: 5}),
    )
    assert out.sheet.numbers().votes[1] == 826


def test_unknown_pair_number_is_refused(election, station):
    with pytest.raises(SheetWriteError, match="Nomor urut"):
        save_sheet(
            election=election,
            station=station,
            expected_version=None,
            numbers=SheetNumbers(votes={7: 1}),
        )
    assert not TallySheet.objects.exists()


def test_verified_sheet_needs_reason_and_other_verifier(election, station):
    users = get_user_model().objects
    witness = users.create_user("saksi", password="x")
    supervisor = users.create_user("pengawas", password="x")
    out = save_sheet(
        election=election,
        station=station,
        expected_version=None,
        user=witness,
        numbers=SheetNumbers(votes={1: 100, 2: 50}),
    )
    with pytest.raises(SheetWriteError, match="orang yang memasukkan"):
        set_status(out.sheet, "verified", expected_version=1, user=witness)
    sheet = set_status(out.sheet, "verified", expected_version=1, user=supervisor)
    assert sheet.version == 2 and sheet.status == "verified"
    with pytest.raises(SheetWriteError, match="alasan"):
        save_sheet(
            election=election,
            station=station,
            expected_version=2,
            user=supervisor,
            numbers=SheetNumbers(votes={1: 101}),
        )
    fixed = save_sheet(
        election=election,
        station=station,
        expected_version=2,
        user=supervisor,
        numbers=SheetNumbers(votes={1: 101}),
        source=Source(note="Salah baca angka pada C.Hasil"),
    )
    assert fixed.sheet.version == 3
    notes = list(TallySheetRevision.objects.order_by("version").values_list("note", flat=True))
    assert notes[-1] == "Salah baca angka pada C.Hasil"


def test_verification_rules(election, small_area):
    users = get_user_model().objects
    a, b = users.create_user("a", password="x"), users.create_user("b", password="x")
    st = small_area[0]
    out = save_sheet(
        election=election,
        station=st,
        expected_version=None,
        user=a,
        numbers=SheetNumbers(fields={"valid_votes": 150}, votes={1: 100, 2: 50}),
    )
    sheet = set_status(out.sheet, "submitted", expected_version=1, user=b)
    # b only changed the status: a still entered the numbers
    with pytest.raises(SheetWriteError, match="orang yang memasukkan"):
        set_status(sheet, "verified", expected_version=2, user=a)
    with pytest.raises(SheetWriteError, match="pengguna yang masuk"):
        set_status(sheet, "verified", expected_version=2, user=None)
    sheet = set_status(sheet, "verified", expected_version=2, user=b)
    assert sheet.status == "verified"
    # a corrected number needs a new verification
    out = save_sheet(
        election=election,
        station=st,
        expected_version=3,
        user=b,
        numbers=SheetNumbers(votes={1: 90}),
        source=Source(note="salah ketik"),
    )
    assert out.sheet.status == "submitted"


def test_sheet_with_rule_errors_cannot_be_verified(election, small_area):
    users = get_user_model().objects
    a, b = users.create_user("a", password="x"), users.create_user("b", password="x")
    out = save_sheet(
        election=election,
        station=small_area[0],
        expected_version=None,
        user=a,
        numbers=SheetNumbers(fields={"valid_votes": 10}, votes={1: 826, 2: 5}),
    )
    with pytest.raises(SheetWriteError, match="R5"):
        set_status(out.sheet, "verified", expected_version=1, user=b)
    assert TallySheet.objects.get().status == "draft"


def test_station_outside_the_election_area_is_refused(election, region):
    from pilkada.regions.models import PollingStation

    region("63")
    region("63.01")
    region("63.01.01")
    desa = region("63.01.01.2001")
    outside = PollingStation.objects.create(desa=desa, number="001")
    with pytest.raises(SheetWriteError, match="di luar wilayah"):
        save_sheet(
            election=election,
            station=outside,
            expected_version=None,
            numbers=SheetNumbers(votes={1: 1}),
        )


def test_first_save_losing_a_race_is_a_stale_refusal(election, station, monkeypatch):
    """Two first saves of one TPS: the one that finds no row but cannot insert is refused."""
    from django.db.models.query import QuerySet

    save_sheet(
        election=election,
        station=station,
        expected_version=None,
        numbers=SheetNumbers(votes={1: 100, 2: 50}),
    )
    real_first, raced = QuerySet.first, []

    def first(qs):  # the loser read before the winner's row was committed
        if qs.model is TallySheet and not raced:
            raced.append(True)
            return None
        return real_first(qs)

    monkeypatch.setattr(QuerySet, "first", first)
    with pytest.raises(StaleSheet, match="sudah diubah orang lain"):
        save_sheet(
            election=election,
            station=station,
            expected_version=None,
            numbers=SheetNumbers(votes={1: 999, 2: 1}),
        )
    monkeypatch.undo()
    sheet = TallySheet.objects.get()
    assert sheet.version == 1 and sheet.numbers().votes == {1: 100, 2: 50}
    assert TallySheetRevision.objects.count() == 1


# --- bulk saves (imports)


def _plans(election, stations, numbers, *, locked):

    return [
        PlannedSave(st, locked.get(st.pk), numbers, Source(kind="file", file="f.xlsx", row=i))
        for i, st in enumerate(stations, start=2)
    ]


def test_save_sheets_creates_and_changes_with_versions_votes_and_revisions(
    election, small_area, django_user_model
):

    user = django_user_model.objects.create_user("op")
    pair_ids = dict(election.pairs.values_list("number", "id"))
    first = SheetNumbers(fields={"valid_votes": 10}, votes={1: 4, 2: 6})
    with transaction.atomic():
        locked = lock_sheets(election, small_area[:3])
        save_sheets(election, _plans(election, small_area[:3], first, locked=locked),
                    user=user, pair_ids=pair_ids)  # fmt: skip
    second = SheetNumbers(fields={"valid_votes": 10, "invalid_votes": 1}, votes={1: 10})
    with transaction.atomic():
        locked = lock_sheets(election, small_area[:2])
        assert {s.current_votes[2] for s in locked.values()} == {6}
        save_sheets(election, _plans(election, small_area[:2], second, locked=locked),
                    user=user, pair_ids=pair_ids)  # fmt: skip
    changed = TallySheet.objects.get(polling_station=small_area[0])
    untouched = TallySheet.objects.get(polling_station=small_area[2])
    assert (changed.version, untouched.version) == (2, 1)
    assert changed.numbers().as_dict() == second.as_dict()  # pair 2's votes gone
    assert untouched.numbers().votes == {1: 4, 2: 6}
    assert changed.updated_by == user and changed.updated_at > untouched.updated_at
    revisions = list(changed.revisions.order_by("version"))
    assert [(r.version, r.source_row, r.created_by_id) for r in revisions] == [
        (1, 2, user.pk),
        (2, 2, user.pk),
    ]
    assert SheetNumbers.from_dict(revisions[1].numbers) == second


def test_save_sheets_refuses_a_sheet_changed_after_it_was_read(election, small_area):

    pair_ids = dict(election.pairs.values_list("number", "id"))
    save_sheet(election=election, station=small_area[0], expected_version=None,
               numbers=SheetNumbers(fields={"valid_votes": 1}))  # fmt: skip
    locked = lock_sheets(election, small_area[:1])
    save_sheet(election=election, station=small_area[0], expected_version=1,
               numbers=SheetNumbers(fields={"valid_votes": 2}))  # fmt: skip
    plans = _plans(election, small_area[:2], SheetNumbers(fields={"valid_votes": 3}),
                   locked=locked)  # fmt: skip
    with pytest.raises(ConcurrentChange, match="tidak ada yang disimpan"), transaction.atomic():
        save_sheets(election, plans, pair_ids=pair_ids)
    assert TallySheet.objects.get(polling_station=small_area[0]).valid_votes == 2
    assert not TallySheet.objects.filter(polling_station=small_area[1]).exists()


def test_save_sheets_refuses_a_sheet_created_after_the_read(election, small_area):

    pair_ids = dict(election.pairs.values_list("number", "id"))
    plans = _plans(election, small_area[:1], SheetNumbers(fields={"valid_votes": 3}), locked={})
    save_sheet(election=election, station=small_area[0], expected_version=None,
               numbers=SheetNumbers(fields={"valid_votes": 2}))  # fmt: skip
    with pytest.raises(ConcurrentChange), transaction.atomic():
        save_sheets(election, plans, pair_ids=pair_ids)
    assert TallySheet.objects.get().valid_votes == 2
