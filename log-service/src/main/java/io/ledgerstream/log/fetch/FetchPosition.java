package io.ledgerstream.log.fetch;

/**
 * Where a consumer fetches a partition from: the offset, its byte limit for the partition, and the leader epoch it
 * knows (-1: none).
 */
public record FetchPosition(long fetchOffset, int maxBytes, int currentLeaderEpoch) {
}
