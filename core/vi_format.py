"""Numbers the way Vietnamese documents write them: 4.112 · 51,83% · 16.107/31.076 (51,83%)."""

import re
from decimal import ROUND_HALF_UP, Decimal


def vi_number(value, decimals: int | None = None) -> str:
    """Thousands with dots, decimals with a comma; whole numbers without decimals unless asked."""
    if value is None:
        return "—"
    number = Decimal(str(value))
    if decimals is None:
        decimals = 0 if number == number.to_integral_value() else 2
    quantized = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{quantized:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def vi_percent(value) -> str:
    return "—" if value is None else f"{vi_number(value, 2 if Decimal(str(value)) % 1 else 0)}%"


def vi_fraction(numerator, denominator, percent) -> str:
    return f"{vi_number(numerator)}/{vi_number(denominator)} ({vi_percent(percent)})"


_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")


def parse_vi_number(raw) -> Decimal:
    """What an officer types: "1.200" and "204.800" are thousands, "51,83" and "2,5" decimals.

    A lone dot not followed by exactly three digits ("2.5", "51.83") is read as a decimal point,
    so figures pasted from English spreadsheets still work. Numbers (not text) pass as they are.
    Raises decimal.InvalidOperation for anything else.
    """
    if isinstance(raw, (int, float, Decimal)) and not isinstance(raw, bool):
        return Decimal(str(raw))
    text = str(raw).strip().replace(" ", "").replace("\u00a0", "")
    integer_part = text.split(",")[0]
    if "," in text:
        text = text.replace(".", "").replace(",", ".", 1)
    elif _THOUSANDS.match(integer_part):
        text = text.replace(".", "")
    return Decimal(text)
