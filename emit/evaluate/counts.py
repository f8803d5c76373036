"""Raw counts behind every metric, kept so documents can be summed before dividing
(micro averages) and so a report can show "12/15" next to ".800"."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from typing import Hashable

from .inputs import HEADER_FIELDS, ROLES


@dataclass
class Tally:
    """How many of the judged items were right."""

    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += bool(ok)
        self.total += 1

    def merge(self, other: "Tally") -> None:
        self.right += other.right
        self.total += other.total

    @property
    def rate(self) -> float | None:
        """None when nothing was judged: "no data" must not read as 0 or 1."""
        return self.right / self.total if self.total else None

    def __str__(self) -> str:
        return f"{self.right}/{self.total}"


@dataclass
class Overlap:
    """Items found in both, and the sizes of each side, for precision and recall."""

    matched: int = 0
    predicted: int = 0
    gold: int = 0

    def merge(self, other: "Overlap") -> None:
        self.matched += other.matched
        self.predicted += other.predicted
        self.gold += other.gold

    def __add__(self, other: "Overlap") -> "Overlap":
        return Overlap(self.matched + other.matched, self.predicted + other.predicted,
                       self.gold + other.gold)

    def prf(self) -> tuple[float, float, float]:
        """An empty side is perfect only if the other side is empty too."""
        p = self.matched / self.predicted if self.predicted else float(self.gold == 0)
        r = self.matched / self.gold if self.gold else float(self.predicted == 0)
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _header_tallies() -> dict[str, Tally]:
    return {f: Tally() for f in HEADER_FIELDS}


@dataclass
class Counts:
    header: dict[str, Tally] = field(default_factory=_header_tallies)
    tasks: Overlap = field(default_factory=Overlap)
    task_id: Tally = field(default_factory=Tally)
    lead: Overlap = field(default_factory=Overlap)
    support: Overlap = field(default_factory=Overlap)
    agency_type: Tally = field(default_factory=Tally)
    agency_level: Tally = field(default_factory=Tally)
    interval: Tally = field(default_factory=Tally)
    recurrence: Tally = field(default_factory=Tally)
    time_source: Tally = field(default_factory=Tally)
    ref_task: Tally = field(default_factory=Tally)
    ref_group: Tally = field(default_factory=Tally)
    rows: Overlap = field(default_factory=Overlap)
    time_start: Tally = field(default_factory=Tally)
    time_end: Tally = field(default_factory=Tally)
    deadline: Tally = field(default_factory=Tally)
    # (gold cluster, predicted cluster) of every matched non-collective mention
    cluster_pairs: list[tuple[Hashable, Hashable]] = field(default_factory=list)

    def role(self, role: str) -> Overlap:
        return self.lead if role == "lead" else self.support

    @property
    def mentions(self) -> Overlap:
        return self.lead + self.support

    @property
    def header_total(self) -> Tally:
        total = Tally()
        for tally in self.header.values():
            total.merge(tally)
        return total

    def merge(self, other: "Counts") -> None:
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if isinstance(mine, dict):
                for key, tally in theirs.items():
                    mine[key].merge(tally)
            elif isinstance(mine, list):
                mine.extend(theirs)
            else:
                mine.merge(theirs)


def bcubed(pairs: list[tuple[Hashable, Hashable]]) -> tuple[float | None, float | None, float | None]:
    """B-cubed precision/recall/F1 of predicted agency clusters against gold ones,
    over the matched mentions: it rewards putting the same body under one id
    without requiring the ids themselves to look like the gold keys."""
    n = len(pairs)
    if not n:
        return None, None, None
    gold_size = Counter(g for g, _ in pairs)
    pred_size = Counter(p for _, p in pairs)
    shared = Counter(pairs)
    p = sum(shared[x] / pred_size[x[1]] for x in pairs) / n
    r = sum(shared[x] / gold_size[x[0]] for x in pairs) / n
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def shared_metrics(c: Counts, has_header: bool, has_tasks: bool) -> dict[str, float | None]:
    """The metric set of the reference scorer, under the same keys."""
    m: dict[str, float | None] = {}
    if has_header:
        m["header.acc"] = c.header_total.rate
        m.update({f"header.{f}": c.header[f].rate for f in HEADER_FIELDS})
    if not has_tasks:
        return m
    m["tasks.precision"], m["tasks.recall"], m["tasks.f1"] = c.tasks.prf()
    m["tasks.task_id_acc"] = c.task_id.rate
    m["mentions.precision"], m["mentions.recall"], m["mentions.f1"] = c.mentions.prf()
    for role in ROLES:
        p, r, f = c.role(role).prf()
        m[f"mentions.{role}.precision"], m[f"mentions.{role}.recall"], m[f"mentions.{role}.f1"] = p, r, f
    m["norm.b3_precision"], m["norm.b3_recall"], m["norm.b3_f1"] = bcubed(c.cluster_pairs)
    m["norm.type_acc"] = c.agency_type.rate
    m["norm.level_acc"] = c.agency_level.rate
    m["time.interval_acc"] = c.interval.rate
    m["time.recurrence_acc"] = c.recurrence.rate
    m["time.source_acc"] = c.time_source.rate
    m["ref.acc"] = c.ref_task.rate
    m["ref.group_acc"] = c.ref_group.rate
    p, r, f = c.rows.prf()
    m["e2e.row_acc"] = r
    m["e2e.precision"], m["e2e.f1"] = p, f
    return m


def extra_metrics(c: Counts, has_tasks: bool) -> dict[str, float | None]:
    """Metrics the reference scorer lacks: the ends of the interval one at a time (a
    right deadline with a wrong start is still useful to a reader), and the deadline
    field where the gold annotates one."""
    if not has_tasks:
        return {}
    return {"time.start_acc": c.time_start.rate, "time.end_acc": c.time_end.rate,
            "time.deadline_acc": c.deadline.rate}
