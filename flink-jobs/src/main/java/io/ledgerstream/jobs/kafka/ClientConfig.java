package io.ledgerstream.jobs.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.flink.util.ParameterTool;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Kafka client settings that every client of a command or job gets (its producers, consumers and admin clients),
 * read from a properties file with Kafka's own client keys ({@code security.protocol}, {@code ssl.*},
 * {@code sasl.*}, ...): the {@code --client-config FILE} of the launcher's commands, the jobs and the connectors.
 * Each key is parsed and checked by Kafka's own definition of it, so a bad file fails at start-up, naming the file
 * and the key, not later inside a client.
 *
 * <p>Immutable.
 */
public final class ClientConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The option that names the file, without its dashes. */
    public static final String OPTION = "client-config";

    /**
     * The clients whose keys a file may set, in the order a key is looked up; made on first use, as Kafka's client
     * configs load the classes they name through the context class loader, which in a SQL session is not the one
     * that holds kafka-clients.
     */
    private static final class Definitions {
        static final List<ConfigDef> ALL = withKafkasClassLoader(() -> List.of(AdminClientConfig.configDef(),
                ConsumerConfig.configDef(), ProducerConfig.configDef()));
    }

    private static final ClientConfig NONE = new ClientConfig(Map.of());

    private final Map<String, String> properties;

    private ClientConfig(Map<String, String> properties) {
        this.properties = Collections.unmodifiableMap(new TreeMap<>(properties));
    }

    /** No settings: plaintext clients with Kafka's defaults. */
    public static ClientConfig none() {
        return NONE;
    }

    /** The file of {@code --client-config}, when given; {@link #none()} otherwise. */
    public static ClientConfig fromParams(ParameterTool params) {
        return params.has(OPTION) ? load(Path.of(params.get(OPTION))) : NONE;
    }

    /** The file at {@code file}, or {@link #none()} when null. */
    public static ClientConfig loadIfGiven(Path file) {
        return file == null ? NONE : load(file);
    }

    /**
     * Reads and checks a client properties file.
     * <ol>
     *   <li>The file must be readable; it is read as Java properties.</li>
     *   <li>Each key must be a setting of Kafka's admin client, consumer or producer; {@code bootstrap.servers} is
     *       refused, the command's own option gives it.</li>
     *   <li>Each value must parse as its key's type and pass its key's validator (Kafka's own checks).</li>
     *   <li>A {@code *.location} key (key and trust stores) must name a readable file.</li>
     * </ol>
     *
     * @throws ClientConfigException naming the file and, for a bad setting, the key and why
     */
    public static ClientConfig load(Path file) {
        return withKafkasClassLoader(() -> read(file));
    }

    private static ClientConfig read(Path file) {
        Properties loaded = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            loaded.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new ClientConfigException(file, null, "cannot be read (" + describe(e) + ")");
        }
        Map<String, String> properties = new TreeMap<>();
        for (String key : loaded.stringPropertyNames()) {
            String value = loaded.getProperty(key).strip();
            check(file, key, value);
            properties.put(key, value);
        }
        return new ClientConfig(properties);
    }

    private static void check(Path file, String key, String value) {
        if (key.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new ClientConfigException(file, key, "is given by --bootstrap-servers (or the connector's "
                    + "bootstrap-servers), not in the client config");
        }
        Optional<ConfigDef.ConfigKey> definition = Definitions.ALL.stream()
                .map(d -> d.configKeys().get(key))
                .filter(Objects::nonNull)
                .findFirst();
        if (definition.isEmpty()) {
            throw new ClientConfigException(file, key, "is not a Kafka client setting");
        }
        ConfigDef.ConfigKey config = definition.get();
        try {
            Object parsed = ConfigDef.parseType(key, value, config.type);
            if (config.validator != null) {
                config.validator.ensureValid(key, parsed);
            }
        } catch (ConfigException e) {
            throw new ClientConfigException(file, key, "is invalid: " + e.getMessage());
        }
        if (key.endsWith(".location") && !value.isEmpty() && !Files.isReadable(Path.of(value))) {
            throw new ClientConfigException(file, key, "names " + value + ", which cannot be read");
        }
    }

    private static <T> T withKafkasClassLoader(Supplier<T> action) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(ConfigDef.class.getClassLoader());
        try {
            return action.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static String describe(Exception e) {
        return e instanceof NoSuchFileException ? "no such file"
                : e instanceof AccessDeniedException ? "permission denied"
                : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** The settings, by key; unmodifiable. */
    public Map<String, String> properties() {
        return properties;
    }

    /** The settings as {@link Properties}, a fresh copy (for Flink's Kafka source and sink builders). */
    public Properties toProperties() {
        Properties copy = new Properties();
        copy.putAll(properties);
        return copy;
    }

    /** {@code base} with these settings added (a client's own settings, e.g. its bootstrap servers, win). */
    public Map<String, Object> over(Map<String, ?> base) {
        Map<String, Object> merged = new TreeMap<>(properties);
        merged.putAll(base);
        return merged;
    }

    public boolean isEmpty() {
        return properties.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClientConfig other && other.properties.equals(properties);
    }

    @Override
    public int hashCode() {
        return properties.hashCode();
    }

    /** The keys only: values may be secrets. */
    @Override
    public String toString() {
        return "ClientConfig" + properties.keySet();
    }
}
