package io.ledgerstream.log.security;

import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.LocalCluster;
import io.ledgerstream.log.testing.RawKafkaRequests;
import io.ledgerstream.log.testing.TestClients;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslAuthenticateResponse;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.apache.kafka.common.requests.SaslHandshakeResponse;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * What the ACL tests share: brokers with ACLs on and a SASL_PLAINTEXT PLAIN listener whose users' passwords are
 * {@code <user>-secret} (the brokers talk to each other over PLAINTEXT as ANONYMOUS, a super user, as is
 * {@code admin}), clients logged in as a user, and ACLs granted and awaited on every broker.
 */
final class AclTesting {
    static final String LISTENER = "SASL_PLAINTEXT";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private AclTesting() {
    }

    /** The broker settings for ACLs with the given users (besides {@code admin}). */
    static Map<String, String> brokerSettings(String... users) {
        StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "user_admin=\"admin-secret\"");
        for (String user : users) {
            jaas.append(" user_").append(user).append("=\"").append(user).append("-secret\"");
        }
        Map<String, String> settings = new HashMap<>();
        settings.put("listeners", "PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0");
        settings.put("sasl.enabled.mechanisms", "PLAIN");
        settings.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", jaas.append(';').toString());
        settings.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        settings.put("super.users", "User:admin;User:ANONYMOUS");
        settings.put("group.initial.rebalance.delay.ms", "0");
        settings.put("default.replication.factor", "1");
        settings.put("offsets.topic.num.partitions", "2");
        return settings;
    }

    /** The bootstrap servers of every broker's SASL listener. */
    static String bootstrap(LocalCluster cluster) {
        return String.join(",", cluster.running().stream()
                .map(id -> "127.0.0.1:" + cluster.broker(id).kafkaPort(LISTENER)).toList());
    }

    /** Client settings that log in as {@code user}. */
    static Map<String, String> as(String user) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN", "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
                        + "\" password=\"" + user + "-secret\";");
    }

    static Admin admin(LocalCluster cluster, String user) {
        return TestClients.admin(bootstrap(cluster), as(user));
    }

    static AclBinding acl(ResourceType type, String name, PatternType pattern, String principal,
                          AclOperation operation, AclPermissionType permission) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", operation, permission));
    }

    static AclBinding allow(ResourceType type, String name, String principal, AclOperation operation) {
        return acl(type, name, PatternType.LITERAL, principal, operation, AclPermissionType.ALLOW);
    }

    /**
     * A socket to a broker's SASL listener, logged in as {@code user} with PLAIN, for requests kafka-clients would
     * not send as the test needs them (to a broker of the test's choice, or only broker to broker).
     */
    static Socket loggedIn(LocalCluster cluster, int broker, String user) throws IOException {
        Socket socket = RawKafkaRequests.connect(cluster.broker(broker).kafkaPort(LISTENER));
        SaslHandshakeResponse handshake = send(socket, new SaslHandshakeRequest.Builder(
                new SaslHandshakeRequestData().setMechanism("PLAIN")).build((short) 1));
        SaslAuthenticateResponse login = send(socket, new SaslAuthenticateRequest.Builder(
                new SaslAuthenticateRequestData().setAuthBytes(("\0" + user + "\0" + user + "-secret")
                        .getBytes(StandardCharsets.UTF_8))).build((short) 2));
        if (handshake.error() != Errors.NONE || login.error() != Errors.NONE) {
            socket.close();
            throw new IOException("Could not log in as " + user + ": " + handshake.error() + ", " + login.error());
        }
        return socket;
    }

    /** Sends a request over a socket (one request at a time) and parses its response. */
    static <T extends AbstractResponse> T send(Socket socket, AbstractRequest request) throws IOException {
        return RawKafkaRequests.send(socket, request);
    }

    /** Creates ACLs as the admin and waits until every running broker holds them. */
    static void grant(LocalCluster cluster, AclBinding... acls) throws Exception {
        try (Admin admin = admin(cluster, "admin")) {
            admin.createAcls(List.of(acls)).all().get(30, TimeUnit.SECONDS);
        }
        Await.until("every broker knows " + List.of(acls), WAIT, () -> cluster.running().stream().allMatch(id ->
                cluster.broker(id).authorizer().acls().containsAll(List.of(acls))));
    }
}
