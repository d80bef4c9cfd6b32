package io.ledgerstream.bench;

import io.ledgerstream.log.config.BrokerConfig;
import io.ledgerstream.log.config.LogConfig;
import io.ledgerstream.log.config.Replication;
import io.ledgerstream.log.metadata.MetadataStore;
import io.ledgerstream.log.metadata.TopicRecord;
import io.ledgerstream.log.partition.PartitionLog;
import io.ledgerstream.log.standalone.EmbeddedZooKeeper;
import io.ledgerstream.log.storage.bookkeeper.BookKeeperStorage;
import io.ledgerstream.log.storage.bookkeeper.bookie.BookieNode;
import io.netty.buffer.Unpooled;
import java.io.File;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.bookkeeper.client.api.BookKeeper;
import org.apache.bookkeeper.client.api.DigestType;
import org.apache.bookkeeper.client.api.WriteHandle;
import org.apache.bookkeeper.conf.ClientConfiguration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;

/**
 * Appends of Kafka record batches through the partition log, against raw BookKeeper appends of the same bytes to
 * ledgers with the same ensemble and quorums on the same bookies, alternating in one run. Both sides keep the same
 * number of appends in flight per ledger and time each from submission to acknowledgement.
 *
 * <p>Arguments (all optional): batches per round, in-flight window per partition, partitions, rounds, records per
 * batch, record bytes, cache bytes (the broker's budget for all partitions). Defaults: 20000 64 1 3 16 1024 8388608.
 */
public final class LogAppendBenchmark {
    private static final Replication REPLICATION = new Replication(3, 2, 2);

    private final int batches;
    private final int window;
    private final int partitions;
    private final ByteBuffer template;
    private final BrokerConfig config;
    private final CuratorFramework zk;
    private int round;

    private LogAppendBenchmark(int batches, int window, int partitions, ByteBuffer template, BrokerConfig config,
                               CuratorFramework zk) {
        this.batches = batches;
        this.window = window;
        this.partitions = partitions;
        this.template = template;
        this.config = config;
        this.zk = zk;
    }

    public static void main(String[] args) throws Exception {
        int batches = intArg(args, 0, 20_000);
        int window = intArg(args, 1, 64);
        int partitions = intArg(args, 2, 1);
        int rounds = intArg(args, 3, 3);
        int recordsPerBatch = intArg(args, 4, 16);
        int recordBytes = intArg(args, 5, 1024);
        int cacheBytes = intArg(args, 6, 8 << 20);

        SimpleRecord[] records = new SimpleRecord[recordsPerBatch];
        for (int i = 0; i < recordsPerBatch; i++) {
            records[i] = new SimpleRecord(System.currentTimeMillis(), ("key-" + i).getBytes(), new byte[recordBytes]);
        }
        ByteBuffer template = MemoryRecords.withRecords(Compression.NONE, records).buffer();

        // Bookies keep deleted ledgers on disk until their garbage collection runs: a run writes several GB, so the
        // folder goes when the run ends, whichever way it ends.
        File dir = Files.createTempDirectory("ledgerstream-bench").toFile();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(dir)));
        try (EmbeddedZooKeeper zooKeeper = EmbeddedZooKeeper.start(new File(dir, "zookeeper"), 0);
             CuratorFramework zk = CuratorFrameworkFactory.newClient(zooKeeper.connectString(), new RetryOneTime(100))) {
            zk.start();
            BookieNode.ensureCluster(zk, zooKeeper.connectString(), "/ledgers");
            List<BookieNode> bookies = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                bookies.add(BookieNode.start(new File(dir, "bookie-" + i), freePort(),
                        "zk+null://" + zooKeeper.connectString() + "/ledgers"));
            }
            BrokerConfig config = BrokerConfig.fromMap(Map.of(BrokerConfig.ZOOKEEPER_CONNECT, zooKeeper.connectString(),
                    BrokerConfig.LOG_CACHE_BYTES, Integer.toString(cacheBytes)));
            System.out.printf(Locale.ROOT, "Partition log vs raw BookKeeper: %d batches of %d bytes (%d records of %d "
                            + "bytes) per round, %d partition(s)/ledger(s), %d in flight each, E/Qw/Qa %d/%d/%d, "
                            + "3 bookies with journal fsync, BookKeeper v2 protocol %s, tail cache %d bytes, %d cores%n",
                    batches, template.remaining(), recordsPerBatch, recordBytes, partitions, window,
                    REPLICATION.ensembleSize(), REPLICATION.writeQuorum(), REPLICATION.ackQuorum(),
                    config.bookkeeperV2Protocol() ? "on" : "off", cacheBytes, Runtime.getRuntime().availableProcessors());
            LogAppendBenchmark bench = new LogAppendBenchmark(batches, window, partitions, template, config, zk);

            bench.raw("warm-up raw");
            bench.log("warm-up log");
            List<AppendStats> raw = new ArrayList<>();
            List<AppendStats> log = new ArrayList<>();
            for (int r = 1; r <= rounds; r++) {
                AppendStats rawRound = bench.raw("raw BookKeeper #" + r);
                AppendStats logRound = bench.log("partition log #" + r);
                System.out.println(rawRound.line());
                System.out.println(logRound.line());
                raw.add(rawRound);
                log.add(logRound);
            }
            double throughput = median(log, AppendStats::megabytesPerSecond) / median(raw, AppendStats::megabytesPerSecond);
            double p99 = median(log, s -> s.percentileMillis(99)) / median(raw, s -> s.percentileMillis(99));
            double p50 = median(log, s -> s.percentileMillis(50)) / median(raw, s -> s.percentileMillis(50));
            System.out.printf(Locale.ROOT, "Medians of %d rounds: raw %.1f MB/s p99 %.2f ms; log %.1f MB/s p99 %.2f ms%n",
                    rounds, median(raw, AppendStats::megabytesPerSecond), median(raw, s -> s.percentileMillis(99)),
                    median(log, AppendStats::megabytesPerSecond), median(log, s -> s.percentileMillis(99)));
            System.out.printf(Locale.ROOT, "Ratios log/raw: throughput %.2f (goal >= 0.90), p50 %.2f, p99 %.2f "
                    + "(goal <= 1.20)%n", throughput, p50, p99);
            bookies.forEach(BookieNode::close);
        }
        System.exit(0);
    }

    private AppendStats raw(String name) throws Exception {
        ClientConfiguration conf = new ClientConfiguration();
        conf.setMetadataServiceUri(config.bookkeeperMetadataUri());
        conf.setUseV2WireProtocol(config.bookkeeperV2Protocol());
        conf.setThrottleValue(0);
        try (BookKeeper bk = BookKeeper.newBuilder(conf).build()) {
            List<WriteHandle> ledgers = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                ledgers.add(bk.newCreateLedgerOp().withEnsembleSize(REPLICATION.ensembleSize())
                        .withWriteQuorumSize(REPLICATION.writeQuorum()).withAckQuorumSize(REPLICATION.ackQuorum())
                        .withDigestType(DigestType.CRC32C).withPassword(new byte[0]).execute().get());
            }
            AppendStats stats = measure(name, i -> ledgers.get(i % partitions)
                    .appendAsync(Unpooled.wrappedBuffer(copyOfTemplate())));
            for (WriteHandle ledger : ledgers) {
                ledger.close();
                bk.newDeleteLedgerOp().withLedgerId(ledger.getId()).execute().get();
            }
            return stats;
        }
    }

    private AppendStats log(String name) throws Exception {
        MetadataStore metadata = new MetadataStore(zk, "/ledgerstream");
        String topic = "bench-" + (++round);
        metadata.createTopic(TopicRecord.create(topic, partitions, REPLICATION, Map.of(), System.currentTimeMillis())).get();
        try (BookKeeperStorage storage = BookKeeperStorage.connect(config, metadata, Clock.systemUTC())) {
            List<PartitionLog> logs = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                logs.add(storage.open(new TopicPartition(topic, p), REPLICATION, LogConfig.DEFAULTS).get());
            }
            AppendStats stats = measure(name, i -> logs.get(i % partitions).appendAsync(copyOfTemplate()));
            for (PartitionLog log : logs) {
                log.closeAsync().get(60, TimeUnit.SECONDS);
            }
            return stats;
        }
    }

    private AppendStats measure(String name, Function<Integer, CompletableFuture<?>> append) throws Exception {
        Semaphore[] inFlight = new Semaphore[partitions];
        Arrays.setAll(inFlight, p -> new Semaphore(window));
        long[] latencies = new long[batches];
        CompletableFuture<?>[] all = new CompletableFuture<?>[batches];
        long start = System.nanoTime();
        for (int i = 0; i < batches; i++) {
            Semaphore permits = inFlight[i % partitions];
            permits.acquire();
            int index = i;
            long submitted = System.nanoTime();
            all[i] = append.apply(i).whenComplete((r, e) -> {
                latencies[index] = System.nanoTime() - submitted;
                permits.release();
                if (e != null) {
                    System.err.println("append failed: " + e);
                }
            });
        }
        CompletableFuture.allOf(all).get(300, TimeUnit.SECONDS);
        long elapsed = System.nanoTime() - start;
        return new AppendStats(name, batches, (long) batches * template.remaining(), elapsed, latencies);
    }

    private ByteBuffer copyOfTemplate() {
        return ByteBuffer.allocate(template.remaining()).put(template.duplicate()).flip();
    }

    private static double median(List<AppendStats> stats, java.util.function.ToDoubleFunction<AppendStats> f) {
        double[] values = stats.stream().mapToDouble(f).sorted().toArray();
        return values[values.length / 2];
    }

    private static int intArg(String[] args, int index, int defaultValue) {
        return args.length > index ? Integer.parseInt(args[index]) : defaultValue;
    }

    private static void deleteRecursively(File file) {
        File[] children = file.listFiles();
        if (children != null) {
            for (File child : children) {
                deleteRecursively(child);
            }
        }
        if (!file.delete() && file.exists()) {
            System.err.println("could not delete " + file);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
