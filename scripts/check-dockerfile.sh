#!/usr/bin/env bash
# Fails when the Dockerfile does not copy the manifest of every workspace package (the dependency layer is
# installed from the manifests alone, so a missing one breaks `pnpm install --frozen-lockfile` in the image).
set -euo pipefail
cd "$(dirname "$0")/.."
missing=0
for manifest in packages/*/package.json apps/*/package.json tests/*/package.json; do
  dir="${manifest%/package.json}"
  if ! grep -qxF "COPY $manifest $dir/" Dockerfile; then
    echo "Dockerfile does not copy $manifest (add: COPY $manifest $dir/)" >&2
    missing=1
  fi
done
# pnpm applies patches/ at install (patchedDependencies): without them the frozen install fails too.
if [ -d patches ] && ! grep -qxF "COPY patches/ patches/" Dockerfile; then
  echo "Dockerfile does not copy the dependency patches (add: COPY patches/ patches/)" >&2
  missing=1
fi
exit "$missing"
