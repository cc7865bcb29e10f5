"""Numbers the way Vietnamese documents write them: 4.112 · 51,83% · 16.107/31.076 (51,83%)."""

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
