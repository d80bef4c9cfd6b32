package io.ledgerstream.log.metadata;

import java.util.regex.Pattern;

/** Kafka's rules for topic names: 1 to 249 characters of ASCII letters, digits, '.', '_' and '-', not "." or "..". */
public final class TopicNames {
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");
    private static final int MAX_LENGTH = 249;

    /** Kafka's internal topics: the committed offsets and the transaction state. */
    public static final String CONSUMER_OFFSETS = "__consumer_offsets";
    public static final String TRANSACTION_STATE = "__transaction_state";

    private TopicNames() {
    }

    /** Whether {@code name} is one of Kafka's internal topics, which clients do not write to. */
    public static boolean isInternal(String name) {
        return CONSUMER_OFFSETS.equals(name) || TRANSACTION_STATE.equals(name);
    }

    /** @throws InvalidTopicException naming what is wrong with {@code name} */
    public static void validate(String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidTopicException("Topic name is empty");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new InvalidTopicException("Topic name cannot be '" + name + "'");
        }
        if (name.length() > MAX_LENGTH) {
            throw new InvalidTopicException("Topic name is " + name.length() + " characters; the limit is " + MAX_LENGTH);
        }
        if (!LEGAL.matcher(name).matches()) {
            throw new InvalidTopicException("Topic name '" + name
                    + "' has characters other than ASCII letters, digits, '.', '_' and '-'");
        }
    }
}
