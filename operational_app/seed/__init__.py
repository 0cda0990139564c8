"""Deterministic demo data for the OLTP database (DESIGN.md §4): `seed_database(url, scale)`."""

from operational_app.seed.generator import SCALES, Scale
from operational_app.seed.runner import SEEDED_TABLES, seed_database

__all__ = ["SCALES", "SEEDED_TABLES", "Scale", "seed_database"]
