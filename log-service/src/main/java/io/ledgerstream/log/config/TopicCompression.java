package io.ledgerstream.log.config;

import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.record.CompressionType;

/**
 * How a topic stores its batches ({@code compression.type} and the codecs' levels): as the producer compressed them,
 * or recompressed by the broker with one codec.
 *
 * @param type      the codec batches are stored with; null for {@code producer} (kept as sent)
 * @param gzipLevel {@code compression.gzip.level}
 * @param lz4Level  {@code compression.lz4.level}
 * @param zstdLevel {@code compression.zstd.level}
 */
public record TopicCompression(CompressionType type, int gzipLevel, int lz4Level, int zstdLevel) {
    /** Kafka's defaults: batches kept as the producer sent them, each codec at its default level. */
    public static final TopicCompression DEFAULTS = new TopicCompression(null, CompressionType.GZIP.defaultLevel(),
            CompressionType.LZ4.defaultLevel(), CompressionType.ZSTD.defaultLevel());

    private static final String PRODUCER = "producer";

    public TopicCompression {
        checkLevel(CompressionType.GZIP, LogConfig.COMPRESSION_GZIP_LEVEL, gzipLevel);
        checkLevel(CompressionType.LZ4, LogConfig.COMPRESSION_LZ4_LEVEL, lz4Level);
        checkLevel(CompressionType.ZSTD, LogConfig.COMPRESSION_ZSTD_LEVEL, zstdLevel);
    }

    /** Checks a level with the codec's own validator, as Kafka does. */
    private static void checkLevel(CompressionType codec, String key, int level) {
        try {
            codec.levelValidator().ensureValid(key, level);
        } catch (ConfigException e) {
            throw new InvalidConfigException(key, level, "must be between " + codec.minLevel() + " and "
                    + codec.maxLevel() + (codec == CompressionType.GZIP ? ", or -1" : ""));
        }
    }

    /**
     * These settings with the values {@code values} gives for {@code compression.type} and the codec levels (the same
     * keys for a topic and for the broker's default); keys not given keep their value.
     */
    TopicCompression with(Map<String, String> values) {
        String raw = values.get(LogConfig.COMPRESSION_TYPE);
        return new TopicCompression(raw == null ? type : parseType(LogConfig.COMPRESSION_TYPE, raw),
                ConfigValues.intValue(values, LogConfig.COMPRESSION_GZIP_LEVEL, gzipLevel, Integer.MIN_VALUE),
                ConfigValues.intValue(values, LogConfig.COMPRESSION_LZ4_LEVEL, lz4Level, Integer.MIN_VALUE),
                ConfigValues.intValue(values, LogConfig.COMPRESSION_ZSTD_LEVEL, zstdLevel, Integer.MIN_VALUE));
    }

    /** Reads a {@code compression.type} value: {@code producer}, {@code uncompressed} or a codec's name. */
    static CompressionType parseType(String key, String raw) {
        String value = raw.trim();
        return switch (value) {
            case PRODUCER -> null;
            case "uncompressed" -> CompressionType.NONE;
            case "gzip", "snappy", "lz4", "zstd" -> CompressionType.forName(value);
            default -> throw new InvalidConfigException(key, raw,
                    "must be one of uncompressed, zstd, lz4, snappy, gzip, producer");
        };
    }

    /** The {@code compression.type} value as Kafka writes it. */
    public String typeName() {
        return type == null ? PRODUCER : type == CompressionType.NONE ? "uncompressed" : type.name;
    }

    /**
     * The compression a batch sent with {@code sent} must be stored with, or null when it is stored as sent.
     */
    public Compression recompressionFor(CompressionType sent) {
        if (type == null || type == sent) {
            return null;
        }
        return switch (type) {
            case NONE -> Compression.NONE;
            case GZIP -> Compression.gzip().level(gzipLevel).build();
            case LZ4 -> Compression.lz4().level(lz4Level).build();
            case ZSTD -> Compression.zstd().level(zstdLevel).build();
            case SNAPPY -> Compression.snappy().build();
        };
    }
}
