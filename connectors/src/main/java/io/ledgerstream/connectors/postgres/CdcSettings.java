package io.ledgerstream.connectors.postgres;

import io.ledgerstream.connectors.config.Secret;
import io.ledgerstream.connectors.config.Settings;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The settings of a {@code postgres-cdc} source, validated: where the database is, which tables, the slot and
 * publication names, and the shape of the records.
 *
 * @param password null when the server needs none
 * @param ownPublication whether the publication is the connector's own (named after it), which {@code connect
 *     delete} drops; one the file names may be shared, and is kept
 * @param tables schema-qualified table names ({@code public.orders})
 * @param envelope {@code change} (before, after, op, source) or {@code row} (the row after the change)
 * @param snapshot {@code initial} (existing rows first) or {@code never} (changes from now on)
 */
record CdcSettings(String host, int port, String database, String user, Secret password,
                   List<String> tables, String slot, String publication, boolean ownPublication, String envelope,
                   boolean tombstones, String snapshot) implements Serializable {
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_$]*");

    static CdcSettings read(Settings block, String connectorName) {
        String defaultName = "ledgerstream_" + connectorName.toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9_]", "_");
        List<String> tables = block.strings("tables").stream().map(t -> t.contains(".") ? t : "public." + t)
                .toList();
        for (String table : tables) {
            for (String part : table.split("\\.", -1)) {
                if (!IDENTIFIER.matcher(part).matches()) {
                    throw block.problem("tables", "'" + table + "' is not schema.table in lower-case unquoted "
                            + "identifiers");
                }
            }
        }
        String slot = block.string("slot", defaultName);
        boolean ownPublication = !block.has("publication");
        String publication = block.string("publication", defaultName);
        if (!IDENTIFIER.matcher(slot).matches() || slot.length() > 63) {
            throw block.problem("slot", "must be lower-case letters, digits and '_' (at most 63), not '" + slot + "'");
        }
        if (!IDENTIFIER.matcher(publication).matches()) {
            throw block.problem("publication", "must be a lower-case unquoted identifier, not '" + publication + "'");
        }
        return new CdcSettings(block.string("hostname", "127.0.0.1"), block.integer("port", 5432, 1, 65535),
                block.string("database"), block.string("user"), block.secret("password").orElse(null), tables, slot, publication, ownPublication,
                block.oneOf("envelope", "change", List.of("change", "row")), block.bool("tombstones", true),
                block.oneOf("snapshot", "initial", List.of("initial", "never")));
    }

    String url() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** Connection properties; the password is read here, where the connector runs. */
    Properties properties() {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password.value());
        }
        p.setProperty("ApplicationName", "ledgerstream-cdc");
        p.setProperty("options", "-c TimeZone=UTC");
        p.setProperty("connectTimeout", "10");
        return p;
    }
}
