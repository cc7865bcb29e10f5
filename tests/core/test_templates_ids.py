"""Ids and counts written into markup must not go through number formatting: in Vietnamese 1234
becomes "1.234", which a form posts back as a different (or no) id."""

import re
from pathlib import Path

from django.conf import settings

# {{ something.pk }} or {{ something_id }} with no |unlocalize: a formatted id.
FORMATTED_ID = re.compile(r"\{\{\s*[\w.]+(\.pk|_id|\.id)\s*\}\}")


def test_no_template_formats_an_id():
    offenders = []
    for path in sorted(Path(settings.BASE_DIR, "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if FORMATTED_ID.search(line):
                offenders.append(f"{path.relative_to(settings.BASE_DIR)}:{number}")
    assert offenders == []
