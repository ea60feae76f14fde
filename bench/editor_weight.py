"""Weight of the rich-text editor on a discussion page: every static file the editor adds (the
module script, what it imports, its styles, the group writing helpers), raw and gzipped (-9, as
a compressing server or CDN sends them). Prints the page's other static assets too (the site's
own CSS/JS), as the "before" of the same run.

    .venv/bin/python bench/editor_weight.py
"""

import gzip
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cde_site.settings.dev")

import django  # noqa: E402

django.setup()

from django.contrib.staticfiles import finders  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402

STATIC_REF = re.compile(r'(?:href|src)="/static/([^"]+)"')
TEMPLATE_STATIC = re.compile(r"\{%\s*static\s+'([^']+)'\s*%\}")
JS_IMPORT = re.compile(r'(?:import|from)\s*["\'](\.{1,2}/[^"\']+)["\']')


def files_of(html):
    return [ref for ref in STATIC_REF.findall(html) if ref.endswith((".js", ".css"))]


def with_imports(path, seen):
    """`path` and the ES modules it imports by relative URL, recursively."""
    if path in seen:
        return
    seen.append(path)
    if path.endswith(".js"):
        text = Path(finders.find(path)).read_text(encoding="utf-8")
        for ref in JS_IMPORT.findall(text):
            with_imports(os.path.normpath(os.path.join(os.path.dirname(path), ref)), seen)


def weigh(paths):
    rows = []
    for path in paths:
        data = Path(finders.find(path)).read_bytes()
        rows.append((path, len(data), len(gzip.compress(data, 9))))
    return rows


def show(title, rows):
    print(f"\n{title}")
    for path, raw, gz in rows:
        print(f"  {path:<45} {raw / 1024:8.1f} kB  gzip {gz / 1024:7.1f} kB")
    print(
        f"  {'TOTAL':<45} {sum(r[1] for r in rows) / 1024:8.1f} kB  "
        f"gzip {sum(r[2] for r in rows) / 1024:7.1f} kB"
    )


def main():
    # base.html needs the database to render: read its {% static %} references instead.
    base = (ROOT / "platform/cde_site/templates/base.html").read_text(encoding="utf-8")
    page = [p for p in dict.fromkeys(TEMPLATE_STATIC.findall(base)) if p.endswith((".js", ".css"))]
    editor = []
    for template in ["commons/rich_text_css.html", "commons/rich_text_js.html"]:
        for path in files_of(render_to_string(template)):
            with_imports(path, editor)
    editor += ["groups/writing.js", "groups/writing.css"]
    show("Before: the site's own assets on every page (base.html)", weigh(page))
    show("Added by the editor on the discussion page", weigh(editor))


if __name__ == "__main__":
    main()
