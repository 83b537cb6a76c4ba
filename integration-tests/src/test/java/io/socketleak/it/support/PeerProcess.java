package io.socketleak.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/** A {@link PeerServer} in a JVM of its own, without the agent; stops when closed. */
public final class PeerProcess implements AutoCloseable {
    private final Process process;
    private final int port;

    public PeerProcess() throws IOException {
        process = new ChildJvm().start(PeerServer.class);
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null) {
            process.destroyForcibly();
            throw new IOException("the peer process did not start");
        }
        port = Integer.parseInt(line.trim());
    }

    public int port() {
        return port;
    }

    @Override
    public void close() throws Exception {
        process.getOutputStream().close();
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
