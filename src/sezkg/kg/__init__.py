"""The knowledge graph itself: where its files are, loading, terms, rows, files written safely."""
