/**
 * The cluster as one broker takes part in it: live brokers, partition leaders, and the elected controller that
 * assigns them.
 */
package io.ledgerstream.log.cluster;
