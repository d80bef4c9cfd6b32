package io.ledgerstream.connectors.files;

import java.util.Arrays;
import java.util.List;

/** How records are laid out in a file, by the word a connector file's {@code file-format} key gives. */
public enum FileFormat {
    /** One JSON object per line. */
    JSON_LINES("json-lines", ".jsonl"),
    /** Comma-separated values with RFC 4180 quoting, one record per line. */
    CSV("csv", ".csv");

    private final String word;
    private final String suffix;

    FileFormat(String word, String suffix) {
        this.word = word;
        this.suffix = suffix;
    }

    /** The word in connector files. */
    public String word() {
        return word;
    }

    /** The file name suffix the sink gives its part files. */
    public String suffix() {
        return suffix;
    }

    /** The words in connector files, for messages. */
    public static List<String> words() {
        return Arrays.stream(values()).map(FileFormat::word).toList();
    }

    /** The format a word names; the word must be one of {@link #words()}. */
    public static FileFormat of(String word) {
        return Arrays.stream(values()).filter(f -> f.word.equals(word)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Not a file format: " + word));
    }
}
