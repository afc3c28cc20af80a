"""External checkers run as subprocesses: Semgrep and Ruff."""
