"""The English catalog: complete, consistent with its Indonesian source, and actually used."""

from __future__ import annotations

import ast
import gettext
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

# Imported here, under the default language, so that the command's class-level help text
# is not first built inside one of the English blocks below.
from pilkada.core.management.commands import recap as _recap_command  # noqa: F401
from pilkada.tallies.form import SCHEMES, SheetNumbers
from pilkada.tallies.rules import RuleContext, check_sheet

PO = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

# %(name)s, %(n)d, %s, %%: every conversion Python's % operator reads.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")
ACRONYM = re.compile(r"(?<![\w.])(?:TPS|DPT|DPTb|DPK|DPPh|KPU|C\.Hasil)(?![\w])")


def parse_po(text: str) -> list[dict]:
    """The entries of a .po file: msgctxt, msgid, msgid_plural, msgstr ({index: text}),
    flags, and whether the entry is obsolete (``#~``: kept by makemessages, not compiled)."""
    entries = []
    for block in re.split(r"\n\s*\n", text.strip()):
        entry: dict = {"flags": set(), "msgstr": {}, "obsolete": False}
        key = None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry["obsolete"] = True
                continue
            if line.startswith("#,"):
                entry["flags"].update(f.strip() for f in line[2:].split(","))
                continue
            if line.startswith("#"):
                continue
            m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$', line)
            if m:
                value = ast.literal_eval(m.group(3))
                if m.group(1).startswith("msgstr"):
                    key = ("msgstr", int(m.group(2) or 0))
                    entry["msgstr"][key[1]] = value
                else:
                    key = m.group(1)
                    entry[key] = value
            elif line.startswith('"') and key is not None:
                value = ast.literal_eval(line)
                if isinstance(key, tuple):
                    entry["msgstr"][key[1]] += value
                else:
                    entry[key] += value
            else:
                raise AssertionError(f"unparsed .po line: {line!r}")
        if "msgid" in entry or entry["obsolete"]:
            entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def entries() -> list[dict]:
    assert PO.is_file(), f"{PO} is missing: run makemessages -l en"
    return parse_po(PO.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def messages(entries) -> list[dict]:
    return [e for e in entries if e.get("msgid") and not e["obsolete"]]


def _placeholders(text: str) -> Counter:
    return Counter(PLACEHOLDER.findall(text))


def test_header_declares_english_with_plural_forms(entries):
    header = next(e for e in entries if e.get("msgid") == "")
    assert "fuzzy" not in header["flags"]
    assert "Language: en\n" in header["msgstr"][0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header["msgstr"][0]


def test_every_message_is_translated_and_not_fuzzy(messages):
    assert len(messages) > 250  # every app's strings, not a stub
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    assert not fuzzy, f"fuzzy entries: {fuzzy}"
    untranslated = []
    for e in messages:
        expected = [0, 1] if "msgid_plural" in e else [0]
        if sorted(e["msgstr"]) != expected or not all(e["msgstr"].values()):
            untranslated.append(e["msgid"])
    assert not untranslated, f"untranslated entries: {untranslated}"


def test_placeholders_match_between_msgid_and_msgstr(messages):
    wrong = []
    for e in messages:
        sources = [e["msgid"], e.get("msgid_plural", e["msgid"])]
        for index, text in e["msgstr"].items():
            source = sources[min(index, 1)]
            if _placeholders(source) != _placeholders(text):
                wrong.append((source, text))
            if source.endswith("\n") != text.endswith("\n"):
                wrong.append((source, text))
    assert not wrong, f"placeholders differ: {wrong}"


def test_official_acronyms_are_kept(messages):
    lost = []
    for e in messages:
        wanted = set(ACRONYM.findall(e["msgid"]))
        for text in e["msgstr"].values():
            if not wanted <= set(ACRONYM.findall(text)):
                lost.append((e["msgid"], text))
    assert not lost, f"acronyms dropped in translation: {lost}"


def test_compiled_catalog_matches_the_po(messages):
    assert MO.is_file(), f"{MO} is missing: run compilemessages"
    with MO.open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    stale = []
    for e in messages:
        ctx, msgid = e.get("msgctxt"), e["msgid"]
        if "msgid_plural" in e:
            got = [
                compiled.npgettext(ctx, msgid, e["msgid_plural"], n)
                if ctx
                else compiled.ngettext(msgid, e["msgid_plural"], n)
                for n in (1, 2)
            ]
            want = [e["msgstr"][0], e["msgstr"][1]]
        else:
            got = compiled.pgettext(ctx, msgid) if ctx else compiled.gettext(msgid)
            want = e["msgstr"][0]
        if got != want:
            stale.append(msgid)
    assert not stale, f"django.mo is older than django.po (run compilemessages): {stale}"


def test_rule_finding_speaks_the_active_language():
    numbers = SheetNumbers(
        fields={"registered_1_men": 528, "registered_1_women": 430, "registered_1_total": 258}
    )
    ctx = RuleContext(
        scheme=SCHEMES["2024"],
        voter_limit=600,
        reserve_percent=Decimal("2.5"),
        ballot_numbers=(1, 2),
    )
    with translation.override("en"):
        english = check_sheet(numbers, ctx)
    with translation.override("id"):
        indonesian = check_sheet(numbers, ctx)
    assert [f.rule for f in english] == [f.rule for f in indonesian] == ["R1"]
    assert english[0].message == (
        "Row Registered voters DPT: M 528 + F 430 = 958, but T reads 258."
    )
    assert indonesian[0].message == (
        "Baris Pemilih terdaftar DPT: L 528 + P 430 = 958, tetapi J tertulis 258."
    )


def test_login_page_is_indonesian_by_default(client, db):
    page = client.get("/masuk/").content.decode()
    assert '<html lang="id">' in page
    assert "Masuk ke Pilkada" in page and "Nama pengguna" in page and "Kata sandi" in page
    assert "Password" not in page


def test_login_page_in_english_with_the_language_cookie(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/masuk/").content.decode()
    assert '<html lang="en">' in page
    assert "Log in to Pilkada" in page and "Username" in page and "Password" in page
    assert "Kata sandi" not in page and "Nama pengguna" not in page


def test_language_switch_turns_the_login_page_english(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/masuk/"}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/masuk/"
    assert "Log in to Pilkada" in page and "Kata sandi" not in page


def test_command_error_in_english(db):
    args = ("recap", "--election", "tidak-ada", "--level", "kecamatan")
    with translation.override("en"), pytest.raises(CommandError) as english:
        call_command(*args)
    assert str(english.value) == (
        "Election 'tidak-ada' not found. See the list with: pilkada election list"
    )
    with pytest.raises(CommandError) as indonesian:
        call_command(*args)
    assert "Pemilihan 'tidak-ada' tidak ditemukan" in str(indonesian.value)


def test_cli_overview_in_english(capsys, monkeypatch):
    from pilkada.cli import main

    monkeypatch.setenv("PILKADA_LANGUAGE", "en")
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    assert "Usage: pilkada COMMAND [options]" in text and "Pemakaian" not in text
    assert translation.get_language() == settings.LANGUAGE_CODE  # nothing left switched
