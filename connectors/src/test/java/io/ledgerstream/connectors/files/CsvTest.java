package io.ledgerstream.connectors.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.connectors.runtime.BadRecordException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvTest {
    @Test
    void plainFieldsSplitOnCommasAndKeepTheirSpaces() throws Exception {
        assertThat(Csv.parse("a, b ,c")).containsExactly("a", " b ", "c");
        assertThat(Csv.parse("")).containsExactly("");
        assertThat(Csv.parse("a,,")).containsExactly("a", "", "");
    }

    @Test
    void quotedFieldsHoldCommasAndDoubledQuotes() throws Exception {
        assertThat(Csv.parse("\"x, y\",\"say \"\"hi\"\"\",\"\"")).containsExactly("x, y", "say \"hi\"", "");
    }

    @Test
    void brokenQuotingIsABadRecordNamingTheColumn() {
        assertThatThrownBy(() -> Csv.parse("a,\"open")).isInstanceOf(BadRecordException.class)
                .hasMessageContaining("not closed");
        assertThatThrownBy(() -> Csv.parse("\"a\"b,c")).isInstanceOf(BadRecordException.class)
                .hasMessageContaining("column 4");
    }

    @Test
    void formatQuotesOnlyWhatNeedsItAndParsesBack() throws Exception {
        List<String> fields = List.of("plain", "with,comma", "with \"quote\"", "two\nlines", "");
        String line = Csv.format(fields);

        assertThat(line).isEqualTo("plain,\"with,comma\",\"with \"\"quote\"\"\",\"two\nlines\",");
        assertThat(Csv.parse(Csv.format(List.of("a", "b,c", "\"")))).containsExactly("a", "b,c", "\"");
    }
}
