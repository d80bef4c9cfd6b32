package io.ledgerstream.log.storage.bookkeeper;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.config.BrokerConfig;
import io.ledgerstream.log.config.InvalidConfigException;
import io.ledgerstream.log.config.LogConfig;
import io.ledgerstream.log.config.Replication;
import io.ledgerstream.log.metadata.MetadataStore;
import io.ledgerstream.log.partition.CacheBudget;
import io.ledgerstream.log.partition.PartitionLog;
import io.ledgerstream.log.partition.PartitionLogFactory;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import org.apache.bookkeeper.client.api.BookKeeper;
import org.apache.bookkeeper.conf.ClientConfiguration;
import org.apache.kafka.common.TopicPartition;

/**
 * Partition logs on BookKeeper: owns the BookKeeper client of a broker and opens logs through it.
 *
 * <p>Thread-safe: it holds only final references to thread-safe objects, the BookKeeper client among them.
 */
@ThreadSafe
public final class BookKeeperStorage implements PartitionLogFactory {
    private final BookKeeper bookKeeper;
    private final BookKeeperLedgers ledgers;
    private final MetadataStore metadata;
    private final BrokerConfig config;
    private final Clock clock;
    private final CacheBudget cacheBudget;

    private BookKeeperStorage(BookKeeper bookKeeper, MetadataStore metadata, BrokerConfig config, Clock clock) {
        this.bookKeeper = bookKeeper;
        this.ledgers = new BookKeeperLedgers(bookKeeper);
        this.metadata = metadata;
        this.config = config;
        this.clock = clock;
        this.cacheBudget = new CacheBudget(config.cacheBytes());
    }

    /** Connects a BookKeeper client to the bookies registered under the broker's ZooKeeper. */
    public static BookKeeperStorage connect(BrokerConfig config, MetadataStore metadata, Clock clock) throws Exception {
        ClientConfiguration conf = new ClientConfiguration();
        conf.setMetadataServiceUri(config.bookkeeperMetadataUri());
        conf.setZkTimeout(config.zookeeperSessionTimeoutMs());
        conf.setUseV2WireProtocol(config.bookkeeperV2Protocol());
        // Batch reads exist only in the v2 protocol; with v3 the client reads entry by entry.
        conf.setBatchReadEnabled(config.bookkeeperV2Protocol());
        // Appends are paced by the partition logs' pipelines, not by a client-wide rate limit.
        conf.setThrottleValue(0);
        if (!config.bookieRacks().isEmpty()) {
            try {
                ConfiguredRacks.parse(config.bookieRacks());
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException(BrokerConfig.BOOKKEEPER_BOOKIE_RACKS, config.bookieRacks(),
                        e.getMessage());
            }
            // BookKeeper's default placement policy is rack-aware; it only needs to know the racks.
            conf.setProperty("reppDnsResolverClass", ConfiguredRacks.class.getName());
            conf.setProperty(ConfiguredRacks.PROPERTY, config.bookieRacks());
        }
        return new BookKeeperStorage(BookKeeper.newBuilder(conf).build(), metadata, config, clock);
    }

    /** The ledger operations, for tools and tests that work below the partition log. */
    public BookKeeperLedgers ledgers() {
        return ledgers;
    }

    @Override
    public CompletableFuture<PartitionLog> open(TopicPartition partition, Replication replication, LogConfig logConfig,
                                                int epoch) {
        return BookKeeperPartitionLog.open(partition, replication, epoch, logConfig, metadata, ledgers, clock,
                cacheBudget, config.readAheadEntries(), config.cleanerDedupeBufferBytes())
                .thenApply(log -> log);
    }

    @Override
    public CompletableFuture<Integer> writableNodes() {
        if (bookKeeper instanceof org.apache.bookkeeper.client.BookKeeper client) {
            return client.getMetadataClientDriver().getRegistrationClient().getWritableBookies()
                    .thenApply(bookies -> bookies.getValue().size());
        }
        return CompletableFuture.failedFuture(new IllegalStateException("unexpected BookKeeper client "
                + bookKeeper.getClass()));
    }

    @Override
    public CompletableFuture<Void> deleteData(io.ledgerstream.log.metadata.PartitionRecord record) {
        CompletableFuture<?>[] deletes = record.segments().stream()
                .map(s -> ledgers.delete(s.ledgerId()).exceptionally(e -> {
                    if (!BookKeeperErrors.isNoSuchLedger(e)) {
                        throw BookKeeperErrors.translate(e, "ledger " + s.ledgerId());
                    }
                    return null;
                }))
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(deletes);
    }

    @Override
    public void close() {
        try {
            bookKeeper.close();
        } catch (Exception e) {
            throw new IllegalStateException("Closing the BookKeeper client failed", e);
        }
    }
}
