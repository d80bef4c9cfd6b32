package io.ledgerstream.log.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;

/**
 * Sends one Kafka request over a plain socket and reads its response, for tests of requests that kafka-clients would
 * not send as the test needs them (a given session, a given timeout).
 */
public final class RawKafkaRequests {
    private RawKafkaRequests() {
    }

    /** A socket to a broker on loopback, whose reads give up after 30 s rather than hang a test. */
    public static Socket connect(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        return socket;
    }

    private static final AtomicInteger CORRELATION = new AtomicInteger();

    /** Sends {@code request} (one request at a time on the socket) and parses its response. */
    @SuppressWarnings("unchecked")
    public static <T extends AbstractResponse> T send(Socket socket, AbstractRequest request) throws IOException {
        return (T) AbstractResponse.parseResponse(request.apiKey(),
                new ByteBufferAccessor(exchange(socket, request, CORRELATION.incrementAndGet())), request.version());
    }

    /** Sends {@code request} and returns its response's body, positioned after the response header. */
    public static ByteBuffer exchange(Socket socket, AbstractRequest request, int correlationId) throws IOException {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "raw-test", correlationId);
        ByteBuffer frame = request.serializeWithHeader(header);
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeInt(frame.remaining());
        out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] response = new byte[in.readInt()];
        in.readFully(response);
        ByteBuffer body = ByteBuffer.wrap(response);
        int answered = ResponseHeader.parse(body, request.apiKey().responseHeaderVersion(request.version()))
                .correlationId();
        if (answered != correlationId) {
            throw new IOException("Response to correlation id " + answered + ", expected " + correlationId);
        }
        return body;
    }

    /**
     * Produces {@code batch} as it is, acks=all, to one partition in a Produce request (v11) of its own, and returns
     * the partition's answer.
     */
    public static ProduceResponseData.PartitionProduceResponse produce(Socket socket, TopicPartition partition,
                                                                       ByteBuffer batch, int correlationId)
            throws IOException {
        return produce(socket, partition, batch, correlationId, (short) 11, null);
    }

    /** As {@link #produce(Socket, TopicPartition, ByteBuffer, int)}, at {@code version}, with a transactional id. */
    public static ProduceResponseData.PartitionProduceResponse produce(Socket socket, TopicPartition partition,
                                                                       ByteBuffer batch, int correlationId,
                                                                       short version, String transactionalId)
            throws IOException {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000)
                .setTransactionalId(transactionalId);
        data.topicData().add(new ProduceRequestData.TopicProduceData().setName(partition.topic()).setPartitionData(
                List.of(new ProduceRequestData.PartitionProduceData().setIndex(partition.partition())
                        .setRecords(MemoryRecords.readableRecords(batch)))));
        ByteBuffer body = exchange(socket, new ProduceRequest(data, version), correlationId);
        return new ProduceResponseData(new ByteBufferAccessor(body), version).responses().iterator().next()
                .partitionResponses().get(0);
    }

    /**
     * Sends {@code frame} (a request header and body, without the size prefix) as one frame and returns the answer's
     * bytes (response header included), or null when the broker closed the connection instead.
     */
    public static ByteBuffer exchangeFrame(Socket socket, byte[] frame) throws IOException {
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeInt(frame.length);
        out.write(frame);
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        int size;
        try {
            size = in.readInt();
        } catch (java.io.EOFException | java.net.SocketException closed) {
            return null;
        }
        byte[] response = new byte[size];
        in.readFully(response);
        return ByteBuffer.wrap(response);
    }

    /** A request header of version 1 or 0 (no tagged fields) as bytes: api key, version, correlation id, client id. */
    public static ByteBuffer header(short apiKey, short apiVersion, int correlationId, String clientId) {
        byte[] id = clientId.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuffer header = ByteBuffer.allocate(10 + id.length);
        header.putShort(apiKey).putShort(apiVersion).putInt(correlationId).putShort((short) id.length).put(id);
        return header.flip();
    }
}
