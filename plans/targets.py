"""The year targets (chỉ tiêu) as written in a plan: parsed and checked, ready for Indicators."""

import csv
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

KINDS = {"count", "percent", "ratio", "money", "yes_no"}
COMPARISONS = {"at_least", "at_most"}
AGGREGATES = {"sum", "ratio_of_sums", "all_units", "province_only"}


@dataclass(frozen=True)
class Target:
    group: int
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
    targets, errors = [], []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        for raw in reader:
            line = reader.line_num
            try:
                target = Target(
                    group=int(raw["no"]),
                    code=raw["code"].strip(),
                    name=unicodedata.normalize("NFC", raw["name"].strip()),
                    kind=raw["kind"].strip(),
                    unit_of_measure=raw["unit_of_measure"].strip(),
                    target=Decimal(raw["target"].strip()),
                    comparison=raw["comparison"].strip(),
                    aggregate=raw["aggregate"].strip(),
                )
            except (KeyError, ValueError, InvalidOperation) as exc:
                errors.append(f"Dòng {line}: {exc}")
                continue
            for value, allowed in (
                (target.kind, KINDS), (target.comparison, COMPARISONS), (target.aggregate, AGGREGATES)
            ):
                if value not in allowed:
                    errors.append(f"Dòng {line}: giá trị không hợp lệ {value!r}")
            targets.append(target)
    if errors:
        raise TargetFileError("\n".join(errors))
    return targets
