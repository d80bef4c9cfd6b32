package io.ledgerstream.cli;

import io.ledgerstream.cli.flink.FlinkRestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ledgerstream submit}: uploads a job jar to a Flink cluster over REST and runs it. */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = {"Upload a job jar to a Flink cluster over its REST API and run it; prints the job id.",
                "Options go before JAR; everything after JAR is passed to the job."})
final class SubmitCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "JAR", description = "The job jar (e.g. flink-jobs/target/*-job.jar).")
    Path jar;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments for the job's main method.")
    List<String> args = new ArrayList<>();

    @Option(names = "--cluster", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8081",
            description = "The JobManager's REST address (default: ${DEFAULT-VALUE}).")
    String cluster;

    @Option(names = "--class", paramLabel = "MAIN", description = "Main class (default: the jar's manifest).")
    String mainClass;

    @Option(names = "--parallelism", defaultValue = "0", description = "Parallelism (default: the cluster's).")
    int parallelism;

    @Option(names = "--unless-running", paramLabel = "JOB_NAME",
            description = "Do nothing when the cluster already runs a job of this name (for a set-up step that may "
                    + "run again).")
    String unlessRunning;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("No such jar: " + jar);
        }
        String base = cluster.contains("://") ? cluster : "http://" + cluster;
        FlinkRestClient rest = new FlinkRestClient(base);
        if (unlessRunning != null) {
            Optional<String> running = rest.activeJobNamed(unlessRunning);
            if (running.isPresent()) {
                System.out.println("Job " + unlessRunning + " already runs as job " + running.get() + "; not "
                        + "submitted again");
                return 0;
            }
        }
        String jarId = rest.uploadJar(jar);
        String jobId = rest.run(jarId, mainClass, args, parallelism);
        System.out.println("Submitted " + jar.getFileName() + " as job " + jobId + "; see " + base + "/#/job/running/"
                + jobId + "/overview");
        return 0;
    }
}
