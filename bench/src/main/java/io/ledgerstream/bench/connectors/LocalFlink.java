package io.ledgerstream.bench.connectors;

import io.ledgerstream.connectors.Connector;
import io.ledgerstream.connectors.ConnectorFile;
import io.ledgerstream.connectors.runtime.ConnectorPipeline;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A Flink MiniCluster in the benchmark's JVM (one TaskManager of four slots, its REST endpoint on a free port) that
 * runs connector files as {@code connect run} does: the file parsed by {@link ConnectorFile}, the job configured by
 * {@link ConnectorPipeline#configuration} (RocksDB, exactly-once checkpoints at the file's interval), checkpoints
 * under a folder of the benchmark's.
 *
 * <p>Thread-safe as MiniCluster is; the benchmark submits from its main thread.
 */
final class LocalFlink implements AutoCloseable {
    private final MiniCluster cluster;
    private final URI rest;
    private final Path dir;

    private LocalFlink(MiniCluster cluster, URI rest, Path dir) {
        this.cluster = cluster;
        this.rest = rest;
        this.dir = dir;
    }

    static LocalFlink start(Path dir) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_PORT, "0");
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(4).build());
        cluster.start();
        return new LocalFlink(cluster, cluster.getRestAddress().get(60, TimeUnit.SECONDS), dir);
    }

    /**
     * Validates the file's text and submits its job.
     *
     * @param resume a savepoint to start from, if any
     */
    JobClient run(String yaml, Optional<String> resume) throws Exception {
        Connector connector = ConnectorFile.parse("bench.yaml", yaml);
        Configuration conf = ConnectorPipeline.configuration(connector.spec());
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                dir.resolve("checkpoints-" + connector.spec().name()).toUri().toString());
        resume.ifPresent(savepoint -> conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment(rest.getHost(),
                rest.getPort(), conf);
        env.setParallelism(connector.spec().parallelism());
        connector.build(env);
        return env.executeAsync(connector.spec().jobName());
    }

    /** Stops a job with a savepoint under the benchmark's folder; returns its path. */
    String stopWithSavepoint(JobClient job) throws Exception {
        return job.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(),
                SavepointFormatType.CANONICAL).get(120, TimeUnit.SECONDS);
    }

    static void cancel(JobClient job) throws Exception {
        job.cancel().get(60, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
