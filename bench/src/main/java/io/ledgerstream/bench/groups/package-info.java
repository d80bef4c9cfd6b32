/**
 * The consumer-group benchmark's parts: members that each run a consumer on a thread of their own, and one view of
 * which member owns which partition, from the members' rebalance listeners, that the benchmark waits on.
 */
package io.ledgerstream.bench.groups;
