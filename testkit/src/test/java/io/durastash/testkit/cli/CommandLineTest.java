package io.durastash.testkit.cli;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandLineTest {
    private static final Set<String> FLAGS = Set.of("--headless");
    private static final Set<String> OPTIONS = Set.of("--records", "--rate", "--sync");
    private static final Set<String> PREFIXES = Set.of("--consumer.");

    @Test
    void flagsOptionsAndPrefixedOptionsReadAsTypedValues() {
        CommandLine line = CommandLine.parse(new String[] {"--records", "1_000_000", "--rate=2_500.5", "--headless",
            "--consumer.max.poll.records", "5000", "--sync", "FALSE", "--records", "7"}, FLAGS, OPTIONS, PREFIXES);
        assertTrue(line.has("--headless"));
        assertEquals(7, line.number("--records", 1, 1, Long.MAX_VALUE), "the last value wins");
        assertEquals(2_500.5, line.decimal("--rate", 0), 0.0);
        assertFalse(line.bool("--sync", true));
        assertEquals(Map.of("max.poll.records", "5000"), line.withPrefix("--consumer."));
        assertEquals("default", CommandLine.parse(new String[0], FLAGS, OPTIONS, PREFIXES).string("--records", "default"));
    }

    @Test
    void badValuesSayWhatToChange() {
        assertMessage("Unknown option '--recrods'.", "--recrods", "5");
        assertMessage("--records needs a value.", "--records");
        assertMessage("--records needs a value.", "--records", "--headless");
        assertEquals("--records needs a whole number, not 'many'.", assertThrows(UsageException.class,
            () -> parse("--records", "many").number("--records", 0, 0, 10)).getMessage());
        assertEquals("--records must be between 1 and 10, not 11.", assertThrows(UsageException.class,
            () -> parse("--records", "11").number("--records", 1, 1, 10)).getMessage());
        assertEquals("--sync needs true or false, not 'maybe'.", assertThrows(UsageException.class,
            () -> parse("--sync", "maybe").bool("--sync", true)).getMessage());
    }

    private static CommandLine parse(String... args) {
        return CommandLine.parse(args, FLAGS, OPTIONS, PREFIXES);
    }

    private static void assertMessage(String expected, String... args) {
        assertEquals(expected, assertThrows(UsageException.class, () -> parse(args)).getMessage());
    }
}
