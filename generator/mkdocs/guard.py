"""A Markdown extension that stops a build the newsletter plugin does not run in.

Engines that read `mkdocs.yml` but run no third-party plugins (Zensical; MkDocs 2
drops plugins altogether) skip the `newsletter` plugin without a word, and then
publish the raw note files as pages: no digest, no tag page, no feed, and no
error. They do load the Markdown extensions `mkdocs.yml` names, though, and
this is one of them: the plugin switches it off (`enabled: false`) in every
build it runs, and it never stops a process that has the plugin loaded (our
own commands); anywhere else converting a page raises, and the build stops
with a message saying what to do. Where this package is not installed at all the engine fails
on the missing extension instead, which is loud too.
"""

from __future__ import annotations

import sys

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

GUARD = "generator.mkdocs.guard"
PLUGIN_MODULE = "generator.mkdocs.plugin"
MESSAGE = ("this mkdocs.yml needs the newsletter plugin, which this engine does not run: it would publish the raw "
           "note files instead of the digests, tag pages and feeds. Build with `newsletter build` (MkDocs or "
           "ProperDocs), or run `newsletter export --out export` and build export/mkdocs.yml with any engine "
           "(README: Engines)")


class NewsletterPluginMissing(RuntimeError):
    pass


class GuardExtension(Extension):
    def __init__(self, **kwargs):
        self.config = {"enabled": [True, "raise unless the newsletter plugin turned this off"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        # On the first page converted, not here: MkDocs loads the extensions to check
        # mkdocs.yml before any plugin has run.
        if self.getConfig("enabled"):
            md.preprocessors.register(_Stop(md), "newsletter_guard", 1000)


class _Stop(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        # Our own commands may convert Markdown with the site's extensions (the plugin
        # module is loaded there, as in every build that runs the plugin): never stop those.
        if PLUGIN_MODULE in sys.modules:
            return lines
        raise NewsletterPluginMissing(MESSAGE)


def makeExtension(**kwargs) -> GuardExtension:  # noqa: N802
    return GuardExtension(**kwargs)
