from collections import Counter

import pytest

from pilkada.demo import generate as g
from pilkada.demo.load import load_demo
from pilkada.regions.models import PollingStation, Region
from pilkada.tallies.form import SheetNumbers
from pilkada.tallies.models import TallySheet, TallySheetRevision
from pilkada.tallies.rules import RuleContext, check_sheet
from pilkada.tallies.selectors import checked_sheets
from pilkada.voters.duplicates import election_duplicates
from pilkada.voters.models import Voter


def test_generated_data_is_plausible_and_deterministic():
    data = g.generate()
    assert data == g.generate()
    assert 240 <= len(data.stations) <= 300
    voters = sum(s.men + s.women for s in data.stations)
    assert 70_000 <= voters <= 90_000
    assert all(s.men + s.women <= 600 for s in data.stations)
    assert len(data.sheets) == round(len(data.stations) * g.REPORTED_SHARE)
    assert sorted(s.flaw for s in data.sheets if s.flaw) == sorted(g.FLAWS)


def test_clean_generated_sheets_obey_every_rule():
    data = g.generate()
    registered = {(s.desa_code, s.number): s.men + s.women for s in data.stations}
    for sheet in data.sheets:
        ctx = RuleContext(
            scheme=g.SCHEMES_2024,
            voter_limit=600,
            reserve_percent=g.RESERVE_PERCENT,
            ballot_numbers=(1, 2, 3),
            tps_registered=registered[(sheet.desa_code, sheet.number)],
        )
        findings = check_sheet(sheet.numbers, ctx)
        if sheet.flaw:
            assert any(f.severity == "error" for f in findings), sheet.flaw
        else:
            assert findings == [], (sheet.desa_code, sheet.number, findings)


@pytest.mark.django_db
def test_load_demo_once_through_the_services():
    election, loaded = load_demo()
    assert loaded and election.is_simulated and "SIMULASI" in election.name
    assert Region.objects.filter(level="desa").count() == 127
    assert Region.objects.filter(level="kecamatan").count() == 12
    stations = PollingStation.objects.count()
    assert stations == len(g.generate().stations)
    assert TallySheet.objects.filter(election=election).count() == round(stations * 0.7)
    assert set(TallySheetRevision.objects.values_list("source", flat=True)) == {"demo"}
    statuses = Counter(TallySheet.objects.values_list("status", flat=True))
    assert statuses["verified"] > 0 and statuses["submitted"] > 0
    flagged = [c for c in checked_sheets(election) if c.has_errors]
    assert len(flagged) == len(g.FLAWS)  # the voter list agrees with every TPS (no R13)
    registered = sum(PollingStation.objects.values_list("registered_men", flat=True)) + sum(
        PollingStation.objects.values_list("registered_women", flat=True)
    )
    assert Voter.objects.filter(election=election).count() == registered
    counts = election_duplicates(election).counts
    assert counts[1] >= 1 and counts[2] >= 1 and counts[3] >= 1  # the planted duplicates
    again, loaded_again = load_demo()
    assert again == election and not loaded_again
    assert PollingStation.objects.count() == stations


def test_partial_sheets_are_votes_only():
    partial = [s for s in g.generate().sheets if not s.numbers.fields]
    assert partial, "the demo should show a witness's first, votes-only report"
    assert all(isinstance(s.numbers, SheetNumbers) and len(s.numbers.votes) == 3 for s in partial)


@pytest.mark.django_db
def test_demo_refuses_a_database_with_real_data(small_area):
    from pilkada.demo.load import DemoRefused

    with pytest.raises(DemoRefused, match="tidak tercampur"):
        load_demo()
    assert not TallySheet.objects.exists()
    assert PollingStation.objects.count() == len(small_area)
