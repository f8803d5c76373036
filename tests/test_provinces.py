"""Provinces and centrally-run cities before and after the 1 July 2025 merger."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from extract.provinces import (
    all_provinces,
    find_province,
    is_province_name,
    province_key,
    provinces_in_text,
    provinces_on,
    successor,
)
from extract.units import REFORM, _index, province_of_unit

BEFORE = date(2025, 6, 30)
AFTER = date(2025, 7, 1)

MERGERS = {
    "Tuyên Quang": ["Hà Giang"],
    "Lào Cai": ["Yên Bái"],
    "Thái Nguyên": ["Bắc Kạn"],
    "Phú Thọ": ["Vĩnh Phúc", "Hòa Bình"],
    "Bắc Ninh": ["Bắc Giang"],
    "Hưng Yên": ["Thái Bình"],
    "Hải Phòng": ["Hải Dương"],
    "Ninh Bình": ["Hà Nam", "Nam Định"],
    "Quảng Trị": ["Quảng Bình"],
    "Đà Nẵng": ["Quảng Nam"],
    "Quảng Ngãi": ["Kon Tum"],
    "Gia Lai": ["Bình Định"],
    "Khánh Hòa": ["Ninh Thuận"],
    "Lâm Đồng": ["Đắk Nông", "Bình Thuận"],
    "Đắk Lắk": ["Phú Yên"],
    "Hồ Chí Minh": ["Bình Dương", "Bà Rịa - Vũng Tàu"],
    "Đồng Nai": ["Bình Phước"],
    "Tây Ninh": ["Long An"],
    "Cần Thơ": ["Sóc Trăng", "Hậu Giang"],
    "Vĩnh Long": ["Bến Tre", "Trà Vinh"],
    "Đồng Tháp": ["Tiền Giang"],
    "Cà Mau": ["Bạc Liêu"],
    "An Giang": ["Kiên Giang"],
}
UNCHANGED = ["Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh",
             "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Cao Bằng"]


def test_counts() -> None:
    assert len(provinces_on(BEFORE)) == 63
    assert len(provinces_on(AFTER)) == 34
    assert len(provinces_on(date(2024, 6, 1))) == 63
    assert sum(p.kind == "thành phố" for p in provinces_on(AFTER)) == 6
    assert sum(p.kind == "thành phố" for p in provinces_on(date(2024, 6, 1))) == 5


def test_names_after_the_merger() -> None:
    assert {p.name for p in provinces_on(AFTER)} == set(MERGERS) | set(UNCHANGED)


def test_ids_are_unique_and_links_resolve() -> None:
    ids = [p.id for p in all_provinces()]
    assert len(ids) == len(set(ids))
    for p in all_provinces():
        for target in (p.merged_into, p.renamed_to, *p.merged_from):
            assert target is None or target in ids


@pytest.mark.parametrize(("new", "old"), [(n, o) for n, olds in MERGERS.items() for o in olds])
def test_each_merger(new: str, old: str) -> None:
    absorbed = find_province(old, BEFORE)
    assert absorbed is not None and absorbed.valid_to == BEFORE
    unit = successor(absorbed, AFTER)
    assert unit.name == new and unit.valid_on(AFTER)
    assert absorbed.id in unit.merged_from
    assert successor(absorbed, BEFORE) is absorbed


@pytest.mark.parametrize("name", list(MERGERS))
def test_absorbing_unit_is_a_new_unit(name: str) -> None:
    old, new = find_province(name, BEFORE), find_province(name, AFTER)
    assert old is not None and new is not None and old != new
    assert successor(old, AFTER) == new
    assert find_province(name) == new  # no date: the unit that exists now


@pytest.mark.parametrize("name", [n for n in UNCHANGED if n != "Huế"])
def test_unchanged_units_span_the_merger(name: str) -> None:
    unit = find_province(name, BEFORE)
    assert unit is not None and unit.valid_on(AFTER) and successor(unit, AFTER) == unit


def test_hue() -> None:
    old = find_province("Thừa Thiên Huế", date(2024, 5, 1))
    new = find_province("Huế", AFTER)
    assert old is not None and new is not None
    assert (old.kind, new.kind) == ("tỉnh", "thành phố")
    assert successor(old, date(2025, 1, 1)) == new
    assert find_province("Huế", date(2024, 5, 1)) == old
    assert find_province("Thừa Thiên - Huế", AFTER) == new


@pytest.mark.parametrize(
    ("spelling", "name"),
    [
        ("TP. Hồ Chí Minh", "Hồ Chí Minh"),
        ("TP HCM", "Hồ Chí Minh"),
        ("TP.HCM", "Hồ Chí Minh"),
        ("Thành phố Hồ Chí Minh", "Hồ Chí Minh"),
        ("Sài Gòn", "Hồ Chí Minh"),
        ("Bà Rịa - Vũng Tàu", "Bà Rịa - Vũng Tàu"),
        ("Bà Rịa–Vũng Tàu", "Bà Rịa - Vũng Tàu"),
        ("Bà Rịa — Vũng Tàu", "Bà Rịa - Vũng Tàu"),
        ("Bà Rịa Vũng Tàu", "Bà Rịa - Vũng Tàu"),
        ("Đắc Lắc", "Đắk Lắk"),
        ("Đăk Lăk", "Đắk Lắk"),
        ("Đăk Nông", "Đắk Nông"),
        ("Đắk Nông", "Đắk Nông"),
        ("tỉnh Thanh Hoá", "Thanh Hóa"),
        ("Khánh Hoà", "Khánh Hòa"),
        ("HOÀ BÌNH", "Hòa Bình"),
        ("Tỉnh Quảng Ninh", "Quảng Ninh"),
        ("thành phố Hải Phòng", "Hải Phòng"),
        ("Ha Noi", "Hà Nội"),
        ("Bắc Cạn", "Bắc Kạn"),
    ],
)
def test_aliases(spelling: str, name: str) -> None:
    found = find_province(spelling, BEFORE)
    assert found is not None and found.name == name


@pytest.mark.parametrize("name", ["Hạ Long", "Móng Cái", "An Biên", "Việt Nam", "", "tỉnh"])
def test_not_provinces(name: str) -> None:
    assert find_province(name) is None


def test_key_folds_case_tone_and_prefix() -> None:
    assert province_key("Thành phố Khánh Hoà") == province_key("khánh hòa")
    assert province_key("Thanh Hóa") != province_key("Thanh Hoa")


def test_is_province_name_with_level_word() -> None:
    assert is_province_name("Quảng Ninh")
    assert is_province_name("Hải Phòng", "thành phố")
    assert not is_province_name("Thanh Hóa", "thành phố")  # the city inside the province
    assert not is_province_name("thành phố Hạ Long")
    assert not is_province_name("Bình Phước", on_date=AFTER)


def _names(text: str, on_date: date | None = None) -> list[str]:
    return [p.name for p, _ in provinces_in_text(text, on_date)]


@pytest.mark.parametrize(
    ("sentence", "names"),
    [
        ("Sở Tư pháp thành phố Hải Phòng", ["Hải Phòng"]),
        ("Thực hiện Kế hoạch số 276/KH-UBND ngày 25/11/2022 của UBND tỉnh\nQuảng Ninh", ["Quảng Ninh"]),
        ("trên địa bàn tỉnh Bình Phước năm 2024", ["Bình Phước"]),
        ("UBND thành phố Hạ Long xây dựng kế hoạch", []),
        ("Bình Phước, ngày 08 tháng 4 năm 2024", ["Bình Phước"]),
        ("UBND xã Bình Phước", []),
        ("phường Sài Gòn, sông Đồng Nai", []),
        ("học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh", []),
        ("Đoàn Thanh niên Cộng sản Hồ Chí Minh", []),
        ("TP. Hồ Chí Minh và TP.HCM", ["Hồ Chí Minh", "Hồ Chí Minh"]),
        ("kỷ niệm chiến thắng Điện Biên Phủ", []),
        ("thành phố Thanh Hóa thuộc tỉnh Thanh Hóa", ["Thanh Hóa"]),
        ("ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN", ["Lạng Sơn"]),
        ("tỉnh Bà Rịa - Vũng Tàu và tỉnh Thừa Thiên Huế", ["Bà Rịa - Vũng Tàu", "Thừa Thiên Huế"]),
    ],
)
def test_provinces_in_text(sentence: str, names: list[str]) -> None:
    assert _names(sentence, date(2024, 6, 1)) == names


def test_offsets_point_at_the_name() -> None:
    text = "Sở Tư pháp thành phố Hải Phòng phối hợp UBND tỉnh Quảng Ninh"
    hits = provinces_in_text(text)
    assert [text[o:o + len(p.name)] for p, o in hits] == ["Hải Phòng", "Quảng Ninh"]


def test_text_search_picks_the_unit_of_the_date() -> None:
    (old, _), = provinces_in_text("tỉnh Gia Lai", date(2024, 1, 1))
    (new, _), = provinces_in_text("tỉnh Gia Lai", AFTER)
    assert old != new and successor(old, AFTER) == new
    (absorbed, _), = provinces_in_text("tỉnh Bình Định", AFTER)
    assert absorbed.name == "Bình Định" and successor(absorbed, AFTER).name == "Gia Lai"


# --- the province of a district or commune, from the map of units ---------------------


@pytest.mark.parametrize("locality, on, want", [
    ("Huyện Củ Chi", date(2023, 12, 12), "Hồ Chí Minh"),
    ("huyện Nam Đàn", None, "Nghệ An"),  # no date: both maps agree
    ("Thị xã Hoà Thành", date(2024, 1, 1), "Tây Ninh"),  # the other tone placement
    ("Thành phố Hạ Long", date(2022, 12, 22), "Quảng Ninh"),  # a city inside a province
    ("Phường An Biên", date(2026, 4, 20), "Hải Phòng"),  # a ward of the new map
    ("Huyện Châu Thành", date(2023, 1, 1), None),  # six provinces have one
    ("Huyện Củ Chi", date(2026, 1, 1), None),  # no districts after the reform
    ("Củ Chi", date(2023, 1, 1), None),  # no level word: not a unit
])
def test_province_of_a_unit(locality, on, want):
    got = province_of_unit(locality, on)
    assert (got.name if got else None) == want


def test_every_province_of_the_map_of_units_is_a_known_province():
    index = _index()
    assert sum(1 for era, level, _ in index if era == "old" and level == "huyện") > 400
    assert not any(era == "new" and level in ("huyện", "quận", "thị xã") for era, level, _ in index)
    for (era, _, _), provinces in index.items():
        for name in provinces:
            day = REFORM if era == "new" else date(2025, 6, 30)
            assert find_province(name, day) is not None, name


def test_a_district_plan_that_names_no_province_gets_it_from_the_map():
    from extract.model import Document
    from extract.reader import document_from_text

    path = Path(__file__).parent / "data" / "plans" / "duc_hoa_2024.txt"
    text = path.read_text(encoding="utf-8")
    assert "tỉnh Long An" in text
    plain = document_from_text(Document("x", "x"), text.replace("tỉnh Long An", "tỉnh"))
    assert "Long An" not in "\n".join(p.text for p in plain.paragraphs)
    assert (plain.header.locality, plain.header.province) == ("Huyện Đức Hòa", "Long An")
    # a commune whose name eleven provinces share: the district its text names decides
    commune = text.replace("tỉnh Long An", "tỉnh").replace("HUYỆN ĐỨC HÒA", "XÃ TÂN PHÚ")
    assert "huyện Đức Hòa" in commune
    doc = document_from_text(Document("y", "y"), commune)
    assert (doc.header.locality, doc.header.province) == ("Xã Tân Phú", "Long An")
    # … a district that has no such commune does not, and without a district it stays empty
    elsewhere = document_from_text(Document("z", "z"), commune.replace("huyện Đức Hòa", "huyện Củ Chi"))
    alone = document_from_text(Document("w", "w"), commune.replace("huyện Đức Hòa", "xã"))
    assert elsewhere.header.province == alone.header.province == ""
