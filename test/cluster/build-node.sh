#!/usr/bin/env bash
# Builds the node's parts from the Go module proxy into a cache folder outside the repo: kubelet,
# kube-controller-manager, kube-scheduler, kube-proxy (version-stamped), containerd 2.x with its runc shim,
# CoreDNS and crictl. runc and the CNI plugins come from Debian (see .ci/run).
# Usage: build-node.sh OUT_DIR   (idempotent: builds only what is missing)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=k8s-module.sh
. "$here/k8s-module.sh"

K8S_VERSION="${GITSEAL_K8S_VERSION:-v1.35.4}"
CONTAINERD_VERSION="${GITSEAL_CONTAINERD_VERSION:-v2.4.2}"
COREDNS_VERSION="${GITSEAL_COREDNS_VERSION:-v1.14.7}"
CRICTL_VERSION="${GITSEAL_CRICTL_VERSION:-v1.34.0}"
out="${1:?usage: build-node.sh OUT_DIR}"
command -v go >/dev/null || { echo "gitseal cluster: Go is not installed; the node's binaries are built with Go >= 1.25" >&2; exit 1; }

mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0
started=$(date +%s)
say() { echo "gitseal cluster: $* ($(( $(date +%s) - started ))s)" >&2; }

k8s_cmds=()
for cmd in kubelet kube-controller-manager kube-scheduler kube-proxy; do
  [ -x "$out/$cmd" ] || k8s_cmds+=("$cmd")
done
if [ ${#k8s_cmds[@]} -gt 0 ]; then
  say "fetching k8s.io/kubernetes $K8S_VERSION for ${k8s_cmds[*]}"
  k8s_module "$work/k8s" "$K8S_VERSION" "${k8s_cmds[@]}"
  for cmd in "${k8s_cmds[@]}"; do
    say "building $cmd $K8S_VERSION"
    (cd "$work/k8s" && go build -trimpath -ldflags="$(k8s_ldflags "$K8S_VERSION")" -o "$out/$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd")
    mv "$out/$cmd.tmp" "$out/$cmd"
  done
fi

# A wrapper module per tool: their go.mod files carry replace lines, so `go install pkg@version` refuses them.
build_wrapped() {
  local name="$1" module="$2" version="$3" pkg="$4" tags="${5:-}" ldflags="${6:--s -w}"
  [ -x "$out/$name" ] && return 0
  say "building $name ($module $version)"
  local dir="$work/$name"
  mkdir -p "$dir"
  printf 'module gitseal.dev/%s-build\n\ngo 1.25\n\nrequire %s %s\n' "$name" "$module" "$version" >"$dir/go.mod"
  printf 'package tools\n\nimport _ "%s"\n' "$pkg" >"$dir/tools.go"
  (cd "$dir" && go mod tidy >/dev/null 2>&1 || true
   go build -trimpath -tags "$tags" -ldflags="$ldflags" -o "$out/$name.tmp" "$pkg")
  mv "$out/$name.tmp" "$out/$name"
}

ctrd=github.com/containerd/containerd/v2
ctrd_tags="no_btrfs no_devmapper no_zfs no_aufs"
ctrd_ldflags="-s -w -X $ctrd/version.Version=$CONTAINERD_VERSION"
build_wrapped containerd "$ctrd" "$CONTAINERD_VERSION" "$ctrd/cmd/containerd" "$ctrd_tags" "$ctrd_ldflags"
build_wrapped containerd-shim-runc-v2 "$ctrd" "$CONTAINERD_VERSION" "$ctrd/cmd/containerd-shim-runc-v2" "$ctrd_tags" "$ctrd_ldflags"
build_wrapped ctr "$ctrd" "$CONTAINERD_VERSION" "$ctrd/cmd/ctr" "$ctrd_tags" "$ctrd_ldflags"
build_wrapped coredns github.com/coredns/coredns "$COREDNS_VERSION" github.com/coredns/coredns
build_wrapped crictl sigs.k8s.io/cri-tools "$CRICTL_VERSION" sigs.k8s.io/cri-tools/cmd/crictl "" \
  "-s -w -X sigs.k8s.io/cri-tools/pkg/version.Version=$CRICTL_VERSION"
say "node binaries ready in $out"
