"""Reliability rules (REL ids): one module per rule, named after its id and name.

A Ruff-backed rule's module holds its `RuleMeta` and the `RuffMapping` of the
Ruff codes that implement it.
"""
