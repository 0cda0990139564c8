"""The portal's JSON API (/api/portal), one module per area."""
