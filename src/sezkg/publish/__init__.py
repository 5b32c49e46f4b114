"""Taking the data elsewhere: export formats, JSON-LD, tables, push and serve."""
