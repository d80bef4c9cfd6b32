package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.protocol.RequestContext;
import io.ledgerstream.log.security.AclAuthorizer;
import java.net.SocketAddress;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.resource.Resource;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;

/**
 * The ACL checks handlers make, for the principal and address of the request's connection. Thread-safe: stateless
 * over a thread-safe authorizer.
 */
final class Authorization {
    private static final List<AclOperation> TOPIC_OPERATIONS = List.of(AclOperation.READ, AclOperation.WRITE,
            AclOperation.CREATE, AclOperation.DESCRIBE, AclOperation.DELETE, AclOperation.ALTER,
            AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS);
    private static final List<AclOperation> GROUP_OPERATIONS = List.of(AclOperation.READ, AclOperation.DESCRIBE,
            AclOperation.DELETE, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS);
    private static final List<AclOperation> CLUSTER_OPERATIONS = List.of(AclOperation.CREATE,
            AclOperation.CLUSTER_ACTION, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS,
            AclOperation.IDEMPOTENT_WRITE, AclOperation.ALTER, AclOperation.DESCRIBE);
    private static final List<AclOperation> TRANSACTIONAL_ID_OPERATIONS = List.of(AclOperation.DESCRIBE,
            AclOperation.WRITE);

    private final AclAuthorizer authorizer;

    Authorization(AclAuthorizer authorizer) {
        this.authorizer = authorizer;
    }

    AclAuthorizer authorizer() {
        return authorizer;
    }

    boolean topic(RequestContext context, AclOperation operation, String topic) {
        return authorizer.authorize(context.principal(), context.clientAddress(), operation, ResourceType.TOPIC,
                topic);
    }

    /**
     * The topics the request's principal, from its address, may describe, for deciding later (a consumer's regular
     * expression matching topics created after its heartbeat); holds only the principal and the address.
     */
    Predicate<String> describableTopics(RequestContext context) {
        KafkaPrincipal principal = context.principal();
        SocketAddress client = context.clientAddress();
        return topic -> authorizer.authorize(principal, client, AclOperation.DESCRIBE, ResourceType.TOPIC, topic);
    }

    boolean group(RequestContext context, AclOperation operation, String group) {
        return authorizer.authorize(context.principal(), context.clientAddress(), operation, ResourceType.GROUP,
                group);
    }

    boolean transactionalId(RequestContext context, AclOperation operation, String transactionalId) {
        return authorizer.authorize(context.principal(), context.clientAddress(), operation,
                ResourceType.TRANSACTIONAL_ID, transactionalId);
    }

    boolean cluster(RequestContext context, AclOperation operation) {
        return authorizer.authorize(context.principal(), context.clientAddress(), operation, ResourceType.CLUSTER,
                Resource.CLUSTER_NAME);
    }

    /** Null when the request may perform the operation on the group; else its GROUP_AUTHORIZATION_FAILED answer. */
    AbstractResponse refuseUnlessGroup(RequestContext context, AbstractRequest request, AclOperation operation,
                                       String group) {
        return group(context, operation, group) ? null
                : request.getErrorResponse(GroupAuthorizationException.forGroupId(group));
    }

    /**
     * Null when the request may perform the operation on the transactional id; else its
     * TRANSACTIONAL_ID_AUTHORIZATION_FAILED answer.
     */
    AbstractResponse refuseUnlessTransactionalId(RequestContext context, AbstractRequest request,
                                                 AclOperation operation, String transactionalId) {
        return transactionalId(context, operation, transactionalId) ? null
                : request.getErrorResponse(new TransactionalIdAuthorizationException(
                "Transactional id authorization failed: " + transactionalId));
    }

    /**
     * Null when the request may put a group's offsets in a transaction (Write on the transactional id, then Read on the
     * group, as Kafka checks them); else the answer for the first refusal.
     */
    AbstractResponse refuseUnlessTransactionalOffsets(RequestContext context, AbstractRequest request,
                                                      String transactionalId, String group) {
        AbstractResponse refused = refuseUnlessTransactionalId(context, request, AclOperation.WRITE, transactionalId);
        return refused != null ? refused : refuseUnlessGroup(context, request, AclOperation.READ, group);
    }

    /** Null when the request may perform the operation on the cluster; else its CLUSTER_AUTHORIZATION_FAILED answer. */
    AbstractResponse refuseUnlessCluster(RequestContext context, AbstractRequest request, AclOperation operation) {
        return cluster(context, operation) ? null : request.getErrorResponse(new ClusterAuthorizationException(
                "Cluster authorization failed: " + operation + " on the cluster"));
    }

    /**
     * Null when the request may describe (or alter) the configs of a resource, as Kafka checks it: DescribeConfigs
     * (AlterConfigs) on the topic or group, or on the cluster for a broker, broker logger or client metrics
     * subscription; otherwise the error to answer.
     */
    Errors refuseConfigs(RequestContext context, byte resourceType, String name, boolean alter) {
        AclOperation operation = alter ? AclOperation.ALTER_CONFIGS : AclOperation.DESCRIBE_CONFIGS;
        ConfigResource.Type type = ConfigResource.Type.forId(resourceType);
        if (type == ConfigResource.Type.TOPIC) {
            return topic(context, operation, name) ? null : Errors.TOPIC_AUTHORIZATION_FAILED;
        }
        if (type == ConfigResource.Type.GROUP) {
            return group(context, operation, name) ? null : Errors.GROUP_AUTHORIZATION_FAILED;
        }
        if (type == ConfigResource.Type.BROKER || type == ConfigResource.Type.BROKER_LOGGER
                || type == ConfigResource.Type.CLIENT_METRICS) {
            return cluster(context, operation) ? null : Errors.CLUSTER_AUTHORIZATION_FAILED;
        }
        return null;
    }

    /**
     * The operations (KIP-430) the request may perform on a resource, as the bit field Kafka answers: bit
     * {@code 1 << code} set for each operation allowed among those that apply to the resource's type.
     */
    int authorizedOperations(RequestContext context, ResourceType type, String name) {
        int bits = 0;
        for (AclOperation operation : operationsOf(type)) {
            if (authorizer.authorize(context.principal(), context.clientAddress(), operation, type, name)) {
                bits |= 1 << operation.code();
            }
        }
        return bits;
    }

    /** The operations an ACL may name on a resource of the type, as Kafka lists them. */
    private static List<AclOperation> operationsOf(ResourceType type) {
        return switch (type) {
            case TOPIC -> TOPIC_OPERATIONS;
            case GROUP -> GROUP_OPERATIONS;
            case CLUSTER -> CLUSTER_OPERATIONS;
            case TRANSACTIONAL_ID -> TRANSACTIONAL_ID_OPERATIONS;
            default -> List.of();
        };
    }

    /** Whether the request may create a topic: Create on the cluster or on the topic. */
    boolean createTopic(RequestContext context, String topic) {
        return cluster(context, AclOperation.CREATE) || topic(context, AclOperation.CREATE, topic);
    }

    /** Whether a producer without transactional id may be idempotent: IdempotentWrite on the cluster or Write on
     *  some topic. */
    boolean idempotentWrite(RequestContext context) {
        return cluster(context, AclOperation.IDEMPOTENT_WRITE) || authorizer.authorizeAny(context.principal(),
                context.clientAddress(), AclOperation.WRITE, ResourceType.TOPIC);
    }
}
