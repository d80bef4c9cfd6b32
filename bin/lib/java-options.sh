# Sourced by the scripts that start our JVMs: options every Ledgerstream JVM needs.
# BookKeeper's bookie reads file descriptors and direct buffers by reflection.
LEDGERSTREAM_OPENS=(--add-opens java.base/java.io=ALL-UNNAMED --add-opens java.base/java.nio=ALL-UNNAMED
                    --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED
                    --add-opens java.base/jdk.internal.misc=ALL-UNNAMED)
