"""The year targets (chỉ tiêu) as written in a plan: parsed and checked, ready for Indicators."""

import csv
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils.translation import gettext as _

from core.vi_format import parse_vi_number

KINDS = {"count", "percent", "ratio", "money", "yes_no"}
COMPARISONS = {"at_least", "at_most"}
AGGREGATES = {"sum", "ratio_of_sums", "all_units", "province_only"}
MAX_TARGET = Decimal(10) ** 14


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
            if target is not None and not (target.is_finite() and 0 <= target < MAX_TARGET):
                line_errors.append(_("%(where)s: the target must be between 0 and 10^14.") % {"where": where})
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
