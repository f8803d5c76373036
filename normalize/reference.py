"""Reference decisions: the national task lists that local plans carry out.

Each decision is one YAML file in ``normalize/data/reference/`` (package data),
so supporting a new decision means adding a file, not code. Files whose name
starts with ``_`` hold shared matching data and are not decisions.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable

from extract.datafile import load_yaml


_SYMBOL = re.compile(r"\d+\s*/\s*[0-9A-Za-zĐđ]+(?:\s*-\s*[0-9A-Za-zĐđ]+)*")


@dataclass(frozen=True)
class RefTask:
    """One task of a decision: a group (``2``) or a lettered task (``2.đ``).

    ``items`` are the sub-items or description paragraphs the decision gives
    under a task; they describe it and are never codes of their own.
    """

    code: str
    title: str
    group: str
    source: str = ""
    variants: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    item_sources: tuple[str, ...] = ()
    note: str = ""

    @property
    def is_group(self) -> bool:
        return self.code == self.group


@dataclass(frozen=True)
class Reference:
    """A decision with its groups and lettered tasks, in the decision's order."""

    symbol: str
    title: str
    issuer: str
    issued_date: str
    period_start: str
    period_end: str
    aliases: tuple[str, ...]
    groups: tuple[RefTask, ...]
    tasks: tuple[RefTask, ...]

    def __hash__(self) -> int:
        # Consistent with the generated __eq__ (equal references share these),
        # and cheap: references key caches consulted for every local task.
        return hash((self.symbol, self.issued_date, len(self.tasks)))

    def get(self, code: str) -> RefTask | None:
        return next((t for t in self.groups + self.tasks if t.code == code), None)

    def tasks_of(self, group: str) -> tuple[RefTask, ...]:
        return tuple(t for t in self.tasks if t.group == group)

    @property
    def codes(self) -> list[str]:
        """Every code, each group followed by its lettered tasks."""
        return [c for g in self.groups for c in [g.code] + [t.code for t in self.tasks_of(g.code)]]


@lru_cache(maxsize=4096)  # pure, and asked for the same few symbols for every task
def symbol_key(text: str) -> str:
    """Key under which symbols and names compare equal: ``977/QĐ-TTg``,
    ``977/QD-TTg`` and ``977/qđ-ttg`` (NFC or not) give the same key."""
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def _folder() -> Any:
    return resources.files("normalize").joinpath("data", "reference")


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(unicodedata.normalize("NFC", str(v)) for v in (value or ()))


def _task(raw: dict[str, Any], group: str) -> RefTask:
    return RefTask(
        code=str(raw["code"]),
        title=unicodedata.normalize("NFC", str(raw["title"])),
        group=group,
        source=str(raw.get("source", "")),
        variants=_texts(raw.get("variants")),
        items=_texts(raw.get("items")),
        item_sources=_texts(raw.get("item_sources")),
        note=str(raw.get("note", "")),
    )


def parse_reference(data: dict[str, Any]) -> Reference:
    """Build a Reference from the mapping stored in a decision's YAML file."""
    groups = tuple(_task(g, str(g["code"])) for g in data["groups"])
    tasks = tuple(_task(t, str(g["code"])) for g in data["groups"] for t in g.get("tasks", ()))
    symbol = unicodedata.normalize("NFC", str(data["symbol"]))
    return Reference(
        symbol=symbol,
        title=unicodedata.normalize("NFC", str(data.get("title", ""))),
        issuer=str(data.get("issuer", "")),
        issued_date=str(data.get("issued_date", "")),
        period_start=str(data.get("period_start", "")),
        period_end=str(data.get("period_end", "")),
        aliases=(symbol,) + _texts(data.get("aliases")),
        groups=groups,
        tasks=tasks,
    )


@lru_cache(maxsize=1)
def _catalogue() -> tuple[Reference, ...]:
    files = sorted(
        (f for f in _folder().iterdir() if f.name.endswith((".yaml", ".yml")) and not f.name.startswith("_")),
        key=lambda f: f.name,
    )
    return tuple(parse_reference(load_yaml(f.read_text(encoding="utf-8"))) for f in files)


def available_references() -> list[str]:
    """Symbols of the decisions that have a reference file."""
    return [r.symbol for r in _catalogue()]


def load_reference(symbol: str) -> Reference | None:
    """The reference of a decision named by its symbol or one of its aliases,
    tolerant to case, Unicode form and a missing diacritic (``QD`` for ``QĐ``);
    None when the decision has no reference file."""
    wanted = {symbol_key(symbol)} | {symbol_key(m) for m in _SYMBOL.findall(symbol)}
    wanted.discard("")
    for ref in _catalogue():
        if wanted & {symbol_key(a) for a in ref.aliases}:
            return ref
    return None


def reference_for(symbols: Iterable[str]) -> Reference | None:
    """The first of a plan's implemented acts that has a reference file."""
    for s in symbols:
        ref = load_reference(s)
        if ref is not None:
            return ref
    return None
