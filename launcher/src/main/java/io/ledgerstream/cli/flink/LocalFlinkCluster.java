package io.ledgerstream.cli.flink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Flink session cluster on this machine: one JobManager (REST API and web UI on {@code restPort}) and some
 * TaskManagers, each a JVM of its own running Flink's own entry points on the stock Flink classpath (from Maven
 * artifacts; see the flink-cluster module). Configuration, logs and checkpoints live under one folder. Each process
 * reports its metrics, and those of the jobs it runs, through Flink's Prometheus reporter: the first free port from
 * {@code metricsPort} on serves them at {@code /metrics} (the JobManager and the TaskManagers take one each).
 *
 * <p>Not thread-safe: one thread starts it; {@link #close} may then run on another (a shutdown hook) once
 * {@link #start} has returned.
 */
public final class LocalFlinkCluster implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalFlinkCluster.class);
    private static final String JOB_MANAGER = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    private static final String TASK_MANAGER = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";

    /**
     * How to lay out the cluster.
     *
     * @param metricsPort the first port of the Prometheus reporters' range, which has one port for the JobManager and
     *                    one for each TaskManager
     */
    public record Settings(Path dir, int taskManagers, int slotsPerTaskManager, int restPort, int rpcPort,
                           int metricsPort) {
        /** The default first port of the reporters' range, Flink's documented one. */
        public static final int METRICS_PORT = 9249;

        /** A cluster whose reporters take ports from {@link #METRICS_PORT} on. */
        public Settings(Path dir, int taskManagers, int slotsPerTaskManager, int restPort, int rpcPort) {
            this(dir, taskManagers, slotsPerTaskManager, restPort, rpcPort, METRICS_PORT);
        }

        public String restAddress() {
            return "http://127.0.0.1:" + restPort;
        }

        /** The reporters' port range, as Flink's {@code metrics.reporter.prom.port} takes it. */
        public String metricsPorts() {
            return metricsPort + "-" + (metricsPort + taskManagers);
        }
    }

    private final Settings settings;
    private final List<Process> processes = new ArrayList<>();

    private LocalFlinkCluster(Settings settings) {
        this.settings = settings;
    }

    /**
     * Starts the JobManager and TaskManagers and returns once every TaskManager has registered.
     *
     * @param classpath the Flink classpath (what a Flink distribution's lib folder holds)
     * @throws IllegalStateException when the cluster is not up within {@code timeout}; its logs are named
     */
    public static LocalFlinkCluster start(Settings settings, String classpath, Duration timeout) throws Exception {
        Path conf = settings.dir().resolve("conf");
        Path logs = settings.dir().resolve("log");
        Files.createDirectories(conf);
        Files.createDirectories(logs);
        Map<String, String> config = config(settings);
        FlinkJvm.writeConfig(conf.resolve("config.yaml"), config);
        Files.writeString(conf.resolve("log4j2.xml"), FileLogging.log4j2("${sys:log.file}"), StandardCharsets.UTF_8);
        LocalFlinkCluster cluster = new LocalFlinkCluster(settings);
        try {
            // What Flink's start scripts work out before starting a JVM: its memory flags and the derived sizes.
            Configuration flink = Configuration.fromMap(config);
            JobManagerProcessSpec jobManager = JobManagerProcessUtils.processSpecFromConfig(flink);
            cluster.launch(JOB_MANAGER, "jobmanager", classpath,
                    JobManagerProcessUtils.generateJvmParametersStr(jobManager, flink),
                    JobManagerProcessUtils.generateDynamicConfigsStr(jobManager));
            TaskExecutorProcessSpec taskManager = TaskExecutorProcessUtils.processSpecFromConfig(flink);
            for (int i = 0; i < settings.taskManagers(); i++) {
                cluster.launch(TASK_MANAGER, "taskmanager-" + i, classpath,
                        ProcessMemoryUtils.generateJvmParametersStr(taskManager),
                        TaskExecutorProcessUtils.generateDynamicConfigsStr(taskManager));
            }
            cluster.awaitTaskManagers(timeout);
            return cluster;
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    public Settings settings() {
        return settings;
    }

    private void launch(String mainClass, String name, String classpath, String jvmMemory, String dynamicConfig)
            throws IOException {
        Path conf = settings.dir().resolve("conf");
        Path log = settings.dir().resolve("log").resolve(name + ".log");
        List<String> command = new ArrayList<>();
        command.add(FlinkJvm.java());
        command.addAll(List.of(jvmMemory.trim().split("\\s+")));
        command.addAll(FlinkJvm.MODULE_ACCESS);
        command.add("-Dlog.file=" + log);
        command.add("-Dlog4j.configurationFile=" + conf.resolve("log4j2.xml").toUri());
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.add("--configDir");
        command.add(conf.toString());
        command.addAll(List.of(dynamicConfig.trim().split("\\s+")));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(settings.dir().resolve("log").resolve(name + ".out")
                        .toFile()))
                .start();
        processes.add(process);
        LOG.info("Started Flink {} (pid {}), log in {}", name, process.pid(), log);
    }

    private void awaitTaskManagers(Duration timeout) throws Exception {
        FlinkRestClient rest = new FlinkRestClient(settings.restAddress());
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("A Flink process exited with code " + p.exitValue()
                            + " while starting; see the logs in " + settings.dir().resolve("log"));
                }
            }
            try {
                Map<String, Object> overview = rest.overview();
                if (((Number) overview.get("taskmanagers")).intValue() >= settings.taskManagers()) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The Flink cluster did not come up within " + timeout.toSeconds()
                        + " s; see the logs in " + settings.dir().resolve("log"));
            }
            Thread.sleep(250);
        }
    }

    /** Stops the TaskManagers, then the JobManager (SIGTERM, then SIGKILL after 30 s). */
    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process p = processes.get(i);
            p.destroy();
            try {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        processes.clear();
    }

    private static Map<String, String> config(Settings s) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("jobmanager.rpc.address", "127.0.0.1");
        c.put("jobmanager.rpc.port", Integer.toString(s.rpcPort()));
        c.put("jobmanager.bind-host", "127.0.0.1");
        c.put("jobmanager.memory.process.size", "1600m");
        c.put("taskmanager.bind-host", "127.0.0.1");
        c.put("taskmanager.host", "127.0.0.1");
        c.put("taskmanager.memory.process.size", "1728m");
        c.put("taskmanager.numberOfTaskSlots", Integer.toString(s.slotsPerTaskManager()));
        c.put("parallelism.default", "1");
        c.put("rest.address", "127.0.0.1");
        c.put("rest.bind-address", "127.0.0.1");
        c.put("rest.port", Integer.toString(s.restPort()));
        c.put("state.backend.type", "rocksdb");
        c.put("execution.checkpointing.incremental", "true");
        // Exactly-once Kafka sinks (the projections') commit their output at each checkpoint.
        c.put("execution.checkpointing.interval", "10 s");
        c.put("execution.checkpointing.dir", s.dir().resolve("checkpoints").toUri().toString());
        c.put("execution.checkpointing.savepoint-dir", s.dir().resolve("savepoints").toUri().toString());
        // Flink's Prometheus reporter in every process: job, task and operator metrics of the jobs it runs included.
        c.put("metrics.reporter.prom.factory.class", "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        c.put("metrics.reporter.prom.port", s.metricsPorts());
        c.put("web.submit.enable", "true");
        c.put("web.tmpdir", s.dir().resolve("web").toString());
        c.put("io.tmp.dirs", s.dir().resolve("tmp").toString());
        return c;
    }
}
