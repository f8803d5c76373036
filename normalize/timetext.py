"""Canonical form of a Vietnamese time field, and the cue vocabulary that reads it.

Time fields arrive from PDF, DOCX and markdown with every dash kind, glued words
(``Năm2024``), markup, citations of other acts and two spellings of the same word
(``hàng năm``/``hằng năm``, ``quí``/``quý``). One canonical form keeps the grammar in
timeanchors.py and timeexpr.py small.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from extract.datafile import load_yaml


_DASHES = re.compile("[\u2010-\u2015\u2212\u2043\ufe58\ufe63\uff0d]")
_NOISE = re.compile(r"[*_#`“”\"'‘’()\[\]{}<>|]+")
_SPACES = re.compile(r"\s+")
_QUY = re.compile(r"(?<!\w)(?:quí|qúy)(?!\w)")
_HANG = re.compile(r"(?<!\w)hàng(?=\s*(?:năm|quý|tháng|tuần|ngày)(?!\w))")
_GLUE = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")
_GLUED_ROMAN = re.compile(r"(?<=quý)(?=(?:iv|i{1,3})(?!\w))")
_DATE = r"\d{1,2}\s*(?:/|-|\.|tháng)\s*\d{1,2}\s*(?:/|-|\.|năm)\s*\d{4}"
# A cited act (``Kế hoạch số 12/KH-UBND ngày 10/3/2023``): its symbol and date are the
# act's, never the task's.
_CITED = re.compile(
    r"(?:số\s*)?\d+(?:/\d+)*/[a-zđ][\w&.\-]*(?:\s*,?\s*(?:ngày\s*)?" + _DATE + ")?"
)
# ``03 tháng/lần``, ``06 tháng đầu năm``: a count of months, not a date part.
_PADDED_COUNT = re.compile(r"(?<![\d/.])0(\d)(?=\s*tháng(?!\s*\d))")
_EDGE = re.compile(r"^[\s\-+,.;:/]+|[\s\-+,.;:/]+$")


def clean(raw: str) -> str:
    """Lower-case NFC text with one dash, one spelling per word and cited acts removed."""
    text = unicodedata.normalize("NFC", raw).lower()
    text = _NOISE.sub(" ", text)
    text = _DASHES.sub("-", text)
    text = _QUY.sub("quý", text)
    text = _HANG.sub("hằng", text)
    text = _GLUE.sub(" ", text)
    text = _GLUED_ROMAN.sub(" ", text)
    text = _CITED.sub(" ", text)
    text = _PADDED_COUNT.sub(r"\1", text)
    text = _SPACES.sub(" ", text)
    return _EDGE.sub("", text)


@dataclass(frozen=True)
class Vocabulary:
    """Compiled cue patterns; each finds its phrases as whole words."""

    frequency: tuple[tuple[str, re.Pattern[str]], ...]  # most frequent cadence first
    on_demand: re.Pattern[str]
    once: re.Pattern[str]
    plan_period: re.Pattern[str]
    open_end: re.Pattern[str]
    before: re.Pattern[str]  # cue + fillers at the end of the text before a date
    by: re.Pattern[str]
    range_from: re.Pattern[str]
    range_to: re.Pattern[str]


_CADENCE_ORDER = ("continuous", "monthly", "quarterly", "semiannual", "annual")


def _alternation(phrases: list[str]) -> str:
    ordered = sorted({unicodedata.normalize("NFC", p.lower()) for p in phrases}, key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, p.split())) for p in ordered)


def _words(phrases: list[str]) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{_alternation(phrases)})(?!\w)")


def _trailing(phrases: list[str], filler: list[str]) -> re.Pattern[str]:
    return re.compile(
        rf"(?<!\w)(?:{_alternation(phrases)})(?:\s*(?:{_alternation(filler)}|,|:)(?!\w))*\s*$"
    )


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The cue patterns of ``data/time_words.yaml``, compiled once per process."""
    source = resources.files("normalize").joinpath("data/time_words.yaml").read_text("utf-8")
    words = load_yaml(source)
    freq = words["frequency"]
    filler = words["filler"]
    return Vocabulary(
        frequency=tuple((name, _words(freq[name])) for name in _CADENCE_ORDER),
        on_demand=_words(words["on_demand"]),
        once=_words(words["once"]),
        plan_period=_words(words["plan_period"]),
        open_end=_words(words["open_end"]),
        before=_trailing(words["deadline_before"], filler),
        by=_trailing(words["deadline_by"], filler),
        range_from=_trailing(words["range_from"], filler),
        range_to=_trailing(words["range_to"], filler),
    )
