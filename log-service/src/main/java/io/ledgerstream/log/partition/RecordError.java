package io.ledgerstream.log.partition;

/**
 * Why one record of a refused batch was refused, as Kafka reports it in a Produce response's {@code record_errors}.
 *
 * @param batchIndex the record's position in its batch, from 0
 * @param message    what is wrong with it
 */
public record RecordError(int batchIndex, String message) {
}
