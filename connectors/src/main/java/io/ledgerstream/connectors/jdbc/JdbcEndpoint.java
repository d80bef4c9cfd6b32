package io.ledgerstream.connectors.jdbc;

import io.ledgerstream.connectors.config.Secret;
import io.ledgerstream.connectors.config.Settings;
import java.io.Serializable;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.Properties;
import java.util.ServiceLoader;

/**
 * Where a database is and who to log in as: the {@code url}, {@code user} and {@code password} keys. Only the
 * password's reference travels with the job; its value is read in {@link #connect}, on the TaskManager. The URL is
 * never logged (it may carry options a user considers private), only the table names.
 *
 * <p>Immutable.
 *
 * @param user the user, or null for the driver's default
 * @param password the password's reference, or null for none
 */
public record JdbcEndpoint(String url, String user, Secret password) implements Serializable {
    private static final String PREFIX = "jdbc:postgresql:";

    /** Reads {@code url}, {@code user} and {@code password} from a block. */
    public static JdbcEndpoint read(Settings block) {
        String url = block.string("url");
        if (!url.startsWith(PREFIX)) {
            throw block.problem("url", "must be a jdbc:postgresql://HOST:PORT/DATABASE URL (PostgreSQL is the "
                    + "only database supported so far)");
        }
        return new JdbcEndpoint(url, block.optionalString("user").orElse(null),
                block.secret("password").orElse(null));
    }

    /**
     * Opens a connection, reading the password now. The driver is found through the classes' own loader, not
     * {@code DriverManager}, which does not see drivers in a Flink job's user-code class loader.
     */
    public Connection connect() throws SQLException {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password.value());
        }
        for (Driver driver : ServiceLoader.load(Driver.class, JdbcEndpoint.class.getClassLoader())) {
            if (driver.acceptsURL(url)) {
                Connection connection = driver.connect(url, props);
                if (connection != null) {
                    return connection;
                }
            }
        }
        throw new SQLException("No JDBC driver on the class path accepts the connector's url", "08001");
    }
}
