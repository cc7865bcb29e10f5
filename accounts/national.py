"""The central union over today's 34 provinces and 3,321 communes (two-tier local government
since 1 July 2025)."""

from vietnam_provinces import Province, Ward

from .loading import UnitRow, units_load
from .models import UnitLevel

CENTRAL_LEVEL, PROVINCE_LEVEL, COMMUNE_LEVEL = "central", "province", "commune"
CENTRAL_CODE = "VN"


def province_code(code) -> str:
    return f"VN-P{int(code):02d}"


def commune_code(code) -> str:
    return f"VN-W{int(code):05d}"


def national_rows() -> list[UnitRow]:
    rows = [UnitRow(line=1, code=CENTRAL_CODE, name="Trung ương Đoàn TNCS Hồ Chí Minh", level=CENTRAL_LEVEL)]
    line = 1
    for province in sorted(Province.iter_all(), key=lambda p: int(p.code)):
        line += 1
        rows.append(UnitRow(line=line, code=province_code(province.code), name=province.name,
                            level=PROVINCE_LEVEL, parent_code=CENTRAL_CODE))
    for ward in sorted(Ward.iter_all(), key=lambda w: int(w.code)):
        line += 1
        rows.append(UnitRow(line=line, code=commune_code(ward.code), name=ward.name,
                            level=COMMUNE_LEVEL, parent_code=province_code(ward.province_code)))
    return rows


def national_units_load():
    UnitLevel.objects.get_or_create(code=CENTRAL_LEVEL, defaults={"name": "Trung ương", "rank": 0})
    UnitLevel.objects.get_or_create(code=PROVINCE_LEVEL, defaults={"name": "Cấp tỉnh", "rank": 1})
    UnitLevel.objects.get_or_create(code=COMMUNE_LEVEL, defaults={"name": "Cấp xã", "rank": 2})
    return units_load(national_rows())
