"""Tell whether a rewritten or machine-translated article still says what the original said."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

# MKL's strict conditional numerical reproducibility, read at its first call: a matrix product gives
# each row the same bits whatever the other rows of the batch and however many threads run it (on an
# AVX-512 CPU the default gave up to 4e-6 apart for a batch of 8 rows on 1 vs 2 threads).  So an
# encoding does not depend on how texts were batched, chunked or shared among worker processes, and
# `score --workers`, `--chunk-size` and the encoding cache cannot move a number.  Its cost, 5,000
# BERTScore pairs on an AVX-512 Xeon, alternated fresh processes: none measurable on a quiet machine
# (medians 5.504 s strict, 5.496 s without, 5 each); in two noisier series 1% and 4%.  A value the
# user set is kept; a process that ran MKL before importing evaluator keeps its mode.
os.environ.setdefault("MKL_CBWR", "AUTO,STRICT")

from .errors import ConfigError, DocumentError, EvaluatorError, InputError, ModelError
from .options import Options
from .types import AlignedPair, Document, Finding, Report, Sentence, Severity, Span

__all__ = [
    "compare", "load_results", "Report", "Finding", "Severity", "Span", "Sentence", "Document", "AlignedPair",
    "Options", "EvaluatorError", "InputError", "DocumentError", "ConfigError", "ModelError",
]
__version__ = "0.1.0"

if TYPE_CHECKING:  # pragma: no cover
    from .frames import load_results as load_results
    from .pipeline import compare as compare


def __getattr__(name: str) -> Any:
    # The pipeline pulls in numpy/sacrebleu; keep ``import evaluator`` cheap for the CLI's --help.
    if name == "compare":
        from .pipeline import compare

        return compare
    if name == "load_results":  # pandas: only when asked for
        from .frames import load_results

        return load_results
    raise AttributeError(name)
