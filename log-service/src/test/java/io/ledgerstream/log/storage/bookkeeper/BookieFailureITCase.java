package io.ledgerstream.log.storage.bookkeeper;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.config.BrokerConfig;
import io.ledgerstream.log.config.LogConfig;
import io.ledgerstream.log.config.Replication;
import io.ledgerstream.log.metadata.MetadataStore;
import io.ledgerstream.log.metadata.PartitionRecord;
import io.ledgerstream.log.metadata.TopicRecord;
import io.ledgerstream.log.partition.AppendResult;
import io.ledgerstream.log.partition.PartitionLog;
import io.ledgerstream.log.partition.ReadResult;
import io.ledgerstream.log.testing.LocalBookKeeperCluster;
import io.ledgerstream.log.testing.ManualClock;
import io.ledgerstream.log.testing.TestBatches;
import io.ledgerstream.log.testing.TestBatches.KeyAtOffset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.bookkeeper.client.api.BookKeeper;
import org.apache.bookkeeper.net.BookieId;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A bookie of the open ledger's ensemble dies during appends: BookKeeper changes the ensemble and nothing is lost. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BookieFailureITCase {
    private static final Replication REPLICATION = new Replication(3, 2, 2);

    @TempDir
    Path dir;

    @Test
    void appendsGoOnWhenABookieOfTheEnsembleStopsAndNothingAcknowledgedIsLost() throws Exception {
        ManualClock clock = new ManualClock(1_700_000_000_000L);
        try (LocalBookKeeperCluster cluster = LocalBookKeeperCluster.start(dir.toFile(), 4)) {
            MetadataStore metadata = new MetadataStore(cluster.zk(), "/ledgerstream");
            BrokerConfig config = cluster.brokerConfig(Map.of());
            TopicPartition tp = new TopicPartition("bookie-failure", 0);
            metadata.createTopic(TopicRecord.create(tp.topic(), 1, REPLICATION, Map.of(), clock.millis())).join();

            List<CompletableFuture<AppendResult>> appends = new ArrayList<>();
            try (BookKeeperStorage storage = BookKeeperStorage.connect(config, metadata, clock)) {
                PartitionLog log = storage.open(tp, REPLICATION, LogConfig.DEFAULTS).join();
                for (int i = 0; i < 200; i++) {
                    appends.add(log.appendAsync(TestBatches.batch("k" + i, 4, 200, clock.millis())));
                }
                appends.get(199).get(30, TimeUnit.SECONDS);

                long ledgerId = openLedger(metadata, tp);
                List<BookieId> ensemble = List.copyOf(cluster.ensembles(ledgerId).firstEntry().getValue());
                for (int i = 200; i < 300; i++) {
                    appends.add(log.appendAsync(TestBatches.batch("k" + i, 4, 200, clock.millis())));
                }
                cluster.stopBookie(ensemble.get(0));
                for (int i = 300; i < 600; i++) {
                    appends.add(log.appendAsync(TestBatches.batch("k" + i, 4, 200, clock.millis())));
                }
                for (int i = 0; i < appends.size(); i++) {
                    assertThat(appends.get(i).get(60, TimeUnit.SECONDS).baseOffset()).isEqualTo(4L * i);
                }
                assertThat(cluster.ensembles(ledgerId).size()).as("the ledger changed its ensemble").isGreaterThan(1);
                assertThat(cluster.ensembles(ledgerId).lastEntry().getValue())
                        .doesNotContain(ensemble.get(0));
                log.closeAsync().get(30, TimeUnit.SECONDS);
            }

            // A new writer, with nothing cached, reads every acknowledged batch back from the bookies.
            try (BookKeeperStorage storage = BookKeeperStorage.connect(config, metadata, clock)) {
                PartitionLog log = storage.open(tp, REPLICATION, LogConfig.DEFAULTS).join();
                assertThat(log.highWatermark()).isEqualTo(2400);
                List<KeyAtOffset> records = new ArrayList<>();
                long next = 0;
                while (next < log.highWatermark()) {
                    try (ReadResult read = log.readAsync(next, 64 * 1024).get(30, TimeUnit.SECONDS)) {
                        records.addAll(TestBatches.records(read.batches()));
                        next = read.nextOffset();
                    }
                }
                assertThat(records).hasSize(2400);
                for (int i = 0; i < records.size(); i++) {
                    assertThat(records.get(i)).isEqualTo(new KeyAtOffset(i, "k" + (i / 4) + "-" + (i % 4)));
                }
                log.closeAsync().get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static long openLedger(MetadataStore metadata, TopicPartition tp) {
        PartitionRecord record = metadata.partition(tp.topic(), tp.partition()).join().value();
        return record.segments().get(record.segments().size() - 1).ledgerId();
    }
}
