package io.durastash.faults;

import io.durastash.testkit.records.Verdict;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Locale;

/**
 * What a fault test saw, line by line, in {@code target/fault-report/<scenario>.txt} (and on standard output): the
 * seed, the kills, the records, lost, duplicated, the time taken. Each line is written as it happens, so a failed run
 * leaves its figures too. docs/reliability.md quotes these files.
 */
final class FaultReport {
    private final Path file;
    private final long started = System.nanoTime();

    private FaultReport(Path file) {
        this.file = file;
    }

    static FaultReport of(String scenario) {
        Path dir = Path.of(System.getProperty("faults.report.dir", "target/fault-report"));
        Path file = dir.resolve(scenario + ".txt");
        try {
            Files.createDirectories(dir);
            Files.writeString(file, "# " + scenario + ", " + Instant.now() + System.lineSeparator(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new FaultReport(file);
    }

    /** Appends one line, formatted with {@link Locale#ROOT}, prefixed with the seconds since the scenario started. */
    FaultReport line(String format, Object... args) {
        String text = String.format(Locale.ROOT, "[%6.1f s] ", seconds()) + String.format(Locale.ROOT, format, args);
        System.out.println(text);
        try {
            Files.writeString(file, text + System.lineSeparator(), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Seconds since the scenario started. */
    double seconds() {
        return (System.nanoTime() - started) / 1e9;
    }

    /** The verdict's figures on one line. */
    FaultReport verdict(Verdict verdict) {
        return line("verdict: expected %d, arrived %d, missing %d, duplicates %d, out of order %d, altered %d, "
                + "misplaced %d, unexpected %d, foreign %d%s", verdict.expected(), verdict.arrived(), verdict.missing(),
            verdict.duplicates(), verdict.outOfOrder(), verdict.altered(), verdict.misplaced(), verdict.unexpected(),
            verdict.foreign(), verdict.missingRanges().isEmpty() ? "" : "; missing " + verdict.missingRanges());
    }
}
