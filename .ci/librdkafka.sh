#!/usr/bin/env bash
# Builds librdkafka's shared library, of a version whose SCRAM client Kafka 4 accepts (>= 2.6.1), into a cache
# folder outside the repository, only when it is not there yet; prints that folder on its last line of stdout.
# Debian 12's kcat runs with it through LD_LIBRARY_PATH (its own librdkafka 2.0.2 repeats the client nonce in the
# final SCRAM message, which Kafka 4 refuses). The sources come from the npm package node-rdkafka, which bundles
# them (deps/librdkafka); npm's registry is reachable where GitHub is not. Needs npm, gcc, make, python3,
# libssl-dev and zlib1g-dev.
set -euo pipefail

NODE_RDKAFKA_VERSION=3.6.1
LIBRDKAFKA_VERSION=2.12.0
# librdkafka's RD_KAFKA_VERSION for 2.12.0 (0xMMmmrrxx), checked against the unpacked sources.
LIBRDKAFKA_HEX=0x020c00ff
TARBALL_SHA256=148f7e7b65c510314c70762d8f1be052c8fe1fdf03a128e6c78083a729a57a30

cache="${LEDGERSTREAM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ledgerstream}/librdkafka-$LIBRDKAFKA_VERSION"
if [ -f "$cache/librdkafka.so.1" ]; then
  echo "$cache"
  exit 0
fi

fail() {
  echo "librdkafka.sh: $*" >&2
  exit 1
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# npm retries each request itself; a few rounds more ride out a slow or briefly failing registry.
tarball="$work/node-rdkafka-$NODE_RDKAFKA_VERSION.tgz"
for attempt in 1 2 3; do
  if (cd "$work" && npm pack --loglevel=error --fetch-retries=3 --fetch-timeout=120000 \
      "node-rdkafka@$NODE_RDKAFKA_VERSION" >/dev/null 2>"$work/npm.err"); then
    break
  fi
  echo "librdkafka.sh: npm pack node-rdkafka@$NODE_RDKAFKA_VERSION failed (attempt $attempt of 3):" >&2
  head -n 4 "$work/npm.err" >&2
  [ "$attempt" -lt 3 ] || fail "could not download node-rdkafka@$NODE_RDKAFKA_VERSION from the npm registry"
  sleep $((attempt * 15))
done
echo "$TARBALL_SHA256  $tarball" | sha256sum -c --quiet - >&2 \
  || fail "node-rdkafka-$NODE_RDKAFKA_VERSION.tgz does not have the expected SHA-256"

tar -xzf "$tarball" -C "$work" package/deps/librdkafka
src="$work/package/deps/librdkafka"
grep -q "^#define RD_KAFKA_VERSION $LIBRDKAFKA_HEX\$" "$src/src/rdkafka.h" \
  || fail "node-rdkafka@$NODE_RDKAFKA_VERSION does not bundle librdkafka $LIBRDKAFKA_VERSION"

# Only what kcat needs here: TLS (OpenSSL) and the built-in SASL mechanisms; no GSSAPI, zstd or libcurl.
echo "Building librdkafka $LIBRDKAFKA_VERSION into $cache" >&2
(cd "$src" && ./configure --no-download --enable-ssl --disable-gssapi --disable-zstd --disable-curl \
    --disable-lz4-ext --disable-debug-symbols >"$work/configure.log" 2>&1) \
  || { tail -n 30 "$work/configure.log" >&2; fail "configure failed"; }
make -C "$src/src" -j "$(nproc)" librdkafka.so.1 >"$work/make.log" 2>&1 \
  || { tail -n 30 "$work/make.log" >&2; fail "make failed"; }

# Into place only once complete, so that an interrupted build is not taken for a finished one.
mkdir -p "$(dirname "$cache")"
staging="$(mktemp -d "$(dirname "$cache")/.librdkafka-XXXXXX")"
cp "$src/src/librdkafka.so.1" "$staging/"
if command -v kcat >/dev/null 2>&1; then
  LD_LIBRARY_PATH="$staging" kcat -V | grep -q "librdkafka $LIBRDKAFKA_VERSION " \
    || { rm -rf "$staging"; fail "kcat does not run with the librdkafka just built"; }
fi
rm -rf "$cache"
mv "$staging" "$cache"
echo "$cache"
