/**
 * The broker at the top of the house: wires ZooKeeper, BookKeeper, the log manager, the cluster, the group
 * coordinator and the Kafka listener, and orders their start and stop.
 */
package io.ledgerstream.log.broker;
