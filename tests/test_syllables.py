"""Vietnamese syllable check and the repair of words glued by PDF extraction."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from extract.syllables import (
    is_syllable,
    repair_glued,
    repair_glued_with_offsets,
    syllable_count,
    tone_key,
)

RAW = sorted((Path(__file__).resolve().parents[1] / "data" / "raw").glob("*.txt"))
RUN = re.compile(r"[^\W_]+")


def _inserted(offsets: list[int]) -> list[int]:
    """Output indexes of inserted spaces: they share their offset with the next character."""
    return [i for i in range(len(offsets) - 1) if offsets[i] == offsets[i + 1]]


@pytest.mark.parametrize(
    "word",
    [
        "Phòng", "nghiêng", "khuỷu", "quốc", "quyết", "khuyến", "giữa", "gì", "gìn",
        "giếng", "thuở", "xoong", "oái", "yêu", "yết", "ngoằn", "hoà", "hòa", "Thuỷ",
        "thủy", "ĐƯỢC", "nghiệp", "trường", "kỳ", "ghế", "nghề", "ăn", "ấy", "uỷ",
        "hoạch", "chuyện", "người", "Ủy", "quy", "qua", "ếch",
    ],
)
def test_valid_syllables(word: str) -> None:
    assert is_syllable(word)


def test_decomposed_input_is_accepted() -> None:
    assert is_syllable(unicodedata.normalize("NFD", "Nguyễn"))


@pytest.mark.parametrize(
    "word",
    [
        "ka",      # k only before i, e, ê, y
        "ghà",     # gh only before i, e, ê
        "nghá",    # ngh only before i, e, ê
        "ci",      # c never before i
        "ge",      # g never before e (ghe)
        "coa",     # c with a medial: written qua
        "hàt",     # a stop coda takes only the acute or dot tone
        "mảc",
        "tãp",
        "hoàá",    # two tone marks
        "tyên",    # yê only without an onset
        "iên",     # iê needs an onset
        "ă",       # ă and â need a coda
        "xing",    # ing is spelled inh
        "tốtt",
        "online",
        "Zalo",
        "iPhone",
        "UBND",
        "PBGDPL",
        "nghềnghiệp",
        "PhòngTài",
        "",
    ],
)
def test_non_syllables(word: str) -> None:
    assert not is_syllable(word)


def test_tone_key_ignores_placement_and_case() -> None:
    assert tone_key("Hoà") == tone_key("hòa") != tone_key("hoa")
    assert tone_key("THUỶ") == tone_key("thủy")


def test_common_syllables_are_counted() -> None:
    assert syllable_count("thực") > syllable_count("thự") > 0
    assert syllable_count("chiện") < syllable_count("hiện")


@pytest.mark.parametrize(
    ("glued", "repaired"),
    [
        ("PhòngTài chính", "Phòng Tài chính"),
        ("vàVăn", "và Văn"),
        ("UBNDThành phố", "UBND Thành phố"),
        ("UBNDcác xã", "UBND các xã"),
        ("HĐNDtỉnh", "HĐND tỉnh"),
        ("chưa quentìm hiểu", "chưa quen tìm hiểu"),
        ("tốttrong", "tốt trong"),
        ("nghềnghiệp", "nghề nghiệp"),
        ("lĩnhvực", "lĩnh vực"),
        ("thựchiệnQuyết định", "thực hiện Quyết định"),
        ("Kế hoạch số199/KH-UBND", "Kế hoạch số 199/KH-UBND"),
        ("năm2024", "năm 2024"),
        ("ngày 30/6/2022của UBND", "ngày 30/6/2022 của UBND"),
        ("KẾHOẠCH", "KẾ HOẠCH"),
        ("của Lênin", "của Lênin"),
        ("nghiên cứu (UBNDThành phố)", "nghiên cứu (UBND Thành phố)"),
        ("phápluật, cánbộ", "pháp luật, cán bộ"),
    ],
)
def test_glue_is_repaired(glued: str, repaired: str) -> None:
    assert repair_glued(glued) == repaired


@pytest.mark.parametrize(
    "text",
    [
        "PBGDPL", "UBND", "HĐND", "LĐ-TB&XH", "KH-UBND", "TB&XH", "QĐ-TTg", "NQ-HĐND",
        "80-KL/TW", "110/2022/NQ-HĐND", "COVID-19", "e-mail", "Zalo", "iPhone", "eKYC",
        "VNeID", "YouTube", "TikTok", "online", "https://stp.quangninh.gov.vn/trang-tin",
        "tuphap@haiphong.gov.vn", "www.moj.gov.vn", "Nguyễn Hữu Đại", "Hạ Long",
        "09/7/2022", "2022 - 2025", "Quý IV/2026", "Đắk Lắk", "chủ nghĩa Mác-Lênin",
        "bêtông", "Covid19", "TTHĐND", "MTTQVN", "Cổng/Trang", "phủ;Kế", "H5N1",
    ],
)
def test_never_split(text: str) -> None:
    assert repair_glued(text) == text


def test_offsets_map_back_to_input() -> None:
    source = "Giao PhòngTài chính, UBNDcác xã thựchiệnQuyết định số199/KH-UBND."
    out, offsets = repair_glued_with_offsets(source)
    assert out == "Giao Phòng Tài chính, UBND các xã thực hiện Quyết định số 199/KH-UBND."
    assert len(offsets) == len(out)
    assert offsets == sorted(offsets)
    inserted = _inserted(offsets)
    assert [out[i] for i in inserted] == [" "] * 5
    for i, char in enumerate(out):
        if i not in inserted:
            assert source[offsets[i]] == char
        else:
            assert offsets[i] == offsets[i + 1]  # an inserted space points at the next character


def test_unchanged_text_has_identity_offsets() -> None:
    out, offsets = repair_glued_with_offsets("Sở Tư pháp")
    assert out == "Sở Tư pháp" and offsets == list(range(len(out)))


@pytest.mark.parametrize("path", RAW, ids=lambda p: p.stem)
def test_seed_repairs_only_insert_spaces_in_invalid_tokens(path: Path) -> None:
    text = path.read_text("utf-8")
    out, offsets = repair_glued_with_offsets(text)
    assert out.replace(" ", "") == text.replace(" ", "")
    runs = {m.start(): m.group() for m in RUN.finditer(text)}
    starts = sorted(runs)
    for i in _inserted(offsets):
        at = offsets[i]
        start = max(s for s in starts if s < at)
        run = runs[start]
        assert out[i] == " "
        assert start + len(run) > at, "a space inserted outside a word"
        assert not is_syllable(run), run


def test_seed_000_glue_is_repaired() -> None:
    text = next(p for p in RAW if p.stem.startswith("000")).read_text("utf-8")
    out = repair_glued(text)
    for glued in ("PhòngTài", "UBNDThành", "UBNDcác", "nghềnghiệp", "lĩnhvực", "số199"):
        assert glued in text and glued not in out
    assert "Phòng Tài chính" in out and "số 199/KH-UBND" in out

