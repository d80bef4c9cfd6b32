/**
 * A broker's metrics in Prometheus' model (Prometheus' Java client): the sensors the other packages record into
 * (requests, topics, storage, groups, controller, connections), the JVM's own metrics, and the HTTP endpoint that
 * serves {@code /metrics}, {@code /health} and {@code /ready}. Nothing here knows the broker's other packages: they
 * call in, and the broker wires what is read at scrape time.
 */
package io.ledgerstream.log.metrics;
