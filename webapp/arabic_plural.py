"""A count and the noun it counts, in the form Arabic gives that number.

Which form a number takes (zero, one, two, few, many, other) is CLDR's plural
rule for Arabic, as Babel ships it; only the words themselves are written
here, since no library holds Arabic nouns' dual and plural forms.

    3 نتائج، 11 نتيجة، 100 نتيجة، 103 نتائج

A dual changes with its place in the sentence: «نتيجتان» as a subject, but
«في صفحتين» after a preposition, so the dual has a nominative and a genitive
form; every other form reads the same in both places (after 11-99 the noun
is an invariable accusative: 11 تطابقًا).
"""

from __future__ import annotations

from babel import Locale

_ARABIC = Locale("ar")

NOMINATIVE = "nominative"
GENITIVE = "genitive"

# word -> CLDR category -> form; "{n}" is the number. "two" is (nominative, genitive).
FORMS: dict[str, dict[str, str | tuple[str, str]]] = {
    "نتيجة": {
        "zero": "لا نتائج",
        "one": "نتيجة واحدة",
        "two": ("نتيجتان", "نتيجتين"),
        "few": "{n} نتائج",
        "many": "{n} نتيجة",
        "other": "{n} نتيجة",
    },
    "تطابق": {
        "zero": "لا تطابقات",
        "one": "تطابق واحد",
        "two": ("تطابقان", "تطابقين"),
        "few": "{n} تطابقات",
        "many": "{n} تطابقًا",
        "other": "{n} تطابق",
    },
    "نسخة مشابهة": {
        "zero": "لا نسخ مشابهة",
        "one": "نسخة مشابهة واحدة",
        "two": ("نسختان مشابهتان", "نسختين مشابهتين"),
        "few": "{n} نسخ مشابهة",
        "many": "{n} نسخة مشابهة",
        "other": "{n} نسخة مشابهة",
    },
    "وثيقة": {
        "zero": "لا وثائق",
        "one": "وثيقة واحدة",
        "two": ("وثيقتان", "وثيقتين"),
        "few": "{n} وثائق",
        "many": "{n} وثيقة",
        "other": "{n} وثيقة",
    },
    "صفحة": {
        "zero": "لا صفحات",
        "one": "صفحة واحدة",
        "two": ("صفحتان", "صفحتين"),
        "few": "{n} صفحات",
        "many": "{n} صفحة",
        "other": "{n} صفحة",
    },
}


def plural_category(n: int) -> str:
    """CLDR's plural category of ``n`` in Arabic: zero, one, two, few, many or other."""
    return _ARABIC.plural_form(n)


def count_of(n: int, word: str, case: str = NOMINATIVE) -> str:
    """``n`` with ``word`` (a key of FORMS) in the form that number takes: count_of(3, "نتيجة") == "3 نتائج"."""
    form = FORMS[word][plural_category(n)]
    if isinstance(form, tuple):
        form = form[0] if case == NOMINATIVE else form[1]
    return form.format(n=n)
