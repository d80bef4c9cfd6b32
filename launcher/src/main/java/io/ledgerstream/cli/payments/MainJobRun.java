package io.ledgerstream.cli.payments;

import io.ledgerstream.jobs.JobEnvironment;
import io.ledgerstream.jobs.RetainedSnapshots;
import io.ledgerstream.jobs.kafka.ClientConfig;
import io.ledgerstream.jobs.payments.PaymentsJob;
import io.ledgerstream.jobs.payments.SamplePayments;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The platform's main job, end to end on a running broker: creates the payments topics, runs the payments
 * processor on a local Flink cluster (RocksDB, checkpoints into the data folder, resuming from the last snapshot of
 * an earlier run), feeds it sample payments, shows the state table as it changes, checks it against an
 * independent fold of the whole payments topic, and stops the job with a savepoint.
 */
public final class MainJobRun {
    private static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(2);
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(120);
    private static final int PARALLELISM = 2;

    private final String bootstrap;
    private final Path clientConfigFile;
    private final ClientConfig client;
    private final Path flinkDir;
    private final PrintStream out;
    private final boolean terminal;

    /** @param flinkDir where checkpoints and savepoints are kept, across runs */
    public MainJobRun(String bootstrap, Path flinkDir, PrintStream out, boolean terminal) {
        this(bootstrap, null, flinkDir, out, terminal);
    }

    /**
     * @param clientConfigFile Kafka client settings ({@code --client-config}) for the job and every client of this
     *                         run, or null for none
     * @param flinkDir         where checkpoints and savepoints are kept, across runs
     * @throws io.ledgerstream.jobs.kafka.ClientConfigException naming the file and key, if the file is bad
     */
    public MainJobRun(String bootstrap, Path clientConfigFile, Path flinkDir, PrintStream out, boolean terminal) {
        this.bootstrap = bootstrap;
        this.clientConfigFile = clientConfigFile == null ? null : clientConfigFile.toAbsolutePath();
        this.client = ClientConfig.loadIfGiven(this.clientConfigFile);
        this.flinkDir = flinkDir.toAbsolutePath();
        this.out = out;
        this.terminal = terminal;
    }

    /**
     * Runs the job, feeds {@code count} payments over {@code customers} customers at {@code perSecond} (0: as fast
     * as they go) and returns once the table matches the topic, or once {@code stop} turns true.
     *
     * @throws IllegalStateException when the table does not settle on the expected rows in time, or the job fails
     */
    public void run(long count, int perSecond, int customers, BooleanSupplier stop) throws Exception {
        createTopics();
        Path checkpoints = flinkDir.resolve("checkpoints");
        Path savepoints = flinkDir.resolve("savepoints");
        Optional<Path> resume = RetainedSnapshots.latest(savepoints, checkpoints);
        out.println(resume.map(p -> "  resuming the job's state from " + flinkDir.relativize(p))
                .orElse("  no earlier state: the job starts from the beginning of the payments topic"));

        JobClient job = submit(checkpoints, resume);
        out.printf(Locale.ROOT, "  payments job running on a local Flink cluster (parallelism %d, RocksDB state, "
                + "checkpoint every %d s)%n", PARALLELISM, CHECKPOINT_INTERVAL.toSeconds());
        PaymentFeeder feeder = new PaymentFeeder(bootstrap, client, PaymentsJob.PAYMENTS);
        String runId = Long.toString(System.currentTimeMillis(), 36);
        CompletableFuture<Long> fed = feeder.start(new SamplePayments(System.nanoTime(), customers, runId,
                System.currentTimeMillis()), count, perSecond, stop);
        try (StateTableView view = new StateTableView(bootstrap, client, PaymentsJob.TOTALS, out, terminal)) {
            PaymentsAudit.Expected expected = null;
            long started = System.nanoTime();
            long lastPrint = 0;
            long settleDeadline = Long.MAX_VALUE;
            while (!stop.getAsBoolean()) {
                view.refresh(Duration.ofMillis(250));
                JobStatus status = runningStatus(job);
                if (fed.isDone() && expected == null) {
                    long total = fed.get();
                    expected = PaymentsAudit.of(bootstrap, client, PaymentsJob.PAYMENTS);
                    if (!terminal) {
                        out.printf(Locale.ROOT, "  fed %,d payments; the payments topic holds %,d in all%n", total,
                                expected.payments());
                    }
                    settleDeadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
                }
                String progress = progress(feeder.acknowledged(), count, view, status, started);
                // Exactly-once output: one committed row change per counted payment, neither lost nor repeated.
                if (expected != null && view.rows().equals(expected.table())
                        && view.changes() == expected.payments()) {
                    view.print(progress);
                    out.printf(Locale.ROOT, "  state table matches the %,d payments in the topic exactly: %d "
                            + "customers, every count and total, one committed row change per payment%n",
                            expected.payments(), expected.table().size());
                    return;
                }
                if (System.nanoTime() > settleDeadline) {
                    view.print(progress);
                    throw new IllegalStateException("The state table did not match the payments topic within "
                            + SETTLE_TIMEOUT.toSeconds() + " s: " + difference(expected.table(), view.rows())
                            + "; " + view.changes() + " committed row changes for " + expected.payments()
                            + " payments");
                }
                view.draw(progress);
                if (!terminal && System.nanoTime() - lastPrint > TimeUnit.SECONDS.toNanos(5)) {
                    out.println("  " + progress);
                    lastPrint = System.nanoTime();
                }
            }
            view.print(progress(feeder.acknowledged(), count, view, runningStatus(job), started));
            out.println("  stopped by request before the table was checked");
        } finally {
            stopWithSavepoint(job, savepoints);
        }
    }

    private JobClient submit(Path checkpoints, Optional<Path> resume) throws Exception {
        Map<String, String> options = new HashMap<>(Map.of(
                "bootstrap-servers", bootstrap,
                "checkpoint-interval", Long.toString(CHECKPOINT_INTERVAL.toMillis()),
                "checkpoint-dir", checkpoints.toUri().toString()));
        if (clientConfigFile != null) {
            options.put(ClientConfig.OPTION, clientConfigFile.toString());
        }
        ParameterTool params = ParameterTool.fromMap(options);
        Configuration conf = JobEnvironment.configuration(params);
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, PARALLELISM);
        resume.ifPresent(path -> conf.set(StateRecoveryOptions.SAVEPOINT_PATH, path.toUri().toString()));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(PARALLELISM, conf);
        PaymentsJob.buildPipeline(env, params);
        return env.executeAsync(PaymentsJob.NAME);
    }

    private void stopWithSavepoint(JobClient job, Path savepoints) {
        try {
            JobStatus status = job.getJobStatus().get(30, TimeUnit.SECONDS);
            if (status.isGloballyTerminalState()) {
                return;
            }
            // Within the quick start's Ctrl-C allowance, with time left to stop the platform.
            String path = job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(60, TimeUnit.SECONDS);
            out.println("  job stopped with a savepoint: " + flinkDir.relativize(Path.of(URI.create(path))));
        } catch (Exception e) {
            out.println("  could not stop the job with a savepoint (" + e.getMessage() + "); the next run resumes "
                    + "from its last checkpoint");
            job.cancel();
        }
    }

    /** The job's status while it runs; fails with the job's own failure once it has ended. */
    private static JobStatus runningStatus(JobClient job) throws Exception {
        JobStatus status = job.getJobStatus().get(30, TimeUnit.SECONDS);
        if (status.isGloballyTerminalState()) {
            try {
                job.getJobExecutionResult().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                throw new IllegalStateException("The payments job failed: " + e.getCause().getMessage(), e);
            }
            throw new IllegalStateException("The payments job ended on its own (" + status + ")");
        }
        return status;
    }

    private static String progress(long fed, long count, StateTableView view, JobStatus status, long startedNanos) {
        double seconds = Math.max(0.001, (System.nanoTime() - startedNanos) / 1e9);
        return String.format(Locale.ROOT, "fed %,d/%,d payments (%,.0f/s) · %,d row changes · job %s · %.0f s",
                fed, count, fed / seconds, view.changes(), status, seconds);
    }

    private static String difference(Map<String, ?> expected, Map<String, ?> actual) {
        for (Map.Entry<String, ?> e : expected.entrySet()) {
            if (!e.getValue().equals(actual.get(e.getKey()))) {
                return "customer " + e.getKey() + " should be " + e.getValue() + " but is " + actual.get(e.getKey());
            }
        }
        Set<String> extra = new TreeSet<>(actual.keySet());
        extra.removeAll(expected.keySet());
        return "unexpected customers " + extra;
    }

    private void createTopics() throws Exception {
        try (Admin admin = Admin.create(client.over(Map.of("bootstrap.servers", bootstrap)))) {
            for (NewTopic topic : List.of(new NewTopic(PaymentsJob.PAYMENTS, 3, (short) 2),
                    new NewTopic(PaymentsJob.TOTALS, 3, (short) 2), new NewTopic(PaymentsJob.REJECTED, 1, (short) 2))) {
                try {
                    admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }
    }
}
