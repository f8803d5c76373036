"""Web pages (``.html``, ``.htm``): the text a reader of the page sees.

Plans saved from legal portals, or from Word as "Web Page", are whole HTML
documents: a head with styles and scripts, menus, the plan in ``<p>`` and
``<div>`` blocks, entities such as ``&nbsp;``. Each block becomes one line, as
a DOCX paragraph does; bold and italic become ``**``/``*``, which the cleanup
reads as heading and italic hints; tables stay as their HTML, for the table
reader. Built on the standard library's HTMLParser, which tolerates the
unclosed tags such pages are full of.
"""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

# not shown, or the site's furniture rather than the document (HTML5's menus,
# side bars, page footers and forms)
_SKIPPED = frozenset({"head", "script", "style", "noscript", "template", "svg", "iframe", "object",
                      "select", "button", "nav", "aside", "footer", "form", "menu"})
_BLOCKS = frozenset({
    "p", "div", "br", "hr", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
    "section", "article", "header", "main", "blockquote", "pre", "center", "address", "figure",
    "figcaption", "fieldset", "caption", "body",
})
_BOLD = frozenset({"b", "strong"})
_ITALIC = frozenset({"i", "em"})
_DOCUMENT = re.compile(r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b",
                       re.IGNORECASE | re.DOTALL)
HTML_SUFFIXES = frozenset({".htm", ".html", ".xhtml"})
"""Extensions of web pages."""
_MARKUP = re.compile(r"<(?:body|p|div|br|table|span|font)\b", re.IGNORECASE)
_SPACE = re.compile(r"[ \t\r\f\v\u00a0]+")


def is_html_document(text: str, suffix: str = "") -> bool:
    """A whole HTML page: it opens with ``<!DOCTYPE html>`` or ``<html>``, or it
    is named ``.htm(l)`` and most of its lines hold markup. Text whose lines are
    mostly plain, with some tags left by a copy from a portal, is read as text:
    there its line ends mean something, and the cleanup removes the tags."""
    if _DOCUMENT.match(text[:4096]):
        return True
    if suffix not in HTML_SUFFIXES or not _MARKUP.search(text):
        return False
    lines = [line for line in text[:200_000].split("\n") if line.strip()]
    return sum("<" in line for line in lines) >= 0.5 * len(lines)


def html_to_text(page: str) -> str:
    """The page's visible text, one line per block, tables kept as HTML."""
    parser = _PageText()
    parser.feed(page)
    parser.close()
    lines = (_SPACE.sub(" ", line).strip() for line in "".join(parser.out).split("\n"))
    return "\n".join(line for line in lines if line)


class _PageText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping: list[str] = []  # open elements whose content is not shown
        self.tables = 0  # depth of open <table> elements: their markup is kept
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.skipping.clear()  # a head left unclosed ends here
        if self.skipping or tag in _SKIPPED:
            if tag in _SKIPPED:
                self.skipping.append(tag)
            return
        if self.tables or tag == "table":
            if tag == "table":
                if not self.tables:
                    self.out.append("\n")
                self.tables += 1
            self.out.append(self.get_starttag_text() or f"<{tag}>")
            return
        if tag == "pre":
            self.pre += 1
        self._mark(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skipping:
            return
        if self.tables:
            self.out.append(self.get_starttag_text() or f"<{tag}/>")
        elif tag in _BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag in self.skipping:
                while self.skipping and self.skipping.pop() != tag:
                    pass
            return
        if self.tables:
            self.out.append(f"</{tag}>")
            if tag == "table":
                self.tables -= 1
                if not self.tables:
                    self.out.append("\n")
            return
        if tag == "pre" and self.pre:
            self.pre -= 1
        self._mark(tag)

    def _mark(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.out.append("\n")
        elif tag in _BOLD:
            self.out.append("**")
        elif tag in _ITALIC:
            self.out.append("*")

    def parse_marked_section(self, i: int, report: int = 1) -> int:
        """``<![CDATA[…]]>`` and Word's ``<![if …]>``; any other ``<![`` (the
        standard parser asserts on it) is skipped to its ``>``."""
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            j = self.rawdata.find(">", i + 3)
            return -1 if j < 0 else j + 1

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self.tables:
            self.out.append(html.escape(data, quote=False))
        elif self.pre:
            self.out.append(data)
        else:
            self.out.append(data.replace("\n", " "))
