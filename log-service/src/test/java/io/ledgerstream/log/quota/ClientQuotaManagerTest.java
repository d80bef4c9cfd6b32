package io.ledgerstream.log.quota;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.config.QuotaConfig;
import io.ledgerstream.log.metadata.ClientQuotas;
import io.ledgerstream.log.metrics.QuotaMetrics;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.record.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.junit.jupiter.api.Test;

/** Rates, throttle times and the precedence of quota entities, on a clock moved by hand (11 windows of 1 s). */
class ClientQuotaManagerTest {
    private final ClientQuotaManager manager = new ClientQuotaManager(() -> QuotaLimits.NONE, QuotaConfig.DEFAULT,
            () -> 0L, QuotaMetrics.NONE);

    @Test
    void aRateWithinItsBoundIsNotThrottledAndOneOverItForTheTimeThatBringsItBack() {
        QuotaLimits limits = limits(entity("alice", false, null, false), "producer_byte_rate", 1000);
        // A new sensor counts as spanning 10 whole windows: 10,000 bytes at once is 1000 B/s, within the bound.
        assertThat(manager.record(limits, QuotaType.PRODUCE, "alice", "c1", 10_000, 0)).isZero();
        // 11,000 bytes over 10 s is 1100 B/s: (1100 - 1000) / 1000 * 10 s = 1 s without traffic brings it back.
        assertThat(manager.record(limits, QuotaType.PRODUCE, "alice", "c1", 1_000, 0)).isEqualTo(1000);
        // Once every sample is older than 11 windows the rate starts afresh.
        assertThat(manager.record(limits, QuotaType.PRODUCE, "alice", "c1", 1, 11_000)).isZero();
    }

    @Test
    void aRequestTimeThrottleIsAtMostOneWindow() {
        QuotaLimits limits = limits(entity("alice", false, null, false), "request_percentage", 1);
        // 100% of a thread for a second against 1%: far over, throttled for one window only.
        assertThat(manager.record(limits, QuotaType.REQUEST, "alice", "c1", 100, 0)).isEqualTo(1000);
    }

    @Test
    void aUserQuotaIsSharedByTheUsersClientIdsAndAClientIdQuotaByTheClientIdsUsers() {
        QuotaLimits userQuota = limits(entity("alice", false, null, false), "producer_byte_rate", 1000);
        assertThat(manager.record(userQuota, QuotaType.PRODUCE, "alice", "a", 6_000, 0)).isZero();
        assertThat(manager.record(userQuota, QuotaType.PRODUCE, "alice", "b", 6_000, 0)).isPositive();

        QuotaLimits defaultClient = limits(entity(null, false, null, true), "consumer_byte_rate", 1000);
        assertThat(manager.record(defaultClient, QuotaType.FETCH, "bob", "a", 6_000, 0)).isZero();
        assertThat(manager.record(defaultClient, QuotaType.FETCH, "bob", "b", 6_000, 0)).isZero();
        assertThat(manager.record(defaultClient, QuotaType.FETCH, "carol", "a", 6_000, 0)).isPositive();
    }

    @Test
    void theMostSpecificEntityWinsInKafkasOrder() {
        Map<ClientQuotaEntity, Map<String, Double>> entries = new HashMap<>();
        entries.put(entity("alice", true, "a", true), Map.of("producer_byte_rate", 1.0));
        entries.put(entity("alice", true, null, true), Map.of("producer_byte_rate", 2.0));
        entries.put(entity("alice", true, null, false), Map.of("producer_byte_rate", 3.0));
        entries.put(entity(null, true, "a", true), Map.of("producer_byte_rate", 4.0));
        entries.put(entity(null, true, null, true), Map.of("producer_byte_rate", 5.0));
        entries.put(entity(null, true, null, false), Map.of("producer_byte_rate", 6.0));
        entries.put(entity(null, false, "a", true), Map.of("producer_byte_rate", 7.0));
        entries.put(entity(null, false, null, true), Map.of("producer_byte_rate", 8.0, "request_percentage", 9.0));
        QuotaLimits limits = new QuotaLimits(new ClientQuotas(entries));
        assertThat(limits.limit(QuotaType.PRODUCE, "alice", "a")).isEqualTo(new QuotaLimits.Limit(1, "alice", "a"));
        assertThat(limits.limit(QuotaType.PRODUCE, "alice", "b")).isEqualTo(new QuotaLimits.Limit(2, "alice", "b"));
        assertThat(limits.limit(QuotaType.PRODUCE, "bob", "a")).isEqualTo(new QuotaLimits.Limit(4, "bob", "a"));
        assertThat(limits.limit(QuotaType.PRODUCE, "bob", "b")).isEqualTo(new QuotaLimits.Limit(5, "bob", "b"));
        assertThat(limits.limit(QuotaType.REQUEST, "bob", "b")).isEqualTo(new QuotaLimits.Limit(9, "", "b"));
        assertThat(limits.limit(QuotaType.FETCH, "bob", "b")).isNull();

        entries.remove(entity("alice", true, "a", true));
        entries.remove(entity("alice", true, null, true));
        entries.remove(entity(null, true, "a", true));
        entries.remove(entity(null, true, null, true));
        limits = new QuotaLimits(new ClientQuotas(entries));
        assertThat(limits.limit(QuotaType.PRODUCE, "alice", "a")).isEqualTo(new QuotaLimits.Limit(3, "alice", ""));
        assertThat(limits.limit(QuotaType.PRODUCE, "bob", "a")).isEqualTo(new QuotaLimits.Limit(6, "bob", ""));
        entries.remove(entity(null, true, null, false));
        limits = new QuotaLimits(new ClientQuotas(entries));
        assertThat(limits.limit(QuotaType.PRODUCE, "bob", "a")).isEqualTo(new QuotaLimits.Limit(7, "", "a"));
        assertThat(limits.limit(QuotaType.PRODUCE, "bob", "z")).isEqualTo(new QuotaLimits.Limit(8, "", "z"));
    }

    @Test
    void aThrottledFetchIsAnsweredWithoutItsRecordsWhichAreNotCounted() {
        QuotaLimits limits = limits(entity(null, false, "reader", true), "consumer_byte_rate", 100);
        ClientQuotaManager fetches = new ClientQuotaManager(() -> limits, QuotaConfig.DEFAULT, () -> 0L,
                QuotaMetrics.NONE);
        FetchResponse big = fetchResponse(2000);
        int throttle = fetches.throttleMs(fetchContext(), null, big, 0);
        // Some 2,100 bytes (records and batch header) over 10 s against 100 B/s.
        assertThat(throttle).isGreaterThan(10_000);
        assertThat(MeasuredBytes.fetched(big)).isZero();
        assertThat(big.data().responses().get(0).partitions().get(0).highWatermark()).isEqualTo(42);
        // Had the dropped bytes counted, this would be over the quota too.
        FetchResponse small = fetchResponse(500);
        assertThat(fetches.throttleMs(fetchContext(), null, small, 0)).isZero();
        assertThat(MeasuredBytes.fetched(small)).isPositive();
    }

    /**
     * A default request quota far below any request's time: a client's requests are throttled, the brokers' own
     * (WriteTxnMarkers, AddPartitionsToTxn v4) are not, as Kafka exempts the requests needing ClusterAction, unless
     * refused for the lack of it.
     */
    @Test
    void theBrokersOwnRequestsAreExemptFromRequestQuotasUnlessRefusedClusterAction() {
        QuotaLimits limits = limits(entity(null, true, null, false), "request_percentage", 0.001);
        ClientQuotaManager requests = new ClientQuotaManager(() -> limits, QuotaConfig.DEFAULT, () -> 0L,
                QuotaMetrics.NONE);
        long oneMs = 1_000_000;
        AbstractResponse markersWritten = new WriteTxnMarkersResponse(new WriteTxnMarkersResponseData());
        AbstractResponse verified = new AddPartitionsToTxnResponse(new AddPartitionsToTxnResponseData());
        for (int i = 0; i < 5; i++) {
            assertThat(requests.throttleMs(context(ApiKeys.WRITE_TXN_MARKERS, 1), null, markersWritten, oneMs))
                    .isZero();
            assertThat(requests.throttleMs(context(ApiKeys.ADD_PARTITIONS_TO_TXN, 4), null, verified, oneMs))
                    .isZero();
        }
        assertThat(requests.throttleMs(context(ApiKeys.METADATA, 12), null, null, oneMs)).isPositive();
        assertThat(requests.throttleMs(context(ApiKeys.ADD_PARTITIONS_TO_TXN, 3), null, verified, oneMs))
                .isPositive();
        AbstractResponse refused = new AddPartitionsToTxnResponse(new AddPartitionsToTxnResponseData()
                .setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code()));
        assertThat(requests.throttleMs(context(ApiKeys.ADD_PARTITIONS_TO_TXN, 4), null, refused, oneMs))
                .isPositive();
        AbstractResponse markersRefused = new WriteTxnMarkersResponse(Map.of(7L,
                Map.of(new TopicPartition("t", 0), Errors.CLUSTER_AUTHORIZATION_FAILED)));
        assertThat(requests.throttleMs(context(ApiKeys.WRITE_TXN_MARKERS, 1), null, markersRefused, oneMs))
                .isPositive();
    }

    private static RequestContext context(ApiKeys api, int version) {
        return new RequestContext(new RequestHeader(api, (short) version, "client", 1), "PLAINTEXT",
                SecurityProtocol.PLAINTEXT, KafkaPrincipal.ANONYMOUS, null, Runnable::run,
                new CompletableFuture<>());
    }

    private static RequestContext fetchContext() {
        return new RequestContext(new RequestHeader(ApiKeys.FETCH, (short) 17, "reader", 1), "PLAINTEXT",
                SecurityProtocol.PLAINTEXT, KafkaPrincipal.ANONYMOUS, null, Runnable::run,
                new CompletableFuture<>());
    }

    private static FetchResponse fetchResponse(int valueBytes) {
        FetchResponseData data = new FetchResponseData();
        data.responses().add(new FetchResponseData.FetchableTopicResponse().setTopic("t").setTopicId(Uuid.randomUuid())
                .setPartitions(new ArrayList<>(List.of(new FetchResponseData.PartitionData().setPartitionIndex(0)
                        .setHighWatermark(42).setRecords(MemoryRecords.withRecords(Compression.NONE,
                                new SimpleRecord(new byte[valueBytes])))))));
        return FetchResponse.of(data);
    }

    private static QuotaLimits limits(ClientQuotaEntity entity, String key, double bound) {
        return new QuotaLimits(new ClientQuotas(Map.of(entity, Map.of(key, bound))));
    }

    /** An entity with a user and/or a client id component; a null name is the default. */
    private static ClientQuotaEntity entity(String user, boolean hasUser, String clientId, boolean hasClientId) {
        Map<String, String> components = new HashMap<>();
        if (hasUser || user != null) {
            components.put(ClientQuotaEntity.USER, user);
        }
        if (hasClientId || clientId != null) {
            components.put(ClientQuotaEntity.CLIENT_ID, clientId);
        }
        return new ClientQuotaEntity(components);
    }
}
