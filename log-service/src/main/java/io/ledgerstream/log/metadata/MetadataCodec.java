package io.ledgerstream.log.metadata;

import io.ledgerstream.log.config.Replication;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.quota.ClientQuotaEntity;

/**
 * The stored form of metadata records. Every record starts with a one-byte kind and a one-byte format version;
 * the fields follow in the order of the record's components, big-endian ({@link DataOutputStream}).
 *
 * <pre>
 * topic     v2: kind=1, version=2, name UTF, idHigh long, idLow long, partitions int, ensemble int,
 *               writeQuorum int, ackQuorum int, createdAtMs long, overrideCount int,
 *               (key UTF, value UTF) * overrideCount
 * topic     v1: as v2 without the id (read with the id {@link TopicIds#derived} gives it; see {@link #isCurrent})
 * partition v2: kind=2, version=2, logStartOffset long, writerEpoch long, cleanOffset long, segmentCount int,
 *               (ledgerId long, baseOffset long, sealed boolean, endOffset long, lastEntryId long,
 *                sizeBytes long, maxTimestamp long, createdAtMs long) * segmentCount
 * partition v1: as v2 without cleanOffset (read as 0: nothing compacted)
 * broker    v2: kind=3, version=2, id int, rack UTF, endpointCount int,
 *               (listener UTF, securityProtocol UTF, host UTF, port int) * endpointCount
 * broker    v1: kind=3, version=1, id int, host UTF, port int, rack UTF (read as one PLAINTEXT listener)
 * leaders   v1: kind=4, version=1, partitionCount int, (brokerId int, epoch int) * partitionCount
 * producers v2: kind=5, version=2, offset long, producerCount int, (producerId long, epoch short,
 *               lastTimestamp long, txnFirstOffset long, coordinatorEpoch int, batchCount int,
 *               (firstSeq int, lastSeq int, firstOffset long, lastOffset long) * batchCount) * producerCount,
 *               abortedCount int, (producerId long, firstOffset long, lastOffset long) * abortedCount
 * producers v1: as v2 without txnFirstOffset and coordinatorEpoch (read as -1) and without aborted transactions
 * broker config v1: kind=6, version=1, settingCount int, (key UTF, value UTF) * settingCount, keys sorted
 * scram     v1: kind=7, version=1, credentialCount int, (mechanism UTF, iterations int, saltLength int, salt bytes,
 *               storedKeyLength int, storedKey bytes, serverKeyLength int, serverKey bytes) * credentialCount,
 *               mechanisms sorted
 * acls      v1: kind=8, version=1, entryCount int, (principal UTF, host UTF, operation byte, permission byte)
 *               * entryCount, the codes of Kafka's AclOperation and AclPermissionType, entries sorted
 * quotas    v1: kind=9, version=1, entityCount int, (componentCount int, (type UTF, isDefault boolean,
 *               [name UTF unless default]) * componentCount, quotaCount int, (key UTF, value double) * quotaCount)
 *               * entityCount, components sorted by type, quotas by key
 * </pre>
 * Records are written in the newest version, but for a broker with one PLAINTEXT listener only, written in v1 so
 * that brokers of earlier versions still see it while a cluster is upgraded one broker at a time. A reader refuses
 * versions it does not know rather than guessing.
 */
public final class MetadataCodec {
    private static final byte TOPIC = 1;
    private static final byte PARTITION = 2;
    private static final byte BROKER = 3;
    private static final byte LEADERS = 4;
    private static final byte PRODUCERS = 5;
    private static final byte BROKER_CONFIG = 6;
    private static final byte SCRAM = 7;
    private static final byte ACLS = 8;
    private static final byte CLIENT_QUOTAS = 9;
    /** Longest salt or key read back: SHA-512 keys are 64 bytes, salts a few dozen. */
    private static final int MAX_SCRAM_BYTES = 1024;
    private static final byte VERSION_1 = 1;
    private static final byte VERSION_2 = 2;

    private MetadataCodec() {
    }

    public static byte[] encode(TopicRecord topic) {
        return write(out -> {
            out.writeByte(TOPIC);
            out.writeByte(VERSION_2);
            out.writeUTF(topic.name());
            out.writeLong(topic.id().getMostSignificantBits());
            out.writeLong(topic.id().getLeastSignificantBits());
            out.writeInt(topic.partitions());
            out.writeInt(topic.replication().ensembleSize());
            out.writeInt(topic.replication().writeQuorum());
            out.writeInt(topic.replication().ackQuorum());
            out.writeLong(topic.createdAtMs());
            Map<String, String> sorted = new TreeMap<>(topic.configOverrides());
            out.writeInt(sorted.size());
            for (Map.Entry<String, String> e : sorted.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
        });
    }

    public static TopicRecord decodeTopic(byte[] bytes) {
        return read(bytes, TOPIC, VERSION_2, (in, version) -> {
            String name = in.readUTF();
            Uuid id = version >= VERSION_2 ? new Uuid(in.readLong(), in.readLong()) : null;
            int partitions = in.readInt();
            Replication replication = new Replication(in.readInt(), in.readInt(), in.readInt());
            long createdAt = in.readLong();
            int count = in.readInt();
            Map<String, String> overrides = new TreeMap<>();
            for (int i = 0; i < count; i++) {
                overrides.put(in.readUTF(), in.readUTF());
            }
            return new TopicRecord(name, id != null ? id : TopicIds.derived(name, createdAt), partitions,
                    replication, overrides, createdAt);
        });
    }

    /** Whether a stored record is in the newest format of its kind, or should be written again in it. */
    public static boolean isCurrent(byte[] bytes) {
        if (bytes.length < 2) {
            return false;
        }
        if (bytes[0] == BROKER) {
            // v1 is still written when it says everything (see the class comment).
            return bytes[1] == VERSION_1 || bytes[1] == VERSION_2;
        }
        byte newest = switch (bytes[0]) {
            case TOPIC, PARTITION, PRODUCERS -> VERSION_2;
            default -> VERSION_1;
        };
        return bytes[1] == newest;
    }

    public static byte[] encode(PartitionRecord partition) {
        return write(out -> {
            out.writeByte(PARTITION);
            out.writeByte(VERSION_2);
            out.writeLong(partition.logStartOffset());
            out.writeLong(partition.writerEpoch());
            out.writeLong(partition.cleanOffset());
            out.writeInt(partition.segments().size());
            for (SegmentRecord s : partition.segments()) {
                out.writeLong(s.ledgerId());
                out.writeLong(s.baseOffset());
                out.writeBoolean(s.sealed());
                out.writeLong(s.endOffset());
                out.writeLong(s.lastEntryId());
                out.writeLong(s.sizeBytes());
                out.writeLong(s.maxTimestamp());
                out.writeLong(s.createdAtMs());
            }
        });
    }

    public static PartitionRecord decodePartition(byte[] bytes) {
        return read(bytes, PARTITION, VERSION_2, (in, version) -> {
            long logStart = in.readLong();
            long writerEpoch = in.readLong();
            long cleanOffset = version >= VERSION_2 ? in.readLong() : 0;
            int count = in.readInt();
            List<SegmentRecord> segments = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                segments.add(new SegmentRecord(in.readLong(), in.readLong(), in.readBoolean(), in.readLong(),
                        in.readLong(), in.readLong(), in.readLong(), in.readLong()));
            }
            return new PartitionRecord(logStart, writerEpoch, cleanOffset, segments);
        });
    }

    public static byte[] encode(BrokerRegistration broker) {
        List<BrokerRegistration.Endpoint> endpoints = broker.endpoints();
        BrokerRegistration.Endpoint first = endpoints.get(0);
        if (endpoints.size() == 1 && first.listener().equals(BrokerRegistration.LEGACY_LISTENER)
                && first.securityProtocol().equals(BrokerRegistration.LEGACY_LISTENER)) {
            return write(out -> {
                out.writeByte(BROKER);
                out.writeByte(VERSION_1);
                out.writeInt(broker.id());
                out.writeUTF(first.host());
                out.writeInt(first.port());
                out.writeUTF(broker.rack());
            });
        }
        return write(out -> {
            out.writeByte(BROKER);
            out.writeByte(VERSION_2);
            out.writeInt(broker.id());
            out.writeUTF(broker.rack());
            out.writeInt(endpoints.size());
            for (BrokerRegistration.Endpoint e : endpoints) {
                out.writeUTF(e.listener());
                out.writeUTF(e.securityProtocol());
                out.writeUTF(e.host());
                out.writeInt(e.port());
            }
        });
    }

    public static BrokerRegistration decodeBroker(byte[] bytes) {
        return read(bytes, BROKER, VERSION_2, (in, version) -> {
            int id = in.readInt();
            if (version == VERSION_1) {
                return BrokerRegistration.plaintext(id, in.readUTF(), in.readInt(), in.readUTF());
            }
            String rack = in.readUTF();
            int count = in.readInt();
            List<BrokerRegistration.Endpoint> endpoints = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                endpoints.add(new BrokerRegistration.Endpoint(in.readUTF(), in.readUTF(), in.readUTF(), in.readInt()));
            }
            return new BrokerRegistration(id, endpoints, rack);
        });
    }

    public static byte[] encode(PartitionLeaders leaders) {
        return write(out -> {
            out.writeByte(LEADERS);
            out.writeByte(VERSION_1);
            out.writeInt(leaders.partitions().size());
            for (PartitionLeaders.Leader l : leaders.partitions()) {
                out.writeInt(l.brokerId());
                out.writeInt(l.epoch());
            }
        });
    }

    public static PartitionLeaders decodeLeaders(byte[] bytes) {
        return read(bytes, LEADERS, VERSION_1, (in, version) -> {
            int count = in.readInt();
            List<PartitionLeaders.Leader> leaders = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                leaders.add(new PartitionLeaders.Leader(in.readInt(), in.readInt()));
            }
            return new PartitionLeaders(leaders);
        });
    }

    public static byte[] encode(ProducerSnapshot snapshot) {
        return write(out -> {
            out.writeByte(PRODUCERS);
            out.writeByte(VERSION_2);
            out.writeLong(snapshot.offset());
            out.writeInt(snapshot.producers().size());
            for (ProducerSnapshot.Producer p : snapshot.producers()) {
                out.writeLong(p.producerId());
                out.writeShort(p.epoch());
                out.writeLong(p.lastTimestamp());
                out.writeLong(p.txnFirstOffset());
                out.writeInt(p.coordinatorEpoch());
                out.writeInt(p.batches().size());
                for (ProducerSnapshot.Batch b : p.batches()) {
                    out.writeInt(b.firstSeq());
                    out.writeInt(b.lastSeq());
                    out.writeLong(b.firstOffset());
                    out.writeLong(b.lastOffset());
                }
            }
            out.writeInt(snapshot.aborted().size());
            for (AbortedTransaction a : snapshot.aborted()) {
                out.writeLong(a.producerId());
                out.writeLong(a.firstOffset());
                out.writeLong(a.lastOffset());
            }
        });
    }

    public static ProducerSnapshot decodeProducerSnapshot(byte[] bytes) {
        return read(bytes, PRODUCERS, VERSION_2, (in, version) -> {
            long offset = in.readLong();
            int count = in.readInt();
            List<ProducerSnapshot.Producer> producers = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                long id = in.readLong();
                short epoch = in.readShort();
                long lastTimestamp = in.readLong();
                long txnFirstOffset = version >= VERSION_2 ? in.readLong() : -1;
                int coordinatorEpoch = version >= VERSION_2 ? in.readInt() : -1;
                int batchCount = in.readInt();
                List<ProducerSnapshot.Batch> batches = new ArrayList<>(batchCount);
                for (int j = 0; j < batchCount; j++) {
                    batches.add(new ProducerSnapshot.Batch(in.readInt(), in.readInt(), in.readLong(), in.readLong()));
                }
                producers.add(new ProducerSnapshot.Producer(id, epoch, lastTimestamp, txnFirstOffset,
                        coordinatorEpoch, batches));
            }
            List<AbortedTransaction> aborted = new ArrayList<>();
            if (version >= VERSION_2) {
                int abortedCount = in.readInt();
                for (int i = 0; i < abortedCount; i++) {
                    aborted.add(new AbortedTransaction(in.readLong(), in.readLong(), in.readLong()));
                }
            }
            return new ProducerSnapshot(offset, producers, aborted);
        });
    }

    public static byte[] encode(BrokerConfigRecord config) {
        return write(out -> {
            out.writeByte(BROKER_CONFIG);
            out.writeByte(VERSION_1);
            out.writeInt(config.settings().size());
            for (Map.Entry<String, String> e : config.settings().entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
        });
    }

    public static BrokerConfigRecord decodeBrokerConfig(byte[] bytes) {
        return read(bytes, BROKER_CONFIG, VERSION_1, (in, version) -> {
            int count = in.readInt();
            Map<String, String> settings = new TreeMap<>();
            for (int i = 0; i < count; i++) {
                settings.put(in.readUTF(), in.readUTF());
            }
            return new BrokerConfigRecord(settings);
        });
    }

    public static byte[] encode(UserScramCredentials credentials) {
        return write(out -> {
            out.writeByte(SCRAM);
            out.writeByte(VERSION_1);
            out.writeInt(credentials.byMechanism().size());
            for (Map.Entry<String, StoredScramCredential> e : credentials.byMechanism().entrySet()) {
                StoredScramCredential credential = e.getValue();
                out.writeUTF(e.getKey());
                out.writeInt(credential.iterations());
                writeBytes(out, credential.salt());
                writeBytes(out, credential.storedKey());
                writeBytes(out, credential.serverKey());
            }
        });
    }

    public static UserScramCredentials decodeScramCredentials(byte[] bytes) {
        return read(bytes, SCRAM, VERSION_1, (in, version) -> {
            int count = in.readInt();
            Map<String, StoredScramCredential> credentials = new TreeMap<>();
            for (int i = 0; i < count; i++) {
                String mechanism = in.readUTF();
                int iterations = in.readInt();
                credentials.put(mechanism, new StoredScramCredential(readBytes(in), readBytes(in), readBytes(in),
                        iterations));
            }
            return new UserScramCredentials(credentials);
        });
    }

    public static byte[] encode(ResourceAcls acls) {
        return write(out -> {
            out.writeByte(ACLS);
            out.writeByte(VERSION_1);
            out.writeInt(acls.entries().size());
            for (AccessControlEntry entry : acls.entries()) {
                out.writeUTF(entry.principal());
                out.writeUTF(entry.host());
                out.writeByte(entry.operation().code());
                out.writeByte(entry.permissionType().code());
            }
        });
    }

    public static ResourceAcls decodeAcls(byte[] bytes) {
        return read(bytes, ACLS, VERSION_1, (in, version) -> {
            int count = in.readInt();
            List<AccessControlEntry> entries = new ArrayList<>(Math.min(count, 1024));
            for (int i = 0; i < count; i++) {
                String principal = in.readUTF();
                String host = in.readUTF();
                AclOperation operation = AclOperation.fromCode(in.readByte());
                AclPermissionType permission = AclPermissionType.fromCode(in.readByte());
                if (operation == AclOperation.UNKNOWN || operation == AclOperation.ANY
                        || permission == AclPermissionType.UNKNOWN || permission == AclPermissionType.ANY) {
                    throw new MetadataFormatException("an ACL entry with operation " + operation + " and permission "
                            + permission, null);
                }
                entries.add(new AccessControlEntry(principal, host, operation, permission));
            }
            return new ResourceAcls(entries);
        });
    }

    public static byte[] encode(ClientQuotas quotas) {
        return write(out -> {
            out.writeByte(CLIENT_QUOTAS);
            out.writeByte(VERSION_1);
            out.writeInt(quotas.entries().size());
            for (Map.Entry<ClientQuotaEntity, Map<String, Double>> entry : quotas.entries().entrySet()) {
                Map<String, String> components = new TreeMap<>(entry.getKey().entries());
                out.writeInt(components.size());
                for (Map.Entry<String, String> component : components.entrySet()) {
                    out.writeUTF(component.getKey());
                    out.writeBoolean(component.getValue() == null);
                    if (component.getValue() != null) {
                        out.writeUTF(component.getValue());
                    }
                }
                out.writeInt(entry.getValue().size());
                for (Map.Entry<String, Double> quota : entry.getValue().entrySet()) {
                    out.writeUTF(quota.getKey());
                    out.writeDouble(quota.getValue());
                }
            }
        });
    }

    public static ClientQuotas decodeClientQuotas(byte[] bytes) {
        return read(bytes, CLIENT_QUOTAS, VERSION_1, (in, version) -> {
            int count = in.readInt();
            Map<ClientQuotaEntity, Map<String, Double>> entries = new HashMap<>();
            for (int i = 0; i < count; i++) {
                int componentCount = in.readInt();
                Map<String, String> components = new HashMap<>();
                for (int c = 0; c < componentCount; c++) {
                    String type = in.readUTF();
                    components.put(type, in.readBoolean() ? null : in.readUTF());
                }
                int quotaCount = in.readInt();
                Map<String, Double> quotas = new TreeMap<>();
                for (int q = 0; q < quotaCount; q++) {
                    quotas.put(in.readUTF(), in.readDouble());
                }
                entries.put(new ClientQuotaEntity(components), quotas);
            }
            return new ClientQuotas(entries);
        });
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_SCRAM_BYTES) {
            throw new MetadataFormatException("a SCRAM salt or key of " + length + " bytes", null);
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in, byte version) throws IOException;
    }

    private static byte[] write(Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writer.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static <T> T read(byte[] bytes, byte expectedKind, byte newestVersion, Reader<T> reader) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            byte kind = in.readByte();
            if (kind != expectedKind) {
                throw new MetadataFormatException("expected record kind " + expectedKind + " but found " + kind, null);
            }
            byte version = in.readByte();
            if (version < VERSION_1 || version > newestVersion) {
                throw new MetadataFormatException("unknown format version " + version + " of record kind " + kind, null);
            }
            T value = reader.read(in, version);
            if (in.available() > 0) {
                throw new MetadataFormatException(in.available() + " unexpected trailing bytes in record kind " + kind, null);
            }
            return value;
        } catch (IOException | RuntimeException e) {
            if (e instanceof MetadataFormatException mfe) {
                throw mfe;
            }
            throw new MetadataFormatException("damaged metadata record: " + e.getMessage(), e);
        }
    }
}
