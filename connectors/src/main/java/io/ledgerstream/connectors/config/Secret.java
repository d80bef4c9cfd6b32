package io.ledgerstream.connectors.config;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A password named by where it lives, never by its value: {@code ${env:VARIABLE}} or {@code ${file:PATH}} (the
 * file's content without its trailing line break). Only the reference is kept and shipped with the job; the value
 * is read where the connector runs, when it connects. {@link #toString} shows the reference, so a secret printed
 * or logged by mistake reveals nothing.
 */
public final class Secret implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]+)}");

    private final String kind;
    private final String name;

    private Secret(String kind, String name) {
        this.kind = kind;
        this.name = name;
    }

    /**
     * Parses a reference.
     *
     * @throws IllegalArgumentException when the text is not a reference (a password written into the file)
     */
    public static Secret parse(String text) {
        Matcher m = REFERENCE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("give it as ${env:VARIABLE} or ${file:PATH}; passwords are not "
                    + "written into connector files");
        }
        return new Secret(m.group(1), m.group(2).trim());
    }

    /**
     * Reads the value now.
     *
     * @throws IllegalStateException naming the variable or file (never the value) when it is missing
     */
    public String value() {
        if (kind.equals("env")) {
            String value = System.getenv(name);
            if (value == null) {
                throw new IllegalStateException("The environment variable " + name + " is not set (needed by "
                        + this + ")");
            }
            return value;
        }
        try {
            return Files.readString(Path.of(name), StandardCharsets.UTF_8).stripTrailing();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the secret file " + name, e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret s && s.kind.equals(kind) && s.name.equals(name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, name);
    }

    @Override
    public String toString() {
        return "${" + kind + ":" + name + "}";
    }
}
