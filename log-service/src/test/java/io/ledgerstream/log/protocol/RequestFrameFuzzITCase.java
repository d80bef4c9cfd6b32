package io.ledgerstream.log.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.LocalBroker;
import io.ledgerstream.log.testing.RawKafkaRequests;
import java.io.File;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;

/**
 * Property-based fuzzing of request frames: for every API kafka-clients knows (served or not), at versions in and
 * just outside its range, a well-formed request with default fields or random bytes, then damaged (bytes flipped,
 * cut or added). Whatever the frame, the broker answers it or closes that connection, keeps answering others, and
 * releases the connection once the client goes.
 */
class RequestFrameFuzzITCase {
    private static File dir;
    private static LocalBroker local;
    private static Socket bystander;
    private static int correlation;

    @BeforeContainer
    static void start() throws Exception {
        dir = Files.createTempDirectory("request-frame-fuzz").toFile();
        local = LocalBroker.start(dir, Map.of());
        bystander = new Socket("127.0.0.1", local.broker().kafkaPort());
        bystander.setSoTimeout(60_000);
    }

    @AfterContainer
    static void stop() throws Exception {
        if (bystander != null) {
            bystander.close();
        }
        if (local != null) {
            local.close();
        }
        try (var paths = Files.walk(dir.toPath())) {
            paths.sorted(Comparator.reverseOrder()).map(java.nio.file.Path::toFile).forEach(File::delete);
        }
    }

    /** A frame to send: the request as generated, then the damage done to it. */
    record Frame(ApiKeys api, short version, boolean defaultBody, byte[] bytes, String damage) {
        @Override
        public String toString() {
            return api + " v" + version + (defaultBody ? " default body" : " random body") + ", " + damage + ", "
                    + bytes.length + " bytes";
        }
    }

    @Property
    void noFrameCrashesTheBrokerOrHoldsItsConnection(@ForAll("frames") Frame frame) throws Exception {
        int before = local.broker().openConnections();
        try (Socket socket = new Socket("127.0.0.1", local.broker().kafkaPort())) {
            // A reset rather than a close, so that a request the broker holds (a long fetch, a join) ends with it.
            socket.setSoLinger(true, 0);
            socket.setSoTimeout(2_000);
            ByteBuffer answer = null;
            try {
                answer = RawKafkaRequests.exchangeFrame(socket, frame.bytes());
            } catch (SocketTimeoutException | java.net.SocketException heldOrClosed) {
                // Held (a request that waits) or closed while we wrote: both are answers the broker may give.
            }
            boolean bodyUnread = frame.version() < 0 || frame.version() > ApiKeys.API_VERSIONS.latestVersion();
            if (frame.api() == ApiKeys.API_VERSIONS && frame.damage().equals("undamaged")
                    && (frame.defaultBody() || bodyUnread)) {
                assertThat(answer).as("an intact ApiVersions request is answered, whatever its version").isNotNull();
            }
        }
        assertThat(RawKafkaRequests.exchangeFrame(bystander,
                RawKafkaRequests.header((short) 18, (short) 0, ++correlation, "bystander").array()))
                .as("the broker still answers another connection").isNotNull();
        Await.until("the fuzzed connection to be released", Duration.ofSeconds(10),
                () -> local.broker().openConnections() <= before);
    }

    @Provide
    Arbitrary<Frame> frames() {
        Arbitrary<ApiKeys> apis = Arbitraries.of(ApiKeys.class);
        return apis.flatMap(api -> Combinators.combine(
                Arbitraries.integers().between(api.oldestVersion() - 1, api.latestVersion(true) + 1),
                Arbitraries.of(true, false),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(64),
                Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(0, 9_999),
                Arbitraries.integers().between(1, 255)).as((version, defaultBody, random, damage, where, mask) ->
                frame(api, version.shortValue(), defaultBody, random, damage, where, mask)));
    }

    private static Frame frame(ApiKeys api, short version, boolean defaultBody, byte[] random, int damage, int where,
                               int mask) {
        byte[] body = defaultBody ? defaultBody(api, version) : random;
        boolean asked = body != null;
        if (body == null) {
            body = random;
        }
        ByteBuffer header = header(api, version);
        byte[] bytes = new byte[header.remaining() + body.length];
        header.get(bytes, 0, header.remaining());
        System.arraycopy(body, 0, bytes, bytes.length - body.length, body.length);
        int at = bytes.length == 0 ? 0 : (int) ((long) where * bytes.length / 10_000);
        String done;
        switch (damage) {
            case 0 -> done = "undamaged";
            case 1 -> {
                bytes[at] ^= (byte) mask;
                done = "byte " + at + " flipped";
            }
            case 2 -> {
                bytes = java.util.Arrays.copyOf(bytes, at);
                done = "cut at " + at;
            }
            default -> {
                byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + random.length);
                System.arraycopy(random, 0, longer, bytes.length, random.length);
                bytes = longer;
                done = random.length + " bytes added";
            }
        }
        return new Frame(api, version, asked && defaultBody, bytes, done);
    }

    /** The request header Kafka expects for the API and version (v1, or v2 with no tagged fields). */
    private static ByteBuffer header(ApiKeys api, short version) {
        short headerVersion;
        try {
            headerVersion = api.requestHeaderVersion(version);
        } catch (RuntimeException outOfRange) {
            headerVersion = 1;
        }
        ByteBuffer header = RawKafkaRequests.header(api.id, version, ++correlation, "fuzz");
        if (headerVersion < 2) {
            return header;
        }
        ByteBuffer flexible = ByteBuffer.allocate(header.remaining() + 1).put(header).put((byte) 0);
        return flexible.flip();
    }

    /** The API's request with every field at its default, written at {@code version}; null when it has none. */
    private static byte[] defaultBody(ApiKeys api, short version) {
        try {
            ApiMessage request = ApiMessageType.fromApiKey(api.id).newRequest();
            ObjectSerializationCache cache = new ObjectSerializationCache();
            ByteBuffer body = ByteBuffer.allocate(request.size(cache, version));
            request.write(new ByteBufferAccessor(body), cache, version);
            return body.array();
        } catch (RuntimeException unsupportedVersion) {
            return null;
        }
    }
}
