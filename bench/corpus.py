"""A benchmark corpus of any size, resampled from real Arabic text.

Real text gives what a benchmark of Arabic analysis needs: words as they are
written, with their diacritics, clitics and punctuation in the proportions the
source has.  A word-bigram chain over that text keeps those proportions and the
Zipf shape of the vocabulary; new word forms (a real word's beginning joined to
another's end) are mixed in at a steady rate from a pool that grows as the corpus does, so that
the vocabulary keeps growing with it as it does in a real archive (Heaps' law)
instead of stopping at the size of the source text.

Documents are plain-text files (a front-matter block with the document's
source and date, then its title on the first line), a thousand to a folder,
and a hidden .manifest.json records how they were made and what they hold.
Like a news archive, sources are few and uneven (one prints far more than
another), dates spread over a dozen years, a few documents have none, and one
in COPY_SHARE is a syndicated copy of a story printed shortly before: the
same body with a few words changed and perhaps a sentence cut, under its own
headline, source and date.  The metadata and copies are drawn from a random
stream of their own, so the text of every document is what it was before
they were added.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import math
import random
import re
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

from indexer.ingest.metadata import front_matter


FILES_PER_FOLDER = 1000
MANIFEST = ".manifest.json"  # hidden: the indexer skips it
TITLE_WORDS = (5, 15)
BODY_WORDS = (100, 1500)
# Body lengths are log-normal (most articles short, a few long) between the bounds.
BODY_MEDIAN, BODY_SIGMA = 420, 0.7
SENTENCE_END = re.compile(r"[.!؟?]$")
ARABIC_WORD = re.compile(r"^[\u0621-\u064A]{4,}$")
HARAKAT = re.compile(r"[\u064B-\u0652]")
# One token in NEW_WORD_RATE is a made-up form, drawn from a pool of
# POOL_FACTOR * sqrt(tokens so far) forms: the vocabulary grows roughly as
# Heaps' law has it for news text (about 40k forms at a million words).
NEW_WORD_RATE = 0.06
POOL_FACTOR = 80
# Bumped when what a corpus holds changes: a corpus of another format is made again.
FORMAT = 2
SOURCES = ("وكالة الأنباء العربية", "الجزيرة نت", "سبوتنيك عربي", "الشرق الأوسط", "العربية نت", "بي بي سي عربي",
           "فرانس 24", "روسيا اليوم", "الأهرام", "الخليج", "القدس العربي", "الوطن")
FIRST_DAY, LAST_DAY = dt.date(2015, 1, 1).toordinal(), dt.date(2026, 11, 30).toordinal()
UNDATED_SHARE = 0.03
COPY_SHARE = 0.05
RECENT_STORIES = 2000  # a copy is of one of these (syndication follows the story within days)


@dataclass
class Manifest:
    documents: int
    seed: int
    source_tokens: int
    tokens: int
    bytes: int
    vocabulary: int
    share_with_diacritics: float
    share_with_proclitic: float
    made_up_words: int
    format: int = 0
    sources: int = 0
    copies: int = 0
    undated: int = 0


def read_source_text(paths: list[Path]) -> list[str]:
    """Paragraphs of real text: plain-text files as they are, and the "title" and
    "text" of each record in JSON Lines files; folders are searched for both."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix in (".txt", ".jsonl"))
        else:
            files.append(path)
    paragraphs = []
    for file in files:
        if file.suffix == ".jsonl":
            for line in file.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    record = json.loads(line)
                    paragraphs += [record.get(k) or "" for k in ("title", "text")]
        else:
            # Without a front-matter block: its lines are metadata, not text.
            paragraphs += front_matter(file.read_text(encoding="utf-8"))[1].splitlines()
    return [p for p in paragraphs if p.strip()]


class BigramText:
    """Random text that follows the word-to-next-word counts of a source text."""

    def __init__(self, paragraphs: list[str], rng: random.Random):
        self.rng = rng
        self.next_words: dict[str, list[str]] = defaultdict(list)
        self.starts: list[str] = []
        self.source_tokens = 0
        for paragraph in paragraphs:
            words = paragraph.split()
            self.source_tokens += len(words)
            previous = None
            for word in words:
                if previous is None or SENTENCE_END.search(previous):
                    self.starts.append(word)
                else:
                    self.next_words[previous].append(word)
                previous = word
        if not self.starts:
            raise ValueError("no source text to resample")
        self.stems = sorted({w for w in self.starts + [x for v in self.next_words.values() for x in v]
                             if ARABIC_WORD.match(w)})
        self.made_up: list[str] = []
        self.made_up_cum: list[float] = []
        self.tokens = 0

    def _made_up_word(self) -> str:
        """A new word form, drawn Zipf-like from a pool that grows with the corpus."""
        wanted = int(POOL_FACTOR * math.sqrt(self.tokens + 1))
        while len(self.made_up) < wanted:
            a, b = self.rng.choice(self.stems), self.rng.choice(self.stems)
            self.made_up.append(a[: len(a) // 2 + 1] + b[len(b) // 2:])
        # Zipf weights 1/rank over the pool; extend the running sums as it grows.
        for rank in range(len(self.made_up_cum) + 1, len(self.made_up) + 1):
            self.made_up_cum.append((self.made_up_cum[-1] if self.made_up_cum else 0.0) + 1.0 / rank)
        pick = self.rng.random() * self.made_up_cum[-1]
        return self.made_up[bisect.bisect_left(self.made_up_cum, pick)]

    def words(self, count: int, stop_at_sentence_end: bool = False) -> list[str]:
        out: list[str] = []
        word = self.rng.choice(self.starts)
        while len(out) < count:
            out.append(self._made_up_word() if self.rng.random() < NEW_WORD_RATE else word)
            self.tokens += 1
            followers = self.next_words.get(word)
            if not followers or SENTENCE_END.search(word):
                if stop_at_sentence_end and len(out) >= count // 2:
                    break
                word = self.rng.choice(self.starts)
            else:
                word = self.rng.choice(followers)
        return out


def _body_length(rng: random.Random) -> int:
    n = int(rng.lognormvariate(math.log(BODY_MEDIAN), BODY_SIGMA))
    return min(max(n, BODY_WORDS[0]), BODY_WORDS[1])


def _title(text: BigramText, rng: random.Random) -> str:
    words = text.words(rng.randint(*TITLE_WORDS))
    return " ".join(words).rstrip(".،,؛:!؟?")


def _paragraphs(words: list[str], rng: random.Random) -> str:
    """Words into paragraphs of 40 to 120 words, broken after a sentence where one ends."""
    lines, current = [], []
    target = rng.randint(40, 120)
    for word in words:
        current.append(word)
        if len(current) >= target and SENTENCE_END.search(word):
            lines.append(" ".join(current))
            current, target = [], rng.randint(40, 120)
    if current:
        lines.append(" ".join(current))
    return "\n".join(lines)


def _edited(words: list[str], rng: random.Random) -> list[str]:
    """A syndicated copy of a body: a few words changed, and sometimes its last sentence cut."""
    words = list(words)
    for at in rng.sample(range(len(words)), max(1, len(words) // 40)):
        words[at] = rng.choice(["وقال", "وأضاف", "الذي", "كما", "أيضاً", "حيث", "وقد", "هذا", "بعد", "خلال"])
    if rng.random() < 0.5:
        ends = [i for i, w in enumerate(words[:-1]) if SENTENCE_END.search(w)]
        if ends:
            words = words[:ends[-1] + 1]
    return words


def document_path(root: Path, n: int) -> Path:
    return root / f"{n // FILES_PER_FOLDER:04d}" / f"doc-{n:07d}.txt"


def make_corpus(source_paths: list[Path], out: Path, documents: int, seed: int = 1,
                progress: bool = False) -> Manifest:
    """Write ``documents`` articles into ``out`` and return their manifest."""
    rng = random.Random(seed)
    text = BigramText(read_source_text(source_paths), rng)
    vocabulary: set[str] = set()
    tokens = size = sampled = marked = proclitic = 0
    numbers = range(documents)
    if progress:
        from tqdm import tqdm
        numbers = tqdm(numbers, desc="writing documents", unit="doc")
    archive = random.Random(seed + 1_000_003)  # metadata and copies: a stream apart from the text's
    recent: list[tuple[list[str], int]] = []  # (body words, day) of the latest stories
    copies = undated = 0
    for n in numbers:
        title = _title(text, rng)
        body_words = text.words(_body_length(rng))
        paragraphs = _paragraphs(body_words, rng)
        source = archive.choices(SOURCES, weights=[1 / (rank + 1) for rank in range(len(SOURCES))])[0]
        day = archive.randint(FIRST_DAY, LAST_DAY)
        if recent and archive.random() < COPY_SHARE:
            original, original_day = archive.choice(recent)
            body_words = _edited(original, archive)
            paragraphs = _paragraphs(body_words, archive)
            day = original_day + archive.randint(0, 3)
            copies += 1
        else:
            recent.append((body_words, day))
            del recent[:-RECENT_STORIES]
        dated = archive.random() >= UNDATED_SHARE
        undated += not dated
        date_line = f"date: {dt.date.fromordinal(day).isoformat()}\n" if dated else ""
        path = document_path(out, n)
        path.parent.mkdir(parents=True, exist_ok=True)
        content = f"---\n{date_line}source: {source}\n---\n{title}\n{paragraphs}\n"
        path.write_text(content, encoding="utf-8")
        size += len(content.encode("utf-8"))
        words = title.split() + body_words
        tokens += len(words)
        vocabulary.update(words)
        if n % 10 == 0:  # the proportions, measured on every tenth document
            sampled += len(words)
            marked += sum(1 for w in words if HARAKAT.search(w))
            proclitic += sum(1 for w in words if w[:1] in "وفبكل" or w.startswith("ال"))
    manifest = Manifest(
        documents=documents, seed=seed, source_tokens=text.source_tokens, tokens=tokens, bytes=size,
        vocabulary=len(vocabulary),
        share_with_diacritics=round(marked / max(1, sampled), 4),
        share_with_proclitic=round(proclitic / max(1, sampled), 4),
        made_up_words=len(text.made_up),
        format=FORMAT, sources=len(SOURCES), copies=copies, undated=undated,
    )
    (out / MANIFEST).write_text(json.dumps(asdict(manifest), indent=2), encoding="utf-8")
    return manifest
