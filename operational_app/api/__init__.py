"""JSON API under /api/v1: thin routes over `operational_app.domain`."""
