"""One exception tree for the whole package.

    EvaluatorError                 base; ``str(err)`` is the one line the CLI prints
    ├── InputError                 bad user input -> exit code 2
    │   ├── DocumentError          a document file: missing, empty, binary, undecodable ...
    │   ├── ConfigError            a config / gate / glossary / reference-set / manifest file
    │   └── ModelError             an unknown or unloadable model
    └── GateFailure                raised nowhere in library code; reserved for the pytest plugin
"""
from __future__ import annotations


class EvaluatorError(Exception):
    """Base class: the message is a single line fit for stderr."""

    exit_code = 2


class InputError(EvaluatorError):
    """The user gave something we cannot use."""


class DocumentError(InputError):
    """A document cannot be read or is not usable text."""

    def __init__(self, path: object, problem: str) -> None:
        self.path = str(path) if path is not None else "<text>"
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class ConfigError(InputError):
    """A configuration-like file (gate TOML, glossary, reference set, manifest) is malformed."""

    def __init__(self, path: object, problem: str, line: int | None = None) -> None:
        self.path = str(path) if path is not None else "<config>"
        self.problem = problem
        self.line = line
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {problem}")


class ModelError(InputError):
    """A model name or path cannot be loaded offline."""


class GateFailure(AssertionError):
    """Raised by ``evaluator.testing.assert_quality`` when a quality gate fails."""
