"""Public pages. Readers only ever see published deployments."""
