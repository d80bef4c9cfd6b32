package io.ledgerstream.cli.flink;

/** The Log4j 2 configuration of the JVMs the launcher starts for Flink: INFO and up, into one file. */
public final class FileLogging {
    private FileLogging() {
    }

    /** @param fileName the log file (XML-escaped here), or a Log4j lookup such as {@code ${sys:log.file}} */
    public static String log4j2(String fileName) {
        String escaped = fileName.startsWith("${sys:") ? fileName : fileName.replace("&", "&amp;")
                .replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <Configuration status="OFF">
                  <Appenders>
                    <File name="file" fileName="%s">
                      <PatternLayout pattern="%%d{yyyy-MM-dd HH:mm:ss.SSS} %%-5level %%c - %%msg%%n"/>
                    </File>
                  </Appenders>
                  <Loggers>
                    <Root level="INFO"><AppenderRef ref="file"/></Root>
                  </Loggers>
                </Configuration>
                """.formatted(escaped);
    }
}
