package io.socketleak.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A server's side of short connections: accept, read the request to its end, close. The clients
 * (in another JVM) send one byte and shut their output down first, so this close is passive, as
 * for a server whose clients hang up; they keep a connection or two queued, so accept rarely waits.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class AcceptClose {
    private static final int CLIENT_THREADS = 2;

    @Param({"ServerSocket", "ServerSocketChannel"})
    public String api;

    private ServerSocket serverSocket;
    private ServerSocketChannel serverChannel;
    private OtherEnd clients;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(64);

    @Setup(Level.Trial)
    public void listen() throws IOException {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        int port;
        if (api.equals("ServerSocketChannel")) {
            serverChannel = ServerSocketChannel.open().bind(any);
            port = ((InetSocketAddress) serverChannel.getLocalAddress()).getPort();
        } else {
            serverSocket = new ServerSocket();
            serverSocket.bind(any);
            serverSocket.setSoTimeout(10_000); // clients gone: fail the run instead of hanging it
            port = serverSocket.getLocalPort();
        }
        clients = OtherEnd.clients(port, CLIENT_THREADS);
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        if (serverSocket != null) {
            serverSocket.close();
        }
        if (serverChannel != null) {
            serverChannel.close();
        }
        clients.close();
    }

    @Benchmark
    public int acceptReadClose() throws IOException {
        if (serverChannel != null) {
            int total = 0;
            try (SocketChannel connection = serverChannel.accept()) {
                int n;
                while ((n = connection.read(buffer.clear())) >= 0) {
                    total += n;
                }
            }
            return total;
        }
        try (Socket connection = serverSocket.accept()) {
            return Connections.readToEnd(connection.getInputStream());
        }
    }
}
