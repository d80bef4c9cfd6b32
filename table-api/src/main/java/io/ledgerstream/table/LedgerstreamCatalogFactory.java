package io.ledgerstream.table;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.table.catalog.Catalog;
import org.apache.flink.table.factories.CatalogFactory;
import org.apache.flink.table.factories.FactoryUtil;

/**
 * Makes the catalog available to SQL as {@code CREATE CATALOG name WITH ('type' = 'ledgerstream',
 * 'bootstrap-servers' = 'HOST:PORT')}, found by Flink through its factory service loader; its options are
 * validated by {@link FactoryUtil} against {@link LedgerstreamOptions#BOOTSTRAP_SERVERS}, apart from Kafka client
 * settings given as {@code 'properties.KEY' = 'VALUE'} (as flink-connector-kafka names them), which the catalog's
 * admin client and every table's sources and sinks get.
 */
public final class LedgerstreamCatalogFactory implements CatalogFactory {
    public static final String IDENTIFIER = "ledgerstream";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of();
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(LedgerstreamOptions.BOOTSTRAP_SERVERS);
    }

    @Override
    public Catalog createCatalog(Context context) {
        FactoryUtil.CatalogFactoryHelper helper = FactoryUtil.createCatalogFactoryHelper(this, context);
        helper.validateExcept(LedgerstreamOptions.CLIENT_PROPERTIES_PREFIX);
        String bootstrapServers = helper.getOptions().get(LedgerstreamOptions.BOOTSTRAP_SERVERS);
        Map<String, String> client = new HashMap<>();
        context.getOptions().forEach((key, value) -> {
            if (key.startsWith(LedgerstreamOptions.CLIENT_PROPERTIES_PREFIX)) {
                client.put(key.substring(LedgerstreamOptions.CLIENT_PROPERTIES_PREFIX.length()), value);
            }
        });
        if (client.containsKey("bootstrap.servers")) {
            throw new org.apache.flink.table.api.ValidationException("The catalog's brokers are its '"
                    + LedgerstreamOptions.BOOTSTRAP_SERVERS.key() + "' option, not 'properties.bootstrap.servers'");
        }
        return new LedgerstreamCatalog(context.getName(), bootstrapServers, client);
    }
}
