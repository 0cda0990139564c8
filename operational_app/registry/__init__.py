"""Counterparty registries (issue 20): autofill by ИНН and monitoring, one interface, several
sources (DaData, a local copy of ЕГРЮЛ open data, a cache in front of either)."""
