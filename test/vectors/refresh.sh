#!/usr/bin/env bash
# Refreshes the in-repo copy of the Bitnami-format interop vectors from the shared folder beside the repository
# (../shared/vectors/bitnami-format). The copy is data: never edit it by hand, only refresh it with this script.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="${1:-$here/../../../shared/vectors/bitnami-format}"
[ -f "$src/vectors.json" ] || { echo "refresh: no vectors at $src" >&2; exit 1; }
rm -rf "$here/bitnami-format"
mkdir -p "$here/bitnami-format"
cp "$src"/* "$here/bitnami-format/"
echo "refresh: copied $(ls "$here/bitnami-format" | wc -l) files from $src"
