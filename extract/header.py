"""The header of a plan: what it is, who issued it, where, when, and for what.

Decree 30/2020/NĐ-CP fixes the header block (issuer beside the national
motto, ``Số: …/KH-UBND``, ``<Place>, ngày … tháng … năm …``), but copies
saved from PDFs and portals often lose it. Every field therefore has a
fallback in the preamble (``UBND tỉnh X ban hành Kế hoạch …``), the title
(``… trên địa bàn phường Y năm 2026``) or the closing formula.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from datetime import date

from . import provinces as prov
from .markers import parse_marker
from .model import Header, Paragraph
from .units import province_from_units_in_text, province_of_unit

DOC_TYPES = {
    "kế hoạch": "Kế hoạch", "quyết định": "Quyết định", "chỉ thị": "Chỉ thị",
    "công văn": "Công văn", "báo cáo": "Báo cáo", "nghị quyết": "Nghị quyết",
    "thông báo": "Thông báo", "chương trình": "Chương trình", "hướng dẫn": "Hướng dẫn",
    "đề án": "Đề án", "kế hoạch liên tịch": "Kế hoạch liên tịch",
}
_SYMBOL_TYPES = {"KH": "Kế hoạch", "QĐ": "Quyết định", "CT": "Chỉ thị", "BC": "Báo cáo",
                 "NQ": "Nghị quyết", "TB": "Thông báo", "CTr": "Chương trình", "HD": "Hướng dẫn"}

_NUMBER = re.compile(r"^\s*Số\s*[:.]?\s*(?P<num>\d+[a-zđ]?\s*/\s*(?:\d{4}\s*/\s*)?[A-ZĐa-zđ][\wĐđ&.\-–]*)", re.UNICODE)
_NUMBER_BLANK = re.compile(r"^\s*Số\s*[:.]?\s*[ _.…]*\s*/\s*(?P<sfx>[A-ZĐ][\wĐđ&\-–]*)")


def _day(p: str = "") -> str:
    """``ngày 15 tháng 3 năm 2024``, and as unofficial copies write it: ``ngày 15
    tháng 3, năm 2024``, ``ngày 15/3/2024``, ``15-3-2024``, ``15.3.2024`` (groups
    named with the prefix ``p``, so that one regex can hold it twice)."""
    return (rf"ngày\s+(?P<{p}d>\d{{1,2}})\s*(?:tháng\s+(?P<{p}m>\d{{1,2}})\s*,?\s*năm\s+"
            rf"|(?P<{p}sep>[/.-])\s*(?P<{p}m2>\d{{1,2}})\s*(?P={p}sep)\s*)(?P<{p}y>\d{{4}})")


# "<Place>, ngày …"; without the comma only a line that is nothing else ("Đức Hòa ngày …"),
# so that "Căn cứ Luật Hòa giải ở cơ sở ngày 20 tháng 6 năm 2013" is no date of issue
_PLACE_DATE = re.compile(rf"^\s*(?:(?P<place>[^\d,]{{2,40}}?|(?:quận|phường)\s+\d{{1,2}})\s*,\s*{_day()}"
                         rf"|(?!(?:Căn cứ|Thực hiện|Theo)\b)(?P<b_place>[^\d,;:]{{2,30}}?)\s+{_day('b_')}\s*\.?\s*$)",
                         re.IGNORECASE)

LEVEL_WORDS = {
    "tỉnh": "province", "thành phố": "", "tp": "", "huyện": "district", "quận": "district",
    "thị xã": "district", "xã": "commune", "phường": "commune", "thị trấn": "commune",
    "đặc khu": "commune",
}
_LEVEL_RX = r"(?P<lw>(?i:tỉnh|thành phố|TP\.?|huyện|quận|thị xã|thị trấn|xã|phường|đặc khu))"
_NAME_RX = r"(?P<name>(?:[A-ZĐÀ-Ỹ][\wà-ỹđ]*|\d{1,2})(?:[ \-–](?:[A-ZĐÀ-Ỹ][\wà-ỹđ]*|\d{1,2}))*)"
_UBND_RX = r"(?i:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)"
_ISSUER_ACT = re.compile(
    _UBND_RX + r"\s+" + _LEVEL_RX + r"(?:\s+" + _NAME_RX + r")?\s+(?:xây dựng|ban hành|triển khai|thực hiện)")
_OWN_PLAN = re.compile(r"(?i:Trên đây là|Đây là)\s+(?i:Kế hoạch)\s+(?:của\s+)?" + _UBND_RX + r"\s+" + _LEVEL_RX + r"\s+" + _NAME_RX)
_ON_TERRITORY = re.compile(r"(?:trên\s+)?địa\s+bàn\s+" + _LEVEL_RX + r"\s+" + _NAME_RX)
_BLOCK_UBND = re.compile(r"^\s*" + _UBND_RX + r"\s*$")
_BLOCK_PLACE = re.compile(r"^\s*" + _LEVEL_RX + r"\s+(?P<name>[^\d,;:]{2,40}|\d{1,2})$")  # "QUẬN 1"
# the issuer block on one line, or the lower of two (``UBND HUYỆN THANH OAI`` / ``UBND XÃ BÍCH HÒA``)
_LINE_UBND = re.compile(r"^\s*" + _UBND_RX + r"\s+" + _LEVEL_RX + r"\s+(?P<name>[^,;:()]{2,40})$")
# a body other than a people's committee, printed in capitals: ``SỞ TƯ PHÁP``, ``BỘ TƯ PHÁP``
_LINE_BODY = re.compile(r"^\s*(?P<body>(?:SỞ|BỘ|BAN|PHÒNG|VĂN PHÒNG|HỘI ĐỒNG|CÔNG AN|TRUNG TÂM|CỤC|CHI CỤC|"
                        r"ĐOÀN|HỘI|ỦY BAN MẶT TRẬN|UỶ BAN MẶT TRẬN)\s+[^,;:]{2,80})$")
_MOTTO = re.compile(r"cộng hòa xã hội|cộng hoà xã hội|độc lập\s*[-–]\s*tự do", re.IGNORECASE)
_SIGN_BLOCK = re.compile(r"^(?:TM\.|T\.M\.|KT\.|K\.T\.|TL\.|TUQ\.|Q\.|CHỦ TỊCH|PHÓ CHỦ TỊCH|GIÁM ĐỐC|PHÓ GIÁM ĐỐC|TRƯỞNG BAN|ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN)",
                         re.IGNORECASE)
_PERSON = re.compile(r"^(?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]+|[A-ZĐÀ-Ỹ]{2,})(?:\s+(?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]+|[A-ZĐÀ-Ỹ]{2,})){1,4}$")
_ACT = re.compile(
    r"(?P<kind>Quyết định|Nghị quyết|Chỉ thị|Kết luận|Kế hoạch|Luật|Nghị định|Thông tư|Đề án|Chương trình|Công văn|Hướng dẫn)?"
    r"\s*(?:số\s*)?(?<!\d)(?P<sym>\d+[a-zđ]?(?:/\d{4})?/[A-ZĐ][A-ZĐa-zđ0-9&]*(?:[-–][A-ZĐa-zđ0-9&]+)*(?:/[A-ZĐ]{1,4}\d*)?"
    r"|\d+[-–][A-ZĐ]{2,3}/TW)")
_NATIONAL_SUFFIX = re.compile(r"(?:[-–/](?:TTg|CP|QH\d*|TW|CTN|UBTVQH\d*|BCT|BCĐTW)|/TW)$")


MAX_PRELUDE = 300
MAX_PRELUDE_CHARS = 20_000
"""A plan's header and preamble fill a page or two (under 1,000 characters in
the sample): a longer prelude is a text with no outline, of which only the
start can be a header."""


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def _title_case_level(lw: str) -> str:
    lw = lw.lower().rstrip(".")
    return "thành phố" if lw == "tp" else lw


def level_of(level_word: str, name: str) -> str:
    lw = _title_case_level(level_word)
    if lw == "thành phố":
        return "province" if prov.is_province_name(name, lw) else "district"
    return LEVEL_WORDS.get(lw, "")


def _clean_name(name: str) -> str:
    name = re.sub(r"\s+", " ", name).strip(" .,;:")
    # a name ends before a following sentence or year word
    name = re.split(r"\s+(?:năm|giai|về|theo|tại|trong|của|xây|ban|triển|thực|như|cụ|với)\b", name)[0]
    return name.strip()


def _iso(d: int, m: int, y: int) -> str:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return ""


def _doc_type(paras: list[Paragraph]) -> tuple[str, int]:
    for i, p in enumerate(paras[:40]):
        key = p.text.strip().strip("*#").strip().casefold()
        if key in DOC_TYPES:
            return DOC_TYPES[key], i
    return "", -1


def read_header(prelude: list[Paragraph], body: list[Paragraph], tail: list[Paragraph]) -> Header:
    """Read every header field from the paragraphs before the outline
    (``prelude``), the outline itself (``body``) and the closing part (``tail``).

    Only the first :data:`MAX_PRELUDE` paragraphs and :data:`MAX_PRELUDE_CHARS`
    characters of the prelude (and paragraphs of the tail, for the issuer) are read."""
    prelude = _bounded(prelude)
    h = Header()
    h.doc_type, t_idx = _doc_type(prelude)
    head_block = prelude[: t_idx if t_idx >= 0 else min(len(prelude), 8)]
    after_type = prelude[t_idx + 1:] if t_idx >= 0 else prelude
    title_parts: list[str] = []
    for p in after_type:
        t = p.text
        if title_parts and (t.startswith(("Thực hiện", "Căn cứ")) or len(t) > 250
                            or _ISSUER_ACT.search(t) or title_parts[-1].endswith(":")):
            break
        if _NUMBER.match(t) or _PLACE_DATE.match(t):
            continue
        title_parts.append(t)
        if len(title_parts) >= 3 or t.endswith(":"):
            break
    h.title = " ".join(title_parts).strip()

    for p in head_block + prelude[:12]:
        m = _NUMBER.match(p.text)
        if m:
            h.number = re.sub(r"\s+", "", m["num"]).replace("–", "-").rstrip(".")
            break
    if not h.doc_type and h.number:
        sfx = h.number.split("/")[-1].split("-")[0]
        h.doc_type = _SYMBOL_TYPES.get(sfx, "")

    place = ""
    for p in prelude[:15]:
        text = _after_number(p.text)  # a PDF line may hold both columns: "Số: 12/KH-UBND Củ Chi, ngày …"
        m = _PLACE_DATE.match(text)
        if m:
            g = {k.removeprefix("b_"): v for k, v in m.groupdict().items() if v is not None}
            h.issued_date = _iso(int(g["d"]), int(g.get("m") or g["m2"]), int(g["y"]))
            place = g["place"].strip()
            break

    _read_issuer(h, head_block, prelude, body[-6:] + tail[:MAX_PRELUDE], place)
    on_date = date.fromisoformat(h.issued_date) if h.issued_date else None
    _read_province(h, prelude, on_date)
    h.implements, h.based_on = _acts(h.title, prelude)
    if h.number in h.based_on:
        h.based_on.remove(h.number)
    h.signer = _signer(tail or body[-10:])
    return h


def _after_number(text: str) -> str:
    """What follows the ``Số: …`` at the start of ``text`` (all of it when none)."""
    m = _NUMBER.match(text)
    return text[m.end():] if m else text


def _bounded(prelude: list[Paragraph]) -> list[Paragraph]:
    out: list[Paragraph] = []
    left = MAX_PRELUDE_CHARS
    for p in prelude[:MAX_PRELUDE]:
        if left <= 0:
            break
        out.append(p if len(p.text) <= left else replace(p, text=p.text[:left]))
        left -= len(p.text)
    return out


def _read_issuer(h: Header, head_block: list[Paragraph], prelude: list[Paragraph],
                 tail: list[Paragraph], place: str) -> None:
    lw = name = ""
    # 1. the issuer block of the standard header
    for i, p in enumerate(head_block):
        if _BLOCK_UBND.match(p.text) and i + 1 < len(head_block):
            m = _BLOCK_PLACE.match(head_block[i + 1].text)
            if m:
                lw, name = m["lw"], m["name"].strip().title()
                break
    if not name:
        lines = _block_lines(head_block)
        committee = _lowest_committee(lines)
        if _other_body(h, lines, committee):
            return
        if committee is not None:
            _, lw, name = committee
    pre = [p.text for p in prelude]
    # 2. the preamble sentence that issues the plan, 3. the closing formula
    if not name:
        hits = [m for t in pre for m in _ISSUER_ACT.finditer(t)]
        hits += [m for p in tail for m in _OWN_PLAN.finditer(p.text)]
        for m in hits:
            lw = m["lw"]
            name = _clean_name(m["name"] or "")
            if name:
                break
    # the level word alone: the name comes from "trên địa bàn <level> <Name>"
    if lw and not name or not lw:
        for m in (m for t in [h.title] + pre for m in _ON_TERRITORY.finditer(t)):
            if not lw or _title_case_level(m["lw"]) == _title_case_level(lw):
                lw, name = m["lw"], _clean_name(m["name"])
                if name:
                    break
    if not name and place:
        name = place
    if not lw or not name:
        return
    lw = _title_case_level(lw)
    h.issuer = f"UBND {lw} {name}"
    _set_locality(h, lw, name)


def _set_locality(h: Header, lw: str, name: str) -> None:
    lw = _title_case_level(lw)
    h.locality = f"{lw[0].upper()}{lw[1:]} {name}"
    h.level = level_of(lw, name)


def _block_lines(head_block: list[Paragraph]) -> list[str]:
    """The issuer block's lines: the header without the motto, number and date."""
    lines = [re.sub(r"\s+", " ", p.text).strip() for p in head_block if not _MOTTO.search(p.text)]
    return [t for t in lines if t and not _NUMBER.match(t) and not _PLACE_DATE.match(t)]


def _lowest_committee(lines: list[str]) -> tuple[int, str, str] | None:
    """The people's committee on a line of its own, the lowest when two are
    (``UBND HUYỆN THANH OAI`` / ``UBND XÃ BÍCH HÒA``): (line index, level word, name)."""
    found = [(i, m) for i, t in enumerate(lines) if (m := _LINE_UBND.match(t))]
    if not found:
        return None
    i, m = found[-1]
    return i, m["lw"], m["name"].strip().title()


def _other_body(h: Header, lines: list[str], committee: tuple[int, str, str] | None) -> bool:
    """A body other than a people's committee issues the plan (``UBND TỈNH QUẢNG
    NAM`` / ``SỞ TƯ PHÁP``, ``BỘ TƯ PHÁP``): set it on ``h`` as printed, with the
    locality of the committee above it (central for a ministry)."""
    bodies = [(i, m) for i, t in enumerate(lines) if t == t.upper() and (m := _LINE_BODY.match(t))]
    if not bodies or committee is not None and bodies[-1][0] <= committee[0]:
        return False
    h.issuer = nfc(bodies[-1][1]["body"])
    if committee is not None:
        _set_locality(h, committee[1], committee[2])
    elif h.issuer.startswith("BỘ "):
        h.level = "central"
    return True


def _read_province(h: Header, prelude: list[Paragraph], on_date: date | None) -> None:
    if h.level == "central":  # a ministry's plan is for the whole country
        return
    if h.level == "province":
        p = prov.find_province(h.locality, on_date)
        if p is not None:
            h.province = p.name
            return
    text = " ".join([h.title] + [p.text for p in prelude])
    hit = next(prov.iter_provinces_in_text(text, on_date), None)  # the first is the plan's
    if hit:
        p = hit[0]
        if on_date is not None:
            p = prov.successor(p, on_date)
        h.province = p.name
    elif h.level in ("district", "commune"):  # the text names none: the map of units may
        p = province_of_unit(h.locality, on_date)
        if p is None and h.level == "commune":
            p = province_from_units_in_text(h.locality, text, on_date)
        if p is not None:
            h.province = p.name


def _acts(title: str, prelude: list[Paragraph]) -> tuple[list[str], list[str]]:
    """National acts the plan carries out vs local acts it goes through, by
    the issuer part of each symbol (``-TTg``, ``-CP``, ``/QH``, ``/TW`` are
    national). Sentences that only cite legal grounds (``Căn cứ …``) count
    for neither; programmes named without a symbol are added in normalize."""
    texts = [title] + [p.text for p in prelude if not p.text.lstrip().startswith("Căn cứ")
                       and not parse_marker(p.text)]
    implements: list[str] = _approved_programme(title, prelude)
    based_on: list[str] = []
    for t in texts:
        for sentence in re.split(r"(?<=[;.])\s+", t):
            if sentence.lstrip().startswith("Căn cứ"):
                continue
            for m in _ACT.finditer(sentence):
                sym = m["sym"].replace("–", "-")
                target = implements if _NATIONAL_SUFFIX.search(sym) else based_on
                if sym not in implements and sym not in based_on:
                    target.append(sym)
    return implements, based_on


_APPROVES = re.compile(r"(?:phê duyệt|ban hành)\s+(?P<obj>(?:Đề án|Chương trình|Chiến lược|Kế hoạch)\b[^;]*)")
_KEY_PUNCT = re.compile(r"[\W_]+")


def name_key(text: str) -> str:
    """A name compared without case, punctuation or spacing (``Đề án “Tăng cường …”``)."""
    return " ".join(_KEY_PUNCT.sub(" ", nfc(text).casefold()).split())


def _approved_programme(title: str, prelude: list[Paragraph]) -> list[str]:
    """A national act cited as a ground (``Căn cứ Quyết định số 1521/QĐ-TTg … phê
    duyệt Chương trình phổ biến, giáo dục pháp luật giai đoạn 2022 - 2027``) whose
    programme the title says the plan carries out: that act is what it implements."""
    title_key = f" {name_key(title)} "
    out: list[str] = []
    for p in prelude:
        if not p.text.lstrip().startswith("Căn cứ"):
            continue
        for sentence in re.split(r"(?<=;)\s+", p.text):
            m = _ACT.search(sentence)
            obj = _APPROVES.search(sentence, m.end()) if m else None
            if m is None or obj is None or not _NATIONAL_SUFFIX.search(m["sym"].replace("–", "-")):
                continue
            name = name_key(obj["obj"])
            if len(name.split()) >= 4 and f" {name} " in title_key:
                sym = m["sym"].replace("–", "-")
                if sym not in out:
                    out.append(sym)
    return out


def _signer(tail: list[Paragraph]) -> str:
    """The signer's name: the line right under the signer's title (``CHỦ TỊCH``),
    under "(Đã ký)" or under the "Lưu: VT." that ends the recipients, among the
    last lines, since text saved from a portal may go on after the signature (a
    footer, links, notes); else the last line when it is a name."""
    lines = [s for s in (p.text.strip().strip("*").strip() for p in tail) if s]
    for i in range(len(lines) - 1, max(0, len(lines) - _SIGNER_REACH) - 1, -1):
        if i and (_SIGN_BLOCK.match(lines[i - 1]) or _SIGNED.match(lines[i - 1]) or _FILED.match(lines[i - 1])):
            if name := _person(_SIGNED_AFTER.sub("", lines[i])):
                return name
    end = len(lines)
    while end and _SIGN_BLOCK.match(lines[end - 1]):
        end -= 1
    return _person(lines[end - 1]) if end else ""


_SIGNER_REACH = 8  # lines from the end in which a name under a title is looked for
_SIGNED = re.compile(r"^[(\[]?\s*(?:đã ký(?: và đóng dấu)?|ký)\s*[)\]]?$", re.IGNORECASE)
# "- Lưu: VT." closes the list of recipients, beside which the signature stands:
# a two-column layout read as text puts the name right after it
_FILED = re.compile(r"^[-–+•]?\s*Lưu\s*:", re.IGNORECASE)
_SIGNED_AFTER = re.compile(r"\s*[(\[]\s*đã ký(?: và đóng dấu)?\s*[)\]]\s*$", re.IGNORECASE)


def _person(line: str) -> str:
    """``line`` as a person's name (capitals written as a title), or ''."""
    if not _PERSON.match(line) or _SIGN_BLOCK.match(line):
        return ""
    if not line.isupper():
        return line
    return line.title() if len(line.split()) <= 5 else ""
