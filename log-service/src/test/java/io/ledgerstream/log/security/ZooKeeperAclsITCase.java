package io.ledgerstream.log.security;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.log.testing.LocalCluster;
import io.ledgerstream.log.testing.TestClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Brokers that authenticate to a real ZooKeeper ({@code zookeeper.auth.digest}) and own their metadata root
 * ({@code zookeeper.set.acl}): they create topics, take produce and fetch and let a second broker join, while a
 * ZooKeeper client without their credentials, or with a wrong password, can neither read nor change any znode under
 * the root. A cluster that ran without ACLs is closed by the first broker that starts with them.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ZooKeeperAclsITCase {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ROOT = "/ledgerstream";
    private static final String USER = "ledgerstream-broker";
    private static final Map<String, String> SECURED = Map.of("zookeeper.set.acl", "true",
            "zookeeper.auth.digest", USER + ":zk-broker-secret");

    @TempDir
    Path dir;

    @Test
    void onlyTheBrokersReadOrWriteTheMetadataRoot() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(dir.toFile(), 1, 3, SECURED);
             CuratorFramework outsider = client(cluster, null);
             CuratorFramework wrongPassword = client(cluster, USER + ":not-the-secret")) {
            try (Admin admin = TestClients.admin(cluster.bootstrap())) {
                admin.createTopics(List.of(new NewTopic("orders", 2, (short) 2))).all().get(30, TimeUnit.SECONDS);
                admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("carol",
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), "carol-secret")))
                        .all().get(30, TimeUnit.SECONDS);
                ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "0");
                Config config = admin.describeConfigs(List.of(broker)).all().get(30, TimeUnit.SECONDS).get(broker);
                assertThat(config.get("zookeeper.set.acl").value()).isEqualTo("true");
                assertThat(config.get("zookeeper.auth.digest").isSensitive()).isTrue();
                assertThat(config.get("zookeeper.auth.digest").value()).isNull();
            }
            produce(cluster, "orders", 2, 10);
            assertReadable(cluster, "orders", 2, 10);

            cluster.startBroker(1);
            cluster.awaitLeadersSpread(2, WAIT);
            try (Admin admin = TestClients.admin(cluster.bootstrap())) {
                admin.createTopics(List.of(new NewTopic("payments", 4, (short) 2))).all().get(30, TimeUnit.SECONDS);
            }
            cluster.awaitLeadersSpread(2, WAIT);
            produce(cluster, "payments", 4, 10);
            assertReadable(cluster, "payments", 4, 10);

            List<String> znodes = znodes(cluster.broker(1).zookeeper());
            assertThat(znodes).contains(ROOT + "/config/users/carol", ROOT + "/brokers/0", ROOT + "/brokers/1",
                    ROOT + "/cluster-id");
            assertOwnedByBrokers(cluster.broker(0).zookeeper(), znodes);
            assertClosedTo(outsider, znodes);
            assertClosedTo(wrongPassword, znodes);
        }
    }

    @Test
    void aClusterThatRanWithoutAclsIsClosedByABrokerStartingWithThem() throws Exception {
        try (LocalCluster cluster = LocalCluster.start(dir.toFile(), 1, 3, Map.of());
             CuratorFramework outsider = client(cluster, null)) {
            try (Admin admin = TestClients.admin(cluster.bootstrap())) {
                admin.createTopics(List.of(new NewTopic("before", 1, (short) 2))).all().get(30, TimeUnit.SECONDS);
            }
            produce(cluster, "before", 1, 5);
            cluster.stopBroker(0);
            assertThat(new String(outsider.getData().forPath(ROOT + "/cluster-id"), UTF_8)).isNotEmpty();

            cluster.startBroker(0, SECURED);
            List<String> znodes = znodes(cluster.broker(0).zookeeper());
            assertThat(znodes).contains(ROOT + "/topics/before");
            assertOwnedByBrokers(cluster.broker(0).zookeeper(), znodes);
            assertClosedTo(outsider, znodes);
            assertReadable(cluster, "before", 1, 5);
            // A broker without the credentials cannot work on the metadata any more.
            assertThatThrownBy(() -> cluster.startBroker(1)).hasStackTraceContaining("NoAuth");
        }
    }

    private static CuratorFramework client(LocalCluster cluster, String digest) {
        CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
                .connectString(cluster.storage().zookeeperConnect()).retryPolicy(new RetryOneTime(100));
        if (digest != null) {
            builder.authorization("digest", digest.getBytes(UTF_8));
        }
        CuratorFramework client = builder.build();
        client.start();
        return client;
    }

    private static void produce(LocalCluster cluster, String topic, int partitions, int perPartition)
            throws Exception {
        try (KafkaProducer<String, String> producer = TestClients.producer(cluster.bootstrap(), Map.of())) {
            for (int p = 0; p < partitions; p++) {
                for (int i = 0; i < perPartition; i++) {
                    producer.send(new ProducerRecord<>(topic, p, "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static void assertReadable(LocalCluster cluster, String topic, int partitions, int perPartition) {
        for (int p = 0; p < partitions; p++) {
            List<ConsumerRecord<String, String>> read = TestClients.readFromStart(cluster.bootstrap(),
                    new TopicPartition(topic, p), perPartition, WAIT);
            assertThat(read).extracting(ConsumerRecord::value).as("partition %d of %s", p, topic)
                    .startsWith("v0").hasSize(perPartition);
        }
    }

    /** Every znode under the metadata root, the root included, as a broker's session lists them. */
    private static List<String> znodes(CuratorFramework broker) throws Exception {
        List<String> all = new ArrayList<>();
        Deque<String> pending = new ArrayDeque<>(List.of(ROOT));
        while (!pending.isEmpty()) {
            String path = pending.pop();
            all.add(path);
            for (String child : broker.getChildren().forPath(path)) {
                pending.push(path + "/" + child);
            }
        }
        return all;
    }

    private static void assertOwnedByBrokers(CuratorFramework broker, List<String> znodes) throws Exception {
        for (String path : znodes) {
            List<ACL> acl = broker.getACL().forPath(path);
            assertThat(acl).as("ACL of %s", path).hasSize(1);
            assertThat(acl.get(0).getPerms()).as("rights on %s", path).isEqualTo(ZooDefs.Perms.ALL);
            assertThat(acl.get(0).getId().getScheme()).isEqualTo("digest");
            assertThat(acl.get(0).getId().getId()).startsWith(USER + ":");
        }
    }

    /** {@code client} may read no znode, list no children, and create, change or delete nothing. */
    private static void assertClosedTo(CuratorFramework client, List<String> znodes) {
        for (String path : znodes) {
            assertThatThrownBy(() -> client.getData().forPath(path)).as("reading %s", path)
                    .isInstanceOf(KeeperException.NoAuthException.class);
            assertThatThrownBy(() -> client.getChildren().forPath(path)).as("listing %s", path)
                    .isInstanceOf(KeeperException.NoAuthException.class);
        }
        assertThatThrownBy(() -> client.create().forPath(ROOT + "/topics/intruder"))
                .isInstanceOf(KeeperException.NoAuthException.class);
        assertThatThrownBy(() -> client.create().forPath(ROOT + "/intruder"))
                .isInstanceOf(KeeperException.NoAuthException.class);
        assertThatThrownBy(() -> client.setData().forPath(ROOT + "/cluster-id", "forged".getBytes(UTF_8)))
                .isInstanceOf(KeeperException.NoAuthException.class);
        assertThatThrownBy(() -> client.delete().deletingChildrenIfNeeded().forPath(ROOT + "/brokers/0"))
                .isInstanceOf(KeeperException.NoAuthException.class);
    }
}
