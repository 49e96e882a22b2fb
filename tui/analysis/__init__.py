"""Analysis over the store: story sketches (near-duplicate detection), trends, briefs."""
