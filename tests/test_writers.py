"""The CSV lines kehoach writes are the csv module's, byte for byte."""
from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from emit.writers import CsvTable, csv_line, render_rows

# text with the characters that decide quoting, Vietnamese letters and
# decomposed tone marks (which the rendered rows put back to NFC)
_TEXT = st.text(alphabet=st.sampled_from(list(',"\r\n ;\t\'ab1.hoàợỦ\u0300\u0323')), max_size=12)


def _module_line(fields) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow(fields)
    return buf.getvalue()


@settings(max_examples=500, deadline=None)
@given(st.lists(_TEXT, min_size=1, max_size=6))
def test_csv_line_is_the_csv_modules_line(fields):
    assert csv_line(fields) == _module_line(fields)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.fixed_dictionaries({"b": _TEXT, "c": st.one_of(st.none(), st.integers(), _TEXT)}),
                max_size=4))
def test_rendered_rows_read_back_as_nfc_fields(rows):
    import unicodedata

    lines = render_rows(rows, ["a", "b", "c"])
    assert len(lines) == len(rows)
    back = list(csv.reader(io.StringIO("".join("x," + line.decode("utf-8") for line in lines))))
    want = [["x", unicodedata.normalize("NFC", r["b"]),
             "" if r["c"] is None else unicodedata.normalize("NFC", str(r["c"]))] for r in rows]
    assert back == want


def test_write_clean_reads_back(tmp_path):
    t = CsvTable(tmp_path / "t.csv", ["a", "b", "c"])
    t.write_clean([["1,5", 'say "x"', "line\nbreak"], ["", None, "3"]])
    t.close()
    with open(tmp_path / "t.csv", encoding="utf-8-sig", newline="") as f:
        assert list(csv.reader(f)) == [["a", "b", "c"], ["1,5", 'say "x"', "line\nbreak"], ["", "", "3"]]
