package io.socketleak.benchmarks;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
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
 * Request and response on one established connection: write 64 bytes, read the 64 echoed back. The
 * agent hooks reads (to see end-of-stream), so this is its cost on the data path.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class RoundTrip {
    static final int MESSAGE = 64;

    @Param({Connections.SOCKET, Connections.SOCKET_CHANNEL})
    public String api;

    private OtherEnd server;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private SocketChannel channel;
    private final byte[] request = new byte[MESSAGE];
    private final byte[] response = new byte[MESSAGE];
    private final ByteBuffer requestBuffer = ByteBuffer.allocateDirect(MESSAGE);
    private final ByteBuffer responseBuffer = ByteBuffer.allocateDirect(MESSAGE);

    @Setup(Level.Trial)
    public void connect() throws IOException {
        server = OtherEnd.server(1, true);
        if (Connections.SOCKET_CHANNEL.equals(api)) {
            channel = SocketChannel.open(server.addresses().get(0));
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        } else {
            socket = new Socket();
            socket.connect(server.addresses().get(0));
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000); // a lost echo fails the run instead of hanging it
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }
    }

    @TearDown(Level.Trial)
    public void disconnect() throws IOException {
        if (channel != null) {
            channel.close();
        }
        if (socket != null) {
            socket.close();
        }
        server.close();
    }

    @Benchmark
    public int writeReadEcho() throws IOException {
        if (channel != null) {
            requestBuffer.clear();
            while (requestBuffer.hasRemaining()) {
                channel.write(requestBuffer);
            }
            responseBuffer.clear();
            while (responseBuffer.hasRemaining()) {
                if (channel.read(responseBuffer) < 0) {
                    throw new EOFException("echo server closed");
                }
            }
            return responseBuffer.get(0);
        }
        out.write(request);
        int read = 0;
        while (read < MESSAGE) {
            int n = in.read(response, read, MESSAGE - read);
            if (n < 0) {
                throw new EOFException("echo server closed");
            }
            read += n;
        }
        return response[0];
    }
}
