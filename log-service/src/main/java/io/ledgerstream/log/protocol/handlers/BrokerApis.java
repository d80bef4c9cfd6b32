package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.broker.LogManager;
import io.ledgerstream.log.group.GroupCoordinator;
import io.ledgerstream.log.metadata.ProducerIdAllocator;
import io.ledgerstream.log.protocol.ApiHandlers;
import java.util.function.IntSupplier;

/** The set of Kafka APIs a broker serves, each with its handler. */
public final class BrokerApis {
    private BrokerApis() {
    }

    /** @param controllerId the controller's id as this broker knows it, -1 when unknown */
    public static ApiHandlers create(LogManager logs, BrokerIdentity identity, ProducerIdAllocator producerIds,
                                     GroupCoordinator groups, IntSupplier controllerId) {
        ApiHandlers handlers = new ApiHandlers();
        return handlers
                .register(new ApiVersionsHandler(handlers))
                .register(new MetadataHandler(logs, identity, controllerId))
                .register(new ProduceHandler(logs))
                .register(new FetchHandler(logs))
                .register(new ListOffsetsHandler(logs))
                .register(new CreateTopicsHandler(logs))
                .register(new InitProducerIdHandler(producerIds))
                .register(new DeleteTopicsHandler(logs))
                .register(new CreatePartitionsHandler(logs))
                .register(new DescribeClusterHandler(logs.cluster(), identity, controllerId))
                .register(new DescribeConfigsHandler(logs))
                .register(new IncrementalAlterConfigsHandler(logs))
                .register(new AlterConfigsHandler(logs))
                .register(new DeleteRecordsHandler(logs))
                .register(new OffsetForLeaderEpochHandler(logs))
                .register(new FindCoordinatorHandler(logs.cluster()))
                .register(new JoinGroupHandler(groups))
                .register(new SyncGroupHandler(groups))
                .register(new HeartbeatHandler(groups))
                .register(new LeaveGroupHandler(groups))
                .register(new OffsetCommitHandler(groups))
                .register(new OffsetFetchHandler(groups))
                .register(new ListGroupsHandler(groups))
                .register(new DescribeGroupsHandler(groups))
                .register(new DeleteGroupsHandler(groups))
                .register(new OffsetDeleteHandler(groups));
    }
}
