package io.ledgerstream.log.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.testing.LocalBroker;
import io.ledgerstream.log.testing.RawKafkaRequests;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ApiVersions advertises exactly what is served: every advertised version lies within what kafka-clients 4.1.1
 * knows as stable for that API, and a request of every advertised version (its message's defaults) gets an answer
 * of that version, never UNSUPPORTED_VERSION and never a closed connection.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ApiVersionsContractITCase {
    @TempDir
    static Path dir;
    private static LocalBroker local;
    private static int correlation;

    @BeforeAll
    static void start() throws Exception {
        local = LocalBroker.start(dir.toFile(), Map.of());
    }

    @AfterAll
    static void stop() {
        if (local != null) {
            local.close();
        }
    }

    private static Socket socket() throws IOException {
        return RawKafkaRequests.connect(local.broker().kafkaPort());
    }

    private static List<ApiVersionsResponseData.ApiVersion> advertised() throws IOException {
        try (Socket socket = socket()) {
            ApiVersionsResponse response = ApiVersionsResponse.parse(new ByteBufferAccessor(RawKafkaRequests.exchange(
                    socket, new ApiVersionsRequest.Builder().build((short) 3), ++correlation)), (short) 3);
            assertThat(response.data().errorCode()).isEqualTo(Errors.NONE.code());
            return new ArrayList<>(response.data().apiKeys());
        }
    }

    @Test
    void everyAdvertisedVersionIsOneKafkaClientsKnowsAsStable() throws Exception {
        for (ApiVersionsResponseData.ApiVersion version : advertised()) {
            assertThat(ApiKeys.hasId(version.apiKey())).as("api key %s", version.apiKey()).isTrue();
            ApiKeys api = ApiKeys.forId(version.apiKey());
            short oldest = api == ApiKeys.PRODUCE ? ApiKeys.PRODUCE_API_VERSIONS_RESPONSE_MIN_VERSION
                    : api.oldestVersion();
            assertThat(version.minVersion()).as("%s oldest", api).isGreaterThanOrEqualTo(oldest);
            assertThat(version.maxVersion()).as("%s newest", api).isBetween(version.minVersion(),
                    api.latestVersion(false));
            assertThat(api.inScope(org.apache.kafka.common.message.ApiMessageType.ListenerType.BROKER))
                    .as("%s is a broker API", api).isTrue();
        }
    }

    @Test
    void aRequestOfEveryAdvertisedVersionIsAnsweredInThatVersion() throws Exception {
        List<String> unanswered = new ArrayList<>();
        try (Socket socket = socket()) {
            for (ApiVersionsResponseData.ApiVersion advertised : advertised()) {
                ApiKeys api = ApiKeys.forId(advertised.apiKey());
                // Produce v0-2 are advertised for librdkafka's sake but not served, as in Kafka 4.
                short from = api == ApiKeys.PRODUCE ? api.oldestVersion() : advertised.minVersion();
                for (short v = from; v <= advertised.maxVersion(); v++) {
                    AbstractResponse response = exchange(socket, api, v);
                    if (response == null) {
                        unanswered.add(api + " v" + v + ": connection closed");
                        socket.close();
                        return;
                    }
                    if (response.errorCounts().containsKey(Errors.UNSUPPORTED_VERSION)) {
                        unanswered.add(api + " v" + v + ": UNSUPPORTED_VERSION");
                    }
                }
            }
        }
        assertThat(unanswered).isEmpty();
    }

    @Test
    void theSecurityApisAreAdvertisedAtEveryVersionKafkaClientsKnows() throws Exception {
        List<ApiVersionsResponseData.ApiVersion> advertised = advertised();
        for (ApiKeys api : List.of(ApiKeys.SASL_HANDSHAKE, ApiKeys.SASL_AUTHENTICATE,
                ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS,
                ApiKeys.DESCRIBE_CLIENT_QUOTAS, ApiKeys.ALTER_CLIENT_QUOTAS)) {
            assertThat(advertised).as("%s advertised", api).filteredOn(v -> v.apiKey() == api.id)
                    .singleElement().satisfies(v -> {
                        assertThat(v.minVersion()).isEqualTo(api.oldestVersion());
                        assertThat(v.maxVersion()).isEqualTo(api.latestVersion(false));
                    });
        }
    }

    @Test
    void aBrokerServingOnlyTheClassicGroupProtocolDoesNotAdvertiseTheConsumerOne() throws Exception {
        try (io.ledgerstream.log.broker.Broker classicOnly = io.ledgerstream.log.broker.Broker.start(
                local.cluster().brokerConfig(Map.of("listeners", "PLAINTEXT://127.0.0.1:0", "broker.id", "9",
                        "group.coordinator.rebalance.protocols", "classic")), java.time.Clock.systemUTC());
             Socket socket = new Socket("127.0.0.1", classicOnly.kafkaPort())) {
            socket.setSoTimeout(30_000);
            ApiVersionsResponse response = ApiVersionsResponse.parse(new ByteBufferAccessor(RawKafkaRequests.exchange(
                    socket, new ApiVersionsRequest.Builder().build((short) 3), ++correlation)), (short) 3);
            assertThat(response.apiVersion(ApiKeys.CONSUMER_GROUP_HEARTBEAT.id)).isNull();
            assertThat(response.apiVersion(ApiKeys.CONSUMER_GROUP_DESCRIBE.id)).isNull();
            assertThat(response.apiVersion(ApiKeys.JOIN_GROUP.id)).isNotNull();
        }
        assertThat(advertised()).extracting(ApiVersionsResponseData.ApiVersion::apiKey)
                .contains(ApiKeys.CONSUMER_GROUP_HEARTBEAT.id);
    }

    /** Sends the API's request message with its defaults at {@code version}; null if the connection closed. */
    private static AbstractResponse exchange(Socket socket, ApiKeys api, short version) throws IOException {
        ApiMessage body = ApiMessageType.fromApiKey(api.id).newRequest();
        if (body instanceof ProduceRequestData produce) {
            produce.setAcks((short) 1).setTimeoutMs(1000);
        }
        int id = ++correlation;
        RequestHeader header = new RequestHeader(api, version, "contract-test", id);
        ByteBuffer headerBytes = MessageUtil.toByteBufferAccessor(header.data(), header.headerVersion()).buffer();
        ByteBuffer bodyBytes = MessageUtil.toByteBufferAccessor(body, version).buffer();
        byte[] frame = new byte[headerBytes.remaining() + bodyBytes.remaining()];
        headerBytes.get(frame, 0, headerBytes.remaining());
        bodyBytes.get(frame, frame.length - bodyBytes.remaining(), bodyBytes.remaining());
        ByteBuffer answer = RawKafkaRequests.exchangeFrame(socket, frame);
        if (answer == null) {
            return null;
        }
        int answered = ResponseHeader.parse(answer, api.responseHeaderVersion(version)).correlationId();
        assertThat(answered).as("%s v%s correlation id", api, version).isEqualTo(id);
        return AbstractResponse.parseResponse(api, new ByteBufferAccessor(answer), version);
    }
}
