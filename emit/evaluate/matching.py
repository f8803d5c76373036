"""One-to-one alignment of gold and predicted tasks, and of mentions inside a task.

Greedy by descending score (ties by position) rather than optimal assignment: it is
what the reference scorer does, it is stable, and with these thresholds the two
rarely differ.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Callable, Sequence

from .text import EPS, mention_key, similarity, task_text_key, fold_code

TASK_THRESHOLD = 0.6
TASK_ID_BONUS = 0.1
MENTION_THRESHOLD = 0.85


@dataclass(frozen=True)
class Pair:
    gold: int
    pred: int
    score: float


def greedy_pairs(n_gold: int, n_pred: int, score: Callable[[int, int], float | None],
                 threshold: float) -> list[Pair]:
    """Best-scoring pairs first, each side used once; ``score`` may return None to
    say "below threshold" without computing the exact value."""
    candidates = []
    for i in range(n_gold):
        for j in range(n_pred):
            s = score(i, j)
            if s is not None and s >= threshold - EPS:
                candidates.append((-s, i, j))
    candidates.sort()
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for neg, i, j in candidates:
        if i not in used_gold and j not in used_pred:
            used_gold.add(i)
            used_pred.add(j)
            pairs.append(Pair(i, j, -neg))
    return pairs


def same_task_id(gold_id: str, pred_id: str) -> bool:
    """The id bonus needs a gold id: two empty ids say nothing."""
    return bool(gold_id) and gold_id == pred_id


def _task_scorer(gold_keys: list[str], pred_keys: list[str], gold_ids: list[str],
                 pred_ids: list[str]) -> Callable[[int, int], float | None]:
    def score(i: int, j: int) -> float | None:
        bonus = TASK_ID_BONUS if same_task_id(gold_ids[i], pred_ids[j]) else 0.0
        if gold_keys[i] == pred_keys[j]:
            return 1.0 + bonus
        matcher = difflib.SequenceMatcher(None, gold_keys[i], pred_keys[j], autojunk=False)
        # the quick ratios are upper bounds: skip the exact one when they already fail
        for bound in (matcher.real_quick_ratio, matcher.quick_ratio):
            if bound() + bonus < TASK_THRESHOLD - EPS:
                return None
        return matcher.ratio() + bonus
    return score


def match_tasks(gold_texts: Sequence[str], gold_ids: Sequence[str],
                pred_texts: Sequence[str], pred_ids: Sequence[str]) -> list[Pair]:
    """Pairs gold and predicted tasks of one document by text, a shared id as tie-breaker."""
    score = _task_scorer([task_text_key(t) for t in gold_texts],
                         [task_text_key(t) for t in pred_texts],
                         [fold_code(t) for t in gold_ids], [fold_code(t) for t in pred_ids])
    return greedy_pairs(len(gold_texts), len(pred_texts), score, TASK_THRESHOLD)


def match_mentions(gold: Sequence[str], pred: Sequence[str]) -> list[Pair]:
    """Pairs the agencies named in one field of a gold task and its predicted twin."""
    gold_keys = [mention_key(m) for m in gold]
    pred_keys = [mention_key(m) for m in pred]
    return greedy_pairs(len(gold_keys), len(pred_keys),
                        lambda i, j: similarity(gold_keys[i], pred_keys[j]), MENTION_THRESHOLD)
