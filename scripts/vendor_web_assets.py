#!/usr/bin/env python3
"""Fetch the browser libraries the hub serves itself (GraphiQL, its explorer, React, graphql-ws) from npm.

The hub's pages must render on an intranet with no way out, so these files ship inside the
package (``c360/app/console/static/vendor/``) instead of being loaded from a CDN. To update one,
change its version in ``PACKAGES`` and run, from the repository root::

    python3 scripts/vendor_web_assets.py

It runs ``npm pack`` (the npm registry only; no install scripts run) in a scratch folder, copies
the built browser bundles and each package's licence, and rewrites ``vendor/manifest.json``
(versions, npm integrity, SHA-256 of every copied file), which ``tests/console`` checks.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VENDOR = Path(__file__).resolve().parents[1] / "hub" / "console" / "static" / "vendor"

# npm package -> (version, {file in the package: name under vendor/<folder>/}, folder, licence file or None)
PACKAGES: dict[str, tuple[str, dict[str, str], str, str | None]] = {
    "react": ("18.2.0", {"umd/react.production.min.js": "react.production.min.js"}, "graphiql", "LICENSE"),
    "react-dom": ("18.2.0", {"umd/react-dom.production.min.js": "react-dom.production.min.js"}, "graphiql", "LICENSE"),
    "graphiql": ("3.8.3", {"graphiql.min.js": "graphiql.min.js", "graphiql.min.css": "graphiql.min.css"}, "graphiql", "LICENSE"),
    # The explorer's package carries no licence file; it is MIT ("license" in its package.json) and
    # comes from the same repository and copyright holders as graphiql, whose licence text applies.
    "@graphiql/plugin-explorer": (
        "1.0.2",
        {"dist/index.umd.js": "plugin-explorer.umd.js", "dist/style.css": "plugin-explorer.css"},
        "graphiql",
        None,
    ),
    "graphql-ws": (
        "5.16.2",
        {"lib/client.mjs": "client.mjs", "lib/common.mjs": "common.mjs", "lib/utils.mjs": "utils.mjs"},
        "graphql-ws",
        "LICENSE.md",
    ),
}


def _pack(name: str, version: str, scratch: Path) -> tuple[Path, str]:
    """Unpack ``name@version`` from the registry; returns its folder and npm's integrity string."""
    out = subprocess.run(
        ["npm", "pack", f"{name}@{version}", "--json", "--ignore-scripts"],
        cwd=scratch, check=True, capture_output=True, text=True,
    ).stdout
    info = json.loads(out)[0]
    folder = scratch / info["filename"].removesuffix(".tgz")
    with tarfile.open(scratch / info["filename"]) as archive:
        archive.extractall(folder, filter="data")
    return folder / "package", info["integrity"]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> int:
    if shutil.which("npm") is None:
        print("npm is needed (apt-get install npm)", file=sys.stderr)
        return 2
    manifest: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        for name, (version, files, folder, licence) in PACKAGES.items():
            package, integrity = _pack(name, version, scratch)
            target = VENDOR / folder
            target.mkdir(parents=True, exist_ok=True)
            copied: dict[str, str] = {}
            for source, dest in files.items():
                shutil.copyfile(package / source, target / dest)
                copied[f"{folder}/{dest}"] = _sha256(target / dest)
            licence_name = f"LICENSE.{name.replace('@', '').replace('/', '-')}.txt"
            licence_source = package / licence if licence else None
            if licence_source is None:  # see PACKAGES: the explorer takes graphiql's licence
                licence_source = VENDOR / "graphiql" / "LICENSE.graphiql.txt"
            shutil.copyfile(licence_source, target / licence_name)
            copied[f"{folder}/{licence_name}"] = _sha256(target / licence_name)
            declared = json.loads((package / "package.json").read_text(encoding="utf-8")).get("license")
            manifest[name] = {"version": version, "license": declared, "npm_integrity": integrity, "files": copied}
    (VENDOR / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"vendored {len(manifest)} packages into {VENDOR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
