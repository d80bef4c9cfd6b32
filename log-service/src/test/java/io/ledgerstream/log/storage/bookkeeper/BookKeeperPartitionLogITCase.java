package io.ledgerstream.log.storage.bookkeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.log.config.BrokerConfig;
import io.ledgerstream.log.config.LogConfig;
import io.ledgerstream.log.config.Replication;
import io.ledgerstream.log.metadata.MetadataStore;
import io.ledgerstream.log.metadata.ProducerSnapshot;
import io.ledgerstream.log.metadata.TopicExistsException;
import io.ledgerstream.log.metadata.TopicRecord;
import io.ledgerstream.log.metadata.UnknownTopicException;
import io.ledgerstream.log.partition.AppendResult;
import io.ledgerstream.log.partition.PartitionLog;
import io.ledgerstream.log.partition.PartitionLogContractTest;
import io.ledgerstream.log.testing.LocalBookKeeperCluster;
import io.ledgerstream.log.testing.ManualClock;
import io.ledgerstream.log.testing.TestBatches;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The partition log contract against real ZooKeeper and three real bookies (E=3, Qw=2, Qa=2). */
class BookKeeperPartitionLogITCase extends PartitionLogContractTest {
    private static final Replication REPLICATION = new Replication(3, 2, 2);

    @TempDir
    static Path dir;
    private static LocalBookKeeperCluster cluster;
    private static MetadataStore metadata;
    private static BookKeeperStorage storage;
    private static final ManualClock CLOCK = new ManualClock(1_700_000_000_000L);

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = LocalBookKeeperCluster.start(dir.toFile(), 3);
        metadata = new MetadataStore(cluster.zk(), "/ledgerstream");
        // A small cache, so that multi-segment reads go to the bookies.
        BrokerConfig config = cluster.brokerConfig(Map.of(BrokerConfig.LOG_CACHE_BYTES, "16384",
                BrokerConfig.LOG_READ_AHEAD_ENTRIES, "8"));
        storage = BookKeeperStorage.connect(config, metadata, CLOCK);
    }

    @AfterAll
    static void stopCluster() {
        if (storage != null) {
            storage.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected PartitionLog open(String topic, LogConfig config) throws Exception {
        try {
            metadata.createTopic(TopicRecord.create(topic, 1, REPLICATION, config.asMap(), CLOCK.millis())).join();
        } catch (CompletionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        return storage.open(new TopicPartition(topic, 0), REPLICATION, config).join();
    }

    @Test
    void producersAreLearnedFromTheLastSnapshotAndTheLogAfterIt() throws Exception {
        String topic = "producer-snapshot";
        long now = CLOCK.millis();
        PartitionLog first = open(topic, LogConfig.DEFAULTS);
        AppendResult a = first.appendAsync(TestBatches.idempotent(42, (short) 3, 0, 5, now)).join();
        first.appendAsync(TestBatches.batch("plain", 3, 10, now)).join();
        first.closeAsync().join();

        ProducerSnapshot stored = metadata.producerSnapshot(topic, 0).join().orElseThrow();
        assertThat(stored.offset()).as("taken at the end by the clean close").isEqualTo(8);
        assertThat(stored.producers()).containsExactly(new ProducerSnapshot.Producer(42, (short) 3, now, -1, -1,
                List.of(new ProducerSnapshot.Batch(0, 4, a.baseOffset(), a.lastOffset()))));

        // A producer known only to the snapshot (the log holds plain records at 5 to 7): only a restored snapshot
        // can answer its retry with the offsets the snapshot gives.
        metadata.saveProducerSnapshot(topic, 0, new ProducerSnapshot(stored.offset(), List.of(
                stored.producers().get(0),
                new ProducerSnapshot.Producer(77, (short) 0, now, -1, -1, List.of(new ProducerSnapshot.Batch(0, 0, 6, 6)))),
                List.of()))
                .join();
        PartitionLog second = open(topic, LogConfig.DEFAULTS);
        assertThat(second.appendAsync(TestBatches.idempotent(77, (short) 0, 0, 1, now)).join())
                .isEqualTo(new AppendResult(6, 6));
        AppendResult b = second.appendAsync(TestBatches.idempotent(42, (short) 3, 5, 2, now)).join();
        assertThat(b.baseOffset()).isEqualTo(8);

        // The second writer dies without closing: the third learns 42's newest batch from the log after the
        // snapshot, and its older one from the snapshot.
        PartitionLog third = open(topic, LogConfig.DEFAULTS);
        assertThat(third.appendAsync(TestBatches.idempotent(42, (short) 3, 5, 2, now)).join()).isEqualTo(b);
        assertThat(third.appendAsync(TestBatches.idempotent(42, (short) 3, 0, 5, now)).join()).isEqualTo(a);
        assertThat(third.appendAsync(TestBatches.idempotent(42, (short) 3, 7, 1, now)).join().baseOffset())
                .isEqualTo(10);
        third.closeAsync().join();
        second.closeAsync().exceptionally(e -> null).join();
    }

    @Test
    void aDeletedTopicTakesItsProducerSnapshotAlongAndNoLateOneComesBack() throws Exception {
        String topic = "snapshot-of-a-deleted-topic";
        PartitionLog log = open(topic, LogConfig.DEFAULTS);
        log.appendAsync(TestBatches.idempotent(5, (short) 0, 0, 2, CLOCK.millis())).join();
        log.closeAsync().join();
        assertThat(metadata.producerSnapshot(topic, 0).join()).isPresent();

        metadata.deleteTopic(metadata.topic(topic).join()).join();
        assertThat(metadata.producerSnapshot(topic, 0).join()).isEmpty();
        ProducerSnapshot late = new ProducerSnapshot(2, List.of(), List.of());
        assertThatThrownBy(() -> metadata.saveProducerSnapshot(topic, 0, late).join())
                .hasCauseInstanceOf(UnknownTopicException.class);
        assertThat(metadata.producerSnapshot(topic, 0).join()).as("a late writer leaves nothing behind").isEmpty();
    }

    @Override
    protected ManualClock clock() {
        return CLOCK;
    }
}
