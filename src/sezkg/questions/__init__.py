"""Questions asked of the KG: the query catalogue, endpoints, overlaps, validation."""
