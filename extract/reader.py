"""One plan file → a Document with header and tasks (the extract step)."""
from __future__ import annotations

import hashlib
import re
import stat
from pathlib import Path

from . import cleanup, header, ingest, structure, tables
from .model import Document, IngestError, Paragraph, Table
from .syllables import repair_glued

_TAIL = re.compile(r"^\s*N[ơo]i\s+nh[ậa]n\s*[:.]?", re.IGNORECASE)
_CLOSING = re.compile(r"\./\.\s*$|^(?:TM\.|T\.M\.|KT\.)\s", re.IGNORECASE)
_APPENDIX = re.compile(r"^\s*(?:\*\*)?ph[ụu]\s+l[ụu]c\b", re.IGNORECASE)
_PERIOD_WORDS = re.compile(r"thời gian|giai đoạn|từ năm|đến năm|\bnăm \d{4}", re.IGNORECASE)
_PERIOD_PHRASES = ("thời gian", "giai đoạn", "từ năm", "đến năm")  # _PERIOD_WORDS in small letters
_YEAR = re.compile(r"\bnăm \d{4}")


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def path_text(path: str | Path) -> str:
    """A path as text that any file can hold: the bytes of a name that are not
    UTF-8 (an old archive's name in a legacy code page, which Python keeps as
    lone surrogates) as ``\\xNN`` escapes, the rest unchanged."""
    text = str(path)
    try:  # lone surrogates other than surrogateescape's (never from a file system) as their code points
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogatepass")
    return raw.decode("utf-8", "backslashreplace")


def special_file(mode: int) -> str | None:
    """What a file of ``mode`` (``os.stat``) is when it is not a regular file, whose
    reading would never end (a named pipe, a device) or fail (a socket); else None."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def tail_start(paras: list[Paragraph], start: int) -> int:
    """Index of the closing part (``Nơi nhận``, signature), or len(paras)."""
    for i in range(start, len(paras)):
        if _TAIL.match(paras[i].text):
            return i
    return len(paras)


def document_from_text(doc: Document, text: str, unwrap: bool = True,
                       source_tables: list[Table] | None = None) -> Document:
    """Fill ``doc`` from decoded text: paragraphs, header, tasks, period hints.

    The lines of task tables among ``source_tables`` are kept out of the prose;
    their rows become tasks under the outline open where each table stands."""
    found = tables.task_tables(source_tables or [], text)
    if found:
        text = tables.blank_spans(text, [s for t in found for s in t.spans])
    paras = cleanup.paragraphs(text, unwrap=unwrap)
    for p in paras:
        p.text = repair_glued(p.text)
    doc.paragraphs = paras
    b = structure.body_start(paras)
    doc.body_start = b
    t = tail_start(paras, b)
    body = paras[b:t]
    tasks, periods, root = structure.parse_tasks(body)
    if found:
        first = paras[b].line_start if b < len(paras) else 0
        last = paras[t].line_start if t < len(paras) else len(text.split("\n")) + 1
        tasks = tables.merge_tasks(tasks, tables.read_tables(found, root, (first, last)))
    doc.tasks = tasks
    doc.header = header.read_header(paras[:b], body, closing_part(paras[t:]))
    doc.period_hints = periods + _period_sentences(root) + [doc.header.title]
    if not tasks:
        doc.warn("no tasks found")
    if t == len(paras) and not any(_CLOSING.search(p.text) for p in paras[-5:]):
        doc.warn("no closing part (Nơi nhận, signature): the text may be cut off")
    return doc


def closing_part(tail: list[Paragraph]) -> list[Paragraph]:
    """The closing block without the appendices after the signature
    (``PHỤ LỤC``, a task list), so the signer is still its last name."""
    for i, p in enumerate(tail):
        if i and _APPENDIX.match(p.text):
            return tail[:i]
    return tail


def _period_sentences(root: structure.Node) -> list[str]:
    """Sentences of the general sections that may state the plan period."""
    out = []
    for top in root.children:
        if not structure._GENERAL_HEADING.match(top.text):
            continue
        for n in top.walk():
            for p in [n.para] + n.description:
                if p.text and _names_a_period(p.text):
                    out.append(p.text)
    return out


def _names_a_period(text: str) -> bool:
    """``_PERIOD_WORDS.search(text)``, five times faster: substring tests on the
    lower-cased text (case-insensitive regex alternatives are slow in ``re``).
    Turkish ı and İ, which that regex also takes for i, go to the regex."""
    low = text.lower()
    if "ı" in low or "\u0307" in low:
        return _PERIOD_WORDS.search(text) is not None
    return any(w in low for w in _PERIOD_PHRASES) or ("năm " in low and _YEAR.search(low) is not None)


def read_plan(path: str | Path, doc_id: str | None = None, source_path: str | None = None) -> Document:
    """Read one plan. Never raises for bad input: the Document says why."""
    path = Path(path)
    doc = Document(doc_id or path_text(path.stem), source_path or path_text(path))
    try:
        special = special_file(path.stat().st_mode)
        if special:
            doc.fail(f"not a regular file: {special}")
            return doc
        data = path.read_bytes()  # read once: hashed, then decoded
        doc.sha256 = hashlib.sha256(data).hexdigest()
        src = ingest.load_bytes(data, path.suffix, name=path.name)
    except IngestError as e:
        doc.fail(str(e))
        return doc
    except OSError as e:
        doc.fail(f"cannot read file: {e.strerror or e}")
        return doc
    doc.kind = src.kind
    doc.encoding = src.encoding
    for w in src.warnings:
        doc.warn(w)
    return document_from_text(doc, src.text, source_tables=src.tables)
