package io.ledgerstream.log.metadata;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.UUID;
import org.apache.kafka.common.Uuid;

/** Makes topic ids: random ones for new topics, and for a topic stored before topics had ids, one derived from it. */
public final class TopicIds {
    private TopicIds() {
    }

    /** A new random id, never one Kafka reserves. */
    public static Uuid random() {
        return Uuid.randomUuid();
    }

    /**
     * The id of a topic stored without one: derived from its name and creation time, so that every broker that reads
     * the old record gives the topic the same id, and a topic created again under its name gets another.
     */
    public static Uuid derived(String name, long createdAtMs) {
        String seed = name + "@" + createdAtMs;
        for (int attempt = 0; ; attempt++) {
            UUID uuid = UUID.nameUUIDFromBytes((seed + "#" + attempt).getBytes(UTF_8));
            Uuid id = new Uuid(uuid.getMostSignificantBits(), uuid.getLeastSignificantBits());
            if (isUsable(id)) {
                return id;
            }
        }
    }

    /**
     * Whether a topic may have this id: not one Kafka reserves (zero, the metadata topic's) and, as Kafka's own
     * random ids, not one whose text starts with '-', which command-line tools would take for an option.
     */
    public static boolean isUsable(Uuid id) {
        return id != null && !Uuid.RESERVED.contains(id) && !id.toString().startsWith("-");
    }
}
