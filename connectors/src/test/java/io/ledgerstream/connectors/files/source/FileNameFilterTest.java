package io.ledgerstream.connectors.files.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.apache.flink.core.fs.Path;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileNameFilterTest {
    @TempDir
    java.nio.file.Path dir;

    private Path path(String name) throws Exception {
        java.nio.file.Path p = dir.resolve(name);
        if (name.endsWith("/")) {
            Files.createDirectories(p);
        } else {
            Files.writeString(p, "");
        }
        return new Path(p.toUri());
    }

    @Test
    void hiddenFilesAreNeverRead() throws Exception {
        FileNameFilter all = new FileNameFilter(null);

        assertThat(all.test(path("a.jsonl"))).isTrue();
        assertThat(all.test(path(".a.jsonl"))).isFalse();
        assertThat(all.test(path("_a.jsonl"))).isFalse();
    }

    @Test
    void itTravelsWithTheJob() throws Exception {
        FileNameFilter copy = InstantiationUtil.clone(new FileNameFilter("*.csv"));

        assertThat(copy.test(path("a.csv"))).isTrue();
    }

    @Test
    void aGlobPicksFilesByNameButFoldersAreStillWalked() throws Exception {
        FileNameFilter jsonl = new FileNameFilter("*.jsonl");

        assertThat(jsonl.test(path("a.jsonl"))).isTrue();
        assertThat(jsonl.test(path("a.csv"))).isFalse();
        assertThat(jsonl.test(path("sub/"))).isTrue();
    }
}
