"""Silo files as tests write them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["write_jsonl"]


def write_jsonl(path: Path, lines: list[dict[str, Any]]) -> Path:
    """One JSON object a line, UTF-8, Chinese as characters (as exports write them)."""
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    return path
