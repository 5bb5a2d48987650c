"""Numbers as Indonesian readers write them: ``89.540`` and ``45,67 %``. Display only."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext


def format_int(n: int) -> str:
    """``89540`` → ``89.540`` (Indonesian thousands separator)."""
    return f"{n:,}".replace(",", ".")


def format_percent(value: Decimal | None, places: int = 2) -> str:
    """A share or turnout (a fraction, 0.4567) for display: ``45,67 %``; ``–`` for None.

    Rounded half up to ``places`` decimals, decimal comma, ``.`` between thousands.
    """
    if value is None:
        return "–"
    with localcontext() as ctx:
        ctx.prec = 60
        percent = (Decimal(value) * 100).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
        if percent == 0:
            percent = abs(percent)  # no "-0,00 %"
        text = f"{percent:,.{places}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".") + " %"
