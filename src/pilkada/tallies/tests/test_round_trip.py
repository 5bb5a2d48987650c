"""Exporting results to the entry workbook and importing it back changes nothing."""

from io import StringIO

from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pilkada.tallies.form import FIELDS, SheetNumbers
from pilkada.tallies.imports import import_results_file
from pilkada.tallies.models import TallySheet, TallySheetRevision
from pilkada.tallies.services import save_sheet

counts = st.integers(min_value=0, max_value=660)
sheet_numbers = st.builds(
    SheetNumbers,
    fields=st.dictionaries(st.sampled_from(FIELDS), counts, max_size=len(FIELDS)),
    votes=st.dictionaries(st.sampled_from((1, 2)), counts, max_size=2),
)


def snapshot():
    return sorted(
        (s.polling_station_id, s.version, s.status, s.numbers().as_dict().__repr__())
        for s in TallySheet.objects.all()
    )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sheets=st.lists(st.one_of(st.none(), sheet_numbers), min_size=5, max_size=5))
def test_template_of_stored_results_imports_as_no_change(election, small_area, tmp_path, sheets):
    TallySheetRevision.objects.all().delete()
    TallySheet.objects.all().delete()
    for station, numbers in zip(small_area, sheets, strict=True):
        if numbers is not None and (numbers.fields or numbers.votes):
            save_sheet(election=election, station=station, expected_version=None, numbers=numbers)
    before = snapshot()
    path = tmp_path / "isian.xlsx"
    call_command(
        "template", "hasil", "--election", election.code, "--output", str(path), stdout=StringIO()
    )
    summary = import_results_file(election, path)
    assert (summary.created, summary.changed, summary.conflicts) == (0, 0, [])
    assert summary.unchanged == len(before)
    assert summary.empty == len(small_area) - len(before)
    assert snapshot() == before
