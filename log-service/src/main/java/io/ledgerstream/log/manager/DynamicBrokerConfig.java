package io.ledgerstream.log.manager;

import com.google.errorprone.annotations.ThreadSafe;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.ledgerstream.log.config.BrokerConfig;
import io.ledgerstream.log.config.BrokerConfigLayers;
import io.ledgerstream.log.config.LogConfig;
import io.ledgerstream.log.metadata.BrokerConfigRecord;
import io.ledgerstream.log.metadata.BrokerConfigStore;
import io.ledgerstream.log.metadata.MetadataCodec;
import io.ledgerstream.log.metadata.MetadataStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker's dynamic settings: the layers of {@link BrokerConfigLayers}, whose dynamic ones are stored in ZooKeeper
 * (durable, shared by the cluster) and followed by a watch, so that a change made through any broker reaches every
 * broker it concerns, and survives restarts. Only the defaults of topic configs are dynamic; each change is applied
 * at once to the open logs through the listeners.
 *
 * <p>Thread-safe: the layers are one immutable value behind a volatile field, replaced whole under the lock (which
 * starts the listeners, so changes reach them in order); listeners run on Curator's event thread or the thread
 * completing an alteration, and must not block.
 */
@ThreadSafe
public final class DynamicBrokerConfig implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DynamicBrokerConfig.class);

    private final MetadataStore metadata;
    private final String ownEntity;
    private final CuratorCache cache;
    private final List<Supplier<CompletableFuture<Void>>> listeners = new CopyOnWriteArrayList<>();
    private volatile BrokerConfigLayers layers;
    /** Completes once the listeners have applied the last change. */
    @GuardedBy("this")
    private CompletableFuture<Void> lastApplied = CompletableFuture.completedFuture(null);

    private DynamicBrokerConfig(MetadataStore metadata, BrokerConfig config) {
        this.metadata = metadata;
        this.ownEntity = Integer.toString(config.brokerId());
        this.cache = metadata.cache(metadata.brokerConfigs().path());
        this.layers = BrokerConfigLayers.of(config);
    }

    /** Starts following the stored dynamic settings and waits (bounded) until it has read them. */
    public static DynamicBrokerConfig start(MetadataStore metadata, BrokerConfig config) throws InterruptedException {
        DynamicBrokerConfig dynamic = new DynamicBrokerConfig(metadata, config);
        CountDownLatch ready = new CountDownLatch(1);
        dynamic.cache.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((before, node) -> dynamic.stored(node, false))
                .forDeletes(node -> dynamic.stored(node, true))
                .forInitialized(ready::countDown)
                .build());
        dynamic.cache.start();
        if (!ready.await(30, TimeUnit.SECONDS)) {
            dynamic.close();
            throw new IllegalStateException("The dynamic broker configs could not be read from ZooKeeper");
        }
        return dynamic;
    }

    /** The layers in force now. */
    public BrokerConfigLayers layers() {
        return layers;
    }

    /** The settings of topics without overrides, as in force now. */
    public LogConfig logDefaults() {
        return layers.logDefaults();
    }

    /**
     * Calls {@code listener} after every change of the layers in force; an alteration made through this broker
     * completes once the future it returns completes.
     */
    public void onChange(Supplier<CompletableFuture<Void>> listener) {
        listeners.add(listener);
    }

    /**
     * Changes the dynamic settings of one broker ({@code entity} is its id) or of every broker ({@code entity} is
     * empty), as IncrementalAlterConfigs and AlterConfigs ask.
     * <ol>
     *   <li>Refuse an entity that is neither empty nor this broker's id (INVALID_REQUEST): the settings of one broker
     *       are changed through that broker.</li>
     *   <li>Read the stored settings and their version; apply {@code change} to a copy.</li>
     *   <li>Check every key and value (INVALID_CONFIG naming the key: unknown, read-only, or a bad value); stop here
     *       when only validating.</li>
     *   <li>Store them compare-and-set on the version read (a concurrent change fails the request, which the client
     *       may retry); apply them here at once, and on the other brokers when their watch fires.</li>
     * </ol>
     */
    public CompletableFuture<Void> alter(String entity, UnaryOperator<Map<String, String>> change,
                                         boolean validateOnly) {
        boolean cluster = entity == null || entity.isEmpty();
        if (!cluster && !entity.equals(ownEntity)) {
            return CompletableFuture.failedFuture(new InvalidRequestException("Unexpected broker id " + entity
                    + ": broker " + ownEntity + " changes its own settings and those of every broker (an empty name)"));
        }
        String stored = cluster ? BrokerConfigStore.DEFAULT_ENTITY : ownEntity;
        return metadata.brokerConfigs().read(stored).thenCompose(current -> {
            Map<String, String> changed = change.apply(new HashMap<>(current.value().settings()));
            BrokerConfigLayers now = layers;
            BrokerConfigLayers next = cluster ? now.withClusterLayer(changed) : now.withBrokerLayer(changed);
            if (validateOnly) {
                return CompletableFuture.completedFuture(null);
            }
            return metadata.brokerConfigs().write(stored, new BrokerConfigRecord(changed), current.version())
                    .thenCompose(v -> {
                        LOG.info("Dynamic settings of {} are now {}", cluster ? "every broker" : "broker " + entity,
                                changed);
                        return replaceLayer(cluster, changed);
                    });
        });
    }

    /** Follows a stored change of this broker's or every broker's settings; others' are not ours. */
    private void stored(ChildData node, boolean deleted) {
        String path = node.getPath();
        String name = path.substring(path.lastIndexOf('/') + 1);
        boolean cluster = name.equals(BrokerConfigStore.DEFAULT_ENTITY);
        if (!cluster && !name.equals(ownEntity) || path.equals(metadata.brokerConfigs().path())) {
            return;
        }
        try {
            Map<String, String> settings = deleted ? Map.of() : MetadataCodec.decodeBrokerConfig(node.getData())
                    .settings();
            replaceLayer(cluster, settings);
        } catch (RuntimeException e) {
            // A value valid when stored may no longer be (another version's rules): keep what is in force.
            LOG.warn("Ignoring the dynamic broker settings at {}: {}", path, e.toString());
        }
    }

    /**
     * Puts {@code settings} in force as one dynamic layer; completes once the listeners have applied them (when they
     * are in force already, once the change that put them there is applied).
     */
    private synchronized CompletableFuture<Void> replaceLayer(boolean cluster, Map<String, String> settings) {
        BrokerConfigLayers now = layers;
        if (!(cluster ? now.clusterLayer() : now.brokerLayer()).equals(settings)) {
            layers = cluster ? now.withClusterLayer(settings) : now.withBrokerLayer(settings);
            lastApplied = CompletableFuture.allOf(listeners.stream().map(Supplier::get)
                    .toArray(CompletableFuture[]::new));
        }
        return lastApplied;
    }

    /** Stops following the stored settings; those in force stay. */
    @Override
    public void close() {
        listeners.clear();
        cache.close();
    }
}
