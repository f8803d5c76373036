"""Pre-Unicode Vietnamese font encodings: TCVN3 (ABC), VNI and VISCII.

Archives from the 1990s and 2000s hold plans typed in ``.VnTime`` (TCVN3) or
``VNI-Times`` (VNI) fonts: the bytes are Windows-1252 to every program but the
font, so without conversion a plan reads as ``KÕ ho¹ch`` or ``Keá hoaïch``. These
encodings cannot be told apart by a byte-level statistic (they all use the same
high bytes), so :func:`detect` decodes with each table and keeps the one whose
words are Vietnamese syllables. Tables live in ``extract/data/legacy_*.tsv``.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache
from importlib import resources

from extract.syllables import is_syllable

ENCODINGS = ("tcvn3", "vni", "viscii")
"""The legacy encodings :func:`decode` knows, in the order :func:`detect` tries them."""

MIN_WORDS = 3
"""Words with non-ASCII letters a text needs before its encoding is judged: fewer
prove nothing (``sớ`` is Spanish ``sí`` read as TCVN3)."""

MIN_SYLLABLE_SHARE = 0.9
"""Share of those words that must be Vietnamese syllables. On the seeds the right
table scores 0.99–1.0 (names and loanwords lose the rest), a wrong table 0.10–0.48,
Windows-1258 text read with any of them 0.14–0.26, French and Spanish under 0.1."""

SAMPLE_BYTES = 8192
"""Bytes :func:`detect` judges: a few hundred words, enough to tell the tables apart."""

_TCVN3_PUNCTUATION = frozenset(b"\x85\x91\x92\x93\x94\x95\x96\x97")
"""TCVN3 bytes that VN1 gives to capitals (Ặ Ị Ò Ỏ Õ Ó Ọ Ộ) but Word fills with
… ‘ ’ “ ” • – — in ``.VnTime`` documents: a letter only right after a capital."""

_AMBIGUOUS = re.compile("[%s]" % "".join(chr(b) for b in sorted(_TCVN3_PUNCTUATION)))
_WORD = re.compile(r"[^\W\d_]+")


def _read_tsv(name: str) -> list[list[str]]:
    text = resources.files("extract").joinpath("data", name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


def _windows_1252(byte: int) -> str:
    """A byte as Windows-1252, or Latin-1 for the five bytes 1252 leaves undefined."""
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


_C1_AS_1252 = {b: _windows_1252(b) for b in range(0x80, 0xA0)}


@lru_cache(maxsize=None)
def _byte_table(name: str) -> dict[int, str]:
    """``str.translate`` table from a single-byte legacy text read as Latin-1 to
    what each byte stands for (Windows-1252 where the table says nothing)."""
    table = dict(_C1_AS_1252)
    for byte, codepoint, *_ in _read_tsv(f"legacy_{name}.tsv"):
        table[int(byte, 16)] = chr(int(codepoint, 16))
    return table


@lru_cache(maxsize=None)
def _vni_sequences() -> tuple[dict[str, str], re.Pattern[str]]:
    """VNI letter sequences (bytes read as Latin-1) → letter, and a pattern
    matching any of them, longest first."""
    sequences = {bytes.fromhex(hexed).decode("latin-1"): letter
                 for letter, hexed, *_ in _read_tsv("legacy_vni.tsv")}
    alternatives = sorted(sequences, key=len, reverse=True)
    return sequences, re.compile("|".join(re.escape(s) for s in alternatives))


def decode(data: bytes, encoding: str) -> str:
    """Decode bytes written in a legacy Vietnamese encoding to NFC text.

    TCVN3 has no toned capitals (headings were set in ``.VnTimeH``, which draws
    small letters as capitals), so ``HOạCH`` is put back to ``HOẠCH`` where the
    word or line around it is in capitals (:func:`restore_capitals`)."""
    if encoding == "vni":
        return _decode_vni(data)
    if encoding == "viscii":
        return unicodedata.normalize("NFC", data.decode("latin-1").translate(_byte_table("viscii")))
    if encoding == "tcvn3":
        return restore_capitals(_decode_letters(data, encoding))
    raise ValueError(f"unknown legacy encoding {encoding!r}; known: {', '.join(ENCODINGS)}")


def _decode_letters(data: bytes, encoding: str) -> str:
    """The letters without TCVN3's capital restoration: all :func:`detect` needs."""
    if encoding == "tcvn3":
        return unicodedata.normalize("NFC", _decode_tcvn3(data))
    return decode(data, encoding)


def _decode_tcvn3(data: bytes) -> str:
    table = _byte_table("tcvn3")
    letters = {b: c for b, c in table.items() if b not in _TCVN3_PUNCTUATION}
    text = data.decode("latin-1").translate(letters)

    def resolve(match: re.Match[str]) -> str:
        start = match.start()
        after_capital = start > 0 and text[start - 1].isupper()
        byte = ord(match.group())
        return table[byte] if after_capital else _windows_1252(byte)

    return _AMBIGUOUS.sub(resolve, text)


def _decode_vni(data: bytes) -> str:
    sequences, pattern = _vni_sequences()
    text = pattern.sub(lambda m: sequences[m.group()], data.decode("latin-1"))
    text = text.translate(_C1_AS_1252)  # what is left there: quotes, dashes
    return unicodedata.normalize("NFC", text)


def restore_capitals(text: str) -> str:
    """Capitalize TCVN3 toned letters that stand among capitals.

    A word whose capitals are broken only by non-ASCII small letters (``HOạCH``,
    ``ủY``) is a capital word; then every word of a line whose ASCII letters are
    all capitals is too (``Kế HOẠCH`` → ``KẾ HOẠCH``). Title case (``Kế``) is
    left alone: TCVN3 cannot say whether ``Ủy`` or ``ủy`` was meant."""
    lines = []
    for line in text.split("\n"):
        fixed = _WORD.sub(_capital_word, line)
        if fixed != line and all(not c.isascii() or not c.islower() for c in fixed):
            fixed = fixed.upper()
        lines.append(fixed)
    return "\n".join(lines)


def _capital_word(match: re.Match[str]) -> str:
    word = match.group()
    if any(c.isupper() for c in word[1:]) and all(not c.islower() or not c.isascii() for c in word):
        return word.upper()
    return word


def syllable_share(text: str) -> tuple[float, int]:
    """(share of Vietnamese syllables, count) over the words with non-ASCII letters."""
    valid, total = _syllable_counts(text)
    return (valid / total if total else 0.0), total


def _syllable_counts(text: str) -> tuple[int, int]:
    """(Vietnamese syllables, all) among the words with non-ASCII letters."""
    # each distinct word is judged once: syllables repeat, so this is a few
    # hundred checks for a page of text
    counts = Counter(w for w in _WORD.findall(text) if not w.isascii())
    return sum(n for w, n in counts.items() if is_syllable(w.lower())), sum(counts.values())


# Bytes some table turns into a letter (TCVN3 and VISCII put capitals on C0
# bytes too); the others are ASCII in every table. bytes.translate deletes them.
_LETTER_BYTES = bytes(b for b in range(256) if b >= 0x80 or (b < 0x20 and b not in b"\t\n\x0b\x0c\r"))


def _vietnamese_share(sample: bytes, encoding: str) -> float | None:
    """``syllable_share`` of ``sample`` read with ``encoding`` when it passes
    :data:`MIN_WORDS` and :data:`MIN_SYLLABLE_SHARE`, else ``None``.

    The first half is read first: every word with a non-ASCII letter holds a
    letter byte, so the second half adds at most as many words as it has
    such bytes, and when even all of them being syllables would leave the share
    short, the second half is not decoded (a wrong table, or Windows-1258 text,
    is refused at half the cost). Cut after an ASCII space or line end, which
    every table leaves alone, the two halves hold exactly the words of the whole."""
    half = len(sample) // 2
    cut = max(sample.rfind(b" ", 0, half), sample.rfind(b"\n", 0, half)) + 1
    if cut <= 0:
        valid, total = _syllable_counts(_decode_letters(sample, encoding))
    else:
        valid, total = _syllable_counts(_decode_letters(sample[:cut], encoding))
        rest = sample[cut:]
        reach = len(rest) - len(rest.translate(None, _LETTER_BYTES))
        if reach + total and (valid + reach) / (total + reach) < MIN_SYLLABLE_SHARE:
            return None
        more_valid, more = _syllable_counts(_decode_letters(rest, encoding))
        valid, total = valid + more_valid, total + more
    share = valid / total if total else 0.0
    return share if total >= MIN_WORDS and share >= MIN_SYLLABLE_SHARE else None


def detect(data: bytes) -> tuple[str, str] | None:
    """``(encoding, text)`` for the legacy encoding in which non-UTF-8 bytes read
    best as Vietnamese, if that is well and better than Windows-1258; else ``None``."""
    if data.isascii():
        return None
    sample = data[:SAMPLE_BYTES]
    best: tuple[float, str] | None = None
    for encoding in ENCODINGS:
        share = _vietnamese_share(sample, encoding)
        if share is not None and (best is None or share > best[0]):
            best = (share, encoding)
    if best is None:
        return None
    as_1258 = unicodedata.normalize("NFC", sample.decode("cp1258", errors="replace"))
    if syllable_share(as_1258)[0] >= best[0]:
        return None
    return best[1], decode(data, best[1])
