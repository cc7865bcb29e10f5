"""The year targets (chỉ tiêu) as written in a plan: parsed and checked, ready for Indicators."""

import csv
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.vi_format import parse_vi_number

KINDS = {"count", "percent", "ratio", "money", "yes_no"}
COMPARISONS = {"at_least", "at_most"}
AGGREGATES = {"sum", "ratio_of_sums", "all_units", "province_only"}
MAX_TARGET = Decimal(10) ** 14
MAX_PERCENT = Decimal(100)

# The number columns hold 18 digits, 4 of them decimals. Django's own messages count digits
# ("no more than 18 digits in total"), which reads badly to someone who typed one number.
NUMBER_LIMITS = DecimalValidator(max_digits=18, decimal_places=4)
NUMBER_MESSAGES = {
    "max_digits": gettext_lazy("The number is too large."),
    "max_whole_digits": gettext_lazy("The number is too large."),
    "max_decimal_places": gettext_lazy("Use at most 4 decimal places."),
}


def number_error(value: Decimal) -> str | None:
    """Our message when a number does not fit the columns, else None."""
    try:
        NUMBER_LIMITS(value)
    except ValidationError as exc:
        return str(NUMBER_MESSAGES.get(exc.code, exc.messages[0]))
    return None


def target_errors(*, kind: str, aggregate: str, target: Decimal | None,
                  unit_target: Decimal | None = None) -> dict[str, str]:
    """What every indicator's target obeys, typed in the editor, sent to the API or read from a CSV;
    by the field at fault."""
    errors = {}
    if kind == "percent" and aggregate == "sum":
        # Two districts at 45,5% and 60% are not at 105,5%.
        errors["aggregate"] = _("Percentages cannot be added up over units: choose “Σ numerators / "
                                "Σ denominators” or “Units meeting the unit-level condition”.")
    for field, value in (("target", target), ("unit_target", unit_target)):
        if value is None:
            continue
        if value < 0:
            errors[field] = _("A target cannot be negative.")
        elif kind == "percent" and value > MAX_PERCENT:
            errors[field] = _("A percentage is between 0 and 100.")
    return errors


@dataclass(frozen=True)
class Target:
    group: str
    code: str
    name: str
    kind: str
    unit_of_measure: str
    target: Decimal
    comparison: str
    aggregate: str


class TargetFileError(ValueError):
    pass


def read_targets(path: Path | str) -> list[Target]:
    """Targets from a CSV shaped like indicators_2024.csv; every bad line is named, none is kept."""
    targets, errors, seen = [], [], {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"no", "code", "name", "kind", "unit_of_measure", "target", "comparison", "aggregate"} - set(
            reader.fieldnames or [])
        if missing:
            raise TargetFileError(_("Line 1: missing columns: %(columns)s") % {"columns": ", ".join(sorted(missing))})
        for raw in reader:
            where = _("Line %(line)s") % {"line": reader.line_num}
            line_errors = []
            group = (raw["no"] or "").strip()
            try:
                target = parse_vi_number(raw["target"] or "")
            except InvalidOperation:
                target = None
                message = _("%(where)s: target “%(raw)s” is not a number.")
                line_errors.append(message % {"where": where, "raw": raw["target"]})
            values = {name: (raw[name] or "").strip() for name in ("code", "name", "kind", "comparison", "aggregate")}
            if not values["code"] or not values["name"]:
                line_errors.append(_("%(where)s: the code and the name are required.") % {"where": where})
            if len(values["code"]) > 20 or len(values["name"]) > 500:
                line_errors.append(_("%(where)s: the code (20) or the name (500 characters) is too long.")
                                   % {"where": where})
            if values["code"] in seen:
                line_errors.append(_("%(where)s: code %(code)s repeats line %(first)s.")
                                   % {"where": where, "code": values["code"], "first": seen[values["code"]]})
            seen.setdefault(values["code"], reader.line_num)
            in_range = target is not None and target.is_finite() and 0 <= target < MAX_TARGET
            if target is not None and not in_range:
                line_errors.append(_("%(where)s: the target must be between 0 and 10^14.") % {"where": where})
            rules = target_errors(kind=values["kind"], aggregate=values["aggregate"],
                                  target=target if in_range else None)
            line_errors.extend(f"{where}: {message}" for message in rules.values())
            for name, allowed in (("kind", KINDS), ("comparison", COMPARISONS), ("aggregate", AGGREGATES)):
                if values[name] not in allowed:
                    line_errors.append(_("%(where)s: %(column)s “%(raw)s” is not one of %(allowed)s.") % {
                        "where": where, "column": name, "raw": values[name], "allowed": ", ".join(sorted(allowed))})
            errors.extend(line_errors)
            if not line_errors:
                targets.append(Target(
                    group=group, code=values["code"], name=unicodedata.normalize("NFC", values["name"]),
                    kind=values["kind"], unit_of_measure=(raw["unit_of_measure"] or "").strip(),
                    target=target, comparison=values["comparison"], aggregate=values["aggregate"],
                ))
    if errors:
        raise TargetFileError("\n".join(errors))
    return targets
