"""Agency splitting and normalization: gold figures on the seed fields, and one test per
splitting and matching rule with phrases taken from the seeds and ANNOTATION.md."""
from __future__ import annotations

import csv
import importlib.util
import json
from collections import Counter
from pathlib import Path

import pytest

from normalize.agencies import AgencyNormalizer, split_field

HERE = Path(__file__).parent
FIXTURE = HERE / "data" / "agency_fields.jsonl"
HA_LONG = dict(locality="Thành phố Hạ Long", level="district", province="Quảng Ninh")
BINH_PHUOC = dict(locality="Tỉnh Bình Phước", level="province", province="Bình Phước")
AN_BIEN = dict(locality="Phường An Biên", level="commune", province="Hải Phòng")


def _score_module():
    spec = importlib.util.spec_from_file_location("kehoach_score", HERE / "reference" / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


score = _score_module()


def evaluate(rows: list[dict], normalizer: AgencyNormalizer) -> dict:
    """Mention P/R/F1 per role, B-cubed of agency clusters, type and level accuracy,
    matched as tests/reference/score.py does."""
    counts = {role: [0, 0, 0] for role in ("lead", "support")}
    pairs, types, levels, errors = [], [0, 0], [0, 0], []
    for r in rows:
        ctx = dict(locality=r["locality"], level=r["level"], province=r["province"])
        for role in ("lead", "support"):
            gold = r[role]
            pred = normalizer.mentions(r[f"{role}_raw"], role, **ctx)
            prows = [{"mention": m.mention} for m in pred]
            matched = score.match_mentions(gold, prows)
            c = counts[role]
            c[0] += len(matched)
            c[1] += len(pred)
            c[2] += len(gold)
            got = {i for i, _, _ in matched}
            errors += [(r["task_id"], role, "missed", g["mention"]) for i, g in enumerate(gold) if i not in got]
            used = {j for _, j, _ in matched}
            errors += [(r["task_id"], role, "spurious", m.mention) for j, m in enumerate(pred) if j not in used]
            for i, j, _ in matched:
                g, p = gold[i], pred[j]
                if not g["agency"].upper().startswith("GENERIC|"):
                    pairs.append((g["agency"], p.agency_id))
                types[0] += g["type"] == p.agency_type
                levels[0] += g["level"] == p.level
                types[1] += 1
                levels[1] += 1
                if g["type"] != p.agency_type or g["level"] != p.level:
                    errors.append((r["task_id"], role, "type/level", g["mention"], g["type"], p.agency_type,
                                   g["level"], p.level))
    out = {"errors": errors}
    for role, (tp, npred, ngold) in counts.items():
        out[role] = score._prf(tp, npred, ngold)
    tot = [sum(c[i] for c in counts.values()) for i in range(3)]
    out["all"] = score._prf(*tot)
    out["b3"] = score.bcubed(pairs)
    out["type_acc"] = types[0] / types[1]
    out["level_acc"] = levels[0] / levels[1]
    return out


@pytest.fixture(scope="module")
def gold_rows() -> list[dict]:
    return [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def result(gold_rows) -> dict:
    return evaluate(gold_rows, AgencyNormalizer())


# ---------------------------------------------------------------------- gold figures

def test_fixture_covers_every_gold_task(gold_rows):
    n_gold = sum(1 for p in (HERE / "gold" / "tasks").glob("*.jsonl")
                 for line in p.read_text(encoding="utf-8").splitlines() if line.strip())
    assert len(gold_rows) == n_gold
    assert all(r["lead_raw"] for r in gold_rows)


@pytest.mark.parametrize("role", ["lead", "support", "all"])
def test_mention_f1(result, role):
    p, r, f = result[role]
    assert min(p, r, f) >= 0.95, (role, p, r, f, result["errors"])


def test_bcubed_f1(result):
    p, r, f = result["b3"]
    assert f >= 0.95, (p, r, f)


def test_type_and_level_accuracy(result):
    assert result["type_acc"] >= 0.95, result["errors"]
    assert result["level_acc"] >= 0.95, result["errors"]


# ---------------------------------------------------------------------- splitting rules

def test_separators_comma_semicolon():
    assert split_field("Phòng Tư pháp; Phòng Tài chính- kế hoạch; các cơ quan, tổ chức khác có liên quan.") == [
        "Phòng Tư pháp", "Phòng Tài chính- kế hoạch", "các cơ quan, tổ chức khác có liên quan"]
    assert split_field("Phòng Tư pháp, Phòng Dân tộc, Công an thành phố;Ủy ban nhân dân các xã, phường.") == [
        "Phòng Tư pháp", "Phòng Dân tộc", "Công an thành phố", "Ủy ban nhân dân các xã, phường"]


def test_va_and_voi_split_between_bodies():
    assert split_field("Phòng Tư pháp phối hợp với Phòng Nội vụ") == ["Phòng Tư pháp", "Phòng Nội vụ"]
    assert split_field("Sở Tư pháp và Sở Nội vụ") == ["Sở Tư pháp", "Sở Nội vụ"]


@pytest.mark.parametrize("name", [
    "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân", "Văn phòng HĐND và UBND", "Phòng Văn hóa và Thông tin",
    "Sở Lao động, Thương binh và Xã hội", "Sở Văn hóa, Thể thao và Du lịch", "Trung tâm Truyền thông và Văn hóa",
    "Sở Nông nghiệp và Môi trường", "Sở Dân tộc và Tôn giáo", "Phòng Kinh tế, Hạ tầng và Đô thị",
])
def test_official_names_with_va_or_comma_are_one_mention(name):
    assert split_field(f"{name}, các cơ quan, đơn vị có liên quan.") == [name, "các cơ quan, đơn vị có liên quan"]


def test_shared_tail_is_distributed():
    assert split_field("Ủy ban MTTQ và các tổ chức Chính trị - Xã hội Thành phố") == [
        "Ủy ban MTTQ Thành phố", "các tổ chức Chính trị - Xã hội Thành phố"]


def test_shared_head_is_distributed():
    assert split_field("Ban Chỉ huy Phòng thủ dân sự cấp tỉnh, cấp xã") == [
        "Ban Chỉ huy Phòng thủ dân sự cấp tỉnh", "Ban Chỉ huy Phòng thủ dân sự cấp xã"]
    assert split_field("Các Sở: Tư pháp, Nội vụ, Văn hóa, Thể thao và Du lịch") == [
        "Sở Tư pháp", "Sở Nội vụ", "Sở Văn hóa, Thể thao và Du lịch"]


def test_names_run_together_are_two_mentions():
    assert split_field("Sở Khoa học và Công nghệ Sở Công Thương") == ["Sở Khoa học và Công nghệ", "Sở Công Thương"]


def test_advised_body_is_not_an_actor():
    assert split_field("Phòng Tài chính- Kế hoạch Tham mưu UBND thành phố.") == ["Phòng Tài chính- Kế hoạch"]
    assert split_field("Phòng Tài chính - Kế hoạch tham mưu UBNDThành phố.") == ["Phòng Tài chính - Kế hoạch"]


def test_advising_parenthesis_adds_a_lead():
    assert split_field("UBND Thành phố chỉ đạo (Phòng Tư pháp tham mưu);") == ["UBND Thành phố", "Phòng Tư pháp"]
    assert split_field("Hội đồng phối hợp PBGDPL Thành phố (Phòng Tư pháp Thành phố - cơ quan Thường trực "
                       "HĐ PBGDPL thành phố tham mưu);") == ["Hội đồng phối hợp PBGDPL Thành phố",
                                                             "Phòng Tư pháp Thành phố"]


def test_courtesy_and_verbs_are_dropped():
    assert split_field("Đề nghị ủy ban Mặt trận Tổ quốc thành phố, các tổ chức thành viên của Mặt trận chỉ đạo, "
                       "thực hiện theo chuyên đề.") == ["ủy ban Mặt trận Tổ quốc thành phố",
                                                        "các tổ chức thành viên của Mặt trận"]
    assert split_field("Văn phòng Hội đồng nhân dân và Ủy ban nhân dân, và các cơ quan, đơn vị có liên quan thực "
                       "hiện theo chức năng, nhiệm vụ được giao.") == [
        "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân", "các cơ quan, đơn vị có liên quan"]
    assert split_field("Sở Tư pháp chủ trì, theo quy định") == ["Sở Tư pháp"]


def test_verb_inside_a_name_is_kept():
    assert split_field("Ban Chỉ đạo thực hiện Đề án") == ["Ban Chỉ đạo thực hiện Đề án"]
    assert split_field("Hội đồng phối hợp PBGDPL tỉnh") == ["Hội đồng phối hợp PBGDPL tỉnh"]


def test_parent_body_parenthesis_stays_inside():
    assert split_field("Trung tâm Trợ giúp pháp lý Nhà nước tỉnh (Sở Tư pháp).") == [
        "Trung tâm Trợ giúp pháp lý Nhà nước tỉnh (Sở Tư pháp)"]


@pytest.mark.parametrize("field", [
    "Các phòng, ban, đơn vị có liên quan", "Các sở, ban, ngành, đoàn thể tỉnh", "UBND các huyện, thị xã, thành phố",
    "các cơ quan, phòng, ban, đơn vị phường", "các cơ quan, phòng, ban đơn vị có liên quan",
    "Các phòng, ban, cơ quan chuyên môn, đơn vị sự nghiệp thuộc UBND Thành phố",
])
def test_collectives_stay_whole(field):
    assert split_field(field + ".") == [field]


def test_list_of_organisation_kinds_gives_one_mention_per_kind():
    assert split_field("các tổ chức chính trị - xã hội - nghề nghiệp, tổ chức xã hội - nghề nghiệp, tổ chức xã "
                       "hội triển khai thực hiện.") == [
        "các tổ chức chính trị - xã hội - nghề nghiệp", "tổ chức xã hội - nghề nghiệp", "tổ chức xã hội"]
    assert split_field("các tổ chức đại diện của các đối tượng đặc thù, cơ quan, tổ chức khác có liên quan.") == [
        "các tổ chức đại diện của các đối tượng đặc thù", "cơ quan, tổ chức khác có liên quan"]


def test_va_inside_an_unknown_name_does_not_split():
    assert split_field("Trung tâm Dịch vụ việc làm và Giáo dục nghề nghiệp, Sở Tư pháp") == [
        "Trung tâm Dịch vụ việc làm và Giáo dục nghề nghiệp", "Sở Tư pháp"]


def test_units_of_one_level_stay_one_list_and_levels_split():
    assert split_field("Công an xã, phường, thị trấn") == ["Công an xã, phường, thị trấn"]
    assert split_field("UBND tỉnh, huyện") == ["UBND tỉnh", "UBND huyện"]


def test_new_plural_after_va_starts_a_new_collective():
    assert split_field("Các Sở, ban, ngành; UBND các huyện và các cơ quan thông tin đại chúng") == [
        "Các Sở, ban, ngành", "UBND các huyện", "các cơ quan thông tin đại chúng"]


def test_collective_then_committee_split_on_va():
    assert split_field("Các phòng, ban, cơ quan và UBND các xã, phường.") == [
        "Các phòng, ban, cơ quan", "UBND các xã, phường"]


def test_field_edges_and_glue():
    assert split_field("*: Các phòng, ban, đơn vị có liên quan; UBNDcác xã, phường.*") == [
        "Các phòng, ban, đơn vị có liên quan", "UBND các xã, phường"]
    assert split_field("") == []


# ---------------------------------------------------------------------- matching

@pytest.fixture()
def norm() -> AgencyNormalizer:
    return AgencyNormalizer()


@pytest.mark.parametrize("mention", [
    "Phòng Tư pháp", "Phòng Tư pháp thành phố", "Phòng Tư pháp TP Hạ Long", "Phòng Tư pháp Thành phố Hạ Long",
    "phòng tư pháp TP. Hạ Long",
])
def test_same_body_with_and_without_locality(norm, mention):
    m = norm.resolve(mention, **HA_LONG)
    assert (m.agency_id, m.agency_name, m.agency_locality, m.agency_type, m.level) == (
        "ha-long/phong-tu-phap", "Phòng Tư pháp", "Hạ Long", "tu_phap", "district")


@pytest.mark.parametrize("mention", ["Phòng LĐ-TB&XH", "Phòng Lao động - TB&XH", "Phòng Lao động, Thương binh và Xã hội",
                                     "Phòng LĐTBXH"])
def test_abbreviated_names(norm, mention):
    m = norm.resolve(mention, **HA_LONG)
    assert m.agency_name == "Phòng Lao động - Thương binh và Xã hội"
    assert m.agency_type == "ldtbxh" and m.match_method == "exact"


@pytest.mark.parametrize("mention", ["Phòng Văn hoá và Thông tin", "Phòng Văn hóa và Thông tin", "Phòng VH-TT"])
def test_tone_mark_placement_and_variants(norm, mention):
    m = norm.resolve(mention, **HA_LONG)
    assert m.agency_id == "ha-long/phong-van-hoa-va-thong-tin" and m.agency_type == "van_hoa"


def test_typo_matches_fuzzy_and_goes_to_review(norm):
    m = norm.resolve("Phòng Tư phap", **HA_LONG)
    assert m.match_method == "fuzzy" and m.agency_id == "ha-long/phong-tu-phap" and 88 <= m.match_score < 100
    rows = norm.review_rows()
    assert rows[0]["mention"] == "Phòng Tư phap" and rows[0]["agency_id"] == ""
    assert rows[0]["proposed_agency_id"] == "ha-long/phong-tu-phap"


def test_unknown_body_is_new(norm):
    m = norm.resolve("Ban Quản lý Cảng cá Cái Rồng", **HA_LONG)
    assert m.match_method == "new" and m.agency_type.startswith("other:") and m.level == "district"
    assert any(r["mention"] == "Ban Quản lý Cảng cá Cái Rồng" for r in norm.review_rows())


@pytest.mark.parametrize("mention,name,typ", [
    ("Sở Nội vụ", "Sở Nội vụ", "noi_vu"),
    ("Sở Tài chính", "Sở Tài chính", "tai_chinh"),
    ("Sở Nông nghiệp và Môi trường", "Sở Nông nghiệp và Môi trường", "nnptnt"),
    ("Sở Khoa học và Công nghệ", "Sở Khoa học và Công nghệ", "khcn"),
    ("Sở Xây dựng", "Sở Xây dựng", "xay_dung"),
    ("Sở Dân tộc và Tôn giáo", "Sở Dân tộc và Tôn giáo", "dan_toc"),
    ("Sở KH&ĐT", "Sở Kế hoạch và Đầu tư", "ke_hoach_dau_tu"),
    ("Sở TN&MT", "Sở Tài nguyên và Môi trường", "tnmt"),
    ("Sở GD&ĐT", "Sở Giáo dục và Đào tạo", "giao_duc"),
])
def test_province_departments_in_a_ward_plan_belong_to_the_province(norm, mention, name, typ):
    m = norm.resolve(mention, **AN_BIEN)
    assert (m.agency_name, m.agency_type, m.level, m.agency_locality) == (name, typ, "province", "Hải Phòng")
    assert m.agency_id.startswith("hai-phong/")


def test_reorganised_bodies_keep_their_successor(norm):
    norm.resolve("Sở Lao động - Thương binh và Xã hội", **BINH_PHUOC)
    row = next(r for r in norm.agencies_rows() if r["agency_name"] == "Sở Lao động - Thương binh và Xã hội")
    assert row["successor"] == "Sở Nội vụ"


@pytest.mark.parametrize("mention,name,typ", [
    ("Văn phòng HĐND và UBND", "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân", "van_phong_ubnd"),
    ("Phòng Kinh tế, Hạ tầng và Đô thị", "Phòng Kinh tế, Hạ tầng và Đô thị", "other:kinh_te"),
    ("Phòng Văn hoá - Xã hội", "Phòng Văn hóa - Xã hội", "van_hoa"),
    ("Trung tâm phục vụ hành chính công", "Trung tâm Phục vụ hành chính công", "other:hanh_chinh_cong"),
    ("Công an phường", "Công an phường", "cong_an"),
    ("Ủy ban MTTQ phường", "Ủy ban Mặt trận Tổ quốc Việt Nam", "mttq"),
])
def test_commune_offices_after_2025(norm, mention, name, typ):
    m = norm.resolve(mention, **AN_BIEN)
    assert (m.agency_name, m.agency_type, m.level, m.agency_locality) == (name, typ, "commune", "An Biên")


@pytest.mark.parametrize("mention,name,typ,level", [
    ("Bộ Công an", "Bộ Công an", "cong_an", "central"),
    ("Văn phòng Chính phủ", "Văn phòng Chính phủ", "other:van_phong_chinh_phu", "central"),
    ("Bộ Tư pháp", "Bộ Tư pháp", "tu_phap", "central"),
    ("Công an tỉnh", "Công an tỉnh", "cong_an", "province"),
    ("UBND tỉnh", "Ủy ban nhân dân tỉnh", "ubnd", "province"),
    ("Tòa án nhân dân tỉnh", "Tòa án nhân dân tỉnh", "toa_an", "province"),
    ("Viện KSND tỉnh", "Viện kiểm sát nhân dân tỉnh", "vien_kiem_sat", "province"),
    ("Bộ CHQS tỉnh", "Bộ Chỉ huy Quân sự tỉnh", "quan_su", "province"),
    ("Tỉnh đoàn Bình Phước", "Tỉnh đoàn", "doan_thanh_nien", "province"),
    ("Đoàn Thanh niên Cộng sản Hồ Chí Minh tỉnh", "Tỉnh đoàn", "doan_thanh_nien", "province"),
    ("Hội Nông dân tỉnh", "Hội Nông dân", "hoi_nong_dan", "province"),
    ("Liên đoàn Lao động tỉnh", "Liên đoàn Lao động tỉnh", "lien_doan_lao_dong", "province"),
    ("Hội đồng phối hợp PBGDPL tỉnh", "Hội đồng phối hợp phổ biến, giáo dục pháp luật", "hoi_dong_pbgdpl", "province"),
])
def test_central_and_province_levels(norm, mention, name, typ, level):
    m = norm.resolve(mention, **BINH_PHUOC)
    assert (m.agency_name, m.agency_type, m.level) == (name, typ, level)
    assert m.agency_locality == ("Trung ương" if level == "central" else "Bình Phước")


def test_body_belongs_to_its_own_locality(norm):
    assert norm.resolve("Công an tỉnh", **HA_LONG).agency_id == "quang-ninh/cong-an-tinh"
    assert norm.resolve("Công an thành phố", **HA_LONG).agency_id == "ha-long/cong-an-thanh-pho"
    assert norm.resolve("UBND Thành phố", **AN_BIEN).agency_id == "hai-phong/uy-ban-nhan-dan-thanh-pho"
    lang_son = dict(locality="Thành phố Lạng Sơn", level="district", province="Lạng Sơn")
    assert norm.resolve("Phòng Tư pháp", **lang_son).agency_id != norm.resolve("Phòng Tư pháp", **HA_LONG).agency_id


@pytest.mark.parametrize("mention,typ,level", [
    ("UBND các xã, phường", "ubnd_cap_duoi", "commune"),
    ("UBND các huyện, thị xã, thành phố", "ubnd_cap_duoi", "district"),
    ("các tổ chức Chính trị - Xã hội Thành phố", "to_chuc_ctxh", "district"),
    ("Các tổ chức chính trị - xã hội", "to_chuc_ctxh", "generic"),
    ("các tổ chức thành viên của Mặt trận", "to_chuc_ctxh", "district"),
    ("các phòng, ban thuộc UBND thành phố", "generic", "district"),
    ("Các cơ quan, tổ chức khác có liên quan", "generic", "generic"),
    ("Doanh nghiệp", "generic", "generic"),
])
def test_collectives_type_and_level(norm, mention, typ, level):
    m = norm.resolve(mention, **HA_LONG)
    assert (m.agency_type, m.level, m.match_method) == (typ, level, "generic")
    assert m.agency_id.startswith("generic/")


@pytest.mark.parametrize("mention,typ,level", [
    ("Công an xã, phường, thị trấn", "cong_an", "commune"),
    ("Công an xã", "cong_an", "commune"),
    ("UBND cấp xã", "ubnd_cap_duoi", "commune"),
])
def test_lower_level_bodies_without_place_are_collectives(norm, mention, typ, level):
    m = norm.resolve(mention, **HA_LONG)
    assert (m.agency_type, m.level, m.match_method) == (typ, level, "generic")
    assert m.agency_id.startswith("generic/")


def test_named_lower_unit_is_its_own_locality(norm):
    m = norm.resolve("UBND huyện Đông Triều", **dict(BINH_PHUOC, locality="Tỉnh Quảng Ninh", province="Quảng Ninh"))
    assert (m.agency_id, m.agency_locality, m.level) == ("dong-trieu/uy-ban-nhan-dan-huyen", "Đông Triều", "district")


def test_collective_keys_share_the_list_plural(norm):
    a = norm.resolve("tổ chức xã hội - nghề nghiệp", **HA_LONG)
    b = norm.resolve("các tổ chức xã hội - nghề nghiệp", **HA_LONG)
    assert a.agency_id == b.agency_id == "generic/cac-to-chuc-xa-hoi-nghe-nghiep"


def test_alias_file_overrides_a_match(tmp_path):
    path = tmp_path / "aliases.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["mention", "agency_id", "agency_name", "agency_type", "level"])
        w.writerow(["Phòng TC-KH", "ha-long/phong-tai-chinh", "Phòng Tài chính", "tai_chinh", "district"])
        w.writerow(["Ban Quản lý Cảng cá Cái Rồng", "ha-long/ban-quan-ly-cang-ca", "", "", ""])
    norm = AgencyNormalizer(str(path))
    m = norm.resolve("Phòng TC-KH thành phố", **HA_LONG)
    assert (m.agency_id, m.agency_name, m.match_method) == ("ha-long/phong-tai-chinh", "Phòng Tài chính", "alias")
    m = norm.resolve("Ban Quản lý Cảng cá Cái Rồng", **HA_LONG)
    assert m.agency_id == "ha-long/ban-quan-ly-cang-ca" and m.match_method == "alias"
    assert m.agency_locality == "Hạ Long"
    assert not norm.review_rows()


def test_cache_returns_independent_copies(norm):
    a = norm.resolve("Phòng Tư phap", **HA_LONG)
    a.role = "lead"
    a.candidates.clear()
    b = norm.resolve("Phòng Tư phap", **HA_LONG)
    assert b.role == "" and b.candidates
    assert norm.review_rows()[0]["count"] == 2


def test_mentions_sets_role_and_agencies_rows(norm):
    ms = norm.mentions("Phòng Tư pháp; Phòng Tư pháp thành phố.", "support", **HA_LONG)
    assert [m.role for m in ms] == ["support", "support"]
    rows = norm.agencies_rows()
    assert len(rows) == 1 and rows[0]["agency_id"] == "ha-long/phong-tu-phap"
    assert rows[0]["aliases"] == "Phòng Tư pháp|Phòng Tư pháp thành phố"
    assert set(rows[0]) >= {"agency_id", "agency_name", "agency_type", "level", "locality", "aliases"}


def test_gazetteer_covers_the_administrative_system():
    from normalize.agencies import Gazetteer
    g = Gazetteer.default()
    types = Counter(b.type for b in g.bodies)
    core = {"ubnd", "hdnd", "van_phong_ubnd", "tu_phap", "noi_vu", "tai_chinh", "ke_hoach_dau_tu", "giao_duc",
            "van_hoa", "thong_tin_truyen_thong", "ldtbxh", "y_te", "tnmt", "nnptnt", "cong_thuong", "xay_dung",
            "khcn", "dan_toc", "cong_an", "quan_su", "bien_phong", "toa_an", "vien_kiem_sat", "thi_hanh_an",
            "thanh_tra", "mttq", "hoi_phu_nu", "doan_thanh_nien", "hoi_nong_dan", "hoi_cuu_chien_binh",
            "lien_doan_lao_dong", "hoi_luat_gia", "doan_luat_su", "tgpl", "truyen_thong", "hoi_dong_pbgdpl"}
    assert core <= set(types)
    levels = Counter(lvl for b in g.bodies for lvl in b.levels)
    assert all(levels[lvl] >= 20 for lvl in ("central", "province", "district", "commune"))


@pytest.mark.parametrize("written, locality, level, want", [
    ("BCH Quân sự tỉnh", "Tỉnh Hà Tĩnh", "province", "ha-tinh/bo-chi-huy-quan-su-tinh"),
    ("BCHQS tỉnh", "Tỉnh Hà Tĩnh", "province", "ha-tinh/bo-chi-huy-quan-su-tinh"),
    ("BCHQS huyện", "Huyện Nam Đàn", "district", "nam-dan/ban-chi-huy-quan-su-huyen"),
    ("BCH Quân sự huyện", "Huyện Nam Đàn", "district", "nam-dan/ban-chi-huy-quan-su-huyen"),
    ("BCHQS xã", "Xã Tân Phú", "commune", "tan-phu/ban-chi-huy-quan-su-xa"),
])
def test_military_command_abbreviations_take_the_body_of_their_level(norm, written, locality, level, want):
    """BCH is Bộ Chỉ huy in a province and Ban Chỉ huy below it: the level, not the letters, decides."""
    (m,) = norm.mentions(written, "lead", locality=locality, level=level, province="Hà Tĩnh")
    assert (m.agency_id, m.agency_type, m.match_method) == (want, "quan_su", "alias")
