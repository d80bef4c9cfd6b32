package io.ledgerstream.log.transaction;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.cluster.ClusterView;
import io.ledgerstream.log.concurrent.Futures;
import io.ledgerstream.log.metadata.BrokerRegistration;
import io.ledgerstream.log.metadata.UnknownTopicException;
import io.ledgerstream.log.network.BrokerClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Has a transaction's commit or abort marker written to each of its partitions by that partition's leader
 * (WriteTxnMarkers, as Kafka's coordinator sends it; directly for the partitions this broker leads), retrying each partition until its marker lands, across leader
 * changes, for as long as this broker still coordinates the transaction. A partition whose topic was deleted is
 * given up, as Kafka does.
 *
 * <p>Thread-safe: it keeps no state between calls; each call's retries are chained on the given scheduler.
 */
@ThreadSafe
final class MarkerWriter {
    private static final Logger LOG = LoggerFactory.getLogger(MarkerWriter.class);
    private static final long REQUEST_TIMEOUT_MS = 30_000;
    private static final long MIN_BACKOFF_MS = 50;
    private static final long MAX_BACKOFF_MS = 2_000;

    private final int brokerId;
    private final ClusterView cluster;
    private final BrokerClient client;
    private final PartitionMarkers local;
    private final ScheduledExecutorService scheduler;

    MarkerWriter(int brokerId, ClusterView cluster, BrokerClient client, PartitionMarkers local,
                 ScheduledExecutorService scheduler) {
        this.brokerId = brokerId;
        this.cluster = cluster;
        this.client = client;
        this.local = local;
        this.scheduler = scheduler;
    }

    /**
     * Writes the markers; completes once every partition has its marker, or fails once {@code stillCoordinating}
     * says no (the new coordinator writes them again).
     */
    CompletableFuture<Void> write(long producerId, short epoch, boolean commit, int coordinatorEpoch,
                                  Set<TopicPartition> partitions, BooleanSupplier stillCoordinating) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        attempt(new Marker(producerId, epoch, commit, coordinatorEpoch), new HashSet<>(partitions), stillCoordinating,
                MIN_BACKOFF_MS, done);
        return done;
    }

    private record Marker(long producerId, short epoch, boolean commit, int coordinatorEpoch) {
    }

    private void attempt(Marker marker, Set<TopicPartition> remaining, BooleanSupplier stillCoordinating,
                         long backoffMs, CompletableFuture<Void> done) {
        if (!stillCoordinating.getAsBoolean()) {
            done.completeExceptionally(new IllegalStateException("No longer the coordinator of producer "
                    + marker.producerId()));
            return;
        }
        Map<Integer, List<TopicPartition>> byLeader = new HashMap<>();
        List<TopicPartition> left;
        synchronized (remaining) {
            left = List.copyOf(remaining);
        }
        for (TopicPartition tp : left) {
            if (cluster.leaders(tp.topic()).isEmpty()) {
                // The topic is gone (deleted): as Kafka, its markers are not written.
                settle(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION, marker, remaining);
                continue;
            }
            Optional<BrokerRegistration> leader = cluster.liveLeader(tp);
            leader.ifPresent(l -> byLeader.computeIfAbsent(l.id(), id -> new ArrayList<>()).add(tp));
        }
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        for (Map.Entry<Integer, List<TopicPartition>> e : byLeader.entrySet()) {
            if (e.getKey() == brokerId) {
                e.getValue().forEach(tp -> sends.add(writeHere(tp, marker, remaining)));
                continue;
            }
            BrokerRegistration leader = cluster.liveBrokers().get(e.getKey());
            if (leader != null) {
                sends.add(send(leader, marker, e.getValue(), remaining));
            }
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> {
            synchronized (remaining) {
                if (remaining.isEmpty()) {
                    done.complete(null);
                    return;
                }
            }
            long next = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
            scheduler.schedule(() -> attempt(marker, remaining, stillCoordinating, next, done), backoffMs,
                    TimeUnit.MILLISECONDS);
        });
    }

    /** Writes the marker of a partition this broker leads, without a request. */
    private CompletableFuture<Void> writeHere(TopicPartition tp, Marker marker, Set<TopicPartition> remaining) {
        return local.write(tp, marker.producerId(), marker.epoch(), marker.commit(), marker.coordinatorEpoch())
                .handle((v, error) -> {
                    settle(tp, error == null ? Errors.NONE : errorOf(error), marker, remaining);
                    return null;
                });
    }

    /** The wire error a local write's failure stands for; what is not a Kafka error is retried. */
    private static Errors errorOf(Throwable error) {
        Throwable cause = Futures.unwrap(error);
        if (cause instanceof UnknownTopicException) {
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        return cause instanceof ApiException api ? Errors.forException(api) : Errors.UNKNOWN_SERVER_ERROR;
    }

    /** Sends one leader its partitions' markers; those written (or given up) leave {@code remaining}. */
    private CompletableFuture<Void> send(BrokerRegistration leader, Marker marker, List<TopicPartition> partitions,
                                         Set<TopicPartition> remaining) {
        Map<String, List<Integer>> byTopic = new LinkedHashMap<>();
        partitions.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
        WriteTxnMarkersRequestData.WritableTxnMarker entry = new WriteTxnMarkersRequestData.WritableTxnMarker()
                .setProducerId(marker.producerId()).setProducerEpoch(marker.epoch())
                .setTransactionResult(marker.commit()).setCoordinatorEpoch(marker.coordinatorEpoch());
        byTopic.forEach((topic, indexes) -> entry.topics().add(new WriteTxnMarkersRequestData.WritableTxnMarkerTopic()
                .setName(topic).setPartitionIndexes(indexes)));
        WriteTxnMarkersRequestData data = new WriteTxnMarkersRequestData();
        data.markers().add(entry);
        return client.send(leader, new WriteTxnMarkersRequest.Builder(data),
                        ApiKeys.WRITE_TXN_MARKERS.latestVersion(), REQUEST_TIMEOUT_MS)
                .handle((response, error) -> {
                    if (error != null) {
                        LOG.debug("Transaction markers to broker {} failed, retrying: {}", leader.id(), error.toString());
                        return null;
                    }
                    WriteTxnMarkersResponseData result = ((WriteTxnMarkersResponse) response).data();
                    for (WriteTxnMarkersResponseData.WritableTxnMarkerResult m : result.markers()) {
                        for (WriteTxnMarkersResponseData.WritableTxnMarkerTopicResult t : m.topics()) {
                            for (WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult p : t.partitions()) {
                                settle(new TopicPartition(t.name(), p.partitionIndex()),
                                        Errors.forCode(p.errorCode()), marker, remaining);
                            }
                        }
                    }
                    return null;
                });
    }

    private static void settle(TopicPartition tp, Errors error, Marker marker, Set<TopicPartition> remaining) {
        switch (error) {
            case NONE -> remove(remaining, tp);
            case UNKNOWN_TOPIC_OR_PARTITION -> {
                LOG.info("Partition {} no longer exists: the marker of producer {} is not written there", tp,
                        marker.producerId());
                remove(remaining, tp);
            }
            case INVALID_PRODUCER_EPOCH, TRANSACTION_COORDINATOR_FENCED -> {
                // A newer epoch already decided this producer's transaction there; nothing is left to do.
                LOG.info("Marker of producer {} epoch {} on {} refused as {}: a newer epoch has passed",
                        marker.producerId(), marker.epoch(), tp, error);
                remove(remaining, tp);
            }
            default -> LOG.debug("Marker of producer {} on {} failed with {}, retrying", marker.producerId(), tp,
                    error);
        }
    }

    private static void remove(Set<TopicPartition> remaining, TopicPartition tp) {
        synchronized (remaining) {
            remaining.remove(tp);
        }
    }
}
