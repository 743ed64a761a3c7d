"""What only makes the stages faster: forking work onto every core (background)
and keeping values across `mkdocs serve` rebuilds (memo).

May import only the standard library and itself: no stage, so every stage may use it.
Removing a speed-up changes no output.
"""
