package io.paybridge.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP proxy in front of a real server that a test can cut: {@link #refuse()} drops every
 * connection and closes new ones at once (a server that went away), {@link #blackhole()} drops them
 * and lets new ones hang without an answer (a network partition), {@link #forward()} heals it.
 */
public final class TcpProxy implements AutoCloseable {

    public enum Mode { FORWARD, REFUSE, BLACKHOLE }

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile Mode mode = Mode.FORWARD;

    public TcpProxy(String targetHost, int targetPort) throws IOException {
        this.target = new InetSocketAddress(targetHost, targetPort);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("tcp-proxy-accept").start(this::acceptLoop);
    }

    public int port() {
        return listener.getLocalPort();
    }

    public void forward() {
        switchTo(Mode.FORWARD);
    }

    public void refuse() {
        switchTo(Mode.REFUSE);
    }

    public void blackhole() {
        switchTo(Mode.BLACKHOLE);
    }

    private void switchTo(Mode next) {
        mode = next;
        // Connections opened under the previous mode would carry a broken stream into the next.
        open.forEach(TcpProxy::closeQuietly);
        open.clear();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                switch (mode) {
                    case REFUSE -> closeQuietly(client);
                    case BLACKHOLE -> open.add(client);
                    case FORWARD -> connect(client);
                }
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void connect(Socket client) {
        try {
            Socket server = new Socket();
            server.connect(target, 2000);
            open.add(client);
            open.add(server);
            pump(client, server);
            pump(server, client);
        } catch (IOException unreachable) {
            closeQuietly(client);
        }
    }

    private void pump(Socket from, Socket to) {
        Thread.ofVirtual().start(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException closed) {
                // one side went away; the other follows
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        });
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        switchTo(Mode.REFUSE);
    }
}
