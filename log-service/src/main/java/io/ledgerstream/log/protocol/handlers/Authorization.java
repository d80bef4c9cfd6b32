package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.protocol.RequestContext;
import io.ledgerstream.log.security.AclAuthorizer;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.Resource;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The ACL checks handlers make, for the principal and address of the request's connection. Thread-safe: stateless
 * over a thread-safe authorizer.
 */
final class Authorization {
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
