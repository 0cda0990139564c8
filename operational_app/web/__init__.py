"""Server-rendered pages for operators; they call the same domain services as the API."""
