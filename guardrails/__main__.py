"""`python -m guardrails` runs the command-line interface."""

from guardrails.launcher import main

if __name__ == "__main__":  # not when a spawned worker process imports this module
    raise SystemExit(main())
