package io.socketleak.it.apps;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Connects to a server (argument: its port) once for each way a socket can be closed, and closes each
 * that way and then again: a second close, a close of a stream then of the socket, the channel's
 * adaptor then the channel, an interrupted read. Prints how many sockets it opened.
 */
public final class ClosesEveryWay {
    public static void main(String[] args) throws Exception {
        InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0]));
        int opened = 0;

        Socket twice = connect(server);
        twice.close();
        twice.close();
        opened++;

        Socket byOutput = connect(server);
        byOutput.getOutputStream().close();
        byOutput.close();
        opened++;

        Socket byInput = connect(server);
        byInput.getInputStream().close();
        byInput.close();
        opened++;

        try (Socket resources = connect(server)) {
            resources.close(); // and try-with-resources closes it again
        }
        opened++;

        SocketChannel adaptor = SocketChannel.open(server);
        adaptor.socket().close();
        adaptor.close();
        opened++;

        SocketChannel channel = SocketChannel.open(server);
        channel.socket().getInputStream().close();
        channel.close();
        opened++;

        SocketChannel interrupted = SocketChannel.open(server);
        Thread reader = new Thread(() -> {
            try {
                interrupted.read(ByteBuffer.allocate(1)); // the server holds it: this blocks until interrupted
            } catch (IOException expected) {
                // ClosedByInterruptException: the interrupt closed the channel
            }
        });
        reader.start();
        reader.interrupt(); // in the read or before it: either way the interrupt closes the channel
        reader.join();
        interrupted.close();
        opened++;

        System.out.println("opened " + opened);
    }

    private static Socket connect(InetSocketAddress server) throws IOException {
        Socket socket = new Socket();
        socket.connect(server);
        return socket;
    }
}
