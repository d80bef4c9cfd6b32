/**
 * Group coordination: the classic group protocol's membership and rebalances, the groups' committed offsets, and
 * the offsets topic that makes them durable. A group belongs to one partition of {@code __consumer_offsets} and is
 * coordinated by its leader; each partition led here is a shard with its groups and offsets, on one thread, with
 * room for a second group protocol beside the first.
 */
package io.ledgerstream.log.group;
