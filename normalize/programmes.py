"""Programmes named without a symbol: ``Đề án “Tăng cường năng lực tiếp cận
pháp luật của người dân”`` is Decision 977/QĐ-TTg (ANNOTATION: Header).

The names come from the reference decisions' aliases, so adding a decision
file also teaches this step its programme name.
"""
from __future__ import annotations

import re
from functools import lru_cache

from extract.header import name_key
from extract.model import Document

from .reference import _catalogue


@lru_cache(maxsize=1)
def _names() -> list[tuple[str, str]]:
    out = []
    for ref in _catalogue():
        for alias in ref.aliases:
            if not re.search(r"\d", alias) and len(alias) > 20:
                out.append((name_key(alias), ref.symbol))
    return sorted(out, key=lambda x: -len(x[0]))


def programme_symbols(text: str) -> list[str]:
    """Symbols of the reference decisions whose programme ``text`` names."""
    k = f" {name_key(text)} "
    found = []
    for name, symbol in _names():
        if f" {name} " in k and symbol not in found:
            found.append(symbol)
    return found


def add_programmes(doc: Document) -> None:
    """Add to ``implements`` the decisions whose programme the title or the
    preamble names, when their symbol is not already there."""
    from .reference import symbol_key

    h = doc.header
    have = {symbol_key(s) for s in h.implements}
    preamble = " ".join(p.text for p in doc.paragraphs[: doc.body_start])
    for sym in programme_symbols(h.title + " " + preamble):
        if symbol_key(sym) not in have:
            h.implements.append(sym)
            have.add(symbol_key(sym))
