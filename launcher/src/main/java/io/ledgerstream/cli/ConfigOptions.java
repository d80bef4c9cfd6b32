package io.ledgerstream.cli;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.Option;

/** Broker configuration from a properties file and {@code --set key=value} overrides, the latter winning. */
final class ConfigOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "Broker properties file (Kafka-style keys).")
    File file;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Set one configuration key; repeatable.")
    Map<String, String> overrides = new LinkedHashMap<>();

    Map<String, String> values() throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        if (file != null) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file.toPath())) {
                properties.load(reader);
            }
            properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k)));
        }
        values.putAll(overrides);
        return values;
    }
}
