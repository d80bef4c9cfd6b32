package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.cluster.ClusterView;
import io.ledgerstream.log.cluster.Controller;
import io.ledgerstream.log.fetch.FetchSessionCache;
import io.ledgerstream.log.group.GroupCoordinator;
import io.ledgerstream.log.manager.DynamicBrokerConfig;
import io.ledgerstream.log.manager.TopicAdmin;
import io.ledgerstream.log.metadata.AclStore;
import io.ledgerstream.log.metadata.ClientQuotaStore;
import io.ledgerstream.log.metadata.ProducerIdAllocator;
import io.ledgerstream.log.metadata.ScramCredentialStore;
import io.ledgerstream.log.metrics.BrokerMetrics;
import io.ledgerstream.log.partition.PartitionLogs;
import io.ledgerstream.log.protocol.ApiHandlers;
import io.ledgerstream.log.protocol.RequestQuotas;
import io.ledgerstream.log.security.AclAuthorizer;
import io.ledgerstream.log.security.AclUpdates;
import io.ledgerstream.log.transaction.PartitionMarkers;
import io.ledgerstream.log.transaction.TransactionCoordinator;
import io.ledgerstream.log.transaction.TransactionVerifier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/** The set of Kafka APIs a broker serves, each with its handler. */
public final class BrokerApis {
    private BrokerApis() {
    }

    /**
     * What the cluster administration APIs need besides topic administration.
     *
     * @param brokerConfig the broker's dynamic settings
     * @param controller   this broker's part in the controller election; null until it has joined
     * @param logDir       the name of the broker's one log dir in DescribeLogDirs
     * @param scramCredentials users' SCRAM credentials
     * @param authorizer   the ACL checks (allowing everything when ACLs are not enforced)
     * @param acls         the stored ACLs
     * @param clientQuotas the stored client quotas
     * @param quotas       measures clients against their quotas
     */
    public record Admin(DynamicBrokerConfig brokerConfig, Supplier<Controller> controller, String logDir,
                        ScramCredentialStore scramCredentials, AclAuthorizer authorizer, AclStore acls,
                        ClientQuotaStore clientQuotas, RequestQuotas quotas) {
    }

    /**
     * @param topics       topic administration
     * @param logs         the logs of the partitions this broker leads
     * @param controllerId the controller's id as this broker knows it, -1 when unknown
     * @param metrics      where requests and the bytes and records of each topic are counted
     */
    public static ApiHandlers create(TopicAdmin topics, PartitionLogs logs, ClusterView cluster,
                                     BrokerIdentity identity, ProducerIdAllocator producerIds,
                                     GroupCoordinator groups, TransactionCoordinator transactions,
                                     TransactionVerifier verifier, IntSupplier controllerId, Admin admin,
                                     BrokerMetrics metrics) {
        ApiHandlers handlers = new ApiHandlers(metrics.requests(), admin.quotas());
        Authorization authorization = new Authorization(admin.authorizer());
        AclUpdates aclUpdates = new AclUpdates(admin.acls());
        handlers.register(new ApiVersionsHandler(handlers))
                .register(new MetadataHandler(topics, cluster, identity, controllerId, authorization))
                .register(new ProduceHandler(logs, cluster, verifier, metrics.topics(), authorization))
                .register(new FetchHandler(logs, cluster,
                        new FetchSessionCache(topics.config().fetchSessionCacheSlots()), metrics.topics(), authorization))
                .register(new ListOffsetsHandler(logs, authorization))
                .register(new CreateTopicsHandler(topics, authorization))
                .register(new InitProducerIdHandler(producerIds, transactions, authorization))
                .register(new DeleteTopicsHandler(topics, cluster, authorization))
                .register(new CreatePartitionsHandler(topics, authorization))
                .register(new DescribeClusterHandler(cluster, identity, controllerId, authorization))
                .register(new DescribeConfigsHandler(topics, admin.brokerConfig(), authorization))
                .register(new IncrementalAlterConfigsHandler(topics, admin.brokerConfig(), authorization))
                .register(new AlterConfigsHandler(topics, admin.brokerConfig(), authorization))
                .register(new DescribeLogDirsHandler(logs, cluster, identity.brokerId(), admin.logDir(),
                        authorization))
                .register(new ElectLeadersHandler(admin.controller(), authorization))
                .register(new AlterPartitionReassignmentsHandler(topics, authorization))
                .register(new ListPartitionReassignmentsHandler(authorization))
                .register(new DescribeAclsHandler(authorization))
                .register(new CreateAclsHandler(authorization, aclUpdates))
                .register(new DeleteAclsHandler(authorization, aclUpdates))
                .register(new DeleteRecordsHandler(logs, authorization))
                .register(new OffsetForLeaderEpochHandler(logs, authorization))
                .register(new FindCoordinatorHandler(cluster, groups, transactions, authorization))
                .register(new JoinGroupHandler(groups, authorization))
                .register(new SyncGroupHandler(groups, authorization))
                .register(new HeartbeatHandler(groups, authorization))
                .register(new LeaveGroupHandler(groups, authorization))
                .register(new OffsetCommitHandler(groups, authorization))
                .register(new OffsetFetchHandler(groups, authorization))
                .register(new ListGroupsHandler(groups, authorization))
                .register(new DescribeGroupsHandler(groups, authorization))
                .register(new DeleteGroupsHandler(groups, authorization))
                .register(new OffsetDeleteHandler(groups, authorization))
                .register(new AddPartitionsToTxnHandler(topics, cluster, transactions, authorization))
                .register(new AddOffsetsToTxnHandler(transactions, groups, authorization))
                .register(new EndTxnHandler(transactions, authorization))
                .register(new TxnOffsetCommitHandler(groups, authorization))
                .register(new WriteTxnMarkersHandler(new PartitionMarkers(logs, groups), authorization))
                .register(new DescribeTransactionsHandler(transactions, authorization))
                .register(new ListTransactionsHandler(transactions, authorization))
                .register(new DescribeProducersHandler(logs, authorization))
                .register(new SaslHandshakeHandler())
                .register(new SaslAuthenticateHandler())
                .register(new AlterUserScramCredentialsHandler(admin.scramCredentials(), authorization))
                .register(new DescribeUserScramCredentialsHandler(admin.scramCredentials(), authorization))
                .register(new DescribeClientQuotasHandler(admin.clientQuotas(), authorization))
                .register(new AlterClientQuotasHandler(admin.clientQuotas(), authorization));
        if (topics.config().consumerGroups().enabled()) {
            handlers.register(new ConsumerGroupHeartbeatHandler(groups, authorization))
                    .register(new ConsumerGroupDescribeHandler(groups, cluster, authorization));
        }
        return handlers;
    }
}
