"""Seeded simulator of a telecom operator's data silos (BOSS, key accounts, billing, call center, BI).

It generates a consistent population, stores what each silo would hold (with the disagreements real
silos have) and keeps the ground truth so identity resolution can be scored.
"""

from __future__ import annotations

from .generate import build
from .manifest import SiloManifest
from .noise import NoiseRates

__all__ = ["build", "SiloManifest", "NoiseRates"]
