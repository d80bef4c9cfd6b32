package io.ledgerstream.table;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.AbstractCatalog;
import org.apache.flink.table.catalog.CatalogBaseTable;
import org.apache.flink.table.catalog.CatalogDatabase;
import org.apache.flink.table.catalog.CatalogDatabaseImpl;
import org.apache.flink.table.catalog.CatalogFunction;
import org.apache.flink.table.catalog.CatalogPartition;
import org.apache.flink.table.catalog.CatalogPartitionSpec;
import org.apache.flink.table.catalog.ObjectPath;
import org.apache.flink.table.catalog.ResolvedCatalogBaseTable;
import org.apache.flink.table.catalog.ResolvedCatalogTable;
import org.apache.flink.table.catalog.exceptions.CatalogException;
import org.apache.flink.table.catalog.exceptions.DatabaseAlreadyExistException;
import org.apache.flink.table.catalog.exceptions.DatabaseNotEmptyException;
import org.apache.flink.table.catalog.exceptions.DatabaseNotExistException;
import org.apache.flink.table.catalog.exceptions.FunctionAlreadyExistException;
import org.apache.flink.table.catalog.exceptions.FunctionNotExistException;
import org.apache.flink.table.catalog.exceptions.PartitionNotExistException;
import org.apache.flink.table.catalog.exceptions.TableAlreadyExistException;
import org.apache.flink.table.catalog.exceptions.TableNotExistException;
import org.apache.flink.table.catalog.exceptions.TableNotPartitionedException;
import org.apache.flink.table.catalog.stats.CatalogColumnStatistics;
import org.apache.flink.table.catalog.stats.CatalogTableStatistics;
import org.apache.flink.table.expressions.Expression;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * A Flink catalog in which every topic of a Ledgerstream (Kafka-protocol) cluster is a table. The one database
 * holds them all. {@code CREATE TABLE} creates the topic and stores its schema in the topic's metadata (on a topic
 * that exists without a schema, it only stores the schema),
 * {@code DROP TABLE} deletes both, {@code ALTER TABLE} changes the topic settings the log honours. Tables with a
 * primary key read and write as upsert changelogs (a tombstone deletes), the others as append streams. A table
 * with a primary key is created as a compacted topic ({@code cleanup.policy=compact}, unless the options say
 * otherwise), so its topic keeps the latest row of each key and storage stays bounded by the number of keys.
 *
 * <p>WITH options of {@code CREATE TABLE}: {@link LedgerstreamOptions#PARTITIONS partitions},
 * {@link LedgerstreamOptions#REPLICATION_FACTOR replication-factor} and the
 * {@link LedgerstreamOptions#TOPIC_SETTINGS topic settings}, typed and validated by Flink's {@code FactoryUtil}
 * ({@code TopicOptions}); any other option is refused by name.
 *
 * <p>Thread-safety: once {@link #open()} has returned, the table and database methods may be called from several
 * threads at once; they share no state but Kafka's thread-safe {@code Admin} client, and an operation of several
 * requests (such as adopting an existing topic on {@code CREATE TABLE}) is not atomic against other callers or
 * clients. {@link #open()} and {@link #close()} are not synchronized: call them with no other call of this catalog
 * in flight.
 */
public final class LedgerstreamCatalog extends AbstractCatalog {
    public static final String DEFAULT_DATABASE = "default";
    private static final String CLEANUP_POLICY = LedgerstreamOptions.CLEANUP_POLICY.key();
    private static final long TIMEOUT_SECONDS = 30;

    private final String bootstrapServers;
    private final Map<String, String> clientProperties;
    private volatile Admin admin;

    public LedgerstreamCatalog(String name, String bootstrapServers) {
        this(name, bootstrapServers, Map.of());
    }

    /**
     * @param clientProperties Kafka client settings (such as {@code security.protocol}, {@code ssl.*},
     *                         {@code sasl.*}) for the catalog's admin client and every table's sources and sinks
     */
    public LedgerstreamCatalog(String name, String bootstrapServers, Map<String, String> clientProperties) {
        super(name, DEFAULT_DATABASE);
        this.bootstrapServers = bootstrapServers;
        this.clientProperties = Map.copyOf(clientProperties);
    }

    @Override
    public void open() {
        // kafka-clients loads its config classes through the context class loader; in a SQL client that is not the
        // loader that holds this jar (and kafka-clients with it).
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(Admin.class.getClassLoader());
        try {
            if (admin == null) {
                Map<String, Object> config = new HashMap<>(clientProperties);
                config.put("bootstrap.servers", bootstrapServers);
                admin = Admin.create(config);
            }
        } catch (RuntimeException e) {
            throw new CatalogException("Cannot create a client for " + bootstrapServers + ": " + e.getMessage(), e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Override
    public void close() {
        Admin client = admin;
        admin = null;
        if (client != null) {
            client.close();
        }
    }

    // ---- tables ----

    @Override
    public List<String> listTables(String databaseName) throws DatabaseNotExistException {
        requireDatabase(databaseName);
        return call(admin.listTopics().names()).stream().filter(t -> !t.startsWith("__")).sorted().toList();
    }

    @Override
    public List<String> listViews(String databaseName) throws DatabaseNotExistException {
        requireDatabase(databaseName);
        return List.of();
    }

    @Override
    public CatalogBaseTable getTable(ObjectPath path) throws TableNotExistException {
        if (!tableExists(path)) {
            throw new TableNotExistException(getName(), path);
        }
        Optional<String> stored = storedSchema(path.getObjectName());
        try {
            TopicSchema schema = stored.map(TopicSchema::fromJson).orElse(null);
            return TopicTables.table(path.getObjectName(), schema, bootstrapServers, clientProperties,
                    schema == null ? "topic without a schema: raw key and value" : "");
        } catch (RuntimeException e) {
            throw new CatalogException("Topic " + path.getObjectName() + " has a schema this catalog cannot read: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public boolean tableExists(ObjectPath path) {
        return databaseExists(path.getDatabaseName()) && !path.getObjectName().startsWith("__")
                && call(admin.listTopics().names()).contains(path.getObjectName());
    }

    @Override
    public void createTable(ObjectPath path, CatalogBaseTable table, boolean ignoreIfExists)
            throws TableAlreadyExistException, DatabaseNotExistException {
        requireDatabase(path.getDatabaseName());
        if (!(table instanceof ResolvedCatalogTable resolved)) {
            throw new CatalogException("Only tables (not views) can be created in a Ledgerstream catalog");
        }
        if (!resolved.getResolvedSchema().getWatermarkSpecs().isEmpty()) {
            throw new CatalogException("Cannot create table " + path.getObjectName() + ": watermarks are not kept "
                    + "with a topic's schema yet; declare them in a view or a temporary table over it");
        }
        TopicSchema schema;
        TopicOptions options;
        try {
            schema = TopicTables.schemaOf(resolved.getResolvedSchema());
            options = TopicOptions.forCreate(table.getOptions());
        } catch (IllegalArgumentException | ValidationException e) {
            throw new CatalogException("Cannot create table " + path.getObjectName() + ": " + e.getMessage(), e);
        }
        Map<String, String> configs = new HashMap<>(options.settings());
        boolean compactByDefault = schema.upsert() && !configs.containsKey(CLEANUP_POLICY);
        if (compactByDefault) {
            configs.put(CLEANUP_POLICY, "compact");
        }
        try {
            configs.put(LedgerstreamOptions.SCHEMA.key(), schema.toJson());
        } catch (IllegalArgumentException e) {
            throw new CatalogException("Cannot create table " + path.getObjectName() + ": " + e.getMessage(), e);
        }
        NewTopic newTopic = new NewTopic(path.getObjectName(), Optional.of(options.partitions()),
                options.replicationFactor()).configs(configs);
        try {
            call(admin.createTopics(List.of(newTopic)).all());
        } catch (CatalogException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
            if (storedSchema(path.getObjectName()).isEmpty()) {
                // A topic that other clients write, declared as a table: it keeps its data and gains the schema and
                // the topic settings given, but its cleanup policy changes only when asked for.
                if (compactByDefault) {
                    configs.remove(CLEANUP_POLICY);
                }
                ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, path.getObjectName());
                List<AlterConfigOp> ops = configs.entrySet().stream().map(c -> new AlterConfigOp(
                        new ConfigEntry(c.getKey(), c.getValue()), AlterConfigOp.OpType.SET)).toList();
                call(admin.incrementalAlterConfigs(Map.of(topic, ops)).all());
                return;
            }
            if (!ignoreIfExists) {
                throw new TableAlreadyExistException(getName(), path, e.getCause());
            }
        }
    }

    @Override
    public void dropTable(ObjectPath path, boolean ignoreIfNotExists) throws TableNotExistException {
        if (!databaseExists(path.getDatabaseName()) || path.getObjectName().startsWith("__")) {
            if (ignoreIfNotExists) {
                return;
            }
            throw new TableNotExistException(getName(), path);
        }
        try {
            call(admin.deleteTopics(List.of(path.getObjectName())).all());
        } catch (CatalogException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                if (ignoreIfNotExists) {
                    return;
                }
                throw new TableNotExistException(getName(), path, e.getCause());
            }
            throw e;
        }
    }

    /**
     * Applies the topic settings among the table's options ({@code ALTER TABLE ... SET}); the schema cannot change
     * yet. A setting is removed with Kafka's tools ({@code kafka-configs --delete-config}): Flink hands the catalog
     * the table's options without the topic settings, so a {@code RESET} cannot be told apart from an unrelated
     * change.
     */
    @Override
    public void alterTable(ObjectPath path, CatalogBaseTable newTable, boolean ignoreIfNotExists)
            throws TableNotExistException {
        if (!tableExists(path)) {
            if (ignoreIfNotExists) {
                return;
            }
            throw new TableNotExistException(getName(), path);
        }
        if (newTable instanceof ResolvedCatalogBaseTable<?> resolved) {
            Optional<String> stored = storedSchema(path.getObjectName());
            try {
                TopicSchema wanted = TopicTables.schemaOf(resolved.getResolvedSchema());
                if (stored.isPresent() && !TopicSchema.fromJson(stored.get()).equals(wanted)) {
                    throw new CatalogException("Changing the columns or key of " + path.getObjectName()
                            + " is not supported; only its topic settings: " + TopicOptions.settingNames());
                }
            } catch (IllegalArgumentException e) {
                throw new CatalogException("Cannot alter table " + path.getObjectName() + ": " + e.getMessage(), e);
            }
        }
        Map<String, String> settings;
        try {
            settings = TopicOptions.forAlter(newTable.getOptions(), getTable(path).getOptions().keySet());
        } catch (ValidationException e) {
            throw new CatalogException("Cannot alter table " + path.getObjectName() + ": " + e.getMessage(), e);
        }
        List<AlterConfigOp> ops = settings.entrySet().stream()
                .map(e -> new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET))
                .toList();
        if (!ops.isEmpty()) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, path.getObjectName());
            call(admin.incrementalAlterConfigs(Map.of(topic, ops)).all());
        }
    }

    @Override
    public void renameTable(ObjectPath path, String newName, boolean ignoreIfNotExists) {
        throw new CatalogException("Topics cannot be renamed");
    }

    private Optional<String> storedSchema(String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = call(admin.describeConfigs(List.of(resource)).all()).get(resource);
        ConfigEntry entry = config == null ? null : config.get(LedgerstreamOptions.SCHEMA.key());
        return entry == null || entry.value() == null || entry.value().isEmpty() ? Optional.empty()
                : Optional.of(entry.value());
    }

    private <T> T call(KafkaFuture<T> future) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new CatalogException("The cluster at " + bootstrapServers + " refused: " + e.getCause().getMessage(),
                    e.getCause());
        } catch (TimeoutException e) {
            throw new CatalogException("The cluster at " + bootstrapServers + " did not answer within "
                    + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CatalogException("Interrupted talking to " + bootstrapServers, e);
        }
    }

    // ---- the one database ----

    @Override
    public List<String> listDatabases() {
        return List.of(DEFAULT_DATABASE);
    }

    @Override
    public CatalogDatabase getDatabase(String databaseName) throws DatabaseNotExistException {
        requireDatabase(databaseName);
        return new CatalogDatabaseImpl(Map.of(), "every topic of " + bootstrapServers);
    }

    @Override
    public boolean databaseExists(String databaseName) {
        return DEFAULT_DATABASE.equals(databaseName);
    }

    private void requireDatabase(String databaseName) throws DatabaseNotExistException {
        if (!databaseExists(databaseName)) {
            throw new DatabaseNotExistException(getName(), databaseName);
        }
    }

    @Override
    public void createDatabase(String name, CatalogDatabase database, boolean ignoreIfExists)
            throws DatabaseAlreadyExistException {
        throw new CatalogException("A Ledgerstream catalog has one database, '" + DEFAULT_DATABASE + "'");
    }

    @Override
    public void dropDatabase(String name, boolean ignoreIfNotExists, boolean cascade)
            throws DatabaseNotEmptyException {
        throw new CatalogException("A Ledgerstream catalog has one database, '" + DEFAULT_DATABASE + "'");
    }

    @Override
    public void alterDatabase(String name, CatalogDatabase newDatabase, boolean ignoreIfNotExists) {
        throw new CatalogException("A Ledgerstream catalog has one database, '" + DEFAULT_DATABASE + "'");
    }

    // ---- what topics do not have: partitions in Flink's sense, functions, statistics ----

    @Override
    public List<CatalogPartitionSpec> listPartitions(ObjectPath path) throws TableNotPartitionedException {
        throw new TableNotPartitionedException(getName(), path);
    }

    @Override
    public List<CatalogPartitionSpec> listPartitions(ObjectPath path, CatalogPartitionSpec spec)
            throws TableNotPartitionedException {
        throw new TableNotPartitionedException(getName(), path);
    }

    @Override
    public List<CatalogPartitionSpec> listPartitionsByFilter(ObjectPath path, List<Expression> filters)
            throws TableNotPartitionedException {
        throw new TableNotPartitionedException(getName(), path);
    }

    @Override
    public CatalogPartition getPartition(ObjectPath path, CatalogPartitionSpec spec)
            throws PartitionNotExistException {
        throw new PartitionNotExistException(getName(), path, spec);
    }

    @Override
    public boolean partitionExists(ObjectPath path, CatalogPartitionSpec spec) {
        return false;
    }

    @Override
    public void createPartition(ObjectPath path, CatalogPartitionSpec spec, CatalogPartition partition,
                                boolean ignoreIfExists) throws TableNotPartitionedException {
        throw new TableNotPartitionedException(getName(), path);
    }

    @Override
    public void dropPartition(ObjectPath path, CatalogPartitionSpec spec, boolean ignoreIfNotExists)
            throws PartitionNotExistException {
        throw new PartitionNotExistException(getName(), path, spec);
    }

    @Override
    public void alterPartition(ObjectPath path, CatalogPartitionSpec spec, CatalogPartition partition,
                               boolean ignoreIfNotExists) throws PartitionNotExistException {
        throw new PartitionNotExistException(getName(), path, spec);
    }

    @Override
    public List<String> listFunctions(String databaseName) {
        return List.of();
    }

    @Override
    public CatalogFunction getFunction(ObjectPath path) throws FunctionNotExistException {
        throw new FunctionNotExistException(getName(), path);
    }

    @Override
    public boolean functionExists(ObjectPath path) {
        return false;
    }

    @Override
    public void createFunction(ObjectPath path, CatalogFunction function, boolean ignoreIfExists)
            throws FunctionAlreadyExistException {
        throw new CatalogException("A Ledgerstream catalog holds no functions");
    }

    @Override
    public void alterFunction(ObjectPath path, CatalogFunction function, boolean ignoreIfNotExists)
            throws FunctionNotExistException {
        throw new FunctionNotExistException(getName(), path);
    }

    @Override
    public void dropFunction(ObjectPath path, boolean ignoreIfNotExists) throws FunctionNotExistException {
        throw new FunctionNotExistException(getName(), path);
    }

    @Override
    public CatalogTableStatistics getTableStatistics(ObjectPath path) {
        return CatalogTableStatistics.UNKNOWN;
    }

    @Override
    public CatalogColumnStatistics getTableColumnStatistics(ObjectPath path) {
        return CatalogColumnStatistics.UNKNOWN;
    }

    @Override
    public CatalogTableStatistics getPartitionStatistics(ObjectPath path, CatalogPartitionSpec spec) {
        return CatalogTableStatistics.UNKNOWN;
    }

    @Override
    public CatalogColumnStatistics getPartitionColumnStatistics(ObjectPath path, CatalogPartitionSpec spec) {
        return CatalogColumnStatistics.UNKNOWN;
    }

    @Override
    public void alterTableStatistics(ObjectPath path, CatalogTableStatistics statistics, boolean ignoreIfNotExists) {
        throw new CatalogException("Statistics are not stored");
    }

    @Override
    public void alterTableColumnStatistics(ObjectPath path, CatalogColumnStatistics statistics,
                                           boolean ignoreIfNotExists) {
        throw new CatalogException("Statistics are not stored");
    }

    @Override
    public void alterPartitionStatistics(ObjectPath path, CatalogPartitionSpec spec,
                                         CatalogTableStatistics statistics, boolean ignoreIfNotExists) {
        throw new CatalogException("Statistics are not stored");
    }

    @Override
    public void alterPartitionColumnStatistics(ObjectPath path, CatalogPartitionSpec spec,
                                               CatalogColumnStatistics statistics, boolean ignoreIfNotExists) {
        throw new CatalogException("Statistics are not stored");
    }
}
