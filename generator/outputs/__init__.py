"""Stage 4, outputs: the finished files a site publishes beside its pages (the
Atom feeds; the records of the search index), each one module fed by the grouped Site and, where an output shows
page content, by the HTML MkDocs rendered for it, never by re-reading files.

May import: model, slugs, speed, grouping, render. Not MkDocs: the adapter
(generator.mkdocs) hands each output what it needs and writes the result.
"""
