package io.ledgerstream.log.network;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * The order rules of one connection's requests: which request may start now, and which answered ones may be written.
 * A request starts once everything before it has been answered and written, except that consecutive Produce requests
 * overlap: the next starts once the one before is ordered in its logs, up to {@link #MAX_OVERLAPPING_PRODUCE} at a
 * time. Answers are written strictly in request order. Not thread-safe: owned by the connection's event loop.
 */
final class RequestOrder {
    /** Produce requests started and not yet written back; a Kafka producer sends at most five by default. */
    static final int MAX_OVERLAPPING_PRODUCE = 8;

    private final ArrayDeque<Started> started = new ArrayDeque<>();
    /** Answers handed to the channel whose write has not completed yet. */
    private int unwritten;

    /** A started request: its answer is written once it and every request before it are answered. */
    static final class Started {
        final RequestHeader header;
        final boolean produce;
        final short responseVersion;
        private boolean ordered;
        private boolean answered;
        private AbstractResponse response;

        private Started(RequestHeader header, boolean produce, short responseVersion) {
            this.header = header;
            this.produce = produce;
            this.responseVersion = responseVersion;
        }

        /** Null when the request is answered with nothing (Produce with acks=0). */
        AbstractResponse response() {
            return response;
        }
    }

    /** Whether a request, Produce or not, may start now. */
    boolean mayStart(boolean produce) {
        if (started.isEmpty()) {
            return unwritten == 0 || produce && unwritten < MAX_OVERLAPPING_PRODUCE;
        }
        Started last = started.peekLast();
        return produce && last.produce && last.ordered && started.size() + unwritten < MAX_OVERLAPPING_PRODUCE;
    }

    /** Records a request as started; its answer goes out at version {@code responseVersion}. */
    Started start(RequestHeader header, boolean produce, short responseVersion) {
        Started request = new Started(header, produce, responseVersion);
        started.addLast(request);
        return request;
    }

    /** The request has its place in every log it writes to: a Produce after it may start. */
    void ordered(Started request) {
        request.ordered = true;
    }

    /** The request is answered (the answer is null when none is sent); it is ordered too by then. */
    void answered(Started request, AbstractResponse response) {
        request.ordered = true;
        request.answered = true;
        request.response = response;
    }

    /** The oldest started request if it is answered, taken off: its answer may be written now. Else null. */
    Started nextToWrite() {
        Started head = started.peekFirst();
        return head != null && head.answered ? started.pollFirst() : null;
    }

    /** For a closed connection: takes off every answered request, whose answers will never be written. */
    List<AbstractResponse> dropAnswered() {
        List<AbstractResponse> dropped = new ArrayList<>();
        for (Iterator<Started> it = started.iterator(); it.hasNext(); ) {
            Started request = it.next();
            if (request.answered) {
                it.remove();
                if (request.response != null) {
                    dropped.add(request.response);
                }
            }
        }
        return dropped;
    }

    void writing() {
        unwritten++;
    }

    void written() {
        unwritten--;
    }

    /** Nothing started is unanswered or unwritten. */
    boolean idle() {
        return started.isEmpty() && unwritten == 0;
    }
}
