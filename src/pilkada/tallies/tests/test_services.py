import pytest
from django.contrib.auth import get_user_model

from pilkada.tallies.form import SheetNumbers
from pilkada.tallies.models import ChangeSource, PairVote, TallySheet, TallySheetRevision
from pilkada.tallies.services import (
    SheetWriteError,
    Source,
    StaleSheet,
    save_sheet,
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
