"""Stemmers for normalized Arabic words.

The default is a light stemmer in the Light10 family (the one Lucene's
ArabicStemmer implements): strip one attached prefix group, then common
suffixes, never leaving fewer than two letters.  It is written here because
the maintained C stemmer (Snowball Arabic, via PyStemmer) over-stems the words
news readers search for: it turns بلينكن into لين, وزير into زير and
ستوكهولم into توكهولم, and leaves اجتماعات as اجتماعا apart from اجتماع.
Snowball stays selectable by name for comparison.

Words come in already normalized (see ``normalize``): ة is ه, ى is ي, alef
forms are ا.
"""

from functools import lru_cache
from importlib import resources

from .lexicon import begins_with_waw, past_verb, waw_words

# Definite-article groups, longest first; each may carry و or ف in front.
_ARTICLES = ("ال", "بال", "كال", "لل")
PREFIXES = tuple(
    sorted({c + a for a in _ARTICLES for c in ("", "و", "ف")}, key=len, reverse=True)
)
# Attached pronouns (their, our, your), which Light10 leaves on: اجتماعهم,
# بلادنا, نقاطكما.  Removed first, and only when four letters remain, since
# short words end in these letters as part of themselves (فهم, مساهم, محاكم).
# The feminine هن and كن are left out: too many names end in them (بلينكن).
PRONOUN_SUFFIXES = ("هما", "كما", "هم", "كم", "نا")
MIN_AFTER_PRONOUN = 4
# The lone ه (his) is also teh marbuta written as heh (مدينه), so it is only
# taken off after the plural: محادثاته -> محادثات.
PLURAL_POSSESSIVE = "اته"
# ة is written ت before an attached pronoun: مساحة, مساحتها; حكومة, حكومته;
# جامعة, جامعتهم.  A word ending in ت and one of these is read as its ة form
# first (the usual case for nouns, and the ت of a verb's past goes the same
# way: قابلته -> قابل), its ت form kept as the alternative (بيروتها).
TEH_PRONOUNS = ("هما", "كما", "ها", "هم", "كم", "كن", "نا", "ه")
# Letters before the ت: shorter words mostly end in a ت of their own (بيته, وقتها, بنته).
MIN_BEFORE_TEH = 3
# Suffixes in Light10 order; each is removed at most once, in this order.
SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")
# Single-letter proclitics that are also common first letters of stems
# (بلينكن, فرنسا, كتاب, لبنان, وزير).  Stripping one of them (after the prefix
# group) is offered as an alternative term at the same position rather than
# replacing the word: بلافروف -> لافروف, وبلينكن -> بلينكن and لينكن.
AMBIGUOUS_PROCLITICS = ("و", "ب", "ك", "ل", "ف")

MIN_STEM = 2  # never cut a word below two letters
MIN_AFTER_WAW = 3  # و is stripped only when three letters remain
MIN_ALTERNATIVE = 3  # letters of an alternative stem


def _load_exclusions() -> dict[str, str]:
    """word -> its stem, from data/stem_exclusions.txt ("word" or "word stem" per line)."""
    text = resources.files("indexer.analysis").joinpath("data/stem_exclusions.txt").read_text(encoding="utf-8")
    table = {}
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if fields:
            table[fields[0]] = fields[-1]
    return table


# Lucene's stemmers take a "stem exclusion set" for the same reason: a light
# stemmer cannot tell a clitic from a first letter without a lexicon.
STEM_EXCLUSIONS = _load_exclusions()
_EXCLUDED_STEMS = frozenset(STEM_EXCLUSIONS.values())


def _strip_article(word: str) -> tuple[str, str]:
    """``word`` without its article group, and the group ('' when none)."""
    for prefix in PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= MIN_STEM:
            return word[len(prefix):], prefix
    return word, ""


def _strip_suffixes(word: str) -> str:
    if word in STEM_EXCLUSIONS:
        return STEM_EXCLUSIONS[word]
    if word.endswith(PLURAL_POSSESSIVE) and len(word) >= MIN_AFTER_PRONOUN + 2:
        word = word[:-1]  # محادثاته: his, after the plural ات
    for suffix in PRONOUN_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_AFTER_PRONOUN:
            word = word[: -len(suffix)]
            break
    for suffix in SUFFIXES:
        if word in STEM_EXCLUSIONS:
            return STEM_EXCLUSIONS[word]
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            word = word[: -len(suffix)]
    return STEM_EXCLUSIONS.get(word, word)


@lru_cache(maxsize=1)
def _waw_noun_stems() -> frozenset[str]:
    # The dictionary's nouns that begin with و, as the stemmer leaves them (وفاه -> وفا).
    return frozenset(_strip_suffixes(noun) for noun in waw_words()[0])


def _protected(word: str) -> bool:
    """Whether the first letter of ``word`` belongs to it (an exclusion says so)."""
    return word in STEM_EXCLUSIONS or _strip_suffixes(word) in _EXCLUDED_STEMS


@lru_cache(maxsize=200_000)
def light_bases(word: str) -> tuple[str, ...]:
    """``word`` without its proclitics: the likely reading first, then an alternative.

    An article group (ال, وال, بال, كال, لل, فال...) is always a clitic; a
    bare و is one when three letters remain; a further و ب ك ل ف may be one
    (وبلينكن -> بلينكن, or لينكن), so both readings are returned.  Words in
    the exclusion list keep their first letter.
    """
    if _protected(word):  # وكالات is not و + كال + ات
        return (word,)
    if word[:1] in "وف" and _protected(word[1:]):  # والاف is و + الاف
        return (word[1:],)
    base, article = _strip_article(word)
    if article.endswith("لل"):
        # لل is ل + ال, or ل before a word that starts with ل: للافروف, للبنان.
        with_lam = word[len(article) - 1:]
        if _protected(with_lam):
            return (with_lam,)
        return (base, with_lam)
    if not article and base.startswith("و") and len(base) - 1 >= MIN_AFTER_WAW and not _protected(base):
        if begins_with_waw(base, _waw_noun_stems()):
            # وفاة, ولدت: a word of its own first, the conjunction's reading after.
            return (base[1:], base)
        base = base[1:]
    bases = [base]
    if base[:1] in AMBIGUOUS_PROCLITICS and len(base) - 1 >= 3 and not _protected(base):
        bases.append(base[1:])
    return tuple(bases)


def _marbuta_form(base: str) -> str | None:
    """``base`` with a ت before an attached pronoun read as ة (normalized: ه), pronoun dropped."""
    if base in STEM_EXCLUSIONS:
        return None
    for pronoun in TEH_PRONOUNS:
        if base.endswith("ت" + pronoun) and len(base) - len(pronoun) - 1 >= MIN_BEFORE_TEH:
            return base[: -len(pronoun) - 1] + "ه"
    return None


# After ا, ات is mostly the plural (سياراتها -> سيار); ـاة nouns are short
# (حياة, صلاة, قناة, فتاة): their ة reading is offered after this many letters at most.
MAX_BEFORE_AH = 3


def _base_stems(base: str) -> list[str]:
    """The stems of one reading of the proclitics: the ة reading first where there is one,
    second after ا (حياتها -> حي, حيا), none after a longer word's ا (اجتماعاتهم -> اجتماع)."""
    marbuta = _marbuta_form(base)
    if marbuta is None:
        verb = past_verb(base)
        if verb is not None:
            # فازت, أعلنت, قالوا: the verb's stem first, the word's own after.
            return [_strip_suffixes(verb), _strip_suffixes(base)]
        return [_strip_suffixes(base)]
    if marbuta.endswith("اه"):
        if len(marbuta) - 2 > MAX_BEFORE_AH:
            return [_strip_suffixes(base)]
        return [_strip_suffixes(base), _strip_suffixes(marbuta)]
    return [_strip_suffixes(marbuta), _strip_suffixes(base)]


@lru_cache(maxsize=200_000)
def light_stems(word: str) -> tuple[str, ...]:
    """The light stem of ``word`` first, then any alternative stems.

    An alternative reads a further leading و ب ك ل ف as a proclitic
    (بلافروف -> لافروف), or a ت before a pronoun as itself rather than ة
    (حكومته -> حكوم, then حكومت); it is kept only when it has three letters.
    """
    primary, *others = (stem for base in light_bases(word) for stem in _base_stems(base))
    return tuple(dict.fromkeys([primary, *(s for s in others if len(s) >= MIN_ALTERNATIVE)]))


_snowball = None


def snowball_stems(word: str) -> tuple[str, ...]:
    # PyStemmer objects cannot be pickled, and Whoosh pickles the schema with
    # its analyzers: create the stemmer on first use, in each process.
    global _snowball
    if _snowball is None:
        import Stemmer

        _snowball = Stemmer.Stemmer("arabic", 100_000)
    return (_snowball.stemWord(word),)


_tashaphyne = None


def tashaphyne_stems(word: str) -> tuple[str, ...]:
    # Tashaphyne's light stemmer, kept selectable for the comparison in
    # docs/quality.md; created lazily for the same reason as Snowball.
    global _tashaphyne
    if _tashaphyne is None:
        from tashaphyne.stemming import ArabicLightStemmer

        _tashaphyne = ArabicLightStemmer()
    return (_tashaphyne.light_stem(word) or word,)


def no_stems(word: str) -> tuple[str, ...]:
    return (word,)


STEMMERS = {
    "light": light_stems,
    "snowball": snowball_stems,
    "tashaphyne": tashaphyne_stems,
    "none": no_stems,
}
DEFAULT_STEMMER = "light"


def get_stemmer(name: str):
    try:
        return STEMMERS[name]
    except KeyError:
        raise ValueError(f"unknown stemmer {name!r}; choose one of {', '.join(STEMMERS)}") from None


_isri = None
MIN_ROOT_WORD = 3  # shorter words have no root worth matching on


@lru_cache(maxsize=200_000)
def root(word: str) -> str | None:
    """The ISRI root of ``word`` (NLTK's implementation), or None for short words.

    Roots join what light stemming keeps apart (يتدفق and تدفق, مؤلفات and
    مؤلف, تسمية and سميت) at the price of over-joining, so the engine gives
    them a low weight of their own rather than using them as the stem.
    """
    global _isri
    if len(word) < MIN_ROOT_WORD:
        return None
    if _isri is None:
        from nltk.stem.isri import ISRIStemmer

        _isri = ISRIStemmer()
    return _isri.stem(word)
