package io.ledgerstream.cli.payments;

import io.ledgerstream.jobs.kafka.ClientConfig;
import io.ledgerstream.jobs.kafka.MalformedEventException;
import io.ledgerstream.jobs.payments.CustomerTotal;
import io.ledgerstream.jobs.payments.Payment;
import io.ledgerstream.jobs.payments.PaymentsJson;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the state table must hold, worked out apart from Flink: reads the whole payments topic and folds it by
 * customer with the processor's documented rules (a payment id counts once, a customer keeps its first currency,
 * malformed events are skipped).
 */
final class PaymentsAudit {
    private PaymentsAudit() {
    }

    record Expected(long payments, Map<String, CustomerTotal> table) {
    }

    static Expected of(String bootstrap, ClientConfig client, String topic) {
        Map<String, CustomerTotal> table = new TreeMap<>();
        Set<String> seen = new HashSet<>();
        long[] counted = {0};
        try (TopicSnapshot input = new TopicSnapshot(bootstrap, client, topic)) {
            input.readToEnd(Duration.ofSeconds(120), record -> {
                Payment p;
                try {
                    p = PaymentsJson.parsePayment(record.value());
                } catch (MalformedEventException e) {
                    return;
                }
                CustomerTotal current = table.get(p.customerId);
                if (!seen.add(p.paymentId) || current != null && !current.currency.equals(p.currency)) {
                    return;
                }
                counted[0]++;
                table.put(p.customerId, current == null ? CustomerTotal.first(p) : current.plus(p));
            });
        }
        return new Expected(counted[0], table);
    }
}
