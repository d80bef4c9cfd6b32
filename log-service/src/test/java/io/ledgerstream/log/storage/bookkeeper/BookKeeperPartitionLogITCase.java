package io.ledgerstream.log.storage.bookkeeper;

import io.ledgerstream.log.config.BrokerConfig;
import io.ledgerstream.log.config.LogConfig;
import io.ledgerstream.log.config.Replication;
import io.ledgerstream.log.metadata.MetadataStore;
import io.ledgerstream.log.metadata.TopicExistsException;
import io.ledgerstream.log.metadata.TopicRecord;
import io.ledgerstream.log.partition.PartitionLog;
import io.ledgerstream.log.partition.PartitionLogContractTest;
import io.ledgerstream.log.testing.LocalBookKeeperCluster;
import io.ledgerstream.log.testing.ManualClock;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
            metadata.createTopic(new TopicRecord(topic, 1, REPLICATION, config.asMap(), CLOCK.millis())).join();
        } catch (CompletionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        return storage.open(new TopicPartition(topic, 0), REPLICATION, config).join();
    }

    @Override
    protected ManualClock clock() {
        return CLOCK;
    }
}
