/**
 * Consumer groups of the new rebalance protocol (KIP-848): members heartbeat their subscriptions, the coordinator
 * computes the target assignment with a server-side assignor and brings each member to it in steps, revoking
 * partitions before giving them to another member; member epochs fence stale members.
 */
package io.ledgerstream.log.group.consumer;
