"""Invariants under random faults: seeded scenarios run end to end (issue 15 §2)."""
