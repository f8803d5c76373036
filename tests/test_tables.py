"""Plans whose tasks are laid out as tables give the same rows as in prose.

Each seed's task section is rewritten as a table in the layouts provinces use
(group rows merged across the table, vertically merged cells, header rows
repeated per page, a ``Nhóm nhiệm vụ`` column, columns in another order, no
STT column, a two-row header) in DOCX, a ruled PDF, HTML and markdown; the
tasks.csv and mentions.csv rows must equal those of the prose plan, and the
evaluation against the gold must give the same figures.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from formats import (
    TableSpec,
    html_table,
    markdown_table,
    tab_table,
    write_docx_blocks,
    write_pdf_blocks,
    write_text,
)

from emit import batch
from emit.evaluate import evaluate
from extract import ingest
from extract.model import Task
from extract.reader import read_plan
from extract.tables import column_role, html_tables, markdown_tables

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
GOLD = Path(__file__).parent / "gold"
SECTIONS = {
    "000_6eb7e64af74a1c4e": (r"^III\. NHIỆM VỤ", r"^IV\. "),
    "001_591f09c69c18c1bb": (r"^II\. NỘI DUNG", r"^III\. "),
    "003_9e1b9e4423e97b84": (r"^II\. NỘI DUNG", r"^III\. "),
}
SEEDS = list(SECTIONS)
COMPARED = ["task_seq", "task_id", "section_path", "text", "activities", "lead_raw", "support_raw",
            "time_raw", "time_start", "time_end", "recurrence", "time_source", "deadline",
            "products", "lead_agencies", "support_agencies", "lead_types", "ref_decision",
            "ref_task", "ref_score", "adaptation"]
MENTION_COLS = ["task_id", "role", "mention", "agency_id", "agency_name", "agency_locality",
                "agency_type", "level", "match_method", "match_score"]


# --- the seeds' task lists as tables -------------------------------------------------


class Plan:
    """A seed split around its task section, with the prose reader's tasks."""

    def __init__(self, seed: str):
        text = (RAW / f"{seed}.txt").read_text(encoding="utf-8")
        lines = text.split("\n")
        start_rx, end_rx = (re.compile(p) for p in SECTIONS[seed])
        start = next(i for i, ln in enumerate(lines) if start_rx.match(ln.strip()))
        end = next(i for i in range(start + 1, len(lines)) if end_rx.match(lines[i].strip()))
        self.before = "\n".join(lines[: start + 1])
        self.after = "\n".join(lines[end:])
        self.tasks: list[Task] = read_plan(RAW / f"{seed}.txt").tasks
        assert self.tasks


def _parts(task: Task) -> tuple[list[str], list[str]]:
    """(headings inside the table, id parts inside the table) of a task."""
    return task.section_path.split(" > ")[1:], task.task_id.split(".")[1:]


def _from_bullet(ids: list[str]) -> bool:
    """A number the prose reader gave a dash item (``đ.1``, ``3.1``)."""
    return len(ids) > 1 and ids[-1].isdigit() and any(p.isdigit() for p in ids[:-1])


def _stt(ids: list[str]) -> str:
    return f"{ids[-2]}.{ids[-1]}" if _from_bullet(ids) else ids[-1]


def _marked(ids: list[str], text: str) -> str:
    """The task text with the mark a no-STT table writes in front of it."""
    if _from_bullet(ids):
        return f"- {text}"
    code = ids[-1]
    return f"{code}) {text}" if code.isalpha() and code.islower() else f"{code}. {text}"


def _content(task: Task, text: str | None = None) -> str:
    return "\n".join([text or task.text] + [f"- {a}" for a in task.activities])


def _split_heading(heading: str) -> tuple[str, str]:
    label, _, title = heading.partition(". ")
    return label, title


def _walk(tasks: list[Task]):
    """(headings to open, task) in order: a heading is opened when it changes."""
    open_: list[str] = []
    for task in tasks:
        path, _ids = _parts(task)
        depth = 0
        while depth < min(len(path), len(open_)) and path[depth] == open_[depth]:
            depth += 1
        yield [(level, path[level]) for level in range(depth, len(path))], task
        open_ = path


SPANNING_HEADER = ["STT", "Nội dung công việc", "Cơ quan chủ trì", "Cơ quan phối hợp",
                   "Thời gian hoàn thành", "Sản phẩm", "Ghi chú"]


def spanning_layout(tasks: list[Task], merge_support: bool = True,
                    repeat_header_every: int = 0) -> TableSpec:
    """STT first, group rows merged across all columns, equal support cells of
    consecutive rows merged vertically, the header row repeated now and then
    as an ordinary row (a DOCX made from a PDF)."""
    rows: list[list[str | None]] = [list(SPANNING_HEADER)]
    merges = []
    since_header = 0
    run: list[int] = []

    def close_run() -> None:
        if merge_support and len(run) > 1:
            merges.append(((run[0], 3), (run[-1], 3)))
            for r in run[1:]:
                rows[r][3] = None
        run.clear()

    for headings, task in _walk(tasks):
        if headings:
            close_run()
            if repeat_header_every and since_header >= repeat_header_every:
                rows.append(list(SPANNING_HEADER))
                since_header = 0
            for _level, heading in headings:
                rows.append([heading] + [None] * 6)
                merges.append(((len(rows) - 1, 0), (len(rows) - 1, 6)))
        _path, ids = _parts(task)
        if run and rows[run[0]][3] != task.support_raw:
            close_run()
        rows.append([_stt(ids), _content(task), task.lead_raw, task.support_raw, task.time_raw,
                     task.products, "Nhiệm vụ trọng tâm" if len(rows) % 3 == 0 else ""])
        run.append(len(rows) - 1)
        since_header += 1
    close_run()
    return TableSpec(rows, merges, header_rows=1)


def group_column_layout(tasks: list[Task]) -> TableSpec:
    """A ``Nhóm nhiệm vụ`` column, merged down its rows, holds the first
    heading level; deeper headings are rows with only a number and a title."""
    rows: list[list[str | None]] = [["Nhóm nhiệm vụ", "TT", "Nhiệm vụ", "Đơn vị thực hiện",
                                     "Đơn vị phối hợp", "Tiến độ", "Sản phẩm"]]
    groups: list[tuple[str, int]] = []  # heading, first row
    for headings, task in _walk(tasks):
        for level, heading in headings:
            if level == 0:
                groups.append((heading, len(rows)))
            else:
                label, title = _split_heading(heading)
                rows.append(["", label, title, "", "", "", ""])
        _path, ids = _parts(task)
        if not _parts(task)[0] and groups and groups[-1][0]:
            groups.append(("", len(rows)))
        rows.append(["", _stt(ids), _content(task), task.lead_raw, task.support_raw,
                     task.time_raw, task.products])
    merges = []
    bounds = [first for _h, first in groups[1:]] + [len(rows)]
    for (heading, first), end in zip(groups, bounds):
        rows[first][0] = heading
        for r in range(first + 1, end):
            rows[r][0] = None
        if end - first > 1:
            merges.append(((first, 0), (end - 1, 0)))
    return TableSpec(rows, merges, header_rows=1)


def reordered_layout(tasks: list[Task]) -> TableSpec:
    """No STT column (numbers written in front of the text), a two-row header
    (``Cơ quan thực hiện`` over ``Chủ trì`` / ``Phối hợp``), time before the
    agencies, headings as rows with text in the content cell only."""
    rows: list[list[str | None]] = [
        ["Nội dung", "Thời gian thực hiện", "Cơ quan thực hiện", None, "Kết quả/Sản phẩm"],
        [None, None, "Chủ trì", "Phối hợp", None],
    ]
    merges = [((0, 0), (1, 0)), ((0, 1), (1, 1)), ((0, 2), (0, 3)), ((0, 4), (1, 4))]
    for headings, task in _walk(tasks):
        for _level, heading in headings:
            rows.append([heading, "", "", "", ""])
        _path, ids = _parts(task)
        rows.append([_content(task, _marked(ids, task.text)), task.time_raw, task.lead_raw,
                     task.support_raw, task.products])
    return TableSpec(rows, merges, header_rows=2)


LAYOUTS = {
    "spanning": lambda tasks: spanning_layout(tasks, repeat_header_every=6),
    "group_column": group_column_layout,
    "reordered": reordered_layout,
}


def docx_version(plan: Plan, layout: str, path: Path) -> Path:
    table = LAYOUTS[layout](plan.tasks)
    return write_docx_blocks(path.with_suffix(".docx"), [plan.before, table, plan.after])


def pdf_version(plan: Plan, path: Path) -> Path:
    table = spanning_layout(plan.tasks, merge_support=False)
    return write_pdf_blocks(path.with_suffix(".pdf"), [plan.before, table, plan.after])


def html_version(plan: Plan, path: Path) -> Path:
    table = html_table(spanning_layout(plan.tasks))
    text = "\n".join([plan.before, "<p>Các nhiệm vụ cụ thể như sau:</p>", table, plan.after])
    return write_text(text, path.with_suffix(".html"))


def html_page_version(plan: Plan, path: Path) -> Path:
    """A whole web page: the prose in <p> blocks around the table, a head, a menu."""
    from html import escape

    def blocks(text: str) -> str:
        return "\n".join(f"<p>{escape(line)}</p>" for line in text.split("\n") if line.strip())
    table = html_table(spanning_layout(plan.tasks))
    page = ("<!DOCTYPE html>\n<html><head><title>Kế hoạch</title><style>td { border: 1px }</style></head>\n"
            "<body><nav><a href='/'>Trang chủ</a></nav>\n"
            f"{blocks(plan.before)}\n<p>Các nhiệm vụ cụ thể như sau:</p>\n{table}\n{blocks(plan.after)}\n"
            "</body></html>")
    return write_text(page, path.with_suffix(".html"))


def markdown_version(plan: Plan, path: Path) -> Path:
    table = markdown_table(spanning_layout(plan.tasks, merge_support=False))
    return write_text("\n".join([plan.before, "", table, "", plan.after]), path.with_suffix(".md"))


def tab_version(plan: Plan, path: Path) -> Path:
    table = tab_table(spanning_layout(plan.tasks, merge_support=False))
    return write_text("\n".join([plan.before, "", table, "", plan.after]), path.with_suffix(".txt"))


def markdown_wrapped_version(plan: Plan, path: Path) -> Path:
    """The markdown table as a copy from a web page leaves it: rows wrapped onto
    the next lines at about 60 characters (never before a ``|``)."""
    table = markdown_table(spanning_layout(plan.tasks, merge_support=False))
    out = []
    for line in table.split("\n"):
        while len(line) > 60 and line.startswith("|") and not line.startswith("|-"):
            cut = line.rfind(" ", 20, 60)
            while cut > 0 and line[cut + 1:cut + 2] in ("|", " "):
                cut = line.rfind(" ", 20, cut)
            if cut <= 0:
                break
            out.append(line[:cut])
            line = line[cut + 1:]
            if line.startswith("|"):
                break
        out.append(line)
    return write_text("\n".join([plan.before, "", "\n".join(out), "", plan.after]), path.with_suffix(".md"))


VERSIONS = {
    **{f"docx_{name}": (lambda name: lambda p, path: docx_version(p, name, path))(name)
       for name in LAYOUTS},
    "pdf": pdf_version,
    "html": html_version,
    "html_page": html_page_version,
    "markdown": markdown_version,
    "markdown_wrapped": markdown_wrapped_version,
    "tab": tab_version,
}


def _rows(out: Path, name: str) -> list[dict]:
    with open(out / name, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _by_doc(rows: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for r in rows:
        out.setdefault(r["doc_id"], []).append(r)
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """One folder per version, files named by the seed ids (so the gold scores
    them), each run through the whole pipeline."""
    plans = {seed: Plan(seed) for seed in SEEDS}
    results = {}
    for version, make in [("text", None), *VERSIONS.items()]:
        src = tmp_path_factory.mktemp(f"src_{version}")
        for seed, plan in plans.items():
            if make is None:
                write_text((RAW / f"{seed}.txt").read_text(encoding="utf-8"), src / f"{seed}.txt")
            else:
                make(plan, src / seed)
        out = tmp_path_factory.mktemp(f"out_{version}")
        batch.run([str(src)], out, formats=("csv",))
        results[version] = (out, _by_doc(_rows(out, "documents.csv")),
                            _by_doc(_rows(out, "tasks.csv")), _by_doc(_rows(out, "mentions.csv")))
    return results


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("version", list(VERSIONS))
def test_table_version_gives_the_same_tasks(runs, seed, version):
    _, docs, tasks, mentions = runs[version]
    _, text_docs, text_tasks, text_mentions = runs["text"]
    assert docs[seed][0]["status"] == "ok", docs[seed][0]["error"]
    a = [{c: r[c] for c in COMPARED} for r in text_tasks[seed]]
    b = [{c: r[c] for c in COMPARED} for r in tasks.get(seed, [])]
    assert [r["task_id"] for r in b] == [r["task_id"] for r in a]
    for ra, rb in zip(a, b):
        assert rb == ra
    ma = [{c: r[c] for c in MENTION_COLS} for r in text_mentions.get(seed, [])]
    mb = [{c: r[c] for c in MENTION_COLS} for r in mentions.get(seed, [])]
    assert mb == ma
    for col in ("doc_type", "number", "issued_date", "issuer", "locality", "period_start",
                "period_end", "signer", "n_tasks"):
        assert docs[seed][0][col] == text_docs[seed][0][col], col


@pytest.mark.parametrize("version", list(VERSIONS))
def test_table_rows_say_where_they_come_from(runs, version):
    _, _, tasks, _ = runs[version]
    for seed in SEEDS:
        for row in tasks[seed]:
            assert re.fullmatch(r"table:\d+:row:\d+:text=\d+(,\w+=\d+)*", row["provenance"]), row
            assert 0 < int(row["line_start"]) <= int(row["line_end"])


@pytest.mark.parametrize("version", list(VERSIONS))
def test_evaluation_matches_the_text_plans(runs, version):
    text = evaluate(runs["text"][0], GOLD)
    table = evaluate(runs[version][0], GOLD)
    assert table.documents == text.documents == sorted(SEEDS)
    assert table.overall == text.overall
    assert table.per_doc == text.per_doc
    assert table.extra == text.extra


# --- layouts in general --------------------------------------------------------------


@pytest.mark.parametrize("header, role", [
    ("STT", "stt"), ("TT", "stt"), ("Số TT", "stt"), ("Nội dung công việc", "content"),
    ("Nhiệm vụ", "content"), ("Tên nhiệm vụ", "content"), ("Cơ quan chủ trì", "lead"),
    ("Đơn vị thực hiện", "lead"), ("Cơ quan, đơn vị chủ trì", "lead"), ("Chủ trì", "lead"),
    ("Cơ quan phối hợp", "support"), ("Đơn vị phối hợp thực hiện", "support"),
    ("Thời gian hoàn thành", "time"), ("Thời gian thực hiện (hoàn thành)", "time"),
    ("Tiến độ", "time"), ("Sản phẩm", "products"), ("Kết quả/Sản phẩm", "products"),
    ("Ghi chú", "note"), ("Nhóm nhiệm vụ", "group"), ("**Cơ quan chủ trì**", "lead"),
    ("Phòng Tư pháp", ""), ("Năm 2024", ""), ("Các cơ quan, đơn vị có liên quan", ""),
])
def test_column_roles_from_header_meaning(header, role):
    assert column_role(header) == role


def _plan_with(table_rows: list[list[str | None]], merges=(), tmp_path: Path = Path("."),
               before: str = "I. NHIỆM VỤ CỤ THỂ", after: str = "II. TỔ CHỨC THỰC HIỆN\nNơi nhận:\n- Lưu: VT.") -> list[Task]:
    path = write_docx_blocks(tmp_path / "plan.docx", [before, TableSpec(table_rows, merges), after])
    return read_plan(path).tasks


def test_vertical_merge_applies_to_every_row_and_numbered_sub_rows(tmp_path):
    rows = [["TT", "Nhiệm vụ", "Đơn vị thực hiện", "Thời gian"],
            ["1", "Tuyên truyền pháp luật", "", ""],
            ["1.1", "Tổ chức hội nghị", "Phòng Tư pháp", "Quý I/2025"],
            ["1.2", "In tài liệu", None, "Quý II/2025"],
            ["2", "Hòa giải ở cơ sở", "UBND các xã", "Năm 2025"]]
    tasks = _plan_with(rows, [((2, 2), (3, 2))], tmp_path)
    assert [(t.task_id, t.lead_raw, t.time_raw) for t in tasks] == [
        ("I.1.1", "Phòng Tư pháp", "Quý I/2025"), ("I.1.2", "Phòng Tư pháp", "Quý II/2025"),
        ("I.2", "UBND các xã", "Năm 2025")]
    assert tasks[0].section_path == "I. NHIỆM VỤ CỤ THỂ > 1. Tuyên truyền pháp luật"
    assert tasks[1].provenance == "table:1:row:4:text=2,lead=3,time=4"


def test_group_row_with_only_a_time_gives_its_time_to_the_rows_below(tmp_path):
    rows = [["STT", "Nội dung", "Chủ trì", "Phối hợp", "Thời gian"],
            ["I", "Nhiệm vụ năm 2025", "", "", "Năm 2025"],
            ["1", "Rà soát văn bản", "Sở Tư pháp", "Các sở", ""],
            ["2", "Tập huấn", "Sở Nội vụ", "", "Quý III/2025"]]
    tasks = _plan_with(rows, (), tmp_path, before="", after="Nơi nhận:")
    assert [(t.task_id, t.group_time_raw, t.time_raw) for t in tasks] == [
        ("I.1", "Năm 2025", ""), ("I.2", "Năm 2025", "Quý III/2025")]


def test_unknown_columns_kept_and_inline_fields_read(tmp_path):
    rows = [["STT", "Nội dung", "Đơn vị thực hiện", "Kinh phí (triệu đồng)"],
            ["1", "Tổ chức tập huấn\n- Thời gian thực hiện: Quý II/2025\n- Biên soạn tài liệu",
             "Phòng Tư pháp\nPhòng Nội vụ", "50"]]
    (task,) = _plan_with(rows, (), tmp_path)
    assert task.text == "Tổ chức tập huấn"
    assert task.activities == ["Biên soạn tài liệu"]
    assert task.time_raw == "Quý II/2025"
    assert task.lead_raw == "Phòng Tư pháp; Phòng Nội vụ"
    assert task.extra == {"Kinh phí (triệu đồng)": "50"}


def test_letterhead_tables_stay_prose(tmp_path):
    letterhead = TableSpec([["ỦY BAN NHÂN DÂN\nPHƯỜNG AN BIÊN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
                            ["Số: 143/KH-UBND", "An Biên, ngày 20 tháng 4 năm 2026"]], header_rows=0)
    text = (RAW / "001_591f09c69c18c1bb.txt").read_text(encoding="utf-8").split("\n", 6)[6]
    path = write_docx_blocks(tmp_path / "p.docx", [letterhead, text])
    doc = read_plan(path)
    assert doc.header.number == "143/KH-UBND"
    assert doc.header.issued_date == "2026-04-20"
    assert [t.provenance for t in doc.tasks] == ["text"] * 5


def test_appendix_table_listing_the_prose_tasks_gives_each_task_once(tmp_path):
    seed = "001_591f09c69c18c1bb"
    prose = read_plan(RAW / f"{seed}.txt").tasks
    appendix = spanning_layout(prose)
    appendix.rows.insert(1, ["II. NỘI DUNG"] + [None] * 6)
    appendix.merges = [((1, 0), (1, 6))] + [((r1 + 1, c1), (r2 + 1, c2)) for (r1, c1), (r2, c2) in appendix.merges]
    text = (RAW / f"{seed}.txt").read_text(encoding="utf-8")
    path = write_docx_blocks(tmp_path / f"{seed}.docx", [
        text, "PHỤ LỤC", "DANH MỤC NHIỆM VỤ", "(Kèm theo Kế hoạch số 143/KH-UBND)", appendix])
    doc = read_plan(path)
    assert len(doc.tasks) == len(prose)
    for got, want in zip(doc.tasks, prose):
        assert got.provenance.startswith("table:1:row:")
        assert (got.task_id, got.section_path, got.text, got.lead_raw, got.support_raw,
                got.time_raw, got.products) == (want.task_id, want.section_path, want.text,
                                                want.lead_raw, want.support_raw, want.time_raw,
                                                want.products)
    assert doc.header.signer == read_plan(RAW / f"{seed}.txt").header.signer


def test_html_rowspan_colspan_and_cell_lines():
    text = ("<p>Mở đầu</p>\n<table><tr><th>STT</th><th>Nội dung</th><th>Chủ trì</th></tr>\n"
            "<tr><td colspan=\"3\"><b>I. Nhóm một</b></td></tr>\n"
            "<tr><td>1</td><td>Việc &amp; một<br>dòng hai</td><td rowspan=\"2\">Sở Tư pháp</td></tr>\n"
            "<tr><td>2</td><td>Việc hai</td></tr></table>\n<p>Kết</p>")
    (table,) = html_tables(text)
    grid = table.grid()
    assert (table.n_rows, table.n_cols) == (4, 3)
    assert grid[1][0] is grid[1][2]
    assert grid[2][2] is grid[3][2] and grid[3][2].text == "Sở Tư pháp"
    assert grid[2][1].text == "Việc & một\ndòng hai" and grid[2][1].line_start == 4
    assert text[table.span[0]:table.span[1]].startswith("<table>")
    assert text[table.span[0]:table.span[1]].endswith("</table>")


def test_markdown_table_cells():
    text = "Mở đầu\n\n| STT | Nội dung | Chủ trì |\n|---|---|---|\n| 1 | Việc a \\| b | Sở X<br>Sở Y |\n\nKết"
    (table,) = markdown_tables(text)
    cells = {(c.row, c.col): c for c in table.cells}
    assert cells[(1, 1)].text == "Việc a | b"
    assert cells[(1, 2)].text == "Sở X\nSở Y" and cells[(1, 2)].line_start == 5


def test_markdown_rows_wrapped_by_a_copy_are_read_whole():
    text = ("Mở đầu\n| STT | Nội dung | Chủ\ntrì |\n|---|---|---|\n| I |\n| 1 | Việc một được\nviết trên hai dòng | Sở A |\n"
            "| 2 | Việc hai |\nSở B |\n| 3 | Việc ba | Sở C |\nKết luận không phải là hàng.")
    (table,) = markdown_tables(text)
    rows = {}
    for c in table.cells:
        rows.setdefault(c.row, []).append(c.text)
    assert rows == {0: ["STT", "Nội dung", "Chủ trì"], 1: ["I"], 2: ["1", "Việc một được viết trên hai dòng", "Sở A"],
                    3: ["2", "Việc hai", "Sở B"], 4: ["3", "Việc ba", "Sở C"]}
    line_of = {c.row: (c.line_start, c.line_end) for c in table.cells}
    assert line_of[0] == (2, 3) and line_of[2] == (6, 7) and line_of[3] == (8, 9)
    assert text[table.span[1]:].strip() == "Kết luận không phải là hàng."


def test_prose_pdf_is_not_given_to_the_table_finder(tmp_path):
    from formats import write_pdf

    path = write_pdf((RAW / "001_591f09c69c18c1bb.txt").read_text(encoding="utf-8"), tmp_path / "p.pdf")
    assert ingest.load(path).tables == []
