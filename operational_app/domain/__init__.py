"""Entry rules of the operational app: validation, state machines and services (no HTTP)."""
