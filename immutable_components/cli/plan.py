"""``immutable plan`` (placeholder until the plan runner lands)."""
