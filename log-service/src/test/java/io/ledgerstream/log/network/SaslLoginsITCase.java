package io.ledgerstream.log.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.log.testing.LocalBroker;
import io.ledgerstream.log.testing.RawKafkaRequests;
import io.ledgerstream.log.testing.TestClients;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.SaslAuthenticateRequest;
import org.apache.kafka.common.requests.SaslHandshakeRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SASL logins on a broker's SASL_PLAINTEXT listener, request by request as a client sends them: a wrong password is
 * answered SASL_AUTHENTICATION_FAILED with Kafka's message after {@code connection.failed.authentication.delay.ms},
 * while the event loops go on serving others, and the connection closes; a mechanism not offered, garbage tokens, an
 * unparseable request, an API before the login, an oversized frame each get their own clean answer and end that
 * connection only; SaslHandshake v0 carries bare tokens; after a login, SASL requests are ILLEGAL_SASL_STATE.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SaslLoginsITCase {
    private static final int DELAY_MS = 400;
    private static final int MAX_UNAUTHENTICATED_FRAME = 4096;
    private static final String PLAIN_USERS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "user_alice=\"alice-secret\" user_bob=\"bob-secret\";";

    @TempDir
    static Path dir;
    private static LocalBroker local;
    private int correlation;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        local = LocalBroker.start(dir.toFile(), Map.of(
                "listeners", "PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0",
                "sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config", PLAIN_USERS,
                "connection.failed.authentication.delay.ms", Integer.toString(DELAY_MS),
                "sasl.server.max.receive.size", Integer.toString(MAX_UNAUTHENTICATED_FRAME)));
    }

    @AfterAll
    static void stop() {
        if (local != null) {
            local.close();
        }
    }

    /** Whatever each test did, the listener still logs a client in and serves it. */
    @AfterEach
    void theBrokerStillServesALogin() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        try (Socket socket = sasl()) {
            assertThat(loginPlain(socket, "bob", "bob-secret").errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(describeCluster(socket).errorCode()).isEqualTo(Errors.NONE.code());
        }
    }

    @Test
    void aWrongPasswordIsAnsweredWithKafkasMessageAfterTheDelayWhileOthersAreServed() throws Exception {
        Socket socket = sasl();
        assertThat(apiVersions(socket)).isEqualTo(Errors.NONE);
        SaslHandshakeResponseData handshake = handshake(socket, "PLAIN", (short) 1);
        assertThat(handshake.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(handshake.mechanisms()).containsExactly("PLAIN", "SCRAM-SHA-256");

        long started = System.nanoTime();
        CompletableFuture<SaslAuthenticateResponseData> refused = CompletableFuture.supplyAsync(() -> {
            try {
                return authenticate(socket, plainToken("alice", "wrong"), (short) 2);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        // Meanwhile, connections on every event loop are answered at once: the delay holds no thread.
        for (int i = 0; i < 8; i++) {
            try (Socket other = plaintext()) {
                long asked = System.nanoTime();
                assertThat(apiVersions(other)).isEqualTo(Errors.NONE);
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked)).isLessThan(DELAY_MS / 2);
            }
        }
        SaslAuthenticateResponseData answer = refused.get(30, TimeUnit.SECONDS);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isGreaterThanOrEqualTo(DELAY_MS);
        assertThat(answer.errorCode()).isEqualTo(Errors.SASL_AUTHENTICATION_FAILED.code());
        assertThat(answer.errorMessage()).isEqualTo("Authentication failed: Invalid username or password");
        assertClosedByBroker(socket);
    }

    @Test
    void kafkaClientsSeeAFailedLoginAsASaslAuthenticationException() {
        assertThatThrownBy(() -> describeClusterAs("PLAIN",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" "
                        + "password=\"wrong\";"))
                .hasRootCauseInstanceOf(SaslAuthenticationException.class)
                .rootCause().hasMessage("Authentication failed: Invalid username or password");
        assertThatThrownBy(() -> describeClusterAs("SCRAM-SHA-256",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"nobody\" "
                        + "password=\"whatever\";"))
                .hasRootCauseInstanceOf(SaslAuthenticationException.class)
                .rootCause().hasMessage("Authentication failed during authentication due to invalid credentials with "
                        + "SASL mechanism SCRAM-SHA-256");
    }

    @Test
    void aMechanismNotOfferedIsUnsupportedSaslMechanismWithTheOfferedOnes() throws Exception {
        Socket socket = sasl();
        SaslHandshakeResponseData answer = handshake(socket, "GSSAPI", (short) 1);
        assertThat(answer.errorCode()).isEqualTo(Errors.UNSUPPORTED_SASL_MECHANISM.code());
        assertThat(answer.mechanisms()).containsExactly("PLAIN", "SCRAM-SHA-256");
        assertClosedByBroker(socket);
    }

    @Test
    void garbageInSaslAuthenticateFailsThatLoginWithTheMechanismsAnswer() throws Exception {
        Socket scram = sasl();
        assertThat(handshake(scram, "SCRAM-SHA-256", (short) 1).errorCode()).isEqualTo(Errors.NONE.code());
        SaslAuthenticateResponseData scramAnswer = authenticate(scram, new byte[] {0x13, 0x37, 0, -1, 42}, (short) 2);
        assertThat(scramAnswer.errorCode()).isEqualTo(Errors.SASL_AUTHENTICATION_FAILED.code());
        assertThat(scramAnswer.errorMessage()).isEqualTo("Authentication failed during authentication due to invalid "
                + "credentials with SASL mechanism SCRAM-SHA-256");
        assertClosedByBroker(scram);

        Socket plain = sasl();
        assertThat(handshake(plain, "PLAIN", (short) 1).errorCode()).isEqualTo(Errors.NONE.code());
        SaslAuthenticateResponseData plainAnswer = authenticate(plain, "garbage".getBytes(StandardCharsets.UTF_8),
                (short) 1);
        assertThat(plainAnswer.errorCode()).isEqualTo(Errors.SASL_AUTHENTICATION_FAILED.code());
        assertThat(plainAnswer.errorMessage()).startsWith("Invalid SASL/PLAIN response: expected 3 tokens");
        assertClosedByBroker(plain);
    }

    @Test
    void anUnparseableSaslAuthenticateClosesTheConnectionUnanswered() throws Exception {
        Socket socket = sasl();
        assertThat(handshake(socket, "PLAIN", (short) 1).errorCode()).isEqualTo(Errors.NONE.code());
        // A v2 (flexible) SaslAuthenticate header and a body whose bytes field claims more than there is.
        ByteBuffer header = headerBytes(ApiKeys.SASL_AUTHENTICATE, (short) 2);
        byte[] frame = new byte[header.remaining() + 3];
        header.get(frame, 0, header.remaining());
        frame[frame.length - 3] = 0x7f;
        assertThat(RawKafkaRequests.exchangeFrame(socket, frame)).isNull();
    }

    @Test
    void anyRequestButApiVersionsAndTheHandshakeBeforeLoginClosesTheConnection() throws Exception {
        Socket first = sasl();
        assertThat(RawKafkaRequests.exchangeFrame(first, frame(new MetadataRequest(new MetadataRequestData()
                .setTopics(List.of()), (short) 12)))).isNull();

        Socket twice = sasl();
        assertThat(apiVersions(twice)).isEqualTo(Errors.NONE);
        assertThat(RawKafkaRequests.exchangeFrame(twice, frame(new ApiVersionsRequest.Builder().build((short) 3))))
                .isNull();

        // During the exchange, another API is answered ILLEGAL_SASL_STATE and ends the login.
        Socket during = sasl();
        assertThat(handshake(during, "PLAIN", (short) 1).errorCode()).isEqualTo(Errors.NONE.code());
        DescribeClusterResponseData answer = describeCluster(during);
        assertThat(answer.errorCode()).isEqualTo(Errors.ILLEGAL_SASL_STATE.code());
        assertThat(answer.errorMessage()).isEqualTo("Unexpected Kafka request of type DESCRIBE_CLUSTER during SASL "
                + "authentication.");
        assertClosedByBroker(during);
    }

    @Test
    void saslHandshakeV0CarriesBareTokens() throws Exception {
        Socket socket = sasl();
        assertThat(handshake(socket, "PLAIN", (short) 0).errorCode()).isEqualTo(Errors.NONE.code());
        ByteBuffer answer = RawKafkaRequests.exchangeFrame(socket, plainToken("alice", "alice-secret"));
        assertThat(answer).isNotNull();
        assertThat(answer.remaining()).isZero();
        assertThat(describeCluster(socket).errorCode()).isEqualTo(Errors.NONE.code());

        Socket wrong = sasl();
        assertThat(handshake(wrong, "PLAIN", (short) 0).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(RawKafkaRequests.exchangeFrame(wrong, plainToken("alice", "wrong"))).isNull();
    }

    @Test
    void beforeLoginFramesAreBoundedBySaslServerMaxReceiveSizeAndAfterItBySocketRequestMaxBytes() throws Exception {
        Socket before = sasl();
        assertThat(RawKafkaRequests.exchangeFrame(before, new byte[MAX_UNAUTHENTICATED_FRAME + 1])).isNull();

        Socket after = sasl();
        assertThat(loginPlain(after, "alice", "alice-secret").errorCode()).isEqualTo(Errors.NONE.code());
        List<MetadataRequestData.MetadataRequestTopic> topics = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            topics.add(new MetadataRequestData.MetadataRequestTopic().setName("no-such-topic-" + i));
        }
        MetadataRequest big = new MetadataRequest(new MetadataRequestData().setTopics(topics)
                .setAllowAutoTopicCreation(false), (short) 12);
        assertThat(frame(big).length).isGreaterThan(MAX_UNAUTHENTICATED_FRAME);
        MetadataResponseData metadata = new MetadataResponseData(new ByteBufferAccessor(
                RawKafkaRequests.exchange(after, big, ++correlation)), (short) 12);
        assertThat(metadata.topics()).hasSize(400);
    }

    @Test
    void afterALoginAndOnAListenerWithoutSaslTheSaslRequestsAreIllegalSaslState() throws Exception {
        Socket loggedIn = sasl();
        assertThat(loginPlain(loggedIn, "alice", "alice-secret").errorCode()).isEqualTo(Errors.NONE.code());
        Socket plaintext = plaintext();
        for (Socket socket : List.of(loggedIn, plaintext)) {
            assertThat(handshake(socket, "PLAIN", (short) 1).errorCode())
                    .isEqualTo(Errors.ILLEGAL_SASL_STATE.code());
            SaslAuthenticateResponseData authenticate = authenticate(socket, plainToken("alice", "alice-secret"),
                    (short) 2);
            assertThat(authenticate.errorCode()).isEqualTo(Errors.ILLEGAL_SASL_STATE.code());
            assertThat(authenticate.errorMessage())
                    .isEqualTo("SaslAuthenticate request received after successful authentication");
            assertThat(describeCluster(socket).errorCode()).isEqualTo(Errors.NONE.code());
        }
    }

    private void describeClusterAs(String mechanism, String jaas) throws Exception {
        try (Admin admin = TestClients.admin("127.0.0.1:" + local.broker().kafkaPort("SASL_PLAINTEXT"), Map.of(
                "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", mechanism, "sasl.jaas.config", jaas))) {
            admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e;
        }
    }

    private Socket sasl() throws IOException {
        return open(local.broker().kafkaPort("SASL_PLAINTEXT"));
    }

    private Socket plaintext() throws IOException {
        return open(local.broker().kafkaPort("PLAINTEXT"));
    }

    private Socket open(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        sockets.add(socket);
        return socket;
    }

    private static byte[] plainToken(String user, String password) {
        return ("\u0000" + user + "\u0000" + password).getBytes(StandardCharsets.UTF_8);
    }

    private SaslAuthenticateResponseData loginPlain(Socket socket, String user, String password) throws IOException {
        assertThat(handshake(socket, "PLAIN", (short) 1).errorCode()).isEqualTo(Errors.NONE.code());
        return authenticate(socket, plainToken(user, password), (short) 2);
    }

    private Errors apiVersions(Socket socket) throws IOException {
        ByteBuffer body = RawKafkaRequests.exchange(socket, new ApiVersionsRequest.Builder().build((short) 3),
                ++correlation);
        return Errors.forCode(ApiVersionsResponse.parse(new ByteBufferAccessor(body), (short) 3).data().errorCode());
    }

    private SaslHandshakeResponseData handshake(Socket socket, String mechanism, short version) throws IOException {
        ByteBuffer body = RawKafkaRequests.exchange(socket, new SaslHandshakeRequest.Builder(
                new SaslHandshakeRequestData().setMechanism(mechanism)).build(version), ++correlation);
        return new SaslHandshakeResponseData(new ByteBufferAccessor(body), version);
    }

    private SaslAuthenticateResponseData authenticate(Socket socket, byte[] token, short version)
            throws IOException {
        ByteBuffer body = RawKafkaRequests.exchange(socket, new SaslAuthenticateRequest.Builder(
                new SaslAuthenticateRequestData().setAuthBytes(token)).build(version), ++correlation);
        return new SaslAuthenticateResponseData(new ByteBufferAccessor(body), version);
    }

    private DescribeClusterResponseData describeCluster(Socket socket) throws IOException {
        ByteBuffer body = RawKafkaRequests.exchange(socket, new DescribeClusterRequest.Builder(
                new DescribeClusterRequestData()).build((short) 1), ++correlation);
        return new DescribeClusterResponseData(new ByteBufferAccessor(body), (short) 1);
    }

    private byte[] frame(AbstractRequest request) {
        ByteBuffer bytes = request.serializeWithHeader(new RequestHeader(request.apiKey(), request.version(),
                "sasl-test", ++correlation));
        byte[] frame = new byte[bytes.remaining()];
        bytes.get(frame);
        return frame;
    }

    private ByteBuffer headerBytes(ApiKeys api, short version) {
        RequestHeader header = new RequestHeader(api, version, "sasl-test", ++correlation);
        return org.apache.kafka.common.protocol.MessageUtil.toByteBufferAccessor(header.data(),
                header.headerVersion()).buffer();
    }

    /** The broker closed the connection: the next read finds its end (or a reset), not a timeout. */
    private static void assertClosedByBroker(Socket socket) throws IOException {
        try {
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        } catch (SocketException reset) {
            // Closed with unread bytes on our side: also a close.
        }
    }
}
