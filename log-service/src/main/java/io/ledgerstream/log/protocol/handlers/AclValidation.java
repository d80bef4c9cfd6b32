package io.ledgerstream.log.protocol.handlers;

import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.Resource;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.utils.SecurityUtils;

/** The checks Kafka makes on an ACL before storing it. */
final class AclValidation {
    private AclValidation() {
    }

    /** @throws IllegalArgumentException naming what is wrong with the ACL */
    static void validate(AclBinding binding) {
        ResourceType type = binding.pattern().resourceType();
        if (type == ResourceType.ANY || type == ResourceType.UNKNOWN || type == ResourceType.DELEGATION_TOKEN
                || type == ResourceType.USER) {
            throw new IllegalArgumentException("ACLs on resource type " + type + " are not supported");
        }
        PatternType patternType = binding.pattern().patternType();
        if (patternType != PatternType.LITERAL && patternType != PatternType.PREFIXED) {
            throw new IllegalArgumentException("Invalid pattern type " + patternType + ": LITERAL or PREFIXED");
        }
        String name = binding.pattern().name();
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("Resource name should not be empty");
        }
        if (type == ResourceType.CLUSTER && !name.equals(Resource.CLUSTER_NAME)) {
            throw new IllegalArgumentException("The only valid name for the CLUSTER resource is "
                    + Resource.CLUSTER_NAME);
        }
        AclOperation operation = binding.entry().operation();
        if (operation == AclOperation.ANY || operation == AclOperation.UNKNOWN) {
            throw new IllegalArgumentException("Invalid operation " + operation);
        }
        AclPermissionType permission = binding.entry().permissionType();
        if (permission != AclPermissionType.ALLOW && permission != AclPermissionType.DENY) {
            throw new IllegalArgumentException("Invalid permission type " + permission);
        }
        String principal = binding.entry().principal();
        try {
            SecurityUtils.parseKafkaPrincipal(principal);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Could not parse principal " + principal + ": Type:name expected");
        }
        String host = binding.entry().host();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("The host should not be empty: * for every host");
        }
    }
}
