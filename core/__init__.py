"""Low-level helpers any app may import: environment parsing, task queueing, safe HTTP."""
