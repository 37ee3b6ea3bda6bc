"""Read-only access to a local WordNet 3.x database (antonyms, synonyms) for the lexical checks.

The database is the Princeton "dict" layout (``index.noun``, ``data.noun`` ... as shipped by Debian's
``wordnet-base`` in ``/usr/share/wordnet``).  We read it directly rather than through NLTK's
``WordNetCorpusReader`` because that reader needs a ``lexnames`` file the Debian package does not
ship, refuses paths outside ``nltk.data.path`` and parses every index file up front (seconds);
here a lookup is a binary search in the sorted index file plus one seek in the data file, so
loading costs nothing.  Nothing is ever downloaded.
"""
from __future__ import annotations

import functools
import logging
import mmap
import os
import threading
from pathlib import Path

log = logging.getLogger(__name__)

DEFAULT_WORDNET = "/usr/share/wordnet"
ENV_VAR = "EVALUATOR_WORDNET"

_POS_FILES = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
# WordNet's morphy detachment rules: (suffix, replacement) per part of speech.
_MORPHY: dict[str, tuple[tuple[str, str], ...]] = {
    "n": (("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"), ("men", "man"),
          ("ies", "y")),
    "v": (("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")),
    "a": (("er", ""), ("est", ""), ("er", "e"), ("est", "e")),
    "r": (),
}
# spaCy coarse POS -> WordNet POS
UPOS_TO_WN = {"NOUN": "n", "PROPN": "n", "VERB": "v", "AUX": "v", "ADJ": "a", "ADV": "r"}

Synset = tuple[str, int]  # (pos file key "n"/"v"/"a"/"r", byte offset)


class WordNet:
    """Antonym and synonym look-ups over a WordNet database folder (thread-safe, lazy)."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        missing = [f"{k}.{v}" for v in _POS_FILES.values() for k in ("index", "data")
                   if not (self.root / f"{k}.{v}").is_file()]
        if missing:
            raise FileNotFoundError(f"not a WordNet database folder ({self.root}): missing {', '.join(missing)}")
        self._maps: dict[str, mmap.mmap] = {}
        self._lock = threading.Lock()

    def _map(self, name: str) -> mmap.mmap:
        with self._lock:
            m = self._maps.get(name)
            if m is None:
                with open(self.root / name, "rb") as fh:
                    m = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
                self._maps[name] = m
            return m

    def _index_line(self, pos: str, lemma: str) -> bytes | None:
        """Binary-search the sorted index file of ``pos`` for ``lemma``'s line."""
        m = self._map(f"index.{_POS_FILES[pos]}")
        key = lemma.encode("utf-8") + b" "
        lo, hi = 0, len(m)
        while lo < hi:
            mid = (lo + hi) // 2
            start = m.rfind(b"\n", 0, mid) + 1
            end = m.find(b"\n", start)
            end = len(m) if end < 0 else end
            line = m[start:end]
            if line.startswith(b"  "):  # licence header sorts before every lemma
                lo = end + 1
            elif line.startswith(key):
                return line
            elif line < key:
                lo = end + 1
            else:
                hi = start
        return None

    @functools.lru_cache(maxsize=65536)  # noqa: B019 - one long-lived instance per path
    def synsets(self, lemma: str, pos: str | None = None) -> tuple[Synset, ...]:
        """Synsets of ``lemma`` (lower-cased, spaces as underscores), optionally of one POS."""
        lemma = lemma.strip().lower().replace(" ", "_")
        if not lemma:
            return ()
        out: list[Synset] = []
        for p in [pos] if pos else list(_POS_FILES):
            if p not in _POS_FILES:
                continue
            line = self._index_line(p, lemma)
            if line is None:
                continue
            parts = line.split()
            n_syn, n_ptr = int(parts[2]), int(parts[3])
            offsets = parts[4 + n_ptr + 2: 4 + n_ptr + 2 + n_syn]
            out.extend((p, int(o)) for o in offsets)
        return tuple(out)

    def _fields(self, syn: Synset) -> list[str]:
        """The fields of a synset's line in ``data.<pos>`` (before the gloss)."""
        pos, offset = syn
        m = self._map(f"data.{_POS_FILES[pos]}")
        end = m.find(b"\n", offset)
        return m[offset: end if end >= 0 else len(m)].split(b" | ", 1)[0].decode("utf-8").split()

    @functools.lru_cache(maxsize=65536)  # noqa: B019
    def _record(self, syn: Synset) -> tuple[tuple[str, ...], tuple[tuple[str, Synset, int, int], ...], str]:
        """(words, pointers (symbol, target, source word no, target word no), synset type)."""
        parts = self._fields(syn)
        ss_type = parts[2]
        n_words = int(parts[3], 16)
        words = tuple(parts[4 + 2 * i].lower().split("(")[0] for i in range(n_words))
        i = 4 + 2 * n_words
        n_ptr = int(parts[i])
        ptrs = []
        for k in range(n_ptr):
            sym, off, p, st = parts[i + 1 + 4 * k: i + 5 + 4 * k]
            p = "a" if p == "s" else p
            ptrs.append((sym, (p, int(off)), int(st[:2], 16), int(st[2:], 16)))
        return words, tuple(ptrs), ss_type

    @functools.lru_cache(maxsize=4)  # noqa: B019
    def _exceptions(self, pos: str) -> dict[str, tuple[str, ...]]:
        """Irregular inflections of ``pos`` ("millennia" -> "millennium") from WordNet's ``.exc`` file."""
        path = self.root / f"{_POS_FILES[pos]}.exc"
        out: dict[str, tuple[str, ...]] = {}
        if path.is_file():
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                parts = line.split()
                if len(parts) >= 2:
                    out[parts[0]] = tuple(parts[1:])
        return out

    def base_forms(self, word: str, pos: str) -> tuple[str, ...]:
        """Lemmas ``word`` may be an inflection of, in ``pos`` (WordNet's morphy: exceptions, then suffixes)."""
        word = word.strip().lower().replace(" ", "_")
        out = [word, *self._exceptions(pos).get(word, ())]
        for suffix, repl in _MORPHY.get(pos, ()):
            if word.endswith(suffix) and len(word) > len(suffix) + 1:
                out.append(word[: len(word) - len(suffix)] + repl)
        return tuple(dict.fromkeys(w for w in out if self._index_line(pos, w) is not None))

    @functools.lru_cache(maxsize=65536)  # noqa: B019
    def is_common_word(self, word: str) -> bool:
        """``word`` (any inflection) is an ordinary dictionary word: some synset lists it in lower case.

        WordNet writes proper nouns capitalised ("Naples", "Moscow"), common words in lower case
        ("millennium", "urban"), so a capitalised word that is also a common word may be no name.
        """
        for pos in _POS_FILES:
            for lemma in self.base_forms(word, pos):
                for syn in self.synsets(lemma, pos):
                    if lemma in self._raw_words(syn):
                        return True
        return False

    @functools.lru_cache(maxsize=65536)  # noqa: B019
    def _raw_words(self, syn: Synset) -> tuple[str, ...]:
        """A synset's words as WordNet spells them (case kept, adjective markers dropped)."""
        parts = self._fields(syn)
        return tuple(parts[4 + 2 * i].split("(")[0] for i in range(int(parts[3], 16)))

    @functools.lru_cache(maxsize=65536)  # noqa: B019
    def synonyms(self, lemma: str, pos: str | None = None) -> frozenset[str]:
        """Every word sharing a synset with ``lemma``."""
        return frozenset(w for s in self.synsets(lemma, pos) for w in self._record(s)[0])

    def _direct_antonyms(self, syn: Synset, word_no: int | None) -> set[Synset]:
        words, ptrs, _ = self._record(syn)
        return {t for sym, t, src, _tgt in ptrs if sym == "!" and (word_no is None or src in (0, word_no))}

    @functools.lru_cache(maxsize=65536)  # noqa: B019
    def antonyms(self, lemma: str, pos: str | None = None, indirect: bool = True) -> frozenset[str]:
        """Words opposite in meaning to ``lemma``: direct antonyms with their synset-mates and, with
        ``indirect``, antonyms through similar-to (adjective satellites) and derivationally related forms."""
        lemma = lemma.strip().lower().replace(" ", "_")
        targets: set[Synset] = set()
        for syn in self.synsets(lemma, pos):
            words, ptrs, ss_type = self._record(syn)
            word_no = words.index(lemma) + 1 if lemma in words else None
            targets |= self._direct_antonyms(syn, word_no)
            if not indirect:
                continue
            for sym, t, src, _tgt in ptrs:
                if sym == "&" and ss_type == "s":  # satellite -> head adjective -> its antonyms
                    targets |= self._direct_antonyms(t, None)
                elif sym in ("+", "\\") and (word_no is None or src == word_no):
                    # derivational neighbour ("increase" n -> "increase" v -> "decrease")
                    targets |= self._direct_antonyms(t, None)
        out: set[str] = set()
        for t in targets:
            words, ptrs, ss_type = self._record(t)
            out.update(words)
            if indirect and t[0] == "a":  # the antonym head's satellites ("small" -> "tiny", "little")
                for sym, s, _src, _tgt in ptrs:
                    if sym == "&":
                        out.update(self._record(s)[0])
        out.discard(lemma)
        return frozenset(out - self.synonyms(lemma, pos))

    @functools.lru_cache(maxsize=65536)  # noqa: B019
    def _neighbourhood(self, lemma: str, pos: str | None) -> frozenset[Synset]:
        """Synsets of ``lemma`` plus their similar-to, also-see, verb-group, derivation and pertainym links."""
        out: set[Synset] = set()
        for syn in self.synsets(lemma, pos):
            out.add(syn)
            out.update(t for sym, t, _s, _t in self._record(syn)[1] if sym in ("&", "^", "$", "+", "\\"))
        return frozenset(out)

    @functools.lru_cache(maxsize=65536)  # noqa: B019
    def _opposite_synsets(self, lemma: str, pos: str | None) -> frozenset[Synset]:
        return frozenset(t for syn in self._neighbourhood(lemma, pos) for sym, t, _s, _t in self._record(syn)[1]
                         if sym == "!")

    def are_opposed(self, a: str, b: str, pos: str | None = None) -> bool:
        """Antonymy through one hop on either side: ``a``'s neighbourhood has an antonym link into ``b``'s
        ("injured" ~ "uninjured" ~ "unharmed"); broader and less certain than ``are_antonyms``."""
        a_, b_ = a.lower().replace(" ", "_"), b.lower().replace(" ", "_")
        if self.are_synonyms(a_, b_, pos) or self._neighbourhood(a_, pos) & self._neighbourhood(b_, pos):
            return False  # near-synonyms: the same head adjective, or linked to one another
        return bool(self._opposite_synsets(a_, pos) & self._neighbourhood(b_, pos)) or bool(
            self._opposite_synsets(b_, pos) & self._neighbourhood(a_, pos))

    def are_synonyms(self, a: str, b: str, pos: str | None = None) -> bool:
        """True when ``a`` and ``b`` share a synset."""
        a_, b_ = a.lower().replace(" ", "_"), b.lower().replace(" ", "_")
        return a_ == b_ or b_ in self.synonyms(a_, pos) or a_ in self.synonyms(b_, pos)

    def are_antonyms(self, a: str, b: str, pos: str | None = None, indirect: bool = True) -> bool:
        """True when ``b`` is an antonym of ``a`` (either direction) and not also a synonym."""
        a_, b_ = a.lower().replace(" ", "_"), b.lower().replace(" ", "_")
        if self.are_synonyms(a_, b_, pos):
            return False
        return b_ in self.antonyms(a_, pos, indirect) or a_ in self.antonyms(b_, pos, indirect)


_lock = threading.Lock()
_cache: dict[str, WordNet | None] = {}


def wordnet_path(path: str | None = None) -> str:
    """The WordNet folder to use: ``path``, else ``$EVALUATOR_WORDNET``, else /usr/share/wordnet."""
    return path or os.environ.get(ENV_VAR) or DEFAULT_WORDNET


def load_wordnet(path: str | None = None) -> WordNet | None:
    """The WordNet database at ``path`` (opened once per path), or None with one warning if absent."""
    root = wordnet_path(path)
    with _lock:
        if root in _cache:
            return _cache[root]
        try:
            wn: WordNet | None = WordNet(root)
        except (FileNotFoundError, OSError) as exc:
            log.warning("WordNet not available (%s); antonym checks are skipped. Install Debian's "
                        "wordnet-base or set %s to a WordNet 'dict' folder.", exc, ENV_VAR)
            wn = None
        _cache[root] = wn
        return wn
