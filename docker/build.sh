#!/usr/bin/env bash
# Builds the container images from the Maven build's artifacts; nothing is compiled inside an image. Build the
# project first: mvn -B -DskipTests -pl launcher,flink-cluster -am package
#
#   docker/build.sh                   the Ledgerstream image (ledgerstream:TAG) on eclipse-temurin:17-jre
#   docker/build.sh --base IMAGE      the same on another Java 17 image
#   docker/build.sh --offline         no registry needed: a Debian bookworm base with OpenJDK 17 from this machine's
#                                     apt sources (mmdebstrap, then imported), and on it the Ledgerstream image, a
#                                     Flink image on the classpath flink-cluster/ resolves (ledgerstream-flink:TAG)
#                                     and a Prometheus image of Debian's package (ledgerstream-prometheus:bookworm).
#                                     The base and the Prometheus image are kept once built. The compose test runs
#                                     these.
# Options: --tag TAG (default latest), --rebuild-base (with --offline: build the base and Prometheus images again).
# CONTAINER_ENGINE picks podman or docker (default: podman when installed).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DOCKER="$ROOT/docker"
STAGE="$DOCKER/target"
BASE_IMAGE="eclipse-temurin:17-jre"
DEBIAN_BASE="localhost/ledgerstream-base:bookworm-jre17"
PROMETHEUS_IMAGE="localhost/ledgerstream-prometheus:bookworm"
TAG=latest
OFFLINE=false
REBUILD_BASE=false
ENGINE="${CONTAINER_ENGINE:-$(command -v podman >/dev/null 2>&1 && echo podman || echo docker)}"

fail() {
  echo "docker/build.sh: $*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case "$1" in
    --base) BASE_IMAGE="${2:?--base needs an image}"; shift 2 ;;
    --tag) TAG="${2:?--tag needs a tag}"; shift 2 ;;
    --offline) OFFLINE=true; shift ;;
    --rebuild-base) REBUILD_BASE=true; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) fail "unknown option $1 (try --help)" ;;
  esac
done

# The Debian base: a root file system of bookworm with OpenJDK 17 from the apt sources this machine uses (its
# Debian ones: a third-party source's key would be missing inside the image).
debian_base() {
  if [ "$REBUILD_BASE" = false ] && "$ENGINE" image inspect "$DEBIAN_BASE" >/dev/null 2>&1; then
    echo "Debian base $DEBIAN_BASE already built" >&2
    return
  fi
  command -v mmdebstrap >/dev/null 2>&1 || fail "mmdebstrap is missing (apt-get install mmdebstrap)"
  local sources=() file
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] && grep -qE '^[^#]*https?://[^ ]*/debian(-security)?/?( |$)' "$file" && sources+=("$file")
  done
  [ "${#sources[@]}" -gt 0 ] || fail "no Debian apt source found in /etc/apt"
  local work
  work="$(mktemp -d)"
  # shellcheck disable=SC2064
  trap "rm -rf '$work'" EXIT
  echo "Building the Debian base from ${sources[*]} ..." >&2
  mmdebstrap --quiet --variant=apt --include=openjdk-17-jre-headless bookworm "$work/rootfs.tar" "${sources[@]}"
  "$ENGINE" import --change 'CMD ["/bin/bash"]' "$work/rootfs.tar" "$DEBIAN_BASE" >/dev/null
  rm -rf "$work"
  trap - EXIT
}

# Copies (hard links where it can) the jars a classpath file names into a folder, and appends their names, in
# order, to the folder's classpath list.
stage_classpath() {
  local classpath_file="$1" third_party="$2" own="$3" order="$4" jar name
  [ -f "$classpath_file" ] || fail "$classpath_file is missing: build the project first (see --help)"
  { tr ":" "\n" <"$classpath_file"; echo; } | while read -r jar; do
    [ -n "$jar" ] || continue
    [ -f "$jar" ] || fail "$jar (named in $classpath_file) is not a jar file: build with 'package', not 'compile'"
    name="$(basename "$jar")"
    if [[ "$name" == ledgerstream-* ]]; then
      ln -f "$jar" "$own/$name" 2>/dev/null || cp "$jar" "$own/$name"
    else
      [ -e "$third_party/$name" ] && ! cmp -s "$jar" "$third_party/$name" && fail "two different jars named $name"
      ln -f "$jar" "$third_party/$name" 2>/dev/null || cp "$jar" "$third_party/$name"
    fi
    echo "$name" >>"$order"
  done
}

# Builds an image, then removes the one the tag named before if nothing else uses it (each build of new jars would
# otherwise leave one behind).
build() {
  local image="$1" context="$2" before after
  shift 2
  echo "Building $image ..." >&2
  before="$("$ENGINE" image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)"
  # Docker's format keeps the HEALTHCHECK instruction (the OCI format has no such field).
  local format=()
  [ "$ENGINE" = podman ] && format=(--format docker)
  "$ENGINE" build --quiet "${format[@]}" --tag "$image" "$@" "$context" >/dev/null
  after="$("$ENGINE" image inspect --format '{{.Id}}' "$image")"
  if [ -n "$before" ] && [ "$before" != "$after" ]; then
    "$ENGINE" rmi "$before" >/dev/null 2>&1 || true
  fi
}

ledgerstream_image() {
  local base="$1" context="$STAGE/ledgerstream"
  rm -rf "$context"
  mkdir -p "$context"/{lib,app,jobs,bin}
  cp "$DOCKER/ledgerstream/Dockerfile" "$context/"
  cp "$DOCKER"/ledgerstream/bin/* "$ROOT/bin/lib/java-options.sh" "$context/bin/"
  local launcher="$ROOT/launcher/target/ledgerstream-launcher.jar"
  [ -f "$launcher" ] || fail "$launcher is missing: build the project first (see --help)"
  cp "$launcher" "$context/app/"
  echo "ledgerstream-launcher.jar" >"$context/app/classpath"
  stage_classpath "$ROOT/launcher/target/classpath.txt" "$context/lib" "$context/app" "$context/app/classpath"
  local jobs=("$ROOT"/flink-jobs/target/ledgerstream-flink-jobs-*-job.jar)
  [ -f "${jobs[0]}" ] || fail "the payments job jar (flink-jobs/target/*-job.jar) is missing: build the project first"
  cp "${jobs[0]}" "$context/jobs/ledgerstream-flink-jobs-job.jar"
  build "ledgerstream:$TAG" "$context" --build-arg "BASE_IMAGE=$base"
}

flink_image() {
  local base="$1" context="$STAGE/flink"
  rm -rf "$context"
  mkdir -p "$context"/{lib,bin}
  cp "$DOCKER/flink/Dockerfile" "$context/"
  cp "$DOCKER"/flink/bin/* "$context/bin/"
  stage_classpath "$ROOT/flink-cluster/target/classpath.txt" "$context/lib" "$context/lib" "$context/lib/classpath"
  build "ledgerstream-flink:$TAG" "$context" --build-arg "BASE_IMAGE=$base"
}

prometheus_image() {
  if [ "$REBUILD_BASE" = false ] && "$ENGINE" image inspect "$PROMETHEUS_IMAGE" >/dev/null 2>&1; then
    echo "Prometheus image $PROMETHEUS_IMAGE already built" >&2
    return
  fi
  build "$PROMETHEUS_IMAGE" "$DOCKER/prometheus" --build-arg "BASE_IMAGE=$1"
}

command -v "$ENGINE" >/dev/null 2>&1 || fail "$ENGINE is not installed"
mkdir -p "$STAGE"
if [ "$OFFLINE" = true ]; then
  debian_base
  ledgerstream_image "$DEBIAN_BASE"
  flink_image "$DEBIAN_BASE"
  prometheus_image "$DEBIAN_BASE"
else
  ledgerstream_image "$BASE_IMAGE"
fi
echo "Ready: ledgerstream:$TAG$([ "$OFFLINE" = true ] && echo ", ledgerstream-flink:$TAG, $PROMETHEUS_IMAGE")" >&2
