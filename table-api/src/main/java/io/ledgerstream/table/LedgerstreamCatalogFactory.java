package io.ledgerstream.table;

import io.ledgerstream.jobs.kafka.ClientConfig;
import io.ledgerstream.jobs.kafka.ClientConfigException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Catalog;
import org.apache.flink.table.factories.CatalogFactory;
import org.apache.flink.table.factories.FactoryUtil;

/**
 * Makes the catalog available to SQL as {@code CREATE CATALOG name WITH ('type' = 'ledgerstream',
 * 'bootstrap-servers' = 'HOST:PORT')}, found by Flink through its factory service loader; its options are
 * validated by {@link FactoryUtil} against {@link LedgerstreamOptions#BOOTSTRAP_SERVERS} and
 * {@link LedgerstreamOptions#CLIENT_CONFIG}, apart from Kafka client settings given as
 * {@code 'properties.KEY' = 'VALUE'} (as flink-connector-kafka names them); the settings of both, the latter
 * winning, go to the catalog's admin client and every table's sources and sinks.
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
        return Set.of(LedgerstreamOptions.BOOTSTRAP_SERVERS, LedgerstreamOptions.CLIENT_CONFIG);
    }

    @Override
    public Catalog createCatalog(Context context) {
        FactoryUtil.CatalogFactoryHelper helper = FactoryUtil.createCatalogFactoryHelper(this, context);
        helper.validateExcept(LedgerstreamOptions.CLIENT_PROPERTIES_PREFIX);
        String bootstrapServers = helper.getOptions().get(LedgerstreamOptions.BOOTSTRAP_SERVERS);
        Map<String, String> client = new HashMap<>();
        helper.getOptions().getOptional(LedgerstreamOptions.CLIENT_CONFIG).ifPresent(file -> {
            try {
                client.putAll(ClientConfig.load(Path.of(file)).properties());
            } catch (ClientConfigException e) {
                throw new ValidationException(e.getMessage(), e);
            }
        });
        context.getOptions().forEach((key, value) -> {
            if (key.startsWith(LedgerstreamOptions.CLIENT_PROPERTIES_PREFIX)) {
                client.put(key.substring(LedgerstreamOptions.CLIENT_PROPERTIES_PREFIX.length()), value);
            }
        });
        if (client.containsKey("bootstrap.servers")) {
            throw new ValidationException("The catalog's brokers are its '"
                    + LedgerstreamOptions.BOOTSTRAP_SERVERS.key() + "' option, not 'properties.bootstrap.servers'");
        }
        return new LedgerstreamCatalog(context.getName(), bootstrapServers, client);
    }
}
