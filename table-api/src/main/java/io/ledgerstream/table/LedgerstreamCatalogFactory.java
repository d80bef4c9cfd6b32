package io.ledgerstream.table;

import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.table.catalog.Catalog;
import org.apache.flink.table.factories.CatalogFactory;
import org.apache.flink.table.factories.FactoryUtil;

/**
 * Makes the catalog available to SQL as {@code CREATE CATALOG name WITH ('type' = 'ledgerstream',
 * 'bootstrap-servers' = 'HOST:PORT')}, found by Flink through its factory service loader.
 */
public final class LedgerstreamCatalogFactory implements CatalogFactory {
    public static final String IDENTIFIER = "ledgerstream";
    public static final ConfigOption<String> BOOTSTRAP_SERVERS = ConfigOptions.key("bootstrap-servers")
            .stringType()
            .defaultValue("127.0.0.1:9092")
            .withDescription("The Ledgerstream (Kafka protocol) brokers whose topics are the catalog's tables.");

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
        return Set.of(BOOTSTRAP_SERVERS);
    }

    @Override
    public Catalog createCatalog(Context context) {
        FactoryUtil.CatalogFactoryHelper helper = FactoryUtil.createCatalogFactoryHelper(this, context);
        helper.validate();
        return new LedgerstreamCatalog(context.getName(), helper.getOptions().get(BOOTSTRAP_SERVERS));
    }
}
