package io.ledgerstream.log.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class QuotaConfigTest {

    @Test
    void kafkasDefaultsUnlessGivenAndABadValueNamesItsKey() {
        assertThat(QuotaConfig.fromMap(Map.of())).isEqualTo(new QuotaConfig(11, 1));
        assertThat(QuotaConfig.fromMap(Map.of("quota.window.num", "5", "quota.window.size.seconds", "2")))
                .isEqualTo(new QuotaConfig(5, 2));
        assertThatThrownBy(() -> QuotaConfig.fromMap(Map.of("quota.window.num", "0")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("quota.window.num");
        assertThatThrownBy(() -> QuotaConfig.fromMap(Map.of("quota.window.size.seconds", "one")))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("quota.window.size.seconds");
    }
}
