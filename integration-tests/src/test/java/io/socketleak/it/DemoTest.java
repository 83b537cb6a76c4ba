package io.socketleak.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.socketleak.it.support.ChildJvm;
import io.socketleak.it.support.Namespaces;
import io.socketleak.it.support.Readme;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, as a user types it: the demo runs with the agent, and the agent names
 * the line of each mistake the demo makes (the demo says which line each one is).
 */
class DemoTest {
    /** The demo's announcement of a mistake: "demo: 1/6 forgetting to close a Socket (Mistakes.java line 31)". */
    private static final Pattern MISTAKE = Pattern.compile("demo: \\d/6 .*\\((\\w+)\\.java line (\\d+)\\)");

    @Test
    void theReadmesDemoCommandShowsEachMistakeAtItsLine() throws Exception {
        List<String> command = demoCommand();
        command.set(0, ChildJvm.javaExecutable());
        Process demo = new ProcessBuilder(command).directory(Path.of("..").toFile()).start();
        demo.getOutputStream().close();
        CompletableFuture<String> err = ChildJvm.standardErrorInBackground(demo);
        String out = new String(demo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(demo.waitFor(120, TimeUnit.SECONDS), "the demo did not finish");
        String all = out + err.join();
        assertEquals(0, demo.exitValue(), all);

        List<String> lines = new ArrayList<>();
        Matcher mistake = MISTAKE.matcher(all);
        while (mistake.find()) {
            lines.add(mistake.group(1) + ".java:" + mistake.group(2) + ")");
        }
        assertEquals(5, lines.size(), "the demo announces its first five steps with their lines:\n" + all);
        // 1 and 2: dropped without close(); 3: a connection per request, closed first; 4: CLOSE_WAIT.
        assertTrue(all.contains("LEAK collected") && all.contains(lines.get(0)), lines.get(0) + "\n" + all);
        assertTrue(all.contains(lines.get(1)), lines.get(1) + "\n" + all);
        assertTrue(all.contains(" active closes at io.socketleak.demo.Mistakes.newSocketPerRequest(" + lines.get(2)),
                lines.get(2) + "\n" + all);
        assertTrue(all.contains("LEAK closeWait") && all.contains(lines.get(3)), lines.get(3) + "\n" + all);
        assertTrue(all.contains("LEAKS: 3\n"), all);
        if (Namespaces.available()) { // 6: ports run out for real, warned of first
            int warning = all.indexOf("PORTS to 127.0.0.1:5000");
            int refused = all.indexOf("the kernel refused a connection");
            assertTrue(warning >= 0 && refused > warning, all);
            assertTrue(all.contains("active closes at io.socketleak.demo.PortExhaustion.oneShortConnection("), all);
        }
    }

    /** The command of the README's first code block that starts the demo with the agent. */
    private static List<String> demoCommand() {
        for (String line : Readme.read().blocks().get(0).lines()) {
            int java = line.indexOf("java -javaagent:");
            if (java >= 0) {
                return new ArrayList<>(List.of(line.substring(java).trim().split("\\s+")));
            }
        }
        throw new AssertionError("the README's first block starts no demo with the agent");
    }
}
