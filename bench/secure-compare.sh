#!/usr/bin/env bash
# Produce and consume over TLS (SECURITY=tls) or over SASL_SSL with SCRAM-SHA-512 (SECURITY=sasl_ssl, the default)
# on our standalone broker and on an Apache Kafka 4.1.1 broker (single node, KRaft) started here on loopback, with an
# fsync per write and with default flushing, in rounds of alternating order (in_rounds in lib/brokers.sh), every
# broker fresh per run. Both brokers are configured the same way: a PLAINTEXT listener (topics and the SCRAM user
# are made over it) and a listener SECURE on the port two above it, mapped to SSL or SASL_SSL, with one PKCS12 key
# store made once per run (an EC key signed by a CA of the run's own, as our tests make them) and, for SASL_SSL,
# sasl.enabled.mechanisms=SCRAM-SHA-512 and the listener's JAAS entry; the user (4096 iterations) is made with
# Kafka's kafka-configs on both. Over the SECURE listener:
#  - ProducerPerformance: records of 1 KiB, acks=all, --throughput -1, topic of 3 partitions: records/s and p99;
#  - ConsumerPerformance: records/s over the whole run, then over the fetching alone;
#  - EndToEndLatency: E2E_RECORDS round trips, acks=all: p99;
#  - with SASL_SSL, a reconnect storm (LoginStormBenchmark) against ours and Kafka with fsync (flushing does not touch
#    logins): new connections each completing a SCRAM login, STORM_RATE a second (default 1000) for STORM_SECONDS
#    (default 20) after a warm-up of STORM_WARMUP_SECONDS (default 20) at the same rate whose figures are dropped,
#    full TLS handshakes (new clients): logins/s achieved, latency p50/p99 from each login's due time
#    and the TLS handshake's, and the broker's CPU time per login (from /proc over the measured storm). The load generator's
#    TLS is BoringSSL's through Conscrypt (STORM_CLIENT_TLS=conscrypt, the default) so that its handshakes leave the
#    cores to the broker, or the JDK's (STORM_CLIENT_TLS=jdk); either way it checks the broker's certificate and host
#    name, and counts the full handshakes. STORM_ONLY=1 runs the storm alone (no produce, consume or end-to-end
#    runs, no Kafka with default flushing).
# Prints each run's figures, then per round the ratios ours/Kafka (throughput: above 1 is ours faster; latency:
# below 1 is ours faster) and their medians.
# Usage: bench/secure-compare.sh [records]   (default 200000). ROUNDS=N (default 3).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RECORDS="${1:-200000}"
SECURITY="${SECURITY:-sasl_ssl}"
E2E_RECORDS="${E2E_RECORDS:-2000}"
STORM_RATE="${STORM_RATE:-1000}"
STORM_SECONDS="${STORM_SECONDS:-20}"
ROUNDS="${ROUNDS:-3}"
STORM_ONLY="${STORM_ONLY:-0}"
export ROUNDS
case "$SECURITY" in
  tls) PROTOCOL=SSL ;;
  sasl_ssl) PROTOCOL=SASL_SSL ;;
  *) echo "SECURITY must be tls or sasl_ssl, not $SECURITY" >&2; exit 2 ;;
esac
if [ "$STORM_ONLY" = 1 ]; then
  [ "$PROTOCOL" = SASL_SSL ] || { echo "STORM_ONLY=1 needs SECURITY=sasl_ssl" >&2; exit 2; }
  # Read by in_rounds (lib/brokers.sh): the storm does not run against Kafka with default flushing.
  # shellcheck disable=SC2034
  SKIP_KAFKA_DEFAULT=1
fi
USER_NAME=bench
USER_PASSWORD=bench-secret
STORE_PASSWORD=bench-store-secret
WORK="$(mktemp -d /tmp/ledgerstream-secure-bench.XXXXXX)"
# shellcheck source=lib/brokers.sh
. "$ROOT/bench/lib/brokers.sh"
trap cleanup EXIT
build_all

# The run's certificate authority, the brokers' key store and the clients' trust store, as TestCertificates makes them.
keytool_() { keytool "$@" > "$WORK/keytool.out" 2>&1 || { cat "$WORK/keytool.out" >&2; return 1; }; }
mkdir -p "$WORK/tls"
T="$WORK/tls"
keytool_ -genkeypair -alias ca -dname "CN=Ledgerstream Bench CA" -ext bc:c -keyalg EC -groupname secp256r1 \
  -validity 2 -keystore "$T/ca.p12" -storetype PKCS12 -storepass "$STORE_PASSWORD"
keytool_ -exportcert -rfc -alias ca -keystore "$T/ca.p12" -storepass "$STORE_PASSWORD" -file "$T/ca.pem"
keytool_ -genkeypair -alias broker -dname "CN=broker,O=Ledgerstream" -keyalg EC -groupname secp256r1 -validity 2 \
  -keystore "$T/broker.p12" -storetype PKCS12 -storepass "$STORE_PASSWORD"
keytool_ -certreq -alias broker -keystore "$T/broker.p12" -storepass "$STORE_PASSWORD" -file "$T/broker.csr"
keytool_ -gencert -alias ca -keystore "$T/ca.p12" -storepass "$STORE_PASSWORD" -infile "$T/broker.csr" \
  -outfile "$T/broker.pem" -rfc -validity 2 -ext SAN=ip:127.0.0.1,dns:localhost
keytool_ -importcert -noprompt -alias ca -keystore "$T/broker.p12" -storepass "$STORE_PASSWORD" -file "$T/ca.pem"
keytool_ -importcert -alias broker -keystore "$T/broker.p12" -storepass "$STORE_PASSWORD" -file "$T/broker.pem"
keytool_ -importcert -noprompt -alias ca -keystore "$T/truststore.p12" -storetype PKCS12 \
  -storepass "$STORE_PASSWORD" -file "$T/ca.pem"

# The SECURE listener's keys, the same for both brokers.
cat > "$WORK/secure.properties" <<PROPS
ssl.keystore.location=$T/broker.p12
ssl.keystore.password=$STORE_PASSWORD
ssl.keystore.type=PKCS12
PROPS
cat > "$WORK/client.properties" <<PROPS
security.protocol=$PROTOCOL
ssl.truststore.location=$T/truststore.p12
ssl.truststore.password=$STORE_PASSWORD
ssl.truststore.type=PKCS12
PROPS
if [ "$PROTOCOL" = SASL_SSL ]; then
  cat >> "$WORK/secure.properties" <<PROPS
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.secure.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
PROPS
  cat >> "$WORK/client.properties" <<PROPS
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$USER_NAME" password="$USER_PASSWORD";
PROPS
fi
{
  echo "listeners=PLAINTEXT://127.0.0.1:19092,SECURE://127.0.0.1:19094"
  echo "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SECURE:$PROTOCOL"
  cat "$WORK/secure.properties"
} > "$WORK/ledgerstream.properties"
# Both read by in_rounds (lib/brokers.sh) as it starts each broker.
# shellcheck disable=SC2034
LEDGERSTREAM_ARGS=(--config "$WORK/ledgerstream.properties")
# shellcheck disable=SC2034
KAFKA_PROPS="listeners=PLAINTEXT://127.0.0.1:29092,SECURE://127.0.0.1:29094,CONTROLLER://127.0.0.1:29093
advertised.listeners=PLAINTEXT://127.0.0.1:29092,SECURE://127.0.0.1:29094
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SECURE:$PROTOCOL,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
$(cat "$WORK/secure.properties")"

# measure NAME BOOTSTRAP REPLICATION_FACTOR: the runs above over the SECURE listener (BOOTSTRAP's port plus two);
# each figure's line appended to $WORK/NAME.KIND, one line per round.
measure() {
  local secure="${2%:*}:$((${2##*:} + 2))"
  [ "$STORM_ONLY" = 1 ] || "${KJAVA[@]}" org.apache.kafka.tools.TopicCommand --bootstrap-server "$2" --create --topic perf \
    --partitions 3 --replication-factor "$3" >/dev/null 2>"$WORK/tool.err" || { cat "$WORK/tool.err" >&2; return 1; }
  if [ "$PROTOCOL" = SASL_SSL ]; then
    "${KJAVA[@]}" kafka.admin.ConfigCommand --bootstrap-server "$2" --alter --entity-type users \
      --entity-name "$USER_NAME" --add-config "SCRAM-SHA-512=[iterations=4096,password=$USER_PASSWORD]" \
      >/dev/null 2>"$WORK/tool.err" || { cat "$WORK/tool.err" >&2; return 1; }
    java -cp "$BENCH_CP" io.ledgerstream.bench.security.LoginStormBenchmark await "$secure" "$USER_NAME" \
      "$USER_PASSWORD" "$T/truststore.p12" "$STORE_PASSWORD" 2>"$WORK/await.err" \
      || { cat "$WORK/await.err" >&2; return 1; }
  fi
  if [ "$STORM_ONLY" = 1 ]; then
    storm "$1" "$secure" "$([ "$1" = ledgerstream ] && echo "$LEDGERSTREAM_PID" || echo "$KAFKA_PID")"
    return
  fi
  "${KJAVA[@]}" org.apache.kafka.tools.ProducerPerformance --topic perf --num-records "$RECORDS" \
    --record-size 1024 --throughput -1 --producer.config "$WORK/client.properties" \
    --producer-props "bootstrap.servers=$secure" acks=all 2>>"$WORK/tools.err" | tail -1 | tee -a "$WORK/$1.produce" \
    | sed "s/^/$(printf '%-14s' "$1") produce: /"
  "${KJAVA[@]}" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$secure" --topic perf \
    --messages "$RECORDS" --timeout 120000 --consumer.config "$WORK/client.properties" 2>>"$WORK/tools.err" | tail -1 \
    | tee -a "$WORK/$1.consume" | sed "s/^/$(printf '%-14s' "$1") consume: /"
  "${KJAVA[@]}" org.apache.kafka.tools.EndToEndLatency "$secure" e2e "$E2E_RECORDS" all 1024 \
    "$WORK/client.properties" > "$WORK/$1.e2e-run" 2>&1 || true
  local e2e
  e2e="$(grep -E 'Avg latency|Percentiles' "$WORK/$1.e2e-run" | tr '\n' ' ')"
  echo "${e2e:-FAILED}" >> "$WORK/$1.e2e"
  printf '%-14s end-to-end: %s\n' "$1" "${e2e:-FAILED}"
  [ -n "$e2e" ] || tail -5 "$WORK/$1.e2e-run" >&2
  if [ "$PROTOCOL" = SASL_SSL ] && [ "$1" != kafka-default ]; then
    storm "$1" "$secure" "$([ "$1" = ledgerstream ] && echo "$LEDGERSTREAM_PID" || echo "$KAFKA_PID")"
  fi
}

# storm NAME SECURE_BOOTSTRAP BROKER_PID: the login storm (after its warm-up), its line (with the broker's CPU time
# per login over the measured storm) appended to $WORK/NAME.storm.
storm() {
  local line
  if STORM_BROKER_PID="$3" CLK_TCK="$(getconf CLK_TCK)" java -cp "$BENCH_CP" \
      io.ledgerstream.bench.security.LoginStormBenchmark storm "$2" "$USER_NAME" "$USER_PASSWORD" \
      "$T/truststore.p12" "$STORE_PASSWORD" "$1" "$STORM_RATE" "$STORM_SECONDS" \
      > "$WORK/$1.storm-run" 2> "$WORK/$1.storm-err"; then
    line="$(tail -1 "$WORK/$1.storm-run")"
  else
    line=FAILED
    tail -5 "$WORK/$1.storm-err" >&2
  fi
  echo "$line" | tee -a "$WORK/$1.storm"
}

in_rounds measure

if [ "$STORM_ONLY" = 1 ]; then
  echo
  echo "Login storm over SASL_SSL, $STORM_RATE logins/s for $STORM_SECONDS s, client TLS ${STORM_CLIENT_TLS:-conscrypt}, $ROUNDS rounds; ratios ours/Kafka with fsync (logins/s above 1 and the rest below 1: ours better):"
  # storm_figures NAME: one line per round: logins/s, p99 from due ms, TLS handshake p50 and p99 ms, broker CPU ms
  # per login (n/a where the run failed).
  storm_figures() {
    while IFS= read -r line; do
      printf '%s %s %s %s %s\n' \
        "$(sed -nE 's/.*SASL_SSL: ([0-9,.]+) logins\/s.*/\1/p' <<<"$line" | tr -d , | grep . || echo n/a)" \
        "$(sed -nE 's/.*from due p50 [0-9.]+ ms, p99 ([0-9.]+) ms.*/\1/p' <<<"$line" | grep . || echo n/a)" \
        "$(sed -nE 's/.*TLS handshake p50 ([0-9.]+) ms.*/\1/p' <<<"$line" | grep . || echo n/a)" \
        "$(sed -nE 's/.*TLS handshake p50 [0-9.]+ ms, p99 ([0-9.]+) ms.*/\1/p' <<<"$line" | grep . || echo n/a)" \
        "$(sed -nE 's/.* ([0-9.]+) ms per login.*/\1/p' <<<"$line" | grep . || echo n/a)"
    done < "$WORK/$1.storm"
  }
  paste -d ' ' <(storm_figures ledgerstream) <(storm_figures kafka-fsync) | awk "$AWK_MEDIAN"'
    function r(a, b) { return (a == "n/a" || b == "n/a" || b + 0 == 0) ? "n/a" : a / b }
    {
      l = r($1, $6); p = r($2, $7); h = r($3, $8); h9 = r($4, $9); u = r($5, $10)
      printf "round %d: logins/s %s (%s vs %s), p99 from due %s (%s vs %s ms), TLS handshake p50 %s (%s vs %s ms), p99 %s (%s vs %s ms), broker CPU per login %s (%s vs %s ms)\n", NR, fmt(l), $1, $6, fmt(p), $2, $7, fmt(h), $3, $8, fmt(h9), $4, $9, fmt(u), $5, $10
      L = L " " l; P = P " " p; H = H " " h; H9 = H9 " " h9; U = U " " u
    }
    END { printf "medians of the ratios: logins/s %s, p99 from due %s, TLS handshake p50 %s, p99 %s, broker CPU per login %s\n", fmt(median(L)), fmt(median(P)), fmt(median(H)), fmt(median(H9)), fmt(median(U)) }'
  exit 0
fi

# figures NAME: one line per round: produce records/s, produce p99 ms, consume records/s, consume records/s
# fetching only, end-to-end p99 ms, logins/s, login p99 ms from due, broker CPU ms per login (n/a where not
# measured).
figures() {
  local n
  n="$(wc -l < "$WORK/$1.produce")"
  for i in $(seq 1 "$n"); do
    local produce consume e2e storm
    produce="$(sed -n "${i}p" "$WORK/$1.produce")"
    consume="$(sed -n "${i}p" "$WORK/$1.consume")"
    e2e="$(sed -n "${i}p" "$WORK/$1.e2e")"
    storm=""
    if [ -f "$WORK/$1.storm" ]; then storm="$(sed -n "${i}p" "$WORK/$1.storm")"; fi
    printf '%s %s %s %s %s %s %s %s\n' \
      "$(awk '{print $4}' <<<"$produce")" \
      "$(sed -nE 's/.* ([0-9.]+) ms 99th.*/\1/p' <<<"$produce")" \
      "$(awk -F', *' '{print $6}' <<<"$consume")" \
      "$(awk -F', *' '{print $10}' <<<"$consume")" \
      "$(sed -nE 's/.*99th = ([0-9.]+).*/\1/p' <<<"$e2e" | grep . || echo n/a)" \
      "$(sed -nE 's/.*SASL_SSL: ([0-9,.]+) logins\/s.*/\1/p' <<<"$storm" | tr -d , | grep . || echo n/a)" \
      "$(sed -nE 's/.*from due p50 [0-9.]+ ms, p99 ([0-9.]+) ms.*/\1/p' <<<"$storm" | grep . || echo n/a)" \
      "$(sed -nE 's/.* ([0-9.]+) ms per login.*/\1/p' <<<"$storm" | grep . || echo n/a)"
  done
}
figures ledgerstream > "$WORK/ours.fig"
echo
echo "Over $PROTOCOL, $RECORDS records of 1 KiB, $ROUNDS rounds; ratios ours/Kafka (throughput above 1 and latency below 1: ours better):"
for kafka in kafka-fsync kafka-default; do
  figures "$kafka" > "$WORK/$kafka.fig"
  paste -d ' ' "$WORK/ours.fig" "$WORK/$kafka.fig" | awk -v k="$kafka" "$AWK_MEDIAN"'
    function r(a, b) { return (a == "n/a" || b == "n/a" || b + 0 == 0) ? "n/a" : a / b }
    {
      p = r($1, $9); q = r($2, $10); c = r($3, $11); f = r($4, $12); e = r($5, $13); l = r($6, $14); lp = r($7, $15); u = r($8, $16)
      printf "round %d vs %s: produce %s (%s vs %s records/s), produce p99 %s (%s vs %s ms), consume %s (%s vs %s records/s; fetching %s), end-to-end p99 %s (%s vs %s ms)", NR, k, fmt(p), $1, $9, fmt(q), $2, $10, fmt(c), $3, $11, fmt(f), fmt(e), $5, $13
      if (l != "n/a") printf ", logins/s %s (%s vs %s), login p99 from due %s (%s vs %s ms), broker CPU per login %s (%s vs %s ms)", fmt(l), $6, $14, fmt(lp), $7, $15, fmt(u), $8, $16
      printf "\n"
      P = P " " p; Q = Q " " q; C = C " " c; F = F " " f; E = E " " e; if (l != "n/a") { L = L " " l; LP = LP " " lp; U = U " " u }
    }
    END {
      printf "medians of the ratios vs %s: produce %s, produce p99 %s, consume %s (fetching %s), end-to-end p99 %s", k, fmt(median(P)), fmt(median(Q)), fmt(median(C)), fmt(median(F)), fmt(median(E))
      if (L != "") printf ", logins/s %s, login p99 from due %s, broker CPU per login %s", fmt(median(L)), fmt(median(LP)), fmt(median(U))
      printf "\n"
    }'
done
