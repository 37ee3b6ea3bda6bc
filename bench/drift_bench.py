"""Official drift benchmark: per-category recall and false-flag rates of every registered check.

Runs on the development data in /work/shared/datasets (DEMETR dev, HANS dev):

    .venv/bin/python bench/drift_bench.py                 # all files, all registered checks
    .venv/bin/python bench/drift_bench.py --limit 100     # quicker: first 100 usable pairs per file
    .venv/bin/python bench/drift_bench.py --checks omission roles --files addition base_id35
    .venv/bin/python bench/drift_bench.py --with-bertscore   # contexts from evaluator.pipeline

For a meaning-changing category, *recall* is the share of pairs with a major-or-critical finding of
the right kind (a check name, or check:code, from ``CATEGORY_KINDS``).  For a meaning-preserving
category (surface-only edits, paraphrases, HANS le_passive), *false flags* is the share of pairs with
any major-or-critical finding from any check.  The table goes to stdout and to bench/out/drift.md.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evaluator.checks import REGISTRY, load_all, run_checks  # noqa: E402
from evaluator.checks.base import CheckContext  # noqa: E402
from evaluator.types import AlignedPair, Document, Finding, PairScores, Paragraph, Sentence, Severity  # noqa: E402

log = logging.getLogger("drift_bench")

DATA = Path(os.environ.get("EVALUATOR_DATASETS", "/work/shared/datasets"))
OUT = ROOT / "bench" / "out"

# category -> (what counts as the right kind: "check" or "check:code", target recall)
CATEGORY_KINDS: dict[str, tuple[frozenset[str], float]] = {
    "numbers_replaced": (frozenset({"numbers"}), 0.8),
    "ne_replaced": (frozenset({"entities", "titles"}), 0.7),
    "ne_removed": (frozenset({"entities", "titles", "omission"}), 0.7),
    "negation": (frozenset({"negation"}), 0.8),
    "antonym": (frozenset({"negation:antonym-swap"}), 0.5),
    "gender": (frozenset({"entities:pronoun-gender-changed"}), 0.6),
    "pp_removed": (frozenset({"omission"}), 0.7),
    "noun_removed": (frozenset({"omission"}), 0.7),
    "subj_removed": (frozenset({"omission"}), 0.7),
    "verb_removed": (frozenset({"omission"}), 0.7),
    "addition": (frozenset({"omission:content-added"}), 0.6),
    "question": (frozenset({"tense"}), 0.7),
    "tense": (frozenset({"tense"}), 0.7),
    "aspect": (frozenset({"tense"}), 0.5),
    "ln_subject/object_swap": (frozenset({"roles"}), 0.9),
    "ln_passive": (frozenset({"roles"}), 0.9),
}
# categories whose pairs mean the same thing: any major/critical finding is a false flag
CLEAN_LIMITS: dict[str, float] = {
    "case": 0.03, "first_lower": 0.03, "full_lower": 0.03, "final_punc_removed": 0.03,
    "punc_addition": 0.03, "tokenized": 0.03, "reference": 0.10, "le_passive": 0.05,
}


@dataclass
class Category:
    """One benchmark row: a DEMETR file or a HANS subcase, with its pairs."""

    name: str
    source: str
    originals: list[str] = field(default_factory=list)
    rewrites: list[str] = field(default_factory=list)


def load_categories(files: Sequence[str] | None, limit: int | None) -> list[Category]:
    """DEMETR files (pert_check true only) and HANS subcases, optionally filtered by substring."""
    cats: list[Category] = []
    for path in sorted((DATA / "demetr-dev").glob("*.json")):
        records = json.loads(path.read_text(encoding="utf-8"))
        cat = Category(name=re.sub(r"^(base|minor|major|critical)_id\d+_", "", path.stem), source=path.stem)
        for rec in records:
            if not rec.get("pert_check"):
                continue
            rewrite = rec["eng_sent"] if path.stem.startswith("base_id35") else rec["pert_sent"]
            if not rec.get("mt_sent") or not rewrite:
                continue
            cat.originals.append(rec["mt_sent"])
            cat.rewrites.append(rewrite)
        cats.append(cat)
    hans: dict[str, Category] = {}
    hans_path = DATA / "hans-dev" / "pairs.jsonl"
    if hans_path.exists():
        for line in hans_path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
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


_NLP: Any = None
_PARSED: dict[str, Any] = {}


def _nlp() -> Any:
    global _NLP
    if _NLP is None:
        import spacy

        from evaluator.options import DEFAULT_SPACY

        _NLP = spacy.load(DEFAULT_SPACY)
    return _NLP


def _one_sentence_doc(doc_id: str, text: str) -> Document:
    return Document(doc_id, text, (Sentence(0, 0, len(text), 0, text),), (Paragraph(0, 0, len(text)),))


def build_contexts(originals: Sequence[str], rewrites: Sequence[str]) -> list[CheckContext]:
    """One 1-1 context per pair (like tests/checkkit.make_context), parsing every sentence in one batch."""
    texts = list(originals) + list(rewrites)
    # DEMETR reuses each original across perturbation files: parse every distinct text once
    todo = list(dict.fromkeys(t for t in texts if t not in _PARSED))
    for text, doc in zip(todo, _nlp().pipe(todo, batch_size=256), strict=False):
        _PARSED[text] = doc
    docs = [_PARSED[t] for t in texts]
    n = len(originals)
    out: list[CheckContext] = []
    for k in range(n):
        parses = {}
        for side, d in (("original", docs[k]), ("rewritten", docs[n + k])):
            sents = list(d.sents)
            parses[side] = [sents[0] if len(sents) == 1 else d[:]]
        out.append(CheckContext(
            original=_one_sentence_doc("original", originals[k]),
            rewritten=_one_sentence_doc("rewritten", rewrites[k]),
            alignment=[AlignedPair((0,), (0,), 1.0)],
            pairs={0: PairScores(0, 0.0, 0.0, 0.0, 0.0)},
            coverage=None,
            parses=parses,
        ))
    return out


def build_contexts_bertscore(originals: Sequence[str], rewrites: Sequence[str]) -> list[CheckContext]:
    """Contexts from the pipeline's batch entry point, with BERTScore token evidence filled in."""
    from evaluator import pipeline  # noqa: F401  (imported to fail early with a clear message)
    from evaluator.options import Options

    evaluate_pairs = pipeline.evaluate_pairs  # type: ignore[attr-defined]
    options = Options()
    resources = pipeline.load_resources(options)
    return list(evaluate_pairs(originals, rewrites, options, resources))


def findings_for(contexts: Sequence[CheckContext], checks: Sequence[str] | None,
                 errors: Counter[str], timings: Counter[str]) -> list[list[Finding]]:
    """Run the checks one at a time over all contexts (so each check's time can be reported)."""
    def on_error(name: str, exc: BaseException) -> None:
        errors[f"{name}: {type(exc).__name__}: {exc}"[:160]] += 1

    out: list[list[Finding]] = [[] for _ in contexts]
    for name in checks or sorted(REGISTRY):
        t0 = time.perf_counter()
        for k, ctx in enumerate(contexts):
            out[k].extend(run_checks(ctx, [name], on_error=on_error))
        timings[name] += time.perf_counter() - t0
    for fs in out:
        fs.sort(key=Finding.sort_key)
    return out


def _kind_hit(f: Finding, kinds: frozenset[str]) -> bool:
    return f.check in kinds or f"{f.check}:{f.code}" in kinds


def score_category(cat: Category, findings: Sequence[Sequence[Finding]]) -> dict[str, Any]:
    n = len(findings)
    serious = [[f for f in fs if f.severity >= Severity.MAJOR] for fs in findings]
    any_rate = sum(1 for fs in serious if fs) / n if n else 0.0
    row: dict[str, Any] = {"category": cat.name, "source": cat.source, "n": n, "any_major": any_rate,
                           "recall": None, "false_flags": None, "target": "", "status": ""}
    if cat.name in CATEGORY_KINDS:
        kinds, target = CATEGORY_KINDS[cat.name]
        rec = sum(1 for fs in serious if any(_kind_hit(f, kinds) for f in fs)) / n if n else 0.0
        row.update(recall=rec, target=f">= {target:.2f}", status="pass" if rec >= target else "MISS",
                   kinds=",".join(sorted(kinds)))
    elif cat.name in CLEAN_LIMITS:
        limit = CLEAN_LIMITS[cat.name]
        row.update(false_flags=any_rate, target=f"<= {limit:.2f}",
                   status="pass" if any_rate <= limit else "MISS")
        culprits = Counter(f"{f.check}:{f.code}" for fs in serious for f in fs)
        row["culprits"] = ", ".join(f"{k} {v}" for k, v in culprits.most_common(3))
    return row


def render_table(rows: Sequence[dict[str, Any]]) -> str:
    def pct(x: float | None) -> str:
        return "" if x is None else f"{100 * x:.1f}%"

    lines = ["| category | source | n | recall | false flags | any major+ | target | status | counts as / top culprits |",
             "|---|---|---:|---:|---:|---:|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['category']} | {r['source']} | {r['n']} | {pct(r['recall'])} | "
                     f"{pct(r['false_flags'])} | {pct(r['any_major'])} | {r['target']} | {r['status']} | "
                     f"{r.get('kinds') or r.get('culprits') or ''} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", nargs="*", help="only categories whose name or file contains one of these")
    ap.add_argument("--checks", nargs="*", help="only these checks (default: every registered check)")
    ap.add_argument("--limit", type=int, default=None, help="at most this many pairs per category")
    ap.add_argument("--with-bertscore", action="store_true",
                    help="build contexts with evaluator.pipeline.evaluate_pairs (BERTScore evidence)")
    ap.add_argument("--out", default=str(OUT / "drift.md"))
    ap.add_argument("--dump", default=None, help="write every major+ finding to this JSONL file")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

    load_all()
    builder = build_contexts
    if args.with_bertscore:
        try:
            from evaluator.pipeline import evaluate_pairs  # noqa: F401
            builder = build_contexts_bertscore
        except ImportError:
            print("evaluator.pipeline.evaluate_pairs is not available: using parse-only contexts",
                  file=sys.stderr)
    cats = load_categories(args.files, args.limit)
    rows, errors, timings = [], Counter[str](), Counter[str]()
    total_pairs, t_build, t_check = 0, 0.0, 0.0
    dump = open(args.dump, "w", encoding="utf-8") if args.dump else None
    for cat in cats:
        t0 = time.perf_counter()
        contexts = builder(cat.originals, cat.rewrites)
        t1 = time.perf_counter()
        findings = findings_for(contexts, args.checks, errors, timings)
        t2 = time.perf_counter()
        t_build, t_check, total_pairs = t_build + t1 - t0, t_check + t2 - t1, total_pairs + len(contexts)
        rows.append(score_category(cat, findings))
        if dump:
            for k, fs in enumerate(findings):
                for f in fs:
                    if f.severity >= Severity.MAJOR:
                        dump.write(json.dumps({"category": cat.name, "pair": k, "original": cat.originals[k],
                                               "rewritten": cat.rewrites[k], **f.to_dict()}) + "\n")
    if dump:
        dump.close()
    table = render_table(rows)
    elapsed = t_build + t_check
    rate = total_pairs / elapsed if elapsed else 0.0
    checks = ", ".join(args.checks or sorted(REGISTRY))
    summary = (f"{total_pairs} pairs in {elapsed:.1f} s: {rate:.0f} pairs/s (parse {t_build:.1f} s, "
               f"checks {t_check:.1f} s). Checks: {checks}.")
    per_check = ", ".join(f"{name} {total_pairs / t:.0f}/s" for name, t in timings.most_common() if t > 0)
    summary += f"\nPer check (pairs/s, slowest first): {per_check}."
    print(table)
    print()
    print(summary)
    for msg, count in errors.most_common(10):
        print(f"check error x{count}: {msg}")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(f"# Drift benchmark\n\n{table}\n\n{summary}\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
