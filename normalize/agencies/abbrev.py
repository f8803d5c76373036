"""Abbreviation table (abbreviations.yaml) applied both ways."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from .resources import load
from .text import DASHES, collapse

_MAX_VARIANTS = 32


def _form_regex(form: str) -> re.Pattern[str]:
    parts = []
    for ch in form:
        if ch in DASHES:
            parts.append(rf"\s*[{re.escape(DASHES)}]\s*")
        elif ch == "&":
            parts.append(r"\s*(?:&|và)\s*")
        elif ch == " ":
            parts.append(r"\s+")
        elif ch == ",":
            parts.append(r"\s*,\s*")
        else:
            parts.append(re.escape(ch))
    tail = "" if form.endswith(".") else r"(?!\w)"
    return re.compile(r"(?<!\w)" + "".join(parts) + tail)


@dataclass(frozen=True)
class Abbreviation:
    expansion: str
    forms: tuple[str, ...]


class Abbreviations:
    """Expands abbreviations for matching and canonical names, and abbreviates
    gazetteer names so the splitter can recognize the short spellings."""

    def __init__(self, entries: list[Abbreviation]):
        self.entries = entries
        pairs = [(f, e.expansion) for e in entries for f in e.forms]
        pairs.sort(key=lambda p: -len(p[0]))
        self._expand = [(_form_regex(f), exp) for f, exp in pairs]
        glue = sorted({f for f, _ in pairs if len(f) >= 3 and f.isalpha() and f.isupper()}, key=len, reverse=True)
        self._glue = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, glue)) + r")(\w+)")

    @classmethod
    def default(cls) -> "Abbreviations":
        return _default()

    def expand(self, text: str) -> str:
        """Every known abbreviation replaced by its expansion ("Phòng LĐ-TB&XH" ->
        "Phòng Lao động - Thương binh và Xã hội")."""
        for rx, exp in self._expand:
            if rx.search(text):
                text = rx.sub(exp, text)
        return collapse(text)

    def repair_glue(self, text: str) -> str:
        """PDF glue after an abbreviation ("UBNDcác xã", "UBNDThành phố") gets its space back."""
        def fix(m: re.Match[str]) -> str:
            word = m.group(2)
            glued = word[0].islower() or (len(word) > 1 and word[0].isupper() and word[1].islower())
            return f"{m.group(1)} {word}" if glued else m.group(0)
        return self._glue.sub(fix, text)

    def variants(self, name: str) -> list[str]:
        """The name and its abbreviated spellings ("Văn phòng HĐND và UBND", …)."""
        out = [name]
        for e in self.entries:
            low = e.expansion.casefold()
            new = []
            for v in out:
                i = v.casefold().find(low)
                if i < 0:
                    continue
                for f in e.forms:
                    new.append(v[:i] + f + v[i + len(low):])
            out.extend(new)
            if len(out) > _MAX_VARIANTS:
                break
        return list(dict.fromkeys(islice(out, _MAX_VARIANTS)))


@lru_cache(maxsize=1)
def _default() -> Abbreviations:
    data = load("abbreviations.yaml")
    return Abbreviations([Abbreviation(a["expansion"], tuple(a["forms"])) for a in data["abbreviations"]])
