"""Production's manifest storage fails collectstatic when a CSS or JS file references a missing
file (url(...) or a sourceMappingURL): check the planning assets reference only files that exist.
(A full collectstatic takes over a minute here, for every app's assets; this check is instant.)
"""

import re
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent.parent / "planning" / "static"
REFERENCE = re.compile(r"""url\(\s*['"]?([^'")#]+)['"]?\s*\)|sourceMappingURL=(\S+)""")


def test_planning_static_files_reference_only_existing_files():
    checked = 0
    for path in [*STATIC.rglob("*.css"), *STATIC.rglob("*.js")]:
        for match in REFERENCE.finditer(path.read_text(encoding="utf-8")):
            target = (match.group(1) or match.group(2)).strip()
            if target.startswith(("data:", "http:", "https:", "/", "about:")) or "{" in target:
                continue
            assert (path.parent / target).is_file(), f"{path.relative_to(STATIC)} → {target}"
            checked += 1
    assert checked >= 4  # leaflet.css images and leaflet.js's source map at least
