package io.ledgerstream.connectors.files;

import io.ledgerstream.connectors.runtime.BadRecordException;
import java.util.ArrayList;
import java.util.List;

/**
 * One CSV line to fields and back, with RFC 4180 quoting: a field holding a comma, a double quote, a carriage return
 * or a line feed is written in double quotes, a double quote inside doubled. A record is one line: a quoted field
 * that spans lines is not read.
 */
public final class Csv {
    private Csv() {
    }

    /**
     * Splits a line into its fields.
     *
     * @throws BadRecordException when a quoted field is not closed, or text follows its closing quote
     */
    public static List<String> parse(String line) throws BadRecordException {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        while (true) {
            if (i < line.length() && line.charAt(i) == '"') {
                i = quoted(line, i + 1, field);
                if (i < line.length() && line.charAt(i) != ',') {
                    throw new BadRecordException("text follows a closing quote at column " + (i + 1));
                }
            } else {
                while (i < line.length() && line.charAt(i) != ',') {
                    field.append(line.charAt(i++));
                }
            }
            fields.add(field.toString());
            field.setLength(0);
            if (i >= line.length()) {
                return fields;
            }
            i++;  // the comma
        }
    }

    /** Reads a quoted field from just after its opening quote; returns the index after its closing quote. */
    private static int quoted(String line, int start, StringBuilder field) throws BadRecordException {
        int i = start;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c != '"') {
                field.append(c);
                i++;
            } else if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                field.append('"');
                i += 2;
            } else {
                return i + 1;
            }
        }
        throw new BadRecordException("a quoted field opened at column " + start + " is not closed");
    }

    /** Joins fields into one line (without a line break), quoting those that need it. */
    public static String format(List<String> fields) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                line.append(',');
            }
            line.append(quote(fields.get(i)));
        }
        return line.toString();
    }

    private static String quote(String field) {
        boolean needed = field.chars().anyMatch(c -> c == ',' || c == '"' || c == '\r' || c == '\n');
        return needed ? '"' + field.replace("\"", "\"\"") + '"' : field;
    }
}
