"""Indonesian personal names as matching keys, vectorized on polars.

The key is not a name to show: it only has to make the spellings of one name equal (titles,
degrees, old and new spelling, Muhammad's many forms, doubled letters, spaces) while keeping
different names different. Duplicate detection (``voters.duplicates``) compares keys fuzzily.
"""

from __future__ import annotations

import polars as pl

# Titles before a name (Haji, Hajah, doctor, engineer, professor, kyai, nyonya, ustadz).
_TITLES = r"^(?:(?:H|HJ|HAJI|HAJAH|DR|DRS|DRA|DRG|IR|PROF|K\s?H|KH|NY|TGH|UST|USTADZ|USTAZ)\s+)+"
# Degrees with dots (S.Pd., S. H., M.Si., A.Md.Kep.) after the first word. "M" must touch the
# degree (M.Si) and the degree must end the token, so "M. Hasan" and "M.Hasan" stay names, and
# a name never starts with a degree, so "M.H. Thamrin" keeps its initials.
_DOTTED_DEGREES = (
    r"\s(?:[SA]\.\s?|M\.)(?:PD|PDI|H|HI|E|EI|KOM|SOS|T|AG|IP|KEP|FARM|KED|KES|KM|PSI|HUT|P|SI"
    r"|M|HUM|AK|MD|MA|GZ|IKOM|PT|KEB|STAT|TR|TP|SN)(?:\.[A-Z]{1,4})*\b\.?"
)
# Degrees written without dots are only taken off the end of a name.
_PLAIN_DEGREES = (
    r"(?:\s+(?:SPD|SPDI|SH|SHI|SE|SEI|SKOM|SSOS|ST|SAG|SIP|SKEP|SKM|SPSI|SHUT|SFARM|SKED|SSI"
    r"|STP|MPD|MSI|MM|MH|MKES|MAG|MT|MKOM|MHUM|MA|AMD|AMK|AMKEP|AMA|LC|PHD|BSC|MSC))+$"
)
# Spelling before 1972 (EYD): oe = u, dj = j, tj = c, j = y, sj = sy, nj = ny. Only in a word
# that shows one of these marks (or hj inside it: Wahju, Jahja; or a name only ever written so:
# Jusuf, Hidajat) is j read as y (Soejono → Suyono, Tjahjono → Cahyono); elsewhere j stays j
# (Joko, Panji, Raja), also in a name that mixes both spellings (Joko Tjahjono).
_OLD_WORD = r"OE|DJ|TJ|SJ|^NJ|\BHJ|^(?:JUSUF|HIDAJAT|JAKUB|JASIN)$"
_OLD_LETTERS = {"TJ": "C", "DJ": "J", "J": "Y"}
# Spellings that vary today too: Chairul/Khairul/Hairul, Ramadhan/Ramadan, Fathur/Fatur,
# Rizqi/Rizki, Dzulkifli/Zulkifli, Rizki/Riski, Novi/Nofi; oe is u in any name (Noer/Nur).
_LETTERS = {
    "OE": "U",
    "TJ": "C",
    "KH": "H",
    "CH": "H",
    "DH": "D",
    "TH": "T",
    "DZ": "S",
    "Q": "K",
    "Z": "S",
    "V": "F",
}
_DOUBLES = [c + c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]
# Muhammad and its spellings and abbreviations (after the rules above: Mochammad → MOHAMAD,
# Muhammad → MUHAMAD), all read as the initial M, which is how the short forms are written.
_MUHAMMAD = r"\b(?:MUHAMAD|MOHAMAD|MUHAMED|MOHAMED|MUHAMAT|MOHAMAT|MOH|MUH|MHD|MUHD|MOHD|MHMD)\b"


def normalised_name_expr(name: pl.Expr) -> pl.Expr:
    """The matching key of a name column: upper-case ASCII letters in single-spaced tokens,
    titles and degrees removed, spelling variants made one (see the constants above)."""
    key = (
        name.cast(pl.String)
        .fill_null("")
        .str.normalize("NFKD")
        .str.replace_all(r"[^\x00-\x7F]", "")
        .str.to_uppercase()
        .str.replace(r",.*$", "")  # after a comma come degrees (Siti, S.Pd.)
        .str.replace_all(r"['`]", "")  # Ma'ruf = Maruf
        .str.replace_all(_DOTTED_DEGREES, " ")
        .str.replace_all(r"[^A-Z]+", " ")
        .str.strip_chars()
        .str.replace(_PLAIN_DEGREES, "")
        .str.replace(_TITLES, "")
    )
    word = pl.element()
    old = word.str.replace_many(_OLD_LETTERS, leftmost=True)
    words = pl.when(word.str.contains(_OLD_WORD)).then(old).otherwise(word)
    key = key.str.split(" ").list.eval(words).list.join(" ")
    key = key.str.replace_many(_LETTERS, leftmost=True).str.replace_all(r"Y\b", "I")
    key = key.str.replace_many(_DOUBLES, [d[0] for d in _DOUBLES])
    key = key.str.replace_many(_DOUBLES, [d[0] for d in _DOUBLES])  # a third letter
    return key.str.replace_all(_MUHAMMAD, "M")


def normalise_names(series: pl.Series) -> pl.Series:
    """Matching keys of names (vectorized): ``Hj. Siti Nur Hasanah, S.Pd.`` → ``SITI NUR
    HASANAH``, ``Mochammad Rizky`` → ``M RISKI``, ``Soekarno`` → ``SUKARNO``."""
    return series.to_frame("name").select(normalised_name_expr(pl.col("name"))).to_series()


def place_key_expr(place: pl.Expr) -> pl.Expr:
    """A birth place as letters only, without Kabupaten/Kota in front: ``Kab. Kuala Kurun``
    and ``KUALAKURUN`` agree."""
    return (
        place.cast(pl.String)
        .fill_null("")
        .str.to_uppercase()
        .str.replace(r"^\s*(?:KABUPATEN|KAB|KOTA)\b\.?", "")
        .str.replace_all(r"[^A-Z]+", "")
        .str.replace_many({"OE": "U", "DJ": "J", "TJ": "C"}, leftmost=True)
    )
