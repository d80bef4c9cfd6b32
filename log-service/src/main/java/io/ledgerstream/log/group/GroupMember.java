package io.ledgerstream.log.group;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/** One member of a classic group as the coordinator tracks it. Confined to the coordinator's thread. */
final class GroupMember {
    final String memberId;
    final String groupInstanceId;
    final String clientId;
    final String clientHost;
    int sessionTimeoutMs;
    int rebalanceTimeoutMs;
    /** Protocol name to the member's metadata for it, in the member's order of preference. */
    Map<String, byte[]> protocols = new LinkedHashMap<>();
    byte[] assignment = new byte[0];
    /**
     * The generation the member was last given, -1 before its first: the group's, except for a member that came
     * from a consumer group, which keeps its member epoch until it joins again.
     */
    int generation = -1;
    CompletableFuture<JoinResult> pendingJoin;
    CompletableFuture<SyncResult> pendingSync;
    ScheduledFuture<?> sessionExpiry;

    GroupMember(String memberId, String groupInstanceId, String clientId, String clientHost) {
        this.memberId = memberId;
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
    }
}
