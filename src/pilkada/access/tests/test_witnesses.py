"""Witness accounts in bulk: the list's checks, the all-or-nothing import, the administrator's
pages, the one-time credentials workbook, and ``pilkada saksi impor``."""

from __future__ import annotations

import io
import stat
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from pilkada.access.models import Assignment, Profile, Role
from pilkada.access.witnesses import (
    generate_password,
    import_witnesses,
    normalise_phone,
    preview_witnesses,
    username_base,
)
from pilkada.audit.models import ChangeLogEntry
from pilkada.core.imports import ImportRejected
from pilkada.core.testing.users import make_user

HEADERS = ["NAMA", "NOMOR HP", "KODE TPS"]
KURUN_1, KURUN_2 = "6210021012001", "6210021012002"
SEPANG_1 = "6210011001001"
User = get_user_model()


def write_xlsx(path: Path, rows, headers=HEADERS, sheet="Saksi") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def read_credentials(content: bytes) -> list[dict]:
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert "RAHASIA" in rows[0][0]
    header = rows[2]
    return [dict(zip(header, row, strict=True)) for row in rows[3:]]


def can_log_in(client, username: str, password: str) -> bool:
    response = client.post(reverse("login"), {"username": username, "password": password})
    ok = response.status_code == 302 and "_auth_user_id" in client.session
    client.logout()
    return ok


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def admin_user(db):
    return make_user("admin", superuser=True)


# --- cells


@pytest.mark.parametrize(
    "raw",
    ["081234567890", "0812-3456-7890", "+62 812 3456 7890", "6281234567890", 81234567890.0],
)
def test_phone_numbers_are_normalised_to_the_national_form(raw):
    assert normalise_phone(raw) == "081234567890"


@pytest.mark.parametrize("raw", ["12345", "0812", "+1 555 123 4567", "08123abc456", "1812345678"])
def test_bad_phone_numbers_are_refused_in_indonesian(raw):
    with pytest.raises(ValueError, match="nomor HP"):
        normalise_phone(raw)


def test_passwords_are_random_readable_and_long_enough():
    passwords = {generate_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        assert len(password.replace("-", "")) >= 10
        assert not set(password) & set("0o1liI")
    assert username_base("Budi  Santoso, S.Pd.") == "saksi-budi-santoso-spd"
    assert username_base("***") == "saksi"


# --- preview


def test_preview_of_a_workbook_counts_people_and_locates_every_error(small_area, tmp_path):
    make_user("lama", Role.WITNESS, stations=[small_area[3]])
    Profile.objects.create(user=User.objects.get(username="lama"), phone="0813 1111 2222")
    path = write_xlsx(
        tmp_path / "saksi.xlsx",
        [
            ["Budi Santoso", "081234567890", f"{KURUN_1}; {KURUN_2}"],  # row 2
            ["Siti Aminah", "12345", KURUN_1],  # row 3: bad phone
            ["Andi", "081299998888", "6210021012009"],  # row 4: unknown TPS
            ["Budi Lagi", "+62 812 3456 7890", SEPANG_1],  # row 5: same phone as row 2
            ["Lama", "6281311112222", f"{KURUN_1},{KURUN_2}"],  # row 6: existing account
            ["", "081200001111", KURUN_1],  # row 7: no name
        ],
    )
    plan = preview_witnesses(path)
    assert not plan.ok
    assert len(plan.errors) == 4
    bad_phone, unknown, duplicate, no_name = plan.errors
    assert bad_phone.startswith("saksi.xlsx, lembar Saksi, sel B3 (NOMOR HP): nomor HP tidak sah")
    assert unknown.startswith("saksi.xlsx, lembar Saksi, sel C4 (KODE TPS): TPS 6210021012009")
    assert "tidak ada dalam data TPS" in unknown
    assert duplicate.startswith("saksi.xlsx, lembar Saksi, sel B5 (NOMOR HP)")
    assert "081234567890 sudah tercantum di baris 2" in duplicate
    assert no_name == "saksi.xlsx, lembar Saksi, sel A7 (NAMA): wajib diisi"
    budi, andi, lama = plan.people
    assert (budi.username, budi.tps, budi.exists) == (
        "saksi-budi-santoso",
        [KURUN_1, KURUN_2],
        False,
    )
    assert lama.exists and lama.username == "lama" and lama.new_tps == [KURUN_2]
    assert [len(plan.created), len(plan.existing), plan.assignments] == [2, 1, 4]
    assert User.objects.count() == 1  # nothing written


def test_preview_of_a_csv_with_other_headers(small_area, tmp_path):
    path = tmp_path / "saksi.csv"
    path.write_text(
        "Nama;HP;TPS;Nama Pengguna\n"
        f"Budi Santoso;0812 3456 7890;{KURUN_1}, {SEPANG_1};\n"
        f"Budi Santoso;0812 3456 7891;{KURUN_2};\n"
        f"Siti;0812 3456 7892;{KURUN_2};siti.kurun\n",
        encoding="utf-8",
    )
    plan = preview_witnesses(path)
    assert plan.ok, plan.errors
    assert [p.username for p in plan.people] == [
        "saksi-budi-santoso",
        "saksi-budi-santoso-2",
        "siti.kurun",
    ]
    assert plan.people[0].tps == [KURUN_1, SEPANG_1]
    assert "3 akun baru, 0 akun sudah ada (0 tanpa perubahan), 4 penugasan TPS baru." in (
        plan.describe()
    )


def test_usernames_taken_or_repeated_are_located_errors(small_area, tmp_path):
    make_user("Siti")
    path = tmp_path / "saksi.csv"
    path.write_text(
        "NAMA,NOMOR HP,KODE TPS,NAMA PENGGUNA\n"
        f"Siti,081200000001,{KURUN_1},siti\n"
        f"Ani,081200000002,{KURUN_1},ani saksi\n"
        f"Ani,081200000003,{KURUN_1},ani\n"
        f"Ana,081200000004,{KURUN_1},ANI\n",
        encoding="utf-8",
    )
    errors = preview_witnesses(path).errors
    assert len(errors) == 3
    assert "sel D2 (NAMA PENGGUNA): nama pengguna siti sudah dipakai akun lain" in errors[0]
    assert "sel D3 (NAMA PENGGUNA): nama pengguna tidak sah" in errors[1]
    assert "sel D5 (NAMA PENGGUNA): nama pengguna ANI sudah tercantum di baris 4" in errors[2]


# --- import


def test_import_creates_accounts_assignments_and_working_passwords(
    small_area, tmp_path, admin_user, client
):
    path = write_xlsx(
        tmp_path / "saksi.xlsx",
        [
            ["Budi Santoso", "0812-3456-7890", f"{KURUN_1} {KURUN_2}"],
            ["Siti Aminah", "+6281299998888", SEPANG_1],
        ],
    )
    outcome = import_witnesses(path, created_by=admin_user, channel="web")
    budi, siti = outcome.credentials
    assert (budi.username, budi.phone, budi.tps) == (
        "saksi-budi-santoso",
        "081234567890",
        (KURUN_1, KURUN_2),
    )
    user = User.objects.get(username="saksi-budi-santoso")
    assert user.first_name == "Budi Santoso" and user.is_active and not user.is_staff
    assert user.profile.phone == "081234567890"
    assert user.password.startswith("pbkdf2_sha256$") and budi.password not in user.password
    stations = Assignment.objects.filter(user=user).order_by("polling_station__number")
    assert [(a.role, a.polling_station.sirekap_id, a.created_by) for a in stations] == [
        (Role.WITNESS, KURUN_1, admin_user),
        (Role.WITNESS, KURUN_2, admin_user),
    ]
    assert can_log_in(client, budi.username, budi.password)
    assert can_log_in(client, siti.username, siti.password)
    logged = ChangeLogEntry.objects.filter(source="web")
    assert logged.filter(entity="auth.user").count() == 2
    assert logged.filter(entity="access.assignment").count() == 3
    assert logged.filter(source_file="saksi.xlsx", source_row=2).count() == 3
    assert not any(budi.password in str(e.new) for e in logged)


def test_reimport_with_the_same_phone_adds_tps_but_no_second_account(small_area, tmp_path):
    first = write_xlsx(tmp_path / "a.xlsx", [["Budi Santoso", "081234567890", KURUN_1]])
    import_witnesses(first)
    user = User.objects.get(username="saksi-budi-santoso")
    password = user.password
    again = write_xlsx(
        tmp_path / "b.xlsx", [["Budi S.", "+62 812 3456 7890", f"{KURUN_1};{KURUN_2}"]]
    )
    outcome = import_witnesses(again)
    assert User.objects.count() == 1
    (credential,) = outcome.credentials
    assert credential.username == "saksi-budi-santoso" and credential.password == ""
    assert "TPS baru: " + KURUN_2 in credential.note
    user.refresh_from_db()
    assert user.password == password and user.first_name == "Budi Santoso"
    assert sorted(
        Assignment.objects.filter(user=user).values_list("polling_station", flat=True)
    ) == [
        small_area[3].pk,
        small_area[4].pk,
    ]
    third = import_witnesses(again)  # nothing left to add
    assert third.plan.assignments == 0 and len(third.plan.unchanged) == 1
    assert Assignment.objects.count() == 2


def test_one_bad_row_and_nothing_is_created(small_area, tmp_path):
    path = write_xlsx(
        tmp_path / "saksi.xlsx",
        [["Budi", "081234567890", KURUN_1], ["Siti", "081299998888", "6210021012999"]],
    )
    with pytest.raises(ImportRejected) as rejected:
        import_witnesses(path)
    assert "sel C3 (KODE TPS)" in rejected.value.messages[0]
    assert not User.objects.exists() and not Assignment.objects.exists()


def test_accounts_are_rolled_back_when_the_credentials_cannot_be_handed_over(small_area, tmp_path):
    path = write_xlsx(tmp_path / "saksi.xlsx", [["Budi", "081234567890", KURUN_1]])
    logged = ChangeLogEntry.objects.count()

    def deliver(credentials):
        raise OSError("disk full")

    with pytest.raises(OSError):
        import_witnesses(path, deliver=deliver)
    assert not User.objects.exists() and not Profile.objects.exists()
    assert ChangeLogEntry.objects.count() == logged


# --- web pages


def _upload(client, path: Path):
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    return client.post(reverse("web:witness-upload"), {"berkas": upload})


def test_administrator_uploads_previews_confirms_and_downloads_once(
    small_area, tmp_path, admin_user, client, media
):
    client.force_login(admin_user)
    assert client.get(reverse("web:witness-upload")).status_code == 200
    path = write_xlsx(
        tmp_path / "daftar saksi.xlsx",
        [["Budi Santoso", "081234567890", KURUN_1], ["Siti", "081299998888", KURUN_2]],
    )
    preview = _upload(client, path)
    assert preview.status_code == 200
    page = preview.content.decode()
    assert 'data-count="created">2<' in page and "Buat akun" in page
    assert not User.objects.filter(username__startswith="saksi").exists()
    token = preview.context["token"]
    stored = list((media / "saksi" / "unggahan").iterdir())
    assert [p.name for p in stored] == [token]

    done = client.post(reverse("web:witness-confirm", args=[token]), {"action": "buat"})
    assert done.status_code == 200
    assert "hanya bisa sekali" in done.content.decode()
    assert not (media / "saksi" / "unggahan" / token).exists()  # the upload is gone
    key = done.context["key"]
    (stored,) = (media / "saksi" / "akun").iterdir()
    assert stat.S_IMODE((stored / "akun-saksi.xlsx").stat().st_mode) == 0o600

    url = reverse("web:witness-credentials", args=[key])
    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="akun-saksi.xlsx"'
    assert download["Cache-Control"] == "no-store"
    rows = read_credentials(download.content)
    assert [(r["NAMA"], r["NOMOR HP"], r["NAMA PENGGUNA"], r["KODE TPS"]) for r in rows] == [
        ("Budi Santoso", "081234567890", "saksi-budi-santoso", KURUN_1),
        ("Siti", "081299998888", "saksi-siti", KURUN_2),
    ]
    assert not any((media / "saksi" / "akun").iterdir())  # deleted once served
    assert client.get(url).status_code == 404
    client.logout()
    assert can_log_in(client, "saksi-siti", rows[1]["KATA SANDI AWAL"])
    witness = User.objects.get(username="saksi-siti")
    assert Assignment.objects.get(user=witness).created_by == admin_user


def test_a_list_with_errors_is_previewed_without_a_confirm_button(
    small_area, tmp_path, admin_user, client, media
):
    client.force_login(admin_user)
    path = write_xlsx(tmp_path / "saksi.xlsx", [["Budi", "0812", KURUN_1]])
    response = _upload(client, path)
    assert response.status_code == 422
    page = response.content.decode()
    assert "saksi.xlsx, lembar Saksi, sel B2 (NOMOR HP): nomor HP tidak sah" in page
    assert "Buat akun" not in page
    assert not any((media / "saksi" / "unggahan").iterdir())


def test_an_unreadable_upload_and_a_wrong_type_are_refused(admin_user, client, media, tmp_path):
    client.force_login(admin_user)
    bad = SimpleUploadedFile("saksi.pdf", b"%PDF-1.4")
    assert client.post(reverse("web:witness-upload"), {"berkas": bad}).status_code == 400
    broken = SimpleUploadedFile("saksi.xlsx", b"not a workbook")
    response = client.post(reverse("web:witness-upload"), {"berkas": broken})
    assert response.status_code == 422 and "saksi.xlsx" in response.content.decode()


def test_cancel_drops_the_upload(small_area, tmp_path, admin_user, client, media):
    client.force_login(admin_user)
    path = write_xlsx(tmp_path / "saksi.xlsx", [["Budi", "081234567890", KURUN_1]])
    token = _upload(client, path).context["token"]
    response = client.post(reverse("web:witness-confirm", args=[token]), {"action": "batal"})
    assert response.status_code == 302
    assert not User.objects.filter(username__startswith="saksi").exists()
    assert not any((media / "saksi" / "unggahan").iterdir())
    again = client.post(reverse("web:witness-confirm", args=[token]), {"action": "buat"})
    assert again.status_code == 404


def test_the_template_has_the_headers_and_its_example_row_is_refused(
    small_area, tmp_path, admin_user, client, media
):
    client.force_login(admin_user)
    response = client.get(reverse("web:witness-template"))
    assert response.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("NAMA", "NOMOR HP", "KODE TPS", "NAMA PENGGUNA")
    assert rows[1][:3] == ("Budi Santoso", "081200000000", f"{KURUN_1}; {KURUN_2}")
    path = tmp_path / "templat.xlsx"
    path.write_bytes(response.content)
    errors = preview_witnesses(path).errors
    assert errors == [
        "templat.xlsx, lembar Saksi, baris 2: ini baris contoh dari templat; hapus baris ini "
        "lalu unggah lagi"
    ]


def test_the_user_list_shows_roles_places_and_admin_links(small_area, admin_user, client):
    make_user("op-kurun", Role.OPERATOR, "62.10.02")
    witness = make_user("saksi-andi", Role.WITNESS, stations=[small_area[3]])
    Profile.objects.create(user=witness, phone="081200001111")
    client.force_login(admin_user)
    page = client.get(reverse("web:users")).content.decode()
    assert "op-kurun" in page and "Operator 62.10.02" in page
    assert f"Saksi TPS {KURUN_1}" in page and "081200001111" in page
    assert reverse("admin:auth_user_change", args=[witness.pk]) in page
    only = client.get(reverse("web:users"), {"peran": "saksi"}).content.decode()
    assert "saksi-andi" in only and "op-kurun" not in only
    found = client.get(reverse("web:users"), {"q": "0812000"}).content.decode()
    assert "saksi-andi" in found and "op-kurun" not in found


def test_the_user_list_is_paginated(db, admin_user, client):
    User.objects.bulk_create([User(username=f"u{i:03d}") for i in range(60)])
    client.force_login(admin_user)
    first = client.get(reverse("web:users"))
    assert len(first.context["rows"]) == 50
    second = client.get(reverse("web:users"), {"halaman": 2})
    assert len(second.context["rows"]) == 11


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.SUPERVISOR, Role.WITNESS])
def test_only_administrators_may_open_the_pages(small_area, client, media, role):
    if role == Role.WITNESS:
        user = make_user("bukan-admin", role, stations=[small_area[3]])
    else:
        user = make_user("bukan-admin", role, "62.10")
    client.force_login(user)
    upload = SimpleUploadedFile("saksi.csv", b"NAMA,NOMOR HP,KODE TPS\n")
    for method, url, data in [
        ("get", reverse("web:users"), {}),
        ("get", reverse("web:witness-upload"), {}),
        ("post", reverse("web:witness-upload"), {"berkas": upload}),
        ("get", reverse("web:witness-template"), {}),
        ("post", reverse("web:witness-confirm", args=["x"]), {"action": "buat"}),
        ("get", reverse("web:witness-credentials", args=["x"]), {}),
    ]:
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, url
        assert "mengelola pengguna" in response.content.decode()
    client.logout()
    assert client.get(reverse("web:users")).status_code == 302  # to the login page


# --- command line


def test_the_command_imports_and_writes_the_credentials_workbook(small_area, tmp_path, client):
    path = write_xlsx(
        tmp_path / "saksi.xlsx",
        [["Budi Santoso", "081234567890", KURUN_1], ["Siti", "081299998888", SEPANG_1]],
    )
    output = tmp_path / "akun.xlsx"
    out = StringIO()
    call_command("saksi", "impor", str(path), "--dry-run", stdout=out)
    assert "Uji coba (tidak ada yang ditulis): 2 akun baru" in out.getvalue()
    assert not output.exists() and not User.objects.exists()

    out = StringIO()
    call_command("saksi", "impor", str(path), "--output", str(output), stdout=out)
    text = out.getvalue()
    assert "Baris 2: Budi Santoso (saksi-budi-santoso) — akun baru, TPS: " + KURUN_1 in text
    assert "2 akun baru, 0 akun sudah ada" in text and str(output) in text
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    rows = read_credentials(output.read_bytes())
    assert [r["NAMA PENGGUNA"] for r in rows] == ["saksi-budi-santoso", "saksi-siti"]
    assert can_log_in(client, "saksi-siti", rows[1]["KATA SANDI AWAL"])
    assert Assignment.objects.get(user__username="saksi-siti").created_by is None
    assert ChangeLogEntry.objects.filter(source="cli", entity="auth.user").count() == 2

    with pytest.raises(CommandError, match="sudah ada"):  # never overwrites credentials
        call_command("saksi", "impor", str(path), "--output", str(output))
    with pytest.raises(CommandError, match="--output"):
        call_command("saksi", "impor", str(path))


def test_the_command_reports_errors_and_writes_nothing(small_area, tmp_path):
    path = write_xlsx(tmp_path / "saksi.xlsx", [["Budi", "081234567890", "6210021012999"]])
    output = tmp_path / "akun.xlsx"
    err = StringIO()
    with pytest.raises(CommandError, match="ditolak: 1 kesalahan; tidak ada akun yang dibuat"):
        call_command("saksi", "impor", str(path), "--output", str(output), stderr=err)
    assert "sel C2 (KODE TPS): TPS 6210021012999" in err.getvalue()
    assert not output.exists() and not User.objects.exists()
