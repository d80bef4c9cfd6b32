package io.ledgerstream.connectors;

import io.ledgerstream.connectors.runtime.ConnectorPipeline;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;

/**
 * The connector job's entry point on a Flink cluster: {@code --file NAME --config BASE64-YAML
 * [--checkpoint-dir URI]}. The file travels as text and is validated again here; its secrets are references, read
 * on the TaskManagers when the connector connects.
 */
public final class ConnectorJob {
    private ConnectorJob() {
    }

    public static void main(String[] args) throws Exception {
        ParameterTool params = ParameterTool.fromArgs(args);
        Connector connector = ConnectorFile.parse(params.getRequired("file"),
                new String(Base64.getDecoder().decode(params.getRequired("config")), StandardCharsets.UTF_8));
        Configuration conf = ConnectorPipeline.configuration(connector.spec());
        if (params.has("checkpoint-dir")) {
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, params.get("checkpoint-dir"));
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(connector.spec().parallelism());
        connector.build(env);
        env.execute(connector.spec().jobName());
    }

    /** The program arguments that run {@code connector} with this class. */
    public static String[] arguments(Connector connector) {
        return new String[] {"--file", connector.spec().file(), "--config",
            Base64.getEncoder().encodeToString(connector.yaml().getBytes(StandardCharsets.UTF_8))};
    }
}
