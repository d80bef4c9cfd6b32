package io.ledgerstream.log.metadata;

/** A stored value with the ZooKeeper node version it was read at, for compare-and-set updates. */
public record Versioned<T>(T value, int version) {
}
