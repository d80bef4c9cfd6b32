/**
 * Consumer groups of the new rebalance protocol (KIP-848): members heartbeat their subscriptions, the coordinator
 * computes the target assignment with a server-side assignor and brings each member to it in steps, revoking
 * partitions before giving them to another member; member epochs fence stale members. Members of the classic
 * protocol live in these groups too while a group moves between the protocols.
 */
package io.ledgerstream.log.group.consumer;
