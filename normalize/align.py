"""Align local plan tasks to the tasks of the national decision they carry out.

A plan either mirrors the decision (its group headings are the decision's
groups and its lettered items the decision's tasks, maybe with one dropped and
the letters after it shifted) or rewrites it (a province merges, splits or
rewords tasks). Both are handled by content, never by letter:

* the task's own text is compared with every reference task (title, the
  wordings recorded as variants, and the sub-items the decision gives);
* each activity is compared the same way, and when they spread over several
  lettered tasks the task gets the group code they share;
* a heading above the task that is a reference group or task narrows the
  candidates to it, which is how a mirrored plan keeps a reworded item in its
  group.

Tasks that organise the plan itself (steering, directives, follow-up) are
none of the decision's tasks and get no code. Similarity is rapidfuzz over
normalized syllables (see ``normalize_text``), averaged with a distinctive-term
score (see ``_Terms``): a province that rewrites a task in a few local words
keeps little of the decision's wording but usually its one telling term
("hòa giải", "đường dây nóng", "kinh phí"). The language data (stop words,
abbreviations, organisational markers, generic verbs, local vocabulary) is in
``data/reference/_text.yaml``.
Word segmentation with underthesea was measured on the gold: same accuracy,
no wider margins, ~0.4 s more at start, so it is not used.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from extract.datafile import load_yaml
from extract.model import Task
from normalize.reference import Reference, load_reference

# Scores are 0-100 (rapidfuzz) internally, 0-1 on the task.
FIT = 48.0  # below this nothing fits: the task is local (calibrated on tests/data/align_rewrites.jsonl)
DISTINCT = 0.5  # share of the distinctive-term score in a node's score
LEAVE = 60.0  # a task under a lettered heading leaves it only for a task it fits this well
SAME = 90.0  # at or above this the wording is kept
CONTEXT = 75.0  # a heading at or above this is read as that reference node
ACTIVITY = 60.0  # an activity at or above this counts as carrying out a task
STEERING_CEILING = 80.0  # an organisational task above this is a real task
FINER = 10.0  # a lettered task this close to its group's score is preferred

_MARKER = re.compile(r"^\s*(?:[IVXLC]+\.|\d+(?:\.\d+)*\.?|[a-zđ]\)|[-–+•*])\s+", re.I)
_PUNCT = re.compile(r"[^\w\s-]|_")


@lru_cache(maxsize=1)
def _language() -> dict[str, Any]:
    path = resources.files("normalize").joinpath("data", "reference", "_text.yaml")
    return load_yaml(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _tones() -> re.Pattern[str]:
    marks = _language()["tone_marks"]
    return re.compile("(" + "|".join(map(re.escape, marks)) + r")(?!\w)")


@lru_cache(maxsize=8192)
def _base(text: str) -> tuple[str, ...]:
    """NFC, casefold, one tone placement, abbreviations expanded: syllables."""
    lang = _language()
    text = unicodedata.normalize("NFC", text).casefold()
    text = _tones().sub(lambda m: lang["tone_marks"][m.group(1)], text)
    abbreviations = lang["abbreviations"]
    words: list[str] = []
    for word in _PUNCT.sub(" ", text).split():
        expanded = abbreviations.get(word)
        words.extend(expanded.split() if expanded else (w for w in word.split("-") if w))
    return tuple(words)


@lru_cache(maxsize=1)
def _stops() -> tuple[dict[str, tuple[tuple[str, ...], ...]], frozenset[str]]:
    """Stop phrases by first syllable (longest first), and stop words."""
    lang = _language()
    phrases: dict[str, list[tuple[str, ...]]] = {}
    for p in sorted((_base(p) for p in lang["stop_phrases"]), key=len, reverse=True):
        phrases.setdefault(p[0], []).append(p)
    words = frozenset(w for s in lang["stop_words"] for w in _base(s))
    return {k: tuple(v) for k, v in phrases.items()}, words


def _drop(words: tuple[str, ...], phrases: dict[str, tuple[tuple[str, ...], ...]]) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(words):
        hit = next((p for p in phrases.get(words[i], ()) if words[i : i + len(p)] == p), None)
        if hit:
            i += len(hit)
        else:
            out.append(words[i])
            i += 1
    return out


@lru_cache(maxsize=4096)
def normalize_text(text: str) -> str:
    """Matching key of a text: NFC, casefold, one tone placement, leading list
    marker and punctuation dropped, abbreviations expanded, administrative stop
    words removed. Used for comparing, never for display."""
    phrases, words = _stops()
    kept = _drop(_base(_MARKER.sub("", text, count=1)), phrases)
    return " ".join(w for w in kept if w not in words)


@lru_cache(maxsize=1)
def _organisational_markers() -> tuple[tuple[str, ...], int]:
    rules = _language()["organisational"]
    return tuple(" " + " ".join(_base(m)) + " " for m in rules["markers"]), int(rules["min_hits"])


def is_organisational(text: str) -> bool:
    """Work on the plan itself (steering, directives, follow-up, reports),
    recognised by the markers of the shared data file."""
    markers, needed = _organisational_markers()
    plain = " " + " ".join(_base(text)) + " "
    return sum(1 for m in markers if m in plain) >= needed


# Averaged: token_set_ratio forgives a task that keeps only part of the
# reference wording (or adds to it); plain ratio keeps a short reference title
# from matching every long text that happens to contain its few words.
_SCORERS = (fuzz.token_set_ratio, fuzz.ratio)


def similarity(a: str, b: str) -> float:
    """0-100 similarity of two normalized texts."""
    if not a or not b:
        return 0.0
    return sum(scorer(a, b) for scorer in _SCORERS) / len(_SCORERS)


_SENTENCE_END = re.compile(r"(?<=[.;])\s+(?=[A-ZĐÀ-Ỹ])")


def _lead(text: str) -> str:
    """First sentence: the title, when a plan follows it with description."""
    return _SENTENCE_END.split(text.strip(), maxsplit=1)[0]


@lru_cache(maxsize=1)
def _term_rules() -> tuple[dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]], dict[str, tuple[tuple[str, ...], ...]]]:
    """Local vocabulary (phrase -> the decision's words) and generic verbs,
    both as normalized syllables keyed by first syllable, longest first."""
    lang = _language()["distinctive"]
    local: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
    for phrase, words in lang["local_terms"].items():
        key = tuple(normalize_text(str(phrase)).split())
        if key:
            local.setdefault(key[0], []).append((key, tuple(normalize_text(str(words)).split())))
    generic: dict[str, list[tuple[str, ...]]] = {}
    for phrase in lang["generic_verbs"]:
        key = tuple(normalize_text(str(phrase)).split())
        if key:
            generic.setdefault(key[0], []).append(key)
    return ({k: tuple(sorted(v, key=lambda kv: -len(kv[0]))) for k, v in local.items()},
            {k: tuple(sorted(v, key=len, reverse=True)) for k, v in generic.items()})


def _match(words: tuple[str, ...], i: int, phrases: tuple[tuple[str, ...], ...]) -> int:
    return next((len(p) for p in phrases if words[i : i + len(p)] == p), 0)


@lru_cache(maxsize=4096)
def _in_decision_words(key: str) -> tuple[tuple[str, ...], tuple[bool, ...]]:
    """A normalized text with local vocabulary rewritten into the decision's
    words ("hòa giải viên" -> "hòa giải ở cơ sở"), and which syllables belong
    to a generic verb ("kiện toàn", "củng cố") that says how, not what about."""
    local, generic = _term_rules()
    words = tuple(key.split())
    if not local.keys() & set(words):
        text = words
    else:
        out: list[str] = []
        i = 0
        while i < len(words):
            hit = next((kv for kv in local.get(words[i], ()) if words[i : i + len(kv[0])] == kv[0]), None)
            out.extend(hit[1] if hit else (words[i],))
            i += len(hit[0]) if hit else 1
        text = tuple(out)
    marks = [False] * len(text)
    for i, w in enumerate(text):
        if w in generic:
            n = _match(text, i, generic[w])
            marks[i : i + n] = [True] * n
    return text, tuple(marks)


def _grams(words: tuple[str, ...]) -> set[tuple[str, ...]]:
    return {(w,) for w in words} | set(zip(words, words[1:]))


class _Terms:
    """Distinctive-term score of a text against every node of a reference.

    Terms are syllables and syllable pairs, weighted by their inverse frequency
    over the reference's nodes, so a term that one or two tasks use
    ("đường dây nóng", "trợ giúp pháp lý") outweighs one that all use ("pháp
    luật"). The score is the share of the text's term weight that a node's
    wordings contain. Words the decision never uses count against every node
    (the text is about something else); a syllable counts as the decision's
    only when it forms, with a neighbour, a pair the decision uses, so "thể"
    of "thể thao" is not "thể" of "cụ thể"; pairs the decision never uses are left out, being
    mostly the seam between two words. Generic verbs weigh GENERIC of their
    due. Built from the reference file alone, so a new decision works too.
    """

    GENERIC = 0.3

    def __init__(self, wordings: list[list[str]]) -> None:
        sets = [set().union(*(_grams(tuple(k.split())) for k in keys)) if keys else set() for keys in wordings]
        df = Counter(t for s in sets for t in s)
        n = len(sets)
        self.idf = {t: float(np.log1p(n / d)) for t, d in df.items()}
        self.unknown = float(np.log1p(n))
        self.row = {t: k for k, t in enumerate(df)}
        self.matrix = np.zeros((len(df), n))
        for j, s in enumerate(sets):
            self.matrix[[self.row[t] for t in s], j] = 1.0
        self.size = n

    def _weights(self, key: str) -> dict[tuple[str, ...], float]:
        """Each term of a normalized text with its weight; a syllable that
        forms no pair of the decision with its neighbours is keyed apart, so
        it counts against every node and matches none."""
        words, generic = _in_decision_words(key)
        idf, low = self.idf, self.GENERIC
        pairs = list(zip(words, words[1:]))
        known = [b in idf for b in pairs] + [False]
        weights: dict[tuple[str, ...], float] = {}
        for i, w in enumerate(words):
            term = (w,) if len(words) == 1 or known[i] or known[i - 1] else ("", w)  # known[-1] is False
            value = idf.get(term, self.unknown) * (low if generic[i] else 1.0)
            if weights.get(term, value) >= value:
                weights[term] = value
        for i, b in enumerate(pairs):
            if known[i]:
                value = idf[b] * (low if generic[i] or generic[i + 1] else 1.0)
                if weights.get(b, value) >= value:
                    weights[b] = value
        return weights

    def scores(self, key: str) -> np.ndarray:
        """0-100 per node."""
        weights = self._weights(key)
        total = sum(weights.values())
        known = [(self.row[t], w) for t, w in weights.items() if t in self.row]
        if not total or not known:
            return np.zeros(self.size)
        rows, w = zip(*known)
        return np.asarray(w) @ self.matrix[list(rows)] * (100.0 / total)


@dataclass(frozen=True)
class _Node:
    code: str
    group: str
    is_group: bool


class _Index:
    """A reference's nodes with their normalized wordings (title, variants,
    sub-items), scored in one vectorised pass per text: wording similarity
    and distinctive terms, averaged."""

    def __init__(self, ref: Reference) -> None:
        self.nodes: list[_Node] = []
        keys: list[str] = []
        owners: list[int] = []
        per_node: list[list[str]] = []
        for t in ref.groups + ref.tasks:
            wordings = dict.fromkeys(k for k in map(normalize_text, (t.title,) + t.variants + t.items) if k)
            per_node.append(list(wordings))
            for k in wordings or [""]:
                keys.append(k)
                owners.append(len(self.nodes))
            self.nodes.append(_Node(t.code, t.group, t.is_group))
        self.by_code = {n.code: n for n in self.nodes}
        self.groups = {n.code for n in self.nodes if n.is_group}
        self._keys = keys
        self._starts = np.flatnonzero(np.r_[True, np.diff(owners) != 0])
        self._terms = _Terms(per_node)
        self._memo: dict[str, tuple[dict[str, float], dict[str, float]]] = {}

    def members(self, group: str) -> set[str]:
        return {n.code for n in self.nodes if n.group == group}

    def _score(self, text: str) -> tuple[dict[str, float], dict[str, float]]:
        if text not in self._memo:
            queries = list(dict.fromkeys(q for q in (normalize_text(text), normalize_text(_lead(text))) if q))
            if not queries:
                wording = terms = np.zeros(len(self.nodes))
            else:
                pair = sum(process.cdist(queries, self._keys, scorer=f) for f in _SCORERS) / len(_SCORERS)
                wording = np.maximum.reduceat(pair.max(axis=0), self._starts)
                terms = np.max([self._terms.scores(q) for q in queries], axis=0)
            combined = (1 - DISTINCT) * wording + DISTINCT * terms
            if len(self._memo) > 4096:
                self._memo.clear()
            codes = [n.code for n in self.nodes]
            self._memo[text] = (dict(zip(codes, map(float, combined))), dict(zip(codes, map(float, wording))))
        return self._memo[text]

    def scores(self, text: str) -> dict[str, float]:
        """Score of every node: wording similarity (the best of the whole
        text and of its first sentence against the node's wordings) averaged
        with the distinctive-term score."""
        return self._score(text)[0]

    def wording(self, text: str) -> dict[str, float]:
        """Wording similarity alone: whether a plan kept the decision's words."""
        return self._score(text)[1]


@lru_cache(maxsize=8)
def _index(ref: Reference) -> _Index:
    return _Index(ref)


def reference_scores(text: str, ref: Reference) -> dict[str, float]:
    """0-100 similarity of a text to every group and task of a reference, for
    reviewing an alignment or listing the runners-up."""
    return dict(_index(ref).scores(text))


def _best(scores: dict[str, float], allowed: set[str] | None = None) -> tuple[str, float]:
    items = [(c, s) for c, s in scores.items() if allowed is None or c in allowed]
    return max(items, key=lambda cs: cs[1], default=("", 0.0))


def _context(section_path: str, index: _Index) -> tuple[_Node | None, float]:
    """The reference node that the nearest heading above the task reproduces,
    if any, with its score: a mirrored plan's group heading, or a heading that
    is a lettered task whose sub-items the plan lists as tasks."""
    for heading in reversed(section_path.split(" > ")):
        if heading.strip():
            code, score = _best(index.scores(heading))
            if score >= CONTEXT:
                return index.by_code[code], score
    return None, 0.0


@dataclass(frozen=True)
class Alignment:
    """Where one local task lands in the reference, and on what evidence."""

    code: str  # "" when nothing fits
    score: float  # 0-100
    adaptation: str  # same | adapted | local
    reason: str  # text | activities | heading | organisational | no fit


def _activity_votes(task: Task, index: _Index, allowed: set[str] | None) -> list[tuple[str, float]]:
    """Best node of each activity that fits one; organisational ones abstain."""
    votes = []
    for activity in task.activities:
        if not is_organisational(activity):
            code, score = _best(index.scores(activity), allowed)
            if score >= ACTIVITY:
                votes.append((code, score))
    return votes


def _from_activities(votes: list[tuple[str, float]], scores: dict[str, float], index: _Index) -> Alignment:
    """Group code for a task whose activities carry out several tasks: the
    group most of them fall in, else the group the task's own text names."""
    group, count = Counter(index.by_code[c].group for c, _ in votes).most_common(1)[0]
    if count * 2 <= len(votes):
        group, _ = _best(scores, index.groups)
    support = [s for c, s in votes if index.by_code[c].group == group] or [scores[group]]
    return Alignment(group, sum(support) / len(support), "adapted", "activities")


def _finest(code: str, scores: dict[str, float], index: _Index) -> str:
    """A lettered task instead of its group when it fits nearly as well."""
    if code not in index.groups:
        return code
    child, score = _best(scores, index.members(code) - {code})
    return child if child and score >= FIT and scores[code] - score <= FINER else code


def _pick(scores: dict[str, float], context: _Node | None, heading: float, index: _Index) -> tuple[str, float, str]:
    """Best node for the task's own text, read in the light of its heading.

    Under a heading that is a group, the candidates are that group's tasks
    (a mirrored plan keeps reworded items in their group); under a heading
    that is a lettered task, the task is one of its sub-items unless its text
    clearly fits another task.
    """
    code, score = _best(scores)
    if context is None:
        return code, score, "text"
    if not context.is_group:
        own = scores[context.code]
        if code != context.code and score >= LEAVE and score >= own + FINER:
            return code, score, "text"
        return (context.code, own, "text") if own >= FIT else (context.code, heading, "heading")
    inside, inside_score = _best(scores, index.members(context.code))
    if inside_score < FIT and score >= CONTEXT:
        return code, score, "text"
    return inside, inside_score, "heading" if inside != code else "text"


def align_task(task: Task, ref: Reference) -> Alignment:
    """Best reference node for one task (see the module docstring)."""
    index = _index(ref)
    scores = index.scores(task.text)
    nearest = max(scores.values(), default=0.0)
    if is_organisational(task.text) and nearest < STEERING_CEILING:
        return Alignment("", nearest, "local", "organisational")
    context, heading = _context(task.section_path, index)
    code, score, reason = _pick(scores, context, heading, index)
    allowed = index.members(context.code) if context is not None and context.is_group else None
    votes = _activity_votes(task, index, allowed)
    if votes and sum(1 for c, _ in votes if c == code) * 2 < len(votes):
        return _from_activities(votes, scores, index)
    if score < FIT:
        return Alignment("", nearest, "local", "no fit")
    finer = _finest(code, scores, index)
    if finer != code:
        code, score = finer, scores[finer]
    return Alignment(code, score, "same" if index.wording(task.text)[code] >= SAME else "adapted", reason)


def align_tasks(tasks: list[Task], ref: Reference | None, decision: str = "") -> None:
    """Set ref_decision, ref_task, ref_score and adaptation on every task.

    ``ref`` is the decision's reference; when it is None it is looked up from
    ``decision`` (the symbol the plan implements). A plan whose decision has
    no reference file is not aligned: ref_decision, ref_task and adaptation
    stay empty and ref_score None, so "local" always means "aligned, and
    nothing in the decision fits". For a local task ref_score is the
    similarity of the nearest reference task, to show how near it came.
    """
    if ref is None and decision:
        ref = load_reference(decision)
    for task in tasks:
        if ref is None:
            task.ref_decision, task.ref_task, task.ref_score, task.adaptation = "", "", None, ""
            continue
        found = align_task(task, ref)
        task.ref_decision = ref.symbol
        task.ref_task = found.code
        task.ref_score = round(found.score / 100, 3)
        task.adaptation = found.adaptation
