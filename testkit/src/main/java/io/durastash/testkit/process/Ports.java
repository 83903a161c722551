package io.durastash.testkit.process;

import io.durastash.testkit.Deadline;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;

/** The local ports a stack listens on: free ones for a test, and whether one is free now. */
public final class Ports {
    /** How long a restarted process waits for the port its last run held (the OS may keep it a moment). */
    private static final Duration RELEASE = Duration.ofSeconds(30);

    private Ports() {
    }

    public static boolean isFree(int port) {
        // The wildcard address: a bind fails if any local address has the port, whichever one the stack would use.
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port that is free now. */
    public static int anyFree() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free local port", e);
        }
    }

    /** Waits a little for {@code port} to be free: a process restarted on its port right after its last run ended. */
    static void awaitFree(int port) {
        Deadline deadline = Deadline.after(RELEASE);
        while (!isFree(port) && !deadline.passed()) {
            Deadline.pause(200);
        }
    }
}
