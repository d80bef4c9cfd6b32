package io.ledgerstream.log.group.consumer;

import java.util.Collection;
import java.util.Optional;

/** The topics consumer groups subscribe to, as this broker knows them now; answers without waiting. */
public interface GroupTopics {
    /** The topic of that name, if it exists and its id and partition count are known here. */
    Optional<GroupTopic> topic(String name);

    /** The names of every topic that a regular expression subscription may match (internal topics excluded). */
    Collection<String> names();
}
