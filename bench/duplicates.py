"""How well the near-duplicate rule (indexer/duplicates/) tells copies from other stories.

A labelled set of pairs made from real text: each paragraph of a JSON Lines
corpus (XQuAD-ar's contexts: Wikipedia paragraphs, several from each article,
in order) is a story.  Copies, which must fold, are the story after one kind
of edit a syndicating site makes, and after several at once; other stories,
which must not, are the next paragraph of the same article (same subject,
same names), another article's paragraph, and two stories sent out in one
agency's template.  Each pair goes through the same signatures and grouping
the engine uses.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import numpy as np

from indexer.duplicates import groups as dup_groups
from indexer.duplicates.signature import PERMUTATIONS, signature, signatures

TEMPLATE_HEAD = ("عاجل | وكالة الأنباء العربية الموحدة — خدمة الأخبار الدولية. جميع الحقوق محفوظة للوكالة، "
                 "ويحظر النقل أو الاقتباس دون ذكر المصدر. تابعونا على مواقع التواصل الاجتماعي لمزيد من الأخبار.")
TEMPLATE_FOOT = ("للاشتراك في خدمة الأخبار العاجلة أرسلوا رسالة إلى الرقم المخصص، وللإعلان يرجى الاتصال بقسم "
                 "التسويق. الوكالة غير مسؤولة عن آراء الكتّاب الواردة في التقارير المنشورة.")
_SENTENCE = re.compile(r"(?<=[.!؟?])\s+")


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(text) if s.strip()]


def _words_changed(text: str, rng: random.Random, share: float) -> str:
    words = text.split()
    for at in rng.sample(range(len(words)), max(1, int(len(words) * share))):
        words[at] = rng.choice(["قال", "أضاف", "الذي", "كما", "أيضاً", "حيث", "وقد", "هذا", "بعد", "خلال"])
    return " ".join(words)


def _cut(text: str, rng: random.Random) -> str:
    parts = _sentences(text)
    if len(parts) > 2:
        del parts[rng.randrange(len(parts))]
    return " ".join(parts)


def _added(text: str, other: str, rng: random.Random) -> str:
    parts = _sentences(text)
    parts.insert(rng.randrange(len(parts) + 1), rng.choice(_sentences(other)))
    return " ".join(parts)


def _reordered(text: str, rng: random.Random) -> str:
    parts = _sentences(text)
    if len(parts) > 1:
        at = rng.randrange(len(parts) - 1)
        parts[at], parts[at + 1] = parts[at + 1], parts[at]
    return " ".join(parts)


def _shortened(text: str) -> str:
    words = text.split()
    return " ".join(words[: max(25, int(len(words) * 0.7))])


def labelled_pairs(stories: list[str], rng: random.Random) -> list[tuple[str, bool, str, str]]:
    """(kind, is a copy, text a, text b) for every story."""
    pairs = []
    for n, story in enumerate(stories):
        other = stories[(n + 7) % len(stories)]
        pairs += [
            ("copy: a few words changed (5%)", True, story, _words_changed(story, rng, 0.05)),
            ("copy: many words changed (12%)", True, story, _words_changed(story, rng, 0.12)),
            ("copy: a sentence cut", True, story, _cut(story, rng)),
            ("copy: a sentence added", True, story, _added(story, other, rng)),
            ("copy: two sentences swapped", True, story, _reordered(story, rng)),
            ("copy: the first 70% only", True, story, _shortened(story)),
            ("copy: in an agency template", True, story, f"{TEMPLATE_HEAD}\n{story}\n{TEMPLATE_FOOT}"),
            ("copy: cut, added and words changed", True, story,
             _words_changed(_added(_cut(story, rng), other, rng), rng, 0.05)),
            ("other: the next paragraph of the same article", False, story, stories[(n + 1) % len(stories)]),
            ("other: another article", False, story, other),
            ("other: two stories in one agency template", False, f"{TEMPLATE_HEAD}\n{story}\n{TEMPLATE_FOOT}",
             f"{TEMPLATE_HEAD}\n{other}\n{TEMPLATE_FOOT}"),
        ]
    return pairs


def folded(a: str, b: str) -> bool:
    sigs = signatures(signature(a) + signature(b), 2)
    return bool(dup_groups.groups(sigs)[1] == 0)


def measure(paths: list[Path], seed: int = 3) -> dict:
    stories = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                text = json.loads(line).get("text") or ""
                if len(text.split()) >= 60:
                    stories.append(text)
    rng = random.Random(seed)
    pairs = labelled_pairs(stories, rng)
    kinds: dict[str, list[int]] = {}
    tp = fp = fn = 0
    for kind, copy, a, b in pairs:
        hit = folded(a, b)
        kinds.setdefault(kind, [0, 0])
        kinds[kind][0] += hit
        kinds[kind][1] += 1
        tp += hit and copy
        fp += hit and not copy
        fn += copy and not hit
    return {"stories": len(stories), "pairs": len(pairs), "kinds": kinds,
            "precision": tp / (tp + fp) if tp + fp else 1.0, "recall": tp / (tp + fn) if tp + fn else 1.0,
            "threshold": dup_groups.THRESHOLD, "bands": dup_groups.BANDS, "rows": dup_groups.ROWS,
            "permutations": PERMUTATIONS}
