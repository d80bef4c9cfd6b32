package io.ledgerstream.log.protocol.handlers;

import io.ledgerstream.log.metadata.ProducerIdAllocator;
import io.ledgerstream.log.protocol.ApiHandler;
import io.ledgerstream.log.protocol.RequestContext;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;

/**
 * InitProducerId for idempotent producers: a new producer gets a fresh id at epoch 0; a producer that gives its id
 * and epoch (after an unknown sequence, KIP-360) gets the next epoch, which every partition treats as a restart of
 * its sequences. Transactional ids are refused until transactions exist.
 */
public final class InitProducerIdHandler implements ApiHandler<InitProducerIdRequest> {
    private final ProducerIdAllocator ids;

    public InitProducerIdHandler(ProducerIdAllocator ids) {
        this.ids = ids;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.INIT_PRODUCER_ID;
    }

    @Override
    public short maxVersion() {
        return 5;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestContext context, InitProducerIdRequest request) {
        InitProducerIdRequestData data = request.data();
        InitProducerIdResponseData response = new InitProducerIdResponseData().setProducerId(-1).setProducerEpoch((short) -1);
        if (data.transactionalId() != null) {
            return CompletableFuture.completedFuture(new InitProducerIdResponse(response
                    .setErrorCode(Errors.INVALID_REQUEST.code())));
        }
        if (data.producerId() >= 0 && data.producerEpoch() >= 0 && data.producerEpoch() < Short.MAX_VALUE - 1) {
            return CompletableFuture.completedFuture(new InitProducerIdResponse(response
                    .setErrorCode(Errors.NONE.code()).setProducerId(data.producerId())
                    .setProducerEpoch((short) (data.producerEpoch() + 1))));
        }
        return ids.nextId().thenApply(id -> new InitProducerIdResponse(response.setErrorCode(Errors.NONE.code())
                .setProducerId(id).setProducerEpoch((short) 0)));
    }
}
