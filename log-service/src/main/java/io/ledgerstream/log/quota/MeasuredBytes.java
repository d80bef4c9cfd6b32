package io.ledgerstream.log.quota;

import io.netty.util.ReferenceCountUtil;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.record.MemoryRecords;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ProduceRequest;

/**
 * The bytes a byte-rate quota counts: the record batches a Produce request carries or a Fetch response returns; and
 * the emptying of a throttled Fetch response.
 */
final class MeasuredBytes {
    private MeasuredBytes() {
    }

    static long produced(AbstractRequest request) {
        long bytes = 0;
        if (request instanceof ProduceRequest produce) {
            for (ProduceRequestData.TopicProduceData topic : produce.data().topicData()) {
                for (ProduceRequestData.PartitionProduceData partition : topic.partitionData()) {
                    if (partition.records() != null) {
                        bytes += partition.records().sizeInBytes();
                    }
                }
            }
        }
        return bytes;
    }

    /** Empties the records of every partition of a Fetch response, keeping the rest (offsets, errors). */
    static void dropRecords(AbstractResponse response) {
        if (response instanceof FetchResponse fetch) {
            for (FetchResponseData.FetchableTopicResponse topic : fetch.data().responses()) {
                for (FetchResponseData.PartitionData partition : topic.partitions()) {
                    // Batches read for the response are released here, as it will not send them.
                    ReferenceCountUtil.release(partition.records());
                    partition.setRecords(MemoryRecords.EMPTY);
                }
            }
        }
    }

    static long fetched(AbstractResponse response) {
        long bytes = 0;
        if (response instanceof FetchResponse fetch) {
            for (FetchResponseData.FetchableTopicResponse topic : fetch.data().responses()) {
                for (FetchResponseData.PartitionData partition : topic.partitions()) {
                    if (partition.records() != null) {
                        bytes += partition.records().sizeInBytes();
                    }
                }
            }
        }
        return bytes;
    }
}
