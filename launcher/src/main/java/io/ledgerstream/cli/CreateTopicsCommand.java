package io.ledgerstream.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.internals.Topic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ledgerstream create-topics}: creates topics unless they exist, waiting for a cluster that is still starting.
 * Meant for set-up steps (a compose file's one-shot service, a deployment script) that may run more than once.
 */
@Command(name = "create-topics", mixinStandardHelpOptions = true,
        description = {"Create topics unless they exist. Until --timeout the command keeps trying, so that it can run "
                + "while the cluster is still starting (brokers not listening yet, too few bookies registered).",
                "Prints one line per topic: created, or already there."})
final class CreateTopicsCommand implements Callable<Integer> {
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

    @Parameters(paramLabel = "NAME[:PARTITIONS[:REPLICATION]]", arity = "1..*",
            description = "A topic; partitions and replication factor default to the broker's num.partitions and "
                    + "default.replication.factor.")
    List<String> topics = new ArrayList<>();

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]", defaultValue = "127.0.0.1:9092",
            description = "Brokers to ask (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--config", paramLabel = "KEY=VALUE",
            description = "A topic config for every topic created here, e.g. cleanup.policy=compact; repeatable.")
    Map<String, String> configs = new LinkedHashMap<>();

    @Mixin
    ClientOptions client;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
            description = "How long to keep trying before giving up (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        List<NewTopic> wanted = new ArrayList<>();
        for (String topic : topics) {
            wanted.add(parse(topic).configs(configs));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        try (Admin admin = Admin.create(client.config().over(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000")))) {
            for (NewTopic topic : wanted) {
                System.out.println(create(admin, topic, deadline));
            }
        }
        return 0;
    }

    /**
     * Creates one topic, trying again until the deadline on any failure but "it exists" and a refusal of the topic
     * itself (its name, partitions or configs); too few bookies, say, may only mean that they are still starting.
     */
    private String create(Admin admin, NewTopic topic, long deadline) throws Exception {
        while (true) {
            try {
                int remainingMs = (int) Math.max(1_000, Math.min(15_000, (deadline - System.nanoTime()) / 1_000_000));
                admin.createTopics(List.of(topic), new CreateTopicsOptions().timeoutMs(remainingMs)).all()
                        .get(remainingMs + 5_000L, TimeUnit.MILLISECONDS);
                return "created " + describe(topic);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    return topic.name() + " already exists";
                }
                Throwable cause = e.getCause();
                if (cause instanceof InvalidConfigurationException || cause instanceof InvalidTopicException
                        || cause instanceof InvalidPartitionsException) {
                    throw new IllegalArgumentException("Topic " + topic.name() + " was refused: "
                            + Failures.describe(e.getCause()), e.getCause());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not create topic " + topic.name() + " within "
                            + timeoutSeconds + " s: " + Failures.describe(e.getCause()), e.getCause());
                }
            } catch (TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not create topic " + topic.name() + " within "
                            + timeoutSeconds + " s: no broker at " + bootstrapServers + " answered", e);
                }
            }
            Thread.sleep(RETRY_PAUSE.toMillis());
        }
    }

    /** Reads {@code NAME[:PARTITIONS[:REPLICATION]]}. */
    static NewTopic parse(String spec) {
        String[] parts = spec.split(":", -1);
        if (parts.length > 3 || parts[0].isEmpty()) {
            throw new IllegalArgumentException("Topic '" + spec + "' must look like NAME[:PARTITIONS[:REPLICATION]]");
        }
        Topic.validate(parts[0]);
        Optional<Integer> partitions = parts.length > 1 ? Optional.of(positive(spec, parts[1], "partitions"))
                : Optional.empty();
        Optional<Short> replication = parts.length > 2
                ? Optional.of((short) positive(spec, parts[2], "replication factor")) : Optional.empty();
        return new NewTopic(parts[0], partitions, replication);
    }

    private static int positive(String spec, String value, String what) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0 && n <= Short.MAX_VALUE) {
                return n;
            }
        } catch (NumberFormatException e) {
            // Named below.
        }
        throw new IllegalArgumentException("Topic '" + spec + "': " + what + " must be a number from 1 to "
                + Short.MAX_VALUE + ", not '" + value + "'");
    }

    private static String describe(NewTopic topic) {
        int partitions = topic.numPartitions();
        return topic.name() + " (" + (partitions > 0 ? partitions + (partitions == 1 ? " partition" : " partitions")
                : "the broker's default partitions") + ", " + (topic.replicationFactor() > 0
                ? "replication factor " + topic.replicationFactor() : "the broker's default replication") + ")";
    }
}
