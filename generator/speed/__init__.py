"""What only makes the stages faster: forking work onto every core (background)
and keeping values across `mkdocs serve` rebuilds (memo).

Imports no stage, so every stage may use it; removing a speed-up changes no output.
"""
