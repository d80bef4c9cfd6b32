package io.ledgerstream.log.network;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.LocalBroker;
import io.ledgerstream.log.testing.RawKafkaRequests;
import io.ledgerstream.log.testing.TestBatches;
import io.ledgerstream.log.testing.TestClients;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code queued.max.request.bytes} on a real broker: while one client holds the budget with a large request, another
 * client's connection stops reading and its produce waits; once the bytes are released it is served. A client that
 * pipelines many large produce requests without reading their answers is slowed, not failed, and every record
 * acknowledged is there to read. A connection closed in the middle of a frame gives its bytes back.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class QueuedRequestBytesITCase {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int LIMIT = 1 << 20;
    private static final String TOPIC = "queued";
    private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);
    private static final short PRODUCE_VERSION = 11;
    private static final int PIPELINED = 20;

    @TempDir
    Path dir;
    private LocalBroker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aClientHoldingTheBudgetStopsOthersReadingUntilItsBytesAreReleasedAndNoAcknowledgedRecordIsLost()
            throws Exception {
        broker = LocalBroker.start(dir.toFile(), Map.of("queued.max.request.bytes", String.valueOf(LIMIT)));
        KafkaServer server = broker.broker().server();
        try (Admin admin = TestClients.admin(broker.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1)
                    .configs(Map.of("max.message.bytes", String.valueOf(8 << 20))))).all().get(60, TimeUnit.SECONDS);
        }
        int records = 0;
        try (KafkaProducer<String, String> producer = TestClients.producer(broker.bootstrap(), Map.of("acks", "all"));
             Socket holder = RawKafkaRequests.connect(broker.broker().kafkaPort())) {
            producer.send(new ProducerRecord<>(TOPIC, 0, "warm", "up")).get(60, TimeUnit.SECONDS);
            records++;

            // 1. A 3 MiB request of which only the start is sent: its whole size is held from its size field on.
            byte[] big = produceFrame(TestBatches.batch("held", 3, 1 << 20, System.currentTimeMillis()), 1);
            DataOutputStream out = new DataOutputStream(holder.getOutputStream());
            out.writeInt(big.length);
            out.write(big, 0, 1024);
            out.flush();
            Await.until("the broker to hold the request's bytes", WAIT,
                    () -> server.queuedRequestBytes() >= big.length + 4L);

            // 2. Another client's produce finds no budget: its connection stops reading, the record is not acked.
            long waits = server.requestMemoryWaits();
            Future<RecordMetadata> blocked = producer.send(new ProducerRecord<>(TOPIC, 0, "blocked", "value"));
            records++;
            Await.until("the other client's connection to stop reading", WAIT,
                    () -> server.requestMemoryWaits() > waits);
            assertThat(blocked.isDone()).as("a produce whose connection stopped reading").isFalse();

            // 3. The held request completes and is served; its bytes released, the other produce goes through.
            out.write(big, 1024, big.length - 1024);
            out.flush();
            assertThat(readProduceAnswer(holder, 1).errorCode()).isEqualTo(Errors.NONE.code());
            records += 3;
            assertThat(blocked.get(60, TimeUnit.SECONDS).offset()).isGreaterThan(0);

            // 4. Many large requests written without reading their answers, while the other client produces too.
            CompletableFuture<Void> writes = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < PIPELINED; i++) {
                        byte[] frame = produceFrame(
                                TestBatches.batch("piped" + i, 2, 300 << 10, System.currentTimeMillis()), 100 + i);
                        out.writeInt(frame.length);
                        out.write(frame);
                    }
                    out.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            List<Future<RecordMetadata>> others = new ArrayList<>();
            for (int i = 0; i < PIPELINED; i++) {
                others.add(producer.send(new ProducerRecord<>(TOPIC, 0, "other-" + i, "value")));
            }
            writes.get(60, TimeUnit.SECONDS);
            for (int i = 0; i < PIPELINED; i++) {
                assertThat(readProduceAnswer(holder, 100 + i).errorCode()).isEqualTo(Errors.NONE.code());
                records += 2;
            }
            for (Future<RecordMetadata> other : others) {
                other.get(60, TimeUnit.SECONDS);
                records++;
            }
        }
        Await.until("every request's bytes to be released", WAIT, () -> server.queuedRequestBytes() == 0);

        // 5. A connection that closes in the middle of a frame gives back what it held.
        try (Socket quitter = RawKafkaRequests.connect(broker.broker().kafkaPort())) {
            DataOutputStream out = new DataOutputStream(quitter.getOutputStream());
            out.writeInt(2 << 20);
            out.write(new byte[512]);
            out.flush();
            Await.until("the broker to hold the unfinished frame's bytes", WAIT,
                    () -> server.queuedRequestBytes() >= 2 << 20);
        }
        Await.until("the closed connection's bytes to be released", WAIT, () -> server.queuedRequestBytes() == 0);

        assertThat(TestClients.readFromStart(broker.bootstrap(), PARTITION, records, WAIT)).hasSize(records);
    }

    /** A Produce request (acks=all) of {@code batch} to the partition, with its header, as one frame's bytes. */
    private static byte[] produceFrame(ByteBuffer batch, int correlationId) {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000);
        data.topicData().add(new ProduceRequestData.TopicProduceData().setName(TOPIC).setPartitionData(
                List.of(new ProduceRequestData.PartitionProduceData().setIndex(0)
                        .setRecords(MemoryRecords.readableRecords(batch)))));
        ByteBuffer frame = new ProduceRequest(data, PRODUCE_VERSION).serializeWithHeader(
                new RequestHeader(ApiKeys.PRODUCE, PRODUCE_VERSION, "queued-test", correlationId));
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        return bytes;
    }

    /** Reads the next answer on {@code socket}, which must be to {@code correlationId}: the partition's part. */
    private static ProduceResponseData.PartitionProduceResponse readProduceAnswer(Socket socket, int correlationId)
            throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] response = new byte[in.readInt()];
        in.readFully(response);
        ByteBuffer body = ByteBuffer.wrap(response);
        assertThat(ResponseHeader.parse(body, ApiKeys.PRODUCE.responseHeaderVersion(PRODUCE_VERSION))
                .correlationId()).isEqualTo(correlationId);
        return new ProduceResponseData(new ByteBufferAccessor(body), PRODUCE_VERSION).responses().iterator().next()
                .partitionResponses().get(0);
    }
}
