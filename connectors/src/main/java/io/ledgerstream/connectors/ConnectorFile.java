package io.ledgerstream.connectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ledgerstream.connectors.config.ConnectorConfigException;
import io.ledgerstream.connectors.config.Settings;
import io.ledgerstream.connectors.runtime.ConnectorSpec;
import io.ledgerstream.connectors.runtime.ConnectorType;
import io.ledgerstream.connectors.runtime.ErrorTolerance;
import io.ledgerstream.connectors.runtime.SinkConnector;
import io.ledgerstream.connectors.runtime.SourceConnector;
import io.ledgerstream.jobs.kafka.ClientConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads one connector file (YAML) and validates all of it before anything runs: the common keys here, the
 * {@code source:} or {@code sink:} block by its type. Any problem is one {@link ConnectorConfigException} line
 * naming the file, the key and what is wrong. Nothing is contacted and no secret is read.
 */
public final class ConnectorFile {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

    private ConnectorFile() {
    }

    /** Reads and validates a file. */
    public static Connector read(Path file) {
        String name = file.toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConnectorConfigException(name, "does not exist");
        } catch (IOException e) {
            throw new ConnectorConfigException(name, "cannot be read (" + e + ")");
        }
        return parse(name, text);
    }

    /**
     * Validates a file's text.
     *
     * @param file the file's name, for messages
     */
    public static Connector parse(String file, String yaml) {
        if (yaml.isBlank()) {
            throw new ConnectorConfigException(file, "is empty");
        }
        Map<String, Object> top;
        try {
            top = YAML.readValue(yaml, new TypeReference<Map<String, Object>>() {
            });
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            // The parser's message spans lines (with a code excerpt): keep its unindented lines, on one.
            String why = e.getOriginalMessage().lines().filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0)))
                    .collect(Collectors.joining("; "));
            throw new ConnectorConfigException(file, "is not valid YAML" + where + ": " + why);
        }
        if (top == null) {
            throw new ConnectorConfigException(file, "is empty");
        }
        Settings settings = new Settings(file, "", top);
        String name = settings.string("name");
        if (!NAME.matcher(name).matches()) {
            throw settings.problem("name", "must be letters, digits, '.', '_' or '-' (at most 100), not '" + name
                    + "'");
        }
        boolean isSource = settings.has("source");
        boolean isSink = settings.has("sink");
        if (isSource == isSink) {
            throw new ConnectorConfigException(file, isSource ? "has both a source: and a sink: block; a file is one "
                    + "connector" : "needs a source: or a sink: block");
        }
        Settings block = settings.block(isSource ? "source" : "sink");
        String typeName = block.string("type");
        ConnectorType type = ConnectorTypes.named(typeName).orElseThrow(() -> block.problem("type",
                "is not a connector type; the types are " + String.join(", ", ConnectorTypes.names())));
        SourceConnector source = isSource ? type.source(name, block) : null;
        SinkConnector<?> sink = isSink ? type.sink(block) : null;
        block.rejectUnknown();

        List<String> topics = isSource ? List.of(settings.string("topic")) : settings.strings("topics");
        settings.oneOf("format", "json", List.of("json"));
        Settings errors = settings.block("errors");
        ErrorTolerance tolerance = ErrorTolerance.valueOf(errors.oneOf("tolerance", "none", List.of("none", "all"))
                .toUpperCase(Locale.ROOT));
        Optional<String> deadLetters = errors.optionalString("dead-letter-topic");
        if (deadLetters.isPresent() && tolerance == ErrorTolerance.NONE) {
            throw errors.problem("dead-letter-topic", "needs errors.tolerance: all (with none the connector fails "
                    + "on the first bad record)");
        }
        errors.rejectUnknown();
        Settings restart = settings.block("restart");
        int attempts = restart.integer("attempts", 10, 1, 1000);
        Duration delay = restart.duration("delay", Duration.ofSeconds(1), Duration.ofMillis(10));
        restart.rejectUnknown();
        ConnectorSpec spec = new ConnectorSpec(file, name, isSource, typeName, topics,
                settings.string("bootstrap-servers", DEFAULT_BOOTSTRAP),
                settings.optionalString(ClientConfig.OPTION).orElse(null), tolerance, deadLetters.orElse(null),
                settings.integer("parallelism", 1, 1, 256), attempts, delay,
                settings.duration("checkpoint-interval", Duration.ofSeconds(10), Duration.ofMillis(100)));
        settings.rejectUnknown();
        return new Connector(spec, source, sink, yaml);
    }
}
