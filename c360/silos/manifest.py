"""What a build produced; also the key that makes ``build`` idempotent."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["SiloManifest", "FORMAT_VERSION", "MANIFEST_NAME"]

#: Bumped whenever the generated layout or content changes, so stale data dirs are rebuilt.
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"


@dataclass
class SiloManifest:
    """Size, seed, per-silo record counts and the simulated clock of one generated data dir."""

    size: int
    seed: int
    now: str
    generated_at: str
    format_version: int = FORMAT_VERSION
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    entities: dict[str, int] = field(default_factory=dict)
    files: dict[str, list[str]] = field(default_factory=dict)

    @property
    def total_records(self) -> int:
        return sum(n for kinds in self.counts.values() for n in kinds.values())

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SiloManifest:
        return cls(**data)

    @classmethod
    def load(cls, data_dir: Path) -> SiloManifest | None:
        """The manifest in ``data_dir`` or None if absent/unreadable (then the dir gets rebuilt)."""
        path = data_dir / MANIFEST_NAME
        try:
            return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    def save(self, data_dir: Path) -> None:
        tmp = data_dir / (MANIFEST_NAME + ".part")
        tmp.write_text(self.to_json(), encoding="utf-8")
        tmp.replace(data_dir / MANIFEST_NAME)
