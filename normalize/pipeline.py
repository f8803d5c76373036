"""The normalize step as a list of small components run over a Document.

Each component reads what extract set and fills its own fields, in the
spirit of spaCy's pipeline: programmes → period → times → agencies →
alignment. A Pipeline also owns the state shared across the documents of
one process (the agency cache) and hands out the agency rows it produced.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from extract.model import Document

from .periods import set_period
from .programmes import add_programmes
from .times import set_times

Step = Callable[[Document], None]

MAX_AGENCY_FIELD_CHARS = 10_000
"""A lead/support field this long is not a list of agencies but text a field line
swallowed (or a broken file); it is kept in tasks.csv but not split into mentions."""


class Pipeline:
    """Callable over documents; ``steps`` names the components to run."""

    DEFAULT_STEPS = ("programmes", "period", "times", "agencies", "alignment")

    def __init__(self, aliases: str | Path | None = None, steps: tuple[str, ...] | None = None):
        self.step_names = tuple(steps or self.DEFAULT_STEPS)
        self._aliases = str(aliases) if aliases else None
        self._agencies = None
        self.steps: list[Step] = [self._factory(n) for n in self.step_names]

    def _factory(self, name: str) -> Step:
        if name == "programmes":
            return add_programmes
        if name == "period":
            return set_period
        if name == "times":
            return set_times
        if name == "agencies":
            from .agencies import AgencyNormalizer
            self._agencies = AgencyNormalizer(self._aliases)
            return self._set_agencies
        if name == "alignment":
            from .alignment_step import set_alignment
            return set_alignment
        raise ValueError(f"unknown pipeline step {name!r}; known: {', '.join(self.DEFAULT_STEPS)}")

    def __call__(self, doc: Document) -> Document:
        for step in self.steps:
            step(doc)
        return doc

    def _set_agencies(self, doc: Document) -> None:
        from .agencies.roles import split_roles  # loaded with the agencies step
        h = doc.header
        ctx = dict(locality=h.locality, level=h.level, province=h.province)
        too_long: list[str] = []
        for t in doc.tasks:
            lead_raw, support_in_lead = split_roles(t.lead_raw)  # "X chủ trì, phối hợp với Y"
            found = {"lead": [], "support": []}
            for role, raw in (("lead", lead_raw), ("support", t.support_raw), ("support", support_in_lead)):
                if len(raw) > MAX_AGENCY_FIELD_CHARS:
                    too_long.append(t.task_id)
                elif raw:
                    found[role] += self._agencies.mentions(raw, role, **ctx)
            t.lead, t.support = found["lead"], found["support"]
        if too_long:
            ids = list(dict.fromkeys(too_long))
            shown = ", ".join(ids[:5]) + (", …" if len(ids) > 5 else "")
            doc.warn(f"agencies not read from lead/support fields over {MAX_AGENCY_FIELD_CHARS:,} "
                     f"characters (tasks {shown})")
