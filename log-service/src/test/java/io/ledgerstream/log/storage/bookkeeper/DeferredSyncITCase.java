package io.ledgerstream.log.storage.bookkeeper;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.config.BrokerConfig;
import io.ledgerstream.log.config.LogConfig;
import io.ledgerstream.log.config.Replication;
import io.ledgerstream.log.metadata.MetadataStore;
import io.ledgerstream.log.metadata.PartitionRecord;
import io.ledgerstream.log.metadata.TopicRecord;
import io.ledgerstream.log.metrics.BrokerMetrics;
import io.ledgerstream.log.partition.AppendResult;
import io.ledgerstream.log.partition.PartitionLog;
import io.ledgerstream.log.partition.ReadResult;
import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.LocalBookKeeperCluster;
import io.ledgerstream.log.testing.TestBatches;
import io.ledgerstream.log.testing.TestBatches.KeyAtOffset;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.bookkeeper.client.api.BookKeeper;
import org.apache.bookkeeper.client.api.WriteHandle;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Topics whose flush settings ask for less than an fsync per write: their ledgers are written with deferred sync
 * (acknowledged before the journals' fsync, LastAddConfirmed moving only on a force), forced on {@code flush.messages}
 * and {@code flush.ms}, read past the last force, and nothing acknowledged is lost when the writer or a bookie dies.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class DeferredSyncITCase {
    private static final Replication REPLICATION = new Replication(2, 2, 2);
    private static final int RECORDS_PER_BATCH = 50;

    @TempDir
    Path dir;

    private final Clock clock = Clock.systemUTC();
    private LocalBookKeeperCluster cluster;
    private MetadataStore metadata;
    private BrokerConfig config;

    @BeforeEach
    void start() throws Exception {
        cluster = LocalBookKeeperCluster.start(dir.toFile(), 3);
        metadata = new MetadataStore(cluster.zk(), "/ledgerstream");
        // No tail cache: every read goes to the bookies.
        config = cluster.brokerConfig(Map.of("log.cache.bytes", "0"));
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void appendsAreAcknowledgedBeforeAForceAndReadBackFromTheBookiesPastIt() throws Exception {
        TopicPartition tp = topic("deferred", Map.of("flush.messages", "10000"));
        TopicPartition synced = topic("synced", Map.of());
        BrokerMetrics metrics = BrokerMetrics.create();
        try (BookKeeperStorage storage = BookKeeperStorage.connect(config, metadata, clock, metrics.storage())) {
            PartitionLog log = storage.open(tp, REPLICATION, config(Map.of("flush.messages", "10000"))).join();
            WriteHandle ledger = ((BookKeeperPartitionLog) log).activeLedger();
            assertThat(BookKeeperLedgers.deferredSync(ledger)).as("created with DEFERRED_SYNC").isTrue();
            PartitionLog syncedLog = storage.open(synced, REPLICATION, LogConfig.DEFAULTS).join();
            assertThat(BookKeeperLedgers.deferredSync(((BookKeeperPartitionLog) syncedLog).activeLedger())).isFalse();
            syncedLog.closeAsync().get(30, TimeUnit.SECONDS);

            appendAll(log, 0, 100);
            // 5,000 records acknowledged, fewer than flush.messages: nothing forced, and BookKeeper has not moved
            // the ledger's LastAddConfirmed, as it does for an entry of a ledger fsynced per write.
            assertThat(forces(metrics)).isZero();
            assertThat(ledger.getLastAddConfirmed()).isEqualTo(-1);
            assertThat(log.highWatermark()).isEqualTo(100L * RECORDS_PER_BATCH);
            assertReadsBack(log, 100);

            appendAll(log, 100, 150);
            // 12,500 records: at least one force came due; it moves the LastAddConfirmed.
            Await.until("a force after 10,000 records", Duration.ofSeconds(30),
                    () -> forces(metrics) >= 1 && ledger.getLastAddConfirmed() >= 199);
            assertReadsBack(log, 250);
            log.closeAsync().get(30, TimeUnit.SECONDS);
            assertThat(forces(metrics)).as("a force before closing").isGreaterThanOrEqualTo(2);
        }
        try (BookKeeperStorage storage = BookKeeperStorage.connect(config, metadata, clock)) {
            PartitionLog log = storage.open(tp, REPLICATION, config(Map.of("flush.messages", "10000"))).join();
            assertThat(log.highWatermark()).isEqualTo(250L * RECORDS_PER_BATCH);
            assertReadsBack(log, 250);
            log.closeAsync().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void flushMsForcesALedgerThatStopsReceivingAppends() throws Exception {
        Map<String, String> flush = Map.of("flush.messages", "1000000", "flush.ms", "200");
        TopicPartition tp = topic("timed", flush);
        BrokerMetrics metrics = BrokerMetrics.create();
        try (BookKeeperStorage storage = BookKeeperStorage.connect(config, metadata, clock, metrics.storage())) {
            PartitionLog log = storage.open(tp, REPLICATION, config(flush)).join();
            WriteHandle ledger = ((BookKeeperPartitionLog) log).activeLedger();
            appendAll(log, 0, 3);
            Await.until("a force 200 ms after the first unforced append", Duration.ofSeconds(30),
                    () -> forces(metrics) >= 1 && ledger.getLastAddConfirmed() == 2);
            log.closeAsync().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aChangedFlushSettingRollsTheOpenLogToALedgerOfTheOtherModeAtItsNextAppend() throws Exception {
        TopicPartition tp = topic("changed", Map.of());
        try (BookKeeperStorage storage = BookKeeperStorage.connect(config, metadata, clock)) {
            BookKeeperPartitionLog log = (BookKeeperPartitionLog) storage.open(tp, REPLICATION, LogConfig.DEFAULTS)
                    .join();
            appendAll(log, 0, 5);
            WriteHandle synced = log.activeLedger();
            assertThat(BookKeeperLedgers.deferredSync(synced)).isFalse();

            log.updateConfig(config(Map.of("flush.messages", "10000")));
            appendAll(log, 5, 5);
            WriteHandle deferred = log.activeLedger();
            assertThat(deferred.getId()).isNotEqualTo(synced.getId());
            assertThat(BookKeeperLedgers.deferredSync(deferred)).isTrue();

            log.updateConfig(LogConfig.DEFAULTS);
            appendAll(log, 10, 5);
            assertThat(BookKeeperLedgers.deferredSync(log.activeLedger())).isFalse();
            // The deferred-sync segment was forced before it was sealed: all of it is in its closed ledger.
            assertReadsBack(log, 15);
            log.closeAsync().get(30, TimeUnit.SECONDS);
        }
        try (BookKeeperStorage storage = BookKeeperStorage.connect(config, metadata, clock)) {
            PartitionLog log = storage.open(tp, REPLICATION, LogConfig.DEFAULTS).join();
            assertReadsBack(log, 15);
            log.closeAsync().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aNewWriterRecoversEveryAcknowledgedEntryOfAWriterThatDiedBeforeForcing() throws Exception {
        Map<String, String> flush = Map.of("flush.messages", "1000000");
        TopicPartition tp = topic("failover", flush);
        BookKeeperStorage first = BookKeeperStorage.connect(config, metadata, clock);
        try {
            PartitionLog log = first.open(tp, REPLICATION, config(flush)).join();
            appendAll(log, 0, 100);
            assertThat(((BookKeeperPartitionLog) log).activeLedger().getLastAddConfirmed()).isEqualTo(-1);
            // The first writer stops here without closing or forcing anything; a second one takes over.
            try (BookKeeperStorage second = BookKeeperStorage.connect(config, metadata, clock)) {
                PartitionLog taken = second.open(tp, REPLICATION, config(flush)).join();
                assertThat(taken.highWatermark()).isEqualTo(100L * RECORDS_PER_BATCH);
                assertReadsBack(taken, 100);
                CompletableFuture<AppendResult> late = log.appendAsync(batch(100));
                assertThat(late).failsWithin(Duration.ofSeconds(30));
                appendAll(taken, 100, 10);
                assertReadsBack(taken, 110);
                taken.closeAsync().get(30, TimeUnit.SECONDS);
            }
        } finally {
            first.close();
        }
    }

    @Test
    void aBookieFailureFailsTheLogAndReopeningKeepsEveryAcknowledgedRecordOnce() throws Exception {
        Map<String, String> flush = Map.of("flush.messages", "1000000");
        TopicPartition tp = topic("bookie-failure", flush);
        try (BookKeeperStorage storage = BookKeeperStorage.connect(config, metadata, clock)) {
            PartitionLog log = storage.open(tp, REPLICATION, config(flush)).join();
            appendAll(log, 0, 100);
            long ledgerId = openLedger(tp);
            cluster.stopBookie(cluster.ensembles(ledgerId).firstEntry().getValue().get(0));
            // BookKeeper cannot replace a bookie of a deferred-sync ledger: the next appends fail, and its client
            // closes the ledger at its last force (none), before the 100 acknowledged entries.
            List<CompletableFuture<AppendResult>> after = new ArrayList<>();
            for (int i = 100; i < 120; i++) {
                after.add(log.appendAsync(batch(i)));
            }
            Set<Integer> acknowledgedAfter = new HashSet<>();
            for (int i = 0; i < after.size(); i++) {
                try {
                    after.get(i).get(60, TimeUnit.SECONDS);
                    acknowledgedAfter.add(100 + i);
                } catch (java.util.concurrent.ExecutionException e) {
                    // Failed: the producer would retry it.
                }
            }
            Await.until("the log failed", Duration.ofSeconds(30), log::failed);
            log.closeAsync().handle((v, e) -> null).get(30, TimeUnit.SECONDS);

            PartitionLog reopened = storage.open(tp, REPLICATION, config(flush)).join();
            long batches = reopened.highWatermark() / RECORDS_PER_BATCH;
            assertThat(batches).as("every acknowledged batch kept").isGreaterThanOrEqualTo(100 + acknowledgedAfter.size());
            // Each batch read back once, at the offsets it was acknowledged at (later ones are failed appends that
            // reached a bookie, as after any ledger recovery).
            assertReadsBack(reopened, (int) batches);
            appendAll(reopened, (int) batches, 10);
            assertReadsBack(reopened, (int) batches + 10);
            reopened.closeAsync().get(30, TimeUnit.SECONDS);
        }
    }

    private TopicPartition topic(String name, Map<String, String> configs) {
        TopicPartition tp = new TopicPartition(name, 0);
        metadata.createTopic(TopicRecord.create(name, 1, REPLICATION, configs, clock.millis())).join();
        return tp;
    }

    private static LogConfig config(Map<String, String> overrides) {
        return LogConfig.DEFAULTS.withOverrides(overrides);
    }

    private java.nio.ByteBuffer batch(int i) {
        return TestBatches.batch("b" + i, RECORDS_PER_BATCH, 100, clock.millis());
    }

    /** Appends batches {@code from} to {@code from + count - 1} and waits for each to be acknowledged in order. */
    private void appendAll(PartitionLog log, int from, int count) throws Exception {
        List<CompletableFuture<AppendResult>> appends = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            appends.add(log.appendAsync(batch(i)));
        }
        for (int i = 0; i < count; i++) {
            assertThat(appends.get(i).get(60, TimeUnit.SECONDS).baseOffset())
                    .isEqualTo((long) (from + i) * RECORDS_PER_BATCH);
        }
    }

    /** Reads the log from its start and checks it holds batches 0 to {@code batches - 1}, each once, in order. */
    private static void assertReadsBack(PartitionLog log, int batches) throws Exception {
        List<KeyAtOffset> records = new ArrayList<>();
        long next = 0;
        while (next < log.highWatermark()) {
            try (ReadResult read = log.readAsync(next, 64 * 1024).get(30, TimeUnit.SECONDS)) {
                assertThat(read.batches()).as("a read at %d", next).isNotEmpty();
                records.addAll(TestBatches.records(read.batches()));
                next = read.nextOffset();
            }
        }
        assertThat(records).hasSize(batches * RECORDS_PER_BATCH);
        for (int i = 0; i < records.size(); i++) {
            String key = "b" + (i / RECORDS_PER_BATCH) + "-" + (i % RECORDS_PER_BATCH);
            assertThat(records.get(i)).isEqualTo(new KeyAtOffset(i, key));
        }
    }

    private static double forces(BrokerMetrics metrics) {
        for (MetricSnapshot snapshot : metrics.registry().scrape()) {
            if (snapshot.getMetadata().getName().equals("ledgerstream_ledger_forces")) {
                return ((CounterSnapshot) snapshot).getDataPoints().get(0).getValue();
            }
        }
        return 0;
    }

    private long openLedger(TopicPartition tp) {
        PartitionRecord record = metadata.partition(tp.topic(), tp.partition()).join().value();
        return record.segments().get(record.segments().size() - 1).ledgerId();
    }
}
