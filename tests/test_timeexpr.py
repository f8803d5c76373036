"""Time fields of Vietnamese plans → interval, recurrence, deadline (ANNOTATION.md, Time)."""
from __future__ import annotations

import json
import re
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalize.timeexpr import TimeValue, find_plan_period, parse_time

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "gold"

P2330 = "2023-2030"
P2226 = "2022-2026"
P26 = "2026"
P24 = "2024"
P25 = "2025-2030"


def _period(spec: str | None) -> tuple[date | None, date | None]:
    if not spec:
        return None, None
    first, _, last = spec.partition("-")
    return date(int(first), 1, 1), date(int(last or first), 12, 31)


def _d(iso: str | None) -> date | None:
    return date.fromisoformat(iso) if iso else None


# (time field, plan period, plan year, start, end, recurrence, deadline)
CASES: list[tuple[str, str | None, int | None, str | None, str | None, str, str]] = [
    # years and ranges of years
    ("Năm 2024", P2330, None, "2024-01-01", "2024-12-31", "once", ""),
    ("Năm 2024.", None, None, "2024-01-01", "2024-12-31", "once", ""),
    ("- Năm 2024;", None, None, "2024-01-01", "2024-12-31", "once", ""),
    ("(Năm 2024).", None, None, "2024-01-01", "2024-12-31", "once", ""),
    ("Năm2024", None, None, "2024-01-01", "2024-12-31", "once", ""),
    ("Năm\u00a0 2024", None, None, "2024-01-01", "2024-12-31", "once", ""),
    ("NĂM 2025", None, None, "2025-01-01", "2025-12-31", "once", ""),
    ("Trong năm 2024", P2330, None, "2024-01-01", "2024-12-31", "once", ""),
    ("Trong năm", P26, None, "2026-01-01", "2026-12-31", "once", ""),
    ("2023 – 2025", None, None, "2023-01-01", "2025-12-31", "once", ""),
    ("2023-2030", None, None, "2023-01-01", "2030-12-31", "once", ""),
    ("2023 − 2025", None, None, "2023-01-01", "2025-12-31", "once", ""),
    ("Năm 2022 ‑ 2026", None, None, "2022-01-01", "2026-12-31", "once", ""),
    ("Năm 2023 — 2026", None, None, "2023-01-01", "2026-12-31", "once", ""),
    ("Giai đoạn 2023-2030", None, None, "2023-01-01", "2030-12-31", "once", ""),
    ("Giai đoạn 2021 - 2025", P2330, None, "2021-01-01", "2025-12-31", "once", ""),
    ("Từ năm 2023 - 2026.", P2330, None, "2023-01-01", "2026-12-31", "once", ""),
    ("Từ năm 2023 – 2026", P2330, None, "2023-01-01", "2026-12-31", "once", ""),
    ("Từ năm 2023 đến năm 2026.", P2330, None, "2023-01-01", "2026-12-31", "once", ""),
    ("Từ năm 2023 đến 2030", None, None, "2023-01-01", "2030-12-31", "once", ""),
    ("Năm 2023 - 2024.", P2226, None, "2023-01-01", "2024-12-31", "once", ""),
    ("năm 2023-2024", None, None, "2023-01-01", "2024-12-31", "once", ""),
    ("Năm 2025, 2026", P2330, None, "2025-01-01", "2026-12-31", "once", ""),
    ("Cả năm", P24, None, "2024-01-01", "2024-12-31", "once", ""),
    ("Từ năm 2024", P2330, None, "2024-01-01", "2030-12-31", "once", ""),
    ("Từ năm 2024", None, None, "2024-01-01", None, "once", ""),
    ("Từ năm 2025 trở đi", P2330, None, "2025-01-01", "2030-12-31", "once", ""),
    ("Từ năm 2031 trở đi", P2330, None, "2031-01-01", None, "once", ""),
    ("2023 - 2025 và những năm tiếp theo", P2330, None, "2023-01-01", "2030-12-31", "once", ""),
    ("2023 - 2025 và những năm tiếp theo", None, None, "2023-01-01", None, "once", ""),
    ("Năm 2024 và các năm tiếp theo", P2330, None, "2024-01-01", "2030-12-31", "once", ""),
    ("Đến năm 2025", P2330, None, "2023-01-01", "2025-12-31", "once", ""),
    ("Đến hết năm 2025", None, None, "2025-01-01", "2025-12-31", "once", ""),
    # quarters, halves, months
    ("Quý IV năm 2026.", P26, None, "2026-10-01", "2026-12-31", "once", ""),
    ("QUÝ IV NĂM 2026", None, None, "2026-10-01", "2026-12-31", "once", ""),
    ("Quý I/2025", P2330, None, "2025-01-01", "2025-03-31", "once", ""),
    ("Quý I / 2025", None, None, "2025-01-01", "2025-03-31", "once", ""),
    ("Quý 2 năm 2024", None, None, "2024-04-01", "2024-06-30", "once", ""),
    ("Quý4/2024", None, None, "2024-10-01", "2024-12-31", "once", ""),
    ("Quí III năm 2025", None, None, "2025-07-01", "2025-09-30", "once", ""),
    ("Quý III và Quý IV năm 2025", None, None, "2025-07-01", "2025-12-31", "once", ""),
    ("Quý III, IV/2025", None, None, "2025-07-01", "2025-12-31", "once", ""),
    ("Quý I, II năm 2025", None, None, "2025-01-01", "2025-06-30", "once", ""),
    ("Từ Quý II đến Quý IV năm 2025", P2330, None, "2025-04-01", "2025-12-31", "once", ""),
    ("Quý IV/2025 - Quý I/2026", None, None, "2025-10-01", "2026-03-31", "once", ""),
    ("Hoàn thành trong Quý II/2024", None, None, "2024-04-01", "2024-06-30", "once", ""),
    ("Quý IV", P26, None, "2026-10-01", "2026-12-31", "once", ""),
    ("Quý IV", None, 2025, "2025-10-01", "2025-12-31", "once", ""),
    ("Quý IV", P2330, 2023, "2023-10-01", "2023-12-31", "once", ""),
    ("6 tháng đầu năm", P26, None, "2026-01-01", "2026-06-30", "once", ""),
    ("6 tháng cuối năm 2024", P2330, None, "2024-07-01", "2024-12-31", "once", ""),
    ("Sáu tháng đầu năm 2025", None, None, "2025-01-01", "2025-06-30", "once", ""),
    ("Nửa đầu năm 2025", None, None, "2025-01-01", "2025-06-30", "once", ""),
    ("Tháng 6/2024", None, None, "2024-06-01", "2024-06-30", "once", ""),
    ("tháng 6 năm 2024", None, None, "2024-06-01", "2024-06-30", "once", ""),
    ("Tháng 02/2024", None, None, "2024-02-01", "2024-02-29", "once", ""),
    ("Tháng 6 - 7/2024", None, None, "2024-06-01", "2024-07-31", "once", ""),
    ("Từ tháng 3 đến tháng 6/2024", None, None, "2024-03-01", "2024-06-30", "once", ""),
    ("Từ tháng 10/2023 đến tháng 6/2024", None, None, "2023-10-01", "2024-06-30", "once", ""),
    ("Tháng 12", P24, None, "2024-12-01", "2024-12-31", "once", ""),
    # a month and its year without the word "tháng"
    ("6/2024", None, None, "2024-06-01", "2024-06-30", "once", ""),
    ("Tháng 3/2024 - 6/2024", None, None, "2024-03-01", "2024-06-30", "once", ""),
    ("03/2024 - 06/2024", P2330, None, "2024-03-01", "2024-06-30", "once", ""),
    ("Từ 10/2023 đến 6/2025", None, None, "2023-10-01", "2025-06-30", "once", ""),
    ("Trước 6/2024", P2330, None, "2023-01-01", "2024-05-31", "once", "2024-05-31"),
    # a number that counts weeks or rounds is not the day of "2 tháng 5"
    ("Tuần thứ 2 tháng 5/2024", None, None, "2024-05-01", "2024-05-31", "once", ""),
    ("Đợt 2 tháng 9 năm 2024", P2330, None, "2024-09-01", "2024-09-30", "once", ""),
    ("ngày 2 tháng 5/2024", None, None, "2024-05-02", "2024-05-02", "once", ""),
    # days, ranges of days and deadlines
    ("Ngày 15/6/2024", None, None, "2024-06-15", "2024-06-15", "once", ""),
    ("15-6-2024", None, None, "2024-06-15", "2024-06-15", "once", ""),
    ("15.6.2024", None, None, "2024-06-15", "2024-06-15", "once", ""),
    ("Từ ngày 01/3/2024 đến ngày 30/6/2024", None, None, "2024-03-01", "2024-06-30", "once", ""),
    ("Từ ngày 01/3 đến ngày 30/6/2024", None, None, "2024-03-01", "2024-06-30", "once", ""),
    ("Từ 01/7/2025", P25, None, "2025-07-01", "2030-12-31", "once", ""),
    ("Từ ngày 01/7/2025", None, None, "2025-07-01", None, "once", ""),
    ("Trước ngày 30/11/2026", P26, None, "2026-01-01", "2026-11-30", "once", "2026-11-30"),
    ("Trước ngày 30/11/2026", None, None, "2026-01-01", "2026-11-30", "once", "2026-11-30"),
    ("Hoàn thành trước 30/6/2026", P2330, None, "2023-01-01", "2026-06-30", "once", "2026-06-30"),
    ("Hoàn thành trước ngày 30/6/2026.", None, None, "2026-01-01", "2026-06-30", "once", "2026-06-30"),
    ("Chậm nhất ngày 15 tháng 12 năm 2025", None, None, "2025-01-01", "2025-12-15", "once", "2025-12-15"),
    ("Chậm nhất là ngày 31/12/2024", P24, None, "2024-01-01", "2024-12-31", "once", "2024-12-31"),
    ("Không muộn hơn ngày 31/3/2025", P2330, None, "2023-01-01", "2025-03-31", "once", "2025-03-31"),
    ("Hạn chót: 31/3/2025", None, None, "2025-01-01", "2025-03-31", "once", "2025-03-31"),
    ("Trước ngày 30/6", P26, None, "2026-01-01", "2026-06-30", "once", "2026-06-30"),
    ("Trước tháng 6/2024", None, None, "2024-01-01", "2024-05-31", "once", "2024-05-31"),
    ("Trước Quý III/2024", P24, None, "2024-01-01", "2024-06-30", "once", "2024-06-30"),
    ("Chậm nhất tháng 6/2024", None, None, "2024-01-01", "2024-06-30", "once", "2024-06-30"),
    ("Trước năm 2025", P2330, None, "2023-01-01", "2024-12-31", "once", "2024-12-31"),
    ("Năm 2024, hoàn thành trước ngày 30/6/2024", P2330, None, "2024-01-01", "2024-06-30", "once", "2024-06-30"),
    ("Trước ngày 29/02/2024", None, None, "2024-01-01", "2024-02-29", "once", "2024-02-29"),
    # frequencies over the plan period
    ("Hằng năm", P2330, None, "2023-01-01", "2030-12-31", "annual", ""),
    ("Hàng năm", P2330, None, "2023-01-01", "2030-12-31", "annual", ""),
    ("Hằng năm", None, None, None, None, "annual", ""),
    ("Định kỳ hằng năm.", P2226, None, "2022-01-01", "2026-12-31", "annual", ""),
    ("Thường niên", P2330, None, "2023-01-01", "2030-12-31", "annual", ""),
    ("Hằng năm, từ năm 2023 - 2030.", None, None, "2023-01-01", "2030-12-31", "annual", ""),
    ("Hằng năm, từ năm 2023 đến năm 2030.", P2330, None, "2023-01-01", "2030-12-31", "annual", ""),
    ("Hằng năm, từ năm 2024", P2330, None, "2024-01-01", "2030-12-31", "annual", ""),
    ("Tháng 10 hằng năm", P2330, None, "2023-01-01", "2030-12-31", "annual", ""),
    ("Hằng năm (Quý IV)", P2330, None, "2023-01-01", "2030-12-31", "annual", ""),
    ("trước ngày 05/02 hằng năm", P2226, None, "2022-01-01", "2026-12-31", "annual", "--02-05"),
    ("Trước 20/11 hàng năm", P2330, None, "2023-01-01", "2030-12-31", "annual", "--11-20"),
    ("Định kỳ hằng năm (hoàn thành trước ngày 05/02 hằng năm)", P2226, None,
     "2022-01-01", "2026-12-31", "annual", "--02-05"),
    ("Định kỳ hằng năm (*hoàn thành trước ngày 05/02 hằng năm*);", P2226, None,
     "2022-01-01", "2026-12-31", "annual", "--02-05"),
    (("Định kỳ hằng năm hoàn thành và gửi báo cáo về UBND Thành phố (*qua phòng Tư pháp tổng hợp*) "
     "trước ngày **05/01** hằng năm."), P2226, None, "2022-01-01", "2026-12-31", "annual", "--01-05"),
    ("Định kỳ hằng năm (mốc thời gian đánh giá tính từ ngày 01/01 đến hết ngày 31/12 hằng năm)", P2226, None,
     "2022-01-01", "2026-12-31", "annual", ""),
    ("ngày 01/01 đến hết ngày 31/12 hằng năm", P2330, None, "2023-01-01", "2030-12-31", "annual", ""),
    ("Hàng quý", P2330, None, "2023-01-01", "2030-12-31", "quarterly", ""),
    ("Định kỳ hằng quý", P24, None, "2024-01-01", "2024-12-31", "quarterly", ""),
    ("Định kỳ 03 tháng/lần", P24, None, "2024-01-01", "2024-12-31", "quarterly", ""),
    ("Hằng quý, hằng năm", P2330, None, "2023-01-01", "2030-12-31", "quarterly", ""),
    ("Hằng tháng", P2330, None, "2023-01-01", "2030-12-31", "monthly", ""),
    ("Hằng tháng (trước ngày 25)", P24, None, "2024-01-01", "2024-12-31", "monthly", "---25"),
    ("Định kỳ 6 tháng", P2330, None, "2023-01-01", "2030-12-31", "annual", ""),
    ("Định kỳ 6 tháng và hằng năm", P2330, None, "2023-01-01", "2030-12-31", "annual", ""),
    ("Thường xuyên", P2330, None, "2023-01-01", "2030-12-31", "continuous", ""),
    ("thường xuyên.", P26, None, "2026-01-01", "2026-12-31", "continuous", ""),
    ("Thường xuyên, liên tục", P2330, None, "2023-01-01", "2030-12-31", "continuous", ""),
    ("Thường xuyên, hằng năm", P2330, None, "2023-01-01", "2030-12-31", "continuous", ""),
    ("Thường xuyên, từ năm 2023 đến năm 2025", P2330, None, "2023-01-01", "2025-12-31", "continuous", ""),
    ("Trong suốt thời gian thực hiện Đề án", P2330, None, "2023-01-01", "2030-12-31", "continuous", ""),
    ("Hằng tuần", P24, None, "2024-01-01", "2024-12-31", "continuous", ""),
    # times that wait on something else
    ("Khi có yêu cầu", P2330, None, "2023-01-01", "2030-12-31", "on_demand", ""),
    ("Khi có yêu cầu của cơ quan có thẩm quyền", P24, None, "2024-01-01", "2024-12-31", "on_demand", ""),
    ("Theo yêu cầu nhiệm vụ của các cơ quan, từ năm 2023 - 2030", None, None,
     "2023-01-01", "2030-12-31", "on_demand", ""),
    ("Theo yêu cầu, từ năm 2023 – 2025", P2330, None, "2023-01-01", "2025-12-31", "on_demand", ""),
    ("Theo chỉ đạo", P2330, None, "2023-01-01", "2030-12-31", "on_demand", ""),
    ("Theo chỉ đạo của UBND tỉnh", P24, None, "2024-01-01", "2024-12-31", "on_demand", ""),
    ("Theo hướng dẫn của tỉnh", P2330, None, "2023-01-01", "2030-12-31", "on_demand", ""),
    ("Theo tiến độ triển khai của Bộ Tư pháp", P2330, None, "2023-01-01", "2030-12-31", "on_demand", ""),
    ("Theo lộ trình, hướng dẫn của Bộ, ngành Trung ương", P2330, None,
     "2023-01-01", "2030-12-31", "on_demand", ""),
    ("Theo quy định", P24, None, "2024-01-01", "2024-12-31", "on_demand", ""),
    ("Đột xuất", P24, None, "2024-01-01", "2024-12-31", "on_demand", ""),
    ("Theo Kế hoạch số 12/KH-UBND ngày 10/3/2023 của UBND tỉnh", P2330, None,
     "2023-01-01", "2030-12-31", "on_demand", ""),
    ("Năm 2025 và theo hướng dẫn của tỉnh.", P2226, None, "2025-01-01", "2025-12-31", "once", ""),
    ("Năm 2024 hoặc khi có yêu cầu", P2330, None, "2024-01-01", "2024-12-31", "once", ""),
    ("Sau khi Kế hoạch được ban hành", P26, None, "2026-01-01", "2026-12-31", "once", ""),
    ("Ngay sau khi Quyết định số 15/2024/QĐ-UBND được ban hành", P24, None,
     "2024-01-01", "2024-12-31", "once", ""),
    ("Trong thời gian thực hiện Kế hoạch", P2330, None, "2023-01-01", "2030-12-31", "once", ""),
]

# Fields that must stay unread: no date is better than a wrong one.
UNREAD_CASES: list[tuple[str, str | None, int | None]] = [
    ("", None, None),
    ("   ", P2330, None),
    ("Chưa xác định", P2330, None),
    ("31/2/2025", None, None),
    ("Trước ngày 31/02/2025", P2330, None),
    ("Trước ngày 29/2/2023", None, None),
    ("Tháng 13/2024", None, None),
    ("13/2024", None, None),
    ("Theo Nghị quyết 12/2024", None, None),  # an act's number, not December
    ("Số 05/2024", None, None),
    ("quý 5 năm 2024", None, None),
    ("Quý V/2024", None, None),
    ("30/6/26", None, None),
    ("Quý IV", P2330, None),  # an eight-year plan without a plan year: which year?
    ("Quý IV", None, None),
    ("Trước ngày 30/6", P2330, None),
    ("Năm 2302", None, None),
    ("Năm 2025 - 03", None, None),
    ("Giai đoạn 2021 - 25", None, None),
    ("Năm 2026 - 2024, trước ngày 30/6/2023", None, None),
    ("Hằng quý (trước ngày 15 của tháng cuối quý)", P24, None),
]


@pytest.mark.parametrize(("raw", "period", "year", "start", "end", "recurrence", "deadline"), CASES)
def test_expression_table(raw: str, period: str | None, year: int | None, start: str | None,
                          end: str | None, recurrence: str, deadline: str) -> None:
    value = parse_time(raw, *_period(period), year=year)
    assert value.parsed
    assert (value.start, value.end, value.recurrence, value.deadline) == (_d(start), _d(end), recurrence, deadline)


def test_table_is_large() -> None:
    assert len(CASES) >= 80


@pytest.mark.parametrize(("raw", "period", "year"), UNREAD_CASES)
def test_unreadable_fields_stay_empty(raw: str, period: str | None, year: int | None) -> None:
    assert parse_time(raw, *_period(period), year=year) == TimeValue(None, None, "", "", False)


@pytest.mark.parametrize(("raw", "granularity"), [
    ("Ngày 15/6/2024", "day"), ("Tháng 6/2024", "month"), ("Quý I/2025", "quarter"),
    ("6 tháng đầu năm 2024", "half"), ("Năm 2024", "year"), ("Thường xuyên", "period"),
    ("Định kỳ 6 tháng", "half"), ("Tháng 10 hằng năm", "month"),
])
def test_granularity(raw: str, granularity: str) -> None:
    assert parse_time(raw, *_period(P2330)).granularity == granularity


# --- properties -------------------------------------------------------------------------

_PIECES = st.sampled_from([
    "Năm 2024", "năm 2030", "2023 - 2026", "Quý IV", "quý II/2025", "Quý III và Quý IV năm 2025",
    "6 tháng đầu năm", "6 tháng cuối năm 2024", "Tháng 6/2024", "tháng 10", "Trước ngày 30/11/2026",
    "trước ngày 05/02", "ngày 01/01 đến hết ngày 31/12", "Từ năm 2024", "Từ ngày 01/7/2025",
    "Đến năm 2027", "Hằng năm", "hàng quý", "Hằng tháng", "Thường xuyên", "Khi có yêu cầu",
    "Theo hướng dẫn của tỉnh", "Sau khi ban hành", "và những năm tiếp theo", "trở đi", "đến",
    "Chậm nhất", "trước", ",", "và", "(", ")", "-", "–", "giai đoạn", "Đến hết ngày 31/12/2025",
])


@st.composite
def _periods(draw: st.DrawFn) -> tuple[date | None, date | None]:
    if draw(st.booleans()):
        return None, None
    first = draw(st.integers(2018, 2030))
    last = draw(st.integers(first, 2032))
    return date(first, 1, 1), date(last, 12, 31)


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=6).map(" ".join), _periods(),
       st.one_of(st.none(), st.integers(2018, 2032)))
def test_start_never_after_end(raw: str, period: tuple[date | None, date | None], year: int | None) -> None:
    value = parse_time(raw, *period, year=year)
    if value.start and value.end:
        assert value.start <= value.end
    if not value.parsed:
        assert (value.start, value.end, value.recurrence, value.deadline) == (None, None, "", "")


@st.composite
def _written_dates(draw: st.DrawFn) -> tuple[str, date]:
    day = draw(st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31)))
    pad_day, pad_month = draw(st.booleans()), draw(st.booleans())
    d = f"{day.day:02d}" if pad_day else str(day.day)
    m = f"{day.month:02d}" if pad_month else str(day.month)
    form = draw(st.sampled_from([
        f"ngày {d} tháng {m} năm {day.year}", f"{d}/{m}/{day.year}", f"ngày {d}/{m}/{day.year}",
    ]))
    lead = draw(st.sampled_from(["Trước", "trước", "Hoàn thành trước", "Trước "]))
    return f"{lead} {form}", day


@settings(max_examples=400, deadline=None)
@given(_written_dates())
def test_every_valid_date_round_trips_as_deadline(written: tuple[str, date]) -> None:
    raw, day = written
    value = parse_time(raw)
    assert value == TimeValue(date(day.year, 1, 1), day, "once", day.isoformat(), True, "day")
    inside = parse_time(raw, date(day.year - 1, 1, 1), date(day.year + 1, 12, 31))
    assert (inside.start, inside.end, inside.deadline) == (date(day.year - 1, 1, 1), day, day.isoformat())


def _years_in(raw: str) -> set[int]:
    return {int(y) for y in re.findall(r"\d{4}", unicodedata.normalize("NFC", raw))}


_JUNK = st.one_of(
    st.text(max_size=60),
    st.lists(st.one_of(_PIECES, st.text(alphabet="0123456789/.-– ", max_size=12),
                       st.sampled_from(["ngày", "tháng", "quý", "năm", "Quý IX", "31/2", "2023", "99",
                                        "2021 - 25", "2025 - 03", "trở đi", "hằng năm"])),
             max_size=8).map(" ".join),
)


@settings(max_examples=600, deadline=None)
@given(_JUNK)
def test_junk_never_raises_nor_invents_years(raw: str) -> None:
    value = parse_time(raw)
    years = _years_in(raw)
    allowed = years | ({y - 1 for y in years} if "trước" in raw.lower() else set())
    produced = [d.year for d in (value.start, value.end) if d]
    produced += [int(value.deadline[:4])] if value.deadline[:1].isdigit() else []
    assert set(produced) <= allowed
    if not value.parsed:
        assert (value.start, value.end, value.recurrence) == (None, None, "")


# --- the gold and the sample plans ------------------------------------------------------

def _gold_cases() -> list[tuple[str, str, dict[str, object], dict[str, object]]]:
    docs = {d["doc"]: d for d in map(json.loads, (GOLD / "docs.jsonl").read_text("utf-8").splitlines()) if d}
    cases = []
    for path in sorted((GOLD / "tasks").glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            task = json.loads(line)
            if task.get("time_raw"):
                cases.append((task["doc"], task["task_id"], task, docs[task["doc"]]))
    return cases


def test_gold_time_fields_exactly() -> None:
    cases = _gold_cases()
    assert cases
    failures = []
    for doc_id, task_id, task, doc in cases:
        value = parse_time(str(task["time_raw"]), _d(doc["period_start"]), _d(doc["period_end"]))  # type: ignore[arg-type]
        got = (value.start and value.start.isoformat(), value.end and value.end.isoformat(), value.recurrence)
        want = (task["time_start"], task["time_end"], task["recurrence"])
        if got != want:
            failures.append(f"{doc_id} {task_id} {task['time_raw']!r}: got {got}, want {want}")
    print(f"gold time fields: {len(cases) - len(failures)}/{len(cases)} exact")
    print("\n".join(failures))
    assert not failures


def test_gold_periods_found_in_the_sample_plans() -> None:
    docs = [json.loads(line) for line in (GOLD / "docs.jsonl").read_text("utf-8").splitlines() if line]
    for doc in docs:
        text = (ROOT / "data" / "raw" / f"{doc['doc']}.txt").read_text("utf-8")
        assert find_plan_period(text) == (_d(doc["period_start"]), _d(doc["period_end"])), doc["doc"]


def _sample_time_fields() -> list[tuple[str, str]]:
    fields = []
    for path in sorted((ROOT / "data" / "raw").glob("*.txt")):
        lines = path.read_text("utf-8").splitlines()
        for i, line in enumerate(lines):
            m = re.search(r"thời gian thực hiện\**\s*:\**\s*(.*)", line, re.IGNORECASE)
            if not m:
                continue
            value, j = m.group(1).strip(), i + 1
            while not re.search(r"[.;]\s*$", value) and j < len(lines):  # wrapped PDF lines
                value = f"{value} {lines[j].strip()}".strip()
                j += 1
            fields.append((path.stem, value))
    return fields


def test_every_time_field_of_the_sample_plans_is_read() -> None:
    fields = _sample_time_fields()
    assert len(fields) >= 60
    periods = {}
    for doc_id, raw in fields:
        if doc_id not in periods:
            periods[doc_id] = find_plan_period((ROOT / "data" / "raw" / f"{doc_id}.txt").read_text("utf-8"))
        value = parse_time(raw, *periods[doc_id])
        assert value.parsed and value.start and value.end and value.recurrence, (doc_id, raw)


@pytest.mark.parametrize(("sentence", "start", "end"), [
    ("Đề án được triển khai thực hiện từ năm 2023 đến năm 2030.", "2023-01-01", "2030-12-31"),
    ("2. Thời gian thực hiện: Từ năm 2023 đến năm 2030.", "2023-01-01", "2030-12-31"),
    ("Thời gian thực hiện: Từ năm 2023 đến năm 2030", "2023-01-01", "2030-12-31"),
    ("Đề án được triển khai thực hiện trong giai đoạn 2022 - 2026:", "2022-01-01", "2026-12-31"),
    (("Thực hiện Đề án “Tăng cường năng lực tiếp cận pháp luật của người dân” trên địa bàn "
     "Phường An Biên năm 2026"), "2026-01-01", "2026-12-31"),
    # the programme's period comes with its name; the plan's own after the place it is for
    (("Thực hiện Chương trình phổ biến, giáo dục pháp luật giai đoạn 2022 - 2027 trên địa bàn "
      "huyện Châu Thành năm 2024"), "2024-01-01", "2024-12-31"),
    (("Kế hoạch Thực hiện Đề án “Tăng cường năng lực tiếp cận pháp luật của người dân” năm 2024 "
     "trên địa bàn tỉnh Bình Phước"), "2024-01-01", "2024-12-31"),
    ("triển khai Đề án trên địa bàn tỉnh giai đoạn 2023-2030", "2023-01-01", "2030-12-31"),
    ("Kế hoạch thực hiện giai đoạn 2023 - 2025 và những năm tiếp theo", "2023-01-01", None),
    ("1. Thời gian thực hiện Đề án\n\nĐề án được triển khai thực hiện từ năm 2023 đến năm 2030.",
     "2023-01-01", "2030-12-31"),
])
def test_find_plan_period_sentences(sentence: str, start: str, end: str | None) -> None:
    assert find_plan_period(sentence) == (_d(start), _d(end))


def test_find_plan_period_skips_cited_acts_and_dates() -> None:
    text = ("Bình Phước, ngày 08 tháng 4 năm 2024\n\nKẾ HOẠCH\n\nThực hiện Kế hoạch số 227/KH-UBND "
            "ngày 29/9/2022 của UBND tỉnh giai đoạn 2023-2030;\nUBND tỉnh ban hành Kế hoạch thực hiện "
            "Đề án năm 2025 như sau:\n- Thời gian thực hiện: Quý IV năm 2025.")
    assert find_plan_period(text) == (date(2025, 1, 1), date(2025, 12, 31))
    assert find_plan_period("Thời gian thực hiện: Thường xuyên.") == (None, None)
    assert find_plan_period("") == (None, None)


_PERIOD_ALPHABET = "thờigianđoạnừếămTHỜIGIANĐOẠNỪẾĂMİı 0123456789.,\n"


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["thời gian", "GIAI ĐOẠN", "Từ năm", "đến NĂM", "năm 2025", "anăm 2025",
                                 "năm", " ", "THİ", "gİai", "gıan"]) | st.text(_PERIOD_ALPHABET, max_size=12),
                max_size=8).map("".join))
def test_period_sentence_test_equals_its_regex(text: str) -> None:
    from extract.reader import _PERIOD_WORDS, _names_a_period
    assert _names_a_period(text) == bool(_PERIOD_WORDS.search(text)), text


def test_period_sentence_test_equals_its_regex_on_the_sample_lines() -> None:
    from extract.reader import _PERIOD_WORDS, _names_a_period
    lines = [ln for path in sorted((ROOT / "data" / "raw").glob("*.txt"))
             for ln in path.read_text("utf-8").splitlines()]
    hits = 0
    for ln in lines + [ln.upper() for ln in lines]:
        want = bool(_PERIOD_WORDS.search(ln))
        hits += want
        assert _names_a_period(ln) == want, ln
    assert hits > 50
