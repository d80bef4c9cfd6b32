package io.ledgerstream.connectors.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** PostgreSQL text values to JSON by type, and the split and enumerator state serializers' round trips. */
class PgValuesTest {
    @Test
    void valuesBecomeJsonByType() {
        assertThat(PgValues.toJson("t", 16).asBoolean()).isTrue();
        assertThat(PgValues.toJson("f", 16).asBoolean()).isFalse();
        assertThat(PgValues.toJson("9007199254740993", 20).asLong()).isEqualTo(9007199254740993L);
        assertThat(PgValues.toJson("12.50", 1700).isTextual()).isTrue();
        assertThat(PgValues.toJson("12.50", 1700).asText()).isEqualTo("12.50");
        assertThat(PgValues.toJson("1.5", 701).asDouble()).isEqualTo(1.5);
        assertThat(PgValues.toJson("NaN", 701).asText()).isEqualTo("NaN");
        assertThat(PgValues.toJson("{\"a\": [1, 2]}", 3802).get("a").get(1).asInt()).isEqualTo(2);
        assertThat(PgValues.toJson(null, 23).isNull()).isTrue();
        assertThat(PgValues.toJson("hello", 25).asText()).isEqualTo("hello");
        assertThat(PgValues.toJson("2026-12-01 10:00:00", 1114).asText()).isEqualTo("2026-12-01T10:00:00");
    }

    @Test
    void timestampsWithTimeZoneBecomeInstantsWhateverTheOffsetsForm() {
        assertThat(PgValues.toJson("2026-12-01 10:00:00+00", 1184).asText()).isEqualTo("2026-12-01T10:00:00Z");
        assertThat(PgValues.toJson("2026-12-01 10:00:00.123456+00", 1184).asText())
                .isEqualTo("2026-12-01T10:00:00.123456Z");
        assertThat(PgValues.toJson("2026-12-01 15:30:00+05:30", 1184).asText()).isEqualTo("2026-12-01T10:00:00Z");
        assertThat(PgValues.toJson("infinity", 1184).asText()).isEqualTo("infinity");
    }

    @Test
    void splitsAndEnumeratorStatesSurviveTheirSerializers() throws Exception {
        CdcSplit split = new CdcSplit("slot_a", 26_343_720L, 17, true);
        CdcSplit.Serializer s = CdcSplit.Serializer.INSTANCE;
        assertThat(s.deserialize(s.getVersion(), s.serialize(split))).isEqualTo(split);
        CdcEnumerator.StateSerializer e = CdcEnumerator.StateSerializer.INSTANCE;
        assertThat(e.deserialize(e.getVersion(), e.serialize(List.of(split, CdcSplit.initial("b")))))
                .containsExactly(split, CdcSplit.initial("b"));
        assertThat(e.deserialize(e.getVersion(), e.serialize(List.of()))).isEmpty();
    }
}
