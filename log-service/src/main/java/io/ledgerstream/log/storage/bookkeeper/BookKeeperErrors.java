package io.ledgerstream.log.storage.bookkeeper;

import io.ledgerstream.log.concurrent.Futures;
import io.ledgerstream.log.metadata.MetadataConflictException;
import io.ledgerstream.log.partition.LogException;
import io.ledgerstream.log.partition.LogFencedException;
import io.ledgerstream.log.partition.LogStorageException;
import io.ledgerstream.log.partition.NotEnoughBookiesException;
import org.apache.bookkeeper.client.api.BKException;

/** Turns BookKeeper and metadata failures into the partition log's typed errors, in one place. */
final class BookKeeperErrors {
    private BookKeeperErrors() {
    }

    static LogException translate(Throwable failure, String partition) {
        Throwable t = Futures.unwrap(failure);
        if (t instanceof LogException le) {
            return le;
        }
        if (t instanceof BKException bk) {
            int code = bk.getCode();
            if (code == BKException.Code.LedgerFencedException || code == BKException.Code.LedgerClosedException) {
                return new LogFencedException("Partition " + partition + " was taken over by another writer", t);
            }
            if (code == BKException.Code.NotEnoughBookiesException) {
                return new NotEnoughBookiesException("Partition " + partition + ": fewer bookies accept writes "
                        + "than its ensemble and ack quorum need", t);
            }
            return new LogStorageException("BookKeeper failed for partition " + partition + ": "
                    + BKException.getMessage(code), t);
        }
        if (t instanceof MetadataConflictException) {
            return new LogFencedException("Metadata of partition " + partition + " was changed by another writer", t);
        }
        return new LogStorageException("Storage failed for partition " + partition + ": " + t, t);
    }

    static boolean isNoSuchLedger(Throwable failure) {
        Throwable t = Futures.unwrap(failure);
        return t instanceof BKException bk && (bk.getCode() == BKException.Code.NoSuchLedgerExistsException
                || bk.getCode() == BKException.Code.NoSuchLedgerExistsOnMetadataServerException);
    }
}
