package io.ledgerstream.log.metadata;

import io.ledgerstream.log.config.ZooKeeperSecurity;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker's identity in ZooKeeper and the ACLs of the znodes it writes ({@link ZooKeeperSecurity}): its session
 * authenticates in ZooKeeper's {@code digest} scheme (again after every new session), and with
 * {@code zookeeper.set.acl} every znode it creates gives all rights to that identity and none to anyone else, not
 * even reading: SCRAM credentials and ACLs live under the metadata root. Stateless.
 */
public final class ZooKeeperAcls {
    private static final Logger LOG = LoggerFactory.getLogger(ZooKeeperAcls.class);
    /** Every right to the identities the creating session authenticated as; ZooKeeper fills in who they are. */
    private static final List<ACL> CREATOR_ONLY = ZooDefs.Ids.CREATOR_ALL_ACL;
    private static final ACLProvider CREATOR_ONLY_PROVIDER = new ACLProvider() {
        @Override
        public List<ACL> getDefaultAcl() {
            return CREATOR_ONLY;
        }

        @Override
        public List<ACL> getAclForPath(String path) {
            return CREATOR_ONLY;
        }
    };

    private ZooKeeperAcls() {
    }

    /** Makes the client {@code builder} builds authenticate, and create znodes for itself only, as {@code security} says. */
    public static CuratorFrameworkFactory.Builder secure(CuratorFrameworkFactory.Builder builder,
                                                         ZooKeeperSecurity security) {
        security.digest().ifPresent(digest ->
                builder.authorization("digest", digest.value().getBytes(StandardCharsets.UTF_8)));
        if (security.setAcl()) {
            builder.aclProvider(CREATOR_ONLY_PROVIDER);
        }
        return builder;
    }

    /**
     * Gives every znode under {@code root}, the root included, to the session's identity alone, as Kafka's
     * {@code zookeeper-security-migration} tool does; run at every start-up with {@code zookeeper.set.acl}, so that
     * a cluster that ran without ACLs is closed by its first broker that starts with them, and so is a znode a broker
     * without them created since.
     * <ol>
     *   <li>Walk the tree from {@code root} down, parents before their children: a parent closed first, nobody without
     *       the identity adds children under it while the walk goes on.</li>
     *   <li>Read each znode's ACL; if it is anything but all rights to {@code user}'s digest identity, set it to
     *       that. A znode deleted meanwhile is skipped.</li>
     *   <li>A znode this identity may not read or change belongs to other credentials: start-up fails, naming it.</li>
     * </ol>
     *
     * @param zk   a connected client made by {@link #secure} with ACLs on
     * @param user the user name the session authenticates as
     * @return how many znodes were changed
     */
    public static int restrictExisting(CuratorFramework zk, String root, String user) throws Exception {
        int changed = 0;
        int seen = 0;
        Deque<String> pending = new ArrayDeque<>();
        pending.push(root);
        while (!pending.isEmpty()) {
            String path = pending.pop();
            try {
                if (!ownedBy(zk.getACL().forPath(path), user)) {
                    zk.setACL().withACL(CREATOR_ONLY).forPath(path);
                    changed++;
                }
                seen++;
                for (String child : zk.getChildren().forPath(path)) {
                    pending.push(path + "/" + child);
                }
            } catch (KeeperException.NoNodeException e) {
                // Deleted since its parent was listed: nothing to close.
            } catch (KeeperException.NoAuthException e) {
                throw new IllegalStateException("The znode " + path + " belongs to other ZooKeeper credentials than "
                        + "user " + user + " of " + ZooKeeperSecurity.AUTH_DIGEST + "; this broker cannot give it to "
                        + "the brokers' identity", e);
            }
        }
        if (changed > 0) {
            LOG.info("Gave {} of the {} znodes under {} to ZooKeeper user {} alone", changed, seen, root, user);
        }
        return changed;
    }

    /** Whether {@code acl} gives every right to {@code user}'s digest identity and nothing to anyone else. */
    static boolean ownedBy(List<ACL> acl, String user) {
        return acl.size() == 1 && acl.get(0).getPerms() == ZooDefs.Perms.ALL
                && acl.get(0).getId().getScheme().equals("digest")
                && acl.get(0).getId().getId().startsWith(user + ":");
    }
}
