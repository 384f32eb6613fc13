"""Test-only helpers shipped with the source tree (not imported by the app)."""
