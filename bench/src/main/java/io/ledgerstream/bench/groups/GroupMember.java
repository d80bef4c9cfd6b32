package io.ledgerstream.bench.groups;

import com.google.errorprone.annotations.ThreadSafe;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * One member of a benchmarked group: a consumer (kafka-clients, classic or consumer protocol) built at once and run
 * on a thread of its own from {@link #start}: it subscribes, polls every {@value #POLL_MS} ms, reports to its
 * {@link GroupView} what its rebalance listener is told and when it first receives records, and on request commits
 * synchronously in a loop for a given window.
 *
 * <p>Thread-safe: the benchmark's thread asks, the member's own thread alone touches the consumer.
 */
@ThreadSafe
public final class GroupMember {
    static final int POLL_MS = 20;
    private static final Duration CLOSE = Duration.ofSeconds(30);

    private final int index;
    private final String topic;
    private final GroupView view;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AtomicReference<CommitWindow> commits = new AtomicReference<>();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private volatile boolean closing;

    /** A window of synchronous commits asked of the member, with the number it made. */
    private record CommitWindow(long startNanos, long endNanos, CompletableFuture<Long> made) {
    }

    /**
     * @param protocol {@code classic} or {@code consumer} ({@code group.protocol}); the group's other settings are
     *                 the client's and the broker's defaults
     */
    public GroupMember(int index, String bootstrap, String group, String protocol, String topic, GroupView view) {
        this.index = index;
        this.topic = topic;
        this.view = view;
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", group);
        p.put("group.protocol", protocol);
        p.put("client.id", group + "-" + index);
        p.put("auto.offset.reset", "earliest");
        p.put("enable.auto.commit", "false");
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Starts the member's thread, which subscribes once {@code go} opens. */
    public void start(CountDownLatch go) {
        Thread thread = new Thread(() -> run(go), "member-" + index);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Asks for synchronous commits from {@code startNanos} to {@code endNanos}, each of one partition the member
     * owns, alternately at offsets 0 and 1 (within the log, so that a member given the partition later still has
     * records to read); the future gives how many were made.
     */
    public CompletableFuture<Long> commit(long startNanos, long endNanos) {
        CommitWindow window = new CommitWindow(startNanos, endNanos, new CompletableFuture<>());
        if (!commits.compareAndSet(null, window)) {
            throw new IllegalStateException("member " + index + " is already committing");
        }
        return window.made();
    }

    /** Stops the member; its consumer closes (leaving the group) on its thread. */
    public CompletableFuture<Void> close() {
        closing = true;
        consumer.wakeup();
        return closed;
    }

    private void run(CountDownLatch go) {
        try {
            go.await();
            consumer.subscribe(List.of(topic), new Listener());
            while (!closing) {
                CommitWindow window = commits.get();
                if (window != null) {
                    long made = commitIn(window);
                    commits.set(null);
                    window.made().complete(made);
                } else if (!consumer.poll(Duration.ofMillis(POLL_MS)).isEmpty()) {
                    view.received(index);
                }
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // close() woke the poll.
        } catch (Exception e) {
            view.failed(index, e);
            CommitWindow window = commits.get();
            if (window != null) {
                window.made().completeExceptionally(e);
            }
        } finally {
            try {
                consumer.close(CloseOptions.timeout(CLOSE));
            } catch (RuntimeException e) {
                view.failed(index, e);
            }
            closed.complete(null);
        }
    }

    private long commitIn(CommitWindow window) {
        int partition = view.anyOwnedBy(index).orElseThrow(() -> new IllegalStateException("member " + index
                + " owns no partition to commit"));
        TopicPartition tp = new TopicPartition(topic, partition);
        long wait = window.startNanos() - System.nanoTime();
        if (wait > 0) {
            LockSupport.parkNanos(wait);
        }
        long made = 0;
        while (System.nanoTime() < window.endNanos()) {
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(made % 2)));
            made++;
        }
        return made;
    }

    /** Reports ownership as the consumer is told it; runs on the member's thread, inside poll. */
    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            view.assigned(index, partitions);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            view.released(index, partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            view.released(index, partitions);
        }
    }
}
