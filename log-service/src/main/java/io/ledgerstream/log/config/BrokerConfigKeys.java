package io.ledgerstream.log.config;

import java.util.Collection;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every key a broker reads, with its type, its value in force and whether it can change while the broker runs.
 * The dynamic keys are the defaults of topic configs ({@code log.retention.ms} for {@code retention.ms}, ...): a
 * change reaches every open log at once, as a topic override does. Every other key is read once at start-up and
 * is read-only.
 */
public final class BrokerConfigKeys {
    /** The value types Kafka's DescribeConfigs knows, as far as broker keys here use them. */
    public enum Type { BOOLEAN, STRING, INT, LONG, DOUBLE, LIST, PASSWORD }

    /**
     * One broker key.
     *
     * @param topicKey the topic config this key is the default of, for a dynamic key; null for a read-only one
     */
    public record Key(String name, Type type, String topicKey, Function<BrokerConfig, Object> staticValue) {
        /** Whether the value is secret: DescribeConfigs marks it sensitive and gives no value. */
        public boolean sensitive() {
            return type == Type.PASSWORD;
        }

        /** Whether the key can change while the broker runs. */
        public boolean dynamic() {
            return topicKey != null;
        }

        /** The value in force, given the topic defaults in force; null when the key has no value. */
        public String value(BrokerConfig config, LogConfig logDefaults) {
            if (dynamic()) {
                return logDefaults.asMap().get(topicKey);
            }
            Object value = staticValue.apply(config);
            return value == null || value.toString().isEmpty() ? null : value.toString();
        }
    }

    private static final Map<String, Key> KEYS = new TreeMap<>();

    static {
        add(BrokerConfig.BROKER_ID, Type.INT, BrokerConfig::brokerId);
        add(BrokerConfig.BROKER_RACK, Type.STRING, BrokerConfig::rack);
        add(BrokerConfig.ZOOKEEPER_CONNECT, Type.STRING, BrokerConfig::zookeeperConnect);
        add(BrokerConfig.ZOOKEEPER_SESSION_TIMEOUT_MS, Type.INT, BrokerConfig::zookeeperSessionTimeoutMs);
        add(ZooKeeperSecurity.SET_ACL, Type.BOOLEAN, c -> c.zookeeperSecurity().setAcl());
        given(ZooKeeperSecurity.AUTH_DIGEST, Type.PASSWORD, null);
        add(BrokerConfig.METADATA_ROOT, Type.STRING, BrokerConfig::metadataRoot);
        add(BrokerConfig.BOOKKEEPER_LEDGERS_ROOT, Type.STRING, BrokerConfig::bookkeeperLedgersRoot);
        add(BrokerConfig.BOOKKEEPER_V2_PROTOCOL, Type.BOOLEAN, BrokerConfig::bookkeeperV2Protocol);
        add(BrokerConfig.BOOKKEEPER_BOOKIE_RACKS, Type.STRING, BrokerConfig::bookieRacks);
        add(BookKeeperTls.ENABLED, Type.BOOLEAN, c -> c.bookkeeperTls().isPresent());
        given(BookKeeperTls.KEYSTORE_LOCATION, Type.STRING, null);
        given(BookKeeperTls.KEYSTORE_TYPE, Type.STRING, BookKeeperTls.DEFAULT_STORE_TYPE);
        given(BookKeeperTls.KEYSTORE_PASSWORD_FILE, Type.STRING, null);
        given(BookKeeperTls.TRUSTSTORE_LOCATION, Type.STRING, null);
        given(BookKeeperTls.TRUSTSTORE_TYPE, Type.STRING, BookKeeperTls.DEFAULT_STORE_TYPE);
        given(BookKeeperTls.TRUSTSTORE_PASSWORD_FILE, Type.STRING, null);
        add(BookKeeperTls.HOSTNAME_VERIFICATION, Type.BOOLEAN,
                c -> c.bookkeeperTls().map(BookKeeperTls::verifyHostname).orElse(true));
        add(BrokerConfig.DEFAULT_REPLICATION_FACTOR, Type.INT, BrokerConfig::defaultReplicationFactor);
        add(BrokerConfig.MIN_INSYNC_REPLICAS, Type.INT, BrokerConfig::minInsyncReplicas);
        add(BrokerConfig.NUM_PARTITIONS, Type.INT, BrokerConfig::numPartitions);
        add(BrokerConfig.LOG_CACHE_BYTES, Type.LONG, BrokerConfig::cacheBytes);
        add(BrokerConfig.LOG_READ_AHEAD_ENTRIES, Type.INT, BrokerConfig::readAheadEntries);
        add(BrokerConfig.LOG_RETENTION_CHECK_INTERVAL_MS, Type.LONG, BrokerConfig::retentionCheckIntervalMs);
        add(BrokerConfig.LOG_CLEANER_ENABLE, Type.BOOLEAN, BrokerConfig::cleanerEnabled);
        add(BrokerConfig.LOG_CLEANER_BACKOFF_MS, Type.LONG, BrokerConfig::cleanerBackoffMs);
        add(BrokerConfig.LOG_CLEANER_DEDUPE_BUFFER_SIZE, Type.LONG, BrokerConfig::cleanerDedupeBufferBytes);
        add(BrokerConfig.AUTO_CREATE_TOPICS_ENABLE, Type.BOOLEAN, BrokerConfig::autoCreateTopics);
        add(BrokerConfig.GROUP_INITIAL_REBALANCE_DELAY_MS, Type.LONG, BrokerConfig::groupInitialRebalanceDelayMs);
        add(BrokerConfig.LEADER_BALANCE_DELAY_MS, Type.LONG, BrokerConfig::leaderBalanceDelayMs);
        add(BrokerConfig.OFFSETS_SNAPSHOT_RECORDS, Type.LONG, BrokerConfig::offsetsSnapshotRecords);
        add(BrokerConfig.PRODUCER_ID_EXPIRATION_MS, Type.LONG, BrokerConfig::producerIdExpirationMs);
        add(BrokerConfig.PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS, Type.LONG,
                BrokerConfig::producerIdExpirationCheckIntervalMs);
        add(NetworkConfig.LISTENERS, Type.STRING, c -> NetworkConfig.format(c.network().listeners()));
        add(NetworkConfig.ADVERTISED_LISTENERS, Type.STRING,
                c -> NetworkConfig.format(c.network().advertisedListeners()));
        add(NetworkConfig.LISTENER_SECURITY_PROTOCOL_MAP, Type.STRING, c -> c.network().securityProtocols()
                .entrySet().stream().map(e -> e.getKey() + ":" + e.getValue())
                .collect(Collectors.joining(",")));
        add(NetworkConfig.INTER_BROKER_LISTENER_NAME, Type.STRING, c -> c.network().interBrokerListenerName());
        add(NetworkConfig.SOCKET_REQUEST_MAX_BYTES, Type.INT, c -> c.network().socketRequestMaxBytes());
        add(NetworkConfig.CONNECTIONS_MAX_IDLE_MS, Type.LONG, c -> c.network().connectionsMaxIdleMs());
        add(ConnectionLimits.MAX_CONNECTIONS, Type.INT, c -> c.network().limits().maxConnections());
        add(ConnectionLimits.MAX_CONNECTIONS_PER_IP, Type.INT, c -> c.network().limits().maxConnectionsPerIp());
        add(ConnectionLimits.MAX_CONNECTIONS_PER_IP_OVERRIDES, Type.STRING,
                c -> c.network().limits().formatOverrides());
        add(ConnectionLimits.MAX_CONNECTION_CREATION_RATE, Type.INT, c -> c.network().limits().maxCreationRate());
        add(ConnectionLimits.QUEUED_MAX_REQUEST_BYTES, Type.LONG, c -> c.network().limits().queuedMaxRequestBytes());
        securityKeys();
        add(BrokerConfig.OFFSETS_TOPIC_NUM_PARTITIONS, Type.INT, BrokerConfig::offsetsTopicPartitions);
        add(BrokerConfig.MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS, Type.INT, BrokerConfig::fetchSessionCacheSlots);
        add(ConsumerGroupConfig.SESSION_TIMEOUT_MS, Type.INT, c -> c.consumerGroups().sessionTimeoutMs());
        add(ConsumerGroupConfig.HEARTBEAT_INTERVAL_MS, Type.INT, c -> c.consumerGroups().heartbeatIntervalMs());
        add(ConsumerGroupConfig.ASSIGNORS, Type.LIST, c -> String.join(",", c.consumerGroups().assignors()));
        add(ConsumerGroupConfig.MAX_SIZE, Type.INT, c -> c.consumerGroups().maxSize());
        add(ConsumerGroupConfig.REBALANCE_PROTOCOLS, Type.LIST,
                c -> c.consumerGroups().enabled() ? "classic,consumer" : "classic");
        add(ConsumerGroupConfig.MIGRATION_POLICY, Type.STRING,
                c -> c.consumerGroups().migration().name().toLowerCase(Locale.ROOT));
        add(TransactionConfig.STATE_LOG_NUM_PARTITIONS, Type.INT, c -> c.transactions().stateLogPartitions());
        add(TransactionConfig.MAX_TIMEOUT_MS, Type.INT, c -> c.transactions().maxTimeoutMs());
        add(TransactionConfig.ABORT_INTERVAL_MS, Type.LONG, c -> c.transactions().abortIntervalMs());
        add(MetricsConfig.HTTP_PORT, Type.INT, c -> c.metrics().port());
        add(MetricsConfig.HTTP_HOST, Type.STRING, c -> c.metrics().hostOr(c.network().firstHost()));

        topicDefault(BrokerConfig.LOG_SEGMENT_BYTES, Type.INT, LogConfig.SEGMENT_BYTES);
        topicDefault(BrokerConfig.LOG_ROLL_MS, Type.LONG, LogConfig.SEGMENT_MS);
        topicDefault(BrokerConfig.LOG_ROLL_JITTER_MS, Type.LONG, LogConfig.SEGMENT_JITTER_MS);
        topicDefault(BrokerConfig.LOG_RETENTION_MS, Type.LONG, LogConfig.RETENTION_MS);
        topicDefault(BrokerConfig.LOG_RETENTION_BYTES, Type.LONG, LogConfig.RETENTION_BYTES);
        topicDefault(BrokerConfig.MESSAGE_MAX_BYTES, Type.INT, LogConfig.MAX_MESSAGE_BYTES);
        topicDefault(BrokerConfig.LOG_CLEANUP_POLICY, Type.LIST, LogConfig.CLEANUP_POLICY);
        topicDefault(BrokerConfig.LOG_CLEANER_DELETE_RETENTION_MS, Type.LONG, LogConfig.DELETE_RETENTION_MS);
        topicDefault(BrokerConfig.LOG_CLEANER_MIN_CLEANABLE_RATIO, Type.DOUBLE, LogConfig.MIN_CLEANABLE_DIRTY_RATIO);
        topicDefault(BrokerConfig.LOG_CLEANER_MIN_COMPACTION_LAG_MS, Type.LONG, LogConfig.MIN_COMPACTION_LAG_MS);
        topicDefault(BrokerConfig.LOG_CLEANER_MAX_COMPACTION_LAG_MS, Type.LONG, LogConfig.MAX_COMPACTION_LAG_MS);
        topicDefault(BrokerConfig.LOG_MESSAGE_TIMESTAMP_TYPE, Type.STRING, LogConfig.MESSAGE_TIMESTAMP_TYPE);
        topicDefault(BrokerConfig.LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS, Type.LONG,
                LogConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS);
        topicDefault(BrokerConfig.LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS, Type.LONG,
                LogConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS);
        topicDefault(BrokerConfig.COMPRESSION_TYPE, Type.STRING, LogConfig.COMPRESSION_TYPE);
        topicDefault(BrokerConfig.COMPRESSION_GZIP_LEVEL, Type.INT, LogConfig.COMPRESSION_GZIP_LEVEL);
        topicDefault(BrokerConfig.COMPRESSION_LZ4_LEVEL, Type.INT, LogConfig.COMPRESSION_LZ4_LEVEL);
        topicDefault(BrokerConfig.COMPRESSION_ZSTD_LEVEL, Type.INT, LogConfig.COMPRESSION_ZSTD_LEVEL);
        topicDefault(BrokerConfig.LOG_FLUSH_INTERVAL_MESSAGES, Type.LONG, LogConfig.FLUSH_MESSAGES);
        topicDefault(BrokerConfig.LOG_FLUSH_INTERVAL_MS, Type.LONG, LogConfig.FLUSH_MS);
    }

    private BrokerConfigKeys() {
    }

    /**
     * The broker-wide TLS and SASL keys, as given or defaulted; their {@code listener.name.<listener>.} forms, which
     * override them for one listener, are read but not described.
     */
    private static void securityKeys() {
        given(SslConfig.KEYSTORE_LOCATION, Type.STRING, null);
        given(SslConfig.KEYSTORE_PASSWORD, Type.PASSWORD, null);
        given(SslConfig.KEYSTORE_TYPE, Type.STRING, SslConfig.DEFAULT_STORE_TYPE);
        given(SslConfig.KEY_PASSWORD, Type.PASSWORD, null);
        given(SslConfig.TRUSTSTORE_LOCATION, Type.STRING, null);
        given(SslConfig.TRUSTSTORE_PASSWORD, Type.PASSWORD, null);
        given(SslConfig.TRUSTSTORE_TYPE, Type.STRING, SslConfig.DEFAULT_STORE_TYPE);
        given(SslConfig.CLIENT_AUTH, Type.STRING, "none");
        given(SslConfig.ENABLED_PROTOCOLS, Type.LIST, SslConfig.DEFAULT_PROTOCOLS);
        given(SslConfig.CIPHER_SUITES, Type.LIST, null);
        given(SslConfig.ENDPOINT_IDENTIFICATION_ALGORITHM, Type.STRING, "https");
        given(SslConfig.ENGINE, Type.STRING, SslEngine.AUTO.value());
        given(SaslConfig.ENABLED_MECHANISMS, Type.LIST, SaslConfig.DEFAULT_MECHANISMS);
        given(SaslConfig.JAAS_CONFIG, Type.PASSWORD, null);
        add(SecurityConfig.SASL_MECHANISM_INTER_BROKER_PROTOCOL, Type.STRING, c -> c.security().interBrokerMechanism());
        add(SecurityConfig.FAILED_AUTHENTICATION_DELAY_MS, Type.INT,
                c -> c.security().failedAuthenticationDelayMs());
        add(SecurityConfig.SASL_SERVER_MAX_RECEIVE_SIZE, Type.INT, c -> c.security().saslServerMaxReceiveSize());
        add(SecurityConfig.SSL_PRINCIPAL_MAPPING_RULES, Type.STRING, c -> c.security().sslPrincipalMappingRules());
        given(SecurityConfig.CONNECTIONS_MAX_REAUTH_MS, Type.LONG, "0");
        add(QuotaConfig.WINDOW_NUM, Type.INT, c -> QuotaConfig.fromMap(c.given()).windows());
        add(QuotaConfig.WINDOW_SIZE_SECONDS, Type.INT, c -> QuotaConfig.fromMap(c.given()).windowSeconds());
    }

    /** A read-only key whose value in force is the one given, else {@code defaultValue}. */
    private static void given(String name, Type type, String defaultValue) {
        add(name, type, c -> c.given().getOrDefault(name, defaultValue));
    }

    private static void add(String name, Type type, Function<BrokerConfig, Object> value) {
        KEYS.put(name, new Key(name, type, null, value));
    }

    private static void topicDefault(String name, Type type, String topicKey) {
        KEYS.put(name, new Key(name, type, topicKey, null));
    }

    /** Every key, by name. */
    public static Collection<Key> all() {
        return Collections.unmodifiableCollection(KEYS.values());
    }

    /** The key of that name, if a broker reads it. */
    public static Optional<Key> key(String name) {
        return Optional.ofNullable(KEYS.get(name));
    }

    /**
     * Checks a set of dynamic settings: every key must be a dynamic broker key and every value valid for it.
     *
     * @throws InvalidConfigException naming the first key that is unknown, read-only or has a bad value
     */
    public static void validateDynamic(Map<String, String> values) {
        for (Map.Entry<String, String> entry : new TreeMap<>(values).entrySet()) {
            Key key = KEYS.get(entry.getKey());
            if (key == null) {
                throw new InvalidConfigException(entry.getKey(), entry.getValue(), "not a broker config");
            }
            if (!key.dynamic()) {
                throw new InvalidConfigException(entry.getKey(), entry.getValue(), "read-only: the broker reads it "
                        + "once at start-up; set it in the broker's configuration and restart it");
            }
            if (entry.getValue() == null) {
                throw new InvalidConfigException(entry.getKey(), null, "a value must be given");
            }
        }
        BrokerConfig.logDefaults(values);
    }
}
