package io.ledgerstream.log.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.log.config.Replication;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataCodecTest {

    @Test
    void topicRecordsRoundTrip() {
        TopicRecord topic = TopicRecord.create("payments", 6, new Replication(3, 2, 2),
                Map.of("retention.ms", "60000", "segment.bytes", "1048576"), 1_700_000_000_123L);
        byte[] bytes = MetadataCodec.encode(topic);
        assertThat(MetadataCodec.decodeTopic(bytes)).isEqualTo(topic);
        assertThat(MetadataCodec.isCurrent(bytes)).isTrue();
    }

    @Test
    void topicRecordsOfTheFirstVersionReadWithAnIdDerivedFromNameAndCreationTime() {
        TopicRecord topic = TopicRecord.create("payments", 6, new Replication(3, 2, 2), Map.of("retention.ms", "1"),
                1_700_000_000_123L);
        byte[] v1 = firstVersionOf(topic);
        assertThat(MetadataCodec.isCurrent(v1)).isFalse();
        TopicRecord read = MetadataCodec.decodeTopic(v1);
        assertThat(read.id()).isNotEqualTo(topic.id()).isEqualTo(MetadataCodec.decodeTopic(v1).id());
        assertThat(read).isEqualTo(new TopicRecord("payments", read.id(), 6, new Replication(3, 2, 2),
                Map.of("retention.ms", "1"), 1_700_000_000_123L));
        TopicRecord recreated = TopicRecord.create("payments", 6, new Replication(3, 2, 2), Map.of(),
                1_700_000_000_124L);
        assertThat(MetadataCodec.decodeTopic(firstVersionOf(recreated)).id()).isNotEqualTo(read.id());
        assertThat(TopicIds.isUsable(read.id())).isTrue();
    }

    /** Version 1 of a topic record is version 2 without the 16-byte id that follows the name. */
    private static byte[] firstVersionOf(TopicRecord topic) {
        byte[] v2 = MetadataCodec.encode(topic);
        int idAt = 2 + 2 + topic.name().length();
        byte[] v1 = new byte[v2.length - 16];
        System.arraycopy(v2, 0, v1, 0, idAt);
        System.arraycopy(v2, idAt + 16, v1, idAt, v2.length - idAt - 16);
        v1[1] = 1;
        return v1;
    }

    @Test
    void topicsCannotHaveReservedIds() {
        assertThatThrownBy(() -> new TopicRecord("t", org.apache.kafka.common.Uuid.ZERO_UUID, 1,
                new Replication(3, 2, 2), Map.of(), 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot have the id");
    }

    @Test
    void brokerRegistrationsWithNamedListenersRoundTrip() {
        BrokerRegistration broker = new BrokerRegistration(3, List.of(
                new BrokerRegistration.Endpoint("INTERNAL", "PLAINTEXT", "broker-3", 29092),
                new BrokerRegistration.Endpoint("EXTERNAL", "PLAINTEXT", "localhost", 9095)), "rack-b");
        byte[] bytes = MetadataCodec.encode(broker);
        assertThat(bytes[1]).isEqualTo((byte) 2);
        assertThat(MetadataCodec.isCurrent(bytes)).isTrue();
        BrokerRegistration read = MetadataCodec.decodeBroker(bytes);
        assertThat(read).isEqualTo(broker);
        assertThat(read.endpoint("EXTERNAL")).contains(broker.endpoints().get(1));
        assertThat(read.endpoint("PLAINTEXT")).isEmpty();
    }

    @Test
    void aBrokerWithOnePlaintextListenerIsWrittenAsEarlierVersionsWroteItAndTheirRegistrationsReadAsIs()
            throws IOException {
        ByteArrayOutputStream earlier = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(earlier)) {
            out.writeByte(3);
            out.writeByte(1);
            out.writeInt(7);
            out.writeUTF("10.0.0.7");
            out.writeInt(9092);
            out.writeUTF("");
        }
        BrokerRegistration plaintext = BrokerRegistration.plaintext(7, "10.0.0.7", 9092, "");
        assertThat(MetadataCodec.decodeBroker(earlier.toByteArray())).isEqualTo(plaintext);
        assertThat(plaintext.endpoint("PLAINTEXT")).contains(
                new BrokerRegistration.Endpoint("PLAINTEXT", "PLAINTEXT", "10.0.0.7", 9092));
        assertThat(MetadataCodec.encode(plaintext)).isEqualTo(earlier.toByteArray());
        assertThat(MetadataCodec.isCurrent(earlier.toByteArray())).isTrue();
    }

    @Test
    void brokerRegistrationsNameEachListenerOnce() {
        BrokerRegistration.Endpoint a = new BrokerRegistration.Endpoint("A", "PLAINTEXT", "h", 1);
        assertThatThrownBy(() -> new BrokerRegistration(1, List.of(a, a), ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("registers listener A twice");
        assertThatThrownBy(() -> new BrokerRegistration(1, List.of(), ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no endpoint");
    }

    @Test
    void brokerConfigRecordsRoundTrip() {
        BrokerConfigRecord config = new BrokerConfigRecord(Map.of("log.retention.ms", "60000",
                "log.cleanup.policy", "compact,delete"));
        assertThat(MetadataCodec.decodeBrokerConfig(MetadataCodec.encode(config))).isEqualTo(config);
        assertThat(MetadataCodec.decodeBrokerConfig(MetadataCodec.encode(BrokerConfigRecord.EMPTY)))
                .isEqualTo(BrokerConfigRecord.EMPTY);
        byte[] unknownVersion = MetadataCodec.encode(config);
        unknownVersion[1] = 2;
        assertThatThrownBy(() -> MetadataCodec.decodeBrokerConfig(unknownVersion))
                .isInstanceOf(MetadataFormatException.class).hasMessageContaining("unknown format version 2");
    }

    @Test
    void partitionRecordsRoundTrip() {
        PartitionRecord partition = new PartitionRecord(40, 7, 90, List.of(
                SegmentRecord.open(11, 40, 1000).seal(90, 9, 8192, 1234),
                SegmentRecord.open(12, 90, 2000)));
        assertThat(MetadataCodec.decodePartition(MetadataCodec.encode(partition))).isEqualTo(partition);
        assertThat(MetadataCodec.decodePartition(MetadataCodec.encode(PartitionRecord.empty())))
                .isEqualTo(PartitionRecord.empty());
    }

    @Test
    void partitionRecordsOfTheFirstVersionReadAsNeverCompacted() {
        PartitionRecord partition = new PartitionRecord(40, 7, 90, List.of(SegmentRecord.open(12, 90, 2000)));
        byte[] v2 = MetadataCodec.encode(partition);
        // Version 1 is version 2 without the 8-byte clean offset that follows the writer epoch.
        byte[] v1 = new byte[v2.length - 8];
        System.arraycopy(v2, 0, v1, 0, 18);
        System.arraycopy(v2, 26, v1, 18, v2.length - 26);
        v1[1] = 1;
        assertThat(MetadataCodec.decodePartition(v1)).isEqualTo(new PartitionRecord(40, 7, 0, partition.segments()));
    }

    @Test
    void producerSnapshotsRoundTrip() {
        ProducerSnapshot snapshot = new ProducerSnapshot(1234, List.of(
                new ProducerSnapshot.Producer(7, (short) 3, 1_700_000_000_000L, -1, -1, List.of(
                        new ProducerSnapshot.Batch(0, 9, 100, 109), new ProducerSnapshot.Batch(10, 19, 200, 209))),
                new ProducerSnapshot.Producer(8, (short) 0, 5, 300, 4, List.of(
                        new ProducerSnapshot.Batch(Integer.MAX_VALUE - 1, 0, 300, 301)))),
                List.of(new AbortedTransaction(9, 50, 60), new AbortedTransaction(7, 61, 99)));
        assertThat(MetadataCodec.decodeProducerSnapshot(MetadataCodec.encode(snapshot))).isEqualTo(snapshot);
    }

    @Test
    void versionOneProducerSnapshotsReadWithoutTransactions() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(5);
            out.writeByte(1);
            out.writeLong(12);
            out.writeInt(1);
            out.writeLong(7);
            out.writeShort(2);
            out.writeLong(99);
            out.writeInt(1);
            out.writeInt(0);
            out.writeInt(3);
            out.writeLong(8);
            out.writeLong(11);
        }
        assertThat(MetadataCodec.decodeProducerSnapshot(bytes.toByteArray())).isEqualTo(new ProducerSnapshot(12,
                List.of(new ProducerSnapshot.Producer(7, (short) 2, 99, -1, -1,
                        List.of(new ProducerSnapshot.Batch(0, 3, 8, 11)))), List.of()));
    }

    @Test
    void unknownVersionsAndDamagedBytesAreRefused() {
        byte[] bytes = MetadataCodec.encode(PartitionRecord.empty());
        bytes[1] = 9;
        assertThatThrownBy(() -> MetadataCodec.decodePartition(bytes)).isInstanceOf(MetadataFormatException.class)
                .hasMessageContaining("version 9");

        byte[] topic = MetadataCodec.encode(TopicRecord.create("t", 1, new Replication(1, 1, 1), Map.of(), 0));
        assertThatThrownBy(() -> MetadataCodec.decodePartition(topic)).isInstanceOf(MetadataFormatException.class)
                .hasMessageContaining("kind");
        byte[] truncated = java.util.Arrays.copyOf(topic, topic.length - 3);
        assertThatThrownBy(() -> MetadataCodec.decodeTopic(truncated)).isInstanceOf(MetadataFormatException.class);
    }

    @Test
    void scramCredentialsRoundTripAndShowNoSecret() {
        UserScramCredentials credentials = new UserScramCredentials(Map.of(
                "SCRAM-SHA-512", new StoredScramCredential(new byte[] {1, 2, 3}, new byte[64], new byte[] {9, 8}, 8192),
                "SCRAM-SHA-256", new StoredScramCredential(new byte[] {4}, new byte[] {5}, new byte[] {6}, 4096)));
        byte[] bytes = MetadataCodec.encode(credentials);
        assertThat(MetadataCodec.isCurrent(bytes)).isTrue();
        UserScramCredentials read = MetadataCodec.decodeScramCredentials(bytes);
        assertThat(read).isEqualTo(credentials);
        assertThat(read.byMechanism()).containsOnlyKeys("SCRAM-SHA-256", "SCRAM-SHA-512");
        assertThat(read.byMechanism().get("SCRAM-SHA-512").salt()).containsExactly(1, 2, 3);
        assertThat(read.toString()).contains("iterations=8192").doesNotContain("[1, 2, 3]");
        assertThat(MetadataCodec.decodeScramCredentials(MetadataCodec.encode(UserScramCredentials.EMPTY)).isEmpty())
                .isTrue();

        byte[] oversized = java.util.Arrays.copyOf(bytes, bytes.length);
        // The first credential's salt length, after kind, version, count, mechanism name and iterations.
        int saltLengthAt = 2 + 4 + 2 + "SCRAM-SHA-256".length() + 4;
        oversized[saltLengthAt] = 0x7f;
        assertThatThrownBy(() -> MetadataCodec.decodeScramCredentials(oversized))
                .isInstanceOf(MetadataFormatException.class).hasMessageContaining("SCRAM salt or key");
    }

    @Test
    void topicNamesFollowKafkaRules() {
        TopicNames.validate("orders.v1_eu-west");
        assertThatThrownBy(() -> TopicNames.validate("")).isInstanceOf(InvalidTopicException.class);
        assertThatThrownBy(() -> TopicNames.validate("..")).isInstanceOf(InvalidTopicException.class);
        assertThatThrownBy(() -> TopicNames.validate("a/b")).isInstanceOf(InvalidTopicException.class)
                .hasMessageContaining("a/b");
        assertThatThrownBy(() -> TopicNames.validate("x".repeat(250))).isInstanceOf(InvalidTopicException.class);
    }

    @Test
    void clientQuotasRoundTrip() {
        Map<String, String> userAndDefaultClient = new java.util.HashMap<>();
        userAndDefaultClient.put("user", "alice");
        userAndDefaultClient.put("client-id", null);
        ClientQuotas quotas = new ClientQuotas(Map.of(
                new org.apache.kafka.common.quota.ClientQuotaEntity(userAndDefaultClient),
                Map.of("producer_byte_rate", 1048576.0, "request_percentage", 12.5),
                new org.apache.kafka.common.quota.ClientQuotaEntity(Map.of("client-id", "loader")),
                Map.of("consumer_byte_rate", 2048.0)));
        byte[] bytes = MetadataCodec.encode(quotas);
        assertThat(MetadataCodec.decodeClientQuotas(bytes)).isEqualTo(quotas);
        assertThat(MetadataCodec.isCurrent(bytes)).isTrue();
        assertThat(MetadataCodec.decodeClientQuotas(MetadataCodec.encode(ClientQuotas.EMPTY)).isEmpty()).isTrue();
        assertThatThrownBy(() -> MetadataCodec.decodeClientQuotas(MetadataCodec.encode(ResourceAcls.EMPTY)))
                .isInstanceOf(MetadataFormatException.class);
    }
}
