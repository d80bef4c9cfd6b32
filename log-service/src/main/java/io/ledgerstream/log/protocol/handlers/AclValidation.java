package io.ledgerstream.log.protocol.handlers;

import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.Resource;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.utils.SecurityUtils;

/**
 * The checks Kafka 4.1 makes on an ACL before storing it, in its order and with its messages: the broker's (the
 * cluster's name, a non-empty resource name), then the controller's (a concrete resource type, which includes USER
 * and DELEGATION_TOKEN, a LITERAL or PREFIXED pattern, a concrete operation and permission; an ANY or MATCH is
 * mostly refused before, by kafka-clients' own AclBinding). The principal must also parse as {@code Type:name},
 * which Kafka leaves to its tools, since the authorizer could not match it otherwise.
 */
final class AclValidation {
    private AclValidation() {
    }

    /** @throws IllegalArgumentException naming what is wrong with the ACL */
    static void validate(AclBinding binding) {
        ResourceType type = binding.pattern().resourceType();
        String name = binding.pattern().name();
        if (type == ResourceType.CLUSTER && !Resource.CLUSTER_NAME.equals(name)) {
            throw new IllegalArgumentException("The only valid name for the CLUSTER resource is "
                    + Resource.CLUSTER_NAME);
        }
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("Invalid empty resource name");
        }
        if (type == ResourceType.ANY || type == ResourceType.UNKNOWN) {
            throw new IllegalArgumentException("Invalid resourceType " + type);
        }
        PatternType patternType = binding.pattern().patternType();
        if (patternType != PatternType.LITERAL && patternType != PatternType.PREFIXED) {
            throw new IllegalArgumentException("Invalid patternType " + patternType);
        }
        AclOperation operation = binding.entry().operation();
        if (operation == AclOperation.ANY || operation == AclOperation.UNKNOWN) {
            throw new IllegalArgumentException("Invalid operation " + operation);
        }
        AclPermissionType permission = binding.entry().permissionType();
        if (permission != AclPermissionType.ALLOW && permission != AclPermissionType.DENY) {
            throw new IllegalArgumentException("Invalid permissionType " + permission);
        }
        String principal = binding.entry().principal();
        try {
            SecurityUtils.parseKafkaPrincipal(principal);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Could not parse principal " + principal + ": Type:name expected");
        }
    }
}
