/**
 * Who a client is and how it proves it: TLS contexts from Kafka's {@code ssl.*} settings, SASL mechanisms (PLAIN
 * from JAAS, SCRAM from credentials kept in ZooKeeper) built on kafka-clients' own SASL servers, and principals as
 * Kafka's default principal builder makes them.
 */
package io.ledgerstream.log.security;
