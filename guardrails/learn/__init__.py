"""`guardrails learn`: rules proposed from a fix, kept only when verified on it.

A commit that fixed a mistake holds the bad example (the code before) and
the good one (the code after). `changes` cuts a commit, the working tree or
a diff into such before/after statement pairs; `patterns` proposes Semgrep
patterns for each pair, from exact to general; `verify` runs them all in
one offline Semgrep process and keeps a candidate only if it fires on every
before and on no after. A fix no pattern separates (a rename, a refactor)
yields no rule, and says why.
"""
