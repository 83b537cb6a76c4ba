package io.socketleak.it.apps;

import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/** Opens N client sockets to a peer and keeps them open until exit. */
public final class OpenMany {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int count = Integer.parseInt(args[1]);
        List<Socket> open = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
            s.getOutputStream().write('H');
            open.add(s);
        }
        System.out.println("opened " + open.size());
    }
}
