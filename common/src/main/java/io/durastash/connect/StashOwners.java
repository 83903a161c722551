package io.durastash.connect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.durastash.stash.model.StashException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The pair a stash belongs to: the names of the one sink and the one source connector that use it, recorded in
 * {@value #FILE} in the stash's directory by the first task of each. A connector of another name is refused, at
 * {@code validate()} and when its task starts, so that no connector drains, reads or writes another pair's stash.
 * Handing a stash over is deliberate: {@code durastash owners} with the old owners stopped. Thread-safe.
 */
public final class StashOwners {
    public static final String FILE = "durastash-owners.json";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Object LOCK = new Object();

    /** Which connector of the pair. */
    public enum Role {
        SINK("sink"), SOURCE("source");

        private final String word;

        Role(String word) {
            this.word = word;
        }

        @Override
        public String toString() {
            return word;
        }
    }

    /** The owners recorded: each name null until that connector's first task started. */
    public record Owners(String sink, String source) {
        public static final Owners NONE = new Owners(null, null);

        public String of(Role role) {
            return role == Role.SINK ? sink : source;
        }

        Owners with(Role role, String name) {
            return role == Role.SINK ? new Owners(name, source) : new Owners(sink, name);
        }
    }

    private StashOwners() {
    }

    /** The owners recorded in the stash directory {@code stash}; {@link Owners#NONE} when none are. */
    public static Owners read(Path stash) {
        Path file = stash.resolve(FILE);
        try {
            return MAPPER.readValue(Files.readAllBytes(file), Owners.class);
        } catch (NoSuchFileException e) {
            return Owners.NONE;
        } catch (JsonProcessingException e) {
            throw new StashException("The owners of the stash at " + stash + " cannot be read: " + file + " is damaged ("
                + e.getOriginalMessage() + "). With the pair's connectors stopped, record them again: durastash --dir " + stash
                + " owners --sink <name> --source <name>.", e);
        } catch (IOException e) {
            throw new StashException("Cannot read the owners of the stash at " + stash + " from " + file + " (" + e
                + "). Give the worker's user read access to it.", e);
        }
    }

    /**
     * Why the connector {@code name} in {@code role} may not use the stash at {@code stash}: another connector owns
     * that role. Empty when the role is free or {@code name} holds it.
     */
    public static Optional<String> refusal(Path stash, Role role, String name) {
        return refusal(stash, read(stash), role, name);
    }

    private static Optional<String> refusal(Path stash, Owners owners, Role role, String name) {
        String owner = owners.of(role);
        if (owner == null || owner.equals(name)) {
            return Optional.empty();
        }
        return Optional.of("The stash at " + stash + " belongs to the pair sink '" + nameOrNone(owners.sink())
            + "' and source '" + nameOrNone(owners.source()) + "', not to the " + role + " connector '" + name + "'. Name "
            + "another " + StashConnectorConfig.STASH_NAME_CONFIG + " for this connector. To hand the stash over on "
            + "purpose (a renamed connector), stop the pair's connectors and run on this worker: durastash --dir "
            + stash + " owners --" + role + " " + name);
    }

    /**
     * Records {@code name} as the stash's {@code role} connector when none is recorded; refuses it when another is.
     * Called by each task as it starts, with the stash open (its directory lock held by this worker).
     */
    public static void claim(Path stash, Role role, String name) {
        synchronized (LOCK) {
            Owners owners = read(stash);
            Optional<String> refusal = refusal(stash, owners, role, name);
            if (refusal.isPresent()) {
                throw new StashException(refusal.get() + ". This task will be stopped.");
            }
            if (owners.of(role) == null) {
                write(stash, owners.with(role, name));
            }
        }
    }

    /** Records {@code owners} as they are given: the deliberate hand-over of {@code durastash owners}. */
    public static void write(Path stash, Owners owners) {
        Path file = stash.resolve(FILE);
        Path next = stash.resolve(FILE + ".next");
        try {
            byte[] bytes = MAPPER.writeValueAsBytes(owners);
            try (FileChannel channel = FileChannel.open(next, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
                channel.write(ByteBuffer.wrap(bytes));
                channel.force(true);
            }
            Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new StashException("Cannot record the owners of the stash at " + stash + " in " + file + " (" + e
                + "). Give the worker's user write access to the stash directory.", e);
        }
    }

    private static String nameOrNone(String name) {
        return name == null ? "(none yet)" : name;
    }
}
