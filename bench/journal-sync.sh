#!/usr/bin/env bash
# What a bookie journal's write-and-fdatasync costs on this disk, in a file preallocated as BookKeeper preallocates
# its journals (one block written at the end, a hole before it: each sync also allocates blocks and writes the
# inode) against a file whose blocks were written beforehand (as a reused journal's are): 16 KiB writes, each
# followed by an fdatasync, in ROUNDS (default 4) of alternating order; per round and kind, syncs a second, p50 and
# p99 of a write with its sync, and the CPU a sync costs. The files go in a temporary folder under DIR (default
# /tmp, where the other benchmarks put their bookies).
# Usage: bench/journal-sync.sh [writes] [dir]   (default 4000 writes, 64 MB a file)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WRITES="${1:-4000}"
WORK="$(mktemp -d "${2:-/tmp}/ledgerstream-journal-sync.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
(cd "$ROOT" && mvn -B -q -DskipTests -pl bench -am package) >&2
java -cp "$ROOT/bench/target/ledgerstream-bench.jar:$(cat "$ROOT/bench/target/classpath.txt")" \
  io.ledgerstream.bench.disk.JournalSyncBenchmark "$WORK" "$WRITES" "${ROUNDS:-4}"
