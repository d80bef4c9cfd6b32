package io.ledgerstream.cli.connect;

import io.ledgerstream.cli.FileLog;
import io.ledgerstream.cli.flink.FlinkClasspath;
import io.ledgerstream.connectors.Connector;
import io.ledgerstream.connectors.ConnectorFile;
import io.ledgerstream.connectors.runtime.ConnectorPipeline;
import java.io.PrintWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code connect run FILE...}: validates every file first (the first problem stops it, in one line, before anything
 * runs), then runs each
 * connector as a Flink job. Without {@code --cluster} the jobs run on an embedded Flink in this process, until
 * Ctrl-C stops them with savepoints; a later run of the same files resumes from them. With {@code --cluster} the
 * connector job jar is submitted to that cluster, and the command returns.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Validate connector files, then run each as a Flink job.",
                "Without --cluster: on an embedded Flink in this process (REST API on --rest-port) until Ctrl-C, "
                        + "which stops every connector with a savepoint; running the same files again resumes.",
                "With --cluster: submitted to that Flink cluster (resuming from the last 'connect stop' savepoint)."})
final class ConnectRun implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Connector files (YAML).")
    List<Path> files;

    @Mixin
    ClusterOption target;

    @Option(names = "--rest-port", defaultValue = "8081",
            description = "Port of the embedded Flink's REST API (default: ${DEFAULT-VALUE}).")
    int restPort;

    @Option(names = "--job-jar", paramLabel = "JAR",
            description = "The connector job jar to submit to --cluster (default: the one built in connectors/target).")
    Path jobJar;

    @Override
    public Integer call() throws Exception {
        List<Connector> connectors = validate();
        if (target.cluster != null) {
            for (Connector connector : connectors) {
                submitToCluster(connector);
            }
            return 0;
        }
        Path log = target.dataDir.toPath().resolve("connect").resolve("connect.log");
        try (FileLog ignored = FileLog.open(log);
             EmbeddedFlink flink = EmbeddedFlink.start(restPort, slots(connectors))) {
            Map<String, JobClient> jobs = new LinkedHashMap<>();
            for (Connector connector : connectors) {
                jobs.put(connector.spec().name(), submitEmbedded(connector));
            }
            out().println("Embedded Flink: REST API and 'connect status' on 127.0.0.1:" + restPort
                    + "; log in " + log.toAbsolutePath().normalize() + ". Ctrl-C stops with savepoints.");
            List<String> failed = awaitEnd(jobs);
            if (!failed.isEmpty()) {
                out().println("failed: " + String.join(", ", failed) + " (see the log)");
                return 1;
            }
        }
        return 0;
    }

    private List<Connector> validate() {
        List<Connector> connectors = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Path file : files) {
            Connector connector = ConnectorFile.read(file);
            // The client config is a local file: read it now, so a bad one stops the run before anything starts.
            connector.spec().client();
            if (!names.add(connector.spec().name())) {
                throw new IllegalArgumentException(file + ": name: '" + connector.spec().name() + "' is the name of "
                        + "another file's connector");
            }
            connectors.add(connector);
        }
        return connectors;
    }

    private static int slots(List<Connector> connectors) {
        return connectors.stream().mapToInt(c -> c.spec().parallelism()).sum();
    }

    private JobClient submitEmbedded(Connector connector) throws Exception {
        ConnectorFolder folder = new ConnectorFolder(target.dataDir, connector.spec().name());
        folder.remember(connector);
        Configuration conf = ConnectorPipeline.configuration(connector.spec());
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, folder.checkpoints().toUri().toString());
        Optional<Path> resume = folder.latestSnapshot();
        resume.ifPresent(p -> conf.set(StateRecoveryOptions.SAVEPOINT_PATH, p.toUri().toString()));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment("127.0.0.1", restPort,
                conf);
        env.setParallelism(connector.spec().parallelism());
        connector.build(env);
        JobClient job = env.executeAsync(connector.spec().jobName());
        out().println("connector " + connector.spec().name() + " running (" + connector.spec().type() + ", "
                + (connector.source() != null ? "to topic " : "from topics ")
                + String.join(", ", connector.spec().topics())
                + resume.map(p -> "; resumed from " + folder.dir().relativize(p)).orElse("") + ")");
        return job;
    }

    private void submitToCluster(Connector connector) throws Exception {
        ConnectorFolder folder = new ConnectorFolder(target.dataDir, connector.spec().name());
        folder.remember(connector);
        Configuration conf = ConnectorPipeline.configuration(connector.spec());
        Optional<String> resume = folder.lastSavepoint();
        resume.ifPresent(p -> conf.set(StateRecoveryOptions.SAVEPOINT_PATH, p));
        String[] hostPort = target.cluster.replaceFirst("^https?://", "").split(":", 2);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment(hostPort[0],
                hostPort.length > 1 ? Integer.parseInt(hostPort[1]) : 8081, conf, jobJar().toString());
        env.setParallelism(connector.spec().parallelism());
        connector.build(env);
        JobClient job = env.executeAsync(connector.spec().jobName());
        out().println("connector " + connector.spec().name() + " submitted to " + target.cluster + " as job "
                + job.getJobID() + resume.map(p -> " (resumed from " + p + ")").orElse(""));
    }

    private Path jobJar() throws IOException {
        if (jobJar != null) {
            return jobJar;
        }
        Path dir = FlinkClasspath.home().resolve("connectors/target");
        try (Stream<Path> jars = Files.exists(dir) ? Files.list(dir) : Stream.empty()) {
            return jars.filter(p -> p.getFileName().toString().endsWith("-job.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("No connector job jar in " + dir + "; build it with "
                            + "'mvn -pl connectors -am package -DskipTests' or give --job-jar"));
        }
    }

    /**
     * Waits until every job has ended, or until Ctrl-C, which stops the running ones with savepoints.
     *
     * @return the connectors whose job failed
     */
    private List<String> awaitEnd(Map<String, JobClient> jobs) throws InterruptedException {
        CountDownLatch interrupted = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            interrupted.countDown();
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "connect-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        Map<String, String> states = new LinkedHashMap<>();
        try {
            while (interrupted.getCount() > 0) {
                boolean anyActive = false;
                for (Map.Entry<String, JobClient> e : jobs.entrySet()) {
                    String state = state(e.getValue());
                    if (!state.equals(states.put(e.getKey(), state)) && !state.equals("RUNNING")
                            && !state.equals("CREATED") && !state.equals("INITIALIZING")) {
                        out().println("connector " + e.getKey() + ": " + state);
                    }
                    anyActive |= !List.of("FINISHED", "CANCELED", "FAILED").contains(state);
                }
                if (!anyActive) {
                    return states.entrySet().stream().filter(e -> e.getValue().equals("FAILED"))
                            .map(Map.Entry::getKey).toList();
                }
                interrupted.await(1, TimeUnit.SECONDS);
            }
            for (Map.Entry<String, JobClient> e : jobs.entrySet()) {
                stopWithSavepoint(e.getKey(), e.getValue());
            }
            return List.of();
        } finally {
            stopped.countDown();
        }
    }

    private void stopWithSavepoint(String name, JobClient job) {
        ConnectorFolder folder = new ConnectorFolder(target.dataDir, name);
        try {
            if (List.of("FINISHED", "CANCELED", "FAILED").contains(state(job))) {
                return;
            }
            String location = job.stopWithSavepoint(false, folder.savepoints().toUri().toString(),
                    SavepointFormatType.CANONICAL)
                    .get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            folder.recordSavepoint(location);
            out().println("connector " + name + " stopped with a savepoint; the next run resumes from it");
        } catch (Exception e) {
            out().println("connector " + name + " could not take a savepoint (" + e.getMessage() + "); the next "
                    + "run resumes from its last checkpoint");
            job.cancel();
        }
    }

    private static String state(JobClient job) {
        try {
            return job.getJobStatus().get(30, TimeUnit.SECONDS).name();
        } catch (Exception e) {
            return "UNKNOWN";
        }
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
