"""pytest plugin (entry point ``evaluator``): ``assert_quality`` for a model's own test suite."""
from __future__ import annotations
