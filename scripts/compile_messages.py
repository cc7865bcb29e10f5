"""Compile locale/*.po to .mo with polib, so a machine without GNU gettext can still do it.
The .mo files are committed: `make run` on a fresh clone needs no compiler at all."""

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
for po_path in sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po")):
    po = polib.pofile(str(po_path))
    po.save_as_mofile(str(po_path.with_suffix(".mo")))
    print(f"{po_path.relative_to(ROOT)}: {po.percent_translated()}% translated")
