"""Curated ML-paper newsletter generator.

Data flows one way, one module per stage:

    reader.py   files on disk      -> Content (notes, issues, vocabulary, problems)
    grouping.py Content            -> Site (months with sections, tags with papers)
    render.py   Site               -> Pages (Markdown text per URL)
    plugin.py   Pages              -> MkDocs (in-memory files, nav, live-reload)

Everything except reader.py and plugin.py is a pure function over the frozen
dataclasses in model.py.
"""
