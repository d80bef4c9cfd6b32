/**
 * Group coordination: the classic group protocol's membership and rebalances, the groups' committed offsets, and
 * the offsets topic that makes them durable; one thread, room for a second group protocol beside the first.
 */
package io.ledgerstream.log.group;
