package io.socketleak.maven;

import io.socketleak.protocol.JsonReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The JSON reports the test JVMs wrote, one file each, in the directory prepare-agent gave them. */
final class ReportDirectory {
    /** One test JVM's report, named after its file. */
    record TestJvm(String name, Path file, Map<String, Object> report) {
    }

    /**
     * The plugin's own file names ({@code socket-leak-<pid>.json}), from the one constant that names
     * them: the directory may hold other JSON (a user's, another tool's), which is neither read nor deleted.
     */
    static final String REPORT_GLOB = AgentArgument.REPORT_FILE.replace("%p", "*");

    private ReportDirectory() {
    }

    /** The report files, by name; none when the directory does not exist. */
    static List<Path> files(Path directory) throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return files;
        }
        try (DirectoryStream<Path> json = Files.newDirectoryStream(directory, REPORT_GLOB)) {
            for (Path file : json) {
                if (Files.isRegularFile(file)) {
                    files.add(file);
                }
            }
        }
        files.sort(null);
        return files;
    }

    /**
     * Every report, read.
     *
     * @throws UnreadableReportException naming the file that is not a report
     */
    static List<TestJvm> read(Path directory) throws IOException {
        List<TestJvm> jvms = new ArrayList<>();
        for (Path file : files(directory)) {
            Map<String, Object> report;
            try {
                report = JsonReader.parseObject(Files.readString(file, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException | IOException e) {
                throw new UnreadableReportException(file, e);
            }
            String name = file.getFileName().toString();
            jvms.add(new TestJvm(name.substring(0, name.length() - ".json".length()), file, report));
        }
        return jvms;
    }

    /** Deletes the reports of an earlier run, so that check and report judge this one only. */
    static int deleteReports(Path directory) throws IOException {
        int deleted = 0;
        for (Path file : files(directory)) {
            Files.delete(file);
            deleted++;
        }
        return deleted;
    }

    static final class UnreadableReportException extends IOException {
        private static final long serialVersionUID = 1L;

        UnreadableReportException(Path file, Exception cause) {
            super(file + " is not a socket leak report (" + cause.getMessage() + ")", cause);
        }
    }
}
