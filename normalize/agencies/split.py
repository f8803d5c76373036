"""Cutting a lead/support field into agency mentions (ANNOTATION.md, Agencies).

Known names (gazetteer PhraseMatcher spans) and parentheses are never cut; a list of bare
kind nouns ("Các phòng, ban, đơn vị có liên quan") stays one collective; verbs and
courtesy are dropped; shared tails and heads are distributed.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc
from spacy.util import filter_spans

from .abbrev import Abbreviations
from .gazetteer import Gazetteer, gazetteer_key
from .pipeline import FieldPipeline, default_pipeline, token_norm
from .places import Context, place_data, strip_place
from .resources import load
from .text import DASHES, EDGE_PUNCT, clean_field, collapse, tone_key

_NEUTRAL = Context("", "", "")


@dataclass(frozen=True)
class Piece:
    """One mention as written; ``advisor`` when it came from "(X tham mưu)"."""

    text: str
    advisor: bool = False


@dataclass(frozen=True)
class Rules:
    separators: frozenset[str]
    hard: frozenset[str]
    guards: tuple[tuple[str, ...], ...]
    apposition: tuple[tuple[str, ...], ...]
    heads: frozenset[str]
    no_tail_heads: tuple[str, ...]
    colon_heads: dict[str, str]
    kinds: frozenset[str]
    plural: frozenset[str]


def _norm_words(phrase: str) -> tuple[str, ...]:
    return tuple(token_norm(w) for w in phrase.split())


@lru_cache(maxsize=1)
def rules() -> Rules:
    s, c = load("splitting.yaml"), load("collectives.yaml")
    return Rules(
        separators=frozenset(x.casefold() for x in s["separators"]),
        hard=frozenset(s["hard_separators"]),
        guards=tuple(sorted((_norm_words(g) for g in s["verb_guard_before"]), key=len, reverse=True)),
        apposition=tuple(_norm_words(a) for a in s["apposition_heads"]),
        heads=frozenset(s["head_words"]),
        no_tail_heads=tuple(s["no_tail_heads"]),
        colon_heads={tone_key(k.casefold()): v for k, v in s["colon_heads"].items()},
        kinds=frozenset(tone_key(k.casefold()) for k in c["kind_nouns"]),
        plural=frozenset(tone_key(p.casefold()) for p in c["plural_markers"]),
    )


@dataclass
class _Element:
    tokens: list[int]
    sep: str = ""  # separator before it
    text: str = ""
    extra: list[str] = field(default_factory=list)


class Splitter:
    def __init__(self, pipeline: FieldPipeline | None = None):
        self.pipe = pipeline or default_pipeline()
        self.abbr = Abbreviations.default()
        self.rules = rules()
        self.gazetteer = Gazetteer.default()
        self._cache: dict[str, tuple[Piece, ...]] = {}

    # ------------------------------------------------------------------ public
    def pieces(self, raw: str) -> list[Piece]:
        """Mentions of one field; fields repeat across plans, so results are cached."""
        hit = self._cache.get(raw)
        if hit is None:
            hit = self._cache[raw] = tuple(self._pieces(raw))
        return list(hit)

    def _pieces(self, raw: str) -> list[Piece]:
        text = self.abbr.repair_glue(clean_field(raw))
        if not text:
            return []
        doc = self.pipe(text)
        n = len(doc)
        keep = [True] * n
        protect = [False] * n
        advisors: list[Piece] = []
        for i, j in _paren_groups(doc):
            inner = doc[i + 1:j]
            cut = [s for _, s, _ in self.pipe.cut(inner)]
            if cut:
                actor = self._strip_apposition(inner[:cut[0]].text)
                advisors += [Piece(p.text, True) for p in self.pieces(actor)]
                for k in range(i, min(j + 1, n)):
                    keep[k] = False
            else:
                for k in range(i, min(j + 1, n)):
                    protect[k] = True
        names = filter_spans([doc[s:e] for _, s, e in self.pipe.names(doc)])
        for sp in names:
            for k in range(sp.start, sp.end):
                protect[k] = True
        self._cut_verbs(doc, keep, protect)
        self._cut_apposition(doc, keep, protect)
        self._drop(doc, keep, protect)
        leading = {(s, e) for _, s, e in self.pipe.leading(doc)}
        out: list[Piece] = []
        for seg in self._hard_segments(doc, keep, protect):
            elements = self._colon_list(doc, seg, protect) or self._soft_split(doc, seg, protect, names)
            out += [Piece(t) for t in self._finish(doc, elements, leading)]
        out += advisors
        return [p for p in out if p.text]

    # ------------------------------------------------------------------ token passes
    def _strip_apposition(self, text: str) -> str:
        doc = self.pipe(text)
        for t in doc:
            if t.text in DASHES and self._apposition_at(doc, t.i + 1):
                return doc[:t.i].text
        return text

    def _apposition_at(self, doc: Doc, i: int) -> bool:
        for a in self.rules.apposition:
            words = tuple(t.norm_ for t in doc[i:i + len(a)])
            if words == a:
                return True
        return False

    def _cut_verbs(self, doc: Doc, keep: list[bool], protect: list[bool]) -> None:
        for _, s, _ in self.pipe.cut(doc):
            if protect[s] or not keep[s]:
                continue
            k = s
            while k < len(doc) and not (doc[k].text in self.rules.hard and not protect[k]):
                keep[k] = False
                k += 1

    def _cut_apposition(self, doc: Doc, keep: list[bool], protect: list[bool]) -> None:
        for t in doc:
            if keep[t.i] and not protect[t.i] and t.text in DASHES and self._apposition_at(doc, t.i + 1):
                k = t.i
                while k < len(doc) and not (doc[k].text in self.rules.hard and not protect[k]):
                    keep[k] = False
                    k += 1

    def _guarded(self, doc: Doc, s: int) -> bool:
        for g in self.rules.guards:
            if s >= len(g) and tuple(t.norm_ for t in doc[s - len(g):s]) == g:
                return True
        return False

    def _drop(self, doc: Doc, keep: list[bool], protect: list[bool]) -> None:
        spans = filter_spans([doc[s:e] for _, s, e in self.pipe.drop(doc)])
        for sp in spans:
            if any(protect[sp.start:sp.end]) or self._guarded(doc, sp.start):
                continue
            for k in range(sp.start, sp.end):
                keep[k] = False

    def _hard_segments(self, doc: Doc, keep: list[bool], protect: list[bool]) -> list[list[int]]:
        segs: list[list[int]] = [[]]
        for t in doc:
            if not keep[t.i]:
                continue
            if t.text in self.rules.hard and not protect[t.i]:
                segs.append([])
            else:
                segs[-1].append(t.i)
        return [s for s in segs if s]

    # ------------------------------------------------------------------ splitting
    def _is_sep(self, doc: Doc, i: int, protect: list[bool]) -> bool:
        return not protect[i] and doc[i].lower_ in self.rules.separators

    def _kind_len(self, doc: Doc, idx: list[int]) -> int:
        """Length of the kind noun that ``idx`` starts with (after a plural marker)."""
        words = [doc[i].norm_ for i in idx]
        start = 1 if words and words[0] in self.rules.plural else 0
        for k in (5, 4, 3, 2, 1):
            if len(words) >= start + k and " ".join(words[start:start + k]) in self.rules.kinds:
                return start + k
        return 0

    def _soft_split(self, doc: Doc, seg: list[int], protect: list[bool], names: list) -> list[_Element]:
        starts = {sp.start for sp in names}
        elements: list[_Element] = []
        cur: list[int] = []
        sep = ""
        for pos, i in enumerate(seg):
            if not self._is_sep(doc, i, protect):
                cur.append(i)
                continue
            tail = self._since_last_break(doc, cur, protect)
            nxt = []
            for q in range(pos + 1, len(seg)):
                if self._is_sep(doc, seg[q], protect):
                    break
                nxt.append(seg[q])
            if tail and self._kind_len(doc, tail) == len(tail) and self._kind_len(doc, nxt) \
                    and doc[nxt[0]].norm_ not in self.rules.plural:
                cur.append(i)
                continue
            if self._same_level_units(doc, cur, nxt):
                cur.append(i)
                continue
            if doc[i].text != "," and cur and nxt and not self._starts_mention(doc, nxt, starts):
                cur.append(i)
                continue
            if cur:
                elements.append(_Element(cur, sep))
                cur = []
                sep = doc[i].lower_
            else:
                sep = sep if doc[i].text == "," else doc[i].lower_
        if cur:
            elements.append(_Element(cur, sep))
        return [e for part in elements for e in self._run_together(doc, part, names)]

    def _same_level_units(self, doc: Doc, cur: list[int], nxt: list[int]) -> bool:
        """"Công an xã, phường, thị trấn" is one list of units; "cấp tỉnh, cấp xã" is not."""
        if not cur or not nxt:
            return False
        units = place_data().unit_words
        after = " ".join(doc[i].norm_ for i in nxt)
        if after not in units:
            return False
        for k in (2, 1):
            before = " ".join(doc[i].norm_ for i in cur[-k:])
            if len(cur) > k and before in units:
                return _rank(units[before]) == _rank(units[after])
        return False

    def _starts_mention(self, doc: Doc, idx: list[int], starts: set[int]) -> bool:
        """Whether the words after "và" open a new mention rather than continue a name."""
        i = idx[0]
        if i in starts or doc[i].norm_ in self.rules.plural or self._kind_len(doc, idx):
            return True
        if any(_casefold_eq(doc[i:i + k].text, h) for h in self.rules.heads for k in (1, 2, 3) if i + k <= len(doc)):
            return True
        return strip_place("X " + _text(doc, idx), _NEUTRAL).core == "X"

    def _since_last_break(self, doc: Doc, cur: list[int], protect: list[bool]) -> list[int]:
        out: list[int] = []
        for i in reversed(cur):
            if self._is_sep(doc, i, protect) or doc[i].norm_ in self.rules.plural:
                break
            out.append(i)
        return out[::-1]

    def _head_at(self, doc: Doc, i: int) -> bool:
        return any(doc[i:i + k].text in self.rules.heads for k in (1, 2) if i + k <= len(doc))

    def _run_together(self, doc: Doc, el: _Element, names: list) -> list[_Element]:
        """"Sở Khoa học và Công nghệ Sở Công Thương" -> two elements."""
        where = {t: k for k, t in enumerate(el.tokens)}
        # names are sorted by start (filter_spans) and tokens ascend
        lo = bisect_left(names, el.tokens[0], key=lambda sp: sp.start) if el.tokens else 0
        hi = bisect_right(names, el.tokens[-1], key=lambda sp: sp.start) if el.tokens else 0
        inside = [sp for sp in names[lo:hi] if sp.start in where and sp.end - 1 in where]
        cuts = [b.start for a, b in zip(inside, inside[1:]) if a.end == b.start and self._head_at(doc, b.start)]
        if not cuts:
            return [el]
        out, start = [], 0
        for c in cuts:
            k = where[c]
            out.append(_Element(el.tokens[start:k], el.sep if not out else ","))
            start = k
        out.append(_Element(el.tokens[start:], ","))
        return out

    def _colon_list(self, doc: Doc, seg: list[int], protect: list[bool]) -> list[_Element] | None:
        """"Các Sở: Tư pháp, Nội vụ, Văn hóa, Thể thao và Du lịch" -> "Sở Tư pháp", …"""
        colon = next((p for p, i in enumerate(seg) if doc[i].text == ":" and not protect[i]), None)
        if colon is None or colon == 0:
            return None
        before = [doc[i].norm_ for i in seg[:colon]]
        head = None
        for k in (2, 1):
            if len(before) >= k and " ".join(before[-k:]) in self.rules.colon_heads:
                head = self.rules.colon_heads[" ".join(before[-k:])]
                break
        if head is None:
            return None
        items = seg[colon + 1:]
        out: list[_Element] = []
        pos = 0
        while pos < len(items):
            if self._is_sep(doc, items[pos], protect):
                pos += 1
                continue
            ends = [e for e in range(len(items), pos, -1)
                    if e == len(items) or self._is_sep(doc, items[e], protect)]
            end = next((e for e in ends if self._known(head + " " + _text(doc, items[pos:e]))), ends[-1])
            el = _Element(items[pos:end])
            el.text = head + " " + _text(doc, items[pos:end])
            out.append(el)
            pos = end
        return out

    def _known(self, name: str) -> bool:
        return any(self.gazetteer.lookup(k) for k in gazetteer_key(name, self.abbr))

    # ------------------------------------------------------------------ finishing
    def _finish(self, doc: Doc, elements: list[_Element], leading: set[tuple[int, int]]) -> list[str]:
        for el in elements:
            if not el.text:
                toks = el.tokens
                for s, e in sorted(leading, key=lambda x: x[0] - x[1]):
                    if toks and toks[0] == s:
                        toks = [t for t in toks if t >= e]
                el.text = _text(doc, toks)
        elements = [e for e in elements if e.text]
        for prev, el in zip(elements, elements[1:]):
            self._share_tail(prev, el)
        for prev, el in zip(elements, elements[1:]):
            self._share_head(prev, el)
        return [e.text for e in elements]

    def _share_tail(self, prev: _Element, el: _Element) -> None:
        """"Ủy ban MTTQ và các tổ chức chính trị - xã hội Thành phố": the tail goes to both."""
        if el.sep not in ("và", "với", "cùng"):
            return
        place = strip_place(el.text, _NEUTRAL)
        if not place.unit or strip_place(prev.text, _NEUTRAL).unit:
            return
        before = el.text[:len(el.text) - len(place.tail)].rstrip()
        if before.endswith(",") or tone_key(before.rsplit(" ", 1)[-1].casefold()) in self.rules.plural:
            return
        first = prev.text.split(" ", 1)[0]
        if tone_key(first.casefold()) in self.rules.plural:
            return
        if any(prev.text.startswith(h + " ") for h in self.rules.no_tail_heads):
            return
        prev.text = f"{prev.text} {place.tail}"

    def _share_head(self, prev: _Element, el: _Element) -> None:
        """"Ban Chỉ huy Phòng thủ dân sự cấp tỉnh, cấp xã": the head goes to "cấp xã"."""
        if strip_place("X " + el.text, _NEUTRAL).core != "X":
            return
        core = strip_place(prev.text, _NEUTRAL)
        if core.unit:
            el.text = f"{core.core} {el.text}"


def _rank(level: str) -> str:
    return "district" if level == "city" else level


def _casefold_eq(a: str, b: str) -> bool:
    return tone_key(a.casefold()) == tone_key(b.casefold())


def _text(doc: Doc, idx: list[int]) -> str:
    parts = []
    for a, b in zip(idx, idx[1:] + [None]):
        t = doc[a]
        parts.append(t.text + (t.whitespace_ if b == a + 1 else " "))
    return collapse("".join(parts)).strip(EDGE_PUNCT)


def _paren_groups(doc: Doc) -> list[tuple[int, int]]:
    groups, depth, start = [], 0, 0
    for t in doc:
        if t.text == "(":
            if depth == 0:
                start = t.i
            depth += 1
        elif t.text == ")" and depth:
            depth -= 1
            if depth == 0:
                groups.append((start, t.i))
    if depth:
        groups.append((start, len(doc) - 1))
    return groups


@lru_cache(maxsize=1)
def default_splitter() -> Splitter:
    return Splitter()


def split_pieces(raw: str) -> list[Piece]:
    return default_splitter().pieces(raw)


def split_field(raw: str) -> list[str]:
    """The mentions of one lead/support field, as written (ANNOTATION.md, Agencies)."""
    return [p.text for p in split_pieces(raw)]
