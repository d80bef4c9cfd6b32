package io.ledgerstream.table;

import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.table.catalog.Catalog;
import org.apache.flink.table.factories.CatalogFactory;
import org.apache.flink.table.factories.FactoryUtil;

/**
 * Makes the catalog available to SQL as {@code CREATE CATALOG name WITH ('type' = 'ledgerstream',
 * 'bootstrap-servers' = 'HOST:PORT')}, found by Flink through its factory service loader; its options are
 * validated by {@link FactoryUtil} against {@link LedgerstreamOptions#BOOTSTRAP_SERVERS}.
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
        helper.validate();
        String bootstrapServers = helper.getOptions().get(LedgerstreamOptions.BOOTSTRAP_SERVERS);
        return new LedgerstreamCatalog(context.getName(), bootstrapServers);
    }
}
