/**
 * Benchmarks of secured connections: a storm of SCRAM logins over SASL_SSL against any Kafka-protocol broker (run by
 * bench/secure-compare.sh against ours and against Apache Kafka).
 */
package io.ledgerstream.bench.security;
