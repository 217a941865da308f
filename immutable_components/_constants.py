"""Values every component shares, defined once."""

MANAGED_BY = "immutable-components"
"""The ``ManagedBy`` tag (``managed-by``/``managed_by`` label on GCP) of what we create."""

MAX_INSTANCE_TYPES = 40
"""Instance types a mixed instances policy takes (AWS's limit on its overrides)."""
