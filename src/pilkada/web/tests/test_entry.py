"""Result entry for one TPS on the web: the form, live checks, versioned saves that refuse a
stale write, and verification by someone other than the person who entered the numbers."""

import pytest
from django.urls import reverse

from pilkada.access.models import Role
from pilkada.core.testing.users import make_user
from pilkada.tallies.form import FIELDS, SheetNumbers
from pilkada.tallies.models import ChangeSource, SheetStatus, TallySheet
from pilkada.tallies.rules import check_sheet
from pilkada.tallies.selectors import ballot_numbers, rule_context
from pilkada.tallies.services import Source, save_sheet


def lpj(row: str, men: int, women: int) -> dict:
    """One L/P/J row of the form, its total being men + women."""
    return {f"{row}_men": men, f"{row}_women": women, f"{row}_total": men + women}


# A consistent form for Kurun TPS 001 (DPT 150 men + 160 women): no findings at all.
CONSISTENT = {
    **lpj("registered_1", 150, 160),
    **lpj("registered_2", 0, 0),
    **lpj("registered_3", 0, 0),
    **lpj("registered_all", 150, 160),
    **lpj("voted_1", 120, 130),
    **lpj("voted_2", 0, 0),
    **lpj("voted_3", 0, 0),
    **lpj("voted_all", 120, 130),
    **lpj("disabled_registered", 2, 1),
    **lpj("disabled_voted", 1, 1),
    "ballots_received": 318,  # 310 + 2.5 % reserve rounded up (8)
    "ballots_damaged": 3,
    "ballots_unused": 65,
    "ballots_used": 250,
    "valid_votes": 240,
    "invalid_votes": 10,
    "total_votes": 250,
    "votes_1": 140,
    "votes_2": 100,
}


def boxes(values=None, **extra) -> dict:
    """POST data: every box (empty unless given) plus the other fields."""
    data = dict.fromkeys((*FIELDS, "votes_1", "votes_2"), "")
    data.update({k: str(v) for k, v in (values or {}).items()})
    data.update({k: str(v) for k, v in extra.items()})
    data.setdefault("versi", "")
    return data


def urls(station) -> dict:
    args = ["uji", station.sirekap_id]
    return {
        name: reverse(f"web:{name}", args=args)
        for name in ("entry", "entry-check", "sheet-status", "sheet")
    }


@pytest.fixture
def kurun(election, small_area):
    return small_area[3]


@pytest.fixture
def witness(kurun):
    return make_user("saksi", Role.WITNESS, stations=[kurun])


@pytest.fixture
def supervisor(kurun):
    return make_user("pengawas", Role.SUPERVISOR, "62.10")


def login(client, user):
    client.force_login(user)
    return client


def sheet_of(station) -> TallySheet | None:
    return TallySheet.objects.filter(polling_station=station).first()


def test_the_consistent_example_has_no_findings(election, kurun):
    numbers = SheetNumbers(
        fields={k: v for k, v in CONSISTENT.items() if not k.startswith("votes_")},
        votes={1: CONSISTENT["votes_1"], 2: CONSISTENT["votes_2"]},
    )
    assert check_sheet(numbers, rule_context(election, kurun, ballot_numbers(election))) == []


def test_the_form_is_laid_out_like_the_paper_form(client, witness, kurun):
    page = login(client, witness).get(urls(kurun)["entry"])
    assert page.status_code == 200
    html = page.content.decode()
    for title in (
        "I. Data pemilih dan pengguna hak pilih",
        "II. Data pemilih disabilitas",
        "III. Data penggunaan surat suara",
        "IV. Data suara sah dan tidak sah",
    ):
        assert title in html
    assert html.count('inputmode="numeric"') == len(FIELDS) + 2
    assert '<label for="id_registered_1_men">' in html and "Pemilih terdaftar DPT" in html
    assert "Calon Satu – Wakil Satu" in html
    assert f'hx-post="{urls(kurun)["entry-check"]}"' in html
    assert 'hx-trigger="input changed delay:400ms"' in html
    assert 'id="entry-findings" aria-live="polite"' in html
    assert 'name="versi"' in html and 'name="alasan"' not in html  # nothing stored yet


def test_a_witness_enters_the_sheet_of_their_tps(client, witness, kurun):
    u = urls(kurun)
    response = login(client, witness).post(u["entry"], boxes(CONSISTENT))
    assert response.status_code == 302 and response["Location"] == u["sheet"]
    sheet = sheet_of(kurun)
    # Saving is submitting: the numbers are version 1, the submission version 2.
    assert (sheet.version, sheet.status) == (2, SheetStatus.SUBMITTED)
    assert sheet.valid_votes == 240 and sheet.numbers().votes == {1: 140, 2: 100}
    first, second = sheet.revisions.order_by("version")
    assert (first.source, first.created_by, first.status) == (
        ChangeSource.FORM,
        witness,
        SheetStatus.DRAFT,
    )
    assert first.numbers["votes"] == {"1": 140, "2": 100}
    assert (second.source, second.created_by, second.status) == (
        ChangeSource.FORM,
        witness,
        SheetStatus.SUBMITTED,
    )
    page = client.get(u["sheet"]).content.decode()
    assert "tersimpan sebagai versi 2" in page
    assert "Angka dimasukkan oleh saksi" in page and "Dikirim" in page
    assert "Tidak ada temuan." in page


def test_a_draft_stays_a_draft_and_emptied_boxes_become_empty(client, witness, kurun):
    u = urls(kurun)
    login(client, witness)
    client.post(u["entry"], boxes(CONSISTENT, aksi="draf"))
    sheet = sheet_of(kurun)
    assert (sheet.version, sheet.status) == (1, SheetStatus.DRAFT)
    values = {**CONSISTENT, "invalid_votes": "", "votes_2": ""}
    assert client.post(u["entry"], boxes(values, versi=1)).status_code == 302
    sheet.refresh_from_db()
    assert sheet.invalid_votes is None and sheet.numbers().votes == {1: 140}
    assert sheet.status == SheetStatus.SUBMITTED


def test_a_sheet_with_a_rule_error_is_saved_and_its_findings_shown(client, witness, kurun):
    u = urls(kurun)
    login(client, witness)
    response = client.post(u["entry"], boxes(valid_votes=160, votes_1=100, votes_2=50))
    assert response.status_code == 302
    sheet = sheet_of(kurun)
    assert sheet.valid_votes == 160  # stored as entered: a wrong form is evidence
    page = client.get(u["sheet"]).content.decode()
    assert "R5" in page
    assert "nomor 1 (100) + nomor 2 (50) = 150, tetapi Jumlah suara sah tertulis 160" in page
    assert "belum dapat diverifikasi sebelum diperbaiki" in page


def test_the_live_check_names_the_failing_rule_in_indonesian(client, witness, kurun):
    u = urls(kurun)
    login(client, witness)
    response = client.post(
        u["entry-check"], boxes(valid_votes=160, votes_1=100, votes_2=50), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert "<strong>R5</strong> kesalahan" in fragment
    assert "tetapi Jumlah suara sah tertulis 160" in fragment
    assert 'href="#id_valid_votes">IV.3</a>' in fragment  # points at the box
    ok = client.post(u["entry-check"], boxes(CONSISTENT), HTTP_HX_REQUEST="true")
    assert "Tidak ada temuan pada angka yang diisi." in ok.content.decode()
    bad = client.post(u["entry-check"], boxes(votes_1="x"), HTTP_HX_REQUEST="true")
    assert "Kotak IV.1: harus bilangan bulat ≥ 0." in bad.content.decode()
    assert sheet_of(kurun) is None  # checking never saves


def test_checking_without_javascript_shows_findings_and_saves_nothing(client, witness, kurun):
    login(client, witness)
    response = client.post(
        urls(kurun)["entry"], boxes(valid_votes=160, votes_1=100, votes_2=50, aksi="periksa")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "tetapi Jumlah suara sah tertulis 160" in html and 'value="160"' in html
    assert sheet_of(kurun) is None


def test_a_stale_save_is_refused_showing_both_values(client, witness, kurun, election):
    operator = make_user("op", Role.OPERATOR, "62.10.02")
    save_sheet(
        election=election,
        station=kurun,
        numbers=SheetNumbers(fields={"valid_votes": 100}, votes={1: 100, 2: 0}),
        expected_version=None,
        user=operator,
        source=Source(kind=ChangeSource.FORM),
    )
    u = urls(kurun)
    login(client, witness)
    opened = client.get(u["entry"]).content.decode()
    assert 'name="versi" value="1"' in opened and 'value="100"' in opened
    # Someone else saves version 2 while the witness's form is open at version 1.
    save_sheet(
        election=election,
        station=kurun,
        numbers=SheetNumbers(fields={"valid_votes": 120}, votes={1: 120, 2: 0}),
        expected_version=1,
        user=operator,
        source=Source(kind=ChangeSource.FORM),
    )
    mine = boxes(valid_votes=110, votes_1=110, votes_2=0, versi=1)
    response = client.post(u["entry"], mine)
    assert response.status_code == 409
    html = response.content.decode()
    assert "sudah diubah orang lain (versi sekarang 2, versi yang Anda baca 1)" in html
    assert "Nilai Anda" in html and "Nilai tersimpan" in html
    assert '<a href="#id_votes_1">IV.1</a>' in html
    assert "<td>110</td>" in html and "120 <span" in html and "oleh op" in html
    assert 'name="versi" value="2"' in html  # a deliberate second save may go through
    assert 'name="votes_1" id="id_votes_1" value="110"' in html  # the user's values stay
    sheet = sheet_of(kurun)
    assert sheet.version == 2 and sheet.valid_votes == 120 and sheet.revisions.count() == 2
    again = client.post(u["entry"], {**mine, "versi": "2"})
    assert again.status_code == 302
    sheet.refresh_from_db()
    assert sheet.valid_votes == 110 and sheet.numbers().votes == {1: 110, 2: 0}


def test_a_verified_sheet_is_corrected_only_with_a_reason(client, witness, supervisor, kurun):
    u = urls(kurun)
    login(client, witness).post(u["entry"], boxes(CONSISTENT))
    login(client, supervisor)
    assert client.post(u["sheet-status"], {"aksi": "verifikasi", "versi": 2}).status_code == 302
    sheet = sheet_of(kurun)
    assert (sheet.version, sheet.status) == (3, SheetStatus.VERIFIED)
    assert "Diverifikasi oleh pengawas" in client.get(u["sheet"]).content.decode()

    login(client, witness)
    form = client.get(u["entry"]).content.decode()
    assert "Alasan koreksi (wajib" in form
    corrected = boxes({**CONSISTENT, "votes_1": 141, "votes_2": 99}, versi=3)
    refused = client.post(u["entry"], corrected)
    assert refused.status_code == 400
    assert "tuliskan alasan koreksi sebelum menyimpan" in refused.content.decode()
    sheet.refresh_from_db()
    assert (sheet.version, sheet.status) == (3, SheetStatus.VERIFIED)

    accepted = client.post(u["entry"], {**corrected, "alasan": "salah baca angka paslon 1"})
    assert accepted.status_code == 302
    sheet.refresh_from_db()
    assert (sheet.version, sheet.status) == (4, SheetStatus.SUBMITTED)
    assert sheet.numbers().votes == {1: 141, 2: 99}
    assert sheet.revisions.get(version=4).note == "salah baca angka paslon 1"


def test_verification_by_the_person_who_entered_is_refused(client, supervisor, kurun):
    operator = make_user("op", Role.OPERATOR, "62.10.02")
    u = urls(kurun)
    login(client, operator).post(u["entry"], boxes(CONSISTENT))
    assert sheet_of(kurun).status == SheetStatus.SUBMITTED  # operators submit too
    page = client.get(u["sheet"]).content.decode()
    assert "Verifikasi formulir" in page and "Ubah formulir" in page
    refused = client.post(u["sheet-status"], {"aksi": "verifikasi", "versi": 2})
    assert refused.status_code == 422
    assert "tidak boleh diverifikasi oleh orang yang memasukkan angkanya" in (
        refused.content.decode()
    )
    assert sheet_of(kurun).status == SheetStatus.SUBMITTED
    login(client, supervisor)
    assert client.post(u["sheet-status"], {"aksi": "verifikasi", "versi": 2}).status_code == 302
    sheet = sheet_of(kurun)
    assert sheet.status == SheetStatus.VERIFIED
    assert sheet.revisions.get(version=3).created_by == supervisor


def test_verification_is_refused_for_rule_errors_and_for_a_stale_version(
    client, witness, supervisor, kurun
):
    u = urls(kurun)
    login(client, witness).post(u["entry"], boxes(valid_votes=160, votes_1=100, votes_2=50))
    login(client, supervisor)
    errors = client.post(u["sheet-status"], {"aksi": "verifikasi", "versi": 2})
    assert errors.status_code == 422
    assert "belum dapat diverifikasi: ada kesalahan R5" in errors.content.decode()
    stale = client.post(u["sheet-status"], {"aksi": "verifikasi", "versi": 1})
    assert stale.status_code == 409 and "sudah diubah orang lain" in stale.content.decode()
    assert sheet_of(kurun).status == SheetStatus.SUBMITTED


def test_a_dispute_needs_a_reason(client, witness, supervisor, kurun):
    u = urls(kurun)
    login(client, witness).post(u["entry"], boxes(CONSISTENT))
    login(client, supervisor)
    assert client.post(u["sheet-status"], {"aksi": "sengketakan", "versi": 2}).status_code == 400
    assert sheet_of(kurun).status == SheetStatus.SUBMITTED
    response = client.post(
        u["sheet-status"], {"aksi": "sengketakan", "versi": 2, "alasan": "foto C.Hasil buram"}
    )
    assert response.status_code == 302
    assert sheet_of(kurun).status == SheetStatus.DISPUTED
    page = client.get(u["sheet"]).content.decode()
    assert "Disengketakan oleh pengawas" in page and "foto C.Hasil buram" in page
    # The witness's correction sends the sheet back for verification.
    login(client, witness)
    corrected = boxes({**CONSISTENT, "votes_1": 141, "votes_2": 99}, versi=3)
    assert client.post(u["entry"], corrected).status_code == 302
    sheet = sheet_of(kurun)
    assert (sheet.version, sheet.status) == (5, SheetStatus.SUBMITTED)


def test_a_witness_may_not_enter_at_another_tps(client, witness, small_area):
    other = urls(small_area[4])
    login(client, witness)
    assert client.get(other["entry"]).status_code == 403
    assert client.post(other["entry"], boxes(CONSISTENT)).status_code == 403
    assert client.post(other["entry-check"], boxes(CONSISTENT)).status_code == 403
    assert not TallySheet.objects.exists()


def test_a_supervisor_may_not_enter_and_a_witness_may_not_verify(
    client, witness, supervisor, kurun
):
    u = urls(kurun)
    login(client, witness)
    client.post(u["entry"], boxes(CONSISTENT))
    page = client.get(u["sheet"]).content.decode()
    assert "Ubah formulir" in page and "Verifikasi formulir" not in page
    assert client.post(u["sheet-status"], {"aksi": "verifikasi", "versi": 2}).status_code == 403
    login(client, supervisor)
    assert client.get(u["entry"]).status_code == 403
    assert client.post(u["entry"], boxes(CONSISTENT, versi=2)).status_code == 403
    page = client.get(u["sheet"]).content.decode()
    assert "Ubah formulir" not in page and "Verifikasi formulir" in page
    assert sheet_of(kurun).version == 2


def test_signed_out_users_are_sent_to_the_login_page(client, kurun):
    response = client.get(urls(kurun)["entry"])
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_invalid_input_gives_field_errors_and_writes_nothing(client, witness, kurun):
    login(client, witness)
    response = client.post(
        urls(kurun)["entry"],
        boxes(registered_1_men="-5", votes_1="abc", valid_votes="1.234", invalid_votes=" 7 "),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Kotak I.1 Laki-laki: harus bilangan bulat ≥ 0." in html
    assert "Kotak IV.1: harus bilangan bulat ≥ 0." in html
    assert "Kotak IV.3: harus bilangan bulat ≥ 0." in html
    assert 'id="id_votes_1" value="abc"' in html  # what was typed stays, to be fixed
    assert 'aria-invalid="true" aria-describedby="id_votes_1-error"' in html
    assert "Kotak IV.4" not in html  # " 7 " is a fine 7
    assert not TallySheet.objects.exists()
