package io.ledgerstream.connectors.jdbc.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.connectors.runtime.BadRecordException;
import io.ledgerstream.connectors.runtime.ConnectorRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class RowChangeDecoderTest {
    private final RowChangeDecoder single = new RowChangeDecoder(List.of("id"));
    private final RowChangeDecoder composite = new RowChangeDecoder(List.of("region", "id"));

    @Test
    void anObjectValueIsAnUpsertWithTheKeyFirst() throws Exception {
        RowChange c = single.decode(record("{\"id\":7}", "{\"name\":\"ann\",\"id\":7,\"score\":1.50}"));

        assertThat(c.isDelete()).isFalse();
        assertThat(c.key).containsExactly("7");
        assertThat(c.columns).containsExactly("id", "name", "score");
        assertThat(c.values).containsExactly("7", "ann", "1.50");
    }

    @Test
    void aPlainTextKeyIsTheOneKeyColumn() throws Exception {
        assertThat(single.decode(record("k-1", "{\"a\":1}")).key).containsExactly("k-1");
        assertThat(single.decode(record("\"k-2\"", "{\"a\":1}")).key).containsExactly("k-2");
        assertThat(single.decode(record("42", "{\"a\":1}")).key).containsExactly("42");
    }

    @Test
    void theKeyWinsOverTheValueForKeyColumns() throws Exception {
        RowChange c = single.decode(record("{\"id\":1}", "{\"id\":2,\"a\":true}"));

        assertThat(c.key).containsExactly("1");
        assertThat(c.values).containsExactly("1", "true");
    }

    @Test
    void withoutAUsableKeyTheValueGivesTheKeyColumns() throws Exception {
        RowChange c = composite.decode(record(null, "{\"id\":3,\"region\":\"eu\",\"n\":null}"));

        assertThat(c.key).containsExactly("eu", "3");
        assertThat(c.columns).containsExactly("region", "id", "n");
        assertThat(c.values).containsExactly("eu", "3", null);
    }

    @Test
    void aTombstoneIsADeleteByKey() throws Exception {
        assertThat(composite.decode(record("{\"region\":\"eu\",\"id\":3}", null)))
                .isEqualTo(RowChange.delete(new String[] {"eu", "3"}));
        assertThat(single.decode(record("9", null))).isEqualTo(RowChange.delete(new String[] {"9"}));
    }

    @Test
    void nestedValuesAreJsonTextAndNumbersArePlain() throws Exception {
        RowChange c = single.decode(record("1", "{\"tags\":[\"a\",\"b\"],\"doc\":{\"x\":1},\"big\":1.5E+10}"));

        assertThat(c.values).containsExactly("1", "[\"a\",\"b\"]", "{\"x\":1}", "15000000000");
    }

    @Test
    void badRecordsSayWhatIsWrong() {
        assertThatThrownBy(() -> single.decode(record("1", "not json")))
                .isInstanceOf(BadRecordException.class).hasMessageContaining("is not JSON");
        assertThatThrownBy(() -> single.decode(record("1", "[1,2]")))
                .isInstanceOf(BadRecordException.class).hasMessageContaining("not an object (it is an array)");
        assertThatThrownBy(() -> single.decode(record(null, "{\"a\":1}")))
                .isInstanceOf(BadRecordException.class).hasMessageContaining("primary-key column 'id'");
        assertThatThrownBy(() -> composite.decode(record("k", "{\"id\":1}")))
                .isInstanceOf(BadRecordException.class).hasMessageContaining("primary-key column 'region'");
        assertThatThrownBy(() -> single.decode(record(null, null)))
                .isInstanceOf(BadRecordException.class).hasMessageContaining("a tombstone");
        assertThatThrownBy(() -> single.decode(record("{\"id\":[1]}", "{}")))
                .isInstanceOf(BadRecordException.class).hasMessageContaining("not a single value");
        assertThatThrownBy(() -> single.decode(record("{\"id\":null}", null)))
                .isInstanceOf(BadRecordException.class).hasMessageContaining("'id'");
    }

    @Test
    void rowChangesAreFlinkPojosWhoseSerializerKeepsNulls() throws Exception {
        TypeInformation<RowChange> type = TypeInformation.of(RowChange.class);
        assertThat(type).isInstanceOf(PojoTypeInfo.class);
        TypeSerializer<RowChange> serializer = type.createSerializer(new SerializerConfigImpl());
        for (RowChange c : List.of(RowChange.delete(new String[] {"1"}),
                RowChange.upsert(new String[] {"1"}, new String[] {"id", "n"}, new String[] {"1", null}))) {
            DataOutputSerializer out = new DataOutputSerializer(64);
            serializer.serialize(c, out);
            assertThat(serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()))).isEqualTo(c);
        }
    }

    private static ConnectorRecord record(String key, String value) {
        return ConnectorRecord.fromTopic("t", 0, 0, bytes(key), bytes(value), 0);
    }

    private static byte[] bytes(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }
}
