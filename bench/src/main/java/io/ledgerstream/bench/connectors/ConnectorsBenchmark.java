package io.ledgerstream.bench.connectors;

import io.ledgerstream.bench.BenchMain;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Each connector against the database's own ceiling in one run, in rounds of alternating order (odd rounds run
 * the connector first, even rounds its ceiling first), on our standalone platform (one broker, three bookies, in
 * this JVM), a Flink MiniCluster (RocksDB, checkpoints every second) and a PostgreSQL 15 started here with default
 * durability: {@link CdcThroughput}, {@link SinkThroughput}, then {@link EndToEndLatency}. A warm-up round of a
 * tenth of the rows (and 5 s of latency) runs first, so that the first measured round does not carry the JIT's
 * warm-up of this JVM alone (the ceilings run in PostgreSQL's processes); it is printed, marked, apart. Prints each
 * round as it ends, then the table of all rounds.
 *
 * <p>Arguments (all optional): CDC_ROWS=200000 ROWS_PER_TRANSACTION=100 SINK_ROWS=200000 BATCH_SIZE=500
 * LATENCY_ROWS_PER_SECOND=50 LATENCY_SECONDS=20 ROUNDS=4 "FLUSH_INTERVAL=1 s" (the sink's flush-interval in the latency
 * run).
 */
public final class ConnectorsBenchmark {
    private ConnectorsBenchmark() {
    }

    public static void main(String[] args) {
        BenchMain.runAndExit(args, ConnectorsBenchmark::run);
    }

    private static void run(String[] args) throws Exception {
        int cdcRows = intArg(args, 0, 200_000);
        int rowsPerTransaction = intArg(args, 1, 100);
        int sinkRows = intArg(args, 2, 200_000);
        int batchSize = intArg(args, 3, 500);
        int perSecond = intArg(args, 4, 50);
        int seconds = intArg(args, 5, 20);
        int rounds = intArg(args, 6, 4);
        String flushInterval = args.length > 7 ? args[7] : "1 s";
        Path dir = Files.createTempDirectory("ledgerstream-connectors-bench");
        try (BenchPostgres postgres = BenchPostgres.start();
             Platform platform = Platform.start(new File(dir.toFile(), "platform"));
             LocalFlink flink = LocalFlink.start(dir.resolve("flink"))) {
            Databases.create(postgres);
            CdcThroughput cdc = new CdcThroughput(postgres, platform, flink, cdcRows, rowsPerTransaction);
            SinkThroughput sink = new SinkThroughput(postgres, platform, flink, sinkRows, batchSize);
            EndToEndLatency latency = new EndToEndLatency(postgres, platform, flink, perSecond, seconds,
                    flushInterval);
            cdc.createSchema();
            sink.createSchema();
            latency.createSchema();
            List<RoundFigures> figures = new ArrayList<>();
            figures.add(round(0, new CdcThroughput(postgres, platform, flink, cdcRows / 10, rowsPerTransaction),
                    new SinkThroughput(postgres, platform, flink, sinkRows / 10, batchSize),
                    new EndToEndLatency(postgres, platform, flink, perSecond, 5, flushInterval)));
            for (int round = 1; round <= rounds; round++) {
                figures.add(round(round, cdc, sink, latency));
            }
            System.out.printf("PostgreSQL 15 settings besides initdb's defaults: %s%n",
                    String.join(", ", BenchPostgres.SETTINGS));
            RoundFigures.print(figures);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** One round; the connectors go first in odd rounds (and in the warm-up, round 0). */
    private static RoundFigures round(int round, CdcThroughput cdc, SinkThroughput sink, EndToEndLatency latency)
            throws Exception {
        boolean oursFirst = round % 2 == 1 || round == 0;
        cdc.prepare(round);
        CdcRate cdcOurs;
        Rate recvlogical;
        if (oursFirst) {
            cdcOurs = cdc.ours();
            recvlogical = cdc.ceiling();
        } else {
            recvlogical = cdc.ceiling();
            cdcOurs = cdc.ours();
        }
        sink.prepare(round);
        Rate sinkOurs;
        Rate client;
        if (oursFirst) {
            sinkOurs = sink.ours();
            client = sink.ceiling();
        } else {
            client = sink.ceiling();
            sinkOurs = sink.ours();
        }
        RoundFigures figures = new RoundFigures(round, oursFirst, cdcOurs, recvlogical, sinkOurs, client,
                latency.measure(round));
        System.out.println(figures.line());
        return figures;
    }

    private static int intArg(String[] args, int index, int fallback) {
        return args.length > index ? Integer.parseInt(args[index]) : fallback;
    }
}
