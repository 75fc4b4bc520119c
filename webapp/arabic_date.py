"""A document's date as an Arabic reader writes it: 2022-01-21 -> 21 يناير 2022.

Babel holds CLDR's Arabic month names and date pattern. A date that is not
ISO (YYYY-MM-DD, perhaps with a time after it) is shown as the document
writes it, since guessing the order of day and month would be worse."""

from __future__ import annotations

import re
from datetime import date

from babel.dates import format_date

_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:$|[T ])")


def arabic_date(text: str) -> str:
    match = _ISO_DAY.match(text.strip())
    if not match:
        return text
    try:
        day = date(*map(int, match.groups()))
    except ValueError:  # 2022-02-30
        return text
    return format_date(day, format="long", locale="ar")
