"""Duplicate voters in a voter list ("DPT ganda"), found on a polars frame.

:func:`find_duplicates` is pure (no database): it takes one row per voter and returns one row per
suspicious pair. :func:`election_duplicates` is the selector that reads an election's voters
into that frame. Three tiers, as Bawaslu and KPU sort them (docs: domain.md §4):

1. **ganda identik** — same NIK, names alike (normalised similarity ≥ ``threshold``) and the
   same birth date: one person listed twice.
2. **kemungkinan ganda** — different NIK, same birth date, names alike: probably one person
   registered twice (a new NIK, a typo in the NIK), to be checked by hand.
3. **data salah / NIK dipakai dua orang** — same NIK but a different name or birth date: a data
   entry error, or one NIK given to two people.

Score (0–100, how likely the two rows are one person; the report is sorted by tier, then score
descending)::

    name similarity            best of rapidfuzz ``ratio`` on the normalised name without spaces
                               and on its tokens sorted (so "Nur Hasanah" = "Nurhasanah" and
                               "Rizki Muhammad" = "Muhammad Rizki"), less 15 when the given
                               names (first words) disagree: twins share a birth date and often
                               a family name (Rina / Kristina Nasution, Budi / Rudi Santoso)
    + 5   birth places agree (normalised, equal)
    - 10  birth places both known and different
    - 15  sex differs
    - 20  birth dates differ (only possible in tier 3)
    clamped to 0..100

Why blocking: all-pairs over a million voters is 5·10¹¹ comparisons. Tier 2 compares names
only within a birth date (about 40 voters a date per million); a date holding more than
``BLOCK_CAP`` voters (a placeholder date such as 1 July, or every date of a province-sized
list) is split further by sex and the first letter of the normalised name, which keeps the
work near-linear but misses pairs whose sex or first letter differ there.

Why the NIK-group cap: a NIK shared by k voters gives k(k-1)/2 pairs; a group over
``GROUP_CAP`` members (a placeholder NIK) is reported as a star instead — every member paired
with the group's lowest id — so every member still appears, linearly, with the group's size in
the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rapidfuzz import fuzz, process

from pilkada.voters.names import normalise_names, normalised_name_expr, place_key_expr

__all__ = [
    "BLOCK_CAP",
    "COLUMNS",
    "GROUP_CAP",
    "NAME_THRESHOLD",
    "TIER_LABELS",
    "TIER_MEANINGS",
    "TIERS",
    "DuplicateReport",
    "election_duplicates",
    "find_duplicates",
    "normalise_names",
    "tier_counts",
]

COLUMNS = ("id", "nik", "name", "birth_date", "birth_place", "sex", "tps", "region")
NAME_THRESHOLD = 85
GIVEN_NAME_PENALTY = 15
GIVEN_NAME_AGREE = 80
GROUP_CAP = 50
BLOCK_CAP = 500
TIERS = (1, 2, 3)
TIER_LABELS = {
    1: gettext_lazy("ganda identik"),
    2: gettext_lazy("kemungkinan ganda"),
    3: gettext_lazy("data salah/NIK dipakai dua orang"),
}
TIER_MEANINGS = {
    1: gettext_lazy("Ganda identik: NIK sama, nama dan tanggal lahir sama."),
    2: gettext_lazy(
        "Kemungkinan ganda: NIK berbeda, tanggal lahir sama, nama mirip (setelah ejaan "
        "dan gelar diseragamkan). Perlu diperiksa."
    ),
    3: gettext_lazy(
        "Data salah atau NIK dipakai dua orang: NIK sama, tetapi nama atau tanggal lahir berbeda."
    ),
}
_PAIR_SCHEMA = {"_i": pl.UInt32, "_j": pl.UInt32, "_sim": pl.Int32}


def find_duplicates(frame: pl.DataFrame, *, threshold: int = NAME_THRESHOLD) -> pl.DataFrame:
    """Suspicious pairs of ``frame``'s voters: ``tier``, ``score``, ``reason``, ``id_a`` <
    ``id_b``, then every other input column twice, suffixed ``_a`` and ``_b``. Sorted by
    tier, score descending, ids."""
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"frame lacks columns: {', '.join(missing)}")
    work = (
        frame.lazy()
        .select(
            pl.col("id").cast(pl.Int64),
            pl.col("nik").cast(pl.String).fill_null("").str.strip_chars().alias("_nik"),
            pl.col("birth_date").cast(pl.Date).alias("_date"),
            pl.col("sex").cast(pl.String).fill_null("").alias("_sex"),
            normalised_name_expr(pl.col("name")).alias("_key"),
            place_key_expr(pl.col("birth_place")).alias("_place"),
        )
        .with_columns(
            pl.col("_key").str.replace_all(" ", "", literal=True).alias("_compact"),
            pl.col("_key").str.split(" ").list.sort().list.join(" ").alias("_sorted"),
            pl.col("_key").str.extract(r"^(\S+)", 1).fill_null("").alias("_first"),
        )
        .sort("_date", "id")
        .with_row_index("_row")
        .collect()
    )
    found = pl.concat([_same_nik_pairs(work), _same_date_pairs(work, threshold)], how="vertical")
    pairs = _scored(found, work, threshold)
    sides = frame.select(pl.col("id").cast(pl.Int64), pl.exclude("id"))
    extra = [c for c in sides.columns if c != "id"]
    for side in ("a", "b"):
        pairs = pairs.join(
            sides.rename({c: f"{c}_{side}" for c in sides.columns}), on=f"id_{side}", how="left"
        )
    ordered = ["tier", "score", "reason", "id_a", "id_b"]
    ordered += [f"{c}_a" for c in extra] + [f"{c}_b" for c in extra]
    return pairs.select(ordered).sort(
        ["tier", "score", "id_a", "id_b"], descending=[False, True, False, False]
    )


def tier_counts(pairs: pl.DataFrame) -> dict[int, int]:
    """Pairs per tier, every tier present (0 when none)."""
    counts = dict.fromkeys(TIERS, 0)
    for tier, n in pairs.group_by("tier").len().iter_rows():
        counts[int(tier)] = int(n)
    return counts


def _same_nik_pairs(work: pl.DataFrame) -> pl.DataFrame:
    """Pairs of rows sharing a NIK (tiers 1 and 3), the star for oversized groups."""
    members = (
        work.filter(pl.col("_nik") != "")
        .with_columns(pl.len().over("_nik").alias("_group"))
        .filter(pl.col("_group") > 1)
        .select("_row", "id", "_nik", "_group", "_compact", "_sorted", "_first")
    )
    small = members.filter(pl.col("_group") <= GROUP_CAP)
    joined = small.join(small, on="_nik", suffix="_b").filter(pl.col("id") < pl.col("id_b"))
    big = members.filter(pl.col("_group") > GROUP_CAP)
    heads = big.filter(pl.col("id") == pl.col("id").min().over("_nik"))
    star = heads.join(big, on="_nik", suffix="_b").filter(pl.col("id") != pl.col("id_b"))
    both = pl.concat([joined, star.select(joined.columns)], how="vertical")
    keys = both.select("_compact", "_sorted", "_first", "_compact_b", "_sorted_b", "_first_b")
    similarity = [
        int(max(fuzz.ratio(ca, cb), fuzz.ratio(sa, sb))) - _given_name_penalty(ca, fa, cb, fb)
        for ca, sa, fa, cb, sb, fb in keys.iter_rows()
    ]
    return both.select(
        pl.col("_row").alias("_i"),
        pl.col("_row_b").alias("_j"),
        pl.Series("_sim", similarity, dtype=pl.Int32),
        pl.col("_group").cast(pl.Int64),
    )


def _same_date_pairs(work: pl.DataFrame, threshold: int) -> pl.DataFrame:
    """Pairs with different NIK, the same birth date and alike names (tier 2), compared only
    within a block (see the module).

    Each voter is compared with the rest of its block by ``process.extract`` (one call a voter
    and key, about 2 µs plus 35 ns a comparison here) rather than ``process.cdist``, which
    needs numpy, a dependency Pilkada does not otherwise have.
    """
    blocked = (
        work.filter(pl.col("_date").is_not_null() & (pl.col("_compact") != ""))
        .with_columns(pl.len().over("_date").alias("_size"))
        .with_columns(
            pl.when(pl.col("_size") > BLOCK_CAP)
            .then(pl.concat_str(pl.col("_sex"), pl.col("_compact").str.head(1)))
            .otherwise(pl.lit(""))
            .alias("_sub")
        )
        .sort("_date", "_sub", "_row")
    )
    starts = (
        blocked.with_row_index("_pos")
        .group_by("_date", "_sub")
        .agg(pl.col("_pos").min().alias("_start"), pl.len().alias("_n"))
    )
    rows = blocked["_row"].to_list()
    compact = blocked["_compact"].to_list()
    tokens = blocked["_sorted"].to_list()
    nik = blocked["_nik"].to_list()
    first = blocked["_first"].to_list()
    found_i, found_j, found_sim = [], [], []
    for start, n in starts.filter(pl.col("_n") > 1).select("_start", "_n").iter_rows():
        best: dict[tuple[int, int], int] = {}
        for keys in (compact, tokens):
            for offset in range(n - 1):
                i = start + offset
                for _choice, score, k in process.extract(
                    keys[i],
                    keys[i + 1 : start + n],
                    scorer=fuzz.ratio,
                    score_cutoff=threshold,
                    limit=None,
                ):
                    j = i + 1 + k
                    if score > best.get((i, j), -1):
                        best[(i, j)] = score
        for (i, j), score in best.items():
            if nik[i] == nik[j] and nik[i]:
                continue  # tier 1 or 3
            penalty = _given_name_penalty(compact[i], first[i], compact[j], first[j])
            similarity = int(score) - penalty
            if similarity >= threshold:
                found_i.append(rows[i])
                found_j.append(rows[j])
                found_sim.append(similarity)
    return pl.DataFrame(
        {"_i": found_i, "_j": found_j, "_sim": found_sim}, schema=_PAIR_SCHEMA
    ).with_columns(pl.lit(None, dtype=pl.Int64).alias("_group"))


def _given_name_penalty(compact_a: str, first_a: str, compact_b: str, first_b: str) -> int:
    """``GIVEN_NAME_PENALTY`` unless the first word of one name matches the start of the other
    written without spaces, so that "Nur Hasanah" and "Nurhasanah", "Abdul Rahman" and
    "Abdurrahman", "M." and "Maria" agree while "Rina" and "Kristina" do not."""
    agree = max(
        fuzz.ratio(first_a, compact_b[: len(first_a)]),
        fuzz.ratio(first_b, compact_a[: len(first_b)]),
    )
    return 0 if agree >= GIVEN_NAME_AGREE else GIVEN_NAME_PENALTY


def _scored(found: pl.DataFrame, work: pl.DataFrame, threshold: int) -> pl.DataFrame:
    """Tier, score and reason of each found pair (the scoring is in the module docstring)."""
    attrs = work.select("_row", "id", "_nik", "_date", "_sex", "_place")
    p = found.join(attrs, left_on="_i", right_on="_row", how="left").join(
        attrs, left_on="_j", right_on="_row", how="left", suffix="_b"
    )
    same_nik = (pl.col("_nik") == pl.col("_nik_b")) & (pl.col("_nik") != "")
    same_date = (pl.col("_date") == pl.col("_date_b")).fill_null(False)
    alike = pl.col("_sim") >= threshold
    known_place = (pl.col("_place") != "") & (pl.col("_place_b") != "")
    same_place = pl.col("_place") == pl.col("_place_b")
    sex_differs = (pl.col("_sex") != pl.col("_sex_b")) & (pl.col("_sex") != "")
    sex_differs = sex_differs & (pl.col("_sex_b") != "")
    tier = pl.when(same_nik & alike & same_date).then(1).when(same_nik).then(3).otherwise(2)
    score = (
        pl.col("_sim")
        + pl.when(~known_place).then(0).when(same_place).then(5).otherwise(-10)
        + pl.when(sex_differs).then(-15).otherwise(0)
        + pl.when(same_date).then(0).otherwise(-20)
    ).clip(0, 100)
    base = (
        pl.when(same_nik & alike & same_date)
        .then(pl.lit(_("NIK sama, nama dan tanggal lahir sama")))
        .when(same_nik & ~alike & ~same_date)
        .then(pl.lit(_("NIK sama, nama dan tanggal lahir berbeda")))
        .when(same_nik & ~alike)
        .then(pl.lit(_("NIK sama, nama berbeda")))
        .when(same_nik)
        .then(pl.lit(_("NIK sama, tanggal lahir berbeda")))
        .otherwise(pl.lit(_("NIK berbeda, nama mirip, tanggal lahir sama")))
    )
    place = (
        pl.when(~known_place)
        .then(pl.lit(None, dtype=pl.String))
        .when(same_place)
        .then(pl.lit(_("tempat lahir sama")))
        .otherwise(pl.lit(_("tempat lahir berbeda")))
    )
    sex = pl.when(sex_differs).then(pl.lit(_("jenis kelamin berbeda")))
    before, _n, after = _("NIK dipakai {n} pemilih").partition("{n}")
    group = pl.when(pl.col("_group") > 2).then(
        pl.concat_str(pl.lit(before), pl.col("_group").cast(pl.String), pl.lit(after))
    )
    return p.select(
        tier.cast(pl.Int8).alias("tier"),
        score.cast(pl.Int16).alias("score"),
        pl.concat_str(base, place, sex, group, separator="; ", ignore_nulls=True).alias("reason"),
        pl.min_horizontal("id", "id_b").alias("id_a"),
        pl.max_horizontal("id", "id_b").alias("id_b"),
    )


@dataclass
class DuplicateReport:
    """The pairs found in one election (or a region of it) and what was searched."""

    election: object
    region_code: str
    voters: int
    pairs: pl.DataFrame
    counts: dict[int, int] = field(default_factory=dict)
    region_name: str = ""


def election_duplicates(election, region_code: str | None = None) -> DuplicateReport:
    """Duplicates among an election's voters, within ``region_code`` (a region code already
    checked against the election's area) when given.

    One query, read through a raw cursor in chunks: a million voters as Django rows would cost
    several seconds for nothing the engine uses.
    """
    from django.db import connection
    from django.db.models import Q

    from pilkada.regions.models import Region
    from pilkada.voters.models import Voter

    region_code = (region_code or "").strip()
    voters = Voter.objects.filter(election=election)
    if region_code:
        voters = voters.filter(
            Q(polling_station__desa__code=region_code)
            | Q(polling_station__desa__code__startswith=region_code + ".")
        )
    station = "polling_station__"
    fields = ["id", "nik", "name", "birth_date", "birth_place", "sex", "number"]
    fields += [f"{station}desa__code", f"{station}number", f"{station}desa__name"]
    sql, params = voters.order_by().values_list(*fields).query.sql_with_params()
    schema = [*fields[:6], "list_number", "region", "tps_number", "region_name"]
    chunks = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(50_000):
            chunks.append(pl.DataFrame(rows, schema=schema, orient="row"))
    frame = (
        pl.concat(chunks, how="vertical_relaxed")
        if chunks
        else pl.DataFrame(schema=dict.fromkeys(schema, pl.String))
    )
    if frame.schema["birth_date"] == pl.String:  # SQLite hands dates over as ISO text
        frame = frame.with_columns(pl.col("birth_date").str.to_date("%Y-%m-%d"))
    frame = frame.select(
        pl.col("id").cast(pl.Int64),
        "nik",
        "name",
        pl.col("birth_date").cast(pl.Date),
        "birth_place",
        "sex",
        pl.concat_str(pl.col("region").str.replace_all(".", "", literal=True), "tps_number").alias(
            "tps"
        ),
        pl.col("list_number").cast(pl.Int64),
        "region",
        "region_name",
    )
    pairs = find_duplicates(frame)
    region_name = ""
    if region_code:
        region_name = Region.objects.filter(code=region_code).values_list("name", flat=True)
        region_name = region_name.first() or ""
    return DuplicateReport(
        election, region_code, frame.height, pairs, tier_counts(pairs), region_name
    )
