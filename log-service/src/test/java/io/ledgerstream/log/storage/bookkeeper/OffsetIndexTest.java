package io.ledgerstream.log.storage.bookkeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OffsetIndexTest {

    @Test
    void aDenseIndexFindsTheEntryHoldingEveryOffset() {
        OffsetIndex index = new OffsetIndex(100);
        // entries of 1, 2, 3, ... records: entry e starts at 100 + e(e+1)/2
        for (int e = 1; e < 50; e++) {
            index.add(e, 100 + (long) e * (e + 1) / 2);
        }
        for (int e = 0; e < 49; e++) {
            long start = 100 + (long) e * (e + 1) / 2;
            for (long offset = start; offset < start + e + 1; offset++) {
                assertThat(index.lookup(offset)).isEqualTo(new OffsetIndex.Lookup(e, true));
            }
        }
        assertThat(index.lookup(1_000_000)).as("an open segment's last entry holds what lies beyond")
                .isEqualTo(new OffsetIndex.Lookup(49, true));
    }

    @Test
    void aSparseIndexNarrowsByBinarySearchAndRemembersWhatItRead() {
        // A sealed segment of 1000 entries of 10 records each, base offset 5000; only its first entry is known.
        OffsetIndex index = new OffsetIndex(5000);
        index.seal(999);
        long target = 5000 + 737 * 10 + 4;
        int reads = 0;
        OffsetIndex.Lookup lookup;
        while (!(lookup = index.lookup(target)).found()) {
            reads++;
            index.add(lookup.entryId(), 5000 + lookup.entryId() * 10);
        }
        assertThat(lookup.entryId()).isEqualTo(737);
        assertThat(reads).as("binary search over 1000 entries").isLessThanOrEqualTo(11);

        int before = index.size();
        assertThat(index.lookup(target - 2)).isEqualTo(new OffsetIndex.Lookup(737, true));
        assertThat(index.size()).isEqualTo(before);
    }

    @Test
    void theLastEntryOfASealedSegmentIsFoundWithoutReading() {
        OffsetIndex index = new OffsetIndex(0);
        index.seal(0);
        assertThat(index.lookup(7)).isEqualTo(new OffsetIndex.Lookup(0, true));
    }

    @Test
    void anOffsetBelowTheSegmentIsACallerBug() {
        OffsetIndex index = new OffsetIndex(10);
        assertThatThrownBy(() -> index.lookup(9)).isInstanceOf(IllegalArgumentException.class);
    }
}
