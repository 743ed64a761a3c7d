"""Time the generator's own stage (read + validate, group, render Markdown) in a
fresh process: `python benchmarks/stage.py <mkdocs.yml>` prints one JSON line.

Run as a script (not `-m`) so it imports whichever `generator` the environment
provides, exactly as `newsletter build` would.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def main(config_file: str) -> None:
    started = time.perf_counter()
    from mkdocs.config import load_config

    from generator.grouping import group
    from generator.read import read_content
    from generator.render import render_site

    imported = time.perf_counter()
    config = load_config(config_file)
    options = config.plugins["newsletter"].config
    root = Path(config_file).resolve().parent
    t0 = time.perf_counter()
    content = read_content(Path(options.content_dir), Path(options.tags_file) if options.tags_file else None,
                           root, options.unknown_tags)
    t1 = time.perf_counter()
    site = group(content)
    t2 = time.perf_counter()
    pages = render_site(site, config.site_name, config.site_description or "")
    t3 = time.perf_counter()
    print(json.dumps({"import_s": imported - started, "read_s": t1 - t0, "group_s": t2 - t1, "render_s": t3 - t2,
                      "total_s": t3 - t0, "notes": len(content.notes), "pages": len(pages),
                      "problems": len(content.problems) + len(site.problems)}))


if __name__ == "__main__":
    main(sys.argv[1])
