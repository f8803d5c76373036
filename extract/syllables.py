"""Vietnamese syllable structure, and repair of words glued by PDF extraction.

PDF text layers often drop the space between two words (``PhòngTài chính``,
``nghềnghiệp``, ``số199/KH-UBND``). Vietnamese writes one syllable per word
with a small closed inventory of onsets and rhymes, so a token that is not a
syllable but splits into syllables is glue. Repairs only insert spaces, so
offsets into the source stay computable.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import groupby
from typing import Iterable

from .datafile import load_yaml


__all__ = [
    "is_syllable",
    "split_tone",
    "tone_key",
    "syllable_count",
    "repair_glued",
    "repair_glued_with_offsets",
]

_TONE_MARKS = {
    "\u0301": "acute",
    "\u0300": "grave",
    "\u0309": "hook",
    "\u0303": "tilde",
    "\u0323": "dot",
}
_TONE_DIGIT = {"": "", "acute": "1", "grave": "2", "hook": "3", "tilde": "4", "dot": "5"}
_VOWELS = frozenset("aăâeêioôơuưy")
_MAX_SYLLABLE = 7  # nghiêng, khuyếch
_MAX_PARTS = 2  # longer runs are mostly loanwords (kilômét), not glue
# An "online"-like token with no Vietnamese letter is never split: too ambiguous.
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


@dataclass(frozen=True)
class _Rules:
    onsets: tuple[str, ...]
    rhymes: frozenset[str]
    front_only: frozenset[str]
    no_front: frozenset[str]
    front_k: frozenset[str]
    front: frozenset[str]
    no_medial: frozenset[str]
    medial_prefixes: tuple[str, ...]
    stop_codas: tuple[str, ...]
    stop_tones: frozenset[str]
    onsetless: frozenset[str]
    onset_required: frozenset[str]
    codas: frozenset[str]


def _load_rules() -> _Rules:
    raw = load_yaml(
        resources.files("extract").joinpath("data/syllables.yaml").read_text("utf-8")
    )
    def nfc(items: list[object]) -> list[str]:
        if not all(isinstance(x, str) for x in items):
            raise ValueError(f"syllables.yaml: quote every entry (YAML reads on/no as booleans): {items}")
        return [unicodedata.normalize("NFC", x) for x in items]  # type: ignore[arg-type]

    rhymes = frozenset(nfc(raw["rhymes"]))
    codas = {""}
    for rhyme in rhymes:
        for n in (1, 2):
            tail = rhyme[-n:]
            if len(rhyme) > n and not (set(tail) & _VOWELS):
                codas.add(tail)
    return _Rules(
        onsets=tuple(sorted(nfc(raw["onsets"]), key=len, reverse=True)),
        rhymes=rhymes,
        front_only=frozenset(nfc(raw["front_only_onsets"])),
        no_front=frozenset(nfc(raw["no_front_onsets"])),
        front_k=frozenset(nfc(raw["front_vowels_k"])),
        front=frozenset(nfc(raw["front_vowels"])),
        no_medial=frozenset(nfc(raw["no_medial_onsets"])),
        medial_prefixes=tuple(nfc(raw["medial_prefixes"])),
        stop_codas=tuple(sorted(nfc(raw["stop_codas"]), key=len, reverse=True)),
        stop_tones=frozenset(raw["stop_tones"]),
        onsetless=frozenset(nfc(raw["onsetless_rhymes"])),
        onset_required=frozenset(nfc(raw["onset_required_rhymes"])),
        codas=frozenset(codas),
    )


_RULES = _load_rules()


def _load_counts() -> dict[str, int]:
    text = resources.files("extract").joinpath("data/syllable_counts.tsv").read_text("utf-8")
    counts: dict[str, int] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        syllable, _, count = line.partition("\t")
        key = tone_key(syllable)
        counts[key] = counts.get(key, 0) + int(count)
    return counts


@lru_cache(maxsize=4096)
def _split_char(char: str) -> tuple[str, str]:
    decomposed = unicodedata.normalize("NFD", char)
    tone = ""
    kept = []
    for mark in decomposed:
        if mark in _TONE_MARKS:
            tone = _TONE_MARKS[mark] if not tone else "double"
        else:
            kept.append(mark)
    return unicodedata.normalize("NFC", "".join(kept)), tone


@lru_cache(maxsize=65536)
def split_tone(word: str) -> tuple[str, str, int]:
    """Lower-cased ``word`` without tone marks, its tone name and the number of
    tone marks; tone placement (hoà/hòa) does not matter."""
    base: list[str] = []
    tone = ""
    marks = 0
    for char in unicodedata.normalize("NFC", word).lower():
        letter, mark = _split_char(char)
        if mark:
            marks += 2 if mark == "double" else 1
            tone = mark
            if not (set(letter) & _VOWELS):
                marks += 1  # a tone mark on a consonant is not Vietnamese
        base.append(letter)
    return "".join(base), tone, marks


@lru_cache(maxsize=65536)
def tone_key(word: str) -> str:
    """Case- and tone-placement-insensitive key of one word: ``Hoà`` and
    ``hòa`` give the same key, ``hoa`` another."""
    base, tone, _ = split_tone(word)
    return base + _TONE_DIGIT.get(tone, "?")


def _rhyme_ok(onset: str, rhyme: str) -> bool:
    rules = _RULES
    if onset == "qu":
        return (rhyme in rules.rhymes and rhyme[:1] not in ("o", "u")) or (
            rhyme[:1] == "y" and "u" + rhyme in rules.rhymes
        )
    if onset == "gi":
        if rhyme in rules.codas and "i" + rhyme in rules.rhymes:
            return True  # gì, gìn: the i is both onset and nucleus
        return rhyme in rules.rhymes and rhyme[:1] not in ("i", "y")
    if rhyme not in rules.rhymes:
        return False
    first = rhyme[:1]
    if onset == "k" and first not in rules.front_k:
        return False
    if onset in rules.front_only and onset != "k" and first not in rules.front:
        return False
    if onset in rules.no_front and (first in rules.front or first == "y"):
        return False
    if onset in rules.no_medial and rhyme.startswith(rules.medial_prefixes):
        return False
    if onset and rhyme in rules.onsetless:
        return False
    if not onset and rhyme in rules.onset_required:
        return False
    return True


@lru_cache(maxsize=65536)
def is_syllable(word: str) -> bool:
    """True when ``word`` is one well-formed Vietnamese syllable (any case)."""
    if not word or len(word) > _MAX_SYLLABLE + 1:
        return False
    base, tone, marks = split_tone(word)
    if marks > 1:
        return False
    for onset in _RULES.onsets:
        if not base.startswith(onset):
            continue
        rhyme = base[len(onset):]
        if (not rhyme and onset != "gi") or not _rhyme_ok(onset, rhyme):
            continue
        if tone and rhyme.endswith(_RULES.stop_codas) and tone not in _RULES.stop_tones:
            continue
        return True
    return False


_COUNTS: dict[str, int] = _load_counts()


def _load_unsplit() -> frozenset[str]:
    text = resources.files("extract").joinpath("data/unsplit_words.txt").read_text("utf-8")
    return frozenset(
        unicodedata.normalize("NFC", line.strip()).lower()
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    )


_UNSPLIT = _load_unsplit()


def syllable_count(word: str) -> int:
    """How many dictionary entries use this syllable: a measure of how common it is."""
    return _COUNTS.get(tone_key(word), 0)


def _has_vietnamese_letter(text: str) -> bool:
    return any(c.isalpha() and c not in _ASCII_LETTERS for c in text)


def _is_known(part: str) -> bool:
    return is_syllable(part) and syllable_count(part) > 0


def _has_onset(part: str) -> bool:
    return split_tone(part)[0][:1] not in _VOWELS


def _part_score(part: str) -> float:
    return math.log1p(syllable_count(part))


@lru_cache(maxsize=16384)
def _split_syllables(segment: str) -> tuple[str, ...] | None:
    """Best split of a single-case segment into known syllables, or None."""
    if is_syllable(segment) or segment.lower() in _UNSPLIT:
        return (segment,)
    n = len(segment)
    if n > _MAX_PARTS * (_MAX_SYLLABLE + 1):
        return None  # too long for _MAX_PARTS syllables
    # best[i]: (parts, -score, split) for segment[:i]
    best: list[tuple[int, float, tuple[str, ...]] | None] = [None] * (n + 1)
    best[0] = (0, 0.0, ())
    for end in range(1, n + 1):
        for start in range(max(0, end - _MAX_SYLLABLE - 1), end):
            prev = best[start]
            if prev is None or prev[0] >= _MAX_PARTS:
                continue
            part = segment[start:end]
            if not _is_known(part) or (start and not _has_onset(part)):
                continue  # Lê|nin, Nô|en: a vowel-initial tail is a loanword's, not glue
            candidate = (prev[0] + 1, prev[1] - _part_score(part), prev[2] + (part,))
            if best[end] is None or candidate[:2] < best[end][:2]:  # type: ignore[index]
                best[end] = candidate
    final = best[n]
    return final[2] if final and len(final[2]) > 1 else None


def _case_runs(word: str) -> list[tuple[bool, str]]:
    return [(upper, "".join(chars)) for upper, chars in groupby(word, str.isupper)]


Segments = list[tuple[str, str]]


def _segment_options(word: str) -> list[list[Segments]]:
    """Ways to cut a mixed-case word into (kind, text) segments: for each run
    of letters, its possible cuts, preferred first (empty when the word cannot
    be cut). The cuts of one run do not depend on those of another.

    kind is ``word`` (lower or Title case) or ``abbr`` (two or more capitals).
    After an abbreviation, a capital followed by lower case starts a new
    word (``UBNDThành`` → ``UBND`` + ``Thành``) before it ends the abbreviation.
    """
    runs = _case_runs(word)
    options: list[list[Segments]] = []
    i = 0
    while i < len(runs):
        upper, text = runs[i]
        nxt = runs[i + 1][1] if i + 1 < len(runs) else None
        if not upper:
            choices = [[("word", text)]]
            i += 1
        elif nxt is None:
            if len(text) < 2:
                return []
            choices = [[("abbr", text)]]
            i += 1
        elif len(text) == 1:
            choices = [[("word", text + nxt)]]
            i += 2
        else:
            choices = [
                [("abbr", text[:-1]), ("word", text[-1] + nxt)],
                [("abbr", text), ("word", nxt)],
            ]
            if len(text) == 2:
                choices = choices[1:]  # a single capital is no abbreviation
            i += 2
        options.append(choices)
    return options


def _resolve(option: Segments) -> list[str] | None:
    parts: list[str] = []
    for kind, text in option:
        if kind == "abbr":
            split = None
            if _has_vietnamese_letter(text) and not is_syllable(text):
                split = _split_syllables(text)
            parts.extend(split or (text,))
            continue
        if len(text) == 1:
            return None  # iPhone, eKYC, SRó: a lone letter is a code's, not a word
        split = _split_syllables(text)
        if split is None:
            return None
        parts.extend(split)
    return parts


@lru_cache(maxsize=65536)
def _split_letters(word: str) -> tuple[str, ...]:
    """Repair of one run of letters: the pieces to join with spaces."""
    if is_syllable(word) or not _has_vietnamese_letter(word) or word.lower() in _UNSPLIT:
        return (word,)
    groups = _segment_options(word)
    if not groups:
        return (word,)
    # The preferred cut is the first whose every segment resolves, and segments
    # resolve independently: take the first resolving choice of each group.
    out: list[str] = []
    for choices in groups:
        parts = next((p for p in map(_resolve, choices) if p is not None), None)
        if parts is None:
            return (word,)
        out.extend(parts)
    return tuple(out)


def _joins_number(letters: str) -> bool:
    """A word that may be followed or preceded by a number without a space."""
    return len(letters) >= 2 and is_syllable(letters) and _has_vietnamese_letter(letters)


_PIECE = re.compile(r"\d+|[^\W\d_]+")


@lru_cache(maxsize=65536)
def _split_run(run: str) -> tuple[str, ...]:
    """Repair of one run of letters and digits (``số199``, ``thựchiệnQuyết``)."""
    # Each piece as the strings it is joined from; one joined from several holds
    # a digit, so it never joins a number.
    pieces: list[list[str]] = []
    for piece in _PIECE.findall(run):
        if piece[0].isdigit():
            last = pieces[-1] if pieces else []
            if len(last) == 1 and not last[0][-1].isdigit() and _joins_number(last[0]):
                pieces.append([piece])
            elif pieces:
                pieces[-1].append(piece)
            else:
                pieces.append([piece])
            continue
        split = _split_letters(piece)
        if pieces and pieces[-1][-1][-1].isdigit() and not _joins_number(split[0]):
            pieces[-1].append(split[0])
            split = split[1:]
        pieces.extend([s] for s in split)
    return tuple("".join(p) for p in pieces)


_PROTECTED = re.compile(
    r"(?:[a-z][a-z0-9+.-]{0,40}://|www\.)|@|\.(?:vn|com|net|org|gov|edu|info)\b", re.IGNORECASE
)
_RUN = re.compile(r"[^\W_]+")


@lru_cache(maxsize=65536)
def _space_positions(chunk: str) -> tuple[int, ...]:
    """Indexes in ``chunk`` before which a space goes."""
    if _PROTECTED.search(chunk):
        return ()
    positions: list[int] = []
    for match in _RUN.finditer(chunk):
        pieces = _split_run(match.group())
        at = match.start()
        for piece in pieces[:-1]:
            at += len(piece)
            positions.append(at)
    return tuple(positions)


_CHUNK = re.compile(r"\S+")


def _insertions(text: str) -> Iterable[int]:
    for match in _CHUNK.finditer(text):
        for pos in _space_positions(match.group()):
            yield match.start() + pos


@lru_cache(maxsize=32768)  # pure; the same paragraphs recur across plans
def repair_glued(text: str) -> str:
    """``text`` with a space put between glued words; nothing else changes.

    >>> repair_glued("UBNDThành phố giao PhòngTài chính thựchiệnQuyết định số199/KH-UBND")
    'UBND Thành phố giao Phòng Tài chính thực hiện Quyết định số 199/KH-UBND'
    """
    out: list[str] = []
    last = 0
    for pos in _insertions(text):
        out.append(text[last:pos])
        out.append(" ")
        last = pos
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def repair_glued_with_offsets(text: str) -> tuple[str, list[int]]:
    """Repaired text and, for each of its characters, the index of the input
    character it comes from; an inserted space points at the character after it."""
    out: list[str] = []
    offsets: list[int] = []
    last = 0
    for pos in _insertions(text):
        out.append(text[last:pos])
        offsets.extend(range(last, pos))
        out.append(" ")
        offsets.append(pos)
        last = pos
    out.append(text[last:])
    offsets.extend(range(last, len(text)))
    return "".join(out), offsets
