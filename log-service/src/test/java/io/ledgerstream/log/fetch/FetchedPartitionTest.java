package io.ledgerstream.log.fetch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/**
 * With topic ids, a session's partition is its topic id and index (as Kafka's CachedPartition): once the topic is
 * deleted its id no longer resolves to a name, and forgetting it must still remove it.
 */
class FetchedPartitionTest {
    @Test
    void forgettingAPartitionByAnIdThatNoLongerResolvesRemovesIt() {
        Uuid id = Uuid.randomUuid();
        FetchedPartition known = new FetchedPartition(id, "doomed", 0);
        FetchSession session = new FetchSessionCache(1, 1000, () -> 0L)
                .create(true, Map.of(known, new FetchPosition(0, 1024, -1))).orElseThrow();
        // The topic was deleted: the request's id resolves to no name.
        FetchedPartition forgotten = new FetchedPartition(id, null, 0);
        Map<FetchedPartition, FetchPosition> all = session.update(1, Map.of(), List.of(forgotten), 0);
        assertThat(all).as("partitions the session still reads").isEmpty();
    }
}
