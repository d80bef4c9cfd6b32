/**
 * One handler per Kafka API, each depending on the narrow interfaces of what it uses (topic administration,
 * the led partitions' logs, the cluster view, the group coordinator).
 */
package io.ledgerstream.log.protocol.handlers;
