package io.ledgerstream.connectors.jdbc;

import io.ledgerstream.connectors.Connector;
import io.ledgerstream.connectors.ConnectorFile;
import io.ledgerstream.connectors.runtime.ConnectorPipeline;
import io.ledgerstream.jobs.testing.JobTestbed;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.util.TestStreamEnvironment;

/** Runs a connector file as its job on the testbed's MiniCluster, as {@code connect run} would on a cluster. */
public final class ConnectorRun {
    private ConnectorRun() {
    }

    /** Parses {@code yaml}, builds the connector's job with checkpoints under the testbed, and starts it. */
    public static JobClient start(JobTestbed testbed, String yaml) throws Exception {
        Connector connector = ConnectorFile.parse("test.yaml", yaml);
        Configuration conf = ConnectorPipeline.configuration(connector.spec());
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                testbed.checkpoints(connector.spec().name()).toUri().toString());
        TestStreamEnvironment env = new TestStreamEnvironment(testbed.flink(), conf,
                connector.spec().parallelism(), List.of(), List.of());
        connector.build(env);
        return env.executeAsync(connector.spec().jobName());
    }

    /** Whether the job has gone through a restart. */
    public static boolean restarted(JobTestbed testbed, JobClient job) throws Exception {
        return testbed.flink().getExecutionGraph(job.getJobID()).get(30, TimeUnit.SECONDS)
                .getStatusTimestamp(JobStatus.RESTARTING) > 0;
    }
}
