package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.cluster.ClusterView;
import io.ledgerstream.log.metadata.PartitionLeaders;
import io.ledgerstream.log.partition.PartitionLogs;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeLogDirsRequest;
import org.apache.kafka.common.requests.DescribeLogDirsResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DescribeLogDirs ({@code kafka-log-dirs}, {@code Admin.describeLogDirs}): one log dir per broker, named after where
 * the broker's partitions are stored (the BookKeeper ledgers' metadata URI, the same for every broker of a cluster),
 * holding each partition this broker leads with its size: the bytes of record batches in its segments, the open
 * segment's acknowledged ones included. A broker holds no copy of the partitions it does not lead (bookies do), so
 * they are not listed; nor is a led partition whose log cannot be opened right now. The dir's total and usable bytes
 * are unknown (-1): they are the bookies' disks, not this broker's.
 */
public final class DescribeLogDirsHandler implements ApiHandler<DescribeLogDirsRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(DescribeLogDirsHandler.class);

    private final PartitionLogs logs;
    private final ClusterView cluster;
    private final int brokerId;
    private final String logDir;

    /** @param logDir the name the broker's one log dir is given */
    private final Authorization authorization;

    DescribeLogDirsHandler(PartitionLogs logs, ClusterView cluster, int brokerId, String logDir, Authorization authorization) {
        this.authorization = authorization;
        this.logs = logs;
        this.cluster = cluster;
        this.brokerId = brokerId;
        this.logDir = logDir;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_LOG_DIRS;
    }

    @Override
    public short maxVersion() {
        return 4;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, DescribeLogDirsRequest request) {
        AbstractResponse refused = authorization.refuseUnlessCluster(context, request, AclOperation.DESCRIBE);
        if (refused != null) {
            return CompletableFuture.completedFuture(refused);
        }
        Map<TopicPartition, CompletableFuture<OptionalLong>> sizes = new TreeMap<>(
                java.util.Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        for (TopicPartition partition : ledPartitions(request.data().topics())) {
            sizes.put(partition, logs.log(partition).handle((log, error) -> {
                if (error != null) {
                    LOG.debug("Leaving {} out of the log dir: {}", partition, error.toString());
                    return OptionalLong.empty();
                }
                return OptionalLong.of(log.sizeBytes());
            }));
        }
        return CompletableFuture.allOf(sizes.values().toArray(CompletableFuture[]::new)).thenApply(v -> {
            DescribeLogDirsResponseData.DescribeLogDirsResult dir = new DescribeLogDirsResponseData.DescribeLogDirsResult()
                    .setErrorCode(Errors.NONE.code()).setLogDir(logDir)
                    .setTotalBytes(DescribeLogDirsResponse.UNKNOWN_VOLUME_BYTES)
                    .setUsableBytes(DescribeLogDirsResponse.UNKNOWN_VOLUME_BYTES);
            DescribeLogDirsResponseData.DescribeLogDirsTopic topic = null;
            for (Map.Entry<TopicPartition, CompletableFuture<OptionalLong>> entry : sizes.entrySet()) {
                OptionalLong size = entry.getValue().join();
                if (size.isEmpty()) {
                    continue;
                }
                if (topic == null || !topic.name().equals(entry.getKey().topic())) {
                    topic = new DescribeLogDirsResponseData.DescribeLogDirsTopic().setName(entry.getKey().topic());
                    dir.topics().add(topic);
                }
                topic.partitions().add(new DescribeLogDirsResponseData.DescribeLogDirsPartition()
                        .setPartitionIndex(entry.getKey().partition())
                        .setPartitionSize(size.getAsLong())
                        .setOffsetLag(0)
                        .setIsFutureKey(false));
            }
            return new DescribeLogDirsResponse(new DescribeLogDirsResponseData().setErrorCode(Errors.NONE.code())
                    .setResults(List.of(dir)));
        });
    }

    /** The partitions asked for ({@code null}: all) that this broker leads as it last saw the leaders. */
    private List<TopicPartition> ledPartitions(DescribeLogDirsRequestData.DescribableLogDirTopicCollection asked) {
        List<TopicPartition> led = new ArrayList<>();
        if (asked == null) {
            for (String topic : cluster.topicsWithLeaders()) {
                PartitionLeaders leaders = cluster.leaders(topic).orElse(null);
                for (int p = 0; leaders != null && p < leaders.partitions().size(); p++) {
                    if (leaders.leader(p).brokerId() == brokerId) {
                        led.add(new TopicPartition(topic, p));
                    }
                }
            }
            return led;
        }
        for (DescribeLogDirsRequestData.DescribableLogDirTopic topic : asked) {
            for (int p : topic.partitions()) {
                TopicPartition partition = new TopicPartition(topic.topic(), p);
                if (cluster.leader(partition).filter(l -> l.brokerId() == brokerId).isPresent()) {
                    led.add(partition);
                }
            }
        }
        return led;
    }
}
