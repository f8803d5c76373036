"""Cleanup of decoded text into paragraphs: what copies from web pages leave behind."""
from __future__ import annotations

from extract.cleanup import paragraphs


def test_character_references_left_by_a_web_page_are_read():
    text = ("Ủy ban&nbsp;nhân dân phường &amp; Sở Tư pháp\n"
            "Sở Khoa học & Công nghệ; R&D; &notareference; AT&T\n"
            "Quý IV/2026 &ndash; e&#769; &#7871; &#x1EBF; &#42;không đậm&#42;")
    lines = [p.text for p in paragraphs(text, unwrap=False)]
    assert lines == ["Ủy ban nhân dân phường & Sở Tư pháp",
                     "Sở Khoa học & Công nghệ; R&D; &notareference; AT&T",
                     "Quý IV/2026 – é ế ế *không đậm*"]
