package io.ledgerstream.cli;

import io.ledgerstream.cli.payments.MainJobRun;
import io.ledgerstream.log.standalone.StandalonePlatform;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ledgerstream quickstart}: the platform's main job end to end on the embedded default. Starts the standalone
 * platform, runs the payments processor on a local Flink cluster, feeds it sample payments, shows the state table
 * as it changes and checks it, then stops everything cleanly. Ctrl-C stops early, just as cleanly. The terminal
 * shows only the quick start's own lines; the platform's log goes to {@value #LOG_FILE} in the data folder.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = {"Start the standalone platform (ZooKeeper, 3 bookies, broker) and a local Flink cluster with "
                + "data in one folder, run the payments-per-customer job on sample payments, show its state table "
                + "live and check it against the payments topic, then stop.",
                "Run it again on the same folder: the job resumes from its savepoint and the table keeps growing.",
                "The platform's log goes to " + QuickstartCommand.LOG_FILE + " in the data folder."})
final class QuickstartCommand implements Callable<Integer> {
    static final String LOG_FILE = "quickstart.log";

    @Mixin
    PlatformOptions platform;

    @Option(names = "--payments", defaultValue = "10000",
            description = "Sample payments to feed (default: ${DEFAULT-VALUE}).")
    long payments;

    @Option(names = "--rate", defaultValue = "1000",
            description = "Payments per second; 0 feeds as fast as the broker takes them (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--customers", defaultValue = "12", description = "Sample customers (default: ${DEFAULT-VALUE}).")
    int customers;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        StandalonePlatform.Settings settings = platform.settings(3, Map.of());
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                finished.await(150, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "ledgerstream-quickstart-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try (FileLog log = FileLog.open(settings.dataDir().toPath().resolve(LOG_FILE))) {
            out.printf(Locale.ROOT, "Ledgerstream quick start: data in %s%n", settings.dataDir().getAbsolutePath());
            out.printf(Locale.ROOT, "  the platform logs to %s%n", log.file());
            long start = System.nanoTime();
            try (StandalonePlatform started = StandalonePlatform.start(settings, Clock.systemUTC())) {
                String bootstrap = "127.0.0.1:" + started.broker().kafkaPort();
                out.printf(Locale.ROOT, "  started ZooKeeper, 3 bookies (journal fsync on) and a broker (Kafka "
                        + "protocol on %s) in %.1f s%n", bootstrap, (System.nanoTime() - start) / 1e9);
                new MainJobRun(bootstrap, settings.dataDir().toPath().resolve("flink"), out, System.console() != null)
                        .run(payments, rate, customers, stop::get);
            }
            out.println("  stopped cleanly; run it again and the job carries on from where it stopped.");
            return 0;
        } finally {
            finished.countDown();
            if (!stop.get()) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
    }
}
