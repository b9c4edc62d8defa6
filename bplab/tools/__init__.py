"""Maintenance commands for the project (not needed by learners)."""
