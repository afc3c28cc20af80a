"""`python -m guardrails` runs the command-line interface."""

from guardrails.cli import main

raise SystemExit(main())
