"""The JSON rendering: ``Report.to_dict()`` written atomically."""
from __future__ import annotations

import os
from typing import Any

from .._atomic import atomic_write_json, dumps_json


def render_json(report: dict[str, Any]) -> str:
    return dumps_json(report)


def write_json(report: dict[str, Any], path: str | os.PathLike[str]) -> None:
    atomic_write_json(path, report)
