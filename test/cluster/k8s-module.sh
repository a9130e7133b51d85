# Sourced by the build scripts: a wrapper module that builds commands of k8s.io/kubernetes at K8S_VERSION, and the
# -ldflags that stamp the version into every binary (unstamped ones report v0.0.0-master+$Format:%H$, which
# `kubectl version` and version-checking clients cannot parse).

# k8s_ldflags VERSION: -X flags for k8s.io/component-base/version and k8s.io/client-go/pkg/version.
k8s_ldflags() {
  local version="$1" minor major flags="-s -w" pkg
  major="${version#v}"; major="${major%%.*}"
  minor="${version#v*.}"; minor="${minor%%.*}"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags="$flags -X $pkg.gitVersion=$version -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
    flags="$flags -X $pkg.gitCommit=0000000000000000000000000000000000000000 -X $pkg.gitTreeState=clean"
    flags="$flags -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  printf '%s' "$flags"
}

# k8s_module DIR VERSION CMD...: writes a module in DIR that requires k8s.io/kubernetes VERSION and imports the
# given commands (k8s.io/kubernetes requires its staging modules at v0.0.0; each is pointed at v0.<minor>.<patch>).
k8s_module() {
  local dir="$1" version="$2" staging gomod cmd
  shift 2
  mkdir -p "$dir"
  staging="v0.${version#v1.}"
  gomod=$(cd "$dir" && go mod download -json "k8s.io/kubernetes@$version" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  {
    echo "module gitseal.dev/k8s-build"
    echo "go 1.25"
    echo "require k8s.io/kubernetes $version"
    grep -E '^\s*k8s\.io/[a-z0-9-]+ => \./staging/' "$gomod" | awk -v v="$staging" '{print "replace " $1 " => " $1 " " v}'
  } >"$dir/go.mod"
  {
    echo "package tools"
    echo
    for cmd in "$@"; do echo "import _ \"k8s.io/kubernetes/cmd/$cmd\""; done
  } >"$dir/tools.go"
  (cd "$dir" && go mod tidy >/dev/null 2>&1 || true)
}
