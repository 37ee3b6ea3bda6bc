"""Tell whether a rewritten or machine-translated article still says what the original said."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
