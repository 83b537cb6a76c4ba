package io.socketleak.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The other end of the connect benchmarks: a JVM of its own listening on {@link #COUNT} loopback
 * ports, started for each trial.
 *
 * <p>Closing first leaves each connection in TIME_WAIT for 60 s holding its local port, so the
 * connections are spread over several server ports: the 28k ephemeral ports are a budget per
 * destination, and loopback's {@code tcp_tw_reuse=2} recycles them after a second.
 */
@State(Scope.Benchmark)
public class ServerPorts {
    static final int COUNT = 8;

    private OtherEnd server;
    private InetSocketAddress[] ports;
    private int next;

    @Setup(Level.Trial)
    public void start() throws IOException {
        server = OtherEnd.server(COUNT, false);
        ports = server.addresses().toArray(new InetSocketAddress[0]);
    }

    @TearDown(Level.Trial)
    public void stop() {
        server.close();
    }

    /** The next port in turn, for a benchmark on one thread. */
    InetSocketAddress next() {
        next = (next + 1) % ports.length;
        return ports[next];
    }

    /** One of the {@link #COUNT} ports, for benchmarks on several threads that take turns by themselves. */
    InetSocketAddress port(int index) {
        return ports[index];
    }
}
