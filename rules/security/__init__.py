"""Security rules (SEC ids): one module per rule, named after its id and name.

A Semgrep-backed rule is a YAML file with the same kind of name
(`sec006_sql_string_building.yaml`); the pack hands this folder to Semgrep.
"""
