package io.ledgerstream.log.storage.bookkeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.log.config.BrokerConfig;
import io.ledgerstream.log.config.InvalidConfigException;
import io.ledgerstream.log.config.Replication;
import io.ledgerstream.log.metadata.MetadataStore;
import io.ledgerstream.log.testing.LocalBookKeeperCluster;
import io.ledgerstream.log.testing.ManualClock;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.bookkeeper.client.api.WriteHandle;
import org.apache.bookkeeper.net.BookieId;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four bookies in two racks, racks given to the broker with {@code bookkeeper.bookie.racks}: BookKeeper's
 * rack-aware placement puts the two copies of every entry in different racks.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RackAwarePlacementITCase {
    private static final Map<String, String> RACKS = Map.of("127.0.0.2", "/rack-a", "127.0.0.3", "/rack-a",
            "127.0.0.4", "/rack-b", "127.0.0.5", "/rack-b");

    @TempDir
    Path dir;

    @Test
    void everyLedgerHasACopyInEachRack() throws Exception {
        try (LocalBookKeeperCluster cluster = LocalBookKeeperCluster.start(dir.toFile(),
                "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5")) {
            MetadataStore metadata = new MetadataStore(cluster.zk(), "/ledgerstream");
            BrokerConfig config = cluster.brokerConfig(Map.of(BrokerConfig.BOOKKEEPER_BOOKIE_RACKS,
                    "127.0.0.2=/rack-a, 127.0.0.3=/rack-a, 127.0.0.4=/rack-b, 127.0.0.5=/rack-b"));
            try (BookKeeperStorage storage = BookKeeperStorage.connect(config, metadata, new ManualClock(0))) {
                // 30 ledgers of two copies from four bookies: by chance alone, all would span both racks with a
                // probability of (2/3)^30, about 5 in a million.
                for (int i = 0; i < 30; i++) {
                    WriteHandle ledger = storage.ledgers().create(new Replication(2, 2, 2),
                            new TopicPartition("racks", 0), 0).get(30, TimeUnit.SECONDS);
                    List<BookieId> ensemble = ledger.getLedgerMetadata().getAllEnsembles().get(0L);
                    Set<String> racks = ensemble.stream()
                            .map(b -> RACKS.get(b.toString().substring(0, b.toString().lastIndexOf(':'))))
                            .collect(Collectors.toSet());
                    assertThat(racks).as("racks of ledger %d's ensemble %s", i, ensemble)
                            .containsExactlyInAnyOrder("/rack-a", "/rack-b");
                    ledger.close();
                }
            }
            assertThatThrownBy(() -> BookKeeperStorage.connect(cluster.brokerConfig(Map.of(
                    BrokerConfig.BOOKKEEPER_BOOKIE_RACKS, "127.0.0.2:rack-a")), metadata, new ManualClock(0)))
                    .isInstanceOf(InvalidConfigException.class).hasMessageContaining("bookkeeper.bookie.racks");
        }
    }
}
