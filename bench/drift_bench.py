"""Drift benchmark (issue 3): recall and false-flag rate of the registered checks, per issue category.

Runs on the development data beside the repository (``../shared/datasets``: DEMETR dev, HANS dev;
override with ``EVALUATOR_DATASETS``):

    .venv/bin/python bench/drift_bench.py                 # every pair, every check: bench/results/drift.md
    .venv/bin/python bench/drift_bench.py --limit 100     # quicker: at most 100 pairs per source file
    .venv/bin/python bench/drift_bench.py --files addition base_id35 --dump /tmp/f.jsonl

*Recall* of a meaning-changing category is the share of its pairs with a major or critical finding
of the right kind (``check`` or ``check:code``; a finding that absorbed a duplicate, see
``evaluator/checks/_dedupe.py``, counts for the kinds it absorbed too).  *False-flag rate* of a
meaning-changing category is the share of the meaning-preserving control pairs (DEMETR surface-only
edits and the ``base_id35`` paraphrases; HANS ``le_passive`` for role reversal) with a major or
critical finding of that category's kind; for a control category it is the share with a major or
critical finding of any kind.  Throughput is sentence pairs per second, spaCy parse included, on a
fresh sample parsed without any cache, in one process (the machine has 2 cores).

DEMETR uses ``mt_sent`` as the original and ``pert_sent`` as the rewrite (pairs with ``pert_check``
true).  "Edits inside quotations" has no DEMETR file of its own; it is measured on (a) the DEMETR
meaning-changing pairs whose every changed character lies inside a quotation of the original, and
(b) a seeded synthetic set: a span of a ``base_id35`` sentence put in quotation marks on both sides,
then one word substituted, deleted or inserted inside the quotation on the rewrite side.
"""
from __future__ import annotations

import argparse
import difflib
import json
import logging
import os
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evaluator.checks import REGISTRY, dedupe_findings, load_all, run_checks  # noqa: E402
from evaluator.checks.base import CheckContext  # noqa: E402
from evaluator.types import AlignedPair, Document, Finding, PairScores, Paragraph, Sentence, Severity  # noqa: E402

log = logging.getLogger("drift_bench")

DATA = Path(os.environ.get("EVALUATOR_DATASETS") or ROOT.parent / "shared" / "datasets")
RESULTS = ROOT / "bench" / "results" / "drift.md"
SCRATCH = ROOT / "bench" / "out" / "drift.md"

NUMBERS = frozenset({"numbers"})
ENTITIES = frozenset({"entities:entity-missing", "entities:entity-substituted", "entities:org-renamed", "titles"})
NEGATION = frozenset({"negation:negation-added", "negation:negation-removed"})
ANTONYM = frozenset({"negation:antonym-swap"})
GENDER = frozenset({"entities:pronoun-gender-changed"})
QUOTES = frozenset({"quotes"})
ROLES = frozenset({"roles:role-reversed"})
OMISSION = frozenset({"omission:clause-dropped", "omission:sentence-omitted"})
ADDITION = frozenset({"omission:content-added", "omission:sentence-added"})
TENSE = frozenset({"tense"})

SURFACE = ("case", "first_lower", "full_lower", "final_punc_removed", "punc_addition", "tokenized")
PARAPHRASE = ("reference",)
# DEMETR meaning-changing files whose edits, when they fall inside a quotation, make the quote set
MEANING = ("numbers_replaced", "ne_replaced", "ne_removed", "negation", "antonym", "addition", "gender",
           "pp_removed", "noun_removed", "subj_removed", "verb_removed", "question", "tense")


@dataclass(frozen=True)
class Target:
    """One issue-3 category: the source rows it pools, what counts, and its target."""

    label: str
    sources: tuple[str, ...]
    kinds: frozenset[str] | None  # None: a control (any major/critical finding is a false flag)
    target: str  # as the issue words it
    threshold: float
    controls: tuple[str, ...] = SURFACE + PARAPHRASE  # where this kind's false flags are counted
    flag_limit: float | None = None  # a limit on the false-flag rate too (role reversal on le_passive)


# The rows of the measurement section, in its order, with its targets.
TARGETS: tuple[Target, ...] = (
    Target("numbers", ("numbers_replaced",), NUMBERS, ">= 0.95", 0.95),
    Target("named entities replaced or removed", ("ne_replaced", "ne_removed"), ENTITIES, ">= 0.85", 0.85),
    Target("negation", ("negation",), NEGATION, ">= 0.9", 0.90),
    Target("gender", ("gender",), GENDER, ">= 0.85", 0.85),
    Target("edits inside quotations", ("quote_edit_demetr", "quote_edit_synthetic"), QUOTES, ">= 0.95", 0.95),
    Target("role reversal", ("ln_subject/object_swap", "ln_passive"), ROLES,
           ">= 0.9, <= 5% flags on le_passive", 0.90, controls=("le_passive",), flag_limit=0.05),
    Target("omissions (pp/noun/subj/verb removed)", ("pp_removed", "noun_removed", "subj_removed", "verb_removed"),
           OMISSION, ">= 0.7", 0.70),
    Target("additions", ("addition",), ADDITION, ">= 0.6", 0.60),
    Target("tense and question", ("tense", "question"), TENSE, ">= 0.7", 0.70),
    Target("antonyms", ("antonym",), ANTONYM, ">= 0.5", 0.50),
    Target("surface-only edits (case, punctuation, tokenisation)", SURFACE, None, "<= 3% major/critical", 0.03),
    Target("base_id35 paraphrase pairs", PARAPHRASE, None, "<= 10% major/critical", 0.10),
)
THROUGHPUT_TARGET = 100.0


@dataclass
class Category:
    """One source row: a DEMETR file, a HANS subcase or a derived set, with its pairs."""

    name: str
    source: str
    originals: list[str] = field(default_factory=list)
    rewrites: list[str] = field(default_factory=list)


# -- data --------------------------------------------------------------------------------------------

def _demetr_name(stem: str) -> str:
    return re.sub(r"^(base|minor|major|critical)_id\d+_", "", stem)


# curly and guillemet pairs; a straight double quote opens only after a space or bracket (so the closing
# mark of a quotation whose opener is missing does not start one) and closes after a non-space
_QUOTE_SPANS = re.compile(r"“[^“”]+”|(?:^|(?<=[\s(\[—–-]))\"(?=\S)[^\"\n]+?(?<=\S)\"|«[^«»]+»|‘[^‘’]+’"
                          r"|(?<!\w)'[^'\n]+'(?!\w)")


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """Quotations of ``text`` (marks included), by a plain pattern independent of the quotes check."""
    return [(m.start(), m.end()) for m in _QUOTE_SPANS.finditer(text) if len(m.group(0).split()) >= 2]


def edit_inside_quote(original: str, rewrite: str) -> bool:
    """Every changed character of ``original`` (by a character diff) lies inside one of its quotations."""
    spans = _quote_spans(original)
    if not spans:
        return False
    ops = [(i1, i2) for tag, i1, i2, _j1, _j2 in
           difflib.SequenceMatcher(None, original, rewrite, autojunk=False).get_opcodes() if tag != "equal"]
    return bool(ops) and all(any(a + 1 <= i1 and i2 <= b - 1 for a, b in spans) for i1, i2 in ops)


def synthetic_quotes(sentences: Sequence[str], seed: int = 13) -> Category:
    """A span of each sentence quoted on both sides, with one word substituted, deleted or inserted inside."""
    rng = random.Random(seed)
    vocab = sorted({w for s in sentences for w in s.split() if w.isalpha() and len(w) > 3})
    cat = Category("quote_edit_synthetic", "synthetic from base_id35 mt_sent")
    for k, text in enumerate(sentences):
        words = text.split()
        if len(words) < 8:
            continue
        n = rng.randint(3, min(10, len(words) - 2))
        a = rng.randint(0, len(words) - n)
        inner = words[a:a + n]
        new = list(inner)
        edit = ("substitute", "delete", "insert")[k % 3]
        i = rng.randrange(len(inner))
        if edit == "substitute":
            choice = rng.choice(vocab)
            while choice.lower() == inner[i].lower().strip(",.;:!?"):
                choice = rng.choice(vocab)
            new[i] = choice
        elif edit == "delete":
            del new[i]
        else:
            new.insert(i, rng.choice(vocab))
        left, right = " ".join(words[:a]), " ".join(words[a + n:])
        cat.originals.append(f"{left} “{' '.join(inner)}” {right}".strip())
        cat.rewrites.append(f"{left} “{' '.join(new)}” {right}".strip())
    return cat


def load_categories(files: Sequence[str] | None, limit: int | None) -> list[Category]:
    """DEMETR files (pert_check true), HANS subcases and the two quotation sets, optionally filtered."""
    cats: list[Category] = []
    quote_demetr = Category("quote_edit_demetr", "DEMETR meaning edits inside a quotation")
    base_sentences: list[str] = []
    for path in sorted((DATA / "demetr-dev").glob("*.json")):
        records = json.loads(path.read_text(encoding="utf-8"))
        cat = Category(name=_demetr_name(path.stem), source=path.stem)
        for rec in records:
            if not rec.get("pert_check") or not rec.get("mt_sent") or not rec.get("pert_sent"):
                continue
            cat.originals.append(rec["mt_sent"])
            cat.rewrites.append(rec["pert_sent"])
            if cat.name in MEANING and edit_inside_quote(rec["mt_sent"], rec["pert_sent"]):
                quote_demetr.originals.append(rec["mt_sent"])
                quote_demetr.rewrites.append(rec["pert_sent"])
            if cat.name == "reference":
                base_sentences.append(rec["mt_sent"])
        cats.append(cat)
    cats.extend([quote_demetr, synthetic_quotes(base_sentences)])
    hans: dict[str, Category] = {}
    hans_path = DATA / "hans-dev" / "pairs.jsonl"
    for line in hans_path.read_text(encoding="utf-8").splitlines() if hans_path.exists() else []:
        if line.strip():
            rec = json.loads(line)
            cat = hans.setdefault(rec["subcase"], Category(name=rec["subcase"], source="hans-dev"))
            cat.originals.append(rec["original"])
            cat.rewrites.append(rec["rewritten"])
    cats.extend(hans[k] for k in sorted(hans))
    if files:
        cats = [c for c in cats if any(f in c.name or f in c.source for f in files)]
    if limit:
        for c in cats:
            c.originals, c.rewrites = c.originals[:limit], c.rewrites[:limit]
    return cats


# -- contexts and findings ---------------------------------------------------------------------------

_NLP: Any = None
_PARSED: dict[str, Any] = {}


def _nlp() -> Any:
    global _NLP
    if _NLP is None:
        from evaluator.segment import load_nlp

        _NLP = load_nlp()
    return _NLP


def _one_sentence_doc(doc_id: str, text: str) -> Document:
    return Document(doc_id, text, (Sentence(0, 0, len(text), 0, text),), (Paragraph(0, 0, len(text)),))


def _context(original: str, rewrite: str, o_doc: Any, r_doc: Any) -> CheckContext:
    parses = {}
    for side, d in (("original", o_doc), ("rewritten", r_doc)):
        sents = list(d.sents)
        parses[side] = [sents[0] if len(sents) == 1 else d[:]]
    return CheckContext(original=_one_sentence_doc("original", original),
                        rewritten=_one_sentence_doc("rewritten", rewrite),
                        alignment=[AlignedPair((0,), (0,), 1.0)], pairs={0: PairScores(0, 0.0, 0.0, 0.0, 0.0)},
                        coverage=None, parses=parses)


def build_contexts(originals: Sequence[str], rewrites: Sequence[str]) -> list[CheckContext]:
    """One 1-1 context per pair; every distinct text is parsed once (DEMETR reuses its originals)."""
    todo = list(dict.fromkeys(t for t in [*originals, *rewrites] if t not in _PARSED))
    for text, doc in zip(todo, _nlp().pipe(todo, batch_size=256), strict=True):
        _PARSED[text] = doc
    return [_context(o, r, _PARSED[o], _PARSED[r]) for o, r in zip(originals, rewrites, strict=True)]


def findings_for(contexts: Sequence[CheckContext], checks: Sequence[str] | None,
                 errors: Counter[str], timings: Counter[str]) -> list[list[Finding]]:
    """Each check over all contexts (so its time can be reported), then the registry's duplicate merge."""
    def on_error(name: str, exc: BaseException) -> None:
        errors[f"{name}: {type(exc).__name__}: {exc}"[:160]] += 1

    out: list[list[Finding]] = [[] for _ in contexts]
    for name in checks or sorted(REGISTRY):
        t0 = time.perf_counter()
        for k, ctx in enumerate(contexts):
            out[k].extend(run_checks(ctx, [name], on_error=on_error, merge=False))
        timings[name] += time.perf_counter() - t0
    t0 = time.perf_counter()
    merged = [dedupe_findings(fs, ctx) for fs, ctx in zip(out, contexts, strict=True)]
    timings["(merge duplicates)"] += time.perf_counter() - t0
    return merged


def finding_kinds(f: Finding) -> set[str]:
    """``check`` and ``check:code`` of a finding and of every finding it absorbed."""
    kinds = {f.check, f"{f.check}:{f.code}"}
    for m in (f.data or {}).get("merged", ()):
        kinds.update({m["check"], f"{m['check']}:{m['code']}"})
    return kinds


def serious(fs: Iterable[Finding]) -> list[Finding]:
    return [f for f in fs if f.severity >= Severity.MAJOR]


def rate(flags: Sequence[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


# -- throughput --------------------------------------------------------------------------------------

def throughput(cats: Sequence[Category], n: int) -> tuple[int, float, float]:
    """Pairs per second (wall clock, and per second of this process's CPU time) for ``n`` pairs taken
    round-robin from the categories: fresh parse, every check, the duplicate merge."""
    from itertools import zip_longest

    rows = [(o, r) for group in zip_longest(*[list(zip(c.originals, c.rewrites, strict=True)) for c in cats])
            for pair in group if pair is not None for o, r in [pair]][:n]
    if not rows:
        return 0, 0.0, 0.0
    nlp = _nlp()
    t0, c0 = time.perf_counter(), time.process_time()
    texts = [t for o, r in rows for t in (o, r)]
    docs = list(nlp.pipe(texts, batch_size=256))
    for k, (o, r) in enumerate(rows):
        run_checks(_context(o, r, docs[2 * k], docs[2 * k + 1]))
    return len(rows), len(rows) / (time.perf_counter() - t0), len(rows) / max(1e-9, time.process_time() - c0)


# -- tables ------------------------------------------------------------------------------------------

def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--files", nargs="*", help="only source rows whose name or file contains one of these")
    ap.add_argument("--checks", nargs="*", help="only these checks (default: every registered check)")
    ap.add_argument("--limit", type=int, default=None, help="at most this many pairs per source row")
    ap.add_argument("--throughput-pairs", type=int, default=2000,
                    help="pairs in the throughput sample (0: skip the measurement)")
    ap.add_argument("--out", default=None,
                    help="Markdown output (default: bench/results/drift.md for a full run, else bench/out/drift.md)")
    ap.add_argument("--dump", default=None, help="write every major+ finding, with its pair, to this JSONL file")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    if not (DATA / "demetr-dev").is_dir():
        print(f"drift_bench: no DEMETR data at {DATA / 'demetr-dev'} (set EVALUATOR_DATASETS)", file=sys.stderr)
        return 2

    load_all()
    unknown = sorted(set(args.checks or ()) - set(REGISTRY))
    if unknown:
        print(f"drift_bench: unknown check(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    cats = load_categories(args.files, args.limit)
    errors, timings = Counter[str](), Counter[str]()
    found: dict[str, list[list[Finding]]] = {}
    dump = open(args.dump, "w", encoding="utf-8") if args.dump else None  # noqa: SIM115
    t_start = time.perf_counter()
    for cat in cats:
        fs = findings_for(build_contexts(cat.originals, cat.rewrites), args.checks, errors, timings)
        found[cat.name] = fs
        if dump:
            for k, pair_fs in enumerate(fs):
                for f in serious(pair_fs):
                    dump.write(json.dumps({"category": cat.name, "pair": k, "original_text": cat.originals[k],
                                           "rewritten_text": cat.rewrites[k], **f.to_dict()}) + "\n")
    if dump:
        dump.close()
    elapsed = time.perf_counter() - t_start

    def hits(name: str, kinds: frozenset[str] | None) -> list[bool]:
        return [any(kinds is None or finding_kinds(f) & kinds for f in serious(fs)) for fs in found.get(name, [])]

    lines = ["# Drift benchmark (issue 3)", "",
             f"Data: `{DATA}`; pairs per source row: {args.limit or 'all'}; checks: "
             f"{', '.join(args.checks or sorted(REGISTRY))}.", "",
             "| category | recall | false-flag rate | n | target | met | per source row |",
             "|---|---:|---:|---:|---|---|---|"]
    missed = 0
    for t in TARGETS:
        present = [s for s in t.sources if s in found]
        if not present:
            continue
        flags = [x for s in present for x in hits(s, t.kinds)]
        ctl = [x for s in t.controls if s in found for x in hits(s, t.kinds)]
        per = {s: rate(hits(s, t.kinds)) for s in present}
        if t.kinds is None:  # a control: the pooled rate and every row's rate within the limit
            recall, ff = None, rate(flags)
            ok = all(v is not None and v <= t.threshold for v in [ff, *per.values()])
        else:  # recall on the pooled pairs and on every source row
            recall, ff = rate(flags), rate(ctl)
            ok = all(v is not None and v >= t.threshold for v in [recall, *per.values()]) and (
                t.flag_limit is None or (ff is not None and ff <= t.flag_limit))
        missed += not ok
        rows = ", ".join(f"{s} {_pct(v)} (n={len(found[s])})" for s, v in per.items()) if len(per) > 1 else ""
        lines.append(f"| {t.label} | {_pct(recall)} | {_pct(ff)} | {len(flags)} | {t.target} | "
                     f"{'met' if ok else '**missed**'} | {_md(rows)} |")
    n_tp, tp, tp_cpu = throughput([c for c in cats if c.source != "hans-dev"] or cats, args.throughput_pairs) \
        if args.throughput_pairs else (0, 0.0, 0.0)
    if n_tp:
        ok = tp >= THROUGHPUT_TARGET
        missed += not ok
        lines.append(f"| throughput (sentence pairs/s, parse included, 2 cores) | {tp:.0f}/s | – | {n_tp} | "
                     f">= {THROUGHPUT_TARGET:.0f}/s | {'met' if ok else '**missed**'} | "
                     f"{tp_cpu:.0f} per CPU-second of this process |")
    lines += ["", "Recall: share of the category's pairs with a major or critical finding of the right kind. "
              "False-flag rate: for a meaning-changing category, share of the control pairs (surface-only edits "
              "and base_id35 paraphrases; le_passive for role reversal) with a major or critical finding of "
              "that kind; for a control category, share of its pairs with any major or critical finding. "
              "A target counts as met when the pooled figure and every source row's figure meet it.",
              "", f"Targets missed: {missed}.", ""]

    # per source row: every row, the right kinds, and what the serious findings were
    lines += ["## Per source row", "",
              "| row | source | n | hit rate (right kind) | any major+ | counts as | top major+ findings |",
              "|---|---|---:|---:|---:|---|---|"]
    kinds_of = {s: t.kinds for t in TARGETS for s in t.sources}
    for cat in cats:
        fs = found[cat.name]
        kinds = kinds_of.get(cat.name)
        right = rate(hits(cat.name, kinds)) if kinds is not None else None
        anym = rate(hits(cat.name, None))
        top = Counter(f"{f.check}:{f.code}" for pair_fs in fs for f in serious(pair_fs))
        role_flags = ""
        if cat.name == "le_passive":
            role_flags = f" (role-reversed: {_pct(rate(hits(cat.name, ROLES)))})"
        lines.append(f"| {cat.name} | {_md(cat.source)} | {len(fs)} | {_pct(right)} | {_pct(anym)}{role_flags} | "
                     f"{', '.join(sorted(kinds)) if kinds else ('control' if cat.name in SURFACE + PARAPHRASE + ('le_passive',) else 'no issue-3 target')} | "
                     f"{_md(', '.join(f'{k} {v}' for k, v in top.most_common(4)))} |")
    total = sum(len(c.originals) for c in cats)
    per_check = ", ".join(f"{name} {total / t:.0f}/s" for name, t in timings.most_common() if t > 0)
    lines += ["", f"{total} pairs scored in {elapsed:.1f} s (each distinct text parsed once). "
              f"Checks alone, pairs/s (slowest first): {per_check}."]
    if n_tp:
        lines.append(f"Throughput sample: {n_tp} DEMETR pairs, both sides parsed fresh with the pipeline's spaCy "
                     f"model (one process), then every check and the duplicate merge; wall clock decides met/missed; "
                     f"{os.cpu_count()} CPUs visible, load average at the end {os.getloadavg()[0]:.1f} (other "
                     f"work on the machine lowers the wall-clock figure, not the per-CPU-second one).")
    for msg, count in errors.most_common(10):
        lines.append(f"check error x{count}: {msg}")
    text = "\n".join(lines) + "\n"
    print(text)
    full_run = not (args.files or args.checks or args.limit)
    out = Path(args.out) if args.out else (RESULTS if full_run else SCRATCH)
    out.parent.mkdir(parents=True, exist_ok=True)
    from evaluator._atomic import atomic_write_text

    atomic_write_text(out, text)
    print(f"written: {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
