/**
 * Topic, partition and leader records in ZooKeeper: compare-and-set updates, a versioned binary codec, and the
 * few methods the cluster package needs of the ZooKeeper session.
 */
package io.ledgerstream.log.metadata;
