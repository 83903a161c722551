package io.durastash.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Checks, before anything starts, that the ports the stack will listen on are free. */
final class Ports {
    private Ports() {
    }

    /**
     * Fails with a message naming the port, what it is for and how to choose another when something listens on
     * {@code port} on any local address.
     */
    static void requireFree(int port, String role, String option, String hint) {
        if (!isFree(port)) {
            throw StackFailure.environment("Port " + port + " (" + role + ") is already in use on this machine. "
                + "Find the process with `lsof -i :" + port + "` (or `ss -ltnp | grep :" + port + "`) and stop it, or "
                + "choose another port with " + option + " N." + (hint == null ? "" : " " + hint));
        }
    }

    static boolean isFree(int port) {
        // The wildcard address: a bind fails if any local address has the port, whichever one the stack would use.
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port that is free now, for tests. */
    static int anyFree() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free local port", e);
        }
    }
}
