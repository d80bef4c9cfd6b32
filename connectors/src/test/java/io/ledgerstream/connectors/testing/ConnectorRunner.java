package io.ledgerstream.connectors.testing;

import io.ledgerstream.connectors.Connector;
import io.ledgerstream.connectors.ConnectorFile;
import io.ledgerstream.connectors.runtime.ConnectorPipeline;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.util.TestStreamEnvironment;

/** Runs connector files on a test's MiniCluster, as {@code connect run} would, with checkpoints under a folder. */
public final class ConnectorRunner {
    private ConnectorRunner() {
    }

    /**
     * Validates the file's text and submits its job.
     *
     * @param resume a savepoint or checkpoint to start from, if any
     */
    public static JobClient run(MiniCluster flink, Path checkpoints, String yaml, Optional<Path> resume)
            throws Exception {
        Connector connector = ConnectorFile.parse("test.yaml", yaml);
        Configuration conf = ConnectorPipeline.configuration(connector.spec());
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        resume.ifPresent(p -> conf.set(StateRecoveryOptions.SAVEPOINT_PATH, p.toUri().toString()));
        TestStreamEnvironment env = new TestStreamEnvironment(flink, conf, connector.spec().parallelism(), List.of(),
                List.of());
        connector.build(env);
        return env.executeAsync(connector.spec().jobName());
    }
}
