"""Tests of the pure smart-heating planner."""
