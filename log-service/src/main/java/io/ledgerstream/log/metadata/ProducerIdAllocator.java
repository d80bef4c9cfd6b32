package io.ledgerstream.log.metadata;

import com.google.errorprone.annotations.ThreadSafe;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Hands out idempotent producer ids, unique across brokers and restarts: each broker takes blocks of ids from a
 * counter in ZooKeeper ({@code <root>/producer-ids}, the next free id as 8 bytes) by compare-and-set, and serves
 * ids from its block in memory. Ids of a block not used before a restart are skipped, never reused.
 *
 * <p>Thread-safe: the block in use is read and replaced under the allocator's monitor; ZooKeeper is called outside
 * it.
 */
@ThreadSafe
public final class ProducerIdAllocator {
    private static final long BLOCK = 1000;

    private final CuratorFramework zk;
    private final String path;
    /** The next id to hand out, and the end (exclusive) of the block it comes from. */
    @GuardedBy("this")
    private long next;
    @GuardedBy("this")
    private long end;

    public ProducerIdAllocator(CuratorFramework zk, String root) {
        this.zk = zk;
        this.path = root + "/producer-ids";
    }

    /** The next unused producer id. Taking a new block talks to ZooKeeper off the caller's thread. */
    public CompletableFuture<Long> nextId() {
        synchronized (this) {
            if (next < end) {
                return CompletableFuture.completedFuture(next++);
            }
        }
        return CompletableFuture.supplyAsync(this::takeBlock).thenCompose(v -> nextId());
    }

    private Void takeBlock() {
        for (int attempt = 0; attempt < 100; attempt++) {
            try {
                Stat stat = new Stat();
                long start;
                try {
                    start = ByteBuffer.wrap(zk.getData().storingStatIn(stat).forPath(path)).getLong();
                } catch (KeeperException.NoNodeException e) {
                    try {
                        zk.create().creatingParentContainersIfNeeded().forPath(path, encode(0));
                    } catch (KeeperException.NodeExistsException raced) {
                        // Another broker created it first.
                    }
                    continue;
                }
                zk.setData().withVersion(stat.getVersion()).forPath(path, encode(start + BLOCK));
                synchronized (this) {
                    if (next >= end) {
                        next = start;
                        end = start + BLOCK;
                    }
                }
                return null;
            } catch (KeeperException.BadVersionException e) {
                // Another broker took a block meanwhile: read again.
            } catch (Exception e) {
                throw new IllegalStateException("Cannot allocate producer ids in ZooKeeper at " + path, e);
            }
        }
        throw new IllegalStateException("Producer id allocation at " + path + " kept conflicting");
    }

    private static byte[] encode(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }
}
