package io.ledgerstream.log.storage.bookkeeper;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.bookkeeper.conf.Configurable;
import org.apache.bookkeeper.net.DNSToSwitchMapping;
import org.apache.bookkeeper.net.NetworkTopology;
import org.apache.commons.configuration2.Configuration;

/**
 * The racks of the bookies, as the broker setting {@code bookkeeper.bookie.racks} gives them (host = rack), for
 * BookKeeper's rack-aware ensemble placement: it then spreads each ledger's ensemble over racks. A bookie not named
 * is in the default rack. BookKeeper creates and configures this class itself.
 *
 * <p>Not thread-safe while configured: BookKeeper's client calls {@link #setConf} once, when it creates its placement
 * policy and before it resolves any host; {@link #resolve} only reads after that.
 */
public final class ConfiguredRacks implements DNSToSwitchMapping, Configurable {
    /** The client configuration property that carries the setting to this class. */
    static final String PROPERTY = "ledgerstreamBookieRacks";

    private Configuration conf;
    private Map<String, String> racks = Map.of();

    @Override
    public void setConf(Configuration conf) {
        this.conf = conf;
        this.racks = parse(String.join(",", conf.getStringArray(PROPERTY)));
    }

    @Override
    public Configuration getConf() {
        return conf;
    }

    @Override
    public List<String> resolve(List<String> hosts) {
        return hosts.stream().map(h -> racks.getOrDefault(h, NetworkTopology.DEFAULT_RACK)).toList();
    }

    @Override
    public void reloadCachedMappings() {
    }

    /** Resolve by IP address, as the setting names hosts. */
    @Override
    public boolean useHostName() {
        return false;
    }

    /**
     * Parses {@code host=/rack,host=/rack}.
     *
     * @throws IllegalArgumentException naming the entry that is not {@code host=/rack}
     */
    static Map<String, String> parse(String value) {
        Map<String, String> racks = new HashMap<>();
        for (String entry : value.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] parts = entry.trim().split("=", 2);
            if (parts.length != 2 || parts[0].isBlank() || !parts[1].trim().startsWith("/")) {
                throw new IllegalArgumentException("'" + entry.trim() + "' is not host=/rack");
            }
            racks.put(parts[0].trim(), parts[1].trim());
        }
        return racks;
    }
}
