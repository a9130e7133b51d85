#!/usr/bin/env bash
# Builds kube-apiserver and etcd from the Go module proxy into a cache folder outside the repo.
# Usage: build-control-plane.sh OUT_DIR   (idempotent: exits at once when both binaries exist)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=k8s-module.sh
. "$here/k8s-module.sh"

K8S_VERSION="${GITSEAL_K8S_VERSION:-v1.35.4}"
ETCD_VERSION="${GITSEAL_ETCD_VERSION:-v3.6.16}"
out="${1:?usage: build-control-plane.sh OUT_DIR}"

if [ -x "$out/kube-apiserver" ] && [ -x "$out/etcd" ]; then
  exit 0
fi
command -v go >/dev/null || { echo "gitseal cluster: Go is not installed; install Go >= 1.25 or set KUBEBUILDER_ASSETS to a folder holding kube-apiserver and etcd" >&2; exit 1; }

mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0
start=$(date +%s)
say() { echo "gitseal cluster: $* ($(( $(date +%s) - start ))s)" >&2; }

build_kube_apiserver() {
  say "fetching k8s.io/kubernetes $K8S_VERSION for kube-apiserver"
  k8s_module "$work/k8s" "$K8S_VERSION" kube-apiserver
  say "building kube-apiserver $K8S_VERSION"
  (cd "$work/k8s" && go build -trimpath -ldflags="$(k8s_ldflags "$K8S_VERSION")" -o "$out/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver)
  mv "$out/kube-apiserver.tmp" "$out/kube-apiserver"
}

build_etcd() {
  # etcd's server module carries replace lines, so `go install pkg@version` refuses it: build it from a wrapper module.
  local dir="$work/etcd"
  say "building etcd $ETCD_VERSION"
  mkdir -p "$dir"
  printf 'module gitseal.dev/etcd-build\n\ngo 1.25\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "$ETCD_VERSION" >"$dir/go.mod"
  printf 'package tools\n\nimport _ "go.etcd.io/etcd/server/v3"\n' >"$dir/tools.go"
  (cd "$dir" && go mod tidy >/dev/null 2>&1 || true; go build -trimpath -ldflags="-s -w" -o "$out/etcd.tmp" go.etcd.io/etcd/server/v3)
  mv "$out/etcd.tmp" "$out/etcd"
}

[ -x "$out/etcd" ] || build_etcd
[ -x "$out/kube-apiserver" ] || build_kube_apiserver
echo "gitseal cluster: built kube-apiserver $K8S_VERSION and etcd $ETCD_VERSION into $out in $(( $(date +%s) - start ))s" >&2
