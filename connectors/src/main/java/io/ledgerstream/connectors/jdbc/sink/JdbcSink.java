package io.ledgerstream.connectors.jdbc.sink;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/** The Flink sink that writes row changes to a table; each parallel writer has its own connection. */
public final class JdbcSink implements Sink<RowChange> {
    private static final long serialVersionUID = 1L;
    private final JdbcSinkSettings settings;

    public JdbcSink(JdbcSinkSettings settings) {
        this.settings = settings;
    }

    @Override
    public SinkWriter<RowChange> createWriter(WriterInitContext context) {
        UpsertStatements sql = new UpsertStatements(settings.table(), settings.primaryKey());
        Retrier retrier = new Retrier(settings.table().toString(), settings.maxRetries(), settings.retryBackoff(),
                JdbcSinkSettings.MAX_BACKOFF, wait -> Thread.sleep(wait.toMillis()));
        return new JdbcSinkWriter(settings, new TableWriter(settings.endpoint(), sql), retrier,
                context.getProcessingTimeService(), context.metricGroup());
    }
}
