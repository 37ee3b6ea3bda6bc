"""compare(original, rewritten) -> Report: load, segment, align, score, check.

Each stage takes the previous stage's types.  The encoder runs once per unique text and the same
encodings feed the alignment (sentence embeddings) and BERTScore (layer token embeddings).  Models
are loaded once by ``load_resources`` and passed in; nothing here loads a model at import time.
"""
from __future__ import annotations

import functools
import logging
import math
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .options import Options, Resources
from .types import AlignedPair, BertScoreResult, Document, Finding, PairScores, Report, Span

if TYPE_CHECKING:  # pragma: no cover
    from .metrics.lexical import CorpusTotals
    from .segment import ParseMemo

log = logging.getLogger(__name__)

_RESOURCES: dict[tuple[Any, ...], Resources] = {}


def set_offline() -> None:
    """Never reach a model hub: every model comes from an installed package or a local path."""
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        os.environ[var] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _resource_key(o: Options) -> tuple[Any, ...]:
    return (o.model, o.layer, o.device, o.precision, o.batch_tokens, o.spacy_model, o.reference_sets,
            o.glossaries, o.use_bundled_reference_set, o.cache_dir)


@dataclass(frozen=True)
class OptionFiles:
    """What the reference-set and glossary files of some options hold, parsed (``load_option_files``)."""

    reference_sets: Any  # evaluator.reference_sets.ReferenceSets
    glossary: Any = None  # evaluator.glossary.Glossary; None without glossaries


def load_option_files(options: Options) -> OptionFiles:
    """Parse the reference sets (with the bundled one unless turned off) and the glossaries that
    ``options`` name; a bad file raises ``ConfigError``.  ``batch`` does so before any work and hands
    the result to ``load_resources`` (``files=``), so each file is parsed once."""
    from .reference_sets import load_reference_sets

    reference_sets = load_reference_sets(options.reference_sets, include_bundled=options.use_bundled_reference_set)
    glossary = None
    if options.glossaries:
        from .glossary import load_glossary

        glossary = load_glossary(options.glossaries)
    return OptionFiles(reference_sets, glossary)


def load_resources(options: Options | None = None, *, files: OptionFiles | None = None) -> Resources:
    """Load the encoder, the spaCy pipeline, reference sets and glossary once per setting.

    ``files``: ``load_option_files(options)`` where the caller has parsed them already (they are not
    read again)."""
    options = options or Options()
    key = _resource_key(options)
    cached = _RESOURCES.get(key)
    if cached is not None:
        return cached
    set_offline()
    from .encoder import load_encoder
    from .segment import load_nlp

    cache = None
    if options.cache_dir:
        from .cache import open_cache

        cache = open_cache(options.cache_dir)
    res = Resources(options=options)
    files = files or load_option_files(options)
    res.reference_sets = files.reference_sets
    res.glossary = files.glossary
    res.nlp = load_nlp(options.spacy_model)
    if cache is not None:
        from .cache import CachingNlp

        res.nlp = CachingNlp(res.nlp, cache)  # parses come from and go to the cache, like encodings
    res.encoder = load_encoder(options, cache=cache) if cache is not None else load_encoder(options)
    res.extras["cache"] = cache
    _RESOURCES[key] = res
    return res


def compare(original: str, rewritten: str, *, options: Options | None = None,
            resources: Resources | None = None, **kwargs: Any) -> Report:
    """Compare two texts; keyword arguments are ``Options`` fields (model=, layer=, idf= ...)."""
    from .io import read_text

    options = (options or Options()).with_(**kwargs) if kwargs else (options or Options())
    return compare_loaded(read_text(original, name="<original>"), read_text(rewritten, name="<rewritten>"),
                          options=options, resources=resources)


def compare_files(original_path: str, rewritten_path: str, *, options: Options | None = None,
                  resources: Resources | None = None) -> Report:
    """Read two files (validated, see ``io.read_document``) and compare them."""
    from .io import read_document

    options = options or Options()
    o = read_document(original_path, max_bytes=options.max_input_bytes)
    r = read_document(rewritten_path, max_bytes=options.max_input_bytes)
    return compare_loaded(o, r, options=options, resources=resources)


def compare_loaded(original: Any, rewritten: Any, *, options: Options | None = None,
                   resources: Resources | None = None) -> Report:
    """Compare two ``LoadedText`` documents: segment, align, score, check."""
    from .align import align
    from .coverage import compute_coverage
    from .metrics.lexical import chrf_similarity
    from .segment import segment

    options = options or (resources.options if resources else Options())
    res = resources or load_resources(options)
    timings: dict[str, float] = {}
    t = time.perf_counter()
    o_doc, o_parses = segment(original, res.nlp, doc_id="original")
    r_doc, r_parses = segment(rewritten, res.nlp, doc_id="rewritten")
    timings["segment"] = time.perf_counter() - t

    t = time.perf_counter()
    res.encoder.encode([s.text for s in o_doc.sentences] + [s.text for s in r_doc.sentences])
    o_emb = _sentence_matrix(res.encoder, o_doc)
    r_emb = _sentence_matrix(res.encoder, r_doc)
    timings["encode"] = time.perf_counter() - t

    t = time.perf_counter()
    alignment = align(o_emb, r_emb, o_doc, r_doc, lexical=chrf_similarity)
    timings["align"] = time.perf_counter() - t

    coverage = compute_coverage(o_doc, r_doc, alignment)
    return _score_and_check(o_doc, r_doc, tuple(alignment), {"original": o_parses, "rewritten": r_parses},
                            {"original": o_emb, "rewritten": r_emb}, coverage, options, res, timings)


def compare_aligned(ref_lines: Sequence[str], hyp_lines: Sequence[str], *,
                    extra_refs: Sequence[Sequence[str]] = (), options: Options | None = None,
                    resources: Resources | None = None, ids: tuple[str, str] = ("reference", "hypothesis"),
                    paths: tuple[str | None, str | None] = (None, None),
                    totals: CorpusTotals | None = None, similarity: bool = True,
                    parses: ParseMemo | None = None, idf: Mapping[int, float] | None = None,
                    warn_empty: bool = True) -> Report:
    """Line-aligned test set: line i of the hypothesis is paired with line i of the reference(s).

    ``totals`` (a ``metrics.lexical.CorpusTotals``), when given, receives the lines' BLEU, chrF and TER
    statistics, so that a caller scoring a set chunk by chunk gets its corpus scores without
    computing them again.  ``similarity=False``: the caller does not use the alignment's sentence
    similarities (``evaluator score`` without ``--html``), so the lines go through the model's first
    ``layer`` layers only, all that BERTScore reads (the same numbers, about half the model's work),
    and each pair's ``similarity`` is NaN (``None`` in its dict).  With an encoding cache the lines
    still run whole, so that the cache keeps their full encodings for the next run.

    ``parses`` (``segment.parse_lines``): lines parsed beforehand, not parsed again.  ``idf``: the
    BERTScore idf weights to use (``semantic.idf_dict`` over a whole test set, for a caller that scores
    it part by part) instead of idf over these lines' references (with ``idf`` on in the options).
    ``warn_empty=False``: no BERTScore warning for a batch with an empty line (``semantic.score_pairs``),
    for a caller that reports the empty lines itself.
    """
    from .coverage import compute_coverage
    from .errors import InputError
    from .segment import segment_lines

    if len(ref_lines) != len(hyp_lines):
        raise InputError(f"line counts differ: {ids[0]} has {len(ref_lines)} lines, "
                         f"{ids[1]} has {len(hyp_lines)}")
    options = options or (resources.options if resources else Options())
    res = resources or load_resources(options)
    timings: dict[str, float] = {}
    t = time.perf_counter()
    o_doc, o_parses = segment_lines(ref_lines, res.nlp, doc_id="original", memo=parses)
    r_doc, r_parses = segment_lines(hyp_lines, res.nlp, doc_id="rewritten", memo=parses)
    o_doc = _with_path(o_doc, paths[0])
    r_doc = _with_path(r_doc, paths[1])
    timings["segment"] = time.perf_counter() - t
    t = time.perf_counter()
    embeddings: dict[str, Any] = {}
    if similarity or getattr(res.encoder, "has_cache", False):
        res.encoder.encode(list(ref_lines) + list(hyp_lines))
        o_emb = _sentence_matrix(res.encoder, o_doc)
        r_emb = _sentence_matrix(res.encoder, r_doc)
        sims = [float(o_emb[i] @ r_emb[i]) for i in range(len(ref_lines))]
        embeddings = {"original": o_emb, "rewritten": r_emb}
    else:
        res.encoder.encode_layer_only(list(ref_lines) + list(hyp_lines))
        sims = [math.nan] * len(ref_lines)
    timings["encode"] = time.perf_counter() - t
    alignment = tuple(AlignedPair((i,), (i,), sims[i]) for i in range(len(ref_lines)))
    coverage = compute_coverage(o_doc, r_doc, alignment)
    return _score_and_check(o_doc, r_doc, alignment, {"original": o_parses, "rewritten": r_parses},
                            embeddings, coverage, options, res, timings, extra_refs=extra_refs, totals=totals,
                            idf=idf, warn_empty=warn_empty)


evaluate_pairs = compare_aligned


def _with_path(doc: Document, path: str | None) -> Document:
    if path is None:
        return doc
    from dataclasses import replace

    return replace(doc, path=path)


def _sentence_matrix(encoder: Any, doc: Document) -> Any:
    import numpy as np

    if not doc.sentences:
        return np.zeros((0, encoder.hidden_size), dtype=np.float32)
    encs = encoder.encode([s.text for s in doc.sentences])
    return np.stack([e.sentence_embedding for e in encs]).astype(np.float32)


@dataclass(frozen=True)
class _Unit:
    """The joined text of one side of an aligned pair and the map back to document offsets."""

    text: str
    pieces: tuple[tuple[int, int], ...]  # (offset in unit text, offset in document) per sentence

    @classmethod
    def of(cls, doc: Document, indices: Sequence[int]) -> _Unit:
        pieces, pos = [], 0
        for i in indices:
            pieces.append((pos, doc.sentences[i].start))
            pos += len(doc.sentences[i].text) + 1
        return cls(doc.sentence_text(indices), tuple(pieces))

    def to_doc(self, offset: int) -> int:
        base_u, base_d = self.pieces[0]
        for u, d in self.pieces:
            if u <= offset:
                base_u, base_d = u, d
        return base_d + (offset - base_u)


def _token_spans(doc: Document, unit: _Unit, encoding: Any, token_indices: Sequence[int]) -> tuple[Span, ...]:
    """Merge unmatched (sub)tokens into word spans in document coordinates."""
    spans: list[tuple[int, int]] = []
    for ti in sorted(token_indices):
        s, e = (int(x) for x in encoding.offsets[ti])
        if e <= s:
            continue
        if spans and s <= spans[-1][1]:  # word pieces of the same word touch
            spans[-1] = (spans[-1][0], max(e, spans[-1][1]))
        else:
            spans.append((s, e))
    return tuple(Span.of(doc.text, unit.to_doc(s), unit.to_doc(e)) for s, e in spans)


def _score_and_check(o_doc: Document, r_doc: Document, alignment: tuple[AlignedPair, ...],
                     parses: dict[str, Any], embeddings: dict[str, Any], coverage: Any,
                     options: Options, res: Resources, timings: dict[str, float],
                     extra_refs: Sequence[Sequence[str]] = (), totals: CorpusTotals | None = None,
                     idf: Mapping[int, float] | None = None, warn_empty: bool = True) -> Report:
    from .checks import CheckContext, run_checks
    from .metrics.lexical import document_and_pair_scores

    t = time.perf_counter()
    matched = [(i, a) for i, a in enumerate(alignment) if a.is_match]
    o_units = [_Unit.of(o_doc, a.original) for _, a in matched]
    r_units = [_Unit.of(r_doc, a.rewritten) for _, a in matched]
    refs = [u.text for u in o_units]
    hyps = [u.text for u in r_units]
    streams = [refs] + [list(r) for r in extra_refs]
    metrics, lex = document_and_pair_scores(hyps, streams, totals=totals)
    timings["lexical"] = time.perf_counter() - t

    t = time.perf_counter()
    bert = None
    bert_pairs: list[Any] = [None] * len(matched)
    encs: list[tuple[Any, Any]] = []
    if options.bertscore and matched:
        bert, bert_pairs, encs = _bertscore(res, o_units, r_units, options, idf, warn_empty=warn_empty)
    timings["bertscore"] = time.perf_counter() - t

    pairs: list[PairScores] = []
    for k, ((ai, _), ls) in enumerate(zip(matched, lex, strict=True)):
        bp = bert_pairs[k]
        if bp is not None:
            o_enc, r_enc = encs[k]  # their offsets map the unmatched tokens back to the text
            pairs.append(PairScores(
                ai, ls.bleu, ls.chrf, ls.chrf_pp, ls.ter, bp.precision, bp.recall, bp.f1,
                _token_spans(o_doc, o_units[k], o_enc, bp.ref_unmatched),
                _token_spans(r_doc, r_units[k], r_enc, bp.cand_unmatched),
            ))
        else:
            pairs.append(PairScores(ai, ls.bleu, ls.chrf, ls.chrf_pp, ls.ter))

    t = time.perf_counter()
    check_errors: list[str] = []

    def on_error(name: str, exc: BaseException) -> None:
        log.exception("check %s failed", name)
        check_errors.append(f"{name}: {type(exc).__name__}: {exc}")

    ctx = CheckContext(original=o_doc, rewritten=r_doc, alignment=alignment,
                       pairs={p.alignment: p for p in pairs}, coverage=coverage, parses=parses,
                       reference_sets=res.reference_sets, glossary=res.glossary,
                       embeddings=embeddings, options=options)
    findings: list[Finding] = run_checks(ctx, options.checks, on_error=on_error)
    timings["checks"] = time.perf_counter() - t

    meta = _meta(options, res, bert)
    meta["timings"] = {k: round(v, 4) for k, v in timings.items()}
    if check_errors:
        meta["check_errors"] = check_errors
    return Report(original=o_doc, rewritten=r_doc, alignment=alignment, metrics=metrics, bertscore=bert,
                  pairs=tuple(pairs), coverage=coverage, findings=tuple(findings), meta=meta)


def _bertscore(res: Resources, o_units: list[_Unit], r_units: list[_Unit],
               options: Options, idf_weights: Mapping[int, float] | None = None, *,
               warn_empty: bool = True) -> tuple[BertScoreResult, list[Any], list[tuple[Any, Any]]]:
    """The document's BERTScore, each unit pair's scores, and each pair's (original, rewritten) encodings.

    With idf on, the weights are ``idf_weights`` where given, else idf over the original units."""
    from .metrics import semantic

    enc = res.encoder
    refs = [u.text for u in o_units]
    hyps = [u.text for u in r_units]
    # Layer L is all BERTScore reads: 1-1 units are hits (each sentence was encoded once), and a merged
    # unit (1-2, 2-1) runs only the first L layers, not the whole model.
    encs = enc.encode_layer_only(refs + hyps)
    ref_encs, hyp_encs = encs[: len(refs)], encs[len(refs):]
    idf = (idf_weights if idf_weights is not None else semantic.idf_dict(enc, refs)) if options.idf else None
    baseline = semantic.load_baseline(enc, options.baseline_path) if options.rescale else None
    scored = semantic.score_pairs(enc, hyp_encs, ref_encs, idf=idf, baseline=baseline, warn_empty=warn_empty)
    n = len(scored)
    doc = BertScoreResult(
        precision=sum(s.precision for s in scored) / n,
        recall=sum(s.recall for s in scored) / n,
        f1=sum(s.f1 for s in scored) / n,
        signature=semantic.signature(enc, idf=options.idf, rescaled=baseline is not None),
        extra={"aggregate": "mean over aligned pairs", "pairs": n,
               "rescaled": baseline is not None,
               **({"rescale_unavailable": True} if options.rescale and baseline is None else {})},
    )
    return doc, list(scored), list(zip(ref_encs, hyp_encs, strict=True))


@functools.lru_cache(maxsize=1)
def _library_versions() -> tuple[tuple[str, str | None], ...]:
    """Versions of the libraries behind a report, read once per process from their distributions."""
    from importlib import metadata

    from . import __version__

    versions: list[tuple[str, str | None]] = [("evaluator", __version__)]
    # Read versions from the installed distributions, never by importing (bert_score costs ~4 s);
    # each lookup parses a METADATA file, so this runs once, not once per pair of a batch.
    for mod, dist in (("sacrebleu", "sacrebleu"), ("bert_score", "bert-score"),
                      ("transformers", "transformers"), ("torch", "torch"), ("spacy", "spacy"),
                      ("numpy", "numpy")):
        try:
            versions.append((mod, metadata.version(dist)))
        except metadata.PackageNotFoundError:
            versions.append((mod, None))
    return tuple(versions)


def _meta(options: Options, res: Resources, bert: BertScoreResult | None) -> dict[str, Any]:
    versions: dict[str, str | None] = dict(_library_versions())
    nlp_meta = getattr(res.nlp, "meta", {}) or {}
    versions["spacy_model"] = f"{nlp_meta.get('name', '?')}-{nlp_meta.get('version', '?')}"
    meta: dict[str, Any] = {
        "versions": versions,
        "model": res.encoder.signature_fields(),
        "options": options.to_dict(),
    }
    if res.reference_sets is not None and hasattr(res.reference_sets, "sources"):
        meta["reference_sets"] = list(res.reference_sets.sources)
    if res.glossary is not None:  # which files, and how many terms they gave (a file may match nothing)
        meta["glossary"] = {"sources": list(res.glossary.sources), "terms": len(res.glossary)}
    return meta
