package io.ledgerstream.jobs;

import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;

/**
 * The execution settings every event processor shares: RocksDB state with incremental, exactly-once checkpoints
 * that are kept when the job is cancelled (so it can be resumed), taken every {@code --checkpoint-interval}
 * (default 10 s) into {@code --checkpoint-dir} (any Flink filesystem URI; default: the cluster's setting).
 */
public final class JobEnvironment {
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);

    private JobEnvironment() {
    }

    /** The job configuration for the given command-line parameters. */
    public static Configuration configuration(ParameterTool params) {
        Configuration conf = checkpointed(params.has("checkpoint-interval")
                ? Duration.ofMillis(params.getLong("checkpoint-interval")) : DEFAULT_CHECKPOINT_INTERVAL);
        if (params.has("checkpoint-dir")) {
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, params.get("checkpoint-dir"));
        }
        return conf;
    }

    /**
     * RocksDB state with incremental, exactly-once checkpoints every {@code interval}, kept when the job is
     * cancelled: what every job of ours runs with.
     */
    public static Configuration checkpointed(Duration interval) {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, interval);
        return conf;
    }

    /** The environment of the cluster the job runs on (a local one when run outside a cluster). */
    public static StreamExecutionEnvironment create(ParameterTool params) {
        return StreamExecutionEnvironment.getExecutionEnvironment(configuration(params));
    }
}
