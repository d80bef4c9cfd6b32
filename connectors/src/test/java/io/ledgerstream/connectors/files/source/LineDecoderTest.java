package io.ledgerstream.connectors.files.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.connectors.files.FileFormat;
import io.ledgerstream.connectors.runtime.BadRecordException;
import io.ledgerstream.connectors.runtime.ConnectorRecord;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LineDecoderTest {
    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void aJsonLineBecomesCompactJsonKeyedByItsKeyField() {
        LineDecoder json = LineDecoder.create(FileFormat.JSON_LINES, "id", "/in/a.jsonl");

        ConnectorRecord r = json.decode(3, " { \"id\" : 7, \"name\": \"x\" } ");

        assertThat(r.isFailed()).isFalse();
        assertThat(text(r.value)).isEqualTo("{\"id\":7,\"name\":\"x\"}");
        assertThat(text(r.key)).isEqualTo("7");
        assertThat(r.origin).isEqualTo("file /in/a.jsonl line 3");
    }

    @Test
    void aJsonLineWithoutTheKeyFieldHasNoKeyAndBlankLinesAreNoRecords() {
        LineDecoder json = LineDecoder.create(FileFormat.JSON_LINES, "id", "a");

        assertThat(json.decode(1, "{\"name\":\"x\"}").key).isNull();
        assertThat(json.decode(2, "   ")).isNull();
        assertThat(LineDecoder.create(FileFormat.JSON_LINES, null, "a").decode(1, "{\"id\":1}").key).isNull();
    }

    @Test
    void aLineThatIsNotAJsonObjectIsAFailedRecordKeepingTheLine() {
        LineDecoder json = LineDecoder.create(FileFormat.JSON_LINES, null, "/in/a.jsonl");

        ConnectorRecord notJson = json.decode(5, "{\"id\": 1");
        ConnectorRecord array = json.decode(6, "[1, 2]");
        ConnectorRecord twoObjects = json.decode(7, "{} {}");

        assertThat(notJson.isFailed()).isTrue();
        assertThat(notJson.origin).isEqualTo("file /in/a.jsonl line 5");
        assertThat(text(notJson.value)).isEqualTo("{\"id\": 1");
        assertThat(notJson.errorClass).isEqualTo(BadRecordException.class.getName());
        assertThat(array.error).contains("not an object");
        assertThat(twoObjects.isFailed()).isTrue();
    }

    @Test
    void csvLinesBecomeObjectsOfTheHeadersFieldsAsText() {
        LineDecoder csv = LineDecoder.create(FileFormat.CSV, "id", "/in/p.csv");

        assertThat(csv.decode(1, "id, name ,amount")).isNull();
        ConnectorRecord r = csv.decode(2, "7,\"Smith, J\",12.50");

        assertThat(text(r.value)).isEqualTo("{\"id\":\"7\",\"name\":\"Smith, J\",\"amount\":\"12.50\"}");
        assertThat(text(r.key)).isEqualTo("7");
        assertThat(r.origin).isEqualTo("file /in/p.csv line 2");
    }

    @Test
    void aCsvLineWithTheWrongColumnCountIsAFailedRecord() {
        LineDecoder csv = LineDecoder.create(FileFormat.CSV, null, "/in/p.csv");
        csv.decode(1, "id,name");

        ConnectorRecord r = csv.decode(4, "1,a,extra");

        assertThat(r.isFailed()).isTrue();
        assertThat(r.error).isEqualTo("has 3 columns where the header names 2");
        assertThat(r.origin).isEqualTo("file /in/p.csv line 4");
        assertThat(csv.decode(5, "2,b").isFailed()).isFalse();
    }

    @Test
    void aBrokenCsvHeaderFailsItselfAndEveryLineAfter() {
        LineDecoder csv = LineDecoder.create(FileFormat.CSV, null, "p.csv");

        assertThat(csv.decode(1, "id,id").error).contains("the header (line 1) is not valid");
        assertThat(csv.decode(2, "1,2").error).contains("the header (line 1) is not valid");
    }

    @Test
    void aCsvDecoderRestoredPastItsHeaderStillKnowsIt() {
        LineDecoder csv = LineDecoder.create(FileFormat.CSV, null, "p.csv");
        csv.skip(1, "");
        csv.skip(2, "id,name");
        csv.skip(3, "1,a");

        assertThat(text(csv.decode(4, "2,b").value)).isEqualTo("{\"id\":\"2\",\"name\":\"b\"}");
    }
}
