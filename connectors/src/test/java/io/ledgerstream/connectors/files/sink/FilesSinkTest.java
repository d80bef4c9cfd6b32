package io.ledgerstream.connectors.files.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.connectors.ConnectorFile;
import io.ledgerstream.connectors.runtime.BadRecordException;
import io.ledgerstream.connectors.runtime.ConnectorRecord;
import io.ledgerstream.connectors.runtime.SinkConnector;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What a files sink makes of each record: its line, a bad record, or nothing for a tombstone. */
class FilesSinkTest {
    private static SinkConnector<?> sink(String block) {
        return ConnectorFile.parse("f.yaml", "name: out\ntopics: [t]\nsink: {type: files, path: /o" + block + "}\n")
                .sink();
    }

    private static ConnectorRecord record(String value) {
        return ConnectorRecord.fromTopic("t", 0, 9, null,
                value == null ? null : value.getBytes(StandardCharsets.UTF_8), 0);
    }

    @Test
    void jsonLinesAreTheCompactObject() throws Exception {
        assertThat(sink("").decode(record("{ \"a\" : 1,\n \"b\": [1, 2] }"))).isEqualTo("{\"a\":1,\"b\":[1,2]}");
    }

    @Test
    void csvLinesFollowTheFieldsOrderQuotingWhatNeedsIt() throws Exception {
        SinkConnector<?> csv = sink(", file-format: csv, fields: [id, name, tags, missing]");

        Object line = csv.decode(record("{\"name\":\"Smith, \\\"J\\\"\",\"id\":7,\"tags\":[\"x\"],\"other\":1}"));

        assertThat(line).isEqualTo("7,\"Smith, \"\"J\"\"\",\"[\"\"x\"\"]\",");
    }

    @Test
    void aTombstoneIsSkipped() throws Exception {
        assertThat(sink("").decode(record(null))).isNull();
    }

    @Test
    void aValueThatIsNotAJsonObjectIsABadRecordSayingWhy() {
        assertThatThrownBy(() -> sink("").decode(record("{oops"))).isInstanceOf(BadRecordException.class)
                .hasMessageStartingWith("The value is not JSON");
        assertThatThrownBy(() -> sink("").decode(record("[1]"))).isInstanceOf(BadRecordException.class)
                .hasMessage("The value is JSON but not an object (ARRAY)");
        assertThatThrownBy(() -> sink("").decode(record(""))).isInstanceOf(BadRecordException.class)
                .hasMessage("The value is JSON but not an object (empty)");
    }
}
