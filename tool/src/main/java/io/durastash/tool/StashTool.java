package io.durastash.tool;

import io.durastash.stash.Stash;
import io.durastash.stash.Version;
import io.durastash.stash.model.StashException;
import io.durastash.stash.model.StashOptions;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.Map;

/**
 * The {@code durastash} command: inspects, verifies and repairs a stash on disk while no worker has it open. Opens
 * the stash read-only unless the command changes it ({@link Command#changesStash}). See {@link #USAGE_TEXT}.
 */
public final class StashTool {
    public static final int OK = 0;
    /** The stash could not be opened, or the command could not do what was asked. */
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    /** Damaged entries were found (verify), shown (show) or skipped (export, salvage). */
    public static final int DAMAGED = 3;

    static final String USAGE_TEXT = """
        Usage: durastash --dir <stash directory> [--format text|json] <command> [options]

        Inspects and repairs a DuraStash stash on this machine. The stash directory is the connectors'
        stash.dir/stash.name. It never creates a stash.

        Only quarantine requeue, quarantine purge and owners with --sink or --source change the stash,
        and salvage writes a new one.
        Every other command, and requeue and purge with --dry-run, opens the stash read-only: no file in
        its directory changes, appears or goes, even when the stash is damaged (a damaged write-ahead log
        is read up to the damage and left for the next worker to drop and record in the quarantine).
        Either way first stop what uses the stash: the connectors (PUT /connectors/<name>/stop) or the
        worker. The tool refuses a stash a worker has open, and a worker refuses one the tool has open;
        read-only runs of the tool may share a stash with each other.

        Commands:
          stats                       Counters, identity, disk use, and the last input offset each sink
                                      connector stashed per partition. Changes nothing.
          list [--from ID] [--limit N]
                                      Batches in id order (default 100): status, records, bytes, age,
                                      load attempts, group, input offset ranges; damaged metadata shows as
                                      DAMAGED. Prints the --from of the next page. Changes nothing.
          show BATCH [--from INDEX] [--limit N]
                                      A batch's metadata and records (default 100), decoded: input
                                      topic-partition@offset, timestamp, headers, key and value. Bytes
                                      show as UTF-8 text when printable, else as base64:...; structs,
                                      maps and arrays as Connect prints them. Damaged records show as
                                      DAMAGED with the reason. Changes nothing.
          verify [--max-listed N]     Checks every entry against its checksum: the write-ahead log,
                                      RocksDB's files, each batch's metadata, each record, the quarantine
                                      entries. Lists the first N damaged entries (default 100). Changes
                                      nothing.
          quarantine list [BATCH...] [--limit N]
                                      Entries set aside as damaged: original batch and index, reason,
                                      and whether a record passes its checksum now (json: also how many
                                      records each stands for and its batch's input offsets). Changes
                                      nothing.
          quarantine requeue (--all | BATCH...) [--dry-run]
                                      WRITES to the stash (with --dry-run: changes nothing, only says
                                      what it would do). Re-checks the quarantined records of the named
                                      original batches and restores only those that now pass their
                                      checksum and decode: records set aside because their batch's
                                      metadata was damaged, or records an operator repaired, or records
                                      of a newer format after an upgrade. Per original batch, the
                                      restored records form ONE new batch, in their original order, at
                                      the end of the stash: they are delivered after everything already
                                      stashed (for them, order per input partition is not kept, and
                                      loaders see them as a batch of their own). The batch's quarantined
                                      metadata entry goes once its records are rebuilt; records that
                                      still fail stay in quarantine. Like any redelivery, a restored
                                      record may duplicate one that reached Kafka before the damage was
                                      found.
          quarantine purge (--all | BATCH...) [--dry-run]
                                      WRITES to the stash (with --dry-run: changes nothing). Deletes the
                                      quarantined entries of the named original batches for good.
          export --output FILE        Writes every record the stash holds (waiting, or delivered and not
                                      yet acknowledged) as JSON lines to FILE (- for stdout), in batch
                                      order: batch, group, index, topic, partition, offset, timestamp,
                                      headers, key and value with their format (utf8, base64, string,
                                      number, boolean, text, null) and schemas. Skips damaged records.
                                      Changes nothing in the stash.
          salvage --into DIR          WRITES a new stash in DIR (new or empty); the old stash is opened
                                      read-only and changes nothing. Copies what can be read: every batch
                                      found, through damaged metadata too, in order, with the records
                                      that pass their checksum, and the sinks' stashed offsets. Lists
                                      what it could not copy with its input offsets; the new stash asks
                                      its sink to fetch those again from the input topic. The new stash
                                      has its own identity: the source delivers all of it, so records
                                      already in Kafka may come again.
          owners [--sink NAME] [--source NAME]
                                      The sink and the source connector the stash belongs to: the first
                                      of each to start recorded its name, and connectors of other names
                                      are refused. Changes nothing. With --sink or --source: WRITES the
                                      new owners, to hand the stash over on purpose (a connector deleted
                                      and created again under a new name). The old connectors must be
                                      stopped: the tool needs the stash to itself.

        Options:
          --dir DIR                   The stash directory (required).
          --format text|json          Output as text (default) or as one JSON document.
          -h, --help                  This help.
          --version                   The DuraStash version.

        Exit codes: 0 done; 1 the stash could not be opened (missing, or open in a worker) or the command
        failed; 2 bad usage; 3 damage found (verify), shown (show) or skipped (export,
        salvage).
        """;

    private static final Map<String, Command> COMMANDS = Map.of(
        "stats", new StatsCommand(),
        "list", new ListCommand(),
        "show", new ShowCommand(),
        "verify", new VerifyCommand(),
        "quarantine", new QuarantineCommand(),
        "export", new ExportCommand(),
        "salvage", new SalvageCommand(),
        "owners", new OwnersCommand());

    private final PrintStream out;
    private final PrintStream err;
    private final Clock clock;

    StashTool(PrintStream out, PrintStream err, Clock clock) {
        this.out = out;
        this.err = err;
        this.clock = clock;
    }

    public static void main(String[] args) {
        int code = new StashTool(System.out, System.err, Clock.systemUTC()).run(args);
        System.out.flush();
        System.exit(code);
    }

    int run(String[] argv) {
        Arguments args;
        try {
            args = Arguments.parse(argv);
        } catch (UsageException e) {
            return usage(e.getMessage());
        }
        if (args.flag("--version")) {
            out.println("durastash " + Version.get());
            return OK;
        }
        if (args.flag("--help") || argv.length == 0) {
            out.print(USAGE_TEXT);
            return OK;
        }
        if (args.positionals().isEmpty()) {
            return usage("no command given");
        }
        String name = args.positionals().get(0);
        Command command = COMMANDS.get(name);
        if (command == null) {
            return usage("unknown command '" + name + "'");
        }
        String format = args.option("--format") == null ? "text" : args.option("--format");
        if (!format.equals("text") && !format.equals("json")) {
            return usage("--format must be text or json, got '" + format + "'");
        }
        String dir = args.option("--dir");
        if (dir == null) {
            return usage("--dir <stash directory> is required: the connectors' stash.dir/stash.name");
        }
        try {
            command.check(args);
        } catch (UsageException e) {
            return usage(e.getMessage());
        }
        Path path = Paths.get(dir).toAbsolutePath().normalize();
        if (!Files.isRegularFile(path.resolve("CURRENT"))) {
            err.println("durastash: there is no stash at " + path + (Files.isDirectory(path) ? "" : " (no such directory)")
                + ". --dir names the stash itself: the connectors' stash.dir followed by stash.name, e.g. "
                + "/var/lib/durastash/default.");
            return FAILED;
        }
        Stash stash;
        try {
            stash = Stash.open(path, StashOptions.defaults().withMemoryBytes(StashOptions.MIN_MEMORY_BYTES)
                .withQuarantineOnOpen(false).withReadOnly(!command.changesStash(args)));
        } catch (StashException e) {
            err.println("durastash: " + e.getMessage());
            if (e.getMessage() != null && e.getMessage().contains("locked")) {
                err.println("durastash: the tool needs the stash to itself. Stop the connectors that use it "
                    + "(PUT /connectors/<name>/stop, for the sink and the source) or the worker, then run it again.");
            }
            return FAILED;
        }
        try (stash) {
            return command.run(new Command.Invocation(stash, args, new Output(out, format.equals("json")), err, clock.millis()));
        } catch (UsageException e) {
            return usage(e.getMessage());
        } catch (StashException | IOException e) {
            err.println("durastash: " + e.getMessage());
            return FAILED;
        } finally {
            out.flush();
        }
    }

    private int usage(String problem) {
        err.println("durastash: " + problem);
        err.println("Run 'durastash --help' for usage.");
        return USAGE;
    }
}
