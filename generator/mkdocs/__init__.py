"""The MkDocs adapter: the `newsletter` plugin, the `rawhtml` Markdown extension,
and what makes MkDocs builds fast (the render cache, incremental serve).

The only package that imports MkDocs (with cli.py). Its hooks stay a few lines
that call the pure stages; it may import every stage, and no stage imports it.
Absolute imports of `mkdocs` inside this package name MkDocs itself.
"""
