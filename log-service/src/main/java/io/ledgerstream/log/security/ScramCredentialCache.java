package io.ledgerstream.log.security;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.config.SaslConfig;
import io.ledgerstream.log.metadata.MetadataCodec;
import io.ledgerstream.log.metadata.MetadataStore;
import io.ledgerstream.log.metadata.ScramCredentialStore;
import io.ledgerstream.log.metadata.StoredScramCredential;
import io.ledgerstream.log.metadata.UserScramCredentials;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.kafka.common.security.authenticator.CredentialCache;
import org.apache.kafka.common.security.scram.ScramCredential;
import org.apache.kafka.common.security.token.delegation.internals.DelegationTokenCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every user's SCRAM credentials as stored in ZooKeeper ({@link ScramCredentialStore}), followed by a watch so that
 * a credential created, changed or deleted through any broker is used, or refused, by every broker for the next
 * login, within moments. Kept in Kafka's own credential cache, which its SCRAM server reads.
 *
 * <p>Thread-safe: Kafka's caches are concurrent maps; Curator's event thread updates them, connections read them.
 */
@ThreadSafe
public final class ScramCredentialCache implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ScramCredentialCache.class);
    private static final List<String> MECHANISMS = List.of(SaslConfig.SCRAM_SHA_256, SaslConfig.SCRAM_SHA_512);

    private final String path;
    private final CuratorCache watch;
    private final CredentialCache credentials = new CredentialCache();
    /** Delegation tokens are not served: this stays empty, so token logins fail. */
    private final DelegationTokenCache tokens = new DelegationTokenCache(MECHANISMS);

    private ScramCredentialCache(MetadataStore metadata) {
        this.path = metadata.scramCredentials().path();
        this.watch = metadata.cache(path);
        MECHANISMS.forEach(m -> credentials.createCache(m, ScramCredential.class));
    }

    /** Starts following the stored credentials and waits (bounded) until it has read them. */
    public static ScramCredentialCache start(MetadataStore metadata) throws InterruptedException {
        ScramCredentialCache cache = new ScramCredentialCache(metadata);
        CountDownLatch ready = new CountDownLatch(1);
        cache.watch.listenable().addListener(CuratorCacheListener.builder()
                .forCreatesAndChanges((before, node) -> cache.stored(node))
                .forDeletes(cache::deleted)
                .forInitialized(ready::countDown)
                .build());
        cache.watch.start();
        if (!ready.await(30, TimeUnit.SECONDS)) {
            cache.close();
            throw new IllegalStateException("The SCRAM credentials could not be read from ZooKeeper");
        }
        return cache;
    }

    /** The credentials of one mechanism, by user name. */
    public CredentialCache.Cache<ScramCredential> credentials(String mechanism) {
        return credentials.cache(mechanism, ScramCredential.class);
    }

    /** The delegation tokens known: none. */
    DelegationTokenCache tokens() {
        return tokens;
    }

    private void stored(ChildData node) {
        String user = user(node);
        if (user == null) {
            return;
        }
        UserScramCredentials stored;
        try {
            stored = MetadataCodec.decodeScramCredentials(node.getData());
        } catch (RuntimeException e) {
            // A damaged record logs nobody in rather than the credentials it had.
            LOG.warn("Ignoring the SCRAM credentials of user {} at {}: {}", user, node.getPath(), e.toString());
            stored = UserScramCredentials.EMPTY;
        }
        for (String mechanism : MECHANISMS) {
            StoredScramCredential credential = stored.byMechanism().get(mechanism);
            if (credential == null) {
                credentials(mechanism).remove(user);
            } else {
                credentials(mechanism).put(user, new ScramCredential(credential.salt(), credential.storedKey(),
                        credential.serverKey(), credential.iterations()));
            }
        }
    }

    private void deleted(ChildData node) {
        String user = user(node);
        if (user != null) {
            MECHANISMS.forEach(m -> credentials(m).remove(user));
        }
    }

    /** The user a node is for; null for the folder itself. */
    private String user(ChildData node) {
        String nodePath = node.getPath();
        if (!nodePath.startsWith(path + "/")) {
            return null;
        }
        return ScramCredentialStore.user(nodePath.substring(path.length() + 1));
    }

    @Override
    public void close() {
        watch.close();
    }
}
