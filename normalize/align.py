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
normalized syllables (see ``normalize_text``); the language data (stop words,
abbreviations, organisational markers) is in ``data/reference/_text.yaml``.
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
import yaml
from rapidfuzz import fuzz, process

from extract.model import Task
from normalize.reference import Reference, load_reference

# Scores are 0-100 (rapidfuzz) internally, 0-1 on the task.
FIT = 60.0  # below this nothing fits: the task is local
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
    return yaml.safe_load(path.read_text(encoding="utf-8"))


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


@dataclass(frozen=True)
class _Node:
    code: str
    group: str
    is_group: bool


class _Index:
    """A reference's nodes with their normalized wordings (title, variants,
    sub-items), scored in one vectorised pass per text."""

    def __init__(self, ref: Reference) -> None:
        self.nodes: list[_Node] = []
        keys: list[str] = []
        owners: list[int] = []
        for t in ref.groups + ref.tasks:
            wordings = dict.fromkeys(k for k in map(normalize_text, (t.title,) + t.variants + t.items) if k)
            for k in wordings or [""]:
                keys.append(k)
                owners.append(len(self.nodes))
            self.nodes.append(_Node(t.code, t.group, t.is_group))
        self.by_code = {n.code: n for n in self.nodes}
        self.groups = {n.code for n in self.nodes if n.is_group}
        self._keys = keys
        self._starts = np.flatnonzero(np.r_[True, np.diff(owners) != 0])
        self._memo: dict[str, dict[str, float]] = {}

    def members(self, group: str) -> set[str]:
        return {n.code for n in self.nodes if n.group == group}

    def scores(self, text: str) -> dict[str, float]:
        """Score of every node: the best of the whole text and of its first
        sentence against the node's wordings."""
        if text not in self._memo:
            queries = list(dict.fromkeys(q for q in (normalize_text(text), normalize_text(_lead(text))) if q))
            if not queries:
                best = np.zeros(len(self.nodes))
            else:
                pair = sum(process.cdist(queries, self._keys, scorer=f) for f in _SCORERS) / len(_SCORERS)
                best = np.maximum.reduceat(pair.max(axis=0), self._starts)
            if len(self._memo) > 4096:
                self._memo.clear()
            self._memo[text] = {n.code: float(v) for n, v in zip(self.nodes, best)}
        return self._memo[text]


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
        if code != context.code and score >= FIT and score >= own + FINER:
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
    return Alignment(code, score, "same" if scores[code] >= SAME else "adapted", reason)


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
