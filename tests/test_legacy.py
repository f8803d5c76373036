"""Pre-Unicode font encodings (TCVN3, VNI, VISCII) read as the plan they encode.

The files are written by tests/formats.py with iconv (glibc's TCVN5712-1 and
VISCII charmaps) and a rule-based VNI encoder, never with the tables under test,
so a wrong table cannot hide behind a perfect round trip.

Run ``python tests/test_legacy.py`` to print the character accuracy of
extract.legacy (and of viparse, when installed) on every seed and encoding.
"""
from __future__ import annotations

import csv
import functools
import shutil
import unicodedata
from pathlib import Path

import pytest
from formats import (
    LEGACY_ENCODINGS,
    legacy_bytes,
    legacy_reference,
    vni_bytes,
    windows_1258_form,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from extract import legacy
from extract.ingest import load_bytes

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "data" / "raw").glob("*.txt"))
REPORTED = {"tcvn3": "tcvn3", "tcvn5712": "tcvn3", "vni": "vni", "viscii": "viscii"}
COMPARED = ["task_id", "lead_raw", "support_raw", "time_raw"]

needs_iconv = pytest.mark.skipif(shutil.which("iconv") is None, reason="iconv not installed")


def seed_text(seed: Path) -> str:
    return unicodedata.normalize("NFC", seed.read_text(encoding="utf-8").replace("\r\n", "\n"))


def accuracy(decoded: str, reference: str) -> float:
    """Share of the reference's characters the decoded text gets right."""
    from rapidfuzz.distance import Levenshtein

    return 1 - Levenshtein.distance(decoded, reference) / len(reference)


def fold(text: str, encoding: str) -> str:
    """TCVN3 cannot write toned capitals: compare it case-insensitively."""
    return text.casefold() if encoding == "tcvn3" else text


@needs_iconv
@pytest.mark.parametrize("encoding", LEGACY_ENCODINGS)
@pytest.mark.parametrize("seed", SEEDS, ids=[s.name[:3] for s in SEEDS])
def test_seed_decodes_to_the_original(seed, encoding):
    reference = legacy_reference(seed_text(seed), encoding)
    data = legacy_bytes(seed_text(seed), encoding)
    assert max(data) >= 0x80 and data != reference.encode("utf-8")
    source = load_bytes(data, ".txt")
    assert source.encoding == REPORTED[encoding]
    assert source.warnings == []
    # load() cleans: NFC, line ends; the seeds have neither controls nor CRs
    assert accuracy(fold(source.text, encoding), fold(reference, encoding)) >= 0.99
    if encoding != "tcvn3":
        assert source.text == reference


@needs_iconv
def test_tcvn3_capitals_come_back_in_capital_words():
    """Toned capitals are stored as small letters; inside capital words and lines
    they are capitals again, in title case they stay small (it cannot be known)."""
    data = legacy_bytes("KẾ HOẠCH\nỦY BAN NHÂN DÂN\nKế hoạch của Ủy ban, Sở Tư pháp", "tcvn3")
    assert b"HO\xb9CH" in data  # ạ: the small letter's byte
    expected = "KẾ HOẠCH\nỦY BAN NHÂN DÂN\nKế hoạch của ủy ban, Sở Tư pháp"
    assert legacy.decode(data, "tcvn3") == expected


@needs_iconv
def test_tcvn3_word_punctuation_is_not_read_as_capitals():
    """Word puts “ ” – … on bytes TCVN 5712 gives to Ỏ Õ Ọ Ặ (and Ộ Ị): after a
    capital they are letters, elsewhere punctuation."""
    data = (legacy_bytes("Đề án “tăng cường” ", "tcvn5712") + b"\x96"
            + legacy_bytes(" giai đoạn", "tcvn5712") + b"\x85"
            + legacy_bytes(" CÁC BỘ, NGÀNH, ĐỊA PHƯƠNG", "tcvn5712"))
    assert b"B\x97," in data and b"\xa7\x91A" in data
    expected = "Đề án “tăng cường” – giai đoạn… CÁC BỘ, NGÀNH, ĐỊA PHƯƠNG"
    assert legacy.decode(data, "tcvn3") == expected


@needs_iconv
@pytest.mark.parametrize("encoding", LEGACY_ENCODINGS)
def test_pipeline_gives_the_same_tasks(tmp_path_factory, encoding):
    """Same task ids and lead/support/time fields as the UTF-8 seeds."""
    from emit import batch

    src = tmp_path_factory.mktemp(f"legacy_{encoding}")
    for seed in SEEDS:
        (src / f"{seed.stem}__utf8.txt").write_text(legacy_reference(seed_text(seed), encoding),
                                                     encoding="utf-8")
        (src / f"{seed.stem}__legacy.txt").write_bytes(legacy_bytes(seed_text(seed), encoding))
    out = tmp_path_factory.mktemp(f"out_{encoding}")
    batch.run([str(src)], out, formats=("csv",))
    with open(out / "documents.csv", encoding="utf-8-sig", newline="") as f:
        docs = {d["doc_id"]: d for d in csv.DictReader(f)}
    with open(out / "tasks.csv", encoding="utf-8-sig", newline="") as f:
        tasks: dict[str, list[dict]] = {}
        for row in csv.DictReader(f):
            tasks.setdefault(row["doc_id"], []).append(row)
    for seed in SEEDS:
        utf8, coded = f"{seed.stem}__utf8", f"{seed.stem}__legacy"
        assert docs[coded]["status"] == docs[utf8]["status"] == "ok", docs[coded]
        a = [{c: fold(r[c], REPORTED[encoding]) for c in COMPARED} for r in tasks.get(utf8, [])]
        b = [{c: fold(r[c], REPORTED[encoding]) for c in COMPARED} for r in tasks.get(coded, [])]
        assert a, seed.name
        assert a == b, seed.name


# --- not legacy -----------------------------------------------------------------------

ENGLISH = ("The committee shall review the plan's progress every quarter and report "
           "to the People's Committee by 30 June 2024.\n") * 20
FRENCH = ("Le comité examinera l'état d'avancement du plan chaque trimestre et fera "
          "rapport à l'assemblée avant la fin de l'année. Élève, où, déjà, très, "
          "français, hôpital, forêt, naïve, cœur.\n") * 10
VIETNAMESE = "\n".join(line for seed in SEEDS[:2] for line in seed_text(seed).split("\n"))


def test_english_and_french_are_not_legacy():
    curly = ENGLISH.replace("'", "\u2019")
    for text, data in ((ENGLISH, ENGLISH.encode("ascii")), (curly, curly.encode("cp1252")),
                       (FRENCH, FRENCH.encode("cp1252")), (FRENCH, FRENCH.encode("cp1258"))):
        assert legacy.detect(data) is None, text[:20]
        source = load_bytes(data, ".txt")
        assert source.encoding not in legacy.ENCODINGS
        if text is not FRENCH:  # which Latin code page French is, is charset-normalizer's guess
            assert source.text == text


def test_unicode_and_windows_1258_vietnamese_are_not_legacy(tmp_path):
    cp1258 = windows_1258_form(VIETNAMESE).encode("cp1258")
    assert legacy.detect(cp1258) is None
    assert legacy.detect(VIETNAMESE.encode("utf-8")) is None
    for data, encoding in ((cp1258, "cp1258"), (VIETNAMESE.encode("utf-8"), "utf-8"),
                           (VIETNAMESE.encode("utf-16"), "utf-16-le")):
        source = load_bytes(data, ".txt")
        assert (source.encoding, source.text) == (encoding, VIETNAMESE)


def test_a_short_line_is_not_judged():
    """Two words prove nothing: detection declines rather than guess."""
    assert legacy.detect(vni_bytes("Sở Tư")) is None


def _whole_share(sample: bytes, encoding: str) -> float | None:
    """What :func:`legacy._vietnamese_share` must give: the whole sample judged at once."""
    share, count = legacy.syllable_share(legacy._decode_letters(sample, encoding))
    return share if count >= legacy.MIN_WORDS and share >= legacy.MIN_SYLLABLE_SHARE else None


def _samples() -> list[bytes]:
    texts = [seed_text(seed) for seed in SEEDS]
    forms = [legacy_bytes(t, e) for t in texts for e in LEGACY_ENCODINGS]
    forms += [windows_1258_form(t).encode("cp1258") for t in texts]
    forms += [FRENCH.encode("cp1252") * 40, bytes(range(256)) * 40]
    # mixed files: the first half in one encoding, the rest in another
    forms += [a[:legacy.SAMPLE_BYTES // 2] + b for a, b in zip(forms, forms[7:] + forms[:7])]
    return [f[:legacy.SAMPLE_BYTES] for f in forms]


@needs_iconv
def test_judging_by_halves_equals_judging_the_whole_sample(monkeypatch):
    samples = _samples()
    for sample in samples:
        for encoding in legacy.ENCODINGS:
            assert legacy._vietnamese_share(sample, encoding) == _whole_share(sample, encoding)
    # and a Windows-1258 plan is refused by every table on its first half alone
    decoded: list[int] = []
    real = legacy._decode_letters
    monkeypatch.setattr(legacy, "_decode_letters", lambda data, enc: decoded.append(len(data)) or real(data, enc))
    cp1258 = windows_1258_form(seed_text(SEEDS[0])).encode("cp1258")[:legacy.SAMPLE_BYTES]
    assert all(legacy._vietnamese_share(cp1258, e) is None for e in legacy.ENCODINGS)
    assert len(decoded) == 3 and max(decoded) <= legacy.SAMPLE_BYTES // 2


@functools.cache
def _line_pool() -> list[bytes]:
    """Lines of the seeds in every encoding, the Windows-1258 form among them."""
    return [ln for sample in _samples()[:len(SEEDS) * (len(LEGACY_ENCODINGS) + 1)]
            for ln in sample.split(b"\n") if ln.strip()]


@needs_iconv
@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0), min_size=1, max_size=120), st.binary(max_size=64))
def test_judging_by_halves_equals_judging_the_whole_of_shuffled_lines(picks, noise):
    pool = _line_pool()
    sample = (b"\n".join(pool[i % len(pool)] for i in picks) + noise)[:legacy.SAMPLE_BYTES]
    for encoding in legacy.ENCODINGS:
        assert legacy._vietnamese_share(sample, encoding) == _whole_share(sample, encoding)


def test_vni_letters_viparse_misses():
    """ẳ is ``aú`` and ỵ the single byte ``î``: a table learnt from a corpus lacks them."""
    text = "Khẳng định, cấm kỵ, QUÝ IV, Ỵ, kiến nghị, ỉ ĩ ì í, Ẳ"
    assert legacy.decode(vni_bytes(text), "vni") == text


def test_unknown_encoding_is_an_error():
    with pytest.raises(ValueError, match="tcvn3, vni, viscii"):
        legacy.decode(b"x", "vps")


# --- measurement ----------------------------------------------------------------------


def _report() -> None:
    """Print character accuracy per encoding for extract.legacy and viparse."""
    try:
        import viparse
    except ImportError:
        viparse = None
    print(f"{'encoding':9} {'decoder':16} {'exact':>7} {'casefold':>9} {'+spaces':>9}  detected")
    for encoding in LEGACY_ENCODINGS:
        name = REPORTED[encoding]
        rows: dict[str, list[tuple[str, str]]] = {"extract.legacy": [], "viparse": []}
        detected: dict[str, list[str | None]] = {"extract.legacy": [], "viparse": []}
        for seed in SEEDS:
            ref = legacy_reference(seed_text(seed), encoding)
            data = legacy_bytes(seed_text(seed), encoding)
            rows["extract.legacy"].append((legacy.decode(data, name), ref))
            found = legacy.detect(data)
            detected["extract.legacy"].append(found and found[0])
            if viparse is not None:
                # viparse reads the bytes as a PDF/DOCX extractor shows them (its VISCII
                # table keys on Latin-1, the others on Windows-1252)
                surface = data.decode("latin-1") if name == "viscii" else "".join(
                    legacy._windows_1252(b) if b >= 0x80 else chr(b) for b in data)
                rows["viparse"].append((viparse.fix(surface, encoding=name), ref))
                detected["viparse"].append(viparse.detect_text_encoding(surface))
        for decoder, pairs in rows.items():
            if not pairs:
                continue
            total = sum(len(r) for _, r in pairs)
            exact = sum(accuracy(d, r) * len(r) for d, r in pairs) / total
            folded = sum(accuracy(d.casefold(), r.casefold()) * len(r) for d, r in pairs) / total
            # viparse rewrites runs of white space; compare without them too
            squeezed = [(" ".join(d.split()).casefold(), " ".join(r.split()).casefold()) for d, r in pairs]
            nospace = sum(accuracy(d, r) * len(r) for d, r in squeezed) / sum(len(r) for _, r in squeezed)
            print(f"{encoding:9} {decoder:16} {exact:7.4f} {folded:9.4f} {nospace:9.4f}  "
                  f"{','.join(str(x) for x in detected[decoder])}")


if __name__ == "__main__":
    _report()
