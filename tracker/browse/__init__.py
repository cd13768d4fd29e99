"""Finding entries: filters, facet counts and full-text search."""
