package io.durastash.stash;

import java.nio.file.Paths;

/** Run in a separate JVM by {@link StashOpenFailureTest}: opens a stash, says so, and holds it until killed. */
public final class LockHolder {
    private LockHolder() {
    }

    public static void main(String[] args) throws Exception {
        try (Stash stash = Stash.open(Paths.get(args[0]), StashOptions.defaults())) {
            System.out.println("OPEN " + stash.id());
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
