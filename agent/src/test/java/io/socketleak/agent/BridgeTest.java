package io.socketleak.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BridgeTest {
    /** Stands in for the JDK's sun.nio.ch.Net, which is already in java.base: never defined, not in the jar. */
    private static final String STAND_IN = "io/socketleak/bootstrap/Net.class";

    @Test
    void theBridgeListNamesEveryClassOfTheBootstrapPackage() throws IOException {
        Path classes = Path.of("target", "classes");
        Path bridge = classes.resolve("io/socketleak/bootstrap");
        List<String> compiled;
        try (Stream<Path> files = Files.list(bridge)) {
            compiled = files.map(f -> classes.relativize(f).toString().replace('\\', '/'))
                    .filter(f -> !f.equals(STAND_IN)).sorted().toList();
        }
        assertEquals(compiled, Bridge.CLASSES.stream().map(c -> c.replace('.', '/') + ".class").sorted().toList(),
                "a class added to io.socketleak.bootstrap must be added to Bridge.CLASSES");
    }
}
