package io.socketleak.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void reportsReadByNameAndNoDirectoryIsNoReports() throws IOException {
        assertEquals(List.of(), ReportDirectory.read(dir.resolve("absent")));
        Files.writeString(dir.resolve("socket-leak-20.json"), "{\"pid\": 20}");
        Files.writeString(dir.resolve("socket-leak-10.json"), "{\"pid\": 10}");
        Files.writeString(dir.resolve("notes.txt"), "not a report");
        // Another tool's JSON beside the reports: not a report, not read, not deleted.
        Files.writeString(dir.resolve("package.json"), "[\"not an object\"]");
        List<ReportDirectory.TestJvm> jvms = ReportDirectory.read(dir);
        assertEquals(List.of("socket-leak-10", "socket-leak-20"), jvms.stream().map(ReportDirectory.TestJvm::name).toList());
        assertEquals(10L, jvms.get(0).report().get("pid"));
        assertEquals(2, ReportDirectory.deleteReports(dir));
        assertEquals(List.of(), ReportDirectory.files(dir));
        assertTrue(Files.exists(dir.resolve("notes.txt")));
        assertTrue(Files.exists(dir.resolve("package.json")));
        assertEquals(List.of(), ReportDirectory.read(dir));
    }

    @Test
    void anUnreadableReportIsNamed() throws IOException {
        Path broken = dir.resolve("socket-leak-30.json");
        Files.writeString(broken, "{\"pid\": 3");
        String message = assertThrows(ReportDirectory.UnreadableReportException.class, () -> ReportDirectory.read(dir)).getMessage();
        assertTrue(message.startsWith(broken + " is not a socket leak report ("), message);
    }
}
