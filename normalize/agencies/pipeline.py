"""spaCy pipeline for fields: a blank ``vi`` language with a punctuation-splitting tokenizer
(the default one needs pyvi, or splits on whitespace only) and phrase matchers built
from the gazetteer and the verb lists, so known names are units with character offsets."""
from __future__ import annotations

import re
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from .gazetteer import Gazetteer
from .resources import load
from .text import DASHES, tone_key

_TOKEN = re.compile(r"\w+|[^\w\s]")
_SAME = {",": "-", "&": "và", **{d: "-" for d in DASHES}}


@lru_cache(maxsize=65536)
def token_norm(word: str) -> str:
    """Casefolded, tone marks unified; commas and dashes alike ("Lao động, Thương binh"
    matches "Lao động - Thương binh"), "&" as "và"."""
    if word in _SAME:
        return _SAME[word]
    return tone_key(word.casefold())


class PunctTokenizer:
    """Words and single punctuation marks; whitespace goes into ``token.whitespace_``."""

    def __init__(self, vocab: Vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words, spaces = [], []
        for m in _TOKEN.finditer(text):
            words.append(m.group())
            spaces.append(m.end() < len(text) and text[m.end()].isspace())
        doc = Doc(self.vocab, words=words, spaces=spaces)
        for t in doc:
            t.norm_ = token_norm(t.text)
        return doc


class FieldPipeline:
    """Tokenizer plus matchers for names, dropped phrases, leading courtesy and cut verbs."""

    def __init__(self, gazetteer: Gazetteer):
        self.nlp: Language = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
        self.nlp.tokenizer = PunctTokenizer(self.nlp.vocab)
        rules = load("splitting.yaml")
        self.names = self._matcher(gazetteer.phrases())
        self.drop = self._matcher(rules["drop_phrases"])
        self.leading = self._matcher(rules["leading_phrases"])
        self.cut = self._matcher(rules["cut_verbs"])

    def _matcher(self, phrases: list[str]) -> PhraseMatcher:
        m = PhraseMatcher(self.nlp.vocab, attr="NORM")
        docs = [self.nlp.make_doc(p) for p in dict.fromkeys(phrases) if p.strip()]
        m.add("P", docs)
        return m

    def __call__(self, text: str) -> Doc:
        return self.nlp.make_doc(text)


@lru_cache(maxsize=1)
def default_pipeline() -> FieldPipeline:
    return FieldPipeline(Gazetteer.default())
